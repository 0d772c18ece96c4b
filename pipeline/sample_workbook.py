"""Write the embedded sample workbook: entirely fictional, deterministic, deliberately messy.

Run::

    python -m pipeline.sample_workbook [OUTPUT.xlsx] [--defecten]

(default output: pipeline/data/voorbeeld-kennisbank.xlsx). Everything comes from one fixed seed
and no clock, so the same code writes the same workbook cell for cell (and byte for byte with the
same openpyxl and zlib).

Headers come from schemas/fields.yml, vocabulary labels and synonyms from
schemas/vocabularies.yml and the manual corrections from schemas/corrections.yml. The theme
tables below refer to vocabulary values by *hints* (a label or one of its synonyms, any case)
that are resolved through vocabularies.yml, so a renamed value fails loudly here instead of
drifting. The only vocabulary texts typed in this file are the deliberate oddities (typos,
unknown values, abbreviations) and the extra Keuzelijsten value "Podcast".

The Acties tab holds the ugly cases of the sheet contract ("What spreadsheets really contain");
``--defecten`` prints which sheet row carries which.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import string
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from pipeline.contract.explain import list_rule

Cell = str | int | float | date | None

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "data" / "voorbeeld-kennisbank.xlsx"

SEED = 20261101
FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)
ZIP_TIME = (2026, 11, 1, 9, 0, 0)

FIRST_START = date(2022, 1, 1)
LAST_START = date(2026, 10, 31)
RESULTS_UNTIL = date(2026, 9, 1)  # actions starting later are still running: no results yet
ACTIONS_TOTAL = 196
ACTIONS_PER_LIBRARY = (3, 12)
MIN_PER_THEME = 5
MIN_CLEAN_PER_THEME = 3
YEAR_WEIGHTS = ((2022, 18), (2023, 22), (2024, 24), (2025, 24), (2026, 12))

ACTIES_TITLE = "Kennisbank Marketing – acties (fictief voorbeeld)"
EXTRA_COLUMN = "Interne notitie"
EXTRA_VOCABULARY_VALUES = {"kanaal": ("Podcast",)}  # the Keuzelijsten tab extends the defaults
PODCAST_THEMES = ("lezingen", "nederland_leest", "boekenweek")
PODCAST_ROWS = 3

# ------------------------------------------------------------------------------------ libraries

NH, ZH, UT = "Noord-Holland", "Zuid-Holland", "Utrecht"


@dataclass(frozen=True)
class Library:
    naam: str
    provincie: str
    gemeenten: tuple[str, ...]
    vestigingen: tuple[str, ...]
    lat: float
    lon: float
    inwoners: int
    id_prefix: str | None = None  # libraries that number their own actions

    @property
    def slug(self) -> str:
        return slugify(self.naam.removeprefix("Bibliotheek "))

    @property
    def website(self) -> str:
        return f"https://www.{self.slug}.bieb-voorbeeld.nl"

    @property
    def email(self) -> str:
        return f"marketing@{self.slug}.bieb-voorbeeld.nl"


LIBRARIES = (
    Library("Bibliotheek Duinstreek", NH, ("Castricum", "Uitgeest"),
            ("Castricum", "Uitgeest", "Akersloot", "Limmen"), 52.5486, 4.6694, 50_200, "DST"),
    Library("Bibliotheek Kennemer Kust", NH, ("Zandvoort", "Bloemendaal"),
            ("Zandvoort", "Bloemendaal", "Overveen"), 52.3719, 4.5331, 41_300),
    Library("Bibliotheek Dijkdorpen", NH, ("Edam-Volendam", "Waterland"),
            ("Edam", "Volendam", "Monnickendam", "Broek in Waterland"), 52.5120, 5.0489, 53_900),
    Library("Bibliotheek Zaanoevers", NH, ("Zaanstad", "Wormerland"),
            ("Zaandam", "Krommenie", "Wormerveer", "Wormer"), 52.4553, 4.8150, 176_400),
    Library("Bibliotheek West-Friese Dijken", NH, ("Medemblik", "Opmeer", "Enkhuizen"),
            ("Medemblik", "Wervershoof", "Spanbroek", "Enkhuizen"), 52.7703, 5.1050, 73_800),
    Library("Bibliotheek Kop van Noord", NH, ("Den Helder", "Schagen"),
            ("Den Helder", "Julianadorp", "Schagen", "Tuitjenhorn"), 52.9310, 4.7600, 104_500),
    Library("Bibliotheek Heideheuvels", NH, ("Huizen", "Blaricum", "Laren"),
            ("Huizen", "Blaricum", "Laren"), 52.3000, 5.2450, 70_100),
    Library("Bibliotheek Amstelscheg", NH, ("Ouder-Amstel", "Diemen"),
            ("Ouderkerk aan de Amstel", "Duivendrecht", "Diemen"), 52.3300, 4.9300, 47_600),
    Library("Bibliotheek Polderlicht", NH, ("Haarlemmermeer",),
            ("Hoofddorp", "Nieuw-Vennep", "Badhoevedorp", "Zwanenburg"), 52.3030, 4.6900, 160_200),
    Library("Bibliotheek Texelstroom", NH, ("Texel",),
            ("Den Burg", "De Cocksdorp"), 53.0550, 4.7980, 13_700),
    Library("Bibliotheek Beemsterland", NH, ("Purmerend",),
            ("Purmerend", "Middenbeemster"), 52.5050, 4.9570, 93_200),
    Library("Bibliotheek Egmonder Duinen", NH, ("Bergen", "Heiloo"),
            ("Bergen", "Egmond aan Zee", "Heiloo", "Schoorl"), 52.6330, 4.7000, 54_300),
    Library("Bibliotheek Vechtstreek-Noord", NH, ("Gooise Meren", "Wijdemeren"),
            ("Bussum", "Naarden", "Muiden", "Loosdrecht"), 52.2750, 5.1600, 83_400),
    Library("Bibliotheek Langedijker Akkers", NH, ("Dijk en Waard",),
            ("Heerhugowaard", "Broek op Langedijk", "Sint Pancras"), 52.6800, 4.8300, 90_600),
    Library("Bibliotheek Rijnland-Oost", ZH, ("Alphen aan den Rijn", "Kaag en Braassem"),
            ("Alphen aan den Rijn", "Boskoop", "Roelofarendsveen", "Leimuiden"),
            52.1290, 4.6570, 140_300, "RLO"),
    Library("Bibliotheek Hollands Plassen", ZH, ("Nieuwkoop", "Zoeterwoude"),
            ("Nieuwkoop", "Ter Aar", "Nieuwveen", "Zoeterwoude-Dorp"), 52.1500, 4.7750, 38_200),
    Library("Bibliotheek Veenweide", ZH, ("Bodegraven-Reeuwijk", "Krimpenerwaard"),
            ("Bodegraven", "Reeuwijk", "Schoonhoven", "Bergambacht"), 52.0250, 4.7520, 95_100),
    Library("Bibliotheek Deltawaard", ZH, ("Goeree-Overflakkee",),
            ("Middelharnis", "Sommelsdijk", "Oude-Tonge", "Ouddorp"), 51.7550, 4.1680, 52_400),
    Library("Bibliotheek Zilverduin", ZH, ("Katwijk", "Noordwijk"),
            ("Katwijk", "Rijnsburg", "Noordwijk", "De Zilk"), 52.2010, 4.4170, 113_700),
    Library("Bibliotheek Merwedestad", ZH, ("Gorinchem", "Molenlanden"),
            ("Gorinchem", "Giessenburg", "Nieuw-Lekkerland", "Bleskensgraaf"),
            51.8350, 4.9720, 82_300),
    Library("Bibliotheek Hoeksche Velden", ZH, ("Hoeksche Waard",),
            ("Oud-Beijerland", "'s-Gravendeel", "Numansdorp", "Strijen"), 51.7700, 4.4300, 89_500),
    Library("Bibliotheek Glaslanden", ZH, ("Westland", "Midden-Delfland"),
            ("Naaldwijk", "Monster", "Wateringen", "Maasland"), 51.9930, 4.2090, 130_800, "GLL"),
    Library("Bibliotheek Maasmonding", ZH, ("Maassluis", "Vlaardingen"),
            ("Maassluis", "Vlaardingen", "Vlaardingen-Holy"), 51.9160, 4.2700, 110_900),
    Library("Bibliotheek Voorne-Duin", ZH, ("Voorne aan Zee",),
            ("Hellevoetsluis", "Brielle", "Rockanje", "Oostvoorne"), 51.8550, 4.1300, 70_400),
    Library("Bibliotheek Drechtoever", ZH, ("Zwijndrecht", "Hendrik-Ido-Ambacht"),
            ("Zwijndrecht", "Heerjansdam", "Hendrik-Ido-Ambacht"), 51.8150, 4.6400, 75_600),
    Library("Bibliotheek Sleutelstad-Oost", ZH, ("Leiderdorp", "Oegstgeest"),
            ("Leiderdorp", "Oegstgeest"), 52.1600, 4.5350, 52_700),
    Library("Bibliotheek Duin en Hof", ZH, ("Wassenaar", "Voorschoten"),
            ("Wassenaar", "Voorschoten"), 52.1430, 4.4000, 53_600),
    Library("Bibliotheek Gouwestroom", ZH, ("Gouda", "Waddinxveen"),
            ("Gouda", "Gouda-Goverwelle", "Waddinxveen"), 52.0150, 4.7100, 105_300),
    Library("Bibliotheek Vechtplassen", UT, ("Stichtse Vecht",),
            ("Maarssen", "Breukelen", "Loenen aan de Vecht"), 52.1400, 5.0350, 65_800),
    Library("Bibliotheek Lekdijk", UT, ("Vijfheerenlanden",),
            ("Vianen", "Leerdam", "Lexmond"), 51.9900, 5.0930, 58_300),
)
INACTIVE_LIBRARIES = ("Bibliotheek Texelstroom", "Bibliotheek Lekdijk")  # nothing typed in yet

FIRST_NAMES = (
    "Sanne", "Joost", "Marloes", "Pieter", "Esther", "Ruben", "Femke", "Bas", "Ilse", "Mark",
    "Nadia", "Youssef", "Anouk", "Thijs", "Linda", "Koen", "Mirjam", "Sander", "Eva", "Daan",
    "Hanneke", "Jeroen", "Fatima", "Wouter", "Lotte", "Martijn", "Inge", "Rik", "Sevda", "Gijs",
    "Karin", "Tom", "Naima", "Ruud", "Maaike", "Jasper", "Annemiek", "Stijn", "Priya", "Erik",
)
LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "de Graaf",
    "van der Meer", "Jacobs", "de Haan", "Vermeulen", "van den Berg", "van Dijk", "Koster",
    "Huisman", "Kuipers", "Veenstra", "Postma", "Aydin", "El Amrani", "Yilmaz", "Bouzid",
    "Schouten", "Verhoeven", "Timmermans", "Groen", "Willems", "Hoekstra", "Kramer", "Sedney",
)

# --------------------------------------------------------------------------------------- themes


@dataclass(frozen=True)
class Theme:
    """A kind of campaign: how it is named, when it runs, what it uses and how it is told.

    ``pools`` maps a vocabulary key to hints (a label or synonym from vocabularies.yml); for
    ``doel`` and ``doelgroep`` the first hint is the primary value. ``kpis`` are
    (hint, lowest target, highest target, unit in text or None for the default unit).
    """

    key: str
    titles: tuple[str, ...]
    windows: tuple[tuple[int, int, int], ...]  # (month, first day, last day) of the start
    days: tuple[int, int]  # duration
    pools: dict[str, tuple[str, ...]]
    kpis: tuple[tuple[str, int, int, str | None], ...]
    budgets: tuple[tuple[int, int], ...]
    hours: tuple[int, int]
    partners: tuple[str, ...]
    omschrijving: tuple[str, ...]
    aanleiding: tuple[str, ...]
    werkte: tuple[str, ...]
    werkte_niet: tuple[str, ...]
    tips: tuple[str, ...]
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    weight: int = 3


ANY_SEASON = ((1, 8, 31), (2, 1, 28), (3, 1, 31), (4, 1, 30), (5, 1, 31), (6, 1, 15),
              (9, 1, 30), (10, 1, 31), (11, 1, 30))

THEMES = (
    Theme(
        key="kinderboekenweek", weight=5,
        titles=("Kinderboekenweek {jaar}", "Kinderboekenweek {jaar} in {vestiging}",
                "Voorleesfeest Kinderboekenweek {jaar}", "Speurtocht Kinderboekenweek {jaar}",
                "Klassenbezoeken Kinderboekenweek {jaar}"),
        windows=((9, 27, 30), (10, 1, 5)), days=(10, 12),
        pools={"doel": ("leesbevordering", "bezoek", "deelname", "ledenwerving"),
               "doelgroep": ("kinderen", "gezinnen", "onderwijs", "niet-leden"),
               "kanaal": ("via scholen", "poster", "facebook", "instagram", "website",
                          "nieuwsbrief", "krant", "op locatie", "narrowcasting"),
               "landelijke_campagne": ("kinderboekenweek",),
               "functie": ("lezen", "educatie", "kunst"),
               "aanbod": ("geen", "cadeau", "wedstrijd", "proefperiode"),
               "meetmethode": ("telling", "ledenadministratie", "actiecode")},
        kpis=(("deelnemers", 80, 600, None), ("bezoekers", 400, 2500, None),
              ("nieuwe leden", 15, 120, "nieuwe jeugdleden"),
              ("uitleningen", 300, 2000, "uitleningen van jeugdboeken")),
        budgets=((100, 240), (250, 800), (800, 2500)), hours=(16, 80),
        counts={"deelnemers": (100, 800)},
        partners=("basisscholen in {gemeente}", "Kinderopvang De Speelwolk",
                  "Boekhandel Het Leeshuis", "Cultuurcoach {gemeente}"),
        omschrijving=(
            "In {vestiging} zetten we tijdens de Kinderboekenweek een speurtocht door de "
            "bibliotheek uit met opdrachten rond het jaarthema.",
            "Alle groepen 3 tot en met 5 uit {gemeente} kregen een uitnodiging voor een "
            "voorleesvoorstelling in de bibliotheek.",
            "Op de slotzaterdag was er een voorleesfeest met een verteller, een knutseltafel en "
            "een schminkhoek.",
            "Kinderen die tijdens de week een boek leenden, kregen een stempelkaart met een "
            "kleine verrassing bij vijf stempels.",
            "Leerkrachten kregen vooraf een lesbrief met boekentips en konden een klassenbezoek "
            "boeken.",
        ),
        aanleiding=(
            "Het aantal jeugdleden tussen acht en twaalf jaar liep de afgelopen jaren terug.",
            "Scholen vroegen om een vast programma rond de Kinderboekenweek, zodat ze het eerder "
            "kunnen inplannen.",
            "Veel gezinnen kennen de bibliotheek van de peutertijd en komen daarna minder vaak.",
        ),
        werkte=(
            "De combinatie van klassenbezoeken en een open zaterdag zorgde voor veel "
            "herhaalbezoek.",
            "De stempelkaart zette kinderen aan om in één week meerdere keren terug te komen.",
            "Leerkrachten deelden de uitnodiging zelf via de ouderapp; dat bereikte meer ouders "
            "dan onze eigen berichten.",
        ),
        werkte_niet=(
            "Aanmelden via de website was te ingewikkeld; veel ouders belden alsnog.",
            "De voorstelling op woensdagmiddag trok weinig publiek.",
        ),
        tips=(
            "Stuur de uitnodiging aan scholen al voor de zomervakantie, dan komt het in de "
            "jaarplanning.",
            "Zorg voor extra boeken rond het thema; de themakast was binnen een week leeg.",
        ),
    ),
    Theme(
        key="boekenweek", weight=4,
        titles=("Boekenweek {jaar}", "Boekenweek {jaar}: schrijversavond in {vestiging}",
                "Literair ontbijt Boekenweek {jaar}", "Boekenweekgeschenk ophalen in de bieb"),
        windows=((3, 5, 20),), days=(8, 10),
        pools={"doel": ("leesbevordering", "bezoek", "naamsbekendheid", "deelname"),
               "doelgroep": ("volwassenen", "senioren", "leden", "niet-leden"),
               "kanaal": ("nieuwsbrief", "krant", "facebook", "website", "poster", "radio",
                          "narrowcasting", "persbericht"),
               "landelijke_campagne": ("boekenweek",),
               "functie": ("lezen", "ontmoeting", "kunst"),
               "aanbod": ("cadeau", "geen", "korting"),
               "meetmethode": ("telling", "ledenadministratie", "enquete")},
        kpis=(("deelnemers", 40, 250, None), ("bezoekers", 300, 2000, None),
              ("persaandacht", 2, 6, "artikelen in de lokale pers"),
              ("uitleningen", 200, 1500, None)),
        budgets=((250, 900), (900, 3000)), hours=(12, 60),
        partners=("Boekhandel Het Leeshuis", "Leesclub {vestiging}", "Theater De Schouw",
                  "Historische vereniging {gemeente}"),
        omschrijving=(
            "Tijdens de Boekenweek ontvingen we een schrijver voor een interview op het podium, "
            "met aansluitend signeren.",
            "Leden die in de Boekenweek een boek leenden, kregen zolang de voorraad strekte het "
            "Boekenweekgeschenk mee.",
            "Op zondagochtend organiseerden we in {vestiging} een literair ontbijt met korte "
            "voordrachten van schrijvers uit de streek.",
            "In de hal stond een tafel met leestips van medewerkers rond het thema van de "
            "Boekenweek.",
        ),
        aanleiding=(
            "De Boekenweek is een vast moment waarop ook minder actieve leden de bibliotheek "
            "weer binnenlopen.",
            "We wilden laten zien dat de bibliotheek ook een podium voor literatuur is, niet "
            "alleen een uitleenpunt.",
        ),
        werkte=(
            "Het geschenk als weggever bij het lenen bracht veel leden die we lang niet hadden "
            "gezien.",
            "Een bekende streekschrijver trok ook publiek dat nooit eerder naar een "
            "bibliotheekavond kwam.",
            "Een kort radio-interview in de week vooraf leverde direct extra aanmeldingen op.",
        ),
        werkte_niet=(
            "De geschenken waren halverwege de week al op; dat gaf teleurgestelde reacties.",
            "De avond viel samen met een raadsvergadering, waardoor de lokale pers niet kwam.",
        ),
        tips=(
            "Bestel ruim voldoende geschenken en zeg er duidelijk bij dat op ook echt op is.",
            "Laat de schrijver vooraf een korte video opnemen voor sociale media; dat deed het "
            "beter dan een poster.",
        ),
    ),
    Theme(
        key="voorleesdagen", weight=4,
        titles=("Nationale Voorleesdagen {jaar}", "Voorleesontbijt in {vestiging}",
                "Voorleesdagen {jaar}: peuters en prentenboeken",
                "Prentenboek-speurtocht {jaar}"),
        windows=((1, 20, 26),), days=(10, 11),
        pools={"doel": ("leesbevordering", "ledenwerving", "deelname"),
               "doelgroep": ("peuters", "gezinnen", "kinderen"),
               "kanaal": ("via partners", "poster", "instagram", "facebook", "nieuwsbrief",
                          "narrowcasting", "website"),
               "landelijke_campagne": ("voorleesdagen",),
               "functie": ("lezen", "educatie"),
               "aanbod": ("cadeau", "geen", "proefperiode"),
               "meetmethode": ("telling", "ledenadministratie")},
        kpis=(("deelnemers", 30, 250, None), ("nieuwe leden", 10, 80, "nieuwe jeugdleden"),
              ("bezoekers", 150, 900, None)),
        budgets=((0, 0), (50, 240), (250, 1200)), hours=(8, 40),
        partners=("Consultatiebureau {vestiging}", "Peuteropvang Het Kleine Huis",
                  "Kinderopvang De Speelwolk", "Wijkteam {gemeente}"),
        omschrijving=(
            "Tijdens de Nationale Voorleesdagen organiseerden we een voorleesontbijt voor "
            "peuters en hun ouders, rond het prentenboek van het jaar.",
            "Pedagogisch medewerkers van de peuteropvang kregen een voorleestas om in de groep "
            "mee te werken.",
            "Ouders die hun peuter inschreven, kregen een kleurplaat en een boekje mee.",
            "In de jeugdafdeling stond een prentenboek-speurtocht met vragen op peuterhoogte.",
        ),
        aanleiding=(
            "Uit de cijfers bleek dat veel kinderen pas lid worden als ze naar school gaan.",
            "De peuteropvang vroeg om een gezamenlijke activiteit om ouders bij voorlezen te "
            "betrekken.",
        ),
        werkte=(
            "Het consultatiebureau deelde de uitnodiging persoonlijk uit; die ouders kwamen ook "
            "echt.",
            "Een ontbijt op zaterdagochtend paste goed bij werkende ouders.",
        ),
        werkte_niet=(
            "Onze berichten op Facebook bereikten vooral grootouders, minder de ouders zelf.",
            "Door de griepgolf vielen veel aanmeldingen op het laatste moment af.",
        ),
        tips=(
            "Werk samen met de peuteropvang: pedagogisch medewerkers zijn de beste ambassadeurs.",
            "Houd het kort; twintig minuten voorlezen is voor peuters genoeg.",
        ),
    ),
    Theme(
        key="zomerlezen", weight=5,
        titles=("Zomerlezen {jaar}", "VakantieBieb-zomer {jaar}",
                "Zomerleesavontuur {jaar} in {vestiging}", "Leesbingo zomervakantie {jaar}"),
        windows=((6, 24, 30), (7, 1, 12)), days=(40, 62),
        pools={"doel": ("leesbevordering", "promotie", "ledenbehoud"),
               "doelgroep": ("kinderen", "jongeren", "gezinnen", "leden"),
               "kanaal": ("via scholen", "instagram", "tiktok", "website", "nieuwsbrief",
                          "poster", "facebook"),
               "landelijke_campagne": ("vakantiebieb",),
               "functie": ("lezen",),
               "aanbod": ("wedstrijd", "cadeau", "geen"),
               "meetmethode": ("webstatistieken", "telling", "ledenadministratie",
                               "social media-statistieken")},
        kpis=(("downloads", 150, 1500, "downloads van de VakantieBieb-app"),
              ("deelnemers", 60, 400, None), ("uitleningen", 800, 5000, None)),
        budgets=((100, 240), (250, 900), (900, 3000)), hours=(20, 90),
        partners=("basisscholen in {gemeente}", "Buitenschoolse opvang De Boomhut",
                  "Zwembad De Golfslag"),
        omschrijving=(
            "Kinderen kregen voor de zomervakantie een leesbingokaart via school; wie de kaart "
            "vol had, deed mee aan de prijsuitreiking.",
            "We promootten de VakantieBieb-app met flyers in de schooltassen en berichten op "
            "sociale media.",
            "Bij het zwembad stond elke woensdag een leeshoek met strandstoelen en "
            "tijdschriften.",
            "Na de vakantie was er een feestelijke afsluiting met een voorstelling voor alle "
            "deelnemers.",
        ),
        aanleiding=(
            "Leerkrachten zien elk jaar dat het leesniveau na de zomervakantie terugzakt.",
            "De VakantieBieb-app werd in onze gemeente nauwelijks gedownload.",
        ),
        werkte=(
            "De bingokaart via school bereikte bijna alle kinderen en was laagdrempelig.",
            "Korte filmpjes met leestips van kinderen zelf deden het goed op Instagram en "
            "TikTok.",
        ),
        werkte_niet=(
            "In de laatste vakantieweken nam de deelname sterk af.",
            "De QR-code op de flyer leidde naar een verkeerde pagina; dat kostte downloads.",
        ),
        tips=(
            "Maak de afsluiting na de vakantie groot; dat motiveert kinderen om door te lezen.",
            "Test QR-codes en links op verschillende telefoons voordat het drukwerk de deur "
            "uit gaat.",
        ),
    ),
    Theme(
        key="ledenwerving", weight=6,
        titles=("Ledenwervingscampagne najaar {jaar}", "Drie maanden gratis lid ({jaar})",
                "Proefabonnement voor nieuwe inwoners {jaar}",
                "Voorjaarsactie ledenwerving {jaar}", "Word lid voor de helft {jaar}"),
        windows=((1, 8, 25), (3, 1, 20), (5, 1, 15), (9, 1, 20)), days=(21, 75),
        pools={"doel": ("ledenwerving", "naamsbekendheid"),
               "doelgroep": ("niet-leden", "volwassenen", "jongvolwassenen", "gezinnen"),
               "kanaal": ("social ads", "sea", "buitenreclame", "direct mail", "website",
                          "facebook", "instagram", "krant", "poster"),
               "landelijke_campagne": ("geen",),
               "functie": ("kennis", "lezen"),
               "aanbod": ("proefperiode", "korting"),
               "meetmethode": ("actiecode", "ledenadministratie", "webstatistieken")},
        kpis=(("nieuwe leden", 80, 600, None),
              ("kliks", 1500, 12000, "kliks naar de aanmeldpagina"),
              ("bereik", 20000, 150000, None)),
        budgets=((1500, 5000), (5000, 12000)), hours=(30, 120),
        counts={"nieuwe_leden": (40, 500), "bereik": (10000, 120000)},
        partners=("Gemeente {gemeente}", "Woningcorporatie Thuis in {gemeente}",
                  "Ondernemersvereniging {vestiging}"),
        omschrijving=(
            "Nieuwe leden konden drie maanden gratis lenen met een actiecode die op alle "
            "uitingen stond.",
            "We stuurden alle nieuwe inwoners van {gemeente} een welkomstbrief met een "
            "proefabonnement.",
            "Advertenties op sociale media en in zoekmachines wezen mensen op het "
            "proefabonnement.",
            "Op abri's en een spandoek bij de invalsweg maakten we reclame met bekende gezichten "
            "uit het dorp.",
            "Wie zich aanmeldde, kreeg het eerste halfjaar de helft korting op een "
            "volwassenenabonnement.",
        ),
        aanleiding=(
            "Het ledental daalde al drie jaar, vooral onder volwassenen tussen 30 en 50 jaar.",
            "Uit onderzoek bleek dat veel inwoners niet weten wat een abonnement kost en wat het "
            "oplevert.",
            "Met de nieuwe woonwijk kwamen er veel inwoners bij die de bibliotheek nog niet "
            "kennen.",
        ),
        werkte=(
            "De actiecode maakte per kanaal zichtbaar waar de aanmeldingen vandaan kwamen.",
            "Herkenbare gezichten op de posters zorgden voor gesprek in het dorp.",
            "Zoekadvertenties leverden de goedkoopste aanmeldingen op.",
        ),
        werkte_niet=(
            "Na de gratis periode zegde ongeveer de helft van de nieuwe leden weer op.",
            "De advertenties op sociale media leverden veel kliks maar weinig aanmeldingen.",
        ),
        tips=(
            "Plan meteen een opvolging na de proefperiode, anders ben je de nieuwe leden snel "
            "weer kwijt.",
            "Gebruik per kanaal een eigen actiecode; dan weet je waar je geld het best "
            "renderde.",
        ),
    ),
    Theme(
        key="digitaal", weight=5,
        titles=("Digitaal Café {vestiging}", "Klik & Tik-cursus {jaar}", "DigiD-spreekuur {jaar}",
                "Informatiepunt Digitale Overheid in {vestiging}",
                "Spreekuur Hulp bij je telefoon {jaar}"),
        windows=ANY_SEASON, days=(60, 180),
        pools={"doel": ("deelname", "bezoek", "positionering", "promotie"),
               "doelgroep": ("senioren", "kwetsbaren", "laaggeletterden", "volwassenen"),
               "kanaal": ("krant", "poster", "via partners", "ambassadeurs", "op locatie",
                          "radio", "nieuwsbrief"),
               "landelijke_campagne": ("geen",),
               "functie": ("kennis", "educatie"),
               "aanbod": ("geen",),
               "meetmethode": ("telling", "enquete")},
        kpis=(("deelnemers", 20, 200, None),
              ("aanmeldingen", 15, 120, "aanmeldingen voor de cursus"),
              ("anders", 20, 150, "beantwoorde vragen")),
        budgets=((0, 0), (20, 240)), hours=(20, 150),
        counts={"deelnemers": (15, 180)},
        partners=("Welzijnsorganisatie {gemeente}", "Ouderenbond afdeling {vestiging}",
                  "Sociaal wijkteam {gemeente}", "Seniorenvereniging {vestiging}"),
        omschrijving=(
            "Elke dinsdagochtend konden inwoners met vragen over DigiD, de belastingaangifte of "
            "hun telefoon terecht bij vrijwilligers.",
            "In het Digitaal Café leren deelnemers in kleine groepjes omgaan met tablet, "
            "smartphone en e-mail.",
            "De cursus Klik & Tik bestond uit zes lessen, met een vrijwilliger per twee "
            "deelnemers.",
            "Samen met {partner} boden we een vast spreekuur aan voor vragen over de digitale "
            "overheid.",
        ),
        aanleiding=(
            "Steeds meer overheidszaken gaan digitaal en een deel van de inwoners kan dat niet "
            "bijhouden.",
            "Aan de balie kregen medewerkers steeds vaker vragen over DigiD en inloggen.",
        ),
        werkte=(
            "Mond-tot-mondreclame via deelnemers bracht de meeste nieuwe aanmeldingen.",
            "Een vaste tijd en plek maakten het spreekuur voorspelbaar en vertrouwd.",
            "Een artikel in het huis-aan-huisblad met een foto van een deelnemer leverde veel "
            "telefoontjes op.",
        ),
        werkte_niet=(
            "Online aanmelden werkte niet voor deze doelgroep; telefonisch aanmelden wel.",
            "Er waren te weinig vrijwilligers om de wachtlijst weg te werken.",
        ),
        tips=(
            "Houd het aanmelden eenvoudig: telefoon en balie.",
            "Investeer in een vaste groep vrijwilligers en geef ze een goede training.",
        ),
    ),
    Theme(
        key="taalhuis", weight=4,
        titles=("Taalcafé {vestiging}", "Taalhuis in de wijk {jaar}", "Taalmaatjes gezocht {jaar}",
                "Open inloop Taalhuis {jaar}"),
        windows=ANY_SEASON, days=(90, 200),
        pools={"doel": ("deelname", "positionering", "bezoek", "lobby"),
               "doelgroep": ("laaggeletterden", "kwetsbaren", "gemeente", "volwassenen"),
               "kanaal": ("via partners", "ambassadeurs", "poster", "op locatie", "linkedin",
                          "krant"),
               "landelijke_campagne": ("geen",),
               "functie": ("educatie", "ontmoeting"),
               "aanbod": ("geen", "anders"),
               "meetmethode": ("telling", "schatting", "enquete")},
        kpis=(("deelnemers", 15, 120, None),
              ("aanmeldingen", 10, 60, "nieuwe taalvragers"),
              ("anders", 5, 30, "nieuwe vrijwilligers")),
        budgets=((0, 0), (25, 240), (250, 800)), hours=(20, 120),
        partners=("Taalaanbieder {gemeente}", "Vluchtelingenondersteuning {gemeente}",
                  "Sociaal wijkteam {gemeente}", "Buurthuis De Schakel"),
        omschrijving=(
            "Elke week kwamen taalvragers en vrijwilligers samen in het Taalcafé om Nederlands "
            "te oefenen in kleine groepjes.",
            "We wierven taalmaatjes met een oproep in de krant en via partners in het sociaal "
            "domein.",
            "Het Taalhuis hield spreekuur in het buurthuis, zodat inwoners niet eerst naar de "
            "bibliotheek hoefden.",
            "Deelnemers kregen gratis koffie en konden meteen een intakegesprek plannen.",
        ),
        aanleiding=(
            "Partners in het sociaal domein verwezen weinig mensen door naar het Taalhuis.",
            "De wachtlijst voor taalmaatjes werd steeds langer.",
        ),
        werkte=(
            "Ambassadeurs die zelf een taal hadden geleerd, vertelden hun verhaal; dat "
            "overtuigde nieuwe deelnemers.",
            "Op de plek zijn waar de doelgroep al komt, werkte beter dan mensen naar de "
            "bibliotheek halen.",
        ),
        werkte_niet=(
            "Posters en flyers bereikten de doelgroep nauwelijks.",
            "De tijd op vrijdagmiddag paste slecht bij werkende deelnemers.",
        ),
        tips=(
            "Investeer in de relatie met doorverwijzers; een warme overdracht werkt beter dan "
            "een folder.",
            "Houd de drempel laag: geen aanmeldformulier vooraf, gewoon binnenlopen.",
        ),
    ),
    Theme(
        key="boekstart", weight=3,
        titles=("BoekStart voor baby's {jaar}", "Welkom baby! BoekStart-koffertje {jaar}",
                "Babyochtend in {vestiging}", "BoekStart-week {jaar}"),
        windows=ANY_SEASON, days=(14, 90),
        pools={"doel": ("ledenwerving", "leesbevordering"),
               "doelgroep": ("peuters", "gezinnen", "niet-leden"),
               "kanaal": ("via partners", "direct mail", "instagram", "facebook", "nieuwsbrief",
                          "website"),
               "landelijke_campagne": ("geen",),
               "functie": ("lezen", "educatie"),
               "aanbod": ("cadeau",),
               "meetmethode": ("ledenadministratie", "actiecode")},
        kpis=(("nieuwe leden", 30, 200, "nieuwe babyleden"), ("deelnemers", 20, 120, None)),
        budgets=((250, 900), (900, 2000)), hours=(10, 50),
        counts={"nieuwe_leden": (20, 180)},
        partners=("Consultatiebureau {vestiging}", "Jeugdgezondheidszorg regio",
                  "Verloskundigenpraktijk {vestiging}", "Gemeente {gemeente}"),
        omschrijving=(
            "Ouders van pasgeboren baby's kregen via de gemeente een brief met een waardebon "
            "voor een gratis BoekStart-koffertje.",
            "Op het consultatiebureau lagen uitnodigingen om de baby lid te maken en het "
            "koffertje op te halen.",
            "Eens per maand was er een babyochtend met voorlezen, liedjes en koffie voor ouders.",
        ),
        aanleiding=(
            "Maar een klein deel van de baby's in ons werkgebied werd lid van de bibliotheek.",
            "Jonge ouders kennen de bibliotheek vaak nog van hun eigen jeugd, maar weten niet wat "
            "er voor baby's is.",
        ),
        werkte=(
            "De persoonlijke brief namens de gemeente gaf vertrouwen en werd goed gelezen.",
            "Het koffertje is een tastbaar cadeau dat ouders graag komen ophalen.",
        ),
        werkte_niet=(
            "Ouders die het koffertje ophaalden, kwamen daarna niet altijd terug.",
            "De waardebon werd vaak pas na maanden ingeleverd.",
        ),
        tips=(
            "Maak afspraken met de gemeente over het meesturen van de brief na de "
            "geboorteaangifte.",
            "Nodig ouders bij het ophalen meteen uit voor de volgende babyochtend.",
        ),
    ),
    Theme(
        key="bibliotheek_op_school", weight=3,
        titles=("Bibliotheek op school {jaar}", "Leesmonitor en leesplan {jaar}",
                "Schoolbibliotheek vernieuwd in {vestiging}", "Kick-off leesconsulenten {jaar}"),
        windows=((1, 8, 31), (2, 1, 28), (9, 1, 30), (10, 1, 31), (11, 1, 30)),
        days=(60, 300),
        pools={"doel": ("positionering", "leesbevordering", "lobby"),
               "doelgroep": ("onderwijs", "kinderen", "gemeente"),
               "kanaal": ("via scholen", "nieuwsbrief", "linkedin", "website", "persbericht"),
               "landelijke_campagne": ("geen",),
               "functie": ("educatie", "lezen"),
               "aanbod": ("geen",),
               "meetmethode": ("enquete", "ledenadministratie")},
        kpis=(("uitleningen", 2000, 12000, "uitleningen via de schoolbibliotheek"),
              ("deelnemers", 5, 30, "deelnemende scholen"),
              ("anders", 4, 20, "scholen met een leesplan")),
        budgets=((0, 0), (250, 1000), (1000, 4500)), hours=(40, 200),
        partners=("Schoolbestuur Samen Leren", "basisscholen in {gemeente}", "Gemeente {gemeente}",
                  "Onderwijsbureau regio"),
        omschrijving=(
            "Leesconsulenten bezochten alle deelnemende scholen om samen met het team een "
            "leesplan op te stellen.",
            "Op de scholen vernieuwden we de schoolbibliotheek met een nieuwe collectie en een "
            "eigen uitleensysteem.",
            "Op een netwerkbijeenkomst voor schooldirecteuren presenteerden we de uitkomsten "
            "van de leesmonitor.",
        ),
        aanleiding=(
            "Het gemeentelijk budget voor leesonderwijs werd opnieuw verdeeld; scholen moesten "
            "kiezen.",
            "De leesmonitor liet zien dat het leesplezier in de bovenbouw daalde.",
        ),
        werkte=(
            "Een vaste leesconsulent per school bouwde vertrouwen op bij leerkrachten.",
            "Cijfers uit de monitor per school maakten het gesprek met directeuren concreet.",
        ),
        werkte_niet=(
            "Niet alle scholen hadden tijd voor de evaluatiegesprekken.",
            "Het uitleensysteem op school vroeg meer begeleiding dan verwacht.",
        ),
        tips=(
            "Laat de wethouder de resultaten presenteren; dat geeft gewicht bij de scholen.",
            "Begin met een paar enthousiaste scholen en laat hun resultaten voor zich spreken.",
        ),
    ),
    Theme(
        key="week_van_lezen_en_schrijven", weight=3,
        titles=("Week van Lezen en Schrijven {jaar}", "Taalontbijt met de wethouder {jaar}",
                "Voorleeslunch Week van Lezen en Schrijven {jaar}",
                "Taalwandeling door {vestiging}"),
        windows=((9, 2, 12),), days=(6, 8),
        pools={"doel": ("naamsbekendheid", "positionering", "deelname", "lobby"),
               "doelgroep": ("laaggeletterden", "volwassenen", "gemeente"),
               "kanaal": ("persbericht", "krant", "via partners", "facebook", "linkedin", "radio"),
               "landelijke_campagne": ("wvls",),
               "functie": ("educatie", "ontmoeting"),
               "aanbod": ("geen",),
               "meetmethode": ("telling", "schatting")},
        kpis=(("persaandacht", 2, 5, "artikelen in de lokale pers"),
              ("deelnemers", 20, 150, None),
              ("aanmeldingen", 5, 40, "aanmeldingen bij het Taalhuis")),
        budgets=((0, 0), (50, 240), (250, 900)), hours=(10, 50),
        partners=("Gemeente {gemeente}", "Taalaanbieder {gemeente}", "Werkgeversservicepunt regio",
                  "Buurthuis De Schakel"),
        omschrijving=(
            "Tijdens de Week van Lezen en Schrijven hielden we een taalontbijt met de wethouder "
            "en taalambassadeurs.",
            "Met een taalwandeling door {vestiging} lieten we zien hoe vaak je in het dagelijks "
            "leven moet kunnen lezen.",
            "Werkgevers uit de regio kregen een uitnodiging voor een lunch over "
            "laaggeletterdheid op de werkvloer.",
        ),
        aanleiding=(
            "Laaggeletterdheid is in de gemeente een speerpunt, maar de rol van de bibliotheek "
            "was nog onbekend.",
            "We wilden meer werkgevers bereiken voor taaltrajecten op de werkvloer.",
        ),
        werkte=(
            "Het verhaal van een taalambassadeur raakte de aanwezigen en haalde de krant.",
            "Een persoonlijke uitnodiging van de wethouder bracht werkgevers aan tafel.",
        ),
        werkte_niet=(
            "Het persbericht ging laat in de week uit en werd daardoor weinig opgepikt.",
            "Er kwamen minder werkgevers dan er zich hadden aangemeld.",
        ),
        tips=(
            "Regel de wethouder ruim vooraf; de agenda's lopen in september snel vol.",
            "Laat taalambassadeurs zelf het woord doen, dat is overtuigender dan cijfers.",
        ),
    ),
    Theme(
        key="poezieweek", weight=3,
        titles=("Poëzieweek {jaar}", "Gedichtenwand in {vestiging}",
                "Poëziewedstrijd voor jongeren {jaar}", "Dichter in de bibliotheek {jaar}"),
        windows=((1, 25, 31),), days=(7, 10),
        pools={"doel": ("leesbevordering", "naamsbekendheid", "deelname"),
               "doelgroep": ("volwassenen", "jongeren", "kinderen"),
               "kanaal": ("instagram", "website", "poster", "narrowcasting", "op locatie",
                          "facebook"),
               "landelijke_campagne": ("poezieweek",),
               "functie": ("lezen", "kunst"),
               "aanbod": ("wedstrijd", "geen"),
               "meetmethode": ("social media-statistieken", "telling")},
        kpis=(("bereik", 2000, 25000, None),
              ("deelnemers", 15, 120, "ingezonden gedichten")),
        budgets=((0, 0), (25, 240), (250, 700)), hours=(8, 40),
        counts={"bereik": (1500, 30000)},
        partners=("Stadsdichter {gemeente}", "Schrijversvereniging Pen en Papier",
                  "middelbare scholen in {gemeente}"),
        omschrijving=(
            "Bezoekers konden een gedicht achterlaten op een gedichtenwand in de hal; de mooiste "
            "kwamen op onze schermen.",
            "Jongeren deden mee aan een poëziewedstrijd; de winnaars droegen hun gedicht voor op "
            "de slotavond.",
            "De stadsdichter schreef een gedicht over de bibliotheek dat we als poster "
            "verspreidden.",
        ),
        aanleiding=(
            "We zochten een laagdrempelige manier om poëzie zichtbaar te maken in de "
            "vestigingen.",
            "Jongeren schrijven veel, maar zien de bibliotheek niet als plek om dat te delen.",
        ),
        werkte=(
            "De gedichtenwand was laagdrempelig en leverde mooie foto's voor Instagram op.",
            "Een voordrachtsavond met de winnaars trok veel familie en vrienden.",
        ),
        werkte_niet=(
            "De wedstrijd werd te laat aangekondigd om scholen mee te krijgen.",
            "Onze berichten over poëzie scoorden lager dan gemiddeld op Facebook.",
        ),
        tips=(
            "Vraag scholen al in het najaar mee te doen, dan past het in het lesprogramma.",
            "Geef de winnende gedichten een tweede leven, bijvoorbeeld op de ramen van de "
            "bibliotheek.",
        ),
    ),
    Theme(
        key="spannende_boekenweken", weight=3,
        titles=("Spannende Boekenweken {jaar}", "Moord in de bibliotheek: escaperoom {jaar}",
                "Thrillerquiz in {vestiging}", "Misdaadavond Spannende Boekenweken {jaar}"),
        windows=((3, 1, 12),), days=(14, 21),
        pools={"doel": ("leesbevordering", "ledenbehoud", "promotie", "bezoek"),
               "doelgroep": ("volwassenen", "leden", "jongvolwassenen"),
               "kanaal": ("nieuwsbrief", "facebook", "instagram", "narrowcasting", "op locatie",
                          "website"),
               "landelijke_campagne": ("sbw",),
               "functie": ("lezen", "ontmoeting"),
               "aanbod": ("wedstrijd", "cadeau"),
               "meetmethode": ("ledenadministratie", "telling")},
        kpis=(("uitleningen", 300, 2000, "uitleningen van spannende boeken"),
              ("deelnemers", 20, 150, None)),
        budgets=((50, 240), (250, 1200)), hours=(10, 50),
        partners=("Escaperoom De Kluis", "Boekhandel Het Leeshuis", "Politie {gemeente}"),
        omschrijving=(
            "In de bibliotheek bouwden we een escaperoom waarin deelnemers met boekfragmenten "
            "een moord moesten oplossen.",
            "Leden die een thriller leenden, maakten kans op een signeersessie met een "
            "misdaadauteur.",
            "Een wijkagent vertelde op een misdaadavond over echte recherchezaken in de regio.",
        ),
        aanleiding=(
            "Thrillers zijn populair, maar de collectie stond verspreid en was slecht vindbaar.",
            "We zochten een activiteit om bestaande leden vaker naar de vestiging te laten "
            "komen.",
        ),
        werkte=(
            "De escaperoom was binnen een dag volgeboekt en leverde veel enthousiaste reacties "
            "op.",
            "Een aparte thrillerhoek maakte de collectie beter zichtbaar.",
        ),
        werkte_niet=(
            "De escaperoom kostte veel opbouwtijd voor een beperkt aantal deelnemers.",
            "De winactie werd aan de balie nauwelijks opgemerkt.",
        ),
        tips=(
            "Bouw een escaperoom samen met een lokale ondernemer, dat scheelt veel tijd.",
            "Zet de collectie rond de actie op een opvallende plek bij de ingang.",
        ),
    ),
    Theme(
        key="nederland_leest", weight=3,
        titles=("Nederland Leest {jaar}", "Leesclubs Nederland Leest {jaar}",
                "Nederland Leest: gesprek in {vestiging}", "Slotdebat Nederland Leest {jaar}"),
        windows=((11, 1, 10),), days=(25, 30),
        pools={"doel": ("leesbevordering", "deelname", "positionering"),
               "doelgroep": ("volwassenen", "senioren", "onderwijs", "leden"),
               "kanaal": ("krant", "persbericht", "nieuwsbrief", "via partners", "radio",
                          "website"),
               "landelijke_campagne": ("nederland leest",),
               "functie": ("lezen", "ontmoeting"),
               "aanbod": ("cadeau", "geen"),
               "meetmethode": ("telling", "enquete")},
        kpis=(("deelnemers", 30, 250, None),
              ("uitleningen", 200, 1200, "uitleningen van het actieboek")),
        budgets=((100, 240), (250, 1500)), hours=(16, 60),
        partners=("Leesclub {vestiging}", "Middelbare school Het Baken",
                  "Volksuniversiteit {gemeente}", "Boekhandel Het Leeshuis"),
        omschrijving=(
            "Rond het actieboek van Nederland Leest organiseerden we leesclubs in alle "
            "vestigingen en een slotdebat.",
            "Leden kregen het actieboek cadeau en werden uitgenodigd voor een gesprek met een "
            "filosoof.",
            "Met een middelbare school in {gemeente} organiseerden we een debat tussen "
            "scholieren en ouderen over het boek.",
        ),
        aanleiding=(
            "Nederland Leest is een mooi moment om het gesprek over een boek naar de wijk te "
            "brengen.",
            "Onze leesclubs vergrijzen; we wilden nieuwe, jongere deelnemers.",
        ),
        werkte=(
            "Het debat tussen scholieren en ouderen was verrassend en leverde een mooi stuk in "
            "de krant op.",
            "De gratis boeken zorgden voor veel aanloop aan de balie.",
        ),
        werkte_niet=(
            "De leesclubs in de kleine vestigingen kwamen moeilijk van de grond.",
            "Het slotdebat viel op een regenachtige avond; de opkomst viel tegen.",
        ),
        tips=(
            "Koppel een leesclub aan een bestaande groep, zoals een buurtvereniging.",
            "Neem het gesprek op voor een podcast of video; zo heb je achteraf nog materiaal.",
        ),
    ),
    Theme(
        key="oud_leden", weight=4,
        titles=("We missen je! Oud-leden terugwinnen {jaar}", "Ansichtkaart aan oud-leden {jaar}",
                "Welkom terug-actie {jaar}", "Heractivatie oud-leden {jaar}"),
        windows=((1, 10, 31), (4, 1, 20), (9, 1, 30), (10, 1, 20)), days=(30, 60),
        pools={"doel": ("ledenbehoud", "ledenwerving"),
               "doelgroep": ("oud-leden",),
               "kanaal": ("direct mail", "nieuwsbrief", "website"),
               "landelijke_campagne": ("geen",),
               "functie": ("lezen",),
               "aanbod": ("korting", "proefperiode"),
               "meetmethode": ("actiecode", "ledenadministratie")},
        kpis=(("heractivaties", 40, 300, "heractiveerde oud-leden"),
              ("nieuwe leden", 30, 200, "teruggekeerde leden")),
        budgets=((400, 1000), (1000, 3500)), hours=(12, 40),
        partners=("Drukkerij De Letterbak", "Postbezorger regio"),
        omschrijving=(
            "Leden die het afgelopen jaar hadden opgezegd, kregen een ansichtkaart met een "
            "persoonlijke boodschap en een kortingscode.",
            "Oud-leden ontvingen een mail met drie maanden gratis lenen als ze voor het einde van "
            "de maand terugkwamen.",
            "Op de kaart stond een foto van hun eigen vestiging met de tekst We missen je.",
        ),
        aanleiding=(
            "Elk jaar zegt een flink deel van de leden op, vaak zonder duidelijke reden.",
            "Een opzegenquête liet zien dat veel oud-leden de bibliotheek nog wel waarderen.",
        ),
        werkte=(
            "De ansichtkaart viel op tussen de post en werd vaak mee naar de balie genomen.",
            "De kortingscode maakte het resultaat precies meetbaar.",
        ),
        werkte_niet=(
            "De mail kwam bij een deel van de oud-leden in de spamfolder terecht.",
            "Een deel van de adressen was verouderd; veel kaarten kwamen retour.",
        ),
        tips=(
            "Schoon het adressenbestand op voordat je gaat versturen.",
            "Stuur de kaart kort na het opzeggen, niet pas na een jaar.",
        ),
    ),
    Theme(
        key="vrienden", weight=3,
        titles=("Word Vriend van de bibliotheek {jaar}", "Vriendenavond {jaar}",
                "Crowdfunding leestuin {vestiging}", "Vriendenactie voor de leestuin {jaar}"),
        windows=ANY_SEASON, days=(30, 120),
        pools={"doel": ("fondsenwerving", "naamsbekendheid"),
               "doelgroep": ("leden", "senioren", "volwassenen"),
               "kanaal": ("nieuwsbrief", "direct mail", "op locatie", "krant", "ambassadeurs",
                          "website"),
               "landelijke_campagne": ("geen",),
               "functie": ("ontmoeting", "kunst"),
               "aanbod": ("cadeau", "anders"),
               "meetmethode": ("ledenadministratie", "telling")},
        kpis=(("aanmeldingen", 20, 150, "nieuwe Vrienden"),
              ("anders", 1500, 9000, "euro aan donaties")),
        budgets=((50, 240), (250, 1500)), hours=(15, 60),
        partners=("Stichting Vrienden van de Bibliotheek {gemeente}", "Serviceclub {gemeente}",
                  "Ondernemers in {vestiging}"),
        omschrijving=(
            "We nodigden leden uit om Vriend van de bibliotheek te worden, met een jaarlijkse "
            "Vriendenavond als bedankje.",
            "Met een crowdfundingactie zamelden we geld in voor een leestuin achter de vestiging "
            "in {vestiging}.",
            "Vrienden kregen een tas met het logo van de bibliotheek en een uitnodiging voor een "
            "voorpremière.",
        ),
        aanleiding=(
            "De gemeente bezuinigde op het budget voor activiteiten.",
            "Veel leden vroegen hoe ze de bibliotheek extra konden steunen.",
        ),
        werkte=(
            "Een concreet doel, zoals de leestuin, maakte het makkelijk om te geven.",
            "Persoonlijk aanspreken tijdens activiteiten leverde veel meer op dan de nieuwsbrief.",
        ),
        werkte_niet=(
            "De online betaalpagina was omslachtig; sommige mensen haakten af.",
            "De actie liep te lang door, waardoor de aandacht verslapte.",
        ),
        tips=(
            "Laat zien wat er met het geld gebeurt, met foto's en een bedankje.",
            "Vraag een paar bekende inwoners als ambassadeur.",
        ),
    ),
    Theme(
        key="huiswerk", weight=3,
        titles=("Huiswerkbegeleiding in {vestiging}", "Huiswerkclub {jaar}",
                "Studieplek en huiswerkhulp {jaar}", "Examentraining in de bieb {jaar}"),
        windows=((1, 8, 31), (2, 1, 28), (3, 1, 31), (9, 1, 30), (10, 1, 31)), days=(60, 150),
        pools={"doel": ("deelname", "positionering", "bezoek"),
               "doelgroep": ("jongeren", "kinderen", "kwetsbaren", "onderwijs"),
               "kanaal": ("via scholen", "instagram", "tiktok", "poster", "website"),
               "landelijke_campagne": ("geen",),
               "functie": ("educatie",),
               "aanbod": ("geen",),
               "meetmethode": ("telling", "enquete")},
        kpis=(("deelnemers", 15, 90, None), ("aanmeldingen", 10, 60, None),
              ("bezoekers", 200, 1500, "bezoeken aan de studieplekken")),
        budgets=((0, 0), (50, 240), (250, 900)), hours=(40, 160),
        partners=("Middelbare school Het Baken", "Jongerenwerk {gemeente}",
                  "Studentenvereniging Mentorkracht"),
        omschrijving=(
            "Twee middagen per week hielpen studenten als vrijwilliger scholieren met plannen en "
            "huiswerk.",
            "In de examenperiode openden we extra studieplekken met gratis koffie en thee.",
            "Samen met het jongerenwerk boden we een huiswerkclub aan voor kinderen die thuis "
            "geen rustige plek hebben.",
        ),
        aanleiding=(
            "Het jongerenwerk zag dat veel scholieren thuis geen rustige plek hebben om te leren.",
            "In de examenperiode zaten alle studieplekken al om negen uur vol.",
        ),
        werkte=(
            "Mentoren van school verwezen leerlingen gericht door.",
            "Korte video's van de studieplekken op TikTok trokken nieuwe jongeren.",
        ),
        werkte_niet=(
            "De begeleiding op vrijdag werd nauwelijks gebruikt.",
            "Het was lastig om genoeg vrijwilligers te vinden in de tentamenweken.",
        ),
        tips=(
            "Werk samen met de mentoren op school; zij weten welke leerlingen het nodig hebben.",
            "Zorg voor stopcontacten en goede wifi, dat maakt of breekt een studieplek.",
        ),
    ),
    Theme(
        key="makerspace", weight=3,
        titles=("Makerspace open dag {jaar}", "Robotweek in {vestiging}",
                "3D-printcursus voor jongeren {jaar}", "Game-avond in de makerspace {jaar}"),
        windows=ANY_SEASON, days=(1, 60),
        pools={"doel": ("deelname", "naamsbekendheid", "bezoek"),
               "doelgroep": ("kinderen", "jongeren", "gezinnen", "jongvolwassenen"),
               "kanaal": ("instagram", "tiktok", "website", "narrowcasting", "op locatie",
                          "via scholen"),
               "landelijke_campagne": ("geen",),
               "functie": ("educatie", "kunst"),
               "aanbod": ("geen", "wedstrijd"),
               "meetmethode": ("telling", "webstatistieken")},
        kpis=(("deelnemers", 20, 200, None),
              ("aanmeldingen", 10, 80, "aanmeldingen voor workshops")),
        budgets=((250, 1000), (1000, 4000)), hours=(20, 100),
        partners=("Techniekcentrum {gemeente}", "Maakbedrijf De Werkplaats",
                  "basisscholen in {gemeente}"),
        omschrijving=(
            "In de makerspace konden kinderen en jongeren programmeren, solderen en 3D-printen "
            "onder begeleiding van vrijwilligers.",
            "Tijdens een robotweek bouwden schoolklassen hun eigen robot en deden ze mee aan een "
            "robotrace.",
            "We organiseerden een game-avond waarop jongeren zelf een spel ontwierpen.",
        ),
        aanleiding=(
            "De makerspace was nieuw en nog onbekend bij gezinnen in de regio.",
            "Scholen vroegen om aanbod rond techniek en programmeren.",
        ),
        werkte=(
            "Kinderen die zelf iets maakten, kwamen met hun ouders terug om het te laten zien.",
            "Een korte video van de robotrace werd veel gedeeld.",
        ),
        werkte_niet=(
            "De apparatuur was kwetsbaar; er ging een 3D-printer stuk.",
            "Jongeren boven de veertien jaar haakten vaak af.",
        ),
        tips=(
            "Zorg voor genoeg begeleiders; één vrijwilliger per vijf kinderen is het minimum.",
            "Laat deelnemers hun werk meenemen of tentoonstellen, dat maakt ze trots.",
        ),
    ),
    Theme(
        key="lezingen", weight=4,
        titles=("Lezingenreeks najaar {jaar}", "Lezing: de geschiedenis van {gemeente}",
                "Gezondheidslezing in {vestiging}", "Reisverhalenavond {jaar}",
                "Lezingen voorjaar {jaar}"),
        windows=((1, 15, 31), (2, 1, 28), (3, 1, 31), (4, 1, 20), (9, 15, 30), (10, 1, 31),
                 (11, 1, 25)),
        days=(1, 90),
        pools={"doel": ("deelname", "naamsbekendheid", "fondsenwerving"),
               "doelgroep": ("volwassenen", "senioren", "leden"),
               "kanaal": ("nieuwsbrief", "krant", "website", "facebook", "persbericht",
                          "narrowcasting"),
               "landelijke_campagne": ("geen",),
               "functie": ("kennis", "ontmoeting", "kunst"),
               "aanbod": ("korting", "geen"),
               "meetmethode": ("telling", "webstatistieken")},
        kpis=(("deelnemers", 30, 200, None),
              ("aanmeldingen", 30, 180, "verkochte kaarten")),
        budgets=((150, 240), (250, 1000), (1000, 2500)), hours=(10, 60),
        counts={"deelnemers": (25, 220)},
        partners=("Historische vereniging {gemeente}", "Huisartsenpraktijk {vestiging}",
                  "Volksuniversiteit {gemeente}"),
        omschrijving=(
            "We organiseerden een reeks van vier lezingen op donderdagavond, met korting voor "
            "leden.",
            "Een arts uit de regio gaf een lezing over gezond ouder worden, met ruimte voor "
            "vragen.",
            "Met de historische vereniging organiseerden we een avond over de geschiedenis van "
            "{gemeente} aan de hand van oude foto's.",
        ),
        aanleiding=(
            "Bezoekers vroegen in de enquête om meer avondactiviteiten.",
            "We willen de bibliotheek neerzetten als plek voor kennis en gesprek.",
        ),
        werkte=(
            "Een lokaal onderwerp trekt meer publiek dan een landelijk bekende spreker.",
            "De aankondiging in de krant bracht vooral oudere bezoekers.",
        ),
        werkte_niet=(
            "Online kaartverkoop was lastig voor oudere bezoekers.",
            "Eén lezing viel samen met een wedstrijd van het Nederlands elftal.",
        ),
        tips=(
            "Vraag altijd een kleine bijdrage; dan komen aangemelde mensen ook echt.",
            "Houd een lijst bij van onderwerpen die bezoekers aandragen.",
        ),
    ),
    Theme(
        key="gemeentebezoek", weight=3,
        titles=("Werkbezoek gemeenteraad {jaar}", "Raadsleden op bezoek in {vestiging}",
                "Jaarverslag aan de wethouder {jaar}", "Bibliotheekontbijt voor raadsleden {jaar}"),
        windows=((1, 15, 31), (2, 1, 28), (3, 1, 31), (5, 1, 31), (6, 1, 20), (9, 15, 30),
                 (10, 1, 31)),
        days=(0, 1),
        pools={"doel": ("lobby", "positionering", "naamsbekendheid"),
               "doelgroep": ("gemeente",),
               "kanaal": ("linkedin", "persbericht", "op locatie", "via partners"),
               "landelijke_campagne": ("geen",),
               "functie": ("kennis", "ontmoeting"),
               "aanbod": ("geen",),
               "meetmethode": ("telling", "schatting")},
        kpis=(("persaandacht", 2, 4, "artikelen en berichten in de media"),
              ("anders", 5, 25, "aanwezige raadsleden")),
        budgets=((0, 0), (20, 240)), hours=(6, 30),
        partners=("Gemeente {gemeente}", "Welzijnsorganisatie {gemeente}"),
        omschrijving=(
            "De gemeenteraad kreeg een rondleiding langs het Taalhuis, de makerspace en het "
            "Informatiepunt Digitale Overheid.",
            "Bij een ontbijt presenteerden we raadsleden het jaarverslag met de maatschappelijke "
            "resultaten van de bibliotheek.",
            "Raadsleden liepen een ochtend mee met medewerkers aan de balie en in de klas.",
        ),
        aanleiding=(
            "In de aanloop naar de begrotingsbehandeling wilden we raadsleden laten zien wat de "
            "bibliotheek doet.",
            "Na de verkiezingen zaten er veel nieuwe raadsleden die de bibliotheek nauwelijks "
            "kenden.",
        ),
        werkte=(
            "Raadsleden spraken zelf met deelnemers; die verhalen bleven beter hangen dan "
            "cijfers.",
            "Een bericht op LinkedIn van een raadslid werd veel gedeeld.",
        ),
        werkte_niet=(
            "Niet alle fracties waren aanwezig.",
            "Het programma was te vol; er bleef weinig tijd voor gesprek.",
        ),
        tips=(
            "Plan het bezoek ruim voor de begrotingsbehandeling.",
            "Laat deelnemers en vrijwilligers het verhaal vertellen, niet alleen de directeur.",
        ),
    ),
    Theme(
        key="boekenweek_jongeren", weight=3,
        titles=("Boekenweek voor Jongeren {jaar}", "Young adult-avond {jaar}",
                "BookTok-battle {jaar}", "Schrijver op school {jaar}"),
        windows=((3, 18, 31), (4, 1, 5)), days=(7, 10),
        pools={"doel": ("leesbevordering", "naamsbekendheid", "bezoek"),
               "doelgroep": ("jongeren", "onderwijs", "jongvolwassenen"),
               "kanaal": ("tiktok", "instagram", "via scholen", "social ads", "narrowcasting"),
               "landelijke_campagne": ("bwvj",),
               "functie": ("lezen", "kunst"),
               "aanbod": ("wedstrijd", "cadeau"),
               "meetmethode": ("social media-statistieken", "telling")},
        kpis=(("bereik", 3000, 40000, None), ("deelnemers", 30, 200, None),
              ("uitleningen", 100, 800, "uitleningen van young adult-boeken")),
        budgets=((100, 240), (250, 1500)), hours=(12, 60),
        counts={"bereik": (2000, 50000)},
        partners=("Middelbare school Het Baken", "Jongerenraad {gemeente}",
                  "Boekhandel Het Leeshuis"),
        omschrijving=(
            "Jongeren maakten in een BookTok-battle korte video's over hun favoriete boek; de "
            "beste werden beloond met een boekenbon.",
            "Tijdens de Boekenweek voor Jongeren bezocht een jonge schrijver de middelbare "
            "scholen in {gemeente}.",
            "Op een young adult-avond kozen jongeren zelf welke boeken er in de nieuwe "
            "jongerenhoek kwamen.",
        ),
        aanleiding=(
            "Jongeren lenen na hun twaalfde veel minder boeken.",
            "De jongerenraad vroeg om een plek in de bibliotheek die echt van jongeren is.",
        ),
        werkte=(
            "Jongeren die zelf video's maakten, bereikten veel meer leeftijdgenoten dan wij.",
            "De jongerenraad bedacht de naam van de actie en deelde alles in het eigen netwerk.",
        ),
        werkte_niet=(
            "De betaalde advertenties bereikten vooral ouders, niet de jongeren zelf.",
            "De avond was te lang; na een uur vertrokken de meeste jongeren.",
        ),
        tips=(
            "Laat jongeren de regie hebben en kijk als bibliotheek vooral mee.",
            "Werk met boekenbonnen als prijs; dat motiveert meer dan merchandise.",
        ),
    ),
    Theme(
        key="aan_huis", weight=2,
        titles=("Bibliotheek aan huis {jaar}", "Boeken aan huis voor senioren {jaar}",
                "Bezorgservice {vestiging}"),
        windows=ANY_SEASON, days=(60, 180),
        pools={"doel": ("promotie", "ledenbehoud", "positionering"),
               "doelgroep": ("senioren", "kwetsbaren", "leden"),
               "kanaal": ("krant", "via partners", "direct mail", "radio", "ambassadeurs"),
               "landelijke_campagne": ("geen",),
               "functie": ("lezen", "kennis"),
               "aanbod": ("geen", "proefperiode"),
               "meetmethode": ("ledenadministratie", "telling")},
        kpis=(("aanmeldingen", 10, 60, "nieuwe deelnemers aan de bezorgservice"),
              ("uitleningen", 500, 3000, "bezorgde boeken")),
        budgets=((0, 0), (50, 240), (250, 900)), hours=(20, 80),
        partners=("Zorgcentrum De Linde", "Welzijnsorganisatie {gemeente}", "Thuiszorg regio"),
        omschrijving=(
            "Vrijwilligers brengen eens per drie weken boeken aan huis bij leden die zelf niet "
            "meer naar de bibliotheek kunnen.",
            "We maakten de bezorgservice bekend via wijkverpleegkundigen, de thuiszorg en een "
            "artikel in de krant.",
            "In het zorgcentrum kwam een wisselcollectie met grote-letterboeken en luisterboeken.",
        ),
        aanleiding=(
            "Leden zegden op omdat ze niet meer naar de vestiging konden komen.",
            "De welzijnsorganisatie zag veel eenzaamheid onder thuiswonende ouderen.",
        ),
        werkte=(
            "Doorverwijzing door wijkverpleegkundigen bracht precies de juiste mensen.",
            "Een item op de lokale omroep leverde direct aanmeldingen op.",
        ),
        werkte_niet=(
            "Vrijwilligers met een auto vinden bleef lastig.",
            "Aanmelden ging via een formulier dat voor de doelgroep te ingewikkeld was.",
        ),
        tips=(
            "Maak afspraken met de thuiszorg over doorverwijzen; zij komen achter de voordeur.",
            "Een vaste vrijwilliger per lezer werkt het best; het contact is minstens zo "
            "belangrijk als de boeken.",
        ),
    ),
    Theme(
        key="online_bibliotheek", weight=4,
        titles=("Campagne e-books en luisterboeken {jaar}", "Download de bibliotheekapp ({jaar})",
                "Luisterboeken voor onderweg {jaar}",
                "Online Bibliotheek onder de aandacht {jaar}"),
        windows=((1, 5, 31), (4, 1, 30), (6, 1, 30), (7, 1, 15), (10, 1, 31), (11, 1, 30),
                 (12, 1, 10)),
        days=(21, 60),
        pools={"doel": ("promotie", "ledenwerving", "ledenbehoud"),
               "doelgroep": ("volwassenen", "jongvolwassenen", "leden", "niet-leden"),
               "kanaal": ("social ads", "sea", "website", "nieuwsbrief", "instagram", "facebook",
                          "narrowcasting"),
               "landelijke_campagne": ("geen",),
               "functie": ("lezen", "kennis"),
               "aanbod": ("proefperiode", "geen"),
               "meetmethode": ("webstatistieken", "social media-statistieken")},
        kpis=(("downloads", 300, 3000, "downloads van de app"),
              ("kliks", 1000, 10000, "kliks op de advertenties"),
              ("bereik", 15000, 120000, None)),
        budgets=((500, 1000), (1000, 5000), (5000, 9000)), hours=(12, 60),
        counts={"bereik": (10000, 150000)},
        partners=("Reclamebureau Koers", "Ondernemersvereniging {vestiging}",
                  "Busvervoerder regio"),
        omschrijving=(
            "Met advertenties op sociale media en in zoekmachines wezen we inwoners op e-books en "
            "luisterboeken in de app.",
            "Leden kregen een nieuwsbrief met een stappenplan om de app te installeren en in te "
            "loggen.",
            "Op de schermen in de vestigingen en bij de bushalte lieten we zien dat je "
            "luisterboeken gratis kunt lenen.",
        ),
        aanleiding=(
            "Het gebruik van e-books en luisterboeken bleef achter bij het landelijk gemiddelde.",
            "Veel leden weten niet dat hun abonnement ook toegang geeft tot de online collectie.",
        ),
        werkte=(
            "Advertenties gericht op forenzen leverden veel downloads op.",
            "Het stappenplan in de nieuwsbrief voorkwam veel vragen aan de balie.",
        ),
        werkte_niet=(
            "De stap van advertentie naar inloggen was ingewikkeld; veel mensen haakten af.",
            "Zonder UTM-codes konden we de kanalen niet goed vergelijken.",
        ),
        tips=(
            "Gebruik UTM-codes op alle links, dan zie je per kanaal wat het oplevert.",
            "Leg in één beeld uit hoe je inlogt; de drempel zit vooral daar.",
        ),
    ),
    Theme(
        key="themamaand", weight=3,
        titles=("Maand van de Geschiedenis: {vestiging} toen en nu",
                "Week van de Mediawijsheid {jaar}", "Nepnieuws ontmaskeren {jaar}",
                "Erfgoedmiddag {jaar}"),
        windows=((10, 1, 10), (11, 10, 20)), days=(7, 30),
        pools={"doel": ("deelname", "naamsbekendheid", "positionering"),
               "doelgroep": ("volwassenen", "jongeren", "onderwijs", "senioren"),
               "kanaal": ("website", "facebook", "linkedin", "krant", "poster"),
               "landelijke_campagne": ("anders",),
               "functie": ("kennis", "kunst", "ontmoeting"),
               "aanbod": ("geen", "anders"),
               "meetmethode": ("telling", "webstatistieken")},
        kpis=(("deelnemers", 20, 150, None), ("bereik", 1000, 15000, None),
              ("anders", 3, 12, "klassen die meededen")),
        budgets=((50, 240), (250, 1000)), hours=(10, 50),
        partners=("Historische vereniging {gemeente}", "Regionaal archief",
                  "Middelbare school Het Baken", "Lokale omroep {gemeente}"),
        omschrijving=(
            "In de Maand van de Geschiedenis toonden we oude foto's van {vestiging} naast foto's "
            "van nu, en konden bezoekers hun eigen verhalen vertellen.",
            "Tijdens de Week van de Mediawijsheid gaven we workshops nepnieuws ontmaskeren aan "
            "klassen uit het voortgezet onderwijs.",
            "Inwoners konden op een erfgoedmiddag oude documenten en foto's laten bekijken door "
            "het archief.",
        ),
        aanleiding=(
            "De historische vereniging zocht een plek om haar collectie te laten zien.",
            "Docenten vroegen om lessen over betrouwbare informatie en sociale media.",
        ),
        werkte=(
            "Bezoekers brachten zelf foto's mee; dat leverde mooie gesprekken op.",
            "De workshop sloot aan op het lesprogramma en was snel volgeboekt.",
        ),
        werkte_niet=(
            "De tentoonstelling stond op een plek waar weinig mensen langskomen.",
            "De promotie begon te laat om nog klassen in te plannen.",
        ),
        tips=(
            "Haak aan bij landelijke themaweken; dan is er vaak gratis promotiemateriaal.",
            "Laat de historische vereniging zelf rondleidingen geven.",
        ),
    ),
    Theme(
        key="opening", weight=2,
        titles=("Opening vernieuwde bibliotheek {vestiging}",
                "Feestweek 50 jaar bibliotheek in {vestiging}",
                "Heropening na verbouwing in {vestiging}", "Open huis {jaar}"),
        windows=((3, 1, 31), (4, 1, 30), (5, 1, 31), (9, 1, 30), (10, 1, 20)), days=(7, 21),
        pools={"doel": ("naamsbekendheid", "bezoek", "ledenwerving"),
               "doelgroep": ("niet-leden", "gezinnen", "volwassenen", "gemeente"),
               "kanaal": ("buitenreclame", "radio", "krant", "persbericht", "social ads",
                          "facebook", "instagram", "direct mail", "ambassadeurs"),
               "landelijke_campagne": ("geen",),
               "functie": ("ontmoeting", "kunst", "kennis"),
               "aanbod": ("proefperiode", "cadeau", "wedstrijd"),
               "meetmethode": ("telling", "ledenadministratie", "schatting")},
        kpis=(("bezoekers", 1000, 6000, None), ("nieuwe leden", 50, 400, None),
              ("persaandacht", 2, 8, "artikelen en items in de media")),
        budgets=((3000, 5000), (5000, 12000)), hours=(60, 250),
        counts={"nieuwe_leden": (40, 350), "deelnemers": (800, 5000), "bereik": (20000, 90000)},
        partners=("Gemeente {gemeente}", "Ondernemersvereniging {vestiging}",
                  "Muziekschool {gemeente}", "Lokale omroep {gemeente}"),
        omschrijving=(
            "Na de verbouwing openden we de vestiging in {vestiging} met een feestweek vol "
            "activiteiten voor alle leeftijden.",
            "Iedereen die zich tijdens de feestweek inschreef, kreeg drie maanden gratis "
            "lidmaatschap.",
            "Met spandoeken, een huis-aan-huisbrief en radiospots maakten we de opening in de "
            "hele gemeente bekend.",
            "Op de openingsdag waren er optredens van de muziekschool, rondleidingen en een "
            "boekenmarkt.",
        ),
        aanleiding=(
            "De vestiging was een jaar dicht geweest en veel inwoners wisten niet dat hij weer "
            "open was.",
            "De nieuwe vestiging ligt op een plek waar de bibliotheek nog onbekend is.",
        ),
        werkte=(
            "De huis-aan-huisbrief met een persoonlijke uitnodiging bracht veel gezinnen op de "
            "been.",
            "De wethouder die het lint doorknipte, zorgde voor aandacht in de krant en op de "
            "lokale omroep.",
        ),
        werkte_niet=(
            "Op de openingsdag was het te druk om nieuwe leden rustig in te schrijven.",
            "De radiospots waren duur in verhouding tot wat ze opleverden.",
        ),
        tips=(
            "Zorg voor extra mensen aan de inschrijftafel op de openingsdag.",
            "Plan na de opening een tweede moment, zodat de aandacht niet meteen wegzakt.",
        ),
    ),
    Theme(
        key="ledenbehoud", weight=3,
        titles=("Welkomstreeks voor nieuwe leden {jaar}", "Ledenenquête {jaar}",
                "Verlengmail aan leden {jaar}", "Ledenvoordeel in de spotlight {jaar}"),
        windows=ANY_SEASON, days=(30, 120),
        pools={"doel": ("ledenbehoud", "promotie"),
               "doelgroep": ("leden",),
               "kanaal": ("nieuwsbrief", "website", "narrowcasting"),
               "landelijke_campagne": ("geen",),
               "functie": ("lezen", "kennis"),
               "aanbod": ("geen", "korting", "wedstrijd"),
               "meetmethode": ("enquete", "webstatistieken", "ledenadministratie")},
        kpis=(("kliks", 300, 3000, "kliks in de mails"),
              ("heractivaties", 30, 250, "leden die hun abonnement verlengden"),
              ("anders", 200, 1500, "ingevulde enquêtes")),
        budgets=((0, 0), (50, 240), (250, 800)), hours=(10, 40),
        partners=("Reclamebureau Koers", "Onderzoeksbureau Peil"),
        omschrijving=(
            "Nieuwe leden kregen in hun eerste drie maanden vier mails met tips over de "
            "collectie, activiteiten en de app.",
            "We vroegen alle leden in een enquête wat ze van de bibliotheek vinden; onder de "
            "invullers verlootten we boekenbonnen.",
            "Leden van wie het abonnement bijna afliep, kregen een persoonlijke mail met een "
            "overzicht van wat ze het afgelopen jaar leenden.",
        ),
        aanleiding=(
            "Veel nieuwe leden zegden na het eerste jaar al op.",
            "We wisten te weinig over wat leden waarderen en wat ze missen.",
        ),
        werkte=(
            "Het persoonlijke leesoverzicht werd goed gelezen en vaak doorgestuurd.",
            "De enquête leverde concrete verbeterpunten op die we meteen konden oppakken.",
        ),
        werkte_niet=(
            "De tweede en derde mail werden veel minder geopend dan de eerste.",
            "De enquête was te lang; veel leden stopten halverwege.",
        ),
        tips=(
            "Houd een enquête onder de tien vragen.",
            "Stuur de welkomstmails kort na elkaar; na een maand is het enthousiasme weg.",
        ),
    ),
)

# ------------------------------------------------------------------------ shared text blocks

GENERIC_OMSCHRIJVING = (
    "Het team van {vestiging} voerde de actie uit, samen met vrijwilligers.",
    "Samen met {partner} stelden we het programma samen.",
    "Alle vestigingen deden mee met een eigen hoek in de hal.",
    "De actie liep ongeveer {weken} weken.",
    "We gebruikten het promotiemateriaal van de landelijke organisatie en vulden het aan met "
    "eigen foto's.",
)
GENERIC_AANLEIDING = (
    "Uit de jaarcijfers bleek dat deze groep de bibliotheek nauwelijks weet te vinden.",
    "Het jaarplan vroeg om meer zichtbaarheid buiten de vestigingen.",
    "De gemeente vroeg de bibliotheek hier een bijdrage aan te leveren.",
    "Een vergelijkbare actie in een andere bibliotheek had goede resultaten.",
)
GENERIC_WERKTE = (
    "Persoonlijk contact aan de balie bleek het sterkste wervingsmiddel.",
    "Een draaiboek van eerdere jaren scheelde veel voorbereidingstijd.",
    "Door vroeg te beginnen konden we drukwerk en sociale media goed op elkaar afstemmen.",
    "Vrijwilligers waren enthousiast en namen zelf mensen mee.",
    "De korte lijnen met {partner} maakten snel schakelen mogelijk.",
    "Foto's van eerdere edities deden het goed op sociale media.",
)
GENERIC_WERKTE_NIET = (
    "De planning was krap, waardoor het drukwerk pas laat in de wijk lag.",
    "De registratie van deelnemers verschilde per vestiging, dus de cijfers zijn onvolledig.",
    "Op de drukste momenten was er te weinig bezetting aan de balie.",
    "Het weer zat tegen; de buitenactiviteiten trokken minder mensen.",
    "De berichten op sociale media bereikten vooral mensen die ons al volgen.",
    "Er was te weinig tijd om de actie met de partners te evalueren.",
)
GENERIC_TIPS = (
    "Leg vooraf vast hoe je gaat meten, anders heb je achteraf geen cijfers.",
    "Gebruik een actiecode per kanaal; dan zie je precies wat werkt.",
    "Plan de evaluatie meteen in de week na afloop.",
    "Betrek de collega's aan de balie vanaf het begin; zij vertellen het verhaal aan bezoekers.",
    "Begin klein en breid uit als het werkt.",
    "Vraag deelnemers aan het eind waar ze de actie van kenden.",
)
MEETBAAR_DOEL = (
    "Minimaal {streef} {eenheid}.",
    "{streef} {eenheid} binnen de actieperiode.",
    "Doel vooraf: {streef} {eenheid}.",
    "We wilden {streef} {eenheid} halen.",
)
VAGUE_DOEL = (
    "Meer {eenheid} dan vorig jaar.",
    "Zoveel mogelijk {eenheid}; geen streefcijfer afgesproken.",
)
RESULT_TEXTS = {
    "boven": (
        "Met {resultaat} {eenheid} haalden we de streefwaarde van {streef}.",
        "Het doel van {streef} {eenheid} is gehaald; het werden er {resultaat}.",
        "{resultaat} {eenheid}, meer dan verwacht. De laatste week gaf de grootste piek.",
    ),
    "deels": (
        "We bleven steken op {resultaat} {eenheid}; de streefwaarde was {streef}.",
        "Niet helemaal gehaald: {resultaat} van de {streef} {eenheid}.",
        "{resultaat} {eenheid} in plaats van {streef}; de start verliep trager dan gepland.",
    ),
    "nul": (
        "Er kwamen via deze actie geen {eenheid} binnen.",
        "Helaas geen resultaat: door te weinig aanmeldingen ging het niet door.",
    ),
    "ontbreekt": (
        "De cijfers zijn nog niet binnen; we vullen ze later aan.",
        "Niet gemeten, wel veel positieve reacties van bezoekers.",
    ),
    "geen_streef": (
        "Vooraf was er geen streefwaarde; we telden {resultaat} {eenheid}.",
        "{resultaat} {eenheid}. Volgend jaar stellen we vooraf een doel.",
    ),
    "geen_kpi": (
        "Niet gemeten, wel veel positieve reacties.",
        "Geen cijfers bijgehouden; medewerkers merkten duidelijk meer drukte.",
        "Het ging vooral om ervaring opdoen; de evaluatie was kwalitatief.",
    ),
}
KPI_UNITS = {  # hint -> how the KPI is counted in text
    "deelnemers": "deelnemers", "bezoekers": "bezoekers", "nieuwe leden": "nieuwe leden",
    "uitleningen": "uitleningen", "downloads": "downloads", "bereik": "weergaven",
    "kliks": "kliks", "aanmeldingen": "aanmeldingen", "persaandacht": "artikelen in de pers",
    "heractivaties": "heractivaties",
}
KPI_MIRROR = {  # hint -> count column that holds the same number as Resultaat
    "nieuwe leden": "nieuwe_leden", "deelnemers": "deelnemers", "bezoekers": "deelnemers",
    "bereik": "bereik",
}
INTERNAL_NOTES = (
    "Factuur drukwerk nog niet ontvangen.",
    "Cijfers nog nakijken bij de ledenadministratie.",
    "Niet rondsturen voor de begrotingsbehandeling.",
    "Budget gedeeld met afdeling educatie.",
    "Toestemming voor foto's van kinderen nog controleren.",
    "Was eerst gepland voor het voorjaar.",
    "Offerte drukker bij twee partijen opgevraagd.",
    "Evaluatie besproken in het MT.",
    "Subsidieaanvraag loopt nog.",
)
LONG_REPORT_SENTENCES = (
    "In de voorbereiding kwam de werkgroep zes keer bij elkaar.",
    "We maakten een draaiboek met taken per vestiging en per week.",
    "Het promotiemateriaal werd in drie rondes verspreid: eerst naar scholen en partners, daarna "
    "in de vestigingen en tot slot huis aan huis.",
    "Tijdens de actie hielden we per dag bij hoeveel mensen er kwamen en wat ze vroegen.",
    "Vrijwilligers kregen vooraf een korte training en een informatiekaart met antwoorden op "
    "veelgestelde vragen.",
    "Na afloop hielden we een evaluatie met alle betrokken medewerkers en partners.",
    "De resultaten zijn gedeeld met de gemeente en opgenomen in het jaarverslag.",
    "Een aantal onderdelen nemen we volgend jaar weer op, andere laten we vallen.",
)

# ------------------------------------------------------------------------ deliberate oddities

DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")
DUTCH_MONTHS_SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.",
                      "okt.", "nov.", "dec.")
START_STYLES = {"d-m-yyyy": 5, "dd-mm-yyyy": 4, "d/m/yyyy": 4, "iso": 4, "d maand yyyy": 4,
                "d mnd. yyyy": 4, "maand yyyy": 3, "serial": 2}
END_STYLES = {"d-m-yyyy": 4, "dd-mm-yyyy": 3, "d/m/yyyy": 2, "iso": 3, "d maand yyyy": 3,
              "d mnd. yyyy": 2}
AMOUNT_STYLES = (  # (style, rows, which budgets suit it) -- applied to clean rows
    ("euro-cent", 2, lambda v: v >= 1000), ("euro", 2, lambda v: 100 <= v < 1000),
    ("punt", 3, lambda v: v >= 1000), ("EUR", 3, lambda v: 100 <= v < 1000),
    ("circa", 3, lambda v: v >= 100), ("streep", 2, lambda v: v > 0),
    ("nvt", 2, lambda v: v > 0), ("tekst", 2, lambda v: v >= 1000),
)
HOURS_AS_TEXT = 3
OUTCOMES = {"nul": 5, "ontbreekt": 14, "geen_streef": 14, "deels": 55}  # the rest: boven
DELEN_VALUES = {"ja": 3, "Ja": 3, "JA": 2, "j": 2, "x": 2, "yes": 1}
DELEN_NEE = ("nee", "Nee", "N", "nee", "no")
BEHAALD_TYPED = 9
VARIANT_RATE = 0.09
DELIBERATE_VARIANTS = {"kanaal": ("FB", "insta", "IG", "folder", "krant", "mailing")}
NEAR_MISS_LIBRARY = ("Bibliotheek Hollands Plassen", "Bibliotheek Hollands Plasen")
UNKNOWN_LIBRARY = "Leespunt De Oostkaap"
CASE_VARIANT_LIBRARY = "Bibliotheek Veenweide"

# ================================================================================= the schema


@dataclass(frozen=True)
class Field:
    veld: str
    kop: str
    type: str
    niveau: str
    beschrijving: str
    keuzelijst: str | None


@dataclass(frozen=True)
class Vocabulary:
    key: str
    labels: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]
    index: dict[str, str]  # normalised label or synonym -> label; labels win

    def resolve(self, hint: str) -> str:
        try:
            return self.index[normalise(hint)]
        except KeyError:
            raise KeyError(f"'{hint}' is label noch synoniem in keuzelijst '{self.key}' "
                           f"(schemas/vocabularies.yml)") from None

    def variants(self, label: str) -> list[str]:
        """Synonyms that map back to this label only."""
        return [s for s in self.synonyms[label]
                if self.index[normalise(s)] == label and normalise(s) != normalise(label)]


def load_yaml(name: str) -> Any:
    return yaml.safe_load((SCHEMAS / name).read_text(encoding="utf-8"))


def load_fields() -> dict[str, list[Field]]:
    return {
        tab: [Field(f["veld"], f["kop"], f["type"], f["niveau"], f.get("beschrijving", ""),
                    f.get("keuzelijst")) for f in fields]
        for tab, fields in load_yaml("fields.yml").items() if tab != "algemeen"
    }


def load_vocabularies() -> dict[str, Vocabulary]:
    vocabularies = {}
    for key, spec in load_yaml("vocabularies.yml").items():
        labels = tuple(v["label"] for v in spec["waarden"])
        synonyms = {v["label"]: tuple(v.get("synoniemen") or ()) for v in spec["waarden"]}
        index: dict[str, str] = {}
        for label in labels:
            index.setdefault(normalise(label), label)
        for label in labels:
            for synonym in synonyms[label]:
                index.setdefault(normalise(synonym), label)
        vocabularies[key] = Vocabulary(key, labels, synonyms, index)
    return vocabularies


def load_corrections() -> list[dict[str, str]]:
    return [c for c in (load_yaml("corrections.yml") or []) if c.get("tabblad") == "Acties"]


@lru_cache(maxsize=65536)  # pure; bench/generate.py calls it millions of times
def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z+]+", " ", plain).split())


def slugify(text: str) -> str:
    return normalise(text).replace("+", "").replace(" ", "-")


@dataclass
class Context:
    """Everything the generator reads from schemas/, resolved once."""

    fields: dict[str, list[Field]]
    vocabularies: dict[str, Vocabulary]
    corrections: list[dict[str, str]]
    vocabulary_fields: dict[str, str]  # vocabulary key -> Acties veld
    theme_labels: dict[str, dict[str, tuple[str, ...]]]  # theme -> vocabulary key -> labels

    def field(self, veld: str) -> Field:
        return next(f for f in self.fields["Acties"] if f.veld == veld)

    def is_list(self, veld: str) -> bool:
        return self.field(veld).type == "keuzelijst"

    def label(self, vocabulary: str, hint: str) -> str:
        return self.vocabularies[vocabulary].resolve(hint)


def load_context() -> Context:
    fields = load_fields()
    vocabularies = load_vocabularies()
    vocabulary_fields = {f.keuzelijst: f.veld for f in fields["Acties"] if f.keuzelijst}
    theme_labels = {
        theme.key: {key: tuple(vocabularies[key].resolve(h) for h in hints)
                    for key, hints in theme.pools.items()}
        | {"kpi": tuple(vocabularies["kpi"].resolve(k[0]) for k in theme.kpis)}
        for theme in THEMES
    }
    return Context(fields, vocabularies, load_corrections(), vocabulary_fields, theme_labels)


# ================================================================================ the actions


@dataclass(frozen=True)
class Token:
    """One value in a vocabulary cell: the label it stands for (None: none) and what is typed."""

    label: str | None
    text: str


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Plan:
    library: Library
    theme: Theme
    start: date


@dataclass(frozen=True)
class Style:
    """How one row is typed: which date and amount notation, the Delen value, the outcome."""

    start: str = "date"
    end: str = "date"
    outcome: str = "boven"
    delen: str | None = None
    behaald: bool = False


@dataclass
class Note:
    text: str
    ref: "Action | None" = None  # "{ref}" in text becomes that action's sheet row


@dataclass
class Action:
    library: Library
    theme: Theme
    start: date
    values: dict[str, Cell]
    tokens: dict[str, list[Token]]
    separator: str = ", "
    hidden: bool = False  # Delen = nee
    notes: list[Note] = field(default_factory=list)  # deliberate defects
    info: list[str] = field(default_factory=list)  # deliberate but valid oddities
    internal_note: str | None = None
    sheet_row: int | None = None

    @property
    def clean(self) -> bool:
        return not self.notes and not self.hidden


@dataclass
class Measure:
    hint: str
    label: str
    unit: str
    target: int | None
    result: int | None
    outcome: str


def make_contacts(rng: random.Random) -> dict[str, tuple[Contact, ...]]:
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    contacts = {}
    for library in LIBRARIES:
        people = []
        for _ in range(rng.randint(1, 3)):
            first, last = pairs.pop()
            local = (f"{first[0].lower()}.{slugify(last).replace('-', '')}" if rng.random() < 0.6
                     else f"{slugify(first)}.{slugify(last).replace('-', '')}")
            people.append(Contact(f"{first} {last}", f"{local}@{library.slug}.bieb-voorbeeld.nl"))
        contacts[library.naam] = tuple(people)
    return contacts


def spread_counts(n: int, total: int, rng: random.Random) -> list[int]:
    low, high = ACTIONS_PER_LIBRARY
    counts = [rng.randint(low, high) for _ in range(n)]
    while sum(counts) != total:
        i = rng.randrange(n)
        if sum(counts) < total and counts[i] < high:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > low:
            counts[i] -= 1
    return counts


def pick_start(theme: Theme, rng: random.Random) -> date:
    years, weights = zip(*YEAR_WEIGHTS)
    while True:
        year = rng.choices(years, weights)[0]
        month, first, last = rng.choice(theme.windows)
        day = rng.randint(first, last)
        start = date(year, month, min(day, 28 if month == 2 else day))
        if FIRST_START <= start <= LAST_START:
            return start


def theme_counts(total: int, rng: random.Random) -> dict[str, int]:
    """How often each theme occurs: by weight, at least MIN_PER_THEME, summing to ``total``."""
    weight_sum = sum(t.weight for t in THEMES)
    counts = {t.key: max(MIN_PER_THEME, round(t.weight * total / weight_sum)) for t in THEMES}
    keys = list(counts)
    while sum(counts.values()) != total:
        key = rng.choice(keys)
        if sum(counts.values()) < total:
            counts[key] += 1
        elif counts[key] > MIN_PER_THEME:
            counts[key] -= 1
    return counts


def plan_actions(rng: random.Random) -> list[Plan]:
    """Who did what when: a shuffled deck of themes dealt over the active libraries."""
    active = [lib for lib in LIBRARIES if lib.naam not in INACTIVE_LIBRARIES]
    by_key = {t.key: t for t in THEMES}
    cards = deck(theme_counts(ACTIONS_TOTAL, rng), ACTIONS_TOTAL, None, rng)
    plans = []
    for library, count in zip(active, spread_counts(len(active), ACTIONS_TOTAL, rng)):
        taken: list[tuple[str, int]] = []
        while count:
            theme = by_key[cards.pop()]
            for _ in range(20):
                start = pick_start(theme, rng)
                if (theme.key, start.year) not in taken:
                    break
            else:
                cards.insert(0, theme.key)
                continue
            taken.append((theme.key, start.year))
            plans.append(Plan(library, theme, start))
            count -= 1
    plans.sort(key=lambda p: (p.start, p.library.naam, p.theme.key))
    return plans


def deck(counts: dict[str, int], size: int, filler: str | None, rng: random.Random) -> list:
    cards: list = [value for value, n in counts.items() for _ in range(n)]
    cards += [filler] * (size - len(cards))
    rng.shuffle(cards)
    return cards


def plan_styles(n: int, rng: random.Random) -> list[Style]:
    starts = deck(START_STYLES, n, "date", rng)
    ends = deck(END_STYLES, n, "date", rng)
    outcomes = deck(OUTCOMES, n, "boven", rng)
    delen = deck(DELEN_VALUES, n, None, rng)
    behaald = deck({"typed": BEHAALD_TYPED}, n, None, rng)
    return [Style(starts[i], ends[i], outcomes[i], delen[i], behaald[i] == "typed")
            for i in range(n)]


# ------------------------------------------------------------------------------------ texts


@lru_cache(maxsize=None)  # pure; the templates are a fixed set
def placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def fill_one(templates: tuple[str, ...], words: dict[str, str | None],
             rng: random.Random) -> str:
    usable = [t for t in templates if all(words.get(p) for p in placeholders(t))]
    return rng.choice(usable).format(**words)


def sentences(own: tuple[str, ...], generic: tuple[str, ...], words: dict[str, str | None],
              rng: random.Random, most: int = 2, generic_chance: float = 0.3) -> str:
    """1 to ``most`` sentences of the theme's own, sometimes followed by a generic one."""
    usable = [t for t in own if all(words.get(p) for p in placeholders(t))]
    chosen = rng.sample(usable, min(len(usable), rng.randint(1, most)))
    text = [t.format(**words) for t in chosen]
    if rng.random() < generic_chance:
        text.append(fill_one(generic, words, rng))
    return " ".join(text)


