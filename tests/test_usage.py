"""The usage log (pipeline/catalogue/usage.py, plugins/usage_log.py) against a served catalogue,
and `kennisbank gebruik` (pipeline/reports/usage.py) adding the logs up."""

from __future__ import annotations

import gzip
import http.client
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import helpers
from helpers import BROWSER, gebruik, serve_with_log
from pipeline.catalogue import usage

CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
COOKIE_VALUE = "koekje-7f3a9c"


def request(port: int, path: str, agent: str = BROWSER) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"User-Agent": agent, "Referer": "http://herkomst.test/",
                                           "Cookie": f"kb_test={COOKIE_VALUE}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture(scope="module")
def scripted(site_catalogue, tmp_path_factory):
    """The usage log of a scripted set of requests: (log path, action ids, statuses)."""
    log = tmp_path_factory.mktemp("gebruik") / "gebruik.jsonl"
    ids = [r[0] for r in sqlite3.connect(site_catalogue).execute(
        "select actie_id from acties order by actie_id")]
    proc, port = serve_with_log(site_catalogue, str(log))
    try:
        statuses = [
            request(port, "/"),
            request(port, f"/kennisbank/acties/{ids[0]}"),
            request(port, f"/kennisbank/acties/{ids[0]}"),
            request(port, f"/kennisbank/acties/{ids[1]}"),
            request(port, "/kennisbank/acties/KB-BESTAATNIET"),
            request(port, "/kennisbank/acties?_search=DIGITAAL"),
            request(port, "/kennisbank/acties?_search=%20digitaal%20"),
            request(port, "/kennisbank/acties?_search=Zeppelin"),
            request(port, "/kennisbank/acties?_search=zeppelin+"),
            request(port, "/kennisbank/acties?doel_behaald=ja&_facet=kanalen"),
            request(port, "/kennisbank/acties?bibliotheek=Bibliotheek+Veenweide"),
            # Not counted: a crawler, the health check, a static asset.
            request(port, f"/kennisbank/acties/{ids[2]}", agent=CRAWLER),
            request(port, "/-/versions.json"),
            request(port, "/-/static/app.css"),
        ]
    finally:
        helpers.stop(proc, group=True)
    return log, ids, statuses


def expected(ids: list[str], day: str, times: int = 1) -> dict:
    return {
        "periode": {"van": day, "tot": day},
        "verzoeken": 11 * times,
        "per_soort": {"actiekaart": 4 * times, "start": 1 * times, "tabel": 2 * times,
                      "zoeken": 4 * times},
        "actiekaarten": [{"actie_id": ids[0], "weergaven": 2 * times},
                         {"actie_id": ids[1], "weergaven": 1 * times}],
        "zoekopdrachten": [{"zoekterm": "digitaal", "aantal": 2 * times, "resultaten": 1},
                           {"zoekterm": "zeppelin", "aantal": 2 * times, "resultaten": 0}],
        "zonder_resultaat": [{"zoekterm": "zeppelin", "aantal": 2 * times}],
        "filters": [{"filter": "_facet=kanalen", "aantal": 1 * times},
                    {"filter": "bibliotheek=Bibliotheek Veenweide", "aantal": 1 * times},
                    {"filter": "doel_behaald=ja", "aantal": 1 * times}],
        "feedback": [],
        "overgeslagen": 0,
    }


def log_day(log: Path) -> str:
    days = {json.loads(line)["tijd"][:10] for line in log.read_text().splitlines()}
    assert len(days) == 1  # the test did not run across midnight (UTC)
    return days.pop()


def test_a_scripted_set_of_requests_gives_exactly_the_expected_usage(scripted, tmp_path):
    log, ids, statuses = scripted
    assert statuses == [200] * 4 + [404] + [200] * 9
    out = tmp_path / "uit"
    assert gebruik("--log", str(log), "--out", str(out)) == expected(ids, log_day(log))
    html = (out / "gebruik.html").read_text(encoding="utf-8")
    assert html.index('id="zonder-resultaat"') < html.index('id="zoekopdrachten"')
    assert "<td>zeppelin</td><td>2</td>" in html


def test_the_log_holds_no_ip_address_user_agent_cookie_or_referer(scripted):
    log, _, _ = scripted
    data = log.read_bytes()
    for secret in (b"127.0.0.1", b"KbTestBrowser", b"Mozilla", b"Googlebot", COOKIE_VALUE.encode(),
                   b"kb_test", b"herkomst"):
        assert secret not in data
    for line in data.decode("utf-8").splitlines():
        record = json.loads(line)
        assert set(record) <= {"tijd", "soort", "naam", "actie_id", "zoekterm", "filters",
                               "resultaten", "status", "duur_ms"}
        assert record["tijd"].endswith("Z") and len(record["tijd"]) == len("2026-12-05T13:14Z")


