"""The tutorial's greeting server on asyncio: a benchmark baseline, same bytes on the wire."""
import asyncio
import sys


async def serve(reader, writer, delay):
    writer.write(b'Welcome!')
    try:
        while True:
            data = await reader.read(1024)
            await asyncio.sleep(delay)
            if not data or data == b'exit':
                break
            writer.write(b'Hello, ' + data + b'!')
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
    delay = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 1.0
    server = await asyncio.start_server(lambda r, w: serve(r, w, delay), '127.0.0.1', port, backlog=4096)
    print(f"Listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    print("Waiting for connection...", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main())