def dutch_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nice(value: int) -> int:
    step = 1 if value < 50 else 5 if value < 500 else 50 if value < 5000 else 500
    return max(step, round(value / step) * step)


# ------------------------------------------------------------------------------------- cells


def format_date(day: date, style: str) -> Cell:
    formats = {
        "date": lambda: day,
        "d-m-yyyy": lambda: f"{day.day}-{day.month}-{day.year}",
        "dd-mm-yyyy": lambda: f"{day.day:02d}-{day.month:02d}-{day.year}",
        "d/m/yyyy": lambda: f"{day.day}/{day.month}/{day.year}",
        "iso": lambda: day.isoformat(),
        "d maand yyyy": lambda: f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}",
        "d mnd. yyyy": lambda: f"{day.day} {DUTCH_MONTHS_SHORT[day.month - 1]} {day.year}",
        "maand yyyy": lambda: f"{DUTCH_MONTHS[day.month - 1]} {day.year}",
        "serial": lambda: (day - date(1899, 12, 30)).days,
    }
    return formats[style]()


def format_amount(value: float, style: str) -> str:
    whole = float(value).is_integer()
    formats = {
        "euro-cent": lambda: f"€ {dutch_number(value, 2)}",
        "euro": lambda: f"€ {dutch_number(value, 0 if whole else 2)}",
        "punt": lambda: dutch_number(value, 0 if whole else 2),
        "EUR": lambda: f"EUR {dutch_number(value, 0 if whole else 2)}",
        "circa": lambda: f"ca. {dutch_number(50 * round(value / 50) or 50)}",
        "streep": lambda: "-",
        "nvt": lambda: "n.v.t.",
        "tekst": lambda: str(int(value)) if whole else dutch_number(value, 2),
    }
    return formats[style]()


