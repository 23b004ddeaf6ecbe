"""The layers import one way: pages -> dashboard -> metrics -> data_access; only pages/ and
dashboard/ import streamlit. Inside the app: pages never import data_access, components import no
reads, charts no streamlit, and only dashboard/reads and dashboard/shell (and the command line, which
runs outside the app) reach the database engine. Only the first start and the command line generate
the demo organisation. Parsed with ast, so nobody has to remember the rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["pages", "dashboard", "metrics", "data_access"]
# Which top-level packages each layer may import.
ALLOWED = {
    "pages": {"dashboard", "metrics"},
    "dashboard": {"dashboard", "metrics", "data_access"},
    "metrics": {"metrics", "data_access"},
    "data_access": {"data_access"},
}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _modules(path: Path) -> set[str]:
    """Every module ``path`` imports, in full (``from dashboard import reads`` counts as
    ``dashboard.reads``)."""
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _imports(path: Path) -> set[str]:
    return {module.split(".")[0] for module in _modules(path)}


def _files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_flow_one_way(layer):
    forbidden = set(LAYERS) - ALLOWED[layer]
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & forbidden)
        for path in _files(layer)
        if _imports(path) & forbidden
    }
    assert offenders == {}, f"{layer}/ imports a layer above it"


@pytest.mark.parametrize("layer", ["metrics", "data_access"])
def test_only_the_ui_layers_import_streamlit(layer):
    offenders = [str(p.relative_to(ROOT)) for p in _files(layer) if "streamlit" in _imports(p)]
    assert offenders == []


# Where the app reaches the database: only the reads, the shell, and what runs outside the app.
ENGINE_NAMES = {
    "engine",
    "Engine",
    "create_engine",
    "make_engine",
    "open_engine",
    "_engine_for",
    "get_engine",
}
ENGINE_MODULES = {"data_access.db", "dashboard.database"}
UI_PARTS = [ROOT / "pages", ROOT / "dashboard" / "components", ROOT / "dashboard" / "charts"]


def _names(path: Path) -> set[str]:
    """Every name and attribute ``path`` uses (``view.engine`` uses ``engine``)."""
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[-1])
    return found


def _under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("folder", UI_PARTS, ids=lambda f: str(f.relative_to(ROOT)))
def test_pages_components_and_charts_never_reach_the_database_engine(folder):
    offenders = {
        str(path.relative_to(ROOT)): sorted((_names(path) & ENGINE_NAMES) | (_modules(path) & ENGINE_MODULES))
        for path in _under(folder)
        if _names(path) & ENGINE_NAMES or _modules(path) & ENGINE_MODULES
    }
    assert offenders == {}, "read through dashboard.reads, write through state.transaction()"


@pytest.mark.parametrize("folder", [ROOT / "dashboard" / "components", ROOT / "dashboard" / "charts"])
def test_components_and_charts_draw_what_they_are_given(folder):
    offenders = [
        str(p.relative_to(ROOT))
        for p in _under(folder)
        if any(m == "dashboard.reads" or m.startswith("dashboard.reads.") for m in _modules(p))
    ]
    assert offenders == [], "the page does the read and passes the data"


def test_charts_are_pure_figure_builders():
    offenders = [
        str(p.relative_to(ROOT)) for p in _under(ROOT / "dashboard" / "charts") if "streamlit" in _imports(p)
    ]
    assert offenders == []


# Who may import the demo generator (data_access.demo), besides the generator itself, the tests and
# the benchmarks: dashboard/setup.py loads the demo on first start (the shell's bootstrap and
# ``init --demo`` both go through it), and the command line runs outside the app (``crosscheck``
# scores the classifier on the demo's planted labels). Metrics and pages take data, never make it.
DEMO = "data_access.demo"
DEMO_IMPORTERS = ("dashboard/setup.py", "dashboard/cli/")


def _imports_demo(path: Path) -> bool:
    return any(m == DEMO or m.startswith(DEMO + ".") for m in _modules(path))


def test_only_the_first_start_and_the_command_line_generate_the_demo():
    importers = {
        str(path.relative_to(ROOT))
        for layer in LAYERS
        for path in _files(layer)
        if _imports_demo(path) and ROOT / "data_access" / "demo" not in path.parents
    }
    offenders = sorted(p for p in importers if not p.startswith(DEMO_IMPORTERS))
    assert offenders == [], "pass the generated rows in; only setup and the command line generate the demo"
    # Guard against the rule passing because it reads nothing.
    assert "dashboard/setup.py" in importers


def test_the_rule_sees_real_files():
    # Guard against the checks above passing because they read nothing.
    assert len(_files("data_access")) >= 3 and len(_files("dashboard")) >= 3
    assert "streamlit" in _imports(ROOT / "dashboard" / "app.py")
    assert "dashboard.reads" in _modules(ROOT / "pages" / "overview.py")
    assert "engine" in _names(ROOT / "dashboard" / "shell" / "state.py")
    assert len(_under(ROOT / "dashboard" / "components")) >= 5 and len(_under(ROOT / "pages")) >= 5
