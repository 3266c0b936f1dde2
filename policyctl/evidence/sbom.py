"""A CycloneDX 1.6 SBOM of the scanned repository's dependencies, read from its manifests
and lockfiles, with policyctl, the rule set and the policy packs as the tools.

Lockfiles inside vendored trees (node_modules, vendor, virtualenvs) belong to the
dependencies themselves and are not read. A manifest that gives only a version range
adds the package without a version, unless a lockfile pins it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from policyctl import __version__
from policyctl.core.globs import path_matches
from policyctl.core.model import Notice
from policyctl.evidence.manifests import Dependency, parser_for
from policyctl.evidence.subjects import PackRef
from policyctl.sources.filesystem import FileItem, FileSystemSource, WalkOptions

VENDORED = ("node_modules", "vendor", ".venv", "venv", "site-packages", "bower_components")
SERIAL_NAMESPACE = uuid.UUID("6b1f4a56-3c55-4d0e-9d7c-8f0c6a1f0b11")


@dataclass(frozen=True)
class FoundDependency:
    dependency: Dependency
    manifest: str


ManifestFile = tuple[str, str]
"""Where to read a manifest, and how reports name it."""


def is_manifest(display: str) -> bool:
    """Whether a scanned file is a manifest or lockfile the SBOM reads (not vendored)."""
    return parser_for(PurePosixPath(display).name) is not None and not path_matches(
        display, VENDORED
    )


def find_dependencies(
    targets: Sequence[str], options: WalkOptions
) -> tuple[list[FoundDependency], list[Notice]]:
    """Every dependency declared in the manifests under `targets` (same walk as the scan:
    .gitignore and excludes apply), for scans that did not walk the files themselves."""
    manifests = [
        (item.path, item.display)
        for item in FileSystemSource(targets, options).items()
        if isinstance(item, FileItem) and is_manifest(item.display)
    ]
    return read_dependencies(manifests)


def read_dependencies(
    manifests: Iterable[ManifestFile],
) -> tuple[list[FoundDependency], list[Notice]]:
    """Every dependency the manifests declare, with a notice for each manifest that
    cannot be read."""
    found: list[FoundDependency] = []
    notices: list[Notice] = []
    for path, display in manifests:
        parser = parser_for(PurePosixPath(display).name)
        if parser is None:
            continue
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
            dependencies = parser(text)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            notices.append(Notice(display, "SBOM: cannot be read as a manifest; skipped"))
            continue
        found.extend(FoundDependency(d, display) for d in dependencies)
    return found, notices


def merge(found: Iterable[FoundDependency]) -> dict[str, tuple[Dependency, list[str]]]:
    """One entry per purl with every manifest that names it; an unversioned entry is
    dropped when some manifest pins that package."""
    merged: dict[str, tuple[Dependency, list[str]]] = {}
    for entry in found:
        key = purl(entry.dependency)
        if key not in merged:
            merged[key] = (entry.dependency, [])
        if entry.manifest not in merged[key][1]:
            merged[key][1].append(entry.manifest)
    pinned = {_package(d) for d, _ in merged.values() if d.version}
    return {
        key: value
        for key, value in sorted(merged.items())
        if value[0].version or _package(value[0]) not in pinned
    }


def _package(dependency: Dependency) -> tuple[str, str | None, str]:
    return (dependency.kind, dependency.namespace, dependency.name)


def purl(dependency: Dependency) -> str:
    from packageurl import PackageURL

    return str(
        PackageURL(
            type=dependency.kind,
            namespace=dependency.namespace,
            name=dependency.name,
            version=dependency.version,
        ).to_string()
    )


@dataclass(frozen=True)
class SbomTools:
    """What made the SBOM: policyctl, its rule set and the packs it applied."""

    ruleset_sha256: str
    packs: tuple[PackRef, ...] = ()


def build_sbom(
    project: str,
    dependencies: dict[str, tuple[Dependency, list[str]]],
    tools: SbomTools,
    timestamp: datetime,
) -> str:
    """The SBOM as CycloneDX 1.6 JSON. Same inputs and timestamp, same bytes: the serial
    number is derived from the content instead of drawn at random."""
    from cyclonedx.model import HashAlgorithm, HashType
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
    from cyclonedx.model.dependency import Dependency as CycloneDependency
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    def sha256(digest: str) -> list[HashType]:
        return [HashType(alg=HashAlgorithm.SHA_256, content=digest)] if digest else []

    root = Component(type=ComponentType.APPLICATION, name=project, bom_ref="project")
    components = []
    for key, (dependency, manifests) in dependencies.items():
        components.append(
            Component(
                type=ComponentType.LIBRARY,
                group=dependency.namespace,
                name=dependency.name,
                version=dependency.version,
                purl=PackageURL.from_string(key),
                bom_ref=key,
                evidence=ComponentEvidence(
                    occurrences=[Occurrence(location=m) for m in sorted(manifests)]
                ),
            )
        )
    tool_components = [
        Component(
            type=ComponentType.APPLICATION,
            name="policyctl",
            version=__version__,
            bom_ref="tool:policyctl",
            purl=PackageURL(type="pypi", name="policyctl", version=__version__),
        ),
        Component(
            type=ComponentType.DATA,
            name="policyctl-ruleset",
            bom_ref="tool:ruleset",
            hashes=sha256(tools.ruleset_sha256),
        ),
    ]
    tool_components += [
        Component(
            type=ComponentType.DATA,
            name=pack.id,
            version=pack.version or None,
            description=pack.name or None,
            bom_ref=f"tool:pack:{pack.id}",
            hashes=sha256(pack.sha256),
        )
        for pack in tools.packs
    ]
    identity = "\n".join([project, timestamp.isoformat(), tools.ruleset_sha256, *dependencies])
    identity += "".join(f"\n{p.id}:{p.version}:{p.sha256}" for p in tools.packs)
    bom = Bom(
        serial_number=uuid.uuid5(SERIAL_NAMESPACE, hashlib.sha256(identity.encode()).hexdigest())
    )
    bom.metadata.timestamp = timestamp
    bom.metadata.component = root
    for tool in tool_components:
        bom.metadata.tools.components.add(tool)
    for component in components:
        bom.components.add(component)
    # The root depends on every component (a flat graph: lockfiles are read, not resolved).
    bom.dependencies.add(
        CycloneDependency(
            ref=root.bom_ref, dependencies=[CycloneDependency(ref=c.bom_ref) for c in components]
        )
    )
    bom.dependencies.update(CycloneDependency(ref=c.bom_ref) for c in components)
    _index_dependencies(bom)
    text: str = JsonV1Dot6(bom).output_as_string(indent=2)
    return text + "\n"


def _index_dependencies(bom: Any) -> None:
    """Make the library's graph check linear: every serializer runs Bom.validate, which
    registers each component through Bom.register_dependency, and that searches all
    entries one by one (8 s for 2,000 packages here). Every entry already exists, so an
    index answers; anything new still goes to the library."""
    registered = {entry.ref.value for entry in bom.dependencies}
    library = bom.register_dependency

    def register(target: Any, depends_on: Any = None) -> None:
        if depends_on or target.bom_ref.value not in registered:
            library(target, depends_on)

    bom.register_dependency = register  # this Bom only


def sbom_problems(text: str) -> list[str]:
    """What the CycloneDX 1.6 strict JSON schema finds wrong with an SBOM (empty: valid)."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error: Any = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [] if error is None else [str(error)]
