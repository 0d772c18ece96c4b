"""Secrets never reach a log line, a message or a traceback file: the secret values this process
may hold (from the environment and the Google credentials file it names) are blanked out."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

SECRET_ENV = ("KENNISBANK_SMTP_PASSWORD", "KENNISBANK_GOOGLE_API_KEY",
              "KENNISBANK_NETWERK_WACHTWOORD_HASH", "DATASETTE_SECRET")
SECRET_KEYS = ("private_key", "private_key_id", "client_secret", "refresh_token", "token")
MAX_LINE = 2000


def known_secrets(env: Mapping[str, str]) -> list[str]:
    """Secret values this run may hold: passwords and keys from the environment and the secret
    fields of the Google credentials file it names."""
    from pipeline.sources.google import ENV_CREDENTIALS

    found = [env.get(name, "") for name in SECRET_ENV]
    for name in ENV_CREDENTIALS:
        path = env.get(name, "").strip()
        if not path:
            continue
        try:
            info = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            found += [str(info[k]) for k in SECRET_KEYS if info.get(k)]
    pieces = []
    for secret in found:
        secret = secret.strip()
        pieces.append(secret)
        pieces += [line.strip() for line in secret.splitlines()]  # a PEM key, line by line
    return sorted({p for p in pieces if len(p) >= 6}, key=len, reverse=True)


def redact(text: str, env: Mapping[str, str]) -> str:
    for secret in known_secrets(env):
        text = text.replace(secret, "*****")
    return text


def timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_line(status: str, message: str, env: Mapping[str, str]) -> str:
    """One line: timestamp, status, message; secrets blanked out, whitespace collapsed."""
    message = re.sub(r"\s+", " ", redact(message, env)).strip()
    if len(message) > MAX_LINE:
        message = message[:MAX_LINE] + " …"
    return f"{timestamp()} kennisbank run {status}: {message}"
