"""The contract in schemas/ agrees with itself: fields.yml, the pandera models, the vocabularies,
the finding messages and the Datasette metadata."""

from __future__ import annotations

import sqlite3
from collections import Counter

import yaml

from pipeline.catalogue.serve import build_metadata
from pipeline.contract.config import (
    SCHEMAS_DIR,
    load_corrections,
    load_fields,
    load_messages,
    match_key,
)
from pipeline.contract.models import ACTIES_DERIVED, clean_models
from pipeline.store.load import action_columns

FIELDS = load_fields()
VOCABULARIES = yaml.safe_load((SCHEMAS_DIR / "vocabularies.yml").read_text(encoding="utf-8"))


def test_every_field_is_in_the_pandera_model_and_back():
    for tab, model in clean_models().items():
        assert {f.veld for f in FIELDS[tab]} == set(model.columns) - {"rij"}, tab


def test_every_field_has_a_dutch_header_and_description():
    for tab, fields in FIELDS.items():
        for f in fields:
            assert f.kop and len(f.beschrijving) > 15, (tab, f.veld)
            assert f.niveau in {"verplicht", "aanbevolen", "optioneel", "afgeleid"}


def test_vocabulary_fields_and_lists_match():
    used = {f.keuzelijst for f in FIELDS["Acties"] if f.keuzelijst}
    assert used == set(VOCABULARIES)
    for name, spec in VOCABULARIES.items():
        for veld in spec["velden"]:
            assert next(f for f in FIELDS["Acties"] if f.veld == veld).keuzelijst == name


def test_no_synonym_points_at_two_values_of_one_list():
    for name, spec in VOCABULARIES.items():
        keys = Counter()
        for value in spec["waarden"]:
            keys.update({match_key(t) for t in [value["label"], *value.get("synoniemen", [])]})
        assert [k for k, n in keys.items() if n > 1] == [], name


def test_every_named_check_has_a_message():
    messages = load_messages()
    for schema in clean_models().values():
        checks = [c for col in schema.columns.values() for c in col.checks] + list(schema.checks)
        for check in checks:
            if check.name in ("str_matches", "isin", "greater_than_or_equal_to", "lijst"):
                continue
            assert check.name in messages, check.name
    for code, spec in messages.items():
        assert spec["ernst"] in ("fout", "waarschuwing", "info"), code
        assert spec["bericht"] and spec["hint"], code


def test_corrections_have_a_reason_and_a_known_field():
    for c in load_corrections():
        assert c["reden"] and c["bron"]
        assert c["veld"] in {f.veld for f in FIELDS[c["tabblad"]]}


def test_metadata_describes_every_column_and_facets_exist(tmp_path):
    from helpers import KLEIN_DIR, TODAY
    from pipeline.app import build

    build(str(KLEIN_DIR), tmp_path, TODAY)
    db = sqlite3.connect(tmp_path / "kennisbank.db")
    metadata = build_metadata()
    tables = metadata["databases"]["kennisbank"]["tables"]
    for table in ("acties", "bibliotheken"):
        columns = [r[1] for r in db.execute(f"pragma table_info({table})")]
        described = tables[table]["columns"]
        assert [c for c in columns if not described.get(c)] == [], table
        assert set(described) <= set(columns), table
    acties = [r[1] for r in db.execute("pragma table_info(acties)")]
    assert list(action_columns()) == acties
    for facet in tables["acties"]["facets"]:
        column = next(iter(facet.values())) if isinstance(facet, dict) else facet  # array/date
        assert column in acties
    assert tables["acties"]["sort_desc"] in acties
    assert set(ACTIES_DERIVED.columns) <= set(acties)


def test_the_delen_type_has_the_sharing_levels_of_the_terms():
    from pipeline.contract.config import load_general, load_terms
    from pipeline.contract.normalise import parse_sharing

    terms = load_terms()
    spec = load_general()["typen"]["delen"]
    assert list(spec["waarden"]) == list(terms["niveaus"]) == ["openbaar", "netwerk", "nee"]
    assert terms["leeg"] in terms["niveaus"]
    # every synonym reads as its own level, and no synonym is claimed by two levels
    for level, synonyms in spec["synoniemen"].items():
        for synonym in synonyms:
            assert parse_sharing(synonym).value == level, synonym
    typed = {"Ja": "openbaar", "X": "openbaar", "YES": "openbaar", "publiek": "openbaar",
             "Alleen netwerk": "netwerk", "collega's": "netwerk", "Collegas": "netwerk",
             "intern": "netwerk", "Nee": "nee", "N": "nee", True: "openbaar", False: "nee"}
    assert {cell: parse_sharing(cell).value for cell in typed} == typed
    assert parse_sharing(None).value is None and parse_sharing("  ").value is None
    assert parse_sharing("misschien").issues[0][0] == "delen_onleesbaar"
