"""Server benchmark: burst, ramp and zero-delay throughput for each server, in one run.

Six servers speak the same bytes: akkasockets (direct transport), the same on Akka.IO, and four
idiomatic peers (plain .NET Task per connection, Go goroutine per connection, Node.js net +
setTimeout, Python asyncio). Every scenario starts a fresh server process and is driven by
`akkasockets load --json` and by the independent C/epoll generator (bench/independent-load);
both spread their connects over many loopback source addresses. Client side: reply latency
p50/p99/max, failures, and (C generator only) greeting latency, connect to the last byte of
`Welcome!`. Server side, from /proc: peak RSS per connection (VmHWM minus the RSS before the load,
over the peak of open connections), idle RSS, CPU seconds and CPU milliseconds per session.
Medians over --repeat runs; the servers take turns within each repetition (interleaved), so a
slow minute on a shared machine hits all of them.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.environ.get('AKKASOCKETS_DLL') or os.path.join(ROOT, 'bench/results/publish/akkasockets/akkasockets.dll')
PLAIN = os.path.join(ROOT, 'bench/results/publish/plain/PlainServer.dll')
ASYNCIO = os.path.join(ROOT, 'bench/baselines/asyncio_server.py')
GO = os.path.join(ROOT, 'bench/results/publish/go/greeting-go')
NODE = os.path.join(ROOT, 'bench/baselines/node/server.js')
CLK = os.sysconf('SC_CLK_TCK')
LOADGEN = os.path.join(ROOT, 'bench/results/loadgen')


def ours(delay_ms, dll=CLI):
    return ['dotnet', dll, 'server', '--port', '0', '--quiet', '--delay', f'{delay_ms}ms', '--max-connections', '20000']


def servers(delay_ms):
    ours_cmd = ours(delay_ms)
    return {
        'akkasockets': ours_cmd,
        # The same server with Akka.IO's connection actor in front of every socket: the naive shape.
        'akka-io-transport': ours_cmd + ['--transport', 'akka-io'],
        'plain-dotnet': ['dotnet', PLAIN, '0', str(delay_ms)],
        'go': [GO, '0', str(delay_ms)],
        'node': ['node', NODE, '0', str(delay_ms)],
        'python-asyncio': [sys.executable, ASYNCIO, '0', str(delay_ms)],
    }


def proc_kb(pid, key):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def start(cmd, env=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **env} if env else None)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith('Listening on '):
            port = int(line.strip().rsplit(':', 1)[1])
            proc.stdout.readline()
            # stdout is not read again: quiet servers print nothing more.
            time.sleep(1.0)
            return proc, port
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f'server did not start: {cmd}')


def load(port, args, cap_s, driver):
    if driver == 'c-loadgen':
        # The independent C/epoll generator: PORT SESSIONS CONNECTIONS RAMP TIMEOUT CAP.
        opts = dict(zip(args[::2], args[1::2]))
        ramp = opts.get('--ramp', '0')
        # 16 source addresses, as `akkasockets load` spreads its connects over 127.0.0.2-251.
        cmd = [LOADGEN, str(port), opts['--sessions'], opts['--connections'], ramp,
               opts.get('--timeout', '10s').rstrip('s'), str(cap_s), '16']
    else:
        cmd = ['dotnet', CLI, 'load', '--port', str(port), '--json', '--max-duration', f'{cap_s}s'] + args
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=cap_s + 60)
    lines = [l for l in out.stdout.splitlines() if l.startswith('{')]
    if not lines:
        raise RuntimeError(f'load printed no JSON (exit {out.returncode})')
    return json.loads(lines[-1])


def scenario(name, cmd, load_args, cap_s, driver, env=None):
    proc, port = start(cmd, env)
    try:
        idle = proc_kb(proc.pid, 'VmRSS')
        cpu0 = cpu_seconds(proc.pid)
        result = load(port, load_args, cap_s, driver)
        hwm = proc_kb(proc.pid, 'VmHWM')
        cpu = cpu_seconds(proc.pid) - cpu0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    peak = max(result.get('peak_open', 0), 1)
    reply = result.get('reply_ms') or {'p50': float('nan'), 'p99': float('nan'), 'max': float('nan')}
    greeting = result.get('greeting_ms') or {}
    return {
        'ok': result['ok'], 'failed': result['failed'], 'failures': result.get('failures', {}),
        'p50': reply['p50'], 'p99': reply['p99'], 'max': reply['max'],
        'greeting_p99': greeting.get('p99'),
        'sessions_per_s': result['sessions_per_s'], 'peak_open': result.get('peak_open', 0),
        'kib_per_conn': (hwm - idle) / peak, 'server_cpu_s': cpu, 'idle_rss_mib': idle / 1024,
        'cpu_ms_per_session': 1000 * cpu / max(result['ok'], 1),
    }


def median_of(runs):
    out = dict(runs[0])
    for key in ('ok', 'failed', 'p50', 'p99', 'max', 'greeting_p99', 'sessions_per_s', 'peak_open', 'kib_per_conn',
                'server_cpu_s', 'idle_rss_mib', 'cpu_ms_per_session'):
        values = [r[key] for r in runs if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    out['runs'] = runs
    return out


def stamp():
    """What the figures belong to: the commit (and whether the tree had changes) and the machine."""
    def run(*cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                  cwd=ROOT, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ''
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next((l.split(':', 1)[1].strip() for l in f if l.startswith('model name')), '')
    except OSError:
        pass
    with open('/proc/meminfo') as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    with open('/proc/loadavg') as f:
        load = f.read().split()[:3]
    commit = run('git', 'rev-parse', '--short=10', 'HEAD')
    if run('git', 'status', '--porcelain', '--untracked-files=no'):
        commit += ' (with uncommitted changes)'
    return {'commit': commit, 'cpu': cpu, 'cpus': os.cpu_count(), 'mem_gib': round(mem_gib, 1),
            'kernel': platform.release(), 'dotnet': run('dotnet', '--version'),
            'go': run('go', 'version').replace('go version ', ''), 'node': run('node', '--version'),
            'python': platform.python_version(), 'loadavg': ' '.join(load)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true',
                    help='one run of each, 5000 sessions, 5000 zero-delay sessions: a few minutes')
    ap.add_argument('--repeat', type=int)
    ap.add_argument('--sessions', type=int)
    ap.add_argument('--ramp', type=int, default=1000)
    ap.add_argument('--throughput-sessions', type=int)
    ap.add_argument('--only', action='append', help='server name (repeatable)')
    ap.add_argument('--skip', action='append', default=[], help='scenario to skip: burst, ramp, throughput')
    ap.add_argument('--driver', action='append', choices=['akkasockets-load', 'c-loadgen'],
                    help='load generator(s) to drive every scenario with; default: both')
    ap.add_argument('--variant', action='append', default=[], metavar='NAME:VAR=VALUE[,VAR=VALUE]',
                    help='an A/B row: akkasockets with these environment variables, named akkasockets+NAME')
    ap.add_argument('--build', action='append', default=[], metavar='NAME=DLL',
                    help='an A/B row: another akkasockets build (e.g. published from another commit), named akkasockets@NAME')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench/results/bench.json'))
    a = ap.parse_args()
    variants = {}
    for v in a.variant:
        name, _, assignments = v.partition(':')
        variants['akkasockets+' + name] = dict(x.split('=', 1) for x in assignments.split(',') if x)
    builds = dict(('akkasockets@' + b.split('=', 1)[0], os.path.abspath(b.split('=', 1)[1])) for b in a.build)
    load_before = stamp()['loadavg']
    repeat = a.repeat or (1 if a.quick else 3)
    n = a.sessions or (5000 if a.quick else 15000)
    zero_delay = a.throughput_sessions or (5000 if a.quick else 20000)

    plans = []
    if 'burst' not in a.skip:
        plans.append(('burst', 1000, ['--connections', str(n), '--sessions', str(n), '--timeout', '60s'], 300))
    if 'ramp' not in a.skip:
        plans.append(('ramp', 1000, ['--connections', str(n), '--sessions', str(n), '--ramp', str(a.ramp), '--timeout', '60s'], 300))
    if 'throughput' not in a.skip:
        plans.append(('throughput', 0, ['--connections', '100', '--sessions', str(zero_delay),
                                        '--expect-delay', '0s', '--timeout', '10s'], 120))

    missing = [tool for tool in ('go', 'node') if (a.only is None or tool in a.only) and
               not (os.path.exists(GO) if tool == 'go' else shutil.which('node'))]
    if missing:
        sys.exit(f'missing baseline(s): {", ".join(missing)} (bench/run.sh builds Go; Node.js must be on PATH)')

    drivers = a.driver or ['akkasockets-load', 'c-loadgen']
    results = {}
    for driver in drivers:
        for plan, delay, args, cap in plans:
            if driver == 'c-loadgen' and plan == 'throughput':
                continue
            every = servers(delay)
            every.update({name: every['akkasockets'] for name in variants})
            every.update({name: ours(delay, dll) for name, dll in builds.items()})
            chosen = {k: v for k, v in every.items() if not a.only or k in a.only or k in variants or k in builds}
            runs = {name: [] for name in chosen}
            # Interleaved: every server once per repetition.
            for i in range(repeat):
                for name, cmd in chosen.items():
                    print(f'{driver} {plan:10s} {name:17s} run {i + 1}/{repeat} ...', file=sys.stderr, flush=True)
                    runs[name].append(scenario(name, cmd, args, cap, driver, variants.get(name)))
            for name in chosen:
                results.setdefault(driver, {}).setdefault(plan, {})[name] = median_of(runs[name])

    meta = {'stamp': None, 'variants': variants, 'builds': builds, 'repeat': repeat, 'sessions': n, 'ramp_per_s': a.ramp,
            'throughput_sessions': zero_delay, 'results': results}
    meta['stamp'] = stamp()
    meta['stamp']['loadavg'] = f"{load_before} before, {meta['stamp']['loadavg']} after"
    print_table(meta)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, 'w') as f:
        json.dump(meta, f, indent=2)
    print(f'\nwritten: {os.path.relpath(a.out, ROOT)}')


def print_table(meta):
    st = meta['stamp']
    print(f"\ncommit {st['commit']}; {st['cpus']} x {st['cpu']}, {st['mem_gib']} GiB, Linux {st['kernel']}; "
          f".NET SDK {st['dotnet']}, {st['go']}, Node.js {st['node']}, Python {st['python']}; "
          f"load average {st['loadavg']} (other work on the machine moves every latency)")
    print(f"medians of {meta['repeat']}; burst and ramp: {meta['sessions']} sessions of 3 names, reply delay 1 s, "
          f"ramp {meta['ramp_per_s']}/s; throughput: {meta['throughput_sessions']} sessions, 100 at a time, no delay")
    for driver, results in meta['results'].items():
        print(f"\ndriven by {driver}:")
        print_driver_table(results, driver)
        print_targets(results, driver)


def _f(value, width, digits=1):
    return f"{'-':>{width}s}" if value is None else f"{value:{width}.{digits}f}"


def print_targets(results, driver):
    """The performance targets, checked against this run's medians (met / MISSED, nothing hidden)."""
    def get(plan, name, key):
        return results.get(plan, {}).get(name, {}).get(key)

    checks = []
    ours = 'akkasockets'
    p99, go_p99, fails = get('burst', ours, 'p99'), get('burst', 'go', 'p99'), get('burst', ours, 'failed')
    if p99 is not None and go_p99 is not None:
        checks.append((fails == 0 and p99 <= go_p99,
                       f"burst: 0 failures ({fails:.0f}), reply p99 <= Go's ({p99:.1f} vs {go_p99:.1f} ms)"))
    greet = get('burst', ours, 'greeting_p99')
    if greet is not None:
        checks.append((greet <= 60, f'burst: greeting p99 <= 60 ms ({greet:.1f})'))
    cpu, plain_cpu, go_cpu = (get('ramp', s, 'cpu_ms_per_session') for s in (ours, 'plain-dotnet', 'go'))
    if cpu is not None and plain_cpu is not None:
        checks.append((cpu <= plain_cpu, f"ramp: server CPU per session <= plain .NET's ({cpu:.2f} vs {plain_cpu:.2f} ms; "
                                         f"Go {_f(go_cpu, 0, 2).strip()})"))
    ramp, go_ramp = get('ramp', ours, 'p99'), get('ramp', 'go', 'p99')
    if ramp is not None and go_ramp is not None:
        checks.append((ramp <= go_ramp, f"ramp: p99 - 1 s <= Go's ({ramp - 1000:.1f} vs {go_ramp - 1000:.1f} ms)"))
    kib, go_kib = get('burst', ours, 'kib_per_conn'), get('burst', 'go', 'kib_per_conn')
    if kib is not None and go_kib is not None:
        checks.append((kib <= go_kib, f"memory: KiB per connection at the burst peak <= Go's ({kib:.2f} vs {go_kib:.2f})"))
    idle = get('burst', ours, 'idle_rss_mib')
    if idle is not None:
        checks.append((idle <= 40, f'memory: idle RSS <= 40 MiB ({idle:.1f})'))
    tput, plain = get('throughput', ours, 'sessions_per_s'), get('throughput', 'plain-dotnet', 'sessions_per_s')
    if tput is not None and plain:
        checks.append((tput / plain >= 1.0, f'throughput: >= 1.0x plain .NET ({tput / plain:.2f}x)'))
    io_kib, io_p99 = get('burst', 'akka-io-transport', 'kib_per_conn'), get('burst', 'akka-io-transport', 'p99')
    if io_kib is not None:
        checks.append((io_kib <= 12, f'akka-io: <= 12 KiB per connection ({io_kib:.2f})'))
    if io_p99 is not None:
        checks.append((io_p99 <= 1250, f'akka-io: burst p99 <= 1250 ms ({io_p99:.1f})'))
    print(f'targets ({driver}):')
    for met, text in checks:
        print(f"  {'met   ' if met else 'MISSED'} {text}")


