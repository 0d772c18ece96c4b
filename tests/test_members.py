"""The network members' instance: netwerk.db holds the contacts of published actions only, is
made only when asked, and is served by a second instance where everything needs a login
(datasette-auth-passwords), while the public catalogue and its image stay free of it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from helpers import (
    KLEIN_DIR,
    TODAY,
    container,
    container_fails,
    good_action,
    login,
    snapshot_of,
)
from pipeline.catalogue import deploy
from pipeline.cli import main
from pipeline.contract.process import process
from pipeline.store.load import write_catalogue
from pipeline.store.network import NETWERK, write_network_catalogue

PASSWORD = "Leeskring-2026!"
ANNA = "anna@duinstreek.bieb-voorbeeld.nl"


@pytest.fixture(scope="module")
def outcome():
    return process(snapshot_of([
        good_action(titel="Voorleesfeest", contactpersoon="Anna de Vries", contact_email=ANNA),
        good_action(titel="Nieuwsbrief", contactpersoon="Bram Smit"),
        good_action(titel="Posters", startdatum="1-3-2024"),
        good_action(titel="Niet delen", contactpersoon="Cor Geheim",
                    contact_email="cor@duinstreek.bieb-voorbeeld.nl", delen="nee"),
        good_action(titel=None, contactpersoon="Dirk Afgekeurd",
                    contact_email="dirk@duinstreek.bieb-voorbeeld.nl"),
        good_action(titel="Collegadag", delen="netwerk", startdatum="5-5-2024"),
    ]), TODAY)


@pytest.fixture(scope="module")
def built(outcome, tmp_path_factory):
    out = tmp_path_factory.mktemp("netwerk")
    write_catalogue(outcome, out)
    write_network_catalogue(outcome, out, "20261128T120000Z-abcdef")
    return out


def rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_netwerk_db_holds_contacts_of_published_actions_only(built):
    assert rows(built / NETWERK, "select titel, bibliotheek, contactpersoon, contact_email "
                                 "from contacten order by titel") == [
        ("Nieuwsbrief", "Bibliotheek Duinstreek", "Bram Smit", None),
        ("Voorleesfeest", "Bibliotheek Duinstreek", "Anna de Vries", ANNA),
    ]
    assert rows(built / NETWERK, "select run_id, peildatum from bouw") == [
        ("20261128T120000Z-abcdef", "2026-11-28")]
    ids = rows(built / "kennisbank.db", "select actie_id from acties where titel = 'Voorleesfeest'")
    assert rows(built / NETWERK, "select actie_id from contacten where titel = 'Voorleesfeest'") \
        == ids


def test_netwerk_db_holds_the_public_and_the_network_only_actions(built):
    public = rows(built / "kennisbank.db", "select titel from acties order by titel")
    assert public == [("Nieuwsbrief",), ("Posters",), ("Voorleesfeest",)]
    assert rows(built / NETWERK, "select titel from acties order by titel") == [
        ("Collegadag",), ("Nieuwsbrief",), ("Posters",), ("Voorleesfeest",)]


def test_build_writes_netwerk_db_only_when_asked(tmp_path):
    plain = CliRunner().invoke(main, ["build", "--source", str(KLEIN_DIR), "--out",
                                      str(tmp_path / "a"), "--peildatum", "2026-11-28"])
    assert plain.exit_code == 0, plain.output
    assert not (tmp_path / "a" / NETWERK).exists()
    asked = CliRunner().invoke(main, ["build", "--source", str(KLEIN_DIR), "--out",
                                      str(tmp_path / "b"), "--peildatum", "2026-11-28",
                                      "--netwerk"])
    assert asked.exit_code == 0, asked.output
    assert f"Netwerk:    {tmp_path / 'b' / NETWERK}" in asked.output
    names = [r[0] for r in rows(tmp_path / "b" / NETWERK, "select contactpersoon from contacten")]
    assert names == ["Anna de Vries", "Piet Jansen"]
    # An unchanged sheet keeps netwerk.db, and makes it when it is missing.
    (tmp_path / "b" / NETWERK).unlink()
    again = CliRunner().invoke(main, ["build", "--source", str(KLEIN_DIR), "--out",
                                      str(tmp_path / "b"), "--peildatum", "2026-11-28",
                                      "--netwerk"])
    assert "niet gewijzigd" in again.output and (tmp_path / "b" / NETWERK).exists()


@pytest.fixture(scope="module")
def context(built, tmp_path_factory):
    return deploy.prepare(built / "kennisbank.db", tmp_path_factory.mktemp("ctx") / "netwerk",
                          netwerk=True)


def test_network_context_is_complete(context):
    out = context.directory
    for name in ["kennisbank.db", "netwerk.db", "plugins/netwerk_plugin.py",
                 "templates/password_login.html", "templates/base.html", "metadata.json"]:
        assert (out / name).is_file(), name
    dockerfile = (out / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir -c constraints.txt ./src[netwerk]" in dockerfile
    assert "datasette-auth-passwords==" in (out / "constraints.txt").read_text()
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["allow"] == {"netwerklid": True}
    assert metadata["databases"]["kennisbank"]["allow_sql"] == {
        "id": ["kennisbank-grafieken"], "netwerklid": True}
    # The accounts are read at run time from the environment: none in the context.
    assert "datasette-auth-passwords" not in metadata["plugins"]
    assert "KENNISBANK_NETWERK_ACCOUNTS_FILE" in dockerfile
    assert metadata["databases"]["netwerk"]["allow_sql"] is False
    assert "pbkdf2" not in json.dumps(metadata)  # the hash comes from the environment only
    data = json.loads((out / "inspect-data.json").read_text(encoding="utf-8"))
    assert data["netwerk"]["tables"]["contacten"]["count"] == 2
    assert "--immutable netwerk.db" in context.command_line
    assert "--plugins-dir plugins" in context.command_line


def test_public_context_has_no_login_and_no_contacts(built, tmp_path):
    public = deploy.prepare(built / "kennisbank.db", tmp_path / "openbaar")
    metadata = json.loads((public.directory / "metadata.json").read_text(encoding="utf-8"))
    assert "allow" not in metadata and "datasette-auth-passwords" not in metadata["plugins"]
    assert "netwerk" not in metadata["databases"]
    assert not (public.directory / "netwerk.db").exists()
    databases = sorted(public.directory.rglob("*.db"))
    assert [p.name for p in databases] == ["kennisbank.db"]
    for path in databases:  # netwerk.db was next to kennisbank.db: none of it came along
        data = path.read_bytes()
        for secret in [b"Anna de Vries", ANNA.encode(), b"Bram Smit", b"Cor Geheim", b"Dirk"]:
            assert secret not in data, (path, secret)


def test_members_log_in_and_see_contacts_anonymous_visitors_do_not(context):
    from datasette_auth_passwords.utils import hash_password

    env = {"KENNISBANK_NETWERK_WACHTWOORD_HASH": hash_password(PASSWORD),
           "DATASETTE_SECRET": "test-geheim-voor-de-cookies"}
    with container(context.directory, env) as server:
        for path in ["/", "/netwerk/contacten", "/netwerk/contacten.json",
                     "/kennisbank/acties.json", "/-/dashboards/cijfers"]:
            anonymous = server.request(path)
            assert anonymous.status == 302, path
            assert anonymous.headers["location"] == "/-/login", path
            assert ANNA not in anonymous.body
        page = server.request("/-/login")
        assert page.status == 200 and "Inloggen voor netwerkleden" in page.body
        for path, heading in [("/voorwaarden", "Gebruiksvoorwaarden"),
                              ("/privacy", "Privacyverklaring")]:
            terms = server.request(path)  # readable before logging in: they hold no data
            assert terms.status == 200 and f"<h1>{heading}" in terms.body, path

        wrong, _ = login(server, "fout-wachtwoord")
        assert wrong.status == 200 and "ds_actor" not in wrong.cookies
        assert "onjuist wachtwoord" in wrong.body

        ok, cookies = login(server, PASSWORD)
        assert ok.status == 302 and ok.headers["location"] == "/"
        member = {**cookies, "ds_actor": ok.cookies["ds_actor"]}
        contacts = json.loads(server.request("/netwerk/contacten.json?_shape=array",
                                             cookies=member).body)
        assert [(c["titel"], c["contact_email"]) for c in contacts] == [
            ("Nieuwsbrief", None), ("Voorleesfeest", ANNA)]
        html = server.request("/netwerk/contacten", cookies=member)
        assert html.status == 200 and f'href="mailto:{ANNA}"' in html.body
        assert 'href="/kennisbank/acties/' in html.body
        home = server.request("/", cookies=member)
        assert home.status == 200 and 'href="/netwerk/contacten">Contactpersonen' in home.body
        assert server.request("/kennisbank/acties.json", cookies=member).status == 200
        shared = json.loads(server.request("/netwerk/acties.json?_shape=array&_sort=titel",
                                           cookies=member).body)
        assert [a["titel"] for a in shared] == ["Collegadag", "Nieuwsbrief", "Posters",
                                                "Voorleesfeest"]
        # Members get no free SQL on the contact data.
        assert server.request("/netwerk.json?sql=select+*+from+contacten",
                              cookies=member).status == 403


def test_network_instance_refuses_to_start_without_a_password_hash(context):
    code, output = container_fails(context.directory, {"DATASETTE_SECRET": "x"})
    assert code != 0
    assert "KENNISBANK_NETWERK_ACCOUNTS_FILE" in output
    assert "KENNISBANK_NETWERK_WACHTWOORD_HASH" in output