def style_amounts(actions: list[Action], rng: random.Random) -> None:
    """Type some budgets and hours as text, the way people do: '€ 1.250,50', 'ca. 200', '-'."""
    shuffled = rng.sample(actions, len(actions))
    for style, rows, suits in AMOUNT_STYLES:
        candidates = [a for a in shuffled if a.clean and not a.info
                      and isinstance(a.values.get("budget_eur"), (int, float))
                      and suits(a.values["budget_eur"])]
        for action in candidates[:rows]:
            value = action.values["budget_eur"]
            if style == "euro-cent" and float(value).is_integer():
                value += 0.5
            action.values["budget_eur"] = format_amount(value, style)
            action.info.append(f"Budget typed as '{action.values['budget_eur']}'")
    candidates = [a for a in shuffled if a.clean and not a.info
                  and isinstance(a.values.get("uren"), float)]
    for action in candidates[:HOURS_AS_TEXT]:
        action.values["uren"] = dutch_number(action.values["uren"], 1)
        action.info.append(f"Inzet (uren) typed as '{action.values['uren']}'")


def make_token(vocabulary: Vocabulary, label: str, rng: random.Random) -> Token:
    """The label as typed: mostly exact, sometimes in other case or as a synonym."""
    if rng.random() >= VARIANT_RATE:
        return Token(label, label)
    synonyms = vocabulary.variants(label)
    if synonyms and rng.random() < 0.6:
        synonym = rng.choice(synonyms)
        return Token(label, synonym.upper() if len(synonym) <= 3 and rng.random() < 0.6
                     else synonym)
    return Token(label, label.upper() if len(label) <= 10 and rng.random() < 0.4
                 else label.lower())