def test_two_logs_one_gzipped_add_up_and_a_damaged_line_is_skipped(scripted, tmp_path):
    log, ids, _ = scripted
    second = tmp_path / "exemplaar-2.jsonl.gz"
    with gzip.open(second, "wb") as out:
        out.write(log.read_bytes() + b'{"tijd": "kapot\n' + b"\xff\xfe geen json\n")
    day = log_day(log)
    figures = gebruik("--log", str(log), "--log", str(second), "--out", str(tmp_path / "uit"))
    assert figures == {**expected(ids, day, times=2), "overgeslagen": 2}
    # A period without the day counts nothing.
    before = gebruik("--log", str(log), "--out", str(tmp_path / "leeg"), "--tot", "2000-01-01")
    assert (before["verzoeken"], before["periode"]) == (0, {"van": None, "tot": "2000-01-01"})


def test_feedback_lines_are_counted_per_action():
    lines = [json.dumps({"tijd": "2026-11-02T10:00Z", "soort": "feedback", "actie_id": "KB-1",
                         "antwoord": a, **({"opmerking": o} if o is not None else {})})
             for a, o in (("ja", "Handig!"), ("ja", None), ("nee", "  "), ("nee", "Te kort"))]
    figures = usage_aggregate(lines)
    assert figures["feedback"] == [{"actie_id": "KB-1", "ja": 2, "nee": 2, "opmerkingen": 2}]
    assert (figures["verzoeken"], figures["per_soort"]) == (4, {"feedback": 4})


def usage_aggregate(lines):
    from pipeline.reports.usage import aggregate

    return aggregate(lines)


def test_an_unwritable_log_never_breaks_a_page(site_catalogue, tmp_path):
    proc, port = serve_with_log(site_catalogue, str(tmp_path / "geen-map" / "gebruik.jsonl"))
    try:
        assert [request(port, p) for p in ("/", "/kennisbank/acties?_search=digitaal")] == \
            [200, 200]
    finally:
        helpers.stop(proc, group=True)


@pytest.mark.parametrize("path, query, about", [
    ("/", "", {"soort": "start"}),
    ("/kennisbank/acties.json", "_search=x", {"soort": "download", "naam": "acties"}),
    ("/kennisbank/nieuw.atom", "", {"soort": "feed"}),
    ("/kennisbank.db", "", {"soort": "download"}),
    ("/kennisbank", "", {"soort": "database"}),
    ("/kennisbank/kaart", "", {"soort": "kaart", "naam": "kaart", "filters": []}),
    ("/kennisbank/nieuw", "", {"soort": "query", "naam": "nieuw", "filters": []}),
    ("/kennisbank/acties/KB-1~2E2", "", {"soort": "actiekaart", "actie_id": "KB-1.2"}),
    ("/kennisbank/bibliotheken/Bieb", "", {"soort": "rij", "naam": "bibliotheken"}),
    ("/-/dashboards/cijfers", "", {"soort": "grafieken"}),
    ("/privacy", "", {"soort": "pagina", "naam": "privacy"}),
    ("/elders", "", {"soort": "overig"}),
    ("/kennisbank.json", "sql=select+1", None),
    ("/-/versions.json", "", None),
    ("/-/static/app.css", "", None),
    ("/assets/kennisbank.css", "", None),
    ("/robots.txt", "", None),
])
def test_the_kind_of_a_page_comes_from_its_path(path, query, about):
    tables, queries = frozenset({"acties", "bibliotheken"}), frozenset({"kaart", "nieuw"})
    assert usage.kind(path, query, tables, queries) == about


def test_crawlers_are_recognised_by_their_user_agent():
    assert usage.is_crawler(CRAWLER) and usage.is_crawler("bingbot/2.0")
    assert not usage.is_crawler(BROWSER)


def test_the_period_is_inclusive_and_the_html_escapes_everything(tmp_path):
    from pipeline.reports.usage import make_usage_report

    def search(day: str, term: str, found: int) -> str:
        return json.dumps({"tijd": f"{day}T23:59Z", "soort": "zoeken", "naam": "acties",
                           "zoekterm": term, "filters": [f"bibliotheek={term}"],
                           "resultaten": found, "status": 200, "duur_ms": 5})

    log = tmp_path / "gebruik.jsonl"
    log.write_text("\n".join([search("2026-10-31", "oud", 0), search("2026-11-01", "<b>Vet</b>", 0),
                              search("2026-11-30", " <b>vet</b>", 0),
                              search("2026-12-01", "nieuw", 0)]) + "\n", encoding="utf-8")
    written = make_usage_report([log], tmp_path / "uit", date(2026, 11, 1), date(2026, 11, 30))
    assert written.usage["periode"] == {"van": "2026-11-01", "tot": "2026-11-30"}
    assert written.usage["zonder_resultaat"] == [{"zoekterm": "<b>vet</b>", "aantal": 2}]
    html = written.html_path.read_text(encoding="utf-8")
    assert "<b>" not in html and "&lt;b&gt;vet&lt;/b&gt;" in html
    assert "bibliotheek=&lt;b&gt;Vet&lt;/b&gt;" in html
