"""Start a container context the way its image would, without Docker: the Dockerfile's CMD in a
shell, in the context folder, with HOST and PORT set as a platform sets them (here on the
loopback address only), and a tiny HTTP client that does not follow redirects."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

START_TIMEOUT = 30.0


def dockerfile_cmd(context: Path) -> str:
    """The shell form CMD of the context's Dockerfile."""
    lines = (context / "Dockerfile").read_text(encoding="utf-8").splitlines()
    (cmd,) = [line[len("CMD "):] for line in lines if line.startswith("CMD ")]
    return cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: object  # a temporary file with the server's output

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    def request(self, path: str, cookies: dict[str, str] | None = None,
                form: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request("POST" if form is not None else "GET", path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", errors="replace")
        set_cookies = {}
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, text,
                        set_cookies)


def _environment(port: int, env: dict[str, str] | None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    environ.update({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                    "HOST": "127.0.0.1", "PORT": str(port)})
    environ.update(env or {})
    return environ


@contextmanager
def serving(context: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run the CMD until the server answers; stop it (its own process group) afterwards."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(["sh", "-c", dockerfile_cmd(context)], cwd=context,
                                   env=_environment(port, env), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(port, process, log)
        try:
            _wait_until_up(server)
            yield server
        finally:
            stop(process)


def start_fails(context: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the CMD expecting it to exit by itself; its exit code and output."""
    process = subprocess.Popen(["sh", "-c", dockerfile_cmd(context)], cwd=context,
                               env=_environment(free_port(), env), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=START_TIMEOUT)
    finally:
        stop(process)
    return process.returncode, output.decode("utf-8", errors="replace")


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server stopped (exit {server.process.returncode}):\n"
                                 f"{server.output()}")
        try:
            server.request("/-/static/app.css")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process.stdout:
        process.stdout.close()
