"""Rust: Cargo.lock."""

from __future__ import annotations

import tomllib

from policyctl.evidence.manifests.dependency import Dependency, Parser


def parse_cargo_lock(text: str) -> list[Dependency]:
    """Packages from a registry or git; the workspace's own crates have no `source`."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    return [
        Dependency("cargo", p["name"], p.get("version"))
        for p in document.get("package", [])
        if p.get("source")
    ]


PARSERS: dict[str, Parser] = {"Cargo.lock": parse_cargo_lock}
