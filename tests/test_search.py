"""Dutch search on the served sample catalogue (issue 15): variants, synonyms and tags find the
same actions, the best match comes first, and the reader's words stay as typed."""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import urllib.parse

import pytest

from helpers import BROWSER, TODAY, get, serve_with_log, start_serve, stop, wait_for
from pipeline.contract import search_text
from pipeline.store.load import SEARCH_TEXT

VOORLEZEN = [
    "KB-0CFE9C971F", "KB-4E675E21F6", "KB-4F984FC756", "KB-81A8051E40", "KB-95E0F2327F",
    "KB-9EAA14CB59", "KB-A094D2EE20", "KB-C0F5A96369", "KB-D2E8CCACD2", "KB-DC9B010473"]
SOCIALE_MEDIA = [
    "DST-2023-01", "DST-2024-01", "DST-2024-02", "KB-01E11D90DF", "KB-0B306D7146",
    "KB-1318A213B6", "KB-1CA433F7EC", "KB-3E4D957955", "KB-533D04A9C3", "KB-842FBA9C58",
    "KB-8525544200", "KB-8588FDDBFB", "KB-88112B5132", "KB-885668F6E5", "KB-93FBCB232E",
    "KB-94D2C047DE", "KB-95868B9A40", "KB-9EC447A5A4", "KB-A076A18DD2", "KB-A094D2EE20",
    "KB-BE40A1EB8F", "KB-C470D5407B", "KB-C59C1C243B", "KB-CA0D4D4C6F", "KB-CB16533647",
    "KB-CEC21D6E87", "KB-D53CA67BFC", "KB-E067337817", "KB-E3AFFBAB75", "KB-E7F6C3689A",
    "KB-E821BC9030", "KB-EA7D5F34D1", "KB-EBBCB2F9C5", "KB-FBB911834D", "RLO-2022-02"]


@pytest.fixture(scope="module")
def port(sample_build):
    proc, port = start_serve(sample_build.catalogue)
    yield port
    stop(proc, group=True)


@pytest.fixture(scope="module")
def catalogue(sample_build):
    db = sqlite3.connect(f"file:{sample_build.catalogue}?immutable=1", uri=True)
    yield db
    db.close()


def page(port: int, **args: str) -> dict:
    query = urllib.parse.urlencode({"_shape": "objects", "_col": "titel", **args})
    status, body = get(port, f"/kennisbank/acties.json?{query}")
    assert status == 200, body[:300]
    return json.loads(body)


def found(port: int, search: str, **args: str) -> list[str]:
    """The ids a search finds, in the order shown (all on one page)."""
    return [r["actie_id"] for r in page(port, _search=search, _size="max", **args)["rows"]]


def tagged(port: int, column: str, label: str) -> list[str]:
    rows = page(port, **{f"{column}__arraycontains": label, "_size": "max"})["rows"]
    return sorted(r["actie_id"] for r in rows)


def test_each_variant_finds_the_same_actions_as_its_counterpart(port):
    # a vocabulary term alone (or its synonym) finds exactly the actions with that tag
    assert sorted(found(port, "tieners")) == sorted(found(port, "jongeren")) == tagged(
        port, "doelgroepen", "Jongeren (12-18)")
    assert sorted(found(port, "voorleesactie")) == sorted(found(port, "voorlezen")) == VOORLEZEN
    assert sorted(found(port, "social media")) == sorted(found(port, "sociale media")) \
        == SOCIALE_MEDIA


def test_a_search_for_a_tag_finds_every_action_with_that_tag(port):
    ledenwerving = tagged(port, "doelen", "Ledenwerving")
    senioren = tagged(port, "doelgroepen", "Senioren (65+)")
    assert (len(ledenwerving), len(senioren)) == (26, 25)
    assert sorted(found(port, "ledenwerving")) == ledenwerving
    assert sorted(found(port, "senioren")) == senioren
    # within other words a synonym in the text counts too: "nieuwe leden" for Ledenwerving
    assert "KB-15A1717F54" not in ledenwerving
    assert "KB-15A1717F54" in found(port, "ledenwerving bibliotheek") + found(
        port, "nieuwe leden bibliotheek")


@pytest.mark.parametrize("singular, plural", [
    ("tiener", "tieners"), ("jongere", "jongeren"), ("senior", "senioren"),
    ("nieuwsbrief", "nieuwsbrieven"), ("lezing", "lezingen"), ("voorleesactie", "voorleesacties"),
    ("gezin", "gezinnen")])
