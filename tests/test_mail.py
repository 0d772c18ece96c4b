"""Mail: the reports sent to a real SMTP server (aiosmtpd) on 127.0.0.1, as text + HTML, to the
right people; one refused recipient does not stop the rest; the password never shows."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    DUINSTREEK,
    KUSTLICHT,
    MAIL,
    POLDERHOF,
    VEENWEIDE,
    build_two_runs,
    foreign_markers,
    free_port,
    parse_html,
    row_link,
)
from helpers import SMTP_PASSWORD as PASSWORD
from pipeline.cli import main
from pipeline.reports.mail import SmtpSettings, addresses

COORDINATORS = ["coord1@kennisbank.example", "coord2@kennisbank.example"]
SENDER = "kennisbank@kennisbank.example"
SUBJECTS = {
    "coordinatoren": "Kennisbank Marketing: rapport van 5 december 2026 (1 fout, 3 waarschuwingen)",
    VEENWEIDE: "Kennisbank Marketing: 2 punten om te verbeteren voor Bibliotheek Veenweide "
               "(5 december 2026)",
    DUINSTREEK: "Kennisbank Marketing: alles in orde voor Bibliotheek Duinstreek (5 december 2026)",
    KUSTLICHT: "Kennisbank Marketing: alles in orde voor Bibliotheek Kustlicht (5 december 2026)",
}


def subject(msg: email.message.EmailMessage) -> str:
    """The Subject as a mail client shows it. A subject that fits on a line of its own is
    folded onto one ("Subject:" CRLF SP value), and Python 3.11's parser keeps that space
    (CPython gh-124452, fixed in later versions)."""
    return str(msg["Subject"]).lstrip(" ")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return build_two_runs(tmp_path_factory.mktemp("mail"))


def env_for(controller, **extra) -> dict:
    env = {"KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_SMTP_PORT": str(controller.port),
           "KENNISBANK_SMTP_SECURITY": "none", "KENNISBANK_SMTP_USER": None,
           "KENNISBANK_SMTP_PASSWORD": None, "KENNISBANK_MAIL_FROM": SENDER,
           "KENNISBANK_COORDINATOR_EMAIL": ", ".join(COORDINATORS)}
    env.update(extra)
    return env


def report(out: Path, env: dict, *flags: str):
    return CliRunner().invoke(main, ["report", "--out", str(out), *flags], env=env)


def parts(msg) -> tuple[str, str, list[str]]:
    text = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(preferencelist=("html",)).get_content()
    attachments = [p.get_filename() for p in msg.iter_attachments()]
    return text, html, attachments


def test_coordinators_and_libraries_with_open_findings_get_their_report(out, smtp):
    controller, handler = smtp
    result = report(out, env_for(controller), "--mail")
    assert result.exit_code == 0, result.output
    assert [(rcpts, subject(msg)) for rcpts, msg in handler.messages] == [
        (COORDINATORS, SUBJECTS["coordinatoren"]),
        ([MAIL[VEENWEIDE]], SUBJECTS[VEENWEIDE]),
    ]
    coordinator, veenweide = (msg for _, msg in handler.messages)
    assert coordinator["From"] == SENDER and coordinator["To"] == ", ".join(COORDINATORS)
    assert veenweide["Reply-To"] == ", ".join(COORDINATORS)
    text, html, attachments = parts(veenweide)
    assert "Rij 5: Digitaal Café Veenweide [Gepubliceerd, onvolledig]" in text
    assert row_link(5) in text
    parsed = parse_html(html)
    assert "Digitaal Café Veenweide" in "".join(parsed.text)
    assert attachments == ["bibliotheek-veenweide.csv"]
    text, html, attachments = parts(coordinator)
    assert text.startswith("KENNISBANK MARKETING - RAPPORT VOOR COÖRDINATOREN\n")
    assert parse_html(html).tags.count("svg") == 2
    assert attachments == ["meldingen.csv"]
    assert "Geen e-mail: Bibliotheek Duinstreek: geen open meldingen" in result.stdout
    assert ("Geen e-mail: Bibliotheek Polderhof: geen e-mailadres in het tabblad Bibliotheken"
            in result.stdout)


def test_mail_all_and_a_refused_recipient_does_not_stop_the_rest(out, smtp):
    controller, handler = smtp
    handler.refuse = {MAIL[DUINSTREEK]}
    result = report(out, env_for(controller), "--mail-all")
    assert result.exit_code == 1
    assert [(rcpts, subject(msg)) for rcpts, msg in handler.messages] == [
        (COORDINATORS, SUBJECTS["coordinatoren"]),
        ([MAIL[KUSTLICHT]], SUBJECTS[KUSTLICHT]),
        ([MAIL[VEENWEIDE]], SUBJECTS[VEENWEIDE]),
    ]
    assert result.stderr == (f"E-mail NIET verstuurd aan {MAIL[DUINSTREEK]}: geweigerd: "
                             f"{MAIL[DUINSTREEK]} (550 5.1.1 Onbekende ontvanger)\n")
    assert f"E-mail verstuurd aan {MAIL[VEENWEIDE]}: {SUBJECTS[VEENWEIDE]}" in result.stdout


def test_login_with_password_that_never_shows(out, smtp, tmp_path):
    controller, handler = smtp
    good = env_for(controller, KENNISBANK_SMTP_USER="kennisbank", KENNISBANK_SMTP_PASSWORD=PASSWORD)
    result = report(out, good, "--mail")
    assert result.exit_code == 0, result.output
    assert len(handler.messages) == 2
    bad = {**good, "KENNISBANK_SMTP_PASSWORD": PASSWORD + "-fout"}
    result = report(out, bad, "--mail")
    assert result.exit_code == 1 and len(handler.messages) == 2
    assert "E-mail NIET verstuurd aan coord1@kennisbank.example, coord2@kennisbank.example: " \
           "inloggen bij de mailserver mislukt (535 " in result.stderr
    everything = result.output + result.stderr + repr(SmtpSettings.from_env(bad))
    for _, msg in handler.messages:
        everything += msg.as_string()
    for path in (out / "rapporten").rglob("*"):
        if path.is_file():
            everything += path.read_text(encoding="utf-8", errors="replace")
    assert PASSWORD not in everything
    assert PASSWORD.encode() not in (out / "beheer.db").read_bytes()


def test_dry_run_writes_eml_files_and_each_library_mail_is_private(out):
    result = CliRunner().invoke(main, ["report", "--out", str(out), "--mail-all", "--dry-run"],
                                env={"KENNISBANK_SMTP_HOST": None, "KENNISBANK_MAIL_FROM": SENDER,
                                     "KENNISBANK_COORDINATOR_EMAIL": COORDINATORS[0]})
    assert result.exit_code == 0, result.output
    folder = out / "rapporten" / "mail"
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-coordinatoren.eml", "002-bibliotheek-duinstreek.eml",
        "003-bibliotheek-kustlicht.eml", "004-bibliotheek-veenweide.eml"]
    by_library = {DUINSTREEK: "002-bibliotheek-duinstreek.eml",
                  KUSTLICHT: "003-bibliotheek-kustlicht.eml",
                  VEENWEIDE: "004-bibliotheek-veenweide.eml"}
    for library, name in by_library.items():
        msg = email.message_from_bytes((folder / name).read_bytes(), policy=email.policy.default)
        assert msg["To"] == MAIL[library] and subject(msg) == SUBJECTS[library]
        text, html, _ = parts(msg)
        parse_html(html)
        decoded = text + html + "".join(
            p.get_content() if isinstance(p.get_content(), str) else p.get_content().decode()
            for p in msg.iter_attachments())
        assert library in text
        leaks = {m for m in foreign_markers(library) if m in decoded}
        assert leaks == set(), (library, leaks)
    assert POLDERHOF not in "".join(p.read_text(errors="replace") for p in folder.iterdir()
                                    if p.name != "001-coordinatoren.eml")


def test_missing_settings_are_explained(out):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--out", str(out), "--mail"],
                           env={"KENNISBANK_SMTP_HOST": None, "KENNISBANK_MAIL_FROM": SENDER})
    assert result.exit_code == 2
    assert "Zet KENNISBANK_SMTP_HOST op de mailserver" in result.stderr
    result = runner.invoke(main, ["report", "--out", str(out), "--mail"],
                           env={"KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_MAIL_FROM": SENDER,
                                "KENNISBANK_SMTP_SECURITY": "tls"})
    assert result.exit_code == 2
    assert "KENNISBANK_SMTP_SECURITY is 'tls'; gebruik starttls, ssl of none." in result.stderr


def test_unreachable_server_fails_every_message_once(out):
    port = free_port()  # nothing listens here
    result = report(out, {"KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_SMTP_PORT": str(port),
                          "KENNISBANK_SMTP_SECURITY": "none", "KENNISBANK_MAIL_FROM": SENDER,
                          "KENNISBANK_COORDINATOR_EMAIL": COORDINATORS[0]}, "--mail")
    assert result.exit_code == 1
    assert result.stderr.count("geen verbinding met de mailserver") == 2


@pytest.mark.parametrize("text, expected", [
    ("a@x.nl, b@y.nl", ["a@x.nl", "b@y.nl"]), ("a@x.nl;b@y.nl", ["a@x.nl", "b@y.nl"]),
    ("Coördinator <a@x.nl>", ["a@x.nl"]), ("", []), (None, []), ("geen adres", []),
])
def test_addresses(text, expected):
    assert addresses(text) == expected


def test_settings_from_environment():
    s = SmtpSettings.from_env({"KENNISBANK_SMTP_HOST": "smtp.example", "KENNISBANK_SMTP_SECURITY":
                               "SSL", "KENNISBANK_SMTP_PASSWORD": PASSWORD})
    assert (s.host, s.port, s.security) == ("smtp.example", 465, "ssl")
    assert SmtpSettings.from_env({}).port == 587
    assert PASSWORD not in repr(s) and s.scrub(f"x {PASSWORD} y") == "x ***** y"


def test_build_mails_after_a_successful_run(tmp_path):
    from helpers import KLEIN_DIR

    result = CliRunner().invoke(
        main, ["build", "--source", str(KLEIN_DIR), "--out", str(tmp_path), "--peildatum",
               "2026-11-28", "--dry-run"],
        env={"KENNISBANK_MAIL_FROM": SENDER, "KENNISBANK_COORDINATOR_EMAIL": COORDINATORS[0]})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "rapporten" / "mail").iterdir()) == [
        "001-coordinatoren.eml", "002-bibliotheek-veenweide.eml"]
    assert "Geen e-mail: Bibliotheek Duinstreek: geen open meldingen" in result.stdout
