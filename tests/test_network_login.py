"""Who may enter the network members' instance: one account per library from a secrets file,
a removed account locked out at once, failed logins throttled per account and per instance (the
sixth wrong password within a minute is refused without checking it), and one usage-log line per
attempt without IP. Over HTTP against the container's CMD; the throttle's window with an
injected clock, in process (datasette.client) and on its own."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
from datetime import datetime, timezone

import pytest
from datasette_auth_passwords.utils import hash_password

from helpers import TODAY, container, container_fails, good_action, login, snapshot_of
from pipeline.catalogue import deploy
from pipeline.catalogue.netwerk_accounts import (
    AccountsError,
    Throttle,
    load_accounts,
    log_login,
    parse_accounts,
    usage_line,
)
from pipeline.contract.process import process
from pipeline.store.load import write_catalogue
from pipeline.store.network import write_network_catalogue

ANNA = "anna@duinstreek.bieb-voorbeeld.nl"
PASSWORDS = {"bieb-duinstreek": "Duinen-2026!", "bieb-heuvelland": "Heuvels-2026!",
             "coordinatie": "Coordinatie-2026!"}
WRONG = "Onbekende gebruikersnaam of onjuist wachtwoord."
THROTTLED = "Te veel mislukte pogingen om in te loggen. Wacht een minuut en probeer het dan " \
            "opnieuw."


def quick_hash(password: str) -> str:
    """The format of `datasette hash-password`, with fewer rounds to keep the tests fast."""
    return hash_password(password, iterations=1000)


def accounts_text(names) -> str:
    return "".join(f"{name}: {quick_hash(PASSWORDS[name])}\n" for name in names)


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    outcome = process(snapshot_of([
        good_action(titel="Voorleesfeest", contactpersoon="Anna de Vries", contact_email=ANNA),
        good_action(titel="Collegadag", startdatum="2024-05-01", delen="netwerk"),
    ]), TODAY)
    out = tmp_path_factory.mktemp("netwerk-login")
    write_catalogue(outcome, out)
    write_network_catalogue(outcome, out, "20261128T120000Z-abcdef")
    return deploy.prepare(out / "kennisbank.db", out / "ctx", netwerk=True)


def replace_file(path, text: str) -> None:
    """As a platform updates a mounted secret: a new file moved into place."""
    new = path.with_suffix(".nieuw")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def contacts(server, cookies):
    response = server.request("/netwerk/contacten.json?_shape=array", cookies=cookies)
    return response.status, (json.loads(response.body) if response.status == 200 else None)


def member_cookies(server, name: str) -> dict[str, str]:
    ok, cookies = login(server, PASSWORDS[name], name)
    assert ok.status == 302 and ok.headers["location"] == "/", name
    return {**cookies, "ds_actor": ok.cookies["ds_actor"]}


def minute() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def test_each_account_logs_in_a_removed_one_cannot_the_sixth_failure_is_throttled(
        context, tmp_path):
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(accounts_text(PASSWORDS), encoding="utf-8")
    usage = tmp_path / "gebruik.jsonl"
    env = {"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(accounts),
           "KENNISBANK_USAGE_LOG": str(usage), "DATASETTE_SECRET": "test-geheim"}
    first = minute()
    with container(context.directory, env) as server:
        # Every configured library logs in with its own password and sees the network data.
        duinstreek = member_cookies(server, "bieb-duinstreek")
        heuvelland = member_cookies(server, "bieb-heuvelland")
        for cookies in (duinstreek, heuvelland):
            status, rows = contacts(server, cookies)
            assert status == 200
            assert [(r["titel"], r["contact_email"]) for r in rows] == [("Voorleesfeest", ANNA)]
            network = server.request("/netwerk/acties.json?_shape=array&_sort=titel",
                                     cookies=cookies)
            assert [a["titel"] for a in json.loads(network.body)] == ["Collegadag",
                                                                     "Voorleesfeest"]
            home = server.request("/", cookies=cookies)
            assert 'href="/netwerk/contacten">Contactpersonen' in home.body
        # Another library's password does not open an account.
        crossed, _ = login(server, PASSWORDS["bieb-duinstreek"], "bieb-heuvelland")
        assert crossed.status == 200 and WRONG in crossed.body and "ds_actor" not in crossed.cookies
        # No HTTP Basic way around the form (and its throttle).
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        basic = base64.b64encode(f"bieb-duinstreek:{PASSWORDS['bieb-duinstreek']}".encode())
        conn.request("GET", "/netwerk/contacten.json",
                     headers={"Authorization": f"Basic {basic.decode()}"})
        response = conn.getresponse()
        assert (response.status, response.getheader("location")) == (302, "/-/login")
        conn.close()

        # Removing the line removes the account, without a restart; its cookie opens nothing.
        replace_file(accounts, accounts_text(["bieb-duinstreek", "coordinatie"]))
        removed, _ = login(server, PASSWORDS["bieb-heuvelland"], "bieb-heuvelland")
        assert removed.status == 200 and WRONG in removed.body
        assert "ds_actor" not in removed.cookies
        after = server.request("/netwerk/contacten.json", cookies=heuvelland)
        assert (after.status, after.headers["location"]) == (302, "/-/login")
        assert ANNA not in after.body
        assert contacts(server, duinstreek)[0] == 200

        # Five wrong passwords for one account; the sixth attempt is refused unchecked, even
        # with the right password.
        for _ in range(5):
            wrong, _ = login(server, "geraden", "bieb-duinstreek")
            assert wrong.status == 200 and WRONG in wrong.body
        sixth, _ = login(server, PASSWORDS["bieb-duinstreek"], "bieb-duinstreek")
        assert sixth.status == 429 and THROTTLED in sixth.body
        assert "ds_actor" not in sixth.cookies
        # Another account is not held up.
        member_cookies(server, "coordinatie")
        stranger, _ = login(server, "raden", "onbekend")
        assert stranger.status == 200 and WRONG in stranger.body
    last = minute()

    # The network instance's pages have their own lines (plugins/usage_log.py), without account.
    everything = [json.loads(line) for line in usage.read_text(encoding="utf-8").splitlines()]
    pages = [line for line in everything if line["soort"] != "inloggen"]
    assert pages and all("account" not in line for line in pages)
    lines = [line for line in everything if line["soort"] == "inloggen"]
    assert [(line["account"], line["uitkomst"]) for line in lines] == [
        ("bieb-duinstreek", "ok"), ("bieb-heuvelland", "ok"), ("bieb-heuvelland", "fout"),
        (None, "fout"),  # bieb-heuvelland after its removal: an unknown name is not written
        *[("bieb-duinstreek", "fout")] * 5, ("bieb-duinstreek", "afgeremd"),
        ("coordinatie", "ok"), (None, "fout")]
    for line in lines:
        assert set(line) == {"tijd", "soort", "account", "uitkomst"}
        assert line["soort"] == "inloggen" and first <= line["tijd"] <= last
    text = usage.read_text(encoding="utf-8")
    for secret in ["127.0.0.1", "geraden", "raden", "onbekend", *PASSWORDS.values()]:
        assert secret not in text, secret


def test_the_old_single_hash_still_works_as_the_account_netwerk(context, tmp_path):
    env = {"KENNISBANK_NETWERK_WACHTWOORD_HASH": quick_hash("Oud-2025!"),
           "KENNISBANK_USAGE_LOG": str(tmp_path / "gebruik.jsonl"), "DATASETTE_SECRET": "x"}
    with container(context.directory, env) as server:
        ok, _ = login(server, "Oud-2025!", "netwerk")
        assert ok.status == 302 and "ds_actor" in ok.cookies


def test_an_accounts_file_with_a_plain_password_does_not_start(context, tmp_path):
    accounts = tmp_path / "accounts.yml"
    accounts.write_text("bieb-duinstreek: Duinen-2026!\n", encoding="utf-8")
    code, output = container_fails(context.directory, {
        "KENNISBANK_NETWERK_ACCOUNTS_FILE": str(accounts), "DATASETTE_SECRET": "x"})
    assert code != 0
    assert ("Het netwerkexemplaar start niet: Het accountbestand "
            f"'{accounts}': het account 'bieb-duinstreek' heeft geen hash") in output
    assert "Duinen-2026!" not in output


# ------------------------------------------------------------------ without a server

def test_the_throttle_resets_after_the_window():
    now = [1000.0]
    throttle = Throttle(per_account=5, per_instance=8, window=60, clock=lambda: now[0])
    for _ in range(5):
        assert not throttle.blocked("bieb-a")
        throttle.failed("bieb-a")
        now[0] += 1
    assert throttle.blocked("bieb-a") and not throttle.blocked("bieb-b")
    now[0] = 1059.9   # the first failure (at 1000) is still within the minute
    assert throttle.blocked("bieb-a")
    now[0] = 1060.0
    assert not throttle.blocked("bieb-a")   # four left in the window
    throttle.failed("bieb-a")
    assert throttle.blocked("bieb-a")
    # The instance cap holds for every account, also one without failures.
    for _ in range(3):
        throttle.failed("bieb-b")
    assert throttle.blocked("bieb-c")
    now[0] = 1200.0
    assert not throttle.blocked("bieb-a") and not throttle.blocked("bieb-c")


def test_accounts_come_from_the_file_and_the_old_variable(tmp_path):
    h1, h2 = quick_hash("een"), quick_hash("twee")
    path = tmp_path / "accounts.yml"
    path.write_text(f"# Bibliotheken\nbieb-a: {h1}\ncoordinatie: '{h2}'\n", encoding="utf-8")
    assert load_accounts({"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(path)}) == {
        "bieb-a": h1, "coordinatie": h2}
    assert load_accounts({"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(path),
                          "KENNISBANK_NETWERK_WACHTWOORD_HASH": h2}) == {
        "netwerk": h2, "bieb-a": h1, "coordinatie": h2}
    assert load_accounts({}) == {}
    assert parse_accounts("", "x") == {}
    with pytest.raises(AccountsError, match="^x: de accountnaam 'Bieb A' mag alleen kleine"):
        parse_accounts(f"Bieb A: {h1}\n", "x")
    with pytest.raises(AccountsError, match="^x is geen lijst van 'naam: hash'-regels.$"):
        parse_accounts(f"- {h1}\n", "x")
    with pytest.raises(AccountsError, match="^Het accountbestand '.*' .* is niet te lezen"):
        load_accounts({"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(tmp_path / "weg.yml")})
    path.write_text(f"netwerk: {h1}\n", encoding="utf-8")
    with pytest.raises(AccountsError, match="kies één van beide"):
        load_accounts({"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(path),
                       "KENNISBANK_NETWERK_WACHTWOORD_HASH": h2})


def test_a_usage_line_holds_the_minute_the_account_and_the_outcome_only(tmp_path, capsys):
    at = datetime(2026, 12, 5, 13, 14, 59, tzinfo=timezone.utc)
    assert usage_line("bieb-a", "ok", at) == \
        '{"tijd": "2026-12-05T13:14Z", "soort": "inloggen", "account": "bieb-a", ' \
        '"uitkomst": "ok"}'
    log_login("bieb-a", "fout", {"KENNISBANK_USAGE_LOG": "-"}, at)
    assert capsys.readouterr().out == usage_line("bieb-a", "fout", at) + "\n"
    # A log that cannot be written never fails the login; no variable, no log.
    log_login("bieb-a", "ok", {"KENNISBANK_USAGE_LOG": str(tmp_path / "geen" / "map.jsonl")})
    log_login("bieb-a", "ok", {})
    assert capsys.readouterr().out == ""


def test_an_accounts_file_is_read_again_when_it_changes_and_every_minute(tmp_path):
    from pipeline.catalogue.netwerk_accounts import Accounts

    h1, h2 = quick_hash("een"), quick_hash("twee")
    path = tmp_path / "accounts.yml"
    path.write_text(f"bieb-a: {h1}\n", encoding="utf-8")
    now = [0.0]
    accounts = Accounts({"KENNISBANK_NETWERK_ACCOUNTS_FILE": str(path)}, reread=60,
                        clock=lambda: now[0])
    assert accounts.current() == {"bieb-a": h1}
    replace_file(path, f"bieb-b: {h1}\n")          # another file: read at once
    assert accounts.current() == {"bieb-b": h1}
    stat = path.stat()
    path.write_text(f"bieb-b: {h2}\n", encoding="utf-8")   # same size; time set back as before
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert accounts.current() == {"bieb-b": h1}
    now[0] = 60.0
    assert accounts.current() == {"bieb-b": h2}
    path.write_text("bieb-b: geheim\n", encoding="utf-8")  # broken after the start: nobody
    assert accounts.current() == {}


@pytest.fixture
def in_process(context, tmp_path, monkeypatch):
    """The network context's Datasette in this process (datasette.client), with its plugin
    module at hand to set the throttle's clock; the plugin is unregistered afterwards."""
    import asyncio

    from datasette.app import Datasette
    from datasette.plugins import pm

    from pipeline.catalogue.serve import SETTINGS

    accounts = tmp_path / "accounts.yml"
    accounts.write_text(accounts_text(["bieb-duinstreek", "coordinatie"]), encoding="utf-8")
    monkeypatch.setenv("KENNISBANK_NETWERK_ACCOUNTS_FILE", str(accounts))
    monkeypatch.setenv("KENNISBANK_USAGE_LOG", str(tmp_path / "gebruik.jsonl"))
    monkeypatch.delenv("KENNISBANK_NETWERK_WACHTWOORD_HASH", raising=False)
    out = context.directory
    ds = Datasette(immutables=[str(out / "kennisbank.db"), str(out / "netwerk.db")],
                   metadata=json.loads((out / "metadata.json").read_text(encoding="utf-8")),
                   template_dir=str(out / "templates"), plugins_dir=str(out / "plugins"),
                   settings=SETTINGS)
    plugin = pm.get_plugin("netwerk_plugin.py")
    assert plugin is not None
    try:
        asyncio.run(ds.invoke_startup())
        yield ds, plugin
    finally:
        pm.unregister(plugin)
    assert pm.get_plugin("netwerk_plugin.py") is None


def test_the_throttle_of_the_served_login_lifts_after_a_minute(in_process):
    import asyncio

    ds, plugin = in_process
    now = [5000.0]
    plugin.state(ds).throttle.clock = lambda: now[0]

    async def attempt(password: str):
        page = await ds.client.get("/-/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        return await ds.client.post("/-/login", cookies=dict(page.cookies), data={
            "username": "bieb-duinstreek", "password": password, "csrftoken": token})

    async def run():
        statuses = []
        for _ in range(5):
            statuses.append((await attempt("geraden")).status_code)
            now[0] += 10
        sixth = await attempt(PASSWORDS["bieb-duinstreek"])
        now[0] = 5059.9
        still = await attempt(PASSWORDS["bieb-duinstreek"])
        now[0] = 5060.0
        lifted = await attempt(PASSWORDS["bieb-duinstreek"])
        return statuses, sixth, still, lifted

    statuses, sixth, still, lifted = asyncio.run(run())
    assert statuses == [200] * 5
    assert sixth.status_code == 429 and THROTTLED in sixth.text
    assert still.status_code == 429
    assert lifted.status_code == 302 and "ds_actor" in lifted.cookies
