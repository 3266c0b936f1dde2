"""SLSA Provenance v1 for a scan, as an in-toto Statement v1, built with in-toto-attestation.

The "build" is the scan: its outputs (report, SARIF, SBOM) are the subjects; its inputs
(the repository at a commit, the rule set, the policy packs) are the resolved
dependencies. The build type is documented in the README under "Evidence".
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policyctl import __version__
from policyctl.evidence.subjects import PackRef, Repository

BUILD_TYPE = "https://policyctl.dev/evidence/scan/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
RULESET_URI = "https://policyctl.dev/ruleset"
PACK_URI = "https://policyctl.dev/packs/"


@dataclass(frozen=True)
class ScanRun:
    """What the provenance says about one scan."""

    command: tuple[str, ...]
    targets: tuple[str, ...]
    fail_on: str | None
    mode: str | None
    config_sha256: str | None
    repository: Repository
    ruleset_sha256: str
    packs: tuple[PackRef, ...]
    started: str
    finished: str
    audit_head: tuple[str, int] | None = None
    """The audit log's newest entry after this scan's: its hash and number."""


AUDIT_HEAD = "audit-log-head"
"""The byproduct that records the audit log's head (digest: the entry's hash)."""


@dataclass(frozen=True)
class Builder:
    id: str
    invocation_id: str


def builder_of(env: Mapping[str, str] | None = None) -> Builder:
    """The GitHub Actions run when GITHUB_* variables say so, else this host."""
    env = os.environ if env is None else env
    names = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    if env.get("GITHUB_ACTIONS") == "true" and all(env.get(n) for n in names):
        run = f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/actions/runs/"
        run += env["GITHUB_RUN_ID"]
        return Builder(id=run, invocation_id=f"{run}/attempts/{env.get('GITHUB_RUN_ATTEMPT', '1')}")
    return Builder(
        id=f"urn:policyctl:builder:local:{socket.gethostname()}",
        invocation_id=f"urn:uuid:{uuid.uuid4()}",
    )


def statement(subjects: Mapping[str, str], run: ScanRun, builder: Builder) -> dict[str, Any]:
    """The in-toto Statement (a JSON object) over `subjects` (file name -> sha256 hex)."""
    from google.protobuf import json_format
    from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
    from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
    from in_toto_attestation.v1.statement import Statement

    provenance = provenance_pb2.Provenance()
    definition = provenance.build_definition
    definition.build_type = BUILD_TYPE
    definition.external_parameters.update(_external_parameters(run))
    definition.internal_parameters.update({"policyctlVersion": __version__})
    dependencies = [
        ResourceDescriptor(
            uri=run.repository.uri,
            digest={"gitCommit": run.repository.commit} if run.repository.commit else None,
            annotations={"role": "scanned repository"},
        ),
        ResourceDescriptor(name="ruleset", uri=RULESET_URI, digest={"sha256": run.ruleset_sha256}),
    ]
    dependencies += [
        ResourceDescriptor(
            name=f"pack:{pack.id}",
            uri=f"{PACK_URI}{pack.id}@{pack.version}",
            digest={"sha256": pack.sha256} if pack.sha256 else None,
        )
        for pack in run.packs
    ]
    for dependency in dependencies:
        dependency.validate()
        definition.resolved_dependencies.append(dependency.pb)
    details = provenance.run_details
    details.builder.id = builder.id
    details.builder.version.update({"policyctl": __version__})
    details.metadata.invocation_id = builder.invocation_id
    details.metadata.started_on.FromJsonString(run.started)
    details.metadata.finished_on.FromJsonString(run.finished)
    if run.audit_head is not None:
        digest, count = run.audit_head
        head = ResourceDescriptor(
            name=AUDIT_HEAD,
            digest={"sha256": digest},
            annotations={"head": f"{digest}:{count}", "entries": str(count)},
        )
        head.validate()
        details.byproducts.append(head.pb)
    predicate = json_format.MessageToDict(provenance)
    subject_list = [
        ResourceDescriptor(name=name, digest={"sha256": digest}).pb
        for name, digest in sorted(subjects.items())
    ]
    made = Statement(subject_list, PREDICATE_TYPE, predicate)
    made.validate()
    document: dict[str, Any] = json_format.MessageToDict(made.pb)
    return document


def _external_parameters(run: ScanRun) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "command": list(run.command),
        "targets": list(run.targets),
        "packs": [pack.id for pack in run.packs],
    }
    if run.fail_on:
        parameters["failOn"] = run.fail_on
    if run.mode:
        parameters["mode"] = run.mode
    if run.config_sha256:
        parameters["config"] = {"sha256": run.config_sha256}
    return parameters


def payload(document: Mapping[str, Any]) -> bytes:
    """The statement's bytes as signed: compact JSON with sorted keys."""
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def subjects_of(document: Any) -> dict[str, str]:
    """name -> sha256 of the subjects of a statement; ValueError when it is not ours."""
    if not isinstance(document, dict) or document.get("_type") != STATEMENT_TYPE:
        raise ValueError("the payload is not an in-toto Statement v1")
    if document.get("predicateType") != PREDICATE_TYPE:
        raise ValueError("the statement's predicate is not SLSA Provenance v1")
    found: dict[str, str] = {}
    for subject in document.get("subject") or []:
        name, digest = subject.get("name"), (subject.get("digest") or {}).get("sha256")
        if not isinstance(name, str) or not isinstance(digest, str):
            raise ValueError("a subject has no name or sha256 digest")
        found[name] = digest
    return found


def audit_head_of(document: Any) -> str | None:
    """The `HASH:COUNT` of the audit log head a statement records, if any."""
    details = ((document.get("predicate") or {}).get("runDetails") or {}) if document else {}
    for byproduct in details.get("byproducts") or []:
        if isinstance(byproduct, dict) and byproduct.get("name") == AUDIT_HEAD:
            head = (byproduct.get("annotations") or {}).get("head")
            return head if isinstance(head, str) else None
    return None


def command_line(argv: Sequence[str]) -> tuple[str, ...]:
    """The command as run, with the program reduced to its name (no install paths)."""
    return ("policyctl", *argv[1:]) if argv else ("policyctl",)
