"""`kennisbank build` on a terminal shows each stage with a bar and its time (click); in a log
(no terminal) it prints exactly its summary lines, as before."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
KENNISBANK = str(Path(sys.executable).with_name("kennisbank"))
STAGES = ["Bron lezen", "Rijen controleren", "Kennisbank laden", "Rapporten maken"]


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    return {**clean, "TERM": "xterm", "COLUMNS": "100", "KENNISBANK_PEILDATUM": "2026-11-28"}


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as its stdin, stdout and stderr."""
    main, child = pty.openpty()
    process = subprocess.Popen([KENNISBANK, *args], stdin=child, stdout=child, stderr=child,
                               env=env(), close_fds=True)
    os.close(child)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    return process.wait(timeout=120), output.decode("utf-8", errors="replace")


def test_each_stage_with_a_bar_and_its_time_on_a_terminal(tmp_path):
    code, output = on_a_terminal("build", "--out", str(tmp_path))
    assert code == 0, output
    text = ANSI.sub("", output)
    for label in STAGES:
        assert re.search(rf"{label} +\[#{{30}}\] +\d+(,\d)? s", text), (label, text[-2000:])
    assert "198 acties gelezen: 164 gepubliceerd" in text


def test_no_bars_in_a_log(tmp_path):
    result = subprocess.run([KENNISBANK, "build", "--out", str(tmp_path)], capture_output=True,
                            text=True, env=env(), timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "198 acties gelezen", "Kennisbank", "Beheer", "Rapporten"]
