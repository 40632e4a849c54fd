#!/usr/bin/env python3
"""A TCP proxy that delays every chunk by a fixed time in each direction, so a
local server answers as if it were a network away (the kernel's netem is not
always there). Order within a connection is kept; throughput is not capped;
connecting is not delayed, so a client that opens more connections gains
nothing here it would not on a real network.

usage: latency-proxy.py LISTEN_PORT UPSTREAM_HOST:PORT ONE_WAY_MS
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, data))
        queue.put_nowait((loop.time() + delay, b""))

    async def write():
        while True:
            due, data = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                break
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        # Half-close: the other direction may still be answering.
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            writer.close()


async def main(listen_port, upstream, delay):
    host, port = upstream.rsplit(":", 1)
    # asyncio holds tasks weakly: a connection waiting out its delay could
    # be collected mid-transfer without these references.
    live = set()

    async def serve(client_reader, client_writer):
        task = asyncio.current_task()
        live.add(task)
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
            try:
                await asyncio.gather(
                    pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay)
                )
            finally:
                server_writer.close()
        except OSError:
            pass
        finally:
            client_writer.close()
            live.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", listen_port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) / 1000))