def test_singular_and_plural_find_the_same_actions(port, singular, plural):
    one, more = found(port, singular), found(port, plural)
    assert one and sorted(one) == sorted(more)


def test_an_action_is_found_by_a_tag_that_its_text_does_not_name(port, catalogue):
    columns = ", ".join(["titel", *SEARCH_TEXT])
    text = " ".join(v for v in catalogue.execute(
        f"select {columns} from acties where actie_id = 'KB-1DF0E21AC9'").fetchone() if v)
    assert "narrowcast" not in text.lower()
    hits = found(port, "narrowcasting")
    assert "KB-1DF0E21AC9" in hits
    tags = tagged(port, "kanalen", "Narrowcasting")
    assert len(tags) == 37 and sorted(hits) == tags


def test_the_first_result_for_an_exact_title_is_that_action(port, catalogue):
    unique = catalogue.execute("select titel, min(actie_id) from acties group by titel "
                               "having count(*) = 1").fetchall()
    assert len(unique) == 128
    assert [(title, found(port, title)[0]) for title, _ in unique] == unique
    # by date it would be third of nine
    assert found(port, "Bibliotheek op school 2024")[:1] == ["KB-0EDB10CDE6"]
    by_date = found(port, "Bibliotheek op school 2024", _sort_desc="startdatum")
    assert len(by_date) == 9 and by_date.index("KB-0EDB10CDE6") == 2


