"""Who may enter the network members' instance: one account per library (and the coordinators),
read from a secrets file named in the environment (hashes only), a throttle on failed logins,
and one line per login attempt in the usage log (no IP, no user agent, no password).

The accounts file (``KENNISBANK_NETWERK_ACCOUNTS_FILE``) holds one line per account,
``naam: pbkdf2_sha256$…`` (a YAML mapping; the hash from ``datasette hash-password``). It is read
again when it changes (at the latest after a minute), so removing a line locks that account out
without a restart. The old
single hash (``KENNISBANK_NETWERK_WACHTWOORD_HASH``) still works as the account ``netwerk``.

The throttle lives in the memory of one process: with several containers (or workers) each
counts its own failures, so the real cap is the limit times the number of processes."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

import yaml

from pipeline.catalogue import usage

ACCOUNTS_ENV = "KENNISBANK_NETWERK_ACCOUNTS_FILE"
HASH_ENV = "KENNISBANK_NETWERK_WACHTWOORD_HASH"
LEGACY_ACCOUNT = "netwerk"
USAGE_LOG_ENV = usage.USAGE_LOG_ENV
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
HASH = re.compile(r"pbkdf2_sha256\$[0-9]+\$[^$\s]+\$[A-Za-z0-9+/=]+")

PER_ACCOUNT, PER_INSTANCE, WINDOW = 5, 50, 60.0
REREAD = 60.0   # seconds between two readings of an unchanged accounts file
UNKNOWN = "?"   # every name that is not an account shares one throttle bucket
OK, FOUT, AFGEREMD = "ok", "fout", "afgeremd"


class AccountsError(ValueError):
    """The accounts cannot be read; the message is Dutch and names the variable or file."""


def parse_accounts(text: str, source: str) -> dict[str, str]:
    """``naam: hash`` lines as a dict; a Dutch error for anything else."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AccountsError(f"{source} is geen lijst van 'naam: hash'-regels ({error}).") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AccountsError(f"{source} is geen lijst van 'naam: hash'-regels.")
    accounts = {}
    for name, value in data.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise AccountsError(f"{source}: de accountnaam '{name}' mag alleen kleine letters, "
                                f"cijfers en streepjes bevatten.")
        if not isinstance(value, str) or not HASH.fullmatch(value.strip()):
            raise AccountsError(f"{source}: het account '{name}' heeft geen hash van "
                                f"'datasette hash-password' (pbkdf2_sha256$…); zet nooit een "
                                f"wachtwoord zelf in het bestand.")
        accounts[name] = value.strip()
    return accounts


def load_accounts(env: Mapping[str, str]) -> dict[str, str]:
    """The accounts and their hashes: the file named in ACCOUNTS_ENV, plus the old single hash
    as the account ``netwerk``."""
    accounts: dict[str, str] = {}
    legacy = env.get(HASH_ENV, "").strip()
    if legacy:
        if not HASH.fullmatch(legacy):
            raise AccountsError(f"{HASH_ENV} is geen hash van 'datasette hash-password' "
                                f"(pbkdf2_sha256$…).")
        accounts[LEGACY_ACCOUNT] = legacy
    path = env.get(ACCOUNTS_ENV, "").strip()
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise AccountsError(f"Het accountbestand '{path}' ({ACCOUNTS_ENV}) is niet te "
                                f"lezen: {error.strerror}.") from None
        from_file = parse_accounts(text, f"Het accountbestand '{path}'")
        if LEGACY_ACCOUNT in from_file and legacy:
            raise AccountsError(f"Het account '{LEGACY_ACCOUNT}' staat zowel in '{path}' als in "
                                f"{HASH_ENV}; kies één van beide.")
        accounts.update(from_file)
    return accounts


class Accounts:
    """The current accounts: the file is read again when it changes (another inode, size or
    modification time) and at least every ``reread`` seconds (a platform's mounted secret may
    change without any of these). An unreadable file after the start means no accounts."""

    def __init__(self, env: Mapping[str, str] | None = None, reread: float = REREAD,
                 clock: Callable[[], float] = time.monotonic):
        self.env = os.environ if env is None else env
        self.reread, self.clock = reread, clock
        self._key: tuple | None = None
        self._read_at = 0.0
        self._accounts: dict[str, str] = {}

    def _stamp(self) -> tuple:
        path = self.env.get(ACCOUNTS_ENV, "").strip()
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        file = (st.st_ino, st.st_size, st.st_mtime_ns) if st else None
        return (path, file, self.env.get(HASH_ENV, ""))

    def current(self) -> dict[str, str]:
        key, now = self._stamp(), self.clock()
        if key != self._key or now - self._read_at >= self.reread:
            try:
                self._accounts = load_accounts(self.env)
            except AccountsError as error:
                print(f"Netwerkexemplaar: {error} Niemand kan inloggen tot dit is opgelost.",
                      file=sys.stderr)
                self._accounts = {}
            self._key, self._read_at = key, now
        return self._accounts


class Throttle:
    """At most ``per_account`` failed logins per account and ``per_instance`` in all within
    ``window`` seconds of a monotonic clock; a refused (throttled) attempt does not count."""

    def __init__(self, per_account: int = PER_ACCOUNT, per_instance: int = PER_INSTANCE,
                 window: float = WINDOW, clock: Callable[[], float] = time.monotonic):
        self.per_account, self.per_instance, self.window = per_account, per_instance, window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _prune(self, times: deque[float], now: float) -> None:
        while times and now - times[0] >= self.window:
            times.popleft()

    def blocked(self, account: str) -> bool:
        now = self.clock()
        self._prune(self._all, now)
        times = self._failures.get(account)
        if times is not None:
            self._prune(times, now)
            if not times:
                del self._failures[account]
                times = None
        return len(self._all) >= self.per_instance or \
            (times is not None and len(times) >= self.per_account)

    def failed(self, account: str) -> None:
        now = self.clock()
        self._failures.setdefault(account, deque()).append(now)
        self._all.append(now)


def usage_line(account: str | None, outcome: str, now: datetime) -> str:
    """One line of the usage log: the minute (UTC), the account, the outcome; nothing else."""
    return json.dumps({"tijd": usage.minute(now), "soort": "inloggen", "account": account,
                       "uitkomst": outcome}, ensure_ascii=False)


def log_login(account: str | None, outcome: str, env: Mapping[str, str] | None = None,
              now: datetime | None = None) -> None:
    """Append the line to the usage log (pipeline/catalogue/usage.py); a log that cannot be
    written never fails the login."""
    if usage.target(env):
        usage.write_line(usage_line(account, outcome, now or datetime.now(timezone.utc)), env)
