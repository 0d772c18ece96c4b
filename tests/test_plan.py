"""The pilot's own plan (issue 17): docs/uitrolplan.md follows the phases of the commissioning
document with the 16 pilot libraries (werkgroep 5, klankbordgroep 11) and the 8 that remain,
with a week and an owner for every task, the hosting decision and decision rules taken from the
evaluation targets; docs/communicatieplan.md has one full line per communication moment for
every audience, an FAQ that agrees with the terms of use, and the launch announcement on an
example domain. Both documents link where they should."""

from __future__ import annotations

import math
import re
from urllib.parse import urlparse

import pytest
import yaml

from helpers import ROOT

DOCS = ROOT / "docs"
ROLES = ["coördinator", "werkgroep", "klankbordgroep", "beheerder", "stuurgroep/directeuren"]
COLUMNS = ["doelgroep", "boodschap", "kanaal", "moment", "eigenaar", "succescriterium"]


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


PLAN = read("uitrolplan.md")
COMMS = read("communicatieplan.md")


def section(text: str, heading: str) -> str:
    """The text under `heading` (a whole line, e.g. '## Fasen') up to the next heading of the
    same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    ends = [m.start() for m in re.finditer(r"^#{1,%d} " % len(level), text[start:], re.M)]
    return text[start:start + ends[0]] if ends else text[start:]


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every Markdown table in `text` as (header, rows), each cell stripped."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|(-+\|)+$",
                                                                         lines[i + 1]):
            header = cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(cells(lines[i]))
                i += 1
            found.append((header, rows))
        else:
            i += 1
    return found


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table(text: str, first_column: str) -> list[dict[str, str]]:
    """The one table in `text` whose header starts with `first_column`, as dicts."""
    matches = [(h, rows) for h, rows in tables(text) if h[0] == first_column]
    assert len(matches) == 1, (first_column, len(matches))
    header, rows = matches[0]
    for row in rows:
        assert len(row) == len(header), row
    return [dict(zip(header, row)) for row in rows]


def weeks(text: str) -> tuple[int, int]:
    """'week 3–8' or '5–8' or 'week 10' -> (first, last)."""
    found = [int(n) for n in re.findall(r"\d+", text)]
    assert 1 <= len(found) <= 2, text
    return found[0], found[-1]


def flat(text: str) -> str:
    """`text` with every run of white space (line breaks, indents) as one space."""
    return re.sub(r"\s+", " ", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces become hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


# --- the rollout plan -------------------------------------------------------------------------

def test_the_plan_names_the_pilot_groups_and_the_libraries_that_remain():
    groups = table(section(PLAN, "## De bibliotheken in de pilot"), "groep")
    sizes = {g["groep"].strip("*"): int(g["aantal"].split()[0]) for g in groups}
    assert sizes == {"Werkgroep": 5, "Klankbordgroep": 11, "Pilotbibliotheken samen": 16,
                     "Overige bibliotheken": 8}
    assert sizes["Werkgroep"] + sizes["Klankbordgroep"] == sizes["Pilotbibliotheken samen"]
    assert "Alle **24 bibliotheken** in het werkgebied" in PLAN
    assert 24 - sizes["Pilotbibliotheken samen"] == sizes["Overige bibliotheken"]
    # the figures of the old plan that did not fit this pilot
    assert "6–10 bibliotheken" not in PLAN
    assert "10–15" not in PLAN


def test_the_plan_has_the_phases_of_the_commissioning_document():
    phases = table(section(PLAN, "## Fasen"), "fase")
    assert [p["fase"] for p in phases] == [
        "1. Oriëntatie", "2. Ontwikkeling", "3. Implementatie en testen",
        "4. Uitrol naar de overige 8", "Communicatie"]
    assert [p["wanneer"] for p in phases] == [
        "week 0–2", "week 3–8", "week 9–14", "week 15–22", "week 0–22"]
    for number, name in enumerate(["Oriëntatie", "Ontwikkeling", "Implementatie en testen",
                                   "Uitrol naar de overige 8 bibliotheken"], start=1):
        assert f"\n### Fase {number}. {name} (week " in PLAN, name


def owner_of(heading: str, task: str) -> str:
    rows = [r for r in table(section(PLAN, heading), "week") if f"**{task}**" in r["taak"]]
    assert len(rows) == 1, task
    return rows[0]["eigenaar"]


@pytest.mark.parametrize("heading, task, owner", [
    ("### Fase 1. Oriëntatie (week 0–2)", "Behoeften inventariseren", "coördinator"),
    ("### Fase 1. Oriëntatie (week 0–2)", "Pilotgroep vormen", "coördinator"),
    ("### Fase 1. Oriëntatie (week 0–2)", "Functionele eisen beschrijven",
     "werkgroep met de coördinator"),
    ("### Fase 2. Ontwikkeling (week 3–8)", "De functionele eisen testen", "werkgroep"),
    ("### Fase 2. Ontwikkeling (week 3–8)", "Verzamelen en bijhouden van acties testen",
     "werkgroep"),
    ("### Fase 2. Ontwikkeling (week 3–8)", "De website en het vullen testen", "klankbordgroep"),
    ("### Fase 3. Implementatie en testen (week 9–14)", "Besluit over de uitrol",
     "stuurgroep/directeuren"),
])
def test_each_test_and_decision_of_the_commissioning_document_has_its_owner(heading, task, owner):
    assert owner_of(heading, task) == owner


def test_the_hosting_decision_is_prepared_and_taken_in_the_development_phase():
    rows = [r for r in table(section(PLAN, "### Fase 2. Ontwikkeling (week 3–8)"), "week")
            if "**Besluit over de plek van de kennisbank**" in r["taak"]]
    assert [(r["week"], r["eigenaar"]) for r in rows] == [
        ("4–6", "beheerder met de coördinator"), ("6", "stuurgroep/directeuren")]


PHASE_HEADINGS = re.findall(r"^### Fase \d\. .+$", PLAN, re.M)


@pytest.mark.parametrize("heading", PHASE_HEADINGS)
def test_every_task_has_a_week_inside_its_phase_and_an_owner_with_a_known_role(heading):
    first, last = weeks(heading.rsplit("(", 1)[1])
    tasks = table(section(PLAN, heading), "week")
    assert len(tasks) >= 5, heading
    for task in tasks:
        assert re.fullmatch(r"\d+(–\d+)?", task["week"]), task
        start, end = weeks(task["week"])
        assert first <= start <= end <= last, (heading, task)
        assert any(role in task["eigenaar"] for role in ROLES), task
        assert task["taak"] and task["resultaat"], task


def test_the_plan_has_four_phase_sections_whose_weeks_match_the_phase_table():
    phases = table(section(PLAN, "## Fasen"), "fase")
    assert [weeks(h.rsplit("(", 1)[1]) for h in PHASE_HEADINGS] == [
        weeks(p["wanneer"]) for p in phases[:4]]


def test_the_roles_table_says_what_each_group_does_and_decides():
    roles = {r["rol"]: r for r in table(section(PLAN, "## Wie doet wat"), "rol")}
    assert set(roles) == {"Coördinator", "Werkgroep", "Klankbordgroep", "Beheerder",
                          "Stuurgroep/directeuren", "Contactpersoon per bibliotheek"}
    assert "5 pilotbibliotheken" in roles["Werkgroep"]["wie"]
    assert "11 pilotbibliotheken" in roles["Klankbordgroep"]["wie"]
    assert "streefwaarden" in roles["Werkgroep"]["besluit over"]
    assert "de plek van de kennisbank" in roles["Stuurgroep/directeuren"]["besluit over"]
    for role in roles.values():
        assert all(role.values()), role


def test_the_hosting_decision_has_its_criteria_and_the_options_that_exist_in_deploy():
    text = section(PLAN, "## Besluit over de plek van de kennisbank")
    criteria = [r["criterium"] for r in table(text, "criterium")]
    assert criteria[:4] == ["Europa", "Verwerkersovereenkomst", "Kosten", "Beheer"]
    options = [r["optie"] for r in table(text, "optie")]
    assert options == ["**Google Cloud Run in `europe-west4`** (Nederland)",
                       "**Fly.io in `ams`** (Amsterdam)",
                       "**Een server van de ondersteuningsinstelling**"]
    deploy = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    for needle in ["--region europe-west4", "--region ams", "### systemd"]:
        assert needle in deploy, needle
    assert "[deploy/README.md](../deploy/README.md)" in text


def evaluation_targets() -> list[dict]:
    spec = yaml.safe_load((ROOT / "schemas" / "evaluatie.yml").read_text(encoding="utf-8"))
    return spec["streefwaarden"]


def test_the_rollout_decision_uses_the_evaluation_targets():
    text = section(PLAN, "## Besluit over de uitrol")
    targets = evaluation_targets()
    participation = next(t for t in targets if t["cijfer"] == "deelname_pct")["minstens"]
    needed = math.ceil(participation * 16 / 100)
    assert f"minstens {participation} % van de aangemelde bibliotheken doet mee: " \
           f"**{needed} van de 16**" in text
    assert f"minstens **8 van de {len(targets)}** streefwaarden" in text
    assert "`kennisbank evaluatie`" in text
    assert "[evaluatie.md](evaluatie.md#streefwaarden-voorstel)" in text
    # the questionnaire question the plan quotes is question 7 of the evaluation guide
    quoted = re.search(r'vraag 7 van de vragenlijst \("(.+?)"\)', flat(text))
    assert quoted, "vraag 7 niet geciteerd"
    assert f"\n7. {quoted.group(1)}. (1–5)" in read("evaluatie.md")
    for outcome in ["**Doorgaan**", "**Doorgaan met voorwaarden**", "**Niet doorgaan**"]:
        assert outcome in text, outcome
    # the three outcomes leave no gap: 12 or more, 8 or more, 7 or fewer of the 16
    assert "minstens de helft van de pilotbibliotheken meedoet (8 van de 16)" in flat(text)
    assert "minder dan de helft van de pilotbibliotheken meedoet (7 of minder van de 16)" \
        in flat(text)


def test_the_pilot_finds_out_whether_rather_than_proving_that():
    assert "bewijzen dat" not in PLAN.lower()
    assert "**Doel van de pilot**: uitzoeken of" in PLAN
    assert "De pilot zoekt uit **of**" in PLAN


def test_the_participation_section_keeps_its_anchor_and_says_where_the_figure_comes_from():
    assert "uitrolplan.md#deelname-meten" in read("evaluatie.md")
    assert "deelname-meten" in anchors(PLAN)
    text = section(PLAN, "## Deelname meten")
    assert "minstens één gedeelde actie" in text
    assert "**aangemeld**" in text
    for needle in ["`kennisbank evaluatie --out output`", "`beheer.db`", "tabel `runs`",
                   "`bibliotheken_met_acties` (doen mee)", "`bibliotheken` (aangemeld)",
                   "coordinatoren.html"]:
        assert needle in text, needle


# --- the communication plan -------------------------------------------------------------------

MOMENTS = table(section(COMMS, "## Communicatiemomenten"), "doelgroep")


def test_the_communication_table_has_all_six_columns_filled_on_every_line():
    header = next(h for h, _ in tables(COMMS) if h[0] == "doelgroep" and len(h) > 3)
    assert header == COLUMNS
    assert len(MOMENTS) >= 20
    for line in MOMENTS:
        assert [column for column in COLUMNS if not line[column]] == [], line
        assert re.search(r"\bweek \d+", line["moment"]), line
        for first, last in re.findall(r"\bweek (\d+)(?:–(\d+))?", line["moment"]):
            assert 0 <= int(first) <= int(last or first) <= 22, line
        assert line["eigenaar"] in ROLES, line
        assert re.search(r"\d", line["succescriterium"]), line


AUDIENCES = ["directeuren", "marketingmedewerkers", "werkgroep", "klankbordgroep",
             "coördinatoren", "lezers en collega's van andere bibliotheken",
             "overige 8 bibliotheken"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_audience_has_its_own_lines(audience):
    lines = [m for m in MOMENTS if audience in m["doelgroep"].lower()]
    assert len(lines) >= 2, audience
    assert len({m["boodschap"] for m in lines}) == len(lines), audience
    described = table(section(COMMS, "## Wie we bereiken"), "doelgroep")
    assert audience in [d["doelgroep"].lower() for d in described], audience


def test_the_site_launch_is_a_moment_in_the_same_week_as_in_the_plan():
    launch = [m for m in MOMENTS if "**Lancering**" in m["boodschap"]]
    assert len(launch) == 1
    assert launch[0]["doelgroep"] == "Lezers en collega's van andere bibliotheken"
    planned = [r for r in table(section(PLAN, "### Fase 3. Implementatie en testen (week 9–14)"),
                                "week") if "**Lancering van de openbare website**" in r["taak"]]
    assert len(planned) == 1
    assert launch[0]["moment"] == f"week {planned[0]['week']}"
    assert "Klaar om te versturen bij de lancering van de website (week " \
           f"{planned[0]['week']})" in COMMS


def test_the_faq_asks_what_a_librarian_asks():
    text = section(COMMS, "## Veelgestelde vragen")
    questions = re.findall(r"^\*\*(.+\?)\*\*$", text, re.M)
    assert 8 <= len(questions) <= 12, questions
    for question in ["Wat wordt er openbaar?", "Wie ziet de acties die ik op `netwerk` zet?",
                     "Kan ik een actie terugtrekken?", "Heb ik een Google-account nodig?",
                     "Hoeveel tijd kost het?", "Hoe zit het met persoonsgegevens?"]:
        assert question in questions, question
    answers = dict(re.findall(r"^\*\*(.+\?)\*\*\n(.+)$", text, re.M))
    assert answers["Heb ik een Google-account nodig?"].startswith("Nee. ")
    assert "Excel-sjabloon" in text.split("**Heb ik een Google-account nodig?**")[1] \
        .split("\n\n")[0]
    assert answers["Kan ik een actie terugtrekken?"].startswith("Ja, altijd.")


def test_the_faq_and_the_announcement_agree_with_the_terms_of_use():
    terms = yaml.safe_load((ROOT / "schemas" / "voorwaarden.yml").read_text(encoding="utf-8"))
    conditions = read("gebruiksvoorwaarden.md")
    faq = section(COMMS, "## Veelgestelde vragen")
    announcement = section(COMMS, "## Aankondiging")
    licence = terms["licentie"]["naam"]
    assert f"[{licence}]" in conditions
    assert f"onder de licentie {licence}" in faq
    assert f"onder de\n>   licentie {licence}" in announcement
    assert f"Laat u **Delen** leeg, dan geldt `{terms['leeg']}`" in faq
    assert f"Laat u **Delen** leeg, dan geldt **{terms['leeg']}**" in conditions
    for level in terms["niveaus"]:
        assert f"`{level}`" in faq, level
    # the same way to withdraw and the same example credit line as the terms of use
    assert "zet **Delen** op `nee`, of verwijder de rij" in conditions
    assert "Zet **Delen** op `nee` of verwijder de rij." in faq
    credit = '"Bron: Bibliotheek Duinstreek, via de Kennisbank Marketing"'
    assert credit in flat(conditions)
    assert credit in flat(faq)
    assert credit in flat(announcement.replace("\n>", "\n"))


def test_the_announcement_has_the_site_address_and_what_is_public():
    text = section(COMMS, "## Aankondiging")
    for needle in ["<https://kennisbank.voorbeeld.nl>",
                   "<https://kennisbank.voorbeeld.nl/voorwaarden>",
                   "<https://kennisbank.voorbeeld.nl/privacy>",
                   "**Wat is openbaar, en onder welke voorwaarden?**",
                   "alleen de acties die een bibliotheek zelf als *openbaar* deelde",
                   "geen namen of e-mailadressen van personen"]:
        assert needle in text, needle
    assert text.count("\n> ") > 20, "de aankondiging staat niet als citaat"


def test_every_address_in_the_plans_is_on_an_example_domain():
    site = yaml.safe_load((ROOT / "schemas" / "site.yml").read_text(encoding="utf-8"))
    for name, text in [("communicatieplan.md", COMMS), ("uitrolplan.md", PLAN)]:
        hosts = {urlparse(url).hostname for url in re.findall(r"https?://[^\s)>]+", text)}
        assert all(h == "voorbeeld.nl" or h.endswith(".voorbeeld.nl") for h in hosts), (name, hosts)
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert address == site["plugins"]["kennisbank"]["contact"], (name, address)


# --- links ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, needles", [
    ("uitrolplan.md", ["[communicatieplan](communicatieplan.md)", "[evaluatie.md](evaluatie.md)",
                       "(communicatieplan.md#aankondiging)"]),
    ("communicatieplan.md", ["[uitrolplan](uitrolplan.md)", "[evaluatie.md](evaluatie.md)",
                             "(uitrolplan.md#deelname-meten)",
                             "[gebruiksvoorwaarden](gebruiksvoorwaarden.md)",
                             "[privacyverklaring](privacy.md)"]),
])
def test_the_plans_link_to_each_other_and_to_the_evaluation(name, needles):
    text = read(name)
    for needle in needles:
        assert needle in text, needle


@pytest.mark.parametrize("name", ["uitrolplan.md", "communicatieplan.md"])
def test_every_relative_link_in_the_plans_leads_somewhere(name):
    links = re.findall(r"\]\(([^)\s]+)\)", read(name))
    relative = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert relative, name
    for link in relative:
        path, _, anchor = link.partition("#")
        target = (DOCS / path).resolve() if path else DOCS / name
        assert target.is_file(), link
        if anchor:
            assert anchor in anchors(target.read_text(encoding="utf-8")), link


def test_the_readme_lists_the_communication_plan_with_the_other_guides():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guides = readme.split("## In productie", 1)[1].split("\n## ", 1)[0]
    assert "[uitrolplan](docs/uitrolplan.md)" in guides
    assert "[communicatieplan](docs/communicatieplan.md)" in guides


def test_the_communication_plan_is_in_dutch():
    assert COMMS.startswith("# Communicatieplan Kennisbank Marketing\n")
    words = re.findall(r"[a-zà-ü]+", COMMS.lower())
    dutch = sum(words.count(w) for w in ["de", "het", "een", "en", "van", "wordt", "niet"])
    english = sum(words.count(w) for w in ["the", "and", "which", "with", "this", "that"])
    assert dutch > 10 * max(english, 1)


def test_the_evaluation_guide_places_itself_in_a_phase_of_the_plan():
    """docs/evaluatie.md names the phase and the weeks of the evaluation; they exist in the plan
    (halfway in week 8, the report in weeks 12–13, the decision in week 14)."""
    evaluation = read("evaluatie.md")
    assert "deze pagina hoort bij de tussenstand (week 8) en de evaluatie in fase 3\n" \
           "(Implementatie en testen, week 12–14)." in evaluation
    phases = {p["fase"]: weeks(p["wanneer"]) for p in table(section(PLAN, "## Fasen"), "fase")}
    first, last = phases["3. Implementatie en testen"]
    assert first <= 12 and 14 <= last
    development = table(section(PLAN, "### Fase 2. Ontwikkeling (week 3–8)"), "week")
    assert any(r["week"] == "8" and r["taak"].startswith("Tussenstand tegen de streefwaarden")
               for r in development)
    implementation = table(section(PLAN, "### Fase 3. Implementatie en testen (week 9–14)"),
                           "week")
    assert [r["week"] for r in implementation if "evaluatie" in r["taak"].lower()] == [
        "12–13", "14"]
