"""A small Google-sourced sheet for the report and mail tests, in two versions (before and after
some fixes), built for real into a history of two runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import ACTION_HEADERS, LIBRARY_HEADERS, good_action

from pipeline.app import build
from pipeline.sources.snapshot import Snapshot, Tab, write_snapshot

KEY = "1TestSleutelVanDeKennisbankSheet"
ACTIES_GID, BIBLIOTHEKEN_GID = 1234, 5678
FIRST_DAY, SECOND_DAY = date(2026, 11, 28), date(2026, 12, 5)
XSS = "<img src=x onerror=alert(1)>"
FORMULA = "=HYPERLINK(\"https://kwaad.example\")"

DUINSTREEK = "Bibliotheek Duinstreek"
VEENWEIDE = "Bibliotheek Veenweide"
KUSTLICHT = "Bibliotheek Kustlicht"
POLDERHOF = "Bibliotheek Polderhof"
MAIL = {DUINSTREEK: "marketing@duinstreek.bieb-voorbeeld.nl",
        VEENWEIDE: "communicatie@veenweide.bieb-voorbeeld.nl",
        KUSTLICHT: "info@kustlicht.bieb-voorbeeld.nl"}


def libraries() -> list[list]:
    return [
        LIBRARY_HEADERS,
        [DUINSTREEK, "Noord-Holland", "Castricum", "https://www.duinstreek.bieb-voorbeeld.nl",
         52.5486, 4.6694, MAIL[DUINSTREEK], 60000],
        [VEENWEIDE, "Zuid-Holland", "Alphen aan den Rijn",
         "https://www.veenweide.bieb-voorbeeld.nl", 52.1284, 4.6569, MAIL[VEENWEIDE], 112000],
        [KUSTLICHT, "Zuid-Holland", "Katwijk", "https://www.kustlicht.bieb-voorbeeld.nl",
         52.2, 4.4, MAIL[KUSTLICHT], 65000],
        [POLDERHOF, "Noord-Holland", "Purmerend", "https://www.polderhof.bieb-voorbeeld.nl",
         52.5, 4.95, None, 80000],
    ]


def actions(fixed: bool) -> list[list]:
    """Sheet rows 2-7 (and 8 in the second version)."""
    rows = [
        good_action(bibliotheek=DUINSTREEK, titel="Kinderboekenweek in de duinen"),
        good_action(bibliotheek=DUINSTREEK, titel="Poëzieweek aan zee",
                    startdatum="1-7-2024" if fixed else "ergens in juli",
                    einddatum="5-7-2024" if fixed else None),
        good_action(bibliotheek=VEENWEIDE, titel=XSS, kanalen="Facebook, Mastodon"),
        good_action(bibliotheek=VEENWEIDE, titel="Digitaal Café Veenweide",
                    aanleiding="Veel vragen over digitale zaken." if fixed else None, tip=None,
                    meetbaar_doel=FORMULA),
        good_action(bibliotheek="Bibliotheek Nergenshuizen", titel="Geheime actie Nergenshuizen"),
        good_action(bibliotheek=POLDERHOF, titel="Polderpret in de zomer", aanleiding=None),
    ]
    if fixed:
        rows.append(good_action(bibliotheek=DUINSTREEK, titel="Nieuwe leesclub Duinstreek",
                                startdatum="1-11-2026", einddatum="30-11-2026"))
    return rows


def snapshot(fixed: bool) -> Snapshot:
    source = {"soort": "google", "locatie": f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
              "spreadsheet_id": KEY, "titel": "Kennisbank test",
              "tab_ids": {"Acties": ACTIES_GID, "Bibliotheken": BIBLIOTHEKEN_GID}}
    tabs = [Tab("Acties", [ACTION_HEADERS, *actions(fixed)], ACTIES_GID),
            Tab("Bibliotheken", libraries(), BIBLIOTHEKEN_GID)]
    stamp = "2026-12-05T08:00:00Z" if fixed else "2026-11-28T08:00:00Z"
    return Snapshot(source=source, tabs=tabs, fetched_at=stamp)


def build_version(tmp: Path, out: Path, fixed: bool, day: date) -> None:
    path = write_snapshot(snapshot(fixed), tmp / ("bron-na" if fixed else "bron-voor"))
    build(str(path), out, day)


def build_two_runs(tmp: Path) -> Path:
    """The first version on 28 November, the fixed one on 5 December, into tmp/uit."""
    out = tmp / "uit"
    build_version(tmp, out, False, FIRST_DAY)
    build_version(tmp, out, True, SECOND_DAY)
    return out


def row_link(row: int, gid: int = ACTIES_GID) -> str:
    return f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid={gid}&range=A{row}"


# ------------------------------------------------------------------ checks shared by the tests

from html.parser import HTMLParser  # noqa: E402

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class StrictHTML(HTMLParser):
    """Records every start tag and fails on an end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"not closed: {parser.stack}"
    return parser


def foreign_markers(library: str) -> set[str]:
    """Text that would reveal another library's rows: their titles, names and addresses, and the
    unknown library's row (coordinators only)."""
    others = {DUINSTREEK, VEENWEIDE, KUSTLICHT, POLDERHOF} - {library}
    markers = set(others) | {MAIL[o] for o in others if o in MAIL}
    titles = {
        DUINSTREEK: ["Kinderboekenweek in de duinen", "Poëzieweek aan zee",
                     "Nieuwe leesclub Duinstreek", "ergens in juli"],
        VEENWEIDE: [XSS, "Digitaal Café Veenweide", "Mastodon", "HYPERLINK", "kwaad.example",
                    "Veel vragen over digitale zaken"],
        POLDERHOF: ["Polderpret in de zomer"],
        KUSTLICHT: [],
    }
    for other in others:
        markers.update(titles[other])
    markers.update({"Nergenshuizen", "Geheime actie"})
    return markers
