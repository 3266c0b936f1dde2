"""The package reads in layers, top-down: no module imports a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import policyctl

PACKAGE = Path(policyctl.__file__).parent

# Lowest first. A module may import its own layer and the layers below it.
LAYERS: dict[str, int] = {
    "core": 0,
    "schemas": 0,
    "data": 0,  # data files only (name lists), no code
    "engine": 1,
    "validators": 1,
    "sources": 2,
    "detection": 3,
    "policy": 4,
    "report": 5,
    "evidence": 6,
    "redaction": 6,
    "app": 7,
    "cli": 8,
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """The policyctl sub-packages a module imports, with the line of each import."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "policyctl" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def test_the_top_of_the_package_holds_only_packages() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py"]


def test_every_sub_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name[0].isalpha()}
    assert packages <= set(LAYERS), f"give {sorted(packages - set(LAYERS))} a layer"


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in LAYERS:
            continue
        own = LAYERS[parts[0]]
        for target, line in imported_packages(path):
            if LAYERS.get(target, -1) > own:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports policyctl.{target}")
    assert upward == []
