"""The shape of the code: packages by stage with a docstring each, no import cycle, one run
function for `build` and `run`, no runtime module that is mostly data, and the sample generator
and benchmarks not installed with the package."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from setuptools import find_packages

from pipeline.errors import KennisbankError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "schemas")
STAGES = ("sources", "contract", "store", "reports", "catalogue", "catalogue.plugins")
MAX_LITERAL_LINES = 600


def module_files() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The project modules `name` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([node.module] if node.module else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m in modules and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_project_modules():
    files = module_files()
    graph = {name: imports_of(name, path, set(files)) for name, path in files.items()}
    assert graph["pipeline.app"] >= {"pipeline.sources.fetch", "pipeline.store.load"}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_is_a_package_with_a_docstring(stage):
    init = ROOT / "pipeline" / Path(*stage.split(".")) / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 80, stage


def literal_lines(tree: ast.AST) -> set[int]:
    """Lines spanned by data literals: containers of constants and multi-line strings that are
    not docstrings."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            leaves = [n for n in ast.walk(node) if not isinstance(
                n, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Load, ast.UnaryOp, ast.USub))]
            if leaves and all(isinstance(n, ast.Constant) for n in leaves):
                lines |= set(range(node.lineno, node.end_lineno + 1))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and node.end_lineno > node.lineno):
            lines |= set(range(node.lineno, node.end_lineno + 1))
    return lines


def test_no_runtime_module_is_mostly_data():
    heavy = {name: len(literal_lines(ast.parse(path.read_text(encoding="utf-8"))))
             for name, path in module_files().items()}
    assert {name: n for name, n in heavy.items() if n > MAX_LITERAL_LINES} == {}


def test_the_literal_counter_counts_data():
    source = "DATA = (\n  'a',\n  'b',\n)\nx = f(1,\n  2)\n"
    assert literal_lines(ast.parse(source)) == {1, 2, 3, 4}


def test_only_the_runtime_packages_are_installed():
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]["find"]
    installed = find_packages(str(ROOT), include=find["include"])
    assert sorted({p.split(".")[0] for p in installed}) == ["pipeline", "schemas"]
    assert "pipeline.catalogue.plugins" in installed


@pytest.mark.parametrize("command", [["build"], ["run"]])
def test_build_and_run_share_one_run_function(command, monkeypatch, tmp_path):
    import pipeline.app

    seen = []

    def publish(source, out_dir, today, **steps):
        seen.append((source, out_dir, sorted(steps)))
        raise KennisbankError("gestopt in publish")

    monkeypatch.setattr(pipeline.app, "publish", publish)
    from pipeline.cli import main

    result = CliRunner().invoke(main, [*command, "--source", "x.xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "gestopt in publish" in result.stderr
    assert seen == [("x.xlsx", tmp_path, ["dry_run", "force", "mail", "mail_all", "netwerk",
                                          "stage", "write_back"] if command == ["build"] else
                     ["force", "mail", "mail_all", "netwerk", "write_back"])]