def print_driver_table(results, driver):
    greet_note = '' if driver == 'c-loadgen' else '  (greeting latency: measured by c-loadgen only)'
    print(f"{'scenario':10s} {'server':17s} {'ok':>6s} {'fail':>5s} {'p50 ms':>8s} {'p99 ms':>8s} "
          f"{'max ms':>8s} {'p99-1s':>7s} {'greet99':>8s} {'sess/s':>7s} {'KiB/conn':>8s} {'idle MiB':>8s} "
          f"{'cpu s':>6s} {'cpu ms/s':>8s}{greet_note}")
    for plan, by_server in results.items():
        base = by_server.get('plain-dotnet')
        for name, r in by_server.items():
            # With no reply delay there is no "minus 1 s", and with 100 connections open the
            # peak RSS over the connection count is not memory per connection: left blank.
            if plan == 'throughput':
                over, kib = f"{'':>7s}", f"{'':>8s}"
            else:
                over, kib = f"{r['p99'] - 1000:7.1f}", f"{r['kib_per_conn']:8.2f}"
            print(f"{plan:10s} {name:17s} {r['ok']:6.0f} {r['failed']:5.0f} {r['p50']:8.1f} {r['p99']:8.1f} "
                  f"{r['max']:8.1f} {over} {_f(r.get('greeting_p99'), 8)} {r['sessions_per_s']:7.0f} {kib} "
                  f"{r['idle_rss_mib']:8.1f} {r['server_cpu_s']:6.1f} {_f(r.get('cpu_ms_per_session'), 8, 3)}")
        if plan == 'throughput' and base and 'akkasockets' in by_server:
            ratio = by_server['akkasockets']['sessions_per_s'] / base['sessions_per_s']
            print(f"{'':10s}   akkasockets / plain-dotnet throughput: {ratio:.2f}x "
                  f"(replies/s {by_server['akkasockets']['sessions_per_s'] * 3:.0f} vs {base['sessions_per_s'] * 3:.0f})")


if __name__ == '__main__':
    main()