# ------------------------------------------------------------------------------ one action

LIST_SIZES = {  # vocabulary key -> (sizes, weights); doel and doelgroep start at the primary
    "doel": ((1, 2, 3), (50, 35, 15)),
    "doelgroep": ((1, 2, 3), (45, 40, 15)),
    "kanaal": ((1, 2, 3, 4), (10, 35, 35, 20)),
    "functie": ((1, 2), (60, 40)),
}
PRIMARY_FIRST = ("doel", "doelgroep")
SINGLE_FILL = {"landelijke_campagne": 0.85, "aanbod": 0.8, "meetmethode": 0.85}


def pick_labels(key: str, pool: tuple[str, ...], rng: random.Random, complete: bool) -> list:
    if key in LIST_SIZES:
        sizes, weights = LIST_SIZES[key]
        size = min(len(pool), rng.choices(sizes, weights)[0])
        if key in PRIMARY_FIRST:
            return [pool[0], *rng.sample(pool[1:], size - 1)]
        return rng.sample(pool, size)
    if complete or rng.random() < SINGLE_FILL.get(key, 1.0):
        return [rng.choice(pool)]
    return []


def pick_measure(theme: Theme, outcome: str, ctx: Context, rng: random.Random,
                 complete: bool) -> Measure | None:
    if not complete and rng.random() >= 0.92:
        return None
    hint, low, high, unit = rng.choice(theme.kpis)
    target = nice(rng.randint(low, high))
    if outcome == "deels" and target < 2:
        outcome = "boven"
    result = {
        "boven": lambda: round(target * rng.uniform(1.0, 1.6)),
        "deels": lambda: max(1, min(target - 1, round(target * rng.uniform(0.35, 0.95)))),
        "nul": lambda: 0,
        "ontbreekt": lambda: None,
        "loopt": lambda: None,
        "geen_streef": lambda: rng.randint(low, high),
    }[outcome]()
    return Measure(hint, ctx.label("kpi", hint), unit or KPI_UNITS[hint],
                   None if outcome == "geen_streef" else target, result, outcome)


