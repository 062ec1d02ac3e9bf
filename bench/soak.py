"""Soak: mixed load against `akkasockets server` with its RSS sampled every second.

Well-behaved sessions (greeting, three names, exit) run on --sessions concurrent workers while
abusive workers flood without reading, drip one byte per 100 ms, reset mid-delay, half-close and
never read, send invalid UTF-8, send over-long lines, and storm the listener with bursts of
connections. Every loop is bounded by the run's end time and every wait by a timeout; loopback only.
Writes bench/results/soak.csv (one row per second) and prints a summary: first-, second- and
last-minute median RSS, the maximum, and whether memory is flat (last-minute median within 10%
of the second-minute median; the first minute is warm-up: JIT, pools, GC heap sizing).
"""
import argparse
import asyncio
import csv
import logging
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'src/AkkaSockets.Cli/bin/Release/net10.0/akkasockets.dll')
HOST = '127.0.0.1'
TIMEOUT = 10.0


class Counters:
    def __init__(self):
        self.ok = 0
        self.failed = 0
        self.abusive_errors = 0
        self.failures = {}
        self.abusive = 0
        self.busy = 0
        self.latencies = []

    def fail(self, kind, error):
        if kind == 'well-behaved':
            self.failed += 1
        else:
            self.abusive_errors += 1
        key = f'{kind}: {type(error).__name__} {error}'[:120]
        self.failures[key] = self.failures.get(key, 0) + 1


async def read_line(reader):
    line = await asyncio.wait_for(reader.readuntil(b'\n'), TIMEOUT)
    return line.rstrip(b'\r\n')


async def expect_end(reader):
    try:
        rest = await asyncio.wait_for(reader.read(1024), TIMEOUT)
    except ConnectionResetError:
        return
    if rest:
        raise RuntimeError(f'expected the end of stream, got {rest[:40]!r}')


async def connect(port):
    return await asyncio.wait_for(asyncio.open_connection(HOST, port), TIMEOUT)


def close(writer, reset=False):
    if reset:
        sock = writer.get_extra_info('socket')
        if sock is not None:
            # Linger 0: the close sends RST instead of FIN. When the server has already closed
            # the connection (a flooder turned away), asyncio may have closed the socket too:
            # there is nothing left to reset, and that is not an answer from the server.
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            except OSError:
                pass
    writer.close()


class Busy(Exception):
    """The server was at max-connections: a correct answer, not a failure."""


async def greeting(reader):
    first = await read_line(reader)
    if first == b'Server busy':
        raise Busy()
    if first != b'Welcome!':
        raise RuntimeError(f'greeting {first!r}')


async def well_behaved(port, n, stats):
    reader, writer = await connect(port)
    try:
        await greeting(reader)
        for name in (f'Michael{n}', f'Tracy{n}', f'Sarah{n}'):
            sent = time.monotonic()
            writer.write(name.encode() + b'\n')
            reply = await read_line(reader)
            if reply != f'Hello, {name}!'.encode():
                raise RuntimeError(f'reply {reply!r}')
            stats.latencies.append((time.monotonic() - sent) * 1000)
        writer.write(b'exit\n')
        await expect_end(reader)
        stats.ok += 1
    finally:
        close(writer)


async def flood(port, end):
    reader, writer = await connect(port)
    # A flooder never reads, so it cannot tell a busy answer from a welcome: the server closing
    # it (busy) shows up as a failed write, which is not an error of the server.
    try:
        block = b'x\n' * 32768
        for _ in range(16):  # at most 1 MiB; TCP backpressure stops it much sooner
            if time.monotonic() > end:
                break
            writer.write(block)
            try:
                await asyncio.wait_for(writer.drain(), 2.0)
            except asyncio.TimeoutError:
                break  # the server stopped reading: that is the point
        await asyncio.sleep(3)
    except OSError:
        pass
    finally:
        close(writer, reset=True)


