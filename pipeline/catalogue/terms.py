"""The terms of use and the privacy statement (docs/gebruiksvoorwaarden.md, docs/privacy.md) as
the catalogue's /voorwaarden and /privacy pages (templates/datasette/pages/).

The documents' settings are typed once: the version and the licence in schemas/voorwaarden.yml,
the coordinators' address in schemas/site.yml (`contact`). In docs/ they stand between markers
(``<!-- versie -->1 november 2026<!-- /versie -->``) so the Markdown reads well on its own; the
pages fill them in from the settings when they are shown.

    python -m pipeline.catalogue.terms            # rewrite the markers' values in docs/ (make docs)
    python -m pipeline.catalogue.terms --check    # exit 1 when docs/ is out of date (the tests do this)
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from markupsafe import Markup

from pipeline import nl
from pipeline.catalogue import site
from pipeline.contract.config import load_terms

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Each document and the page that shows it; a link to the document becomes a link to the page.
PAGES = {"gebruiksvoorwaarden.md": "/voorwaarden", "privacy.md": "/privacy"}
MARKER = re.compile(r"<!-- (versie|licentie|contact) -->(.*?)<!-- /\1 -->", re.S)


def version() -> date:
    """The terms' version: the date they last changed."""
    return nl.as_date(load_terms()["versie"])


def contact() -> str:
    """The coordinators' address (set per deployment in schemas/site.yml)."""
    return str(site.site_config()["contact"])


def values() -> dict[str, str]:
    """The Markdown of each marker's value."""
    found = site.licence()
    return {"versie": nl.long_date(version()), "licentie": f"[{found['naam']}]({found['url']})",
            "contact": f"[{contact()}](mailto:{contact()})"}


def fill(text: str, markers: bool = True) -> str:
    """The document with the settings' current values between its markers (``markers=False``:
    the values without the markers, for the page)."""
    current = values()

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return f"<!-- {name} -->{current[name]}<!-- /{name} -->" if markers else current[name]

    return MARKER.sub(replace, text)


def page_html(source: str) -> Markup:
    """A document's Markdown as the HTML of its page: settings filled in, links between the
    documents pointing at their pages, and cleaned like every Markdown cell of Datasette."""
    from datasette_render_markdown import render_markdown

    text = fill(source, markers=False)
    for name, path in PAGES.items():
        text = text.replace(f"]({name})", f"]({path})")
    return render_markdown(text)


def main(argv: list[str]) -> int:
    stale = []
    for name in PAGES:
        path = DOCS / name
        text = path.read_text(encoding="utf-8")
        filled = fill(text)
        if filled != text:
            stale.append(name)
            if "--check" not in argv:
                path.write_text(filled, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"Verouderd in docs/: {', '.join(stale)}; draai make docs.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
