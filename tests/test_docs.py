"""The Dutch guides in docs/: they exist and are linked from the README, and the field list of
the contributors' guide is generated from schemas/ and up to date (run `make docs` after
changing the contract)."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from pipeline.catalogue import selection, site
from pipeline.contract import guide as docs
from pipeline.contract.config import load_fields, load_messages, load_vocabularies

GUIDES = ["handleiding-bibliotheken.md", "handleiding-coordinatoren.md", "handleiding-beheer.md",
          "functionele-eisen.md", "uitrolplan.md"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def guide(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def test_generated_blocks_are_up_to_date():
    current = docs.GUIDE.read_text(encoding="utf-8")
    assert docs.render(current) == current, "docs/handleiding-bibliotheken.md is verouderd: make docs"


def test_every_field_of_the_contract_is_in_the_contributors_guide():
    text = guide("handleiding-bibliotheken.md")
    for tab, fields in load_fields().items():
        for f in fields:
            assert f"| **{f.kop}** |" in text, (tab, f.kop)


def test_every_vocabulary_value_and_finding_is_in_the_contributors_guide():
    text = guide("handleiding-bibliotheken.md")
    for vocab in load_vocabularies().values():
        for label in vocab.labels:
            assert label in text, label
    for spec in load_messages().values():
        assert docs.cell(docs.readable(spec["hint"])) in text, spec["hint"]


def test_a_missing_field_is_noticed(tmp_path):
    current = docs.GUIDE.read_text(encoding="utf-8")
    stale = tmp_path / "handleiding.md"
    stale.write_text(current.replace("| **Kanalen** |", "| **Kanaal** |"), encoding="utf-8")
    assert docs.main(["--check"], stale) == 1
    assert docs.main([], stale) == 0
    assert stale.read_text(encoding="utf-8") == current
    assert docs.main(["--check"], stale) == 0


def test_render_refuses_a_guide_without_its_blocks():
    with pytest.raises(ValueError, match="schrijfwijzen"):
        docs.render("# Handleiding\n")


@pytest.mark.parametrize("name", GUIDES)
def test_guides_exist_in_dutch_and_are_linked_from_the_readme(name):
    text = guide(name)
    assert text.startswith("# ")
    words = re.findall(r"[a-zà-ü]+", text.lower())
    dutch = sum(words.count(w) for w in ["de", "het", "een", "en", "van", "wordt", "niet"])
    # "is" is Dutch too, so it does not count as English
    english = sum(words.count(w) for w in ["the", "and", "which", "with", "this", "that"])
    assert dutch > 10 * max(english, 1), name
    assert f"(docs/{name})" in README, name


def test_readme_points_to_deploy_in_its_production_section():
    section = README.split("## In productie", 1)[1].split("\n## ", 1)[0]
    for needle in ["deploy/README.md", "kennisbank run", "kennisbank deploy prepare",
                   "deploy/systemd/", "deploy/github/"]:
        assert needle in section, needle


def test_coordinators_guide_covers_its_topics():
    text = guide("handleiding-coordinatoren.md")
    for needle in ["coordinatoren.html", "Keuzelijsten", "vocabularies.yml", "Delen",
                   "terugtrekken", "beheer.db", "(handleiding-beheer.md)", "`openbaar`",
                   "`netwerk`", "(gebruiksvoorwaarden.md)", "kennisbank sheet template",
                   "kennisbank gebruik", "kennisbank evaluatie", "(evaluatie.md)"]:
        assert needle in text, needle
    for server_work in ["chmod", "systemctl", "sqlite3", "journalctl", "crontab", "export "]:
        assert server_work not in text, server_work


def test_administrators_guide_covers_the_server_work():
    text = guide("handleiding-beheer.md")
    assert text.startswith("# Handleiding voor beheerders\n")
    for needle in ["kennisbank sheet init", "GOOGLE_APPLICATION_CREDENTIALS", "kennisbank run",
                   "systemd", "--write-back", "kennisbank-serve.service", "sqlite3", "chmod",
                   "kennisbank deploy prepare", "kennisbank gebruik", "kennisbank evaluatie",
                   "kennisbank sheet template", "datasette hash-password",
                   "(handleiding-coordinatoren.md)"]:
        assert needle in text, needle


def test_rollout_plan_has_phases_roles_measures_and_an_announcement():
    text = guide("uitrolplan.md")
    for needle in ["## Fasen", "## Wie doet wat", "## Deelname meten", "## Communicatie",
                   "## Aankondiging", "coordinatoren.html"]:
        assert needle in text, needle


def test_evaluation_guide_is_dutch_and_linked_from_the_rollout_plan():
    text = guide("evaluatie.md")
    assert text.startswith("# Evaluatie van de pilot\n")
    words = re.findall(r"[a-zà-ü]+", text.lower())
    dutch = sum(words.count(w) for w in ["de", "het", "een", "en", "van", "wordt", "niet"])
    english = sum(words.count(w) for w in ["the", "and", "which", "with", "this", "that"])
    assert dutch > 10 * max(english, 1)
    assert "[evaluatie.md](evaluatie.md)" in guide("uitrolplan.md")
    for needle in ["bibliotheken_met_acties", "kennisbank gebruik", "zonder_resultaat",
                   "Had u hier iets aan?", "gebruiksvoorwaarden.md", "(voorstel)"]:
        assert needle in text, needle
    questions = re.findall(r"^\d+\. ", text.split("## Vragenlijst", 1)[1], re.M)
    assert len(questions) == 11


def test_the_targets_in_the_evaluation_guide_are_up_to_date():
    current = docs.EVALUATION.read_text(encoding="utf-8")
    assert docs.render(current, docs.evaluation_blocks) == current, (
        "docs/evaluatie.md is verouderd: make docs")
    assert "| 2. Willen de bibliotheken de kennisbank samen vullen? | Aangemelde bibliotheken " \
           "die meedoen | minstens 75% |" in current


def test_the_selection_options_in_the_requirements_are_up_to_date():
    current = docs.REQUIREMENTS.read_text(encoding="utf-8")
    assert docs.render(current, docs.requirement_blocks) == current, (
        "docs/functionele-eisen.md is verouderd: make docs")
    assert "[functionele-eisen.md](functionele-eisen.md)" in guide("uitrolplan.md")


def test_every_facet_canned_question_and_sort_of_the_site_is_a_requirement():
    text = guide("functionele-eisen.md")
    names = site.labels()
    for _kind, column in selection.facets():
        assert f"| Filter **{names[column]}** (`{column}`): " in text, column
    assert [c for _k, c in selection.facets()] == [
        "doelen", "doelgroepen", "kanalen", "kanaalgroepen", "doel_behaald", "budget_klasse",
        "jaar", "provincie", "bibliotheek", "startdatum"]
    for name, spec in selection.queries().items():
        assert f"Vaste vraag **{spec['title']}** (`{name}`): " in text, name
    for sort in site.site_config()["sorteringen"]:
        assert f"Sorteren: **{sort['label']}** " in text, sort["label"]
    for address in ["/", "/kennisbank/acties", "/wat-werkte", "/voorwaarden", "/privacy",
                    "/-/dashboards/cijfers", "/bibliotheek/<naam>", "/kennisbank/kaart"]:
        assert f"(`{address}`): " in text, address
    ids = re.findall(r"^\| (FE-[A-Z]?\d\d) \| (bijdrager|lezer|coördinator|beheerder) \|.*\|  \|$",
                     text, re.M)
    assert len(ids) == len({i for i, _ in ids}) == 16 + 10 + 7 + 8 + 10
    assert {user for _, user in ids} == {"bijdrager", "lezer", "coördinator", "beheerder"}
