"""No table shows a raw ``None``: every ``st.dataframe`` in the pages and components draws a missing
value as "—" (``placeholder``). Read with ast, so a new table cannot forget it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _tables_without_placeholder(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "dataframe"
        and not any(k.arg == "placeholder" for k in node.keywords)
    ]


def test_every_table_draws_missing_values_as_a_dash():
    files = sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "dashboard" / "components").glob("*.py"))
    tables = sum(
        1
        for f in files
        for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "dataframe"
    )
    assert tables >= 20  # the rule reads the real tables
    assert [where for f in files for where in _tables_without_placeholder(f)] == []
