"""`kennisbank run` for unattended use: exactly one log line with a timestamp, a non-zero exit on
failure, never two runs at once, never a secret in the output; the example cron, systemd
and CI files call it with options the command really has; and the systemd serving unit serves
what the run builds, so a withdrawn action leaves the site at the next run."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from datasette.utils import tilde_encode

from helpers import KLEIN_DIR, ROOT, get, start_serve, stop, wait_for
from pipeline.cli import main, run
from pipeline.cli import serve as serve_command
from pipeline.redact import log_line
from pipeline.store.lock import run_lock

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kennisbank run (OK|DEELS MISLUKT|MISLUKT): "
                  r"\S.*$")
SMTP_PASSWORD = "Sm7p-wachtwoord-heel-geheim"
API_KEY = "AIzaSyGeheimeSleutel-1234567890"
PEM_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7geheim"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KENNISBANK_", "GOOGLE_APPLICATION"))}
    env.update(extra)
    return env


def invoke(args, env=None):
    return CliRunner(env=env).invoke(main, ["run", *args])


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert LINE.match(lines[0]), lines[0]
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_run_prints_one_line_on_stdout_and_nothing_else(tmp_path):
    """As cron or systemd runs it: a real process, so any stray warning would show too."""
    args = [os.path.join(os.path.dirname(sys.executable), "kennisbank"), "run", "--source",
            str(KLEIN_DIR), "--out", str(tmp_path), "--peildatum", "2026-11-28"]
    env = clean_env()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    line = one_line(done.stdout)
    assert "kennisbank run OK: run " in line
    assert "3 acties gelezen: 2 gepubliceerd" in line and "rapporten voor 2 bibliotheken" in line
    assert (tmp_path / "kennisbank.db").exists() and not (tmp_path / "netwerk.db").exists()

    again = invoke(args[2:] + ["--netwerk"], env)
    assert again.exit_code == 0 and again.stderr == ""
    assert "de bron is niet gewijzigd sinds run" in one_line(again.stdout)
    assert (tmp_path / "netwerk.db").exists()


def test_a_second_run_while_one_runs_fails_at_once(tmp_path):
    with run_lock(tmp_path):
        result = invoke(["--source", str(KLEIN_DIR), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert "kennisbank run MISLUKT: Er loopt al een run" in line
    assert not (tmp_path / "kennisbank.db").exists()


def test_an_unreadable_source_fails_and_leaves_the_catalogue(tmp_path):
    assert invoke(["--source", str(KLEIN_DIR), "--out", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "kennisbank.db").read_bytes()
    result = invoke(["--source", str(tmp_path / "bestaat-niet.xlsx"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "MISLUKT" in one_line(result.stderr)
    assert (tmp_path / "kennisbank.db").read_bytes() == before


def test_write_back_needs_a_google_sheet(tmp_path):
    result = invoke(["--source", str(KLEIN_DIR), "--out", str(tmp_path), "--write-back"])
    assert result.exit_code == 2
    assert "--write-back kan alleen bij een Google Sheet" in one_line(result.stderr)


def test_failed_mail_is_a_partial_failure_without_the_password(tmp_path):
    env = clean_env(KENNISBANK_SMTP_HOST="127.0.0.1", KENNISBANK_SMTP_PORT=str(closed_port()),
                    KENNISBANK_SMTP_SECURITY="none", KENNISBANK_SMTP_USER="kennisbank",
                    KENNISBANK_SMTP_PASSWORD=SMTP_PASSWORD,
                    KENNISBANK_MAIL_FROM="kennisbank@voorbeeld.nl",
                    KENNISBANK_COORDINATOR_EMAIL="coordinatoren@voorbeeld.nl")
    result = invoke(["--source", str(KLEIN_DIR), "--out", str(tmp_path), "--mail"], env)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "DEELS MISLUKT" in line and "e-mails niet verstuurd" in line
    assert "gepubliceerd" in line  # the catalogue itself was updated
    assert SMTP_PASSWORD not in result.output
    assert (tmp_path / "kennisbank.db").exists()


def test_google_key_file_contents_never_reach_the_log(tmp_path):
    key = tmp_path / "serviceaccount.json"
    key.write_text(json.dumps({
        "type": "service_account", "client_email": "kb@project.iam.gserviceaccount.com",
        "private_key_id": "0123456789abcdef0123456789abcdef",
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{PEM_LINE}\n-----END PRIVATE KEY-----\n",
        "token_uri": "https://oauth2.googleapis.com/token"}))
    env = clean_env(GOOGLE_APPLICATION_CREDENTIALS=str(key), KENNISBANK_GOOGLE_API_KEY=API_KEY)
    result = invoke(["--source", "gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "--out",
                     str(tmp_path / "out"), "--write-back"], env)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    for secret in [PEM_LINE, "0123456789abcdef0123456789abcdef", API_KEY]:
        assert secret not in result.output
    assert "MISLUKT" in line


def test_an_unexpected_error_is_one_line_with_secrets_blanked(tmp_path, monkeypatch):
    import pipeline.app

    def broken(*args, **kwargs):
        raise RuntimeError(f"verbinding met wachtwoord {SMTP_PASSWORD}\nen een tweede regel")

    monkeypatch.setattr(pipeline.app, "build", broken)
    result = invoke(["--source", str(KLEIN_DIR), "--out", str(tmp_path)],
                    clean_env(KENNISBANK_SMTP_PASSWORD=SMTP_PASSWORD))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "onverwachte fout (RuntimeError): verbinding met wachtwoord ***** en een tweede regel" \
        in line
    assert SMTP_PASSWORD not in result.output


def test_log_line_blanks_every_line_of_a_key_from_the_credentials_file(tmp_path):
    key = tmp_path / "sa.json"
    key.write_text(json.dumps({"type": "service_account",
                               "private_key": f"-----BEGIN KEY-----\n{PEM_LINE}\n-----END KEY-----"}))
    line = log_line("MISLUKT", f"kapot: {PEM_LINE}\n\tmeer", {"KENNISBANK_GOOGLE_CREDENTIALS": str(key)})
    assert line.endswith("kennisbank run MISLUKT: kapot: ***** meer")


# ------------------------------------------------------------------ the example files

DEPLOY = ROOT / "deploy"


def parses_as_run(argv: list[str]) -> None:
    """The words after `kennisbank run` are options the command has (click would refuse)."""
    at = next(i for i, a in enumerate(argv) if a.endswith("kennisbank")) + 1
    assert argv[at] == "run", argv
    run.make_context("run", argv[at + 1:], resilient_parsing=False)


def test_systemd_service_and_timer():
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read(DEPLOY / "systemd" / "kennisbank-run.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["EnvironmentFile"] == "/etc/kennisbank/kennisbank.env"
    parses_as_run(shlex.split(service["Service"]["ExecStart"]))
    text = (DEPLOY / "systemd" / "kennisbank-run.service").read_text()
    assert "PASSWORD" not in text and "API_KEY" not in text  # secrets only in the env file
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(DEPLOY / "systemd" / "kennisbank-run.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "kennisbank-run.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    env = (DEPLOY / "systemd" / "kennisbank.env.voorbeeld").read_text()
    settings = [line for line in env.splitlines() if line and not line.startswith("#")]
    assert all(re.match(r"^[A-Z_]+=\S+$", line) for line in settings), settings
    assert {line.split("=")[0] for line in settings} >= {
        "KENNISBANK_SOURCE", "GOOGLE_APPLICATION_CREDENTIALS", "KENNISBANK_SMTP_PASSWORD"}


@pytest.mark.skipif(not os.path.exists("/usr/bin/systemd-analyze"), reason="no systemd-analyze")
def test_systemd_units_verify(tmp_path):
    """systemd's own check, with ExecStart pointing at this installation's kennisbank."""
    here = os.path.join(os.path.dirname(sys.executable), "kennisbank")
    for name in ("kennisbank-run.service", "kennisbank-serve.service"):
        service = (DEPLOY / "systemd" / name).read_text()
        (tmp_path / name).write_text(service.replace("/opt/kennisbank/.venv/bin/kennisbank", here))
    (tmp_path / "kennisbank-run.timer").write_bytes(
        (DEPLOY / "systemd" / "kennisbank-run.timer").read_bytes())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no",
                           str(tmp_path / "kennisbank-run.service"),
                           str(tmp_path / "kennisbank-serve.service"),
                           str(tmp_path / "kennisbank-run.timer")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_crontab_line():
    lines = [line for line in (DEPLOY / "cron" / "crontab").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), fields
    command = fields[5]
    run_part = command.split(";")[-1].split(">>")[0]
    parses_as_run(shlex.split(run_part))
    assert "2>&1" in command


def test_ci_workflow_runs_on_a_schedule_with_secrets():
    workflow = yaml.safe_load((DEPLOY / "github" / "kennisbank-run.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    (schedule,) = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert workflow["concurrency"]["cancel-in-progress"] is False
    job = workflow["jobs"]["run"]
    for name in ["KENNISBANK_SOURCE", "KENNISBANK_SMTP_PASSWORD"]:
        assert job["env"][name] == f"${{{{ secrets.{name} }}}}"
    runs = [step["run"] for step in job["steps"] if "kennisbank run" in step.get("run", "")]
    assert len(runs) == 1
    parses_as_run(shlex.split(runs[0]))
    text = (DEPLOY / "github" / "kennisbank-run.yml").read_text()
    assert "echo $" not in text and "set -x" not in text  # no step prints a secret
    prepare = [step["run"] for step in job["steps"] if "deploy prepare" in step.get("run", "")]
    args = shlex.split(prepare[0])
    from pipeline.cli import deploy_prepare
    deploy_prepare.make_context("prepare", args[args.index("prepare") + 1:])


def test_ci_workflow_redeploys_every_container_route_when_the_catalogue_changed(tmp_path):
    """Cloud Run and Fly get the new catalogue after a run that changed it (a withdrawn action
    too), and nothing after a run that did not; the check itself is run here as bash."""
    workflow = yaml.safe_load((DEPLOY / "github" / "kennisbank-run.yml").read_text())
    steps = workflow["jobs"]["run"]["steps"]
    names = [step.get("name") for step in steps]
    deploys = [step for step in steps if "gcloud run deploy" in step.get("run", "")
               or "flyctl deploy output/container" in step.get("run", "")]
    assert len(deploys) == 2
    changed = "steps.gewijzigd.outputs.kennisbank == 'gewijzigd'"
    for step in steps[names.index("Containermap maken"):]:
        if step["name"] != "Inloggegevens verwijderen":
            assert changed in step["if"], step["name"]
    assert names.index("Vorige kennisbank onthouden") < names.index("Run") < names.index(
        "Gewijzigd?") < names.index("Containermap maken")

    remember = next(s for s in steps if s.get("name") == "Vorige kennisbank onthouden")["run"]
    check = next(s for s in steps if s.get("id") == "gewijzigd")["run"]
    (tmp_path / "output").mkdir()

    def night(change) -> str:
        env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path),
               "GITHUB_OUTPUT": str(tmp_path / "uitvoer")}
        (tmp_path / "uitvoer").write_text("")
        subprocess.run(["bash", "-c", remember], cwd=tmp_path, env=env, check=True)
        change()
        subprocess.run(["bash", "-c", check], cwd=tmp_path, env=env, check=True)
        return (tmp_path / "uitvoer").read_text()

    db = tmp_path / "output" / "kennisbank.db"
    assert night(lambda: db.write_bytes(b"eerste")) == "kennisbank=gewijzigd\n"  # none before
    assert night(lambda: None) == "kennisbank=ongewijzigd\n"
    assert night(lambda: db.write_bytes(b"zonder de teruggetrokken actie")) == \
        "kennisbank=gewijzigd\n"


HARDENING = ("User", "Group", "UMask", "NoNewPrivileges", "ProtectSystem", "ProtectHome",
             "PrivateTmp", "PrivateDevices", "ProtectKernelTunables", "ProtectControlGroups",
             "RestrictSUIDSGID", "EnvironmentFile", "WorkingDirectory")


def test_systemd_serving_unit_serves_what_the_run_unit_builds():
    units = {}
    for name in ("kennisbank-run.service", "kennisbank-serve.service"):
        units[name] = configparser.ConfigParser(strict=False, interpolation=None)
        units[name].read(DEPLOY / "systemd" / name)
    run, serve = units["kennisbank-run.service"], units["kennisbank-serve.service"]
    assert serve["Service"]["Type"] == "simple"
    assert serve["Service"]["Restart"] == "on-failure"
    assert serve["Install"]["WantedBy"] == "multi-user.target"
    for key in HARDENING:  # hardened like the run unit
        assert serve["Service"][key] == run["Service"][key], key
    assert "StateDirectory" not in serve["Service"]  # /var/lib/kennisbank stays read-only
    argv = shlex.split(serve["Service"]["ExecStart"])
    assert argv[0] == "/opt/kennisbank/.venv/bin/kennisbank" and argv[1] == "serve"
    out = run["Service"]["Environment"].split("=", 1)[1]  # KENNISBANK_OUT of the run
    assert argv[2:] == ["--db", f"{out}/kennisbank.db", "--port", "8001"]
    known = {opt for param in serve_command.params for opt in param.opts}
    assert {"--db", "--port"} <= known
    text = (DEPLOY / "systemd" / "kennisbank-serve.service").read_text()
    assert "PASSWORD" not in text and "API_KEY" not in text


def test_a_withdrawn_action_leaves_the_served_catalogue_at_the_next_run(tmp_path):
    """The systemd/cron route: `kennisbank serve` keeps running while the scheduled
    `kennisbank run` rebuilds; an action set to Delen nee is gone after that run."""
    source = Path(shutil.copytree(KLEIN_DIR, tmp_path / "sheet"))
    out = tmp_path / "uitvoer"
    args = [os.path.join(os.path.dirname(sys.executable), "kennisbank"), "run", "--source",
            str(source), "--out", str(out), "--peildatum", "2026-11-28"]

    def scheduled_run() -> str:
        done = subprocess.run(args, capture_output=True, text=True, env=clean_env(), timeout=120)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return one_line(done.stdout)

    def served() -> list[str]:
        status, body = get(port, "/kennisbank/acties.json?_shape=array&_col=titel&_sort=titel")
        assert status == 200, body
        return [row["titel"] for row in json.loads(body)]

    assert "2 gepubliceerd" in scheduled_run()
    proc, port = start_serve(out / "kennisbank.db")
    try:
        assert served() == ["Digitaal Café", "Kinderboekenweek 2024"]
        [card] = [r["actie_id"] for r in json.loads(get(
            port, "/kennisbank/acties.json?_shape=array&titel=Digitaal%20Caf%C3%A9")[1])]
        assert get(port, f"/kennisbank/acties/{tilde_encode(card)}.json")[0] == 200

        sheet = source / "Acties.csv"
        lines = sheet.read_text(encoding="utf-8").split("\n")
        [at] = [i for i, line in enumerate(lines) if line.startswith("HLM-1;bibliotheek  veenweide;")]
        assert lines[at].count(";openbaar;") == 1
        lines[at] = lines[at].replace(";openbaar;", ";nee;")
        sheet.write_text("\n".join(lines), encoding="utf-8")
        assert "1 gepubliceerd" in scheduled_run()

        assert wait_for(lambda: served() == ["Kinderboekenweek 2024"], "the new catalogue")
        assert get(port, f"/kennisbank/acties/{tilde_encode(card)}.json")[0] == 404
        assert proc.poll() is None  # the same server, never restarted
    finally:
        stop(proc, group=True)
