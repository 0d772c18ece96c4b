"""The embedded fictional sample: builds, and every defect kind shows up. (That none of its
personal data reaches the catalogue is in test_privacy.py.)"""

from __future__ import annotations

import sqlite3


def test_sample_findings_cover_every_defect_kind(sample_build):
    findings = sample_build.outcome.findings
    got = {(int(r), c) for r, c in zip(findings["rij"], findings["code"])}
    for expected in [(5, "url_ongeldig"), (11, "keuze_meerdere"), (13, "datum_voor_periode"),
                     (16, "email_ongeldig"), (25, "keuze_onbekend"),
                     (39, "formule_als_tekst"), (58, "datum_onleesbaar"), (61, "celfout"),
                     (67, "einddatum_voor_start"), (68, "dubbele_rij"), (70, "dubbel_id"),
                     (78, "delen_onleesbaar"), (81, "bedrag_onleesbaar"),
                     (86, "bedrag_dubbelzinnig"), (96, "bibliotheek_onbekend"),
                     (97, "geen_geheel_getal"), (100, "correctie"), (107, "correctie"),
                     (112, "negatief"), (120, "celfout"), (126, "keuze_onbekend"),
                     (131, "verplicht_leeg"), (132, "keuze_gecorrigeerd"), (140, "celfout"),
                     (142, "bibliotheek_onbekend"), (158, "keuze_gecorrigeerd"),
                     (162, "dubbele_rij"), (171, "verplicht_leeg"), (172, "url_ongeldig"),
                     (185, "datum_onleesbaar"), (200, "titel_te_lang"), (3, "kolom_onbekend"),
                     (31, "behaald_tegenstrijdig"), (113, "behaald_tegenstrijdig")]:
        assert expected in got, expected


def test_sample_catalogue_counts_and_tables(sample_build):
    db = sqlite3.connect(sample_build.catalogue)
    published = sample_build.outcome.counts["gepubliceerd"]
    assert db.execute("select count(*) from acties").fetchone() == (published,)
    assert db.execute("select count(*) from bibliotheken").fetchone() == (30,)
    # two inactive libraries, one waiting for its agreement, one sharing with the network only
    assert db.execute("select count(*) from bibliotheken where aantal_acties = 0").fetchone() == (4,)
    assert db.execute("select count(*) from keuzelijst_kanaal where uit_werkblad = 1"
                      ).fetchone() == (1,)
    assert db.execute("select min(jaar), max(jaar) from acties").fetchone() == (2002, 2026)  # row 13's 2002 is published with a warning
