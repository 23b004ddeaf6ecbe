"""The layers import one way: pages -> dashboard -> metrics -> data_access; only pages/ and
dashboard/ import streamlit. Parsed with ast, so nobody has to remember the rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["pages", "dashboard", "metrics", "data_access"]
# Which top-level packages each layer may import.
ALLOWED = {
    "pages": {"dashboard", "metrics", "data_access"},
    "dashboard": {"dashboard", "metrics", "data_access"},
    "metrics": {"metrics", "data_access"},
    "data_access": {"data_access"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


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


def test_the_rule_sees_real_files():
    # Guard against the checks above passing because they read nothing.
    assert len(_files("data_access")) >= 3 and len(_files("dashboard")) >= 3
    assert "streamlit" in _imports(ROOT / "dashboard" / "app.py")
