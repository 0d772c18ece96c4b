"""The guides, the sheet's texts and the reports agree with the contract: one rule for several
values in a cell (schemas/fields.yml `algemeen.lijsten`), one form of address ("u"), no English
jargon where a librarian reads, no sentence twice in a generated line, distinct examples per
field and example addresses only on reserved domains."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import openpyxl
import pytest

from helpers import ROOT
from pipeline.contract import explain
from pipeline.contract import guide as docs
from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, load_fields, load_vocabularies
from pipeline.sources.sheet_init import header_note, toelichting_rows

DOCS = ROOT / "docs"
# Read by librarians and coordinators: no English jargon here.
FOR_LIBRARIANS = ["handleiding-bibliotheken.md", "handleiding-coordinatoren.md", "evaluatie.md",
                  "communicatieplan.md", "functionele-eisen.md"]
# English words a librarian meets in IT texts that have a plain Dutch word: run (controle,
# verwerking), image and deploy(ment) (versie, uitrollen), secret(s) and credentials
# (geheimen, inloggegevens), pipeline (de kennisbank), workflow, repository, commit, branch and
# merge (git), dashboard (overzicht; the plugin datasette-dashboards is named in code only).
# Not listed: words Dutch has taken over (e-mail, website, link, online, feedback, download,
# server, account), which the guides use on purpose.
ENGLISH = ["run", "runs", "image", "images", "secret", "secrets", "pipeline", "pipelines",
           "workflow", "dashboard", "dashboards", "deploy", "deployment", "credentials",
           "repository", "commit", "branch", "merge"]
INFORMAL = ["je", "jij", "jou", "jouw", "jullie"]
RESERVED = ("example.org", "example.com", "example.net", ".example", "voorbeeld.nl")
# Real services the texts refer to (not examples): allowed as they are.
REAL_SERVICES = ("docs.google.com", "creativecommons.org", "127.0.0.1", "github.com",
                 "www.openstreetmap.org", "iam.gserviceaccount.com")


def plain(text: str) -> str:
    """Text as read: no code blocks, code spans, comments, template tags, links or addresses."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"<!--.*?-->|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"https?://\S+|\S+@\S+", " ", text)


def words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*", plain(text).lower())


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def toelichting() -> str:
    rows = toelichting_rows(load_fields(), load_vocabularies())
    return "\n".join(" ".join(str(c) for c in row if c) for row in rows)


def header_notes() -> str:
    vocabularies = load_vocabularies()
    return "\n".join(header_note(f, vocabularies)
                     for tab in (ACTIES, BIBLIOTHEKEN) for f in load_fields()[tab])


def sample_toelichting() -> str:
    book = openpyxl.load_workbook(ROOT / "pipeline" / "data" / "voorbeeld-kennisbank.xlsx",
                                  read_only=True)
    try:
        return "\n".join(" ".join(str(c) for c in row if c is not None)
                         for row in book["Toelichting"].iter_rows(values_only=True))
    finally:
        book.close()


def templates() -> dict[str, str]:
    found = {}
    for folder in (ROOT / "templates" / "reports", ROOT / "templates" / "datasette",
                   ROOT / "deploy" / "netwerk" / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".txt"):
                found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return found


def texts_for_readers() -> dict[str, str]:
    """Everything in Dutch a librarian, coordinator or reader reads."""
    return {**{f"docs/{p.name}": p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))},
            "Toelichting": toelichting(), "opmerkingen bij de koppen": header_notes(),
            "Toelichting van de voorbeeldsheet": sample_toelichting(), **templates()}


# --------------------------------------------------------------------------- separator rule

SEPARATOR = re.compile(r"\b(scheid\w*|gescheiden)\b", re.I)
SEPARATOR_NAMES = re.compile(r"\b(komma|puntkomma|schuine streep|nieuwe regel|spatie)", re.I)
OTHER_SEPARATORS = ("scheidingsteken", "decima", "csv", "duizendtal")


def separator_sentences(text: str) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+|\n", plain(text))
    return [s.strip() for s in sentences if SEPARATOR.search(s) and SEPARATOR_NAMES.search(s)]


def test_the_list_rule_is_quoted_in_the_sheet_and_the_guide():
    rule = explain.list_rule()
    assert rule == ("Meerdere waarden in één cel scheidt u met een komma, een puntkomma, een "
                    "schuine streep tussen twee woorden of een nieuwe regel in de cel, "
                    "bijvoorbeeld: Facebook, Instagram.")
    for name, text in [("Toelichting", toelichting()), ("docs", doc("handleiding-bibliotheken.md")),
                       ("voorbeeldsheet", sample_toelichting())]:
        assert rule in text, name
    lists = [f for tab in (ACTIES, BIBLIOTHEKEN) for f in load_fields()[tab]
             if f.type in ("lijst", "keuzelijst")]
    notes = header_notes()
    assert notes.count(rule) == len(lists)


@pytest.mark.parametrize("name", sorted(texts_for_readers()))
def test_no_text_gives_another_separator_rule(name):
    text = texts_for_readers()[name]
    allowed = (explain.list_rule(), explain.link_rule())
    for sentence in separator_sentences(text):
        if any(rule.rstrip(".") in sentence for rule in allowed):
            continue
        if any(word in sentence.lower() for word in OTHER_SEPARATORS):
            continue  # decimals, CSV files: not the cells' list rule
        raise AssertionError(f"{name}: {sentence!r} wijkt af van: {explain.list_rule()}")


