"""The generated sections of docs/functionele-eisen.md: every selection option of the readers'
site (facets, search and orderings, canned questions, pages), made from schemas/ (metadata.yml,
queries.yml, site.yml, the headers of fields.yml) so the requirements the werkgroep tests never
drift from the site. Each line is a requirement with an id and an empty result column.
pipeline/contract/guide.py writes the blocks (`make docs`)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from pipeline.catalogue.site import DATABASE, TABLE, labels, site_config
from pipeline.contract.config import ACTIES, SCHEMAS_DIR, load_fields

HEADER = ["| Id | Voor wie | Eis | Zo probeert u het | Resultaat |", "|---|---|---|---|---|"]
KINDS = {"": "waarde", "array": "lijst (meer waarden per actie)", "date": "datum"}


@cache
def _yaml(name: str) -> Any:
    with open(SCHEMAS_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def table_metadata() -> dict[str, Any]:
    return _yaml("metadata.yml")["databases"][DATABASE]["tables"][TABLE]


def queries() -> dict[str, dict[str, Any]]:
    return _yaml("queries.yml")


def facets() -> list[tuple[str, str]]:
    """(kind, column) of each facet of the actions table, in the order the site shows them."""
    found = []
    for facet in table_metadata()["facets"]:
        kind, column = next(iter(facet.items())) if isinstance(facet, dict) else ("", facet)
        found.append((kind, column))
    order = site_config()["facetvolgorde"]
    return sorted(found, key=lambda f: order.index(f[1]) if f[1] in order else len(order))


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).replace("|", "\\|").strip()


def _row(ident: str, user: str, eis: str, probeer: str) -> str:
    return f"| {ident} | {user} | {_cell(eis)} | {_cell(probeer)} |  |"


def _described(column: str) -> str:
    """What a column holds: its description in fields.yml, else in metadata.yml."""
    for f in load_fields()[ACTIES]:
        if f.veld == column:
            return f.beschrijving
    return table_metadata().get("columns", {}).get(column, "")


def facets_block() -> str:
    names = labels()
    lines = list(HEADER)
    for i, (kind, column) in enumerate(facets(), 1):
        label = names.get(column, column)
        question = ("Welke acties hebben de gekozen waarde, en hoeveel acties hebben elke "
                    "waarde?")
        if kind == "array":
            question += (" Kiest u er meer, dan ziet u de acties met minstens één daarvan "
                         "(of-zoeken binnen het filter).")
        elif kind == "date":
            question = "Welke acties begonnen op de gekozen datum, en hoeveel per datum?"
        try_it = (f"Open Marketingacties, kies in het filter **{label}** ({KINDS[kind]}) een "
                  f"waarde en controleer aantal en acties. Inhoud: {_described(column)}")
        lines.append(_row(f"FE-F{i:02d}", "lezer", f"Filter **{label}** (`{column}`): {question}",
                          try_it))
    return "\n".join(lines)


def search_sort_block() -> str:
    meta, config = table_metadata(), site_config()
    names = labels()
    lines = list(HEADER)
    rows = []
    if meta.get("fts_table"):
        rows.append(("lezer", "Zoeken op trefwoord in de acties, ook met andere woordvormen "
                     "(bijvoorbeeld *voorlezen* vindt *voorleesfeest*); de beste treffer eerst.",
                     "Typ een woord in het zoekvak boven Marketingacties en controleer de "
                     "volgorde van de treffers."))
    for sort in config["sorteringen"]:
        richting = "hoog naar laag" if sort.get("aflopend") else "laag naar hoog"
        rows.append(("lezer", f"Sorteren: **{sort['label']}** "
                     f"({names.get(sort['kolom'], sort['kolom'])}, van {richting}).",
                     f"Kies boven Marketingacties de volgorde **{sort['label']}**."))
    listed = ", ".join(f"**{names.get(c, c)}**" for c in config["filterlijsten"])
    rows.append(("lezer", f"Doorklikken: een waarde in {listed} op een actiekaart opent de "
                 "acties met die waarde.", "Open een actiekaart en klik op een doel of kanaal."))
    rows.append(("lezer", f"Per pagina {meta['size']} acties; alle rijen ook als CSV te "
                 "downloaden.", "Blader naar de volgende pagina en download de CSV."))
    for i, (user, eis, probeer) in enumerate(rows, 1):
        lines.append(_row(f"FE-Z{i:02d}", user, eis, probeer))
    return "\n".join(lines)


def _uurtarief(text: str) -> str:
    rate = _yaml("vergelijken.yml")["uurtarief"]
    return text.replace("{uurtarief}", f"€ {rate}")


def questions_block() -> str:
    found = queries()
    offered = site_config()["wat_werkte"]
    order = offered + [name for name in found if name not in offered]
    lines = list(HEADER)
    for i, name in enumerate(order, 1):
        spec = found[name]
        params = spec.get("params") or []
        where = ("op de pagina **Wat werkte?**" if name in offered
                 else f"via `/{DATABASE}/{name}`")
        try_it = f"Open **{spec['title']}** {where}"
        if params:
            try_it += f", vul **{', '.join(labels().get(p, p) for p in params)}** in"
        try_it += " en controleer de rijen."
        lines.append(_row(f"FE-V{i:02d}", "lezer",
                          f"Vaste vraag **{spec['title']}** (`{name}`): "
                          f"{_uurtarief(spec['description'])}", try_it))
    return "\n".join(lines)


def pages() -> list[tuple[str, str, str]]:
    """(address, name, question) of each page a reader meets."""
    config = _yaml("site.yml")["plugins"]
    found = [("/", "Startpagina", "Wat is er nieuw, en waar begin ik: ingangen per doel, "
              "doelgroep en kanaal, de nieuwste acties en het netwerk in cijfers."),
             (f"/{DATABASE}/{TABLE}", "Marketingacties",
              "Welke acties passen bij mijn vraag? Alle acties met filters, zoeken en volgorde."),
             (f"/{DATABASE}/{TABLE}/<id>", "Actiekaart",
              "Wat deed deze bibliotheek precies, wat kostte het en werkte het? "
              + ", ".join(s["titel"] for s in config["kennisbank"]["actiekaart"]) + "."),
             ("/bibliotheek/<naam>", "Bibliotheekpagina",
              "Wat deed één bibliotheek, met haar kerncijfers en acties?"),
             ("/wat-werkte", "Wat werkte?", "Welke vaste vragen kan ik stellen? "
              + ", ".join(queries()[q]["title"] for q in config["kennisbank"]["wat_werkte"])
              + ".")]
    for name in ("kaart", "nieuw"):
        found.append((f"/{DATABASE}/{name}", queries()[name]["title"],
                      _uurtarief(queries()[name]["description"])))
    for name, board in config["datasette-dashboards"].items():
        found.append((f"/-/dashboards/{name}", board["title"], board["description"]))
    found += [("/voorwaarden", "Voorwaarden", "Onder welke voorwaarden en licentie mag ik "
               "de acties hergebruiken?"),
              ("/privacy", "Privacy", "Welke gegevens bewaart de kennisbank, en hoe trekt een "
               "bibliotheek een actie terug?")]
    return found


def pages_block() -> str:
    lines = list(HEADER)
    for i, (address, name, question) in enumerate(pages(), 1):
        lines.append(_row(f"FE-P{i:02d}", "lezer", f"Pagina **{name}** (`{address}`): {question}",
                          f"Open `{address}` op de website, ook op een telefoon."))
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {"filters": facets_block(), "zoeken-sorteren": search_sort_block(),
            "vaste-vragen": questions_block(), "paginas": pages_block()}
