"""E-mail the reports: the coordinator report to KENNISBANK_COORDINATOR_EMAIL, and each library
its own report at the address from the Bibliotheken tab, as multipart text + HTML (with the
findings as a CSV attachment). SMTP settings come from the environment; the password is never
printed, logged or put in a message or an error."""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Callable, Mapping

from pipeline.errors import KennisbankError
from pipeline.reports.render import ALL_FINDINGS_CSV, COORDINATOR, Reports

SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 30
DRY_RUN_SENDER = "kennisbank@voorbeeld.invalid"


class MailError(KennisbankError):
    """The mail settings are incomplete or wrong."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    security: str
    user: str | None
    password: str | None = field(repr=False)
    sender: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "SmtpSettings":
        security = (env.get("KENNISBANK_SMTP_SECURITY") or "starttls").strip().casefold()
        if security not in SECURITIES:
            raise MailError(f"KENNISBANK_SMTP_SECURITY is '{security}'; gebruik starttls, ssl "
                            f"of none.")
        port_text = (env.get("KENNISBANK_SMTP_PORT") or "").strip()
        if port_text and not port_text.isdigit():
            raise MailError(f"KENNISBANK_SMTP_PORT is '{port_text}'; gebruik een getal, "
                            f"bijvoorbeeld 587.")
        return cls(host=(env.get("KENNISBANK_SMTP_HOST") or "").strip() or None,
                   port=int(port_text) if port_text else SECURITIES[security],
                   security=security,
                   user=(env.get("KENNISBANK_SMTP_USER") or "").strip() or None,
                   password=env.get("KENNISBANK_SMTP_PASSWORD") or None,
                   sender=(env.get("KENNISBANK_MAIL_FROM") or "").strip() or None)

    def check(self, sending: bool) -> None:
        if not self.sender or not _is_address(self.sender):
            raise MailError("Zet KENNISBANK_MAIL_FROM op het afzenderadres, bijvoorbeeld "
                            "kennisbank@bibliotheek-voorbeeld.nl.")
        if sending and not self.host:
            raise MailError("Zet KENNISBANK_SMTP_HOST op de mailserver (en zo nodig "
                            "KENNISBANK_SMTP_PORT, _SECURITY, _USER en _PASSWORD), of gebruik "
                            "--dry-run.")
        if sending and self.user and not self.password:
            raise MailError("KENNISBANK_SMTP_USER is gezet maar KENNISBANK_SMTP_PASSWORD niet.")

    def scrub(self, text: str) -> str:
        """The text with the password (if any) blanked out."""
        return text.replace(self.password, "*****") if self.password else text


@dataclass
class Delivery:
    to: list[str]
    subject: str
    kind: str                       # coordinatoren / bibliotheek
    ok: bool = False
    naam: str | None = None         # the library's name, or coordinatoren (see mail_log.py)
    error: str | None = None
    file: Path | None = None


def addresses(text: str | None) -> list[str]:
    """Addresses from a list separated by commas, semicolons or spaces."""
    if not text:
        return []
    parts = re.split(r"[;\s]+", text.replace(",", ";"))
    found = [addr for _, addr in getaddresses(parts) if addr]
    return [a for a in found if _is_address(a)]


def _is_address(text: str) -> bool:
    return re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", text) is not None


# ------------------------------------------------------------------ composing

def compose(sender: str, to: list[str], subject: str, text: str, html: str,
            attachment: tuple[str, str] | None = None,
            reply_to: list[str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if reply_to:
        msg["Reply-To"] = ", ".join(reply_to)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if attachment is not None:
        name, content = attachment
        msg.add_attachment(content.encode("utf-8"), maintype="text", subtype="csv",
                           filename=name)
    return msg


Planned = list[tuple[Delivery, Callable[[], EmailMessage]]]


def plan_messages(reports: Reports, sender: str, coordinators: list[str],
                  mail_all: bool, quiet: Mapping[str, str] | None = None
                  ) -> tuple[Planned, list[str]]:
    """The messages to send, and what is skipped (for the log): the coordinator report to every
    coordinator address; each library with open findings or actions waiting for their results
    (or every library with mail_all) that has an e-mail address gets its own report. A recipient in `quiet` (by library name, or
    COORDINATOR) is skipped with the reason given there (see mail_log.py). Each message is
    composed (its report files read) only when it is sent or written, so one message at a time
    is in memory."""
    planned: Planned = []
    skipped: list[str] = []
    quiet = quiet or {}
    if coordinators and COORDINATOR in quiet:
        skipped.append(f"coördinatoren: {quiet[COORDINATOR]}")
    elif coordinators:
        planned.append((Delivery(coordinators, reports.subject, COORDINATOR, naam=COORDINATOR),
                        lambda: compose(sender, coordinators, reports.subject, reports.text,
                                        reports.mail_html, (ALL_FINDINGS_CSV, reports.csv))))
    else:
        skipped.append("coördinatoren: KENNISBANK_COORDINATOR_EMAIL is niet gezet")
    for lib in reports.libraries:
        if not (lib.open_findings or lib.reminders) and not mail_all:
            skipped.append(f"{lib.naam}: geen open meldingen")
            continue
        to = addresses(lib.email)
        if not to:
            skipped.append(f"{lib.naam}: geen e-mailadres in het tabblad Bibliotheken")
            continue
        if lib.naam in quiet:
            skipped.append(f"{lib.naam}: {quiet[lib.naam]}")
            continue
        planned.append((Delivery(to, lib.subject, lib.slug, naam=lib.naam),
                        lambda lib=lib, to=to: compose(
                            sender, to, lib.subject, lib.text, lib.html,
                            (f"{lib.slug}.csv", lib.csv), reply_to=coordinators)))
    return planned, skipped


# ------------------------------------------------------------------ delivering

def write_eml(planned: Planned, folder: Path) -> list[Delivery]:
    """--dry-run: every message as an .eml file instead of sending it."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for i, (delivery, message) in enumerate(planned, start=1):
        path = folder / f"{i:03d}-{delivery.kind}.eml"
        path.write_bytes(message().as_bytes())
        delivery.ok, delivery.file = True, path
    return [d for d, _ in planned]


