"""The container recipe of the served catalogue: a build context folder with the catalogue, its
Datasette metadata, the templates, the pre-computed counts of `datasette inspect`, the project
source (which brings the plugins) with the exact versions of this environment, and a Dockerfile
whose CMD is the command line of `kennisbank serve` with `-i` and `--inspect-file`.

The catalogue is an immutable SQLite file, so the site scales out by running more identical
read-only containers behind a load balancer; every build gets a new image (see deploy/README.md).
With ``netwerk`` the context is that of the network members' instance: also netwerk.db (contact
details), datasette-auth-passwords and a login for everything, with one account per library
read at run time (pipeline/catalogue/netwerk_accounts.py)."""

from __future__ import annotations

import importlib.metadata
import json
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.catalogue.netwerk_accounts import ACCOUNTS_ENV
from pipeline.catalogue.plugins.chart_access import CHART_ACTOR
from pipeline.catalogue.serve import ROOT, TEMPLATES, build_metadata, datasette_args
from pipeline.catalogue.terms import DOCS, PAGES
from pipeline.errors import KennisbankError

CATALOGUE = "kennisbank.db"
NETWORK = "netwerk.db"
METADATA = "metadata.json"
INSPECT = "inspect-data.json"
CONSTRAINTS = "constraints.txt"
MARKER = ".kennisbank-context"
PORT = 8001
HOST_VAR, PORT_VAR = "HOST", "PORT"
NETWORK_PLUGIN = ROOT / "pipeline" / "catalogue" / "netwerk_plugin.py"
NETWORK_TEMPLATES = ROOT / "deploy" / "netwerk" / "templates"
MEMBER = {"netwerklid": True}   # the actor of every account (netwerk_plugin.py signs it)

SOURCE_FILES = ("pyproject.toml", "README.md")
SOURCE_PACKAGES = ("pipeline", "schemas")
NOT_INSTALLED = {"pip", "setuptools", "wheel", "kennisbank-marketing"}


class DeployError(KennisbankError):
    """The container context cannot be made."""


@dataclass
class Context:
    directory: Path
    command: list[str]   # argv of the CMD, with "$HOST" and "$PORT" for the two variables
    netwerk: bool

    @property
    def command_line(self) -> str:
        return command_line(self.command)


def serve_command(netwerk: bool = False) -> list[str]:
    """`datasette serve` as `kennisbank serve` runs it, with paths inside the context, the
    inspect file, and (network) netwerk.db and the network plugin."""
    args = datasette_args(Path(CATALOGUE), PORT, Path(METADATA), host="0.0.0.0")
    args = [a.replace(str(TEMPLATES), "templates") for a in args]
    args[args.index("--host") + 1] = f"${HOST_VAR}"
    args[args.index("--port") + 1] = f"${PORT_VAR}"
    extra = ["--inspect-file", INSPECT]
    if netwerk:
        extra = ["--immutable", NETWORK, *extra, "--plugins-dir", "plugins"]
    at = args.index(CATALOGUE) + 1
    return ["datasette", *args[:at], *extra, *args[at:]]


def command_line(argv: list[str]) -> str:
    """A shell command line: the two variables expanded by the shell, everything else quoted."""
    variables = {f"${HOST_VAR}", f"${PORT_VAR}"}
    return " ".join(f'"{a}"' if a in variables else shlex.quote(a) for a in argv)


def network_metadata() -> dict[str, Any]:
    """The public metadata, with a login required for everything and netwerk.db described."""
    metadata = build_metadata()
    metadata["title"] = f"{metadata['title']} (netwerk)"
    metadata["allow"] = dict(MEMBER)
    kennisbank = metadata["databases"]["kennisbank"]
    # The charts page runs its fixed SQL as the logged-in member here.
    kennisbank["allow_sql"] = {"id": [CHART_ACTOR], **MEMBER}
    metadata["databases"]["netwerk"] = {
        "title": "Contactgegevens (alleen voor netwerkleden)",
        "description": "Wie meer weet over een gedeelde actie. Alleen zichtbaar na inloggen; "
                       "niet in de openbare kennisbank.",
        "allow_sql": False,
        "tables": {
            "acties": {
                "title": "Alle gedeelde acties (openbaar en alleen netwerk)",
                "description": "De openbare acties en de acties die bibliotheken alleen met het "
                               "netwerk delen. Alleen zichtbaar na inloggen.",
                "sort_desc": "startdatum",
                "fts_table": "acties_zoeken",  # the Dutch search (plugins/search.py)
                "fts_pk": "rowid",
                "facets": ["bibliotheek", "provincie", "jaar"],
                "label_column": "titel",
            },
            "contacten": {
                "title": "Contactpersonen per actie",
                "description": "Eén rij per gedeelde actie waarbij de bibliotheek een "
                               "contactpersoon of e-mailadres invulde.",
                "sort": "bibliotheek",
                "facets": ["bibliotheek"],
                "label_column": "titel",
                "columns": {
                    "actie_id": "Code van de actie, zoals in de kennisbank.",
                    "titel": "Titel van de actie.",
                    "bibliotheek": "De bibliotheek die de actie uitvoerde.",
                    "contactpersoon": "Wie meer weet over de actie.",
                    "contact_email": "E-mailadres van de contactpersoon.",
                },
            },
            "bouw": {"hidden": True},
        },
    }
    # No accounts here: netwerk_plugin.py reads them at run time from the environment.
    return metadata


def environment_constraints() -> str:
    """Exact versions of this (tested) environment, for pip's -c in the image."""
    seen: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").strip()
        key = name.lower().replace("_", "-")
        if name and key not in NOT_INSTALLED and key not in seen:
            seen[key] = f"{name}=={dist.version}"
    return "\n".join(seen[k] for k in sorted(seen)) + "\n"


