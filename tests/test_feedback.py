"""Feedback from readers (pipeline/catalogue/plugins/feedback.py) against a served catalogue: the
card's form and mail link, answers as usage-log lines with Datasette's CSRF protection, and
`kennisbank gebruik` counting them without ever showing a remark."""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import urllib.parse

import pytest

import helpers
from helpers import BROWSER, chromium, gebruik, new_page, require_chromium, serve_with_log, settle
from pipeline.catalogue.site import card_url

REMARK = "Handig voor onze zomeractie"
SCRIPT = '<script>alert("kb")</script> & <b onmouseover=x()>zwaargedrukt</b>'
LONGEST = "é" * 500


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER})
        response = conn.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read().decode("utf-8"))
    finally:
        conn.close()


def post(port: int, fields: dict[str, str], cookie: str | None,
         path: str = "/-/feedback") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie is not None:
        headers["Cookie"] = f"ds_csrftoken={cookie}"
    try:
        conn.request("POST", path, body=urllib.parse.urlencode(fields), headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def answered(site_catalogue, tmp_path_factory):
    """A card read and a scripted set of answers: (log, ids, card page, answers)."""
    log = tmp_path_factory.mktemp("feedback") / "gebruik.jsonl"
    ids = [r[0] for r in sqlite3.connect(site_catalogue).execute(
        "select actie_id from acties order by actie_id")]
    proc, port = serve_with_log(site_catalogue, str(log))
    try:
        status, headers, card = get(port, card_url(ids[0]))
        assert status == 200
        token = re.search(r'name="csrftoken" value="([^"]+)"', card).group(1)
        cookie = re.search(r"ds_csrftoken=([^;]+)", headers["set-cookie"]).group(1)
        assert token == cookie

        def answer(actie_id, antwoord, opmerking=None, csrftoken=token, with_cookie=cookie):
            fields = {"actie_id": actie_id, "antwoord": antwoord}
            if csrftoken is not None:
                fields["csrftoken"] = csrftoken
            if opmerking is not None:
                fields["opmerking"] = opmerking
            return post(port, fields, with_cookie)

        answers = {
            "ja met opmerking": answer(ids[0], "ja", f"  {REMARK}\r\n"),
            "nee zonder": answer(ids[1], "nee"),
            "nee leeg": answer(ids[1], "nee", "   "),
            "script": answer(ids[0], "ja", SCRIPT),
            "500 tekens": answer(ids[1], "ja", LONGEST),
            # Refused by the CSRF protection: no line.
            "zonder token": answer(ids[0], "ja", csrftoken=None),
            "fout token": answer(ids[0], "ja", csrftoken=token[:-2] + "xx"),
            "zonder cookie en token": answer(ids[0], "ja", csrftoken=None, with_cookie=None),
            "zonder cookie": answer(ids[0], "ja", with_cookie=None),
            "ongetekend": answer(ids[0], "ja", csrftoken="zelfgemaakt", with_cookie="zelfgemaakt"),
            # A POST to the card itself is no page view and no answer.
            "naar de kaart": post(port, {"antwoord": "ja"}, cookie, path=card_url(ids[0])),
            # Refused as a bad answer: no line.
            "501 tekens": answer(ids[0], "ja", LONGEST + "x"),
            "onbekende actie": answer("KB-BESTAATNIET", "ja"),
            "misschien": answer(ids[0], "misschien"),
        }
        answers["zonder formulier"] = get(port, "/-/feedback")[::2]  # a GET: no page counted
    finally:
        helpers.stop(proc, group=True)
    return log, ids, card, answers


def test_valid_answers_are_thanked_and_refused_ones_are_not(answered):
    _, ids, _, answers = answered
    statuses = {name: status for name, (status, _) in answers.items()}
    assert statuses == {
        "ja met opmerking": 200, "nee zonder": 200, "nee leeg": 200, "script": 200,
        "500 tekens": 200, "zonder token": 403, "fout token": 403,
        "zonder cookie en token": 403, "zonder cookie": 403, "ongetekend": 403,
        "naar de kaart": 403,
        "501 tekens": 400, "onbekende actie": 400, "misschien": 400, "zonder formulier": 405}
    thanks = answers["ja met opmerking"][1]
    assert "<h1>Bedankt voor uw antwoord</h1>" in thanks
    assert f'<a href="{card_url(ids[0])}">← Terug naar de actie</a>' in thanks
    assert '<html lang="nl">' in thanks
    assert "Uw opmerking is langer dan 500 tekens." in answers["501 tekens"][1]
    assert "Deze actie staat niet in de kennisbank." in answers["onbekende actie"][1]
    assert "Terug naar de actie" not in answers["onbekende actie"][1]
    assert "Kies ja of nee." in answers["misschien"][1]
    assert "Uw antwoord kon niet worden verwerkt." in answers["zonder cookie"][1]


def test_each_valid_answer_is_exactly_one_usage_line_and_nothing_else_is(answered):
    log, ids, _, _ = answered
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", line.pop("tijd"))
        line.pop("duur_ms", None)
    assert lines == [
        {"soort": "actiekaart", "actie_id": ids[0], "resultaten": None, "status": 200},
        {"soort": "feedback", "actie_id": ids[0], "antwoord": "ja", "opmerking": REMARK},
        {"soort": "feedback", "actie_id": ids[1], "antwoord": "nee", "opmerking": None},
        {"soort": "feedback", "actie_id": ids[1], "antwoord": "nee", "opmerking": None},
        {"soort": "feedback", "actie_id": ids[0], "antwoord": "ja", "opmerking": SCRIPT},
        {"soort": "feedback", "actie_id": ids[1], "antwoord": "ja", "opmerking": LONGEST},
    ]


def test_gebruik_counts_the_answers_and_never_shows_a_remark(answered, tmp_path):
    log, ids, _, _ = answered
    figures = gebruik("--log", str(log), "--out", str(tmp_path))
    assert figures["feedback"] == [
        {"actie_id": ids[0], "ja": 2, "nee": 0, "opmerkingen": 2},
        {"actie_id": ids[1], "ja": 1, "nee": 2, "opmerkingen": 1},
    ]
    assert (figures["verzoeken"], figures["per_soort"]) == (6, {"actiekaart": 1, "feedback": 5})
    html = (tmp_path / "gebruik.html").read_text(encoding="utf-8")
    for text in (REMARK, "alert", "<script", "onmouseover", "zwaargedrukt", LONGEST[:20]):
        assert text not in html


def test_the_card_asks_for_feedback_and_offers_a_mail_to_the_coordinators(answered):
    _, ids, card, _ = answered
    assert "<h2 id=\"kb-feedback-kop\">Had u hier iets aan?</h2>" in card
    assert '<form method="post" action="/-/feedback">' in card
    assert f'<input type="hidden" name="actie_id" value="{ids[0]}">' in card
    assert 'name="opmerking" maxlength="500"' in card
    assert '<button type="submit" name="antwoord" value="ja">Ja</button>' in card
    assert '<button type="submit" name="antwoord" value="nee">Nee</button>' in card
    subject = urllib.parse.quote(f"Vraag over actie {ids[0]}", safe="")
    assert (f'<a class="kb-vraag" href="mailto:kennisbank@voorbeeld.nl?subject={subject}">'
            "Vraag via de coördinatoren</a>") in card
    assert re.findall(r"mailto:[^\"?]+", card) == ["mailto:kennisbank@voorbeeld.nl"]


def test_a_long_remark_from_a_form_is_refused_not_cut():
    from pipeline.catalogue.plugins.feedback import MAX_REMARK, remark

    assert remark(" a\r\nb ") == "a\nb"
    assert remark(" \r\n ") is None
    assert MAX_REMARK == 500


def test_a_reader_answers_in_chromium(site_catalogue, tmp_path):
    require_chromium()
    log = tmp_path / "gebruik.jsonl"
    actie_id = sqlite3.connect(site_catalogue).execute(
        "select min(actie_id) from acties").fetchone()[0]
    proc, port = serve_with_log(site_catalogue, str(log))
    base = f"http://127.0.0.1:{port}"
    try:
        with chromium(tmp_path / "profiel", re.escape(base) + "/") as context:
            page = new_page(context)
            page.goto(base + card_url(actie_id))
            page.fill("#kb-opmerking", "x" * 600)
            assert len(page.input_value("#kb-opmerking")) == 500  # maxlength
            page.fill("#kb-opmerking", SCRIPT)
            page.click('button[value="nee"]')
            settle(page)
            assert page.text_content("h1") == "Bedankt voor uw antwoord"
            page.click("text=← Terug naar de actie")
            settle(page)
            assert page.url == base + card_url(actie_id)
            assert page.dialogs == []
    finally:
        helpers.stop(proc, group=True)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(r["soort"], r.get("antwoord"), r.get("opmerking")) for r in lines] == [
        ("actiekaart", None, None), ("feedback", "nee", SCRIPT), ("actiekaart", None, None)]
