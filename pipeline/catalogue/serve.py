"""Serve the catalogue with Datasette: immutable, read-only, presentation from schemas/."""

from __future__ import annotations

import json
import re
import signal
import tempfile
from pathlib import Path
from typing import Any

import yaml

from pipeline.contract.config import SCHEMAS_DIR

ROOT = Path(__file__).resolve().parents[2]
METADATA = SCHEMAS_DIR / "metadata.yml"
TEMPLATES = ROOT / "templates" / "datasette"
STATIC = ("assets", TEMPLATES / "static")  # the site's CSS, at /assets/
SITE = SCHEMAS_DIR / "site.yml"
QUERIES = SCHEMAS_DIR / "queries.yml"

# Public instance: canned queries only, bounded SQL time, no facet suggestions (costly).
SETTINGS = {
    "default_allow_sql": False,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "allow_download": False,
    "default_facet_size": 10,
}


def load_metadata() -> dict[str, Any]:
    with open(METADATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def datasette_args(db_path: Path, port: int, metadata: Path,
                   host: str = "127.0.0.1") -> list[str]:
    args = ["serve", "--immutable", str(db_path), "--metadata", str(metadata),
            "--host", host, "--port", str(port)]
    if TEMPLATES.is_dir():
        args += ["--template-dir", str(TEMPLATES), "--static", f"{STATIC[0]}:{STATIC[1]}"]
    for name, value in SETTINGS.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        args += ["--setting", name, text]
    return args


def make_datasette(db_path: Path):
    """The same Datasette as `serve`, in process (for tests and benchmarks)."""
    from datasette.app import Datasette

    return Datasette(immutables=[str(db_path)], metadata=build_metadata(),
                     template_dir=str(TEMPLATES) if TEMPLATES.is_dir() else None,
                     static_mounts=[(STATIC[0], str(STATIC[1]))] if TEMPLATES.is_dir() else None,
                     settings=SETTINGS)


def write_metadata(path: Path) -> Path:
    path.write_text(json.dumps(build_metadata(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def serve(db_path: Path, port: int) -> None:
    from datasette.cli import cli as datasette_cli

    # SIGTERM (systemctl stop, docker stop, kill) is a normal stop: uvicorn shuts down, then
    # raises the signal again with this handler in place, so the temporary folder is removed.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with tempfile.TemporaryDirectory(prefix="kennisbank-") as tmp:
            metadata = write_metadata(Path(tmp) / "metadata.json")
            datasette_cli.main(args=datasette_args(db_path, port, metadata),
                               prog_name="datasette")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def column_descriptions(tab: str) -> dict[str, str]:
    from pipeline.contract.config import public_fields

    return {f.veld: f.beschrijving for f in public_fields(tab)}


def build_metadata() -> dict[str, Any]:
    """schemas/metadata.yml with the fields' Dutch descriptions from schemas/fields.yml and the
    licence of the terms (schemas/voorwaarden.yml)."""
    from pipeline.catalogue.site import licence

    metadata = load_metadata()
    metadata["license"], metadata["license_url"] = licence()["naam"], licence()["url"]
    tables = metadata["databases"]["kennisbank"]["tables"]
    for table, tab in (("acties", "Acties"), ("bibliotheken", "Bibliotheken")):
        columns = tables[table].setdefault("columns", {})
        tables[table]["columns"] = {**column_descriptions(tab), **columns}
    metadata["databases"]["kennisbank"]["queries"] = paged_queries(_read_yaml(QUERIES))
    metadata["plugins"] = _read_yaml(SITE)["plugins"]
    with_hourly_rate(metadata["databases"]["kennisbank"])
    dutch_chart_menus(metadata["plugins"].get("datasette-dashboards") or {})
    return metadata


def paged_queries(queries: dict[str, Any]) -> dict[str, Any]:
    """The canned questions with the page's limit in their SQL (pipeline/catalogue/paging.py)."""
    from pipeline.catalogue.paging import paged_sql

    for query in queries.values():
        query["sql"] = paged_sql(query["sql"])
    return queries


def with_hourly_rate(database: dict[str, Any]) -> None:
    """{uurtarief} in a description of a query or of a column of acties: the hourly rate of
    schemas/vergelijken.yml as readers read it (€ 40)."""
    from pipeline import nl
    from pipeline.contract.config import hourly_rate

    rate = nl.amount(hourly_rate())
    for query in database["queries"].values():
        query["description"] = query.get("description", "").replace("{uurtarief}", rate)
    columns = database["tables"]["acties"]["columns"]
    for name, text in columns.items():
        columns[name] = text.replace("{uurtarief}", rate)


# vega-embed's menu under each chart (its `i18n` option), passed through the chart's spec
# (usermeta.embedOptions, which vega-embed reads): Dutch, and only the downloads (the source and
# the online editor are of no use to a reader).
CHART_MENU = {
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "i18n": {"CLICK_TO_VIEW_ACTIONS": "Grafiek downloaden", "PNG_ACTION": "Opslaan als PNG",
             "SVG_ACTION": "Opslaan als SVG", "SOURCE_ACTION": "Bron bekijken",
             "COMPILED_ACTION": "Vega-specificatie bekijken",
             "EDITOR_ACTION": "Openen in de Vega-editor"},
}


def dutch_chart_menus(dashboards: dict[str, Any]) -> None:
    for board in dashboards.values():
        for slug, chart in (board.get("charts") or {}).items():
            if chart.get("library") in ("vega", "vega-lite"):
                usermeta = chart.setdefault("display", {}).setdefault("usermeta", {})
                usermeta["embedOptions"] = {
                    **CHART_MENU, "downloadFileName": file_name(chart.get("title") or slug),
                    **usermeta.get("embedOptions", {})}


def file_name(title: str) -> str:
    """A chart's download name: "Acties per jaar" -> "acties-per-jaar"."""
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())) or "grafiek"


def _read_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)