def test_relevance_order_continues_on_the_next_page_and_a_chosen_order_wins(port, catalogue):
    everything = found(port, "social media")
    assert len(everything) == 35
    first = page(port, _search="social media")
    assert [r["actie_id"] for r in first["rows"]] == everything[:25]
    next_path = urllib.parse.urlsplit(first["next_url"])
    second = json.loads(get(port, f"{next_path.path}?{next_path.query}")[1])
    assert [r["actie_id"] for r in second["rows"]] == everything[25:]
    assert second["next_url"] is None
    dates = [r["startdatum"] for r in page(port, _search="social media", _size="max",
                                           _sort_desc="startdatum", _col="startdatum")["rows"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(everything)


def test_the_search_box_keeps_what_the_reader_typed(port):
    typed = "Social Media  voor TIENERS!"
    status, body = get(port, "/kennisbank/acties?" + urllib.parse.urlencode({"_search": typed}))
    html = body.decode()
    assert status == 200
    assert re.search(r'<input id="_search" type="search" name="_search" value="([^"]*)"',
                     html)[1] == "Social Media  voor TIENERS!"
    assert "zoekterm “Social Media  voor TIENERS!”" in html
    assert '<strong aria-current="true">Best passend</strong>' in html
    status, body = get(port, "/kennisbank/acties?_search=tieners&_volgorde=relevantie"
                             "&_sort=kosten_per_nieuw_lid&kosten_per_nieuw_lid__notblank=1")
    html = body.decode()
    assert '<strong aria-current="true">Laagste kosten per nieuw lid</strong>' in html
    assert '<a href="/kennisbank/acties?_search=tieners" rel="nofollow">Best passend</a>' in html


def test_the_usage_log_keeps_the_typed_words_on_every_page(sample_build, tmp_path):
    log = tmp_path / "gebruik.jsonl"
    proc, port = serve_with_log(sample_build.catalogue, str(log))

    def html(path: str) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", path, headers={"User-Agent": BROWSER})
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    try:
        first = html("/kennisbank/acties?_search=+SOCIAL+media")
        following = re.search(r'<p class="kb-volgende"><a href="https?://[^/"]+([^"]+)"', first)[1]
        html(following.replace("&amp;", "&"))
        lines = wait_for(lambda: (lambda found: found if len(found) == 2 else None)(
            log.read_text(encoding="utf-8").splitlines() if log.exists() else []),
            "two lines in the usage log")
    finally:
        stop(proc, group=True)
    assert "_volgorde=relevantie" in following
    assert [(r["soort"], r["zoekterm"], r["resultaten"], r["filters"], r["status"])
            for r in map(json.loads, lines)] == [("zoeken", "SOCIAL media", 35, [], 200)] * 2


def test_a_search_without_words_finds_nothing_and_fails_nothing(port):
    assert found(port, "!!") == []
    assert found(port, '"onbekend woord" OR NEAR(') == []


def test_normalised_text_and_queries():
    assert search_text.stems("Poëzie-avond voor Tieners") == ["poezie", "avond", "voor", "tiener"]
    assert search_text.query("tieners") == search_text.query("Jongeren") == \
        "labels : (kbjongeren1218)"
    assert search_text.query("facebook ouders") == '(kbfacebook) AND "ouder"'
    # a term of a vocabulary that tags no action (the KPI "Kliks") stays a text search
    assert search_text.query("klik") == "(kbkliks)"
    assert search_text.query("social media") == '"social" AND "media"'
    # "ouders" (parents) shares Snowball's stem with the synonym "ouderen", not its concept
    assert "kbsenioren65" in search_text.index_tokens("voor ouderen")
    assert "kbsenioren65" not in search_text.index_tokens("voor ouders")
    assert search_text.index_tokens("", ["Senioren (65+)"]) == "kbsenioren65"
    lexicon = frozenset({"voorlees", "actie", "zomer"})
    assert search_text.query("voorleesacties", lexicon) == '"voorlees"'
    assert search_text.query("voorleesacties") == '"voorleesactie"'


def test_the_search_index_made_in_a_second_process_is_the_same(tmp_path, monkeypatch):
    """From PARALLEL_FROM actions on, a forked process normalises the texts while the tables
    are written: the index is the same as made in this process, and as made from the
    catalogue's own `acties` table (as netwerk.db does)."""
    import os
    import sqlite3

    import sqlite_utils

    from pipeline.contract.process import process
    from pipeline.store import search_index
    from pipeline.store.load import write_catalogue
    from tools.sample.synthetic import make_snapshot

    outcome = process(make_snapshot(600, seed=7), TODAY)
    forked: list[int] = []
    real_start = search_index.Tokens.start

    def start(self):
        started = real_start(self)
        forked.append(int(self._job is not None and self._job.forked))
        return started

    monkeypatch.setattr(search_index.Tokens, "start", start)
    index = "select rowid, titel, labels, tekst from acties_zoeken order by rowid"
    found = {}
    for name, threshold in (("apart", 1), ("hier", 10**9)):
        monkeypatch.setattr(search_index, "PARALLEL_FROM", threshold)
        db = write_catalogue(outcome, tmp_path / name)
        with sqlite3.connect(db) as conn:
            found[name] = conn.execute(index).fetchall()
        assert sorted(p.name for p in db.parent.iterdir()) == ["kennisbank.db"]  # no staging
    assert forked == ([1, 0] if (os.cpu_count() or 1) > 1 else [0, 0])
    db = sqlite_utils.Database(tmp_path / "hier" / "kennisbank.db")
    search_index.save(db.conn)  # from the table
    found["tabel"] = db.conn.execute(index).fetchall()
    published = sqlite3.connect(tmp_path / "hier" / "kennisbank.db").execute(
        "select count(*) from acties").fetchone()[0]
    assert len(found["hier"]) == published > 400
    assert found["apart"] == found["hier"] == found["tabel"]
    assert sum(1 for row in found["hier"] if "kb" in row[2]) == published  # every row has tags


def test_the_index_words_are_stored_and_read_from_the_catalogue(sample_build, tmp_path):
    """The build stores the index's tokens (zoekwoorden); the server reads them from there:
    a copy without "voorlees" among them no longer finds a compound by its first part."""
    import asyncio
    import shutil

    from pipeline.catalogue.serve import make_datasette

    with sqlite3.connect(sample_build.catalogue) as conn:
        stored = {r[0] for r in conn.execute("select term from zoekwoorden")}
        conn.execute("create virtual table temp.v using fts5vocab(main, acties_zoeken, row)")
        assert stored == {r[0] for r in conn.execute("select term from temp.v")}
    assert "voorlees" in stored and "kbjongeren1218" in stored

    changed = tmp_path / "zonder" / "kennisbank.db"
    changed.parent.mkdir()
    shutil.copyfile(sample_build.catalogue, changed)
    with sqlite3.connect(changed) as conn:
        conn.execute("delete from zoekwoorden where term = 'voorlees'")

    async def ids(db, search):
        ds = make_datasette(db)
        await ds.invoke_startup()
        query = urllib.parse.urlencode({"_search": search, "_size": "max", "_shape": "objects"})
        rows = (await ds.client.get(f"/kennisbank/acties.json?{query}")).json()["rows"]
        return sorted(r["actie_id"] for r in rows)

    assert asyncio.run(ids(sample_build.catalogue, "voorleesactie")) == VOORLEZEN
    assert asyncio.run(ids(changed, "voorleesactie")) == []