def test_a_one_separator_rule_is_noticed():
    assert separator_sentences("Zet twee kanalen in één cel, gescheiden door een komma.") == [
        "Zet twee kanalen in één cel, gescheiden door een komma."]
    assert separator_sentences(explain.list_rule()) == [explain.list_rule()]


# --------------------------------------------------------------------------- form of address

@pytest.mark.parametrize("name", sorted(texts_for_readers()))
def test_readers_are_addressed_with_u(name):
    found = [w for w in words(texts_for_readers()[name]) if w in INFORMAL]
    assert found == [], name


def test_informal_address_is_noticed():
    assert [w for w in words("Kies hierboven wat je wilt zien. Jouw actie.") if w in INFORMAL] \
        == ["je", "jouw"]


# --------------------------------------------------------------------------- English words

def english_in(text: str) -> list[str]:
    return [w for w in words(text) if w in ENGLISH]


@pytest.mark.parametrize("name", FOR_LIBRARIANS)
def test_no_english_jargon_in_the_guides_for_librarians(name):
    assert english_in(doc(name)) == [], name


def test_no_english_jargon_in_the_sheet_texts():
    assert english_in(toelichting()) == []
    assert english_in(header_notes()) == []
    assert english_in(sample_toelichting()) == []


def test_english_jargon_is_noticed_outside_code_only():
    assert english_in("Na elke run komt een nieuwe image. Zie `kennisbank run`.") == [
        "run", "image"]
    assert english_in("```sh\nkennisbank run\n```\nDe controle.") == []


# --------------------------------------------------------------------------- generated blocks

def generated_blocks() -> dict[str, str]:
    return {**docs.blocks(), **docs.evaluation_blocks(), **docs.requirement_blocks()}


def repeated_parts(line: str) -> list[str]:
    """Sentences or bracketed parts that occur twice in one line of a generated block."""
    parts = [p.strip(" .;:|*").lower() for p in re.split(r"(?<=[.!?])\s+|[()|]", line)]
    parts = [p for p in parts if len(p) > 8]
    return sorted({p for p in parts if parts.count(p) > 1})


@pytest.mark.parametrize("name", sorted(generated_blocks()))
def test_no_sentence_twice_in_a_generated_line(name):
    for line in generated_blocks()[name].splitlines():
        assert repeated_parts(line) == [], (name, line)


def test_no_sentence_twice_in_a_header_note_or_toelichting_line():
    vocabularies = load_vocabularies()
    for tab in (ACTIES, BIBLIOTHEKEN):
        for f in load_fields()[tab]:
            lines = [line for line in header_note(f, vocabularies).splitlines() if line]
            assert len(lines) == len(set(lines)), f.kop
            assert repeated_parts(" ".join(lines)) == [], f.kop
    for row in toelichting_rows(load_fields(), load_vocabularies()):
        assert repeated_parts(" | ".join(str(c) for c in row)) == [], row


def test_a_repeated_sentence_is_noticed():
    line = "| **Titel** | Korte naam (hoogstens 150 tekens). (hoogstens 150 tekens) |"
    assert repeated_parts(line) == ["hoogstens 150 tekens"]


# --------------------------------------------------------------------------- examples

def test_examples_differ_between_fields_of_the_same_type():
    for tab in (ACTIES, BIBLIOTHEKEN):
        fields = [f for f in load_fields()[tab] if explain.shown_example(f)]
        for a, b in combinations(fields, 2):
            if a.type == b.type and a.type not in ("keuze", "keuzelijst", "tekst", "lijst"):
                assert explain.shown_example(a) != explain.shown_example(b), (a.kop, b.kop)
    shown = {f.veld: explain.shown_example(f) for f in load_fields()[ACTIES]}
    assert shown["startdatum"] != shown["einddatum"]
    assert shown["streefwaarde"] != shown["resultaat"]
    assert len({shown["nieuwe_leden"], shown["deelnemers"], shown["bereik"]}) == 3


ADDRESS = re.compile(r"https?://([^/\s`'\")|<>]+)|[\w.+-]+@([\w.-]+\.[a-z]+)")


def domains(text: str) -> list[str]:
    found = [(m.group(1) or m.group(2)).rstrip(".,").split(":")[0] for m in ADDRESS.finditer(text)]
    return [d for d in found if d]


def reserved(domain: str) -> bool:
    return domain.endswith(RESERVED) or domain.startswith("…")


def test_example_addresses_are_on_reserved_domains():
    found: dict[str, list[str]] = {}
    for path in [*sorted(DOCS.glob("*.md")), *sorted((ROOT / "schemas").glob("*.yml"))]:
        found[str(path.relative_to(ROOT))] = domains(path.read_text(encoding="utf-8"))
    found["Toelichting"] = domains(toelichting())
    found["opmerkingen"] = domains(header_notes())
    wrong = {name: [d for d in found_here if not reserved(d) and not d.endswith(REAL_SERVICES)]
             for name, found_here in found.items()}
    assert {name: bad for name, bad in wrong.items() if bad} == {}
    # and every example in the field list is an example address, never a real service
    for name, text in docs.blocks().items():
        assert all(reserved(d) for d in domains(text)), name


def test_a_real_domain_is_noticed():
    assert domains("bijvoorbeeld marketing@bibliotheek.nl of https://www.bibliotheek.nl/a") == [
        "bibliotheek.nl", "www.bibliotheek.nl"]
    assert not reserved("bibliotheek.nl") and reserved("duinstreek.voorbeeld.nl")


def test_the_checked_files_exist():
    for name in FOR_LIBRARIANS:
        assert Path(DOCS / name).is_file(), name
    assert "templates/reports/bibliotheek.html" in templates()