async def slowloris(port, n):
    reader, writer = await connect(port)
    try:
        await greeting(reader)
        for b in f'slow{n}\n'.encode():
            writer.write(bytes([b]))
            await asyncio.sleep(0.1)
        reply = await read_line(reader)
        if reply != f'Hello, slow{n}!'.encode():
            raise RuntimeError(f'slowloris reply {reply!r}')
    finally:
        close(writer)


async def reset_mid_delay(port, n):
    reader, writer = await connect(port)
    try:
        await greeting(reader)
    except Busy:
        close(writer)
        raise
    writer.write(f'reset{n}\n'.encode())
    await writer.drain()
    close(writer, reset=True)


async def half_open(port, n):
    reader, writer = await connect(port)
    try:
        writer.write(f'half{n}\nhalf{n}\n'.encode())
        writer.write_eof()
        await asyncio.sleep(2)  # never reads; the server must still answer and close
    except OSError:
        pass  # closed by a busy server before the half-close: nothing to check without reading
    finally:
        close(writer)


async def invalid_utf8(port, n):
    reader, writer = await connect(port)
    try:
        await greeting(reader)
        garbage = bytes([0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x30 + n % 10])
        writer.write(garbage + b'\n')
        reply = await read_line(reader)
        if reply != b'Hello, ' + garbage + b'!':
            raise RuntimeError(f'invalid UTF-8 reply {reply!r}')
        writer.write(b'exit\n')
        await expect_end(reader)
    finally:
        close(writer)


async def over_long(port, framing):
    reader, writer = await connect(port)
    try:
        await greeting(reader)
        writer.write(b'A' * 1100)
        if framing == 'line':
            reply = await read_line(reader)
            if reply != b'Error: line too long':
                raise RuntimeError(f'over-long reply {reply!r}')
            await expect_end(reader)
    finally:
        close(writer)


async def storm(port, size, stats):
    async def one():
        try:
            reader, writer = await connect(port)
        except (OSError, asyncio.TimeoutError):
            return
        try:
            first = await read_line(reader)
            if first == b'Server busy':
                stats.busy += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            close(writer)
    await asyncio.gather(*(one() for _ in range(size)))


async def worker(name, end, stats, session):
    n = 0
    while time.monotonic() < end:
        n += 1
        try:
            await session(n)
        except Busy:
            stats.busy += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, RuntimeError) as e:
            stats.fail(name, e)


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


