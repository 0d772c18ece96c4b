"""The container context of the public catalogue: complete, consistent, free of personal data,
and serving the catalogue when started with the Dockerfile's own command line (no Docker)."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import ROOT, container, dockerfile_cmd, sample_personal_values
from pipeline.catalogue import deploy
from pipeline.catalogue.serve import SETTINGS, build_metadata
from pipeline.cli import main

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def context(sample_build, tmp_path_factory):
    return deploy.prepare(sample_build.catalogue, tmp_path_factory.mktemp("ctx") / "container")


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
    conn.close()
    return counts


def copied_sources(dockerfile: str) -> list[str]:
    sources = []
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            sources += line.split()[1:-1]
    return sources


def test_context_holds_everything_the_image_needs(context, sample_build):
    out = context.directory
    for name in ["Dockerfile", "kennisbank.db", "metadata.json", "inspect-data.json",
                 "constraints.txt", "templates/base.html", "templates/static/kennisbank.css",
                 "templates/pages/wat-werkte.html", "src/pyproject.toml", "src/README.md",
                 "src/pipeline/catalogue/plugins/dutch_pages.py", "src/pipeline/catalogue/site.py",
                 "src/schemas/site.yml", "src/schemas/fields.yml"]:
        assert (out / name).is_file(), name
    dockerfile = (out / "Dockerfile").read_text(encoding="utf-8")
    for source in copied_sources(dockerfile):
        assert (out / source).exists(), source
    assert (out / "kennisbank.db").read_bytes() == sample_build.catalogue.read_bytes()
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8")) == \
        json.loads(json.dumps(build_metadata()))
    assert not (out / "netwerk.db").exists() and not (out / "plugins").exists()
    assert not list(out.rglob("__pycache__")) and not (out / "src/pipeline/data").exists()


def test_inspect_file_has_the_exact_counts(context):
    data = json.loads((context.directory / "inspect-data.json").read_text(encoding="utf-8"))
    db = context.directory / "kennisbank.db"
    assert list(data) == ["kennisbank"]
    assert data["kennisbank"]["file"] == "kennisbank.db"
    assert data["kennisbank"]["size"] == db.stat().st_size
    assert {t: v["count"] for t, v in data["kennisbank"]["tables"].items()} == table_counts(db)


def test_image_installs_the_project_at_the_tested_versions(context):
    dockerfile = (context.directory / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir -c constraints.txt ./src &&" in dockerfile
    assert "[netwerk]" not in dockerfile  # the public image has no login plugin
    pins = dict(line.split("==") for line in
                (context.directory / "constraints.txt").read_text().splitlines())
    pins = {k.lower(): v for k, v in pins.items()}
    project = tomllib.loads((context.directory / "src/pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=\[ ]", requirement)[0].lower()
        assert pins[name] == importlib.metadata.version(name), name
    assert not any("auth-passwords" in r for r in project["dependencies"])
    from pipeline.catalogue.plugins import PLUGINS

    assert project["entry-points"]["datasette"] == {
        f"kennisbank_{name}": f"pipeline.catalogue.plugins.{name}" for name in PLUGINS}


def test_cmd_is_the_serve_command_line_with_inspect_file(context):
    cmd = dockerfile_cmd(context.directory)
    assert cmd == "exec " + context.command_line
    assert cmd.startswith("exec datasette serve --immutable kennisbank.db "
                          "--inspect-file inspect-data.json --metadata metadata.json "
                          '--host "$HOST" --port "$PORT" --template-dir templates '
                          "--static assets:templates/static ")
    for name, value in SETTINGS.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        assert f"--setting {name} {text}" in cmd, name


def test_context_serves_the_catalogue_with_the_dockerfile_command(context, sample_build):
    published = sample_build.outcome.counts["gepubliceerd"]
    with container(context.directory) as server:
        home = server.request("/")
        assert home.status == 200
        assert '<html lang="nl">' in home.body and "Kennisbank Marketing" in home.body
        table = server.request("/kennisbank/acties.json?_size=1&_col=titel")
        assert table.status == 200
        assert json.loads(table.body)["filtered_table_rows_count"] == published
        assert server.request("/assets/kennisbank.css").status == 200
        assert server.request("/wat-werkte").status == 200
        assert server.request("/kennisbank.json?sql=select+1").status == 403  # no free SQL
        assert server.request("/kennisbank/acties.json?_size=1&_col=titel").status == 200
        versions = json.loads(server.request("/-/versions.json").body)
        assert versions["datasette"]["version"] == importlib.metadata.version("datasette")


PUBLIC_CONTACTS = (b"kennisdelen@duinstreek.bieb-voorbeeld.nl",
                   b"vragen@merwedestad.bieb-voorbeeld.nl")


def test_public_context_holds_no_personal_data(context):
    values = sample_personal_values()
    assert len(values) > 100
    data_files = [p for p in context.directory.rglob("*")
                  if p.is_file() and "src" not in p.relative_to(context.directory).parts]
    for path in data_files:
        data = path.read_bytes()
        assert [v for v in values if v.encode("utf-8") in data] == [], path
        # only the addresses two sample libraries published for colleagues (Openbaar contactadres)
        assert [a for a in re.findall(rb"[\w.+-]+@[\w-]+\.bieb-voorbeeld\.nl", data)
                if not a.endswith(PUBLIC_CONTACTS)] == [], path


def test_prepare_replaces_its_own_context_and_refuses_a_foreign_folder(sample_build, tmp_path):
    out = tmp_path / "container"
    deploy.prepare(sample_build.catalogue, out)
    (out / "oud.txt").write_text("van de vorige keer")
    deploy.prepare(sample_build.catalogue, out)
    assert not (out / "oud.txt").exists()
    foreign = tmp_path / "iets-anders"
    foreign.mkdir()
    (foreign / "belangrijk.txt").write_text("niet weggooien")
    with pytest.raises(deploy.DeployError, match="geen containermap"):
        deploy.prepare(sample_build.catalogue, foreign)
    assert (foreign / "belangrijk.txt").exists()
    with pytest.raises(deploy.DeployError, match="kennisbank build --netwerk"):
        deploy.prepare(sample_build.catalogue, tmp_path / "netwerk", netwerk=True)


def test_deploy_prepare_command(sample_build, tmp_path):
    out = tmp_path / "container"
    result = CliRunner().invoke(main, ["deploy", "prepare", "--db", str(sample_build.catalogue),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Containermap: {out}" in result.output
    assert (out / "Dockerfile").is_file()
    missing = CliRunner().invoke(main, ["deploy", "prepare", "--db", str(tmp_path / "geen.db"),
                                        "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2
    assert "bouw hem eerst met kennisbank build" in missing.stderr


def test_deploy_readme_names_the_commands_and_files_it_uses():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for needle in ["kennisbank deploy prepare", "docker build", "gcloud run deploy",
                   "--min-instances", "--max-instances", "datasette publish cloudrun",
                   "fly deploy", "datasette inspect", "KENNISBANK_NETWERK_WACHTWOORD_HASH",
                   "DATASETTE_SECRET", "datasette hash-password"]:
        assert needle in text, needle
    for path in re.findall(r"`(deploy/[\w./-]+)`", text):
        assert (ROOT / path).exists(), path
