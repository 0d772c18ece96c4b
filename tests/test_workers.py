"""`kennisbank serve --workers N` (pipeline/catalogue/workers.py). The swap under load with two processes is
in tests/test_load_swap.py; here: the processes, their answers, a clean stop, and TCP_NODELAY."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

from helpers import KLEIN_DIR, TODAY, get, start_serve, wait_for
from pipeline.app import build
from pipeline.catalogue.workers import NO_DELAY_HTTP


def children(pid: int) -> list[tuple[int, str]]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            found.append((int(child), cmdline.decode()))
    return found


def test_two_worker_processes_answer_and_stop_together(tmp_path):
    build(str(KLEIN_DIR), tmp_path, TODAY)
    proc, port = start_serve(tmp_path / "kennisbank.db", "--workers", "2")
    try:
        def spawned():
            found = [pid for pid, cmd in children(proc.pid) if "spawn_main" in cmd]
            return found if len(found) >= 2 else None

        workers = wait_for(spawned, "two worker processes")
        assert len(workers) == 2
        for _ in range(6):  # whichever process answers: the same catalogue, in Dutch
            status, body = get(port, "/kennisbank/acties.json?_size=0")
            assert status == 200 and json.loads(body)["filtered_table_rows_count"] == 2
        status, body = get(port, "/kennisbank/acties")
        assert status == 200 and '<html lang="nl">' in body.decode()
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_worker_connections_send_without_delay():
    """uvicorn binds the workers' socket with protocol number 0, so asyncio does not set
    TCP_NODELAY on accepted connections; the workers' protocol does."""
    from uvicorn.config import Config
    from uvicorn.server import ServerState

    async def main():
        config = Config(app=lambda scope, receive, send: None, lifespan="off")
        config.load()
        state = ServerState()
        listener = socket.socket(socket.AF_INET)  # as uvicorn's bind_socket makes it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        made = []

        def protocol():
            made.append(NO_DELAY_HTTP(config=config, server_state=state, app_state={}))
            return made[-1]

        server = await asyncio.get_running_loop().create_server(protocol, sock=listener)
        reader, writer = await asyncio.open_connection(*listener.getsockname())
        deadline = asyncio.get_running_loop().time() + 30
        while not (made and made[0].transport is not None):  # the server accepted it
            assert asyncio.get_running_loop().time() < deadline, "no connection accepted"
            await asyncio.sleep(0.01)
        accepted = made[0].transport.get_extra_info("socket")
        flag = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        server.close()
        return accepted.proto, flag

    proto, flag = asyncio.run(main())
    assert proto == 0  # asyncio's own TCP_NODELAY is skipped for such sockets ...
    assert flag != 0   # ... and the workers' protocol sets it
