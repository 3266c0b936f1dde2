"""What the evidence is about, read from a finished scan: packs, rule set, config, repository.

The packs are the scan's policy, digested as the report's `scan.packs`, so every
evidence file names the same packs the report was judged against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from policyctl.core.model import PolicyPack, Rule
from policyctl.policy.packs import pack_digest
from policyctl.sources import gitrun


@dataclass(frozen=True)
class PackRef:
    """A policy pack a scan was judged against, and the digest of its definition."""

    id: str
    version: str
    sha256: str
    name: str = ""


def pack_refs(packs: Iterable[PolicyPack]) -> tuple[PackRef, ...]:
    """The packs a scan was judged against, by id, with the digest the report gives."""
    found = [PackRef(p.id, p.version, pack_digest(p), p.name) for p in packs]
    return tuple(sorted(found, key=lambda p: p.id))


def ruleset_digest(rules: Iterable[Rule]) -> str:
    """SHA-256 of the rules as applied (every field but the file they came from), so the
    same rules give the same digest wherever policyctl is installed."""
    documents = [{k: v for k, v in asdict(r).items() if k != "source"} for r in rules]
    canonical = json.dumps(sorted(documents, key=lambda d: d["id"]), sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_digest(path: str | None) -> str | None:
    if not path:
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class Repository:
    """The scanned tree: a URI (the git remote, credentials removed) and the commit."""

    uri: str
    commit: str | None


def describe_repository(target: str) -> Repository:
    root = Path(target).resolve()
    folder = root if root.is_dir() else root.parent
    commit = _git(folder, "rev-parse", "--verify", "-q", "HEAD")
    remote = _git(folder, "config", "--get", "remote.origin.url")
    if remote:
        return Repository(f"git+{without_credentials(remote)}", commit)
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top:
        return Repository(f"git+{Path(top).as_uri()}", commit)
    return Repository(root.as_uri(), None)


def without_credentials(url: str) -> str:
    """A remote URL less any user:token@ part: tokens in remotes are common, and the
    provenance must never carry one."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def _git(folder: Path, *args: str) -> str | None:
    found = gitrun.output(folder, *args, timeout=30)
    value = found.decode("utf-8", "replace").strip() if found is not None else ""
    return value or None