def typed_behaald(measure: Measure | None, finished: bool) -> str:
    if not measure or not finished or measure.result is None or measure.target is None:
        return "onbekend"
    return {"boven": "ja", "deels": "deels", "nul": "nee"}.get(measure.outcome, "onbekend")


def make_links(library: Library, title: str, year: int, rng: random.Random) -> str:
    slug = slugify(title)[:50].strip("-")
    options = [
        f"https://www.{library.slug}.bieb-voorbeeld.nl/acties/{year}/{slug}",
        f"https://www.bibliotheek-voorbeeld.nl/materiaal/{library.slug}/{slug}.pdf",
        f"https://beeldbank.bibliotheek-voorbeeld.nl/{library.slug}/{year}/{slug}",
    ]
    links = rng.sample(options, rng.choice((1, 1, 2)))
    return rng.choice(("\n", ", ")).join(links)


def describe_results(measure: Measure | None, rng: random.Random) -> str:
    if measure is None:
        return rng.choice(RESULT_TEXTS["geen_kpi"])
    words = {"resultaat": dutch_number(measure.result or 0),
             "streef": dutch_number(measure.target or 0), "eenheid": measure.unit}
    return rng.choice(RESULT_TEXTS[measure.outcome]).format(**words)


def describe_goal(measure: Measure | None, rng: random.Random) -> str | None:
    if measure is None:
        return None
    if measure.target is None:
        return rng.choice(VAGUE_DOEL).format(eenheid=measure.unit)
    return rng.choice(MEETBAAR_DOEL).format(streef=dutch_number(measure.target),
                                            eenheid=measure.unit)


