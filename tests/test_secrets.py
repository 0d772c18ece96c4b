"""Secrets: a fake service-account key (a real RSA key, signed JWTs against the stand-in's token
endpoint), an API key and an SMTP password, used in whole runs that succeed and that fail, never
appear in stdout, stderr, log records, snapshots, the databases, the reports, the e-mails, the
error log of the last resort, or the text and repr of an exception."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import KLEIN_DIR, PRIVATE_KEY_ID, ROOT, SA_EMAIL, SMTP_PASSWORD
from pipeline.cli import main
from pipeline.errors import KennisbankError
from pipeline.sources.fetch import read_csv_folder
from sheets_standin import Fault, SheetsStandIn

KEY = "1SecretsStandInKennisbank0123456789_-xyz"
API_KEY = "AIzaSy-geheim-api-sleutel-0123456789abc"
COORDINATOR = "coordinator@kennisbank.example"


@pytest.fixture(autouse=True)
def sheet(standin):
    """The stand-in serving the small CSV fixture as a Google Sheet."""
    standin.add_spreadsheet(KEY, "Kennisbank geheimen",
                            {t.title: t.values for t in read_csv_folder(KLEIN_DIR).tabs})
    return standin


@pytest.fixture
def key_file(service_account_file):
    return service_account_file


def environment(standin, key_file, smtp, **extra) -> dict[str, str]:
    controller, _ = smtp
    env = {"PATH": "/usr/bin:/bin", "KENNISBANK_PEILDATUM": "2026-11-28",
           "KENNISBANK_SHEETS_ENDPOINT": standin.url,
           "GOOGLE_APPLICATION_CREDENTIALS": str(key_file),
           "KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_SMTP_PORT": str(controller.port),
           "KENNISBANK_SMTP_SECURITY": "none", "KENNISBANK_SMTP_USER": "kennisbank",
           "KENNISBANK_SMTP_PASSWORD": SMTP_PASSWORD,
           "KENNISBANK_MAIL_FROM": "kennisbank@kennisbank.example",
           "KENNISBANK_COORDINATOR_EMAIL": COORDINATOR}
    env.update(extra)
    return env


def secrets(private_key_pem: str, standin: SheetsStandIn) -> list[str]:
    pem_lines = [line for line in private_key_pem.splitlines() if len(line) > 20]
    tokens = [f"standin-token-{n}" for n in range(1, standin.tokens_issued + 1)]
    return [private_key_pem, *pem_lines, PRIVATE_KEY_ID, SMTP_PASSWORD, API_KEY, *tokens]


def assert_nowhere(found: list[str], texts: list[str], *folders: Path) -> None:
    """No secret in any text, nor in any file below the folders (also as JSON-escaped text)."""
    everything = "\n".join(texts)
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                everything += "\n" + path.read_bytes().decode("utf-8", "replace")
    escaped = [json.dumps(s)[1:-1] for s in found]
    leaked = [s[:30] for s in found + escaped if s and s in everything]
    assert leaked == [], [everything[max(0, everything.find(s) - 300):everything.find(s) + 50]
                          for s in found + escaped if s and s in everything][:1]


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)  # every library's debug output, urllib3 and google.auth too
    return caplog


def cli(env: dict, *args: str):
    return CliRunner().invoke(main, list(args), env=env)


def test_a_whole_run_with_write_back_and_mail_leaks_nothing(standin, key_file, smtp, tmp_path,
                                                            private_key_pem, logs):
    out = tmp_path / "uit"
    env = environment(standin, key_file, smtp)
    result = cli(env, "build", "--source", f"gsheet:{KEY}", "--out", str(out), "--mail",
                 "--write-back")
    assert result.exit_code == 0, result.output + result.stderr
    assert standin.tokens_issued >= 1 and len(smtp[1].messages) >= 1
    mails = [msg.as_string() for _, msg in smtp[1].messages]
    sheet = json.dumps(standin.books[KEY].sheet("Acties").rows(), default=str)
    assert_nowhere(secrets(private_key_pem, standin),
                   [result.output, result.stderr, logs.text, *mails, sheet], out)
    assert list((out / "raw").glob("*.json"))  # the snapshot was scanned


def test_a_real_process_prints_no_secret(standin, key_file, smtp, tmp_path, private_key_pem):
    out = tmp_path / "uit"
    env = environment(standin, key_file, smtp, LANG="C.UTF-8")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--source",
                           f"gsheet:{KEY}", "--out", str(out), "--mail"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_nowhere(secrets(private_key_pem, standin), [done.stdout, done.stderr], out)


@pytest.mark.parametrize("fault, message", [
    (("token", Fault(status=400, body=json.dumps({
        "error": "invalid_grant", "error_description": "Invalid JWT Signature."}).encode())),
     "Fout: Inloggen bij Google met de inloggegevens uit GOOGLE_APPLICATION_CREDENTIALS is "
     "mislukt: invalid_grant: Invalid JWT Signature."),
    (("metadata", 403), f"Fout: Geen toegang tot Google Sheet '{KEY}'. Deel de sheet met het "
                        f"serviceaccount {SA_EMAIL} (als lezer) en probeer het opnieuw."),
    (("metadata", *[401] * 5), "Fout: Google weigert de inloggegevens (HTTP 401): ze zijn ongeldig of "
                        "verlopen. Controleer GOOGLE_APPLICATION_CREDENTIALS."),
])
def test_failed_google_login_leaks_nothing(standin, key_file, smtp, tmp_path, private_key_pem,
                                           logs, fault, message):
    out = tmp_path / "uit"
    standin.fail(fault[0], *fault[1:])
    result = cli(environment(standin, key_file, smtp), "build", "--source", f"gsheet:{KEY}",
                 "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert_nowhere(secrets(private_key_pem, standin),
                   [result.output, result.stderr, logs.text], out)


def test_refused_smtp_password_leaks_nothing(standin, key_file, smtp, tmp_path, private_key_pem,
                                             logs):
    out = tmp_path / "uit"
    wrong = SMTP_PASSWORD + "-fout"
    result = cli(environment(standin, key_file, smtp, KENNISBANK_SMTP_PASSWORD=wrong), "build",
                 "--source", f"gsheet:{KEY}", "--out", str(out), "--mail")
    assert result.exit_code == 1
    assert "inloggen bij de mailserver mislukt (535" in result.stderr
    assert_nowhere(secrets(private_key_pem, standin) + [wrong],
                   [result.output, result.stderr, logs.text], out)


def test_api_key_leaks_nothing(standin, smtp, tmp_path, private_key_pem, logs):
    out = tmp_path / "uit"
    env = environment(standin, Path("/nonexistent"), smtp, KENNISBANK_GOOGLE_API_KEY=API_KEY)
    del env["GOOGLE_APPLICATION_CREDENTIALS"]
    result = cli(env, "build", "--source", f"gsheet:{KEY}", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    standin.fail("metadata", 403)
    failed = cli(env, "build", "--source", f"gsheet:{KEY}", "--out", str(out), "--force")
    assert failed.exit_code == 2
    assert all(API_KEY not in r.raw_path for r in standin.requests)
    assert all(r.headers.get("x-goog-api-key") == API_KEY for r in standin.requests)
    assert_nowhere(secrets(private_key_pem, standin),
                   [result.output, result.stderr, failed.stderr, logs.text], out)


def test_exceptions_carry_no_secret(standin, key_file, private_key_pem):
    """The text and repr of what the Google source raises, and everything it chains to."""
    from pipeline.reports.mail import SmtpSettings
    from pipeline.sources.google import RetryPolicy, connect, read_google_sheet

    env = {"KENNISBANK_SHEETS_ENDPOINT": standin.url,
           "GOOGLE_APPLICATION_CREDENTIALS": str(key_file)}
    fast = RetryPolicy(attempts=2, base_delay=0.01, timeout=(1.0, 1.0))
    texts = [repr(connect(f"gsheet:{KEY}", env=env)),
             repr(SmtpSettings.from_env({"KENNISBANK_SMTP_PASSWORD": SMTP_PASSWORD}))]
    for kind, fault in (("token", 400), ("metadata", 403), ("values.batchGet", 500),
                        ("values.batchGet", Fault(truncate=True))):
        standin.fail(kind, *[fault] * 2)
        with pytest.raises(KennisbankError) as err:
            read_google_sheet(f"gsheet:{KEY}", env=env, policy=fast)
        chain, exc = [], err.value
        while exc is not None:
            chain += [str(exc), repr(exc), repr(getattr(exc, "args", ""))]
            exc = exc.__cause__ or exc.__context__
        texts += chain
    assert_nowhere(secrets(private_key_pem, standin), texts)


def test_the_error_log_of_the_last_resort_blanks_secrets(standin, key_file, smtp, tmp_path,
                                                         private_key_pem, monkeypatch):
    """A bug whose message happens to hold secrets: the screen shows one line, the log file
    has the traceback with the secrets blanked out."""
    import tempfile

    import pipeline.app

    def broken(*args, **kwargs):
        raise RuntimeError(f"kapot met {SMTP_PASSWORD} en {PRIVATE_KEY_ID} en "
                           f"{private_key_pem.splitlines()[3]}")

    monkeypatch.setattr(pipeline.app, "process", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        env = environment(standin, key_file, smtp)
        result = cli(env, "build", "--source", f"gsheet:{KEY}", "--out", str(tmp_path / "uit"))
    finally:
        tempfile.tempdir = None
    assert result.exit_code == 2
    log = re.search(r"details staan in (\S+\.log)", result.stderr)[1]
    text = Path(log).read_text(encoding="utf-8")
    assert "RuntimeError: kapot met *****" in text
    assert_nowhere(secrets(private_key_pem, standin), [result.output, result.stderr, text],
                   tmp_path / "uit")