def send_all(planned: Planned, settings: SmtpSettings) -> list[Delivery]:
    """Send each message on one connection. A refused message is recorded on its delivery and
    the next one is tried (on a fresh connection when the old one broke); when no connection
    can be made at all, every remaining message gets that reason."""
    conn: smtplib.SMTP | None = None
    no_connection: str | None = None
    try:
        for delivery, message in planned:
            if no_connection:
                delivery.error = no_connection
                continue
            try:
                if conn is None:
                    conn = connect(settings)
            except Exception as exc:  # noqa: BLE001 - reported per message, never re-raised
                no_connection = delivery.error = settings.scrub(describe(exc))
                continue
            msg = message()  # outside the try: a report that cannot be read is no SMTP failure
            try:
                refused = conn.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except Exception as exc:  # noqa: BLE001
                delivery.error = settings.scrub(describe(exc))
                if not isinstance(exc, smtplib.SMTPResponseException):
                    conn = _close(conn)
                continue
            delivery.ok = not refused
            if refused:
                delivery.error = settings.scrub("geweigerd: " + ", ".join(
                    f"{addr} ({code} {_text(reply)})" for addr, (code, reply) in refused.items()))
    finally:
        _close(conn)
    return [d for d, _ in planned]


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT,
                                              context=context)
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    try:
        conn.ehlo()
        if settings.security == "starttls":
            conn.starttls(context=context)
            conn.ehlo()
        if settings.user:
            conn.login(settings.user, settings.password or "")
    except BaseException:
        _close(conn)
        raise
    return conn


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return None
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()
    return None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def describe(exc: BaseException) -> str:
    """A Dutch description of an SMTP failure, from the server's reply only (never the
    credentials)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"inloggen bij de mailserver mislukt ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"de mailserver weigerde ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "de mailserver verbrak de verbinding"
    if isinstance(exc, socket.timeout):
        return "de mailserver antwoordde niet op tijd"
    if isinstance(exc, ssl.SSLError):
        return f"beveiligde verbinding mislukt ({exc.reason or exc.__class__.__name__})"
    if isinstance(exc, OSError):
        return f"geen verbinding met de mailserver ({exc.strerror or exc.__class__.__name__})"
    return f"versturen mislukt ({exc.__class__.__name__})"


def deliver(reports: Reports, env: Mapping[str, str], mail_all: bool, dry_run: bool,
            eml_dir: Path, quiet: Mapping[str, str] | None = None
            ) -> tuple[list[Delivery], list[str]]:
    """Plan and send (or with dry_run write) all messages, but none to a recipient in
    `quiet`."""
    settings = SmtpSettings.from_env(env)
    if dry_run and not settings.sender:
        settings = replace(settings, sender=DRY_RUN_SENDER)
    settings.check(sending=not dry_run)
    coordinators = addresses(env.get("KENNISBANK_COORDINATOR_EMAIL"))
    planned, skipped = plan_messages(reports, settings.sender or "", coordinators, mail_all,
                                     quiet)
    if dry_run:
        return write_eml(planned, eml_dir), skipped
    return send_all(planned, settings), skipped


def deliver_to_coordinators(kind: str, subject: str, text: str, html: str,
                            attachment: tuple[str, str] | None, env: Mapping[str, str],
                            dry_run: bool, eml_dir: Path) -> list[Delivery]:
    """One message to the coordinators (KENNISBANK_COORDINATOR_EMAIL): sent, or with dry_run
    written as an .eml file into eml_dir."""
    settings = SmtpSettings.from_env(env)
    if dry_run and not settings.sender:
        settings = replace(settings, sender=DRY_RUN_SENDER)
    settings.check(sending=not dry_run)
    coordinators = addresses(env.get("KENNISBANK_COORDINATOR_EMAIL"))
    if not coordinators:
        raise MailError("Zet KENNISBANK_COORDINATOR_EMAIL op het adres van de coördinatoren.")
    planned: Planned = [(Delivery(coordinators, subject, kind), lambda: compose(
        settings.sender or "", coordinators, subject, text, html, attachment))]
    return write_eml(planned, eml_dir) if dry_run else send_all(planned, settings)
