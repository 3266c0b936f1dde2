"""JavaScript lockfiles: package-lock.json (v1 to v3), yarn.lock (classic and berry),
pnpm-lock.yaml (v5 to v9)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from policyctl.evidence.manifests.dependency import Dependency, Parser, npm


def parse_package_lock(text: str) -> list[Dependency]:
    document = json.loads(text)
    found = []
    packages = document.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for path, entry in packages.items():
            if not path or entry.get("link") or "node_modules/" not in path:
                continue
            name = entry.get("name") or path.rsplit("node_modules/", 1)[1]
            found.append(npm(name, entry.get("version")))
        return found
    pending: list[tuple[str, Any]] = list(document.get("dependencies", {}).items())
    while pending:  # lockfileVersion 1 nests dependencies
        name, entry = pending.pop()
        found.append(npm(name, entry.get("version")))
        pending.extend(entry.get("dependencies", {}).items())
    return found


_YARN_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')


def parse_yarn_lock(text: str) -> list[Dependency]:
    """Each block starts with its specs at column 0 (`"a@^1", a@^1.1:`) and has a version."""
    found = []
    name: str | None = None
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            spec = line.rstrip(":").split(",")[0].strip().strip('"')
            name = _yarn_name(spec)
        elif name is not None:
            version = _YARN_VERSION.match(line)
            if version:
                found.append(npm(name, version.group(1)))
                name = None
    return found


def _yarn_name(spec: str) -> str | None:
    """`@scope/pkg@npm:^1.0` -> `@scope/pkg`; workspaces and metadata are not packages."""
    if spec.startswith("__metadata") or "@workspace:" in spec or "@link:" in spec:
        return None
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else None


def parse_pnpm_lock(text: str) -> list[Dependency]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ValueError("invalid YAML") from None
    found = []
    for key in (document or {}).get("packages", {}) or {}:
        name, version = _pnpm_key(str(key))
        if name:
            found.append(npm(name, version))
    return found


def _pnpm_key(key: str) -> tuple[str | None, str | None]:
    """`/@a/b@1.0.0(peer@2)` (v6), `@a/b@1.0.0` (v9), `/@a/b/1.0.0` (v5)."""
    key = key.lstrip("/").split("(", 1)[0]
    at = key.find("@", 1)
    if at > 0:
        return key[:at], key[at + 1 :]
    name, _, version = key.rpartition("/")
    return (name, version) if name else (None, None)


PARSERS: dict[str, Parser] = {
    "package-lock.json": parse_package_lock,
    "npm-shrinkwrap.json": parse_package_lock,
    "yarn.lock": parse_yarn_lock,
    "pnpm-lock.yaml": parse_pnpm_lock,
}
