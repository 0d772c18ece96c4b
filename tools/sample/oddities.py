"""The sample's deliberate oddities: defects the pipeline must catch and valid but odd typing it
must read, each put on rows of a list of actions (tools/sample/workbook.py) or drawn per row at
the sample's rate (tools/sample/synthetic.py).

The Acties tab holds the ugly cases of the sheet contract ("What spreadsheets really contain");
``python -m tools.sample.workbook --defecten`` prints which sheet row carries which.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from tools.sample.actions import (
    EXTRA_COLUMN,
    Action,
    Cell,
    Context,
    Note,
    Token,
    copy_action,
    dutch_number,
    format_amount,
)
from tools.sample.data import INTERNAL_NOTES, LONG_REPORT_SENTENCES

MIN_CLEAN_PER_THEME = 3
EXTRA_VOCABULARY_VALUES = {"kanaal": ("Podcast",)}  # the Keuzelijsten tab extends the defaults
PODCAST_THEMES = ("lezingen", "nederland_leest", "boekenweek")
PODCAST_ROWS = 3
AMOUNT_STYLES = (  # (style, rows, which budgets suit it) -- applied to clean rows
    ("euro-cent", 2, lambda v: v >= 1000), ("euro", 2, lambda v: 100 <= v < 1000),
    ("punt", 3, lambda v: v >= 1000), ("EUR", 3, lambda v: 100 <= v < 1000),
    ("circa", 3, lambda v: v >= 100), ("streep", 2, lambda v: v > 0),
    ("nvt", 2, lambda v: v > 0), ("tekst", 2, lambda v: v >= 1000),
)
HOURS_AS_TEXT = 3
DELEN_NEE = ("nee", "Nee", "N", "nee", "no")
DELIBERATE_VARIANTS = {"kanaal": ("FB", "insta", "IG", "folder", "krant", "mailing")}
NEAR_MISS_LIBRARY = ("Bibliotheek Hollands Plassen", "Bibliotheek Hollands Plasen")
UNKNOWN_LIBRARY = "Leespunt De Oostkaap"
CASE_VARIANT_LIBRARY = "Bibliotheek Veenweide"


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
    Defect(_any, _set("delen", "misschien", "delen_onleesbaar: Delen 'misschien'")),
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


def mark_hidden(actions: list[Action], rng: random.Random) -> None:
    """A few libraries said no to sharing one action (Delen = nee and variants)."""
    shuffled = rng.sample(actions, len(actions))
    for value in DELEN_NEE:
        action = next(a for a in shuffled if a.clean and spare(a, actions))
        action.values["delen"] = value
        action.hidden = True
        action.info.append(f"Delen '{value}': niet_gedeeld, never in the catalogue")


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
