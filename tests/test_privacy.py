"""Privacy and access: the bytes of kennisbank.db hold none of the fixtures' personal values
(contact names and e-mail addresses, the marketing address of a library), nothing of withheld or
rejected rows and nothing of unknown columns; the public Datasette configuration refuses
arbitrary SQL, bounds SQL time, has no write endpoint and does not expose beheer.db."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
from pathlib import Path

import pytest

from helpers import (
    ACTION_HEADERS,
    EMAIL,
    KLEIN_DIR,
    LIBRARY_HEADERS,
    TODAY,
    agreed,
    good_action,
    personal_values,
    sample_personal_values,
)
from pipeline.app import build
from pipeline.catalogue.serve import SETTINGS, build_metadata, datasette_args, make_datasette
from pipeline.sources.snapshot import Snapshot, Tab


def assert_no_leak(catalogue: Path, secrets: set[str]) -> None:
    data = catalogue.read_bytes()
    assert len(secrets) >= 5
    leaked = sorted(s for s in secrets if s.encode("utf-8") in data)
    assert leaked == []
    # the only addresses: those a library published for colleagues (Openbaar contactadres)
    with sqlite3.connect(catalogue) as db:
        public = tuple(r[0].encode("utf-8") for r in db.execute(
            "select contact_openbaar from bibliotheken where contact_openbaar is not null"))
    assert [e for e in EMAIL.findall(data) if not e.endswith(public or (b"\0",))] == []


# ------------------------------------------------------------------------ byte scans

MARKERS = {
    "contact": "Henrietta Zwaluwstaart",
    "contact_email": "henrietta.zwaluwstaart@privé-voorbeeld.nl",
    "library_email": "marketing.geheim@bieb-voorbeeld.nl",
    "withheld_title": "Geheimproject Kievitsbloem",
    "withheld_text": "Interne evaluatie met namen van deelnemers",
    "unknown_column": "Notitie voor de coördinator: Zwaluwstaart werkt parttime",
    "unknown_header": "Interne opmerkingen Kwikstaart",
    "rejected_text": "Afgekeurde omschrijving Roerdomp",
    "rejected_library": "Bibliotheek Roerdompdorp",
    "network_title": "Collegiale actie Kemphaan",
    "network_text": "Alleen voor het netwerk: begroting Tureluur",
    "waiting_title": "Wachtende actie Grutto-eiland",
    "agreed_by": "directeur Scholekster",
}
# A library without an agreement: listed like any library, none of its actions shared.
WAITING_LIBRARY = "Bibliotheek Wulpwijk"


def privacy_snapshot() -> Snapshot:
    acties = [
        [*ACTION_HEADERS, MARKERS["unknown_header"]],
        good_action(contactpersoon=MARKERS["contact"], contact_email=MARKERS["contact_email"])
        + [MARKERS["unknown_column"]],
        good_action(titel=MARKERS["withheld_title"], omschrijving=MARKERS["withheld_text"],
                    delen="nee", contactpersoon="Bartholomeus Grutto",
                    contact_email="b.grutto@bieb-voorbeeld.nl"),
        good_action(titel="Afgekeurde actie", omschrijving=MARKERS["rejected_text"],
                    startdatum="ergens in juli"),
        good_action(titel="Actie van een afgekeurde bibliotheek",
                    bibliotheek=MARKERS["rejected_library"]),
        good_action(titel=MARKERS["network_title"], omschrijving=MARKERS["network_text"],
                    delen="netwerk", budget_eur=7919.37, startdatum="3-3-2025",
                    einddatum="4-3-2025"),
        good_action(titel=MARKERS["waiting_title"], bibliotheek=WAITING_LIBRARY,
                    budget_eur=6007.41),
    ]
    bibliotheken = [
        [*LIBRARY_HEADERS, "Telefoon intern"],
        agreed(["Bibliotheek Duinstreek", "Noord-Holland", "Castricum", None, 52.5486, 4.6694,
                MARKERS["library_email"], 60000, "06-98765432"]),
        agreed(["Bibliotheek Veenweide", "Zuid-Holland", "Alphen", None, None, None,
                "communicatie@veenweide.bieb-voorbeeld.nl", 112000, None]),
        agreed([MARKERS["rejected_library"], "Atlantis", None, None, None, None,
                "roerdomp@bieb-voorbeeld.nl", 10, None]),
        agreed([WAITING_LIBRARY, "Friesland", None, None, None, None, None, None,
                None], day=None, by=MARKERS["agreed_by"]),
    ]
    return Snapshot(source={"soort": "test"}, tabs=[Tab("Acties", acties, 0),
                                                   Tab("Bibliotheken", bibliotheken, 1)])


@pytest.fixture(scope="module")
def private_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("privacy") / "uit"
    source = out.parent / "bron.json"
    source.write_text(json.dumps(privacy_snapshot().to_json()), encoding="utf-8")
    result = build(str(source), out, TODAY)
    counts = result.outcome.counts
    assert ((counts["gepubliceerd"], counts["alleen_netwerk"], counts["niet_gedeeld"],
             counts["wacht_op_akkoord"], counts["afgekeurd"]) == (1, 1, 1, 1, 2))
    return out


def test_fixture_markers_never_reach_the_catalogue(private_build):
    secrets = set(MARKERS.values()) | {"Bartholomeus Grutto", "b.grutto@bieb-voorbeeld.nl",
                                       "06-98765432", "roerdomp@bieb-voorbeld.nl",
                                       "communicatie@veenweide.bieb-voorbeeld.nl"}
    assert_no_leak(private_build / "kennisbank.db", secrets)
    # the FTS index holds lower-cased tokens: none of the withheld or rejected words either
    data = (private_build / "kennisbank.db").read_bytes()
    for word in ("kievitsbloem", "roerdomp", "zwaluwstaart", "kwikstaart", "grutto",
                 "kemphaan", "tureluur", "scholekster"):
        assert word.encode() not in data.lower(), word
    # nor the figures of the network-only and the waiting action
    for figure in ("7919.37", "7919,37", "6007.41", "6007,41"):
        assert figure.encode() not in data, figure


def test_kept_rows_stay_for_the_coordinators(private_build):
    """What is kept out of the public catalogue is not lost: it is in beheer.db."""
    conn = sqlite3.connect(private_build / "beheer.db")
    try:
        withheld = conn.execute("select titel, waarden from niet_gedeeld").fetchall()
        rejected = conn.execute("select tabblad, waarden from afgekeurd order by rij").fetchall()
    finally:
        conn.close()
    assert withheld[0][0] == MARKERS["withheld_title"]
    assert MARKERS["withheld_text"] in withheld[0][1]
    assert any(MARKERS["rejected_text"] in w for _, w in rejected)


def test_small_fixture_personal_values_are_not_in_the_catalogue(tmp_path):
    """The CSV fixture, read with the csv module: contacts, library addresses, unknown columns
    and withheld rows."""
    build(str(KLEIN_DIR), tmp_path, TODAY)

    def rows(name: str) -> list[list[str]]:
        with open(KLEIN_DIR / name, encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh, delimiter=";"))

    secrets = (personal_values(rows("Acties.csv"), "Acties", withheld_column="delen")
               | personal_values(rows("Bibliotheken.csv"), "Bibliotheken"))
    assert {"Anna de Vries", "anna.devries@duinstreek.bieb-voorbeeld.nl", "Piet Jansen",
            "piet@veenweide.bieb-voorbeeld.nl", "marketing@duinstreek.bieb-voorbeeld.nl",
            "Zomerlezen", "intern: niet delen"} <= secrets
    assert any("Leesclub" in s for s in secrets)
    assert_no_leak(tmp_path / "kennisbank.db", secrets)


def test_sample_personal_values_are_not_in_the_catalogue(sample_build):
    """The embedded sample, read with openpyxl: contacts, e-mail addresses, internal notes."""
    secrets = sample_personal_values()
    assert len(secrets) > 100
    assert_no_leak(sample_build.catalogue, secrets)
    # the addresses two sample libraries published for colleagues are there, on purpose
    with sqlite3.connect(sample_build.catalogue) as db:
        assert db.execute("select naam, contact_openbaar from bibliotheken"
                          " where contact_openbaar is not null order by naam").fetchall() == [
            ("Bibliotheek Duinstreek", "kennisdelen@duinstreek.bieb-voorbeeld.nl"),
            ("Bibliotheek Merwedestad", "vragen@merwedestad.bieb-voorbeeld.nl")]


# ------------------------------------------------------------------------ public configuration

@pytest.fixture(scope="module")
def site(private_build):
    return make_datasette(private_build / "kennisbank.db")


def get(site, path: str, method: str = "get", **kwargs):
    return asyncio.run(getattr(site.client, method)(path, **kwargs))


@pytest.mark.parametrize("path", [
    "/kennisbank?sql=select+1",
    "/kennisbank.json?sql=select+1",
    "/kennisbank.json?sql=select+*+from+sqlite_master",
    "/kennisbank.csv?sql=select+1",
    "/kennisbank/acties.json?_where=1=1",
    "/kennisbank/acties?_where=rij>0",
    "/kennisbank.json?sql=select+count(*)+as+aantal+from+acties+--",  # not the exact chart SQL
    "/kennisbank.json?sql=select+count(*)+as+aantal+from+bibliotheken;select+1",
])
def test_arbitrary_sql_is_refused(site, path):
    response = get(site, path)
    assert response.status_code in (400, 403), (path, response.status_code, response.text[:200])
    assert "sqlite_master" not in response.text or response.status_code == 403


def test_only_the_exact_chart_queries_run(site):
    exact = "select count(*) as aantal from acties"
    response = get(site, "/kennisbank.json?_shape=array&sql=" + exact.replace(" ", "+"))
    assert response.status_code == 200 and response.json() == [{"aantal": 1}]
    for path in ("/-/dashboards/cijfers?sql=select+1", "/-/dashboards/../kennisbank.json?sql=select+1",
                 "/-/dashboards/cijfers/acties?sql=select+name+from+sqlite_master"):
        response = get(site, path)
        assert "sqlite_master" not in response.text and '"1"' not in response.text, path


def test_sql_time_limit_is_set_and_enforced(site):
    assert get(site, "/-/settings.json").json()["sql_time_limit_ms"] == SETTINGS[
        "sql_time_limit_ms"] == 3000
    args = datasette_args(Path("kennisbank.db"), 8001, Path("metadata.json"))
    assert "--immutable" in args
    assert args[args.index("sql_time_limit_ms") + 1] == "3000"
    assert args[args.index("default_allow_sql") + 1] == "off"

    from datasette.database import QueryInterrupted

    slow = ("with recursive n(i) as (select 1 union all select i + 1 from n) "
            "select count(*) from n")
    with pytest.raises(QueryInterrupted):
        asyncio.run(site.get_database("kennisbank").execute(slow, custom_time_limit=200))


@pytest.mark.parametrize("method, path", [
    ("post", "/kennisbank/acties/-/insert"),
    ("post", "/kennisbank/-/create"),
    ("post", "/kennisbank/acties/-/drop"),
    ("post", "/kennisbank/acties/KB-0000000000/-/update"),
    ("post", "/kennisbank/acties/KB-0000000000/-/delete"),
    ("post", "/-/create-token"),
    ("post", "/kennisbank/acties_van_bibliotheek"),
    ("post", "/kennisbank/kaart"),
    ("put", "/kennisbank/acties"),
    ("delete", "/kennisbank/acties"),
])
def test_no_write_endpoint(site, private_build, method, path):
    before = (private_build / "kennisbank.db").read_bytes()
    kwargs = {"json": {"row": {"actie_id": "X", "titel": "x"}}} if method != "delete" else {}
    response = get(site, path, method, **kwargs)
    # (Datasette 0.65 answers a POST to a read-only canned query with a 500; nothing is written)
    assert response.status_code in (403, 404, 405, 500), (method, path, response.status_code)
    assert (private_build / "kennisbank.db").read_bytes() == before
    queries = build_metadata()["databases"]["kennisbank"]["queries"]
    assert not any(q.get("write") for q in queries.values())


@pytest.mark.parametrize("path", ["/beheer", "/beheer.json", "/beheer/runs", "/beheer/meldingen.json",
                                  "/assets/../beheer.db", "/assets/..%2f..%2fbeheer.db",
                                  "/kennisbank.db", "/-/static/../../beheer.db"])
def test_beheer_db_is_not_exposed(site, path):
    response = get(site, path)
    assert response.status_code in (403, 404), (path, response.status_code)
    assert b"SQLite format 3" not in response.content
    databases = get(site, "/-/databases.json").json()
    assert [d["name"] for d in databases] == ["kennisbank"]
