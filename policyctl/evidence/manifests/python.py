"""Python manifests and lockfiles: requirements*.txt, pyproject.toml, poetry.lock, uv.lock,
Pipfile.lock."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from policyctl.evidence.manifests.dependency import Dependency, Parser, pypi

# PEP 508 name, optional extras, then maybe an exact pin (`==1.2.3`, not `==1.*`).
_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:===?\s*([A-Za-z0-9._+!-]+)(?![.*\w]))?"
)


def requirement(spec: str) -> Dependency | None:
    """One PEP 508 requirement; the version only when it is pinned exactly."""
    found = _REQUIREMENT.match(spec)
    if not found:
        return None
    return pypi(found.group(1), found.group(2))


def parse_requirements(text: str) -> list[Dependency]:
    found = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "http:", "https:", "git+", ".", "/")):
            continue
        dependency = requirement(line)
        if dependency is not None:
            found.append(dependency)
    return found


def parse_pyproject(text: str) -> list[Dependency]:
    document = _toml(text)
    project = document.get("project", {})
    specs: list[str] = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specs.extend(group)
    for group in document.get("dependency-groups", {}).values():
        specs.extend(s for s in group if isinstance(s, str))
    found = [d for d in map(requirement, specs) if d is not None]
    poetry = document.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    for table in tables:
        for name, spec in table.items():
            if name.lower() == "python":
                continue
            version = spec if isinstance(spec, str) else spec.get("version", "")
            pinned = re.fullmatch(r"=?=?\s*(\d[\w.+!-]*)", str(version).strip())
            found.append(pypi(name, pinned.group(1) if pinned else None))
    return found


def parse_poetry_lock(text: str) -> list[Dependency]:
    return [pypi(p["name"], p["version"]) for p in _toml(text).get("package", [])]


def parse_uv_lock(text: str) -> list[Dependency]:
    """Locked packages, less the project itself and other local (editable, path) ones."""
    local = ("editable", "virtual", "directory", "path")
    return [
        pypi(p["name"], p.get("version"))
        for p in _toml(text).get("package", [])
        if not any(k in p.get("source", {}) for k in local)
    ]


def parse_pipfile_lock(text: str) -> list[Dependency]:
    document = json.loads(text)
    found = []
    for section in ("default", "develop"):
        for name, entry in sorted(document.get(section, {}).items()):
            version = str(entry.get("version", "")).removeprefix("==") or None
            found.append(pypi(name, version))
    return found


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None


PARSERS: dict[str, Parser] = {
    "requirements*.txt": parse_requirements,
    "pyproject.toml": parse_pyproject,
    "poetry.lock": parse_poetry_lock,
    "uv.lock": parse_uv_lock,
    "Pipfile.lock": parse_pipfile_lock,
}