def dockerfile(netwerk: bool, command: list[str]) -> str:
    package = "./src[netwerk]" if netwerk else "./src"
    databases = f"{CATALOGUE} {NETWORK}" if netwerk else CATALOGUE
    plugins = "COPY plugins/ /app/plugins/\n" if netwerk else ""
    runtime = (f"# At run time set {ACCOUNTS_ENV} (a file of `account: hash` lines from\n"
               f"# `datasette hash-password`, mounted as a secret) and DATASETTE_SECRET\n"
               f"# (the same for every instance, so a login holds on all of them).\n"
               if netwerk else "")
    title = "network members' instance (login required)" if netwerk else "public catalogue"
    return f"""\
# Kennisbank Marketing, {title}: made by `kennisbank deploy prepare`; do not edit.
# Read-only and immutable: scale out by running more identical containers behind a load
# balancer; a new catalogue is a new image (see deploy/README.md).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 {HOST_VAR}=0.0.0.0 {PORT_VAR}={PORT}
WORKDIR /app
# The project (with its Datasette plugins) at the exact versions the tests ran with; this layer
# only changes with the code, so a new catalogue rebuilds just the layers below.
COPY {CONSTRAINTS} /app/
COPY src/ /app/src/
RUN pip install --no-cache-dir -c {CONSTRAINTS} {package} && rm -rf /app/src
COPY templates/ /app/templates/
{plugins}COPY {METADATA} {INSPECT} {databases} /app/
USER nobody
EXPOSE {PORT}
{runtime}CMD exec {command_line(command)}
"""


def inspect_data(db_paths: list[Path]) -> dict[str, Any]:
    """`datasette inspect`: per database its hash, size and table counts (file names relative)."""
    import asyncio

    from datasette.cli import inspect_

    data = asyncio.run(inspect_([str(p) for p in db_paths], []))
    for entry in data.values():
        entry["file"] = Path(entry["file"]).name
    return data


def add_network_link(base: Path) -> None:
    """The network instance's menu gets a link to the contact table, after the public items."""
    text = base.read_text(encoding="utf-8")
    item = ('        <li><a href="{{ urls.table(\'netwerk\', \'contacten\') }}">'
            'Contactpersonen</a></li>\n')
    if "</ul>" not in text:
        raise DeployError(f"{base} heeft geen menu (</ul>) voor de link naar de contactpersonen.")
    at = text.index("</ul>")
    start = text.rindex("\n", 0, at) + 1
    base.write_text(text[:start] + item + text[start:], encoding="utf-8")


def _clear(out: Path) -> None:
    if out.exists():
        if (out / MARKER).exists():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise DeployError(f"De map '{out}' bestaat al en is geen containermap van de "
                              f"kennisbank; kies een lege of nieuwe map.")
    out.mkdir(parents=True, exist_ok=True)


def _copy_source(target: Path) -> None:
    target.mkdir()
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "data")
    for package in SOURCE_PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=ignore)


def _copy_documents(target: Path) -> None:
    """The documents of /voorwaarden and /privacy, where the pages' template loader finds them
    (pipeline/catalogue/plugins/dutch_pages.py)."""
    target.mkdir()
    for name in PAGES:
        shutil.copy2(DOCS / name, target / name)


def prepare(db: Path, out: Path, netwerk: bool = False) -> Context:
    """Write the build context for the public catalogue (or, with ``netwerk``, for the network
    members' instance, which also needs netwerk.db next to ``db``)."""
    if not (TEMPLATES.is_dir() and (ROOT / "pyproject.toml").is_file()):
        raise DeployError("Maak de containermap vanuit een kopie van de repository, "
                          "geïnstalleerd met make install of pip install -e .")
    if not db.is_file():
        raise DeployError(f"De kennisbank '{db}' bestaat niet; bouw hem eerst met kennisbank build.")
    network_db = db.parent / NETWORK
    if netwerk and not network_db.is_file():
        raise DeployError(f"'{network_db}' bestaat niet; bouw hem met kennisbank build --netwerk.")
    _clear(out)
    shutil.copy2(db, out / CATALOGUE)
    databases = [out / CATALOGUE]
    if netwerk:
        shutil.copy2(network_db, out / NETWORK)
        databases.append(out / NETWORK)
    metadata = network_metadata() if netwerk else build_metadata()
    (out / METADATA).write_text(json.dumps(metadata, ensure_ascii=False, indent=2),
                                encoding="utf-8")
    (out / INSPECT).write_text(json.dumps(inspect_data(databases), indent=2), encoding="utf-8")
    shutil.copytree(TEMPLATES, out / "templates")
    _copy_documents(out / "templates" / "docs")
    if netwerk:
        shutil.copytree(NETWORK_TEMPLATES, out / "templates", dirs_exist_ok=True)
        add_network_link(out / "templates" / "base.html")
        (out / "plugins").mkdir()
        shutil.copy2(NETWORK_PLUGIN, out / "plugins" / NETWORK_PLUGIN.name)
    _copy_source(out / "src")
    (out / CONSTRAINTS).write_text(environment_constraints(), encoding="utf-8")
    command = serve_command(netwerk)
    (out / "Dockerfile").write_text(dockerfile(netwerk, command), encoding="utf-8")
    (out / ".dockerignore").write_text(f"{MARKER}\n", encoding="utf-8")
    (out / MARKER).write_text("Gemaakt door kennisbank deploy prepare.\n", encoding="utf-8")
    return Context(out, command, netwerk)
