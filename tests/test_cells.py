"""Single-cell parsers: every form the contract lists, with the exact value."""

import pytest

from pipeline.contract import cells


@pytest.mark.parametrize("cell, iso", [
    ("3-2-2024", "2024-02-03"), ("03-02-2024", "2024-02-03"), ("3/2/2024", "2024-02-03"),
    ("2024-02-03", "2024-02-03"), ("3 februari 2024", "2024-02-03"),
    ("3 feb. 2024", "2024-02-03"), ("februari 2024", "2024-02-01"), (45325, "2024-02-03"),
    (45325.5, "2024-02-03"), ("45325", "2024-02-03"), ("3.2.24", "2024-02-03"),
    ("2024-02-03 00:00:00", "2024-02-03"), ("\u200b 3-2-2024\u00a0", "2024-02-03"),
    ("'2024-03-01", "2024-03-01"), ("3 MAART 2024", "2024-03-03"), ("1 mei 2025", "2025-05-01"),
])
def test_dates(cell, iso):
    assert cells.parse_date(cell).value == iso


def test_month_precision_end_is_last_day():
    assert cells.parse_date("februari 2024", True).value == "2024-02-29"
    assert cells.parse_date("februari 2024", True).issues == (
        ("datum_maand", (("datum", "2024-02-29"),)),)


@pytest.mark.parametrize("cell", ["31-02-2024", "ergens in juli", "13/13/2024", "2024", "Q3"])
def test_unreadable_dates_are_errors_not_guesses(cell):
    assert cells.parse_date(cell) == cells.Parsed(None, (("datum_onleesbaar", ()),))


@pytest.mark.parametrize("cell, number, codes", [
    ("€ 1.250,50", 1250.5, []), ("1.250", 1250.0, []), ("1250", 1250.0, []), ("1,5", 1.5, []),
    ("EUR 300", 300.0, []), ("ca. 200", 200.0, ["bedrag_circa"]), ("0", 0.0, []),
    ("-", None, []), ("n.v.t.", None, []), ("", None, []), (None, None, []),
    (750, 750.0, []), (12.5, 12.5, []), ("€ 250,-", 250.0, []), ("1,250", 1.25, ["bedrag_dubbelzinnig"]),
    ("1.250.000", 1250000.0, []), ("-50", -50.0, []), ("veel", None, ["bedrag_onleesbaar"]),
    ("#REF!", None, ["celfout"]), ("€\u00a0980", 980.0, []),
])
def test_amounts(cell, number, codes):
    parsed = cells.parse_number(cell)
    assert parsed.value == number
    assert [code for code, _ in parsed.issues] == codes


@pytest.mark.parametrize("cell, value", [
    ("ja", "ja"), ("Ja", "ja"), ("JA", "ja"), ("j", "ja"), ("x", "ja"), ("yes", "ja"),
    ("nee", "nee"), ("n", "nee"), ("no", "nee"), (True, "ja"), (False, "nee"), ("", None),
])
def test_yes_no(cell, value):
    assert cells.parse_yes_no(cell).value == value


@pytest.mark.parametrize("cell, items", [
    ("Facebook, Instagram", ["Facebook", "Instagram"]),
    ("Facebook;Instagram", ["Facebook", "Instagram"]),
    ("Facebook\nInstagram\n", ["Facebook", "Instagram"]),
    ("Facebook / Instagram", ["Facebook", "Instagram"]),
    ("Kinderen (4-12)", ["Kinderen (4-12)"]),
    ("Jongeren 12/18", ["Jongeren 12/18"]),
    ("- Poster\n- Flyer", ["Poster", "Flyer"]),
    ("Website, Website", ["Website"]),
])
def test_list_cells(cell, items):
    assert cells.split_list(cell) == items


def test_text_cleaning_keeps_content_and_marks_cell_errors():
    assert cells.parse_text("\ufeff 'Hallo\u00a0wereld ") == cells.Parsed("Hallo wereld")
    assert cells.parse_text("#N/B") == cells.Parsed(None, (("celfout", ()),))
    assert cells.parse_text("<b>Zomer</b> 🌞").value == "<b>Zomer</b> 🌞"
    assert cells.parse_text("=SOM(A1:A3)") == cells.Parsed("=SOM(A1:A3)", (("formule_als_tekst", ()),))


def test_links_must_be_http():
    parsed = cells.parse_url_list("https://a.nl/x, javascript:alert(1) www.b.nl")
    assert parsed.value == ["https://a.nl/x"]
    assert parsed.issues == (("url_ongeldig", (("waarde", "javascript:alert(1)"),)),
                             ("url_ongeldig", (("waarde", "www.b.nl"),)))