async def sampler(pid, end, stats, rows):
    start = time.monotonic()
    while time.monotonic() < end:
        await asyncio.sleep(1.0)
        lat = sorted(stats.latencies[-2000:])
        p50 = lat[len(lat) // 2] if lat else 0.0
        rows.append((round(time.monotonic() - start), rss_kib(pid), stats.ok, stats.failed, stats.abusive,
                     stats.abusive_errors, stats.busy, round(p50, 1)))


async def run(args, pid, port):
    stats = Counters()
    rows = []
    end = time.monotonic() + args.minutes * 60

    def abusive(session):
        async def counted(n):
            try:
                await session(n)
            finally:
                stats.abusive += 1
                # A short pause keeps the quick abuses (resets) from being a pure accept benchmark.
                await asyncio.sleep(0.02)
        return counted

    async def storm_every(n):
        await asyncio.sleep(max(0.0, min(30.0, end - time.monotonic())))
        if time.monotonic() < end:
            await storm(port, args.storm, stats)

    tasks = [sampler(pid, end, stats, rows)]
    tasks += [worker('well-behaved', end, stats, lambda n: well_behaved(port, n, stats)) for _ in range(args.sessions)]
    abuses = [
        ('flood', 4, lambda n: flood(port, end)),
        ('slowloris', 4, lambda n: slowloris(port, n)),
        ('reset', 4, lambda n: reset_mid_delay(port, n)),
        ('half-open', 4, lambda n: half_open(port, n)),
        ('invalid-utf8', 4, lambda n: invalid_utf8(port, n)),
        ('over-long', 4, lambda n: over_long(port, args.framing)),
    ]
    for name, count, session in abuses:
        tasks += [worker(name, end, stats, abusive(session)) for _ in range(count)]
    tasks.append(worker('storm', end, stats, storm_every))
    await asyncio.gather(*tasks)
    return stats, rows


def summary(rows, stats, args):
    def median_of(lo, hi):
        values = [r[1] for r in rows if lo <= r[0] < hi]
        return statistics.median(values) if values else 0
    last = rows[-1][0] if rows else 0
    first_min = median_of(0, 60)
    second_min = median_of(60, 120)
    last_min = median_of(last - 60, last + 1)
    peak = max((r[1] for r in rows), default=0)
    flat = second_min > 0 and abs(last_min - second_min) <= 0.10 * second_min
    lat = sorted(stats.latencies)

    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0.0
    lines = [
        f'soak: {args.minutes} min, delay {args.delay_ms} ms, framing {args.framing}, '
        f'{args.sessions} well-behaved workers, 24 abusive workers, storms of {args.storm} every 30 s, '
        f'max-connections {args.max_connections}',
        f'well-behaved sessions ok {stats.ok}, failed {stats.failed}; abusive sessions {stats.abusive} '
        f'(unexpected answers {stats.abusive_errors}); Server busy answers {stats.busy}',
        f'reply latency ms: p50 {pct(0.5):.0f}, p99 {pct(0.99):.0f}, max {lat[-1] if lat else 0:.0f}',
        f'RSS MiB: first-minute median {first_min / 1024:.1f}, second-minute median {second_min / 1024:.1f}, '
        f'last-minute median {last_min / 1024:.1f}, max {peak / 1024:.1f}',
        (f'memory {"flat" if flat else "NOT flat"} (last-minute median within 10% of the second-minute median)'
         if last >= 180 else 'memory: run at least 3 minutes to judge flatness'),
    ]
    for key, count in sorted(stats.failures.items(), key=lambda kv: -kv[1])[:10]:
        lines.append(f'  failure x{count}: {key}')
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--minutes', type=float, default=10)
    parser.add_argument('--delay-ms', type=int, default=100)
    parser.add_argument('--sessions', type=int, default=100, help='concurrent well-behaved workers')
    parser.add_argument('--storm', type=int, default=300, help='connections per storm (every 30 s)')
    parser.add_argument('--framing', choices=['line', 'chunk'], default='line')
    parser.add_argument('--max-connections', type=int, default=400,
                        help="server limit; storms push past it, so some clients get 'Server busy'")
    parser.add_argument('--out', default=os.path.join(ROOT, 'bench/results/soak.csv'))
    args = parser.parse_args()
    if args.framing != 'line':
        sys.exit('soak: only line framing is driven by this client (replies end with \\r\\n)')

    cmd = ['dotnet', CLI, 'server', '--port', '0', '--quiet', '--delay', f'{args.delay_ms}ms',
           '--framing', args.framing, '--max-connections', str(args.max_connections)]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        deadline = time.time() + 30
        while time.time() < deadline and port is None:
            line = server.stdout.readline()
            if line.startswith('Listening on '):
                port = int(line.strip().rsplit(':', 1)[1])
            elif not line and server.poll() is not None:
                break
        if port is None:
            sys.exit(f'soak: the server did not start: {" ".join(cmd)}')

        # Writes to a socket the server has already closed are expected here (floods, over-long lines).
        logging.getLogger('asyncio').setLevel(logging.CRITICAL)
        stats, rows = asyncio.run(run(args, server.pid, port))
        with open(args.out, 'w', newline='') as f:
            out = csv.writer(f)
            out.writerow(['t_s', 'rss_kib', 'sessions_ok', 'sessions_failed', 'abusive_done', 'abusive_errors', 'busy',
                          'reply_p50_ms'])
            out.writerows(rows)
        lines = summary(rows, stats, args)
        with open(os.path.splitext(args.out)[0] + '-summary.txt', 'w') as f:
            f.write('\n'.join(lines) + '\n')
        print('\n'.join(lines))
        print(f'samples: {args.out}')
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
            print(f'server exit code after SIGTERM: {code}')
        except subprocess.TimeoutExpired:
            server.kill()
            print('server did not exit within 30 s of SIGTERM; killed')


if __name__ == '__main__':
    main()