def pick_budget(theme: Theme, rng: random.Random) -> float:
    low, high = rng.choice(theme.budgets)
    if high == 0:
        return 0
    value = nice(rng.randint(low, high)) if high >= 250 else 5 * round(rng.randint(low, high) / 5)
    value = min(max(value, low), high)
    return value + 0.5 if rng.random() < 0.1 else value


def build_action(plan: Plan, style: Style, contacts: tuple[Contact, ...], ctx: Context,
                 rng: random.Random, complete: bool = False) -> Action:
    """One action as the library typed it (before any deliberate defect)."""
    library, theme = plan.library, plan.theme

    def chance(p: float) -> bool:
        return complete or rng.random() < p

    start = plan.start.replace(day=1) if style.start == "maand yyyy" else plan.start
    end = start + timedelta(days=rng.randint(*theme.days)) if chance(0.96) else None
    finished = complete or start < RESULTS_UNTIL
    words: dict[str, str | None] = {
        "vestiging": rng.choice(library.vestigingen), "gemeente": rng.choice(library.gemeenten),
        "jaar": str(start.year), "weken": str(max(1, ((end or start) - start).days // 7)),
    }
    partners = pick_partners(theme, words, rng) if chance(0.55) else []
    words["partner"] = partners[0] if partners else None
    measure = pick_measure(theme, style.outcome if finished else "loopt", ctx, rng, complete)

    values: dict[str, Cell] = {
        "bibliotheek": library.naam,
        "vestigingen": ", ".join(rng.sample(library.vestigingen, rng.choice((1, 1, 2))))
        if chance(0.55) else None,
        "titel": fill_one(theme.titles, words, rng),
        "omschrijving": sentences(theme.omschrijving, GENERIC_OMSCHRIJVING, words, rng),
        "aanleiding": (sentences(theme.aanleiding, GENERIC_AANLEIDING, words, rng, 1, 0.25)
                       if chance(0.92) else None),
        "partners": rng.choice((", ", "; ")).join(partners) or None,
        "startdatum": format_date(start, style.start),
        "einddatum": format_date(end, style.end) if end else None,
        "budget_eur": pick_budget(theme, rng) if chance(0.95) else None,
        "uren": (rng.randint(*theme.hours) + (0.5 if rng.random() < 0.1 else 0))
        if chance(0.94) else None,
        "meetbaar_doel": describe_goal(measure, rng),
        "streefwaarde": measure.target if measure else None,
        "resultaat": measure.result if measure else None,
        "doel_behaald": typed_behaald(measure, finished) if style.behaald else None,
    }
    values.update(pick_counts(theme, measure, rng, chance))
    if finished:
        values.update(describe_outcome(theme, measure, words, rng, chance))
    values["links"] = make_links(library, str(values["titel"]), start.year, rng) \
        if chance(0.45) else None
    values.update(pick_contact(contacts, rng, complete))
    values["delen"] = style.delen
    tokens = pick_tokens(theme, measure, ctx, rng, complete)
    separator = rng.choices((", ", "; ", "\n"), (65, 25, 10))[0]
    return Action(library, theme, start, values, tokens, separator)


def pick_partners(theme: Theme, words: dict[str, str | None], rng: random.Random) -> list[str]:
    picks = rng.sample(theme.partners, min(len(theme.partners), rng.choice((1, 1, 2))))
    return [p.format(**words) for p in picks]


def pick_tokens(theme: Theme, measure: Measure | None, ctx: Context, rng: random.Random,
                complete: bool) -> dict[str, list[Token]]:
    """The vocabulary cells of one action, by veld; the KPI comes from the measure."""
    tokens = {}
    for key, veld in ctx.vocabulary_fields.items():
        if key == "kpi":
            labels = [measure.label] if measure else []
        else:
            labels = pick_labels(key, ctx.theme_labels[theme.key].get(key, ()), rng, complete)
        tokens[veld] = [make_token(ctx.vocabularies[key], label, rng) for label in labels]
    return tokens


def pick_counts(theme: Theme, measure: Measure | None, rng: random.Random,
                chance: Callable[[float], bool]) -> dict[str, Cell]:
    """Nieuwe leden, deelnemers, bereik: the theme's usual numbers, and the KPI's own."""
    counts: dict[str, Cell] = {}
    for veld, (low, high) in theme.counts.items():
        if chance(0.7):
            counts[veld] = nice(rng.randint(low, high))
    if measure and measure.result is not None and measure.hint in KPI_MIRROR:
        counts[KPI_MIRROR[measure.hint]] = measure.result
    return counts


def describe_outcome(theme: Theme, measure: Measure | None, words: dict[str, str | None],
                     rng: random.Random, chance: Callable[[float], bool]) -> dict[str, Cell]:
    """The evaluation texts, written once an action has run."""
    return {
        "resultaten_toelichting": describe_results(measure, rng) if chance(0.92) else None,
        "wat_werkte": (sentences(theme.werkte, GENERIC_WERKTE, words, rng, 1, 0.3)
                       if chance(0.95) else None),
        "wat_werkte_niet": (sentences(theme.werkte_niet, GENERIC_WERKTE_NIET, words, rng, 1, 0.2)
                            if chance(0.65) else None),
        "tip": sentences(theme.tips, GENERIC_TIPS, words, rng, 1, 0.3) if chance(0.92) else None,
    }


def pick_contact(contacts: tuple[Contact, ...], rng: random.Random,
                 complete: bool) -> dict[str, Cell]:
    if not contacts:
        return {}
    person = rng.choice(contacts)
    roll = 0.0 if complete else rng.random()
    if roll < 0.8:
        return {"contactpersoon": person.name, "contact_email": person.email}
    if roll < 0.88:
        return {"contactpersoon": person.name}
    if roll < 0.93:
        return {"contact_email": person.email}
    return {}


def assign_ids(actions: list[Action]) -> None:
    """Libraries with an id_prefix number their actions per year: DST-2024-03."""
    counters: dict[tuple[str, int], int] = {}
    for action in actions:
        prefix = action.library.id_prefix
        if prefix:
            key = (prefix, action.start.year)
            counters[key] = counters.get(key, 0) + 1
            action.values["actie_id"] = f"{prefix}-{action.start.year}-{counters[key]:02d}"


def mark_hidden(actions: list[Action], rng: random.Random) -> None:
    """A few libraries said no to sharing one action (Delen = nee and variants)."""
    shuffled = rng.sample(actions, len(actions))
    for value in DELEN_NEE:
        action = next(a for a in shuffled if a.clean and spare(a, actions))
        action.values["delen"] = value
        action.hidden = True
        action.info.append(f"Delen '{value}': niet_gedeeld, never in the catalogue")


# ================================================================================ the defects


@dataclass(frozen=True)
class Defect:
    applies: Callable[[Action, Context], bool]
    apply: Callable[[Action, Context, list[Action]], str]


def _any(action: Action, ctx: Context) -> bool:
    return True


def _has(*velden: str) -> Callable[[Action, Context], bool]:
    return lambda action, ctx: all(action.values.get(v) not in (None, "") for v in velden)


def _theme(*keys: str) -> Callable[[Action, Context], bool]:
    return lambda action, ctx: action.theme.key in keys


def _set(veld: str, value: Cell, note: str) -> Callable[[Action, Context, list], str]:
    def apply(action: Action, ctx: Context, actions: list[Action]) -> str:
        action.values[veld] = value
        return note
    return apply


def _empty_doelen(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.tokens["doelen"] = []
    return "verplicht_leeg: Doel(en) is empty"


def _near_miss(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["bibliotheek"] = NEAR_MISS_LIBRARY[1]
    return (f"bibliotheek_onbekend: '{NEAR_MISS_LIBRARY[1]}' is a near miss of "
            f"'{NEAR_MISS_LIBRARY[0]}' (expect a 'bedoelde u' suggestion)")


def _unknown_library(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["bibliotheek"] = UNKNOWN_LIBRARY
    return f"bibliotheek_onbekend: '{UNKNOWN_LIBRARY}' is in no way a known library"


def _start_text(text_of: Callable[[Action], str], note: str) -> Callable:
    def apply(action: Action, ctx: Context, actions: list[Action]) -> str:
        text = text_of(action)
        action.values["startdatum"] = text
        return note.format(text=text)
    return apply


def _end_before_start(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["startdatum"] = action.start
    action.values["einddatum"] = action.start - timedelta(days=9)
    return (f"einddatum_voor_start: Einddatum {action.start - timedelta(days=9)} "
            f"before Startdatum {action.start} (both date cells)")


def _add_token(veld: str, text: str, note: str) -> Callable:
    def apply(action: Action, ctx: Context, actions: list[Action]) -> str:
        action.tokens[veld] = [*action.tokens[veld][:3], Token(None, text)]
        return note
    return apply


def _typo(hint: str, typo: str) -> Callable:
    def apply(action: Action, ctx: Context, actions: list[Action]) -> str:
        label = ctx.label("kanaal", hint)
        kept = [t for t in action.tokens["kanalen"] if t.label != label][:3]
        action.tokens["kanalen"] = [Token(None, typo), *kept]
        return f"keuze_onbekend or fuzzy match: Kanalen '{typo}' is a typo of '{label}'"
    return apply


def _cell_errors(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["resultaat"] = "#N/B"
    action.values["bereik"] = "#DIV/0!"
    return "celfout: Resultaat '#N/B' (text, Dutch locale) and Bereik '#DIV/0!' (error cell)"


def _invisible_spaces(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["bibliotheek"] = f"\u200b{action.library.naam}\u00a0"
    action.values["titel"] = f"\u00a0{action.values['titel']} \u00a0"
    first, *rest = action.tokens["kanalen"]
    action.tokens["kanalen"] = [Token(first.label, f"{first.text}\u00a0"), *rest]
    return ("normalisation: zero-width space + NBSP around Bibliotheek, NBSP around Titel and "
            "after the first Kanalen value (all must still match)")


def _emoji(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["titel"] = f"{action.values['titel']} 📚✨"
    return "emoji in Titel (stored as text)"


def _long_description(action: Action, ctx: Context, actions: list[Action]) -> str:
    parts = [str(action.values["omschrijving"])]
    while len(" ".join(parts)) <= 2000:
        parts.extend(LONG_REPORT_SENTENCES)
    text = " ".join(parts)
    action.values["omschrijving"] = text
    return f"very long Korte omschrijving ({len(text)} characters)"


def _html_title(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["titel"] = f"<b>{action.values['titel']}</b>"
    return f"HTML in Titel: {action.values['titel']!r} (escape when shown)"


def _script(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["omschrijving"] = f"{action.values['omschrijving']} <script>alert(1)</script>"
    return "script fragment '<script>alert(1)</script>' in Korte omschrijving (escape when shown)"


def _long_title(action: Action, ctx: Context, actions: list[Action]) -> str:
    title = (f"{action.values['titel']} – een week vol voorlezen, workshops, spreekuren, een "
             f"boekenmarkt en een feestelijke afsluiting voor alle inwoners van jong tot oud in "
             f"alle vestigingen van de bibliotheek")
    action.values["titel"] = title
    return f"titel_te_lang: Titel is {len(title)} characters"


def _bad_link(link: str) -> Callable:
    def apply(action: Action, ctx: Context, actions: list[Action]) -> str:
        good = f"https://www.{action.library.slug}.bieb-voorbeeld.nl/acties/{action.start.year}"
        action.values["links"] = f"{good}\n{link}"
        return f"url_ongeldig: Materiaal (links) holds '{link}' next to a valid https link"
    return apply


def _two_offers(action: Action, ctx: Context, actions: list[Action]) -> str:
    chosen = [ctx.label("aanbod", "cadeau"), ctx.label("aanbod", "wedstrijd")]
    action.tokens["aanbod"] = [Token(label, label) for label in chosen]
    return f"keuze_meerdere: Aanbod holds two values ({' and '.join(chosen)})"


def _same_id(action: Action, ctx: Context, actions: list[Action]) -> str:
    earlier = next(a for a in actions if a.library is action.library and a is not action
                   and a.values.get("actie_id") and a.start < action.start)
    action.values["actie_id"] = earlier.values["actie_id"]
    action.notes.append(Note(f"dubbel_id: ID '{earlier.values['actie_id']}' is also on row "
                             "{ref}", earlier))
    return ""


def _has_earlier_id(action: Action, ctx: Context) -> bool:
    return bool(action.library.id_prefix and not str(action.values.get("actie_id", "")).endswith(
        "-01"))


def _unlikely_year(action: Action, ctx: Context, actions: list[Action]) -> str:
    text = f"{action.start.day}-{action.start.month}-2002"
    action.values["startdatum"] = text
    return f"datum_onwaarschijnlijk: Startdatum '{text}' (typo for {action.start.year})"


def _bad_email(action: Action, ctx: Context, actions: list[Action]) -> str:
    address = str(action.values["contact_email"]).replace("@", "(at)")
    action.values["contact_email"] = address
    return "email_ongeldig: E-mail contactpersoon written with (at) instead of @"


def _case_library(action: Action, ctx: Context, actions: list[Action]) -> str:
    text = "  ".join(action.library.naam.lower().split())
    action.values["bibliotheek"] = text
    return f"normalisation: Bibliotheek typed as '{text}' (case and double space; must match)"


def _apostrophe(action: Action, ctx: Context, actions: list[Action]) -> str:
    text = f"'{action.start.isoformat()}"
    action.values["startdatum"] = text
    return f"normalisation: Startdatum with leading apostrophe {text!r} (must read as a date)"


def _formula_text(action: Action, ctx: Context, actions: list[Action]) -> str:
    action.values["resultaten_toelichting"] = "=SOM(A1:A3)"
    return "formule_als_tekst: Toelichting resultaten '=SOM(A1:A3)' (a text cell, not a formula)"


DEFECTS = (
    Defect(_any, _set("titel", None, "verplicht_leeg: Titel is empty")),
    Defect(_any, _empty_doelen),
    Defect(lambda a, c: a.library.naam == NEAR_MISS_LIBRARY[0], _near_miss),
    Defect(_any, _unknown_library),
    Defect(lambda a, c: a.start.month == 3,
           _start_text(lambda a: "ergens in maart", "datum_onleesbaar: Startdatum '{text}'")),
    Defect(_any, _start_text(lambda a: f"31-02-{a.start.year}",
                             "datum_onleesbaar: Startdatum '{text}' (no such day)")),
    Defect(_has("einddatum"), _end_before_start),
    Defect(_has("budget_eur"), _set("budget_eur", "1,250",
                                    "bedrag_dubbelzinnig: Budget '1,250' (read as 1,25)")),
    Defect(_has("budget_eur"), _set("budget_eur", -150, "negatief: Budget -150")),
    Defect(_any, _add_token("kanalen", "Mastodon", "keuze_onbekend: Kanalen 'Mastodon'")),
    Defect(_any, _add_token("doelgroepen", "Expats", "keuze_onbekend: Doelgroep(en) 'Expats'")),
    Defect(_any, _typo("facebook", "Facebok")),
    Defect(_any, _typo("instagram", "Instagarm")),
    Defect(_has("budget_eur"), _set("budget_eur", "#REF!",
                                    "celfout: Budget '#REF!' (error cell, not required)")),
    Defect(_has("resultaat"), _cell_errors),
    Defect(_any, _set("startdatum", "#VALUE!",
                      "celfout in a required cell: Startdatum '#VALUE!' (error cell)")),
    Defect(_has("resultaten_toelichting"), _formula_text),
    Defect(_any, _apostrophe),
    Defect(_any, _invisible_spaces),
    Defect(_any, _emoji),
    Defect(_any, _long_description),
    Defect(_theme("zomerlezen"), _html_title),
    Defect(_any, _script),
    Defect(_any, _long_title),
    Defect(_any, _bad_link("www.voorbeeld.nl")),
    Defect(_any, _bad_link("javascript:alert(1)")),
    Defect(lambda a, c: bool(a.tokens["aanbod"]), _two_offers),
    Defect(_has_earlier_id, _same_id),
    Defect(_any, _set("delen", "misschien", "janee_onleesbaar: Delen 'misschien'")),
    Defect(_has("resultaat", "streefwaarde"),
           _set("doel_behaald", "grotendeels", "behaald_onleesbaar: Doel behaald 'grotendeels'")),
    Defect(lambda a, c: a.start.year == 2022 and a.start.month > 1, _unlikely_year),
    Defect(_any, _set("nieuwe_leden", "12,5", "geen_geheel_getal: Nieuwe leden '12,5'")),
    Defect(_any, _set("budget_eur", "paar honderd euro",
                      "bedrag_onleesbaar: Budget 'paar honderd euro'")),
    Defect(_has("contact_email"), _bad_email),
    Defect(lambda a, c: a.library.naam == CASE_VARIANT_LIBRARY, _case_library),
)


def apply_defects(actions: list[Action], ctx: Context, rng: random.Random) -> None:
    order = list(range(len(actions)))
    rng.shuffle(order)
    for defect in DEFECTS:
        index = next(i for i in order
                     if actions[i].clean and spare(actions[i], actions)
                     and defect.applies(actions[i], ctx))
        note = defect.apply(actions[index], ctx, actions)
        if note:
            actions[index].notes.append(Note(note))


def spare(action: Action, actions: list[Action]) -> bool:
    """Whether the action's theme keeps enough clean rows to show all its values."""
    same = sum(1 for a in actions if a.clean and a.theme.key == action.theme.key)
    return same > MIN_CLEAN_PER_THEME


def apply_corrections(actions: list[Action], ctx: Context, rng: random.Random) -> None:
    """One row per manual correction in corrections.yml, typed the way it was corrected from."""
    for correction in ctx.corrections:
        veld, van, naar = correction["veld"], correction["van"], correction["naar"]
        candidates = [a for a in actions if a.clean and matches(a, veld, naar)
                      and spare(a, actions)]
        action = rng.choice(candidates)
        if veld in action.tokens:
            action.tokens[veld] = [Token(None, van) if t.label == naar else t
                                   for t in action.tokens[veld]]
        else:
            action.values[veld] = van
        action.notes.append(Note(f"correctie: {veld} typed as '{van}' "
                                 f"(schemas/corrections.yml makes it '{naar}')"))


def matches(action: Action, veld: str, value: str) -> bool:
    if veld in action.tokens:
        return any(t.label == value for t in action.tokens[veld])
    if veld == "bibliotheek":
        return action.library.naam == value
    return action.values.get(veld) == value


def add_podcast(actions: list[Action], ctx: Context, rng: random.Random) -> None:
    """'Podcast' exists only in the Keuzelijsten tab of the workbook, not in schemas/."""
    veld = ctx.vocabulary_fields["kanaal"]
    extra = EXTRA_VOCABULARY_VALUES["kanaal"][0]
    candidates = [a for a in actions if a.clean and a.theme.key in PODCAST_THEMES
                  and len(a.tokens[veld]) < 4]
    for action in rng.sample(candidates, PODCAST_ROWS):
        action.tokens[veld] = [*action.tokens[veld], Token(None, extra)]
        action.info.append(f"Kanalen includes '{extra}' (known only from tab Keuzelijsten)")


# ========================================================================= vocabulary coverage


def literal_count(actions: list[Action], veld: str, label: str) -> int:
    wanted = label.casefold()
    return sum(1 for a in actions if a.clean
               for t in a.tokens[veld] if t.label == label and t.text.casefold() == wanted)


def ensure_coverage(actions: list[Action], ctx: Context, rng: random.Random,
                    minimum: int = 2) -> None:
    """Every label of every vocabulary typed literally (any case) in at least two clean rows."""
    clean = [a for a in actions if a.clean]
    for key, veld in ctx.vocabulary_fields.items():
        if key == "kpi":  # the KPI drives targets and texts; its coverage comes from the themes
            continue
        vocabulary = ctx.vocabularies[key]
        for label in vocabulary.labels:
            while literal_count(actions, veld, label) < minimum:
                action = coverage_candidate(clean, ctx, key, veld, label, actions, minimum, rng)
                if action is None:
                    raise RuntimeError(f"no row can take '{label}' ({key})")
                kept = [t for t in action.tokens[veld] if t.label != label]
                if ctx.is_list(veld):
                    action.tokens[veld] = [*kept, Token(label, label)]
                else:
                    action.tokens[veld] = [Token(label, label)]


def coverage_candidate(clean: list[Action], ctx: Context, key: str, veld: str, label: str,
                       actions: list[Action], minimum: int, rng: random.Random) -> Action | None:
    def fits_theme(a: Action) -> bool:
        return label in ctx.theme_labels[a.theme.key].get(key, ())

    def typed_otherwise(a: Action) -> bool:
        return any(t.label == label and t.text.casefold() != label.casefold()
                   for t in a.tokens[veld])

    def free(a: Action) -> bool:
        present = [t.label for t in a.tokens[veld]]
        if label in present:
            return False
        if ctx.is_list(veld):
            return len(present) < 4
        return not present or literal_count(actions, veld, present[0]) > minimum

    shuffled = rng.sample(clean, len(clean))
    return (next((a for a in shuffled if typed_otherwise(a)), None)
            or next((a for a in shuffled if fits_theme(a) and free(a)), None)
            or (next((a for a in shuffled if free(a)), None) if ctx.is_list(veld) else None))


def add_deliberate_variants(actions: list[Action], ctx: Context, rng: random.Random) -> None:
    """Write the named abbreviations and synonyms (FB, IG, folder, ...) at least once."""
    for key, texts in DELIBERATE_VARIANTS.items():
        veld = ctx.vocabulary_fields[key]
        for text in texts:
            label = ctx.label(key, text)
            candidates = [a for a in actions if a.clean and any(
                t.label == label and t.text == label for t in a.tokens[veld])]
            if literal_count(actions, veld, label) <= 2 or not candidates:
                continue
            action = rng.choice(candidates)
            action.tokens[veld] = [Token(label, text) if t.label == label else t
                                   for t in action.tokens[veld]]
            action.info.append(f"{ctx.field(veld).kop} typed '{text}' for '{label}'")


def add_typed_verdicts(actions: list[Action], rng: random.Random) -> None:
    """Doel behaald typed 'ja' where the numbers say 'deels': the library's word wins."""
    candidates = [a for a in actions if a.clean and not a.info and not a.values.get("doel_behaald")
                  and isinstance(a.values.get("resultaat"), int)
                  and isinstance(a.values.get("streefwaarde"), int)
                  and 0 < a.values["resultaat"] < a.values["streefwaarde"]]
    action = rng.choice(candidates)
    action.values["doel_behaald"] = "ja"
    action.info.append("Doel behaald typed 'ja' although Resultaat < Streefwaarde (typed wins)")


def add_internal_notes(actions: list[Action], rng: random.Random) -> None:
    for action, note in zip(rng.sample(actions, len(INTERNAL_NOTES)), INTERNAL_NOTES):
        action.internal_note = note
        action.info.append(f"{EXTRA_COLUMN}: {note!r} (must never be published)")


# ================================================================================== the layout


@dataclass
class SheetRow:
    kind: str  # action | empty | spaces | formatted
    action: Action | None = None


def copy_action(action: Action) -> Action:
    return replace(action, values=dict(action.values),
                   tokens={k: list(v) for k, v in action.tokens.items()},
                   notes=[], info=[], sheet_row=None)


def add_duplicates(actions: list[Action], rng: random.Random) -> list[Action]:
    """An exact copy of one row and a same-key copy (other result) of another, a bit later."""
    candidates = [i for i, a in enumerate(actions[:-20]) if a.clean and not a.library.id_prefix
                  and a.values.get("resultaat") is not None and not a.internal_note]
    exact_i, changed_i = sorted(rng.sample(candidates, 2))
    exact = copy_action(actions[exact_i])
    exact.notes.append(Note("dubbele_rij: exact copy of row {ref}", actions[exact_i]))
    changed = copy_action(actions[changed_i])
    changed.values["resultaat"] = int(changed.values["resultaat"] or 0) + 7
    changed.values["resultaten_toelichting"] = "Bijgewerkt na de eindtelling."
    changed.notes.append(Note("dubbele_rij: same Bibliotheek, Titel and Startdatum as row {ref} "
                              "(other Resultaat and toelichting)", actions[changed_i]))
    result = list(actions)
    result.insert(changed_i + rng.randint(6, 14), changed)
    result.insert(exact_i + rng.randint(6, 14), exact)
    return result


def lay_out(actions: list[Action]) -> list[SheetRow]:
    rows = [SheetRow("action", a) for a in actions]
    n = len(rows)
    for position, kind in ((3 * n // 4, "empty"), (n // 2, "spaces"), (n // 4, "empty")):
        rows.insert(position, SheetRow(kind))
    rows += [SheetRow("formatted") for _ in range(3)]
    return rows


def number_rows(rows: list[SheetRow], first: int) -> None:
    for offset, row in enumerate(rows):
        if row.action:
            row.action.sheet_row = first + offset


def render(action: Action) -> dict[str, Cell]:
    cells = dict(action.values)
    for veld, tokens in action.tokens.items():
        cells[veld] = action.separator.join(t.text for t in tokens) or None
    return cells


# ================================================================================= the checks


def check_sample(actions: list[Action], rows: list[SheetRow], ctx: Context,
                 contacts: dict[str, tuple[Contact, ...]]) -> None:
    """The promises the sample makes; generation fails loudly when one is broken."""
    assert len(actions) >= 160, len(actions)
    for key, veld in ctx.vocabulary_fields.items():
        for label in ctx.vocabularies[key].labels:
            assert literal_count(actions, veld, label) >= 2, (key, label)
    classes = [budget_class(a.values.get("budget_eur")) for a in actions if a.clean]
    for name in ("0", "< 250", "250–1.000", "1.000–5.000", "> 5.000"):
        assert classes.count(name) >= 2, (name, classes.count(name))
    keys = [(a.library.naam, a.values["titel"], a.start) for a in actions
            if not any("dubbele_rij" in n.text for n in a.notes)]
    assert len(keys) == len(set(keys)), "accidental duplicate rows"
    defects = [a for a in actions if a.notes]
    assert len(defects) >= 16, len(defects)
    for key, texts in DELIBERATE_VARIANTS.items():
        typed = {t.text for a in actions for t in a.tokens[ctx.vocabulary_fields[key]]}
        assert set(texts) <= typed, set(texts) - typed
    secrets = [c.name for people in contacts.values() for c in people] + \
              [c.email for people in contacts.values() for c in people]
    private = {"contactpersoon", "contact_email"}
    for row in rows:
        if row.action:
            texts = [str(v) for k, v in render(row.action).items() if k not in private and v]
            texts.append(row.action.internal_note or "")
            for secret in secrets:
                assert not any(secret.casefold() in t.casefold() for t in texts), secret


def budget_class(value: Cell) -> str | None:
    if not isinstance(value, (int, float)) or value < 0:
        return None
    if value == 0:
        return "0"
    return ("< 250" if value < 250 else "250–1.000" if value <= 1000
            else "1.000–5.000" if value <= 5000 else "> 5.000")


def manifest(rows: list[SheetRow]) -> list[tuple[int, str, str]]:
    """(sheet row, kind, note) for every deliberate defect and oddity."""
    lines = []
    for number, row in enumerate(rows, start=4):
        if row.kind != "action":
            lines.append((number, "leeg", {"empty": "blank row between data rows",
                                           "spaces": "blank-looking row: only a space and a NBSP",
                                           "formatted": "trailing blank row (formatted cells)"}
                          [row.kind]))
            continue
        for note in row.action.notes:
            ref = note.ref.sheet_row if note.ref else None
            lines.append((number, "defect", note.text.replace("{ref}", str(ref))))
        for info in row.action.info:
            lines.append((number, "info", info))
    return lines


# ============================================================================ the sample data


@dataclass
class Sample:
    actions: list[Action]
    rows: list[SheetRow]
    example: Action
    contacts: dict[str, tuple[Contact, ...]]


def build_sample(ctx: Context) -> Sample:
    rng = random.Random(SEED)
    contacts = make_contacts(rng)
    plans = plan_actions(rng)
    styles = plan_styles(len(plans), rng)
    actions = [build_action(p, s, contacts[p.library.naam], ctx, rng)
               for p, s in zip(plans, styles)]
    assign_ids(actions)
    mark_hidden(actions, rng)
    apply_defects(actions, ctx, rng)
    apply_corrections(actions, ctx, rng)
    add_podcast(actions, ctx, rng)
    ensure_coverage(actions, ctx, rng)
    add_deliberate_variants(actions, ctx, rng)
    style_amounts(actions, rng)
    add_typed_verdicts(actions, rng)
    add_internal_notes(actions, rng)
    actions = add_duplicates(actions, rng)
    rows = lay_out(actions)
    number_rows(rows, first=4)
    example = build_example(ctx)
    check_sample(actions, rows, ctx, contacts)
    return Sample(actions, rows, example, contacts)


def build_example(ctx: Context) -> Action:
    theme = next(t for t in THEMES if t.key == "kinderboekenweek")
    plan = Plan(LIBRARIES[0], theme, date(2024, 10, 2))
    placeholder = Contact("Voornaam Achternaam", "voornaam.achternaam@bieb-voorbeeld.nl")
    example = build_action(plan, Style(), (placeholder,), ctx, random.Random(SEED + 1),
                           complete=True)
    example.values["actie_id"] = None
    example.tokens = {veld: [Token(t.label, t.label or t.text) for t in tokens]
                      for veld, tokens in example.tokens.items()}
    return example


# ============================================================================= the workbook

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "d-m-yyyy"
WIDE_TYPES = ("tekst",)


def build_workbook(ctx: Context, sample: Sample) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "Kennisbank Marketing (voorbeeldgenerator)"
    wb.properties.title = "Kennisbank Marketing – fictief voorbeeld"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    write_toelichting(wb.active, ctx, sample.example)
    write_acties(wb.create_sheet("Acties"), ctx, sample.rows)
    write_bibliotheken(wb.create_sheet("Bibliotheken"), ctx)
    write_keuzelijsten(wb.create_sheet("Keuzelijsten"), ctx)
    return wb


def put(ws, row: int, column: int, value: Cell):
    """Write one cell; strings that start with '=' stay text, dates get a Dutch format."""
    if value is None or value == "":
        return None
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def write_toelichting(ws, ctx: Context, example: Action) -> None:
    ws.title = "Toelichting"
    acties, bibliotheken = ctx.fields["Acties"], ctx.fields["Bibliotheken"]
    required = ", ".join(f.kop for f in acties if f.niveau == "verplicht")
    lines: list[list[Cell]] = [
        ["Kennisbank Marketing – toelichting"],
        ["Fictieve voorbeelddata: alle bibliotheken, acties, personen en cijfers zijn verzonnen."],
        ["Dit voorbeeldbestand laat zien hoe het gedeelde werkblad eruitziet. Namen, "
         "e-mailadressen, websites en resultaten bestaan niet. Een aantal rijen bevat met opzet "
         "fouten, zodat te zien is wat de kennisbank opvangt en meldt."],
        [],
        ["Zo vult u het tabblad Acties in"],
        ["Eén rij per marketingactie. Rijen boven de kopregel (een titel, een uitleg) worden "
         "overgeslagen."],
        [f"Verplicht: {required}. Een actie zonder deze velden wordt niet gepubliceerd; "
         "aanbevolen velden maken de actie beter vergelijkbaar."],
        [list_rule() + " Kies waarden uit het tabblad Keuzelijsten; een waarde die u daar "
         "toevoegt, vult de standaardlijst aan."],
        ["Schrijf datums als dag-maand-jaar (bijvoorbeeld 3-2-2024) en bedragen in euro's zonder "
         "personeelskosten (bijvoorbeeld 1.250,50)."],
        ["Zet 'nee' in de kolom Delen als een actie niet in de openbare kennisbank mag. "
         "Contactgegevens worden nooit gepubliceerd."],
        [],
        ["Kolom", "Niveau", "Toelichting"],
        *[[f.kop, f.niveau, f.beschrijving] for f in acties],
        [],
        ["Tabblad Bibliotheken"],
        ["Kolom", "Niveau", "Toelichting"],
        *[[f.kop, f.niveau, f.beschrijving] for f in bibliotheken],
        [],
        ["Voorbeeldrij: zo ziet een volledig ingevulde actie eruit"],
        [f.kop for f in acties],
        [render(example).get(f.veld) for f in acties],
    ]
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            put(ws, r, c, value)
    for r in (1, 5, 12, len(acties) + 14, len(acties) + 15, len(lines) - 2, len(lines) - 1):
        for cell in ws[r]:
            if cell.value is not None:
                cell.font = BOLD
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 100


def write_acties(ws, ctx: Context, rows: list[SheetRow]) -> None:
    fields = ctx.fields["Acties"]
    required = ", ".join(f.kop for f in fields if f.niveau == "verplicht")
    put(ws, 1, 1, ACTIES_TITLE)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    put(ws, 2, 1, f"Eén rij per actie; verplicht zijn {required}. Zie het tabblad Toelichting.")
    headers = [f.kop for f in fields] + [EXTRA_COLUMN]
    for c, header in enumerate(headers, start=1):
        cell = put(ws, 3, c, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, row in enumerate(rows):
        r = 4 + offset
        if row.kind == "action":
            cells = render(row.action)
            for c, f in enumerate(fields, start=1):
                put(ws, r, c, cells.get(f.veld))
            put(ws, r, len(headers), row.action.internal_note)
        elif row.kind == "spaces":
            put(ws, r, 2, " ")
            put(ws, r, 4, "\u00a0")
        elif row.kind == "formatted":
            for c, f in enumerate(fields, start=1):
                if f.type == "datum":
                    ws.cell(r, c).number_format = DATE_FORMAT
    for c, f in enumerate(fields, start=1):
        letter = ws.cell(3, c).column_letter
        ws.column_dimensions[letter].width = 40 if f.type in WIDE_TYPES else 18
    ws.freeze_panes = "C4"


def write_bibliotheken(ws, ctx: Context) -> None:
    fields = ctx.fields["Bibliotheken"]
    for c, f in enumerate(fields, start=1):
        put(ws, 1, c, f.kop).font = BOLD
    for r, library in enumerate(LIBRARIES, start=2):
        values = {"naam": library.naam, "provincie": library.provincie,
                  "gemeenten": ", ".join(library.gemeenten), "website": library.website,
                  "latitude": library.lat, "longitude": library.lon, "email": library.email,
                  "inwoners": library.inwoners}
        for c, f in enumerate(fields, start=1):
            put(ws, r, c, values.get(f.veld))
    for c in range(1, len(fields) + 1):
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 30


def write_keuzelijsten(ws, ctx: Context) -> None:
    for c, (key, vocabulary) in enumerate(ctx.vocabularies.items(), start=1):
        put(ws, 1, c, key).font = BOLD
        values = [*vocabulary.labels, *EXTRA_VOCABULARY_VALUES.get(key, ())]
        for r, value in enumerate(values, start=2):
            put(ws, r, c, value)
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 34


# ================================================================================ saving


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps and a fixed modified time (openpyxl stamps 'now')."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(tmp, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    os.replace(tmp, path)


def write_sample_workbook(path: Path) -> list[tuple[int, str, str]]:
    """Write the sample workbook to ``path``; returns the manifest of deliberate oddities."""
    ctx = load_context()
    sample = build_sample(ctx)
    save_deterministic(build_workbook(ctx, sample), path)
    return manifest(sample.rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.sample_workbook",
        description="Schrijf het fictieve voorbeeldwerkboek van de Kennisbank Marketing.",
        epilog="Voorbeeld: python -m pipeline.sample_workbook "
               "pipeline/data/voorbeeld-kennisbank.xlsx",
    )
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT,
                        help=f"doelbestand (standaard {DEFAULT_OUTPUT.name})")
    parser.add_argument("--defecten", action="store_true",
                        help="toon per rij de opzettelijke fouten en eigenaardigheden")
    args = parser.parse_args(argv)
    lines = write_sample_workbook(args.output)
    if args.defecten:
        for number, kind, note in lines:
            print(f"{number}\t{kind}\t{note}")
    print(f"Geschreven: {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
