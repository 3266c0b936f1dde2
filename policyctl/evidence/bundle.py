"""Write an evidence bundle: the report, SARIF, SBOM, signed provenance, a detached
signature of the report, and SHA256SUMS of every file.

    report.json              the JSON report (report.json.enc when encrypted)
    report.sarif             the same findings as SARIF (report.sarif.enc when encrypted)
    sbom.cdx.json            CycloneDX 1.6 SBOM of the scanned repository
    provenance.intoto.jsonl  DSSE envelope: in-toto Statement v1, SLSA Provenance v1
    report.json.sig          base64 DER signature of report.json (when signed)
    public-key.pem           the signer's public key (when signed), for reference only:
                             a verifier pins the key it trusts with --key
    SHA256SUMS               `sha256sum -c SHA256SUMS` checks every file above

The provenance's subjects name every other file of the bundle (the encrypted files and the
plain ones they hold, the detached signature, the public key), so the one DSSE signature
covers the whole bundle: `verify` fails a bundle with a file added, removed, swapped or
not named by the signed statement. With an audit log, the statement also records the
log's head after this scan's entry (see policyctl.evidence.audit).

The bundle is written into a temporary folder beside the target and renamed into place,
so a bundle folder is complete or absent, and of two scans writing the same folder one
fails (exit 2) instead of mixing their files.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from policyctl.core.config import Settings
from policyctl.core.errors import ConfigError
from policyctl.core.model import Notice
from policyctl.core.temporaries import TEMPORARY_SUFFIX, lock, remove_abandoned
from policyctl.evidence import dsse, encrypt, keys, provenance, sbom, signing, subjects
from policyctl.evidence.audit import Head
from policyctl.policy.assess import ScanResult
from policyctl.report import RenderOptions
from policyctl.report.build import Report
from policyctl.sources.filesystem import WalkOptions

REPORT = "report.json"
SARIF = "report.sarif"
SBOM = "sbom.cdx.json"
PROVENANCE = "provenance.intoto.jsonl"
SIGNATURE = "report.json.sig"
PUBLIC_KEY = "public-key.pem"
SUMS = "SHA256SUMS"
SUBJECTS = (REPORT, SARIF, SBOM)
CONFIDENTIAL = (REPORT, SARIF)
"""Files that carry findings: these are encrypted with --encrypt-to."""
ALL_NAMES = (*SUBJECTS, PROVENANCE, SIGNATURE, PUBLIC_KEY, SUMS)
KNOWN_NAMES = frozenset({*ALL_NAMES, *(name + encrypt.SUFFIX for name in CONFIDENTIAL)})
"""Every file a bundle may hold; `verify` fails any other."""
UNSIGNED_NAMES = frozenset({PROVENANCE, SUMS})
"""The files the provenance's subjects cannot name: itself, and the digests of all."""


@dataclass(frozen=True)
class EvidenceRequest:
    """Where to write the bundle, the key to sign with, the recipient to encrypt for."""

    folder: Path
    sign_key: keys.PrivateKey | None = None
    recipient: keys.PublicKey | None = None


@dataclass(frozen=True)
class WrittenBundle:
    folder: Path
    files: tuple[str, ...]
    signed: bool
    notices: list[Notice] = field(default_factory=list)


def check_folder(folder: Path) -> None:
    """Refuse a folder that is not new (or empty): evidence is never overwritten or mixed."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise ConfigError(f"--evidence {folder}: is a file, not a folder")
    if folder.is_symlink():
        raise ConfigError(f"--evidence {folder}: is a symbolic link (name a new folder)")
    try:
        taken = next(iter(sorted(os.listdir(folder))), None) if folder.is_dir() else None
    except OSError as exc:
        raise ConfigError(f"--evidence {folder}: cannot be read: {exc.strerror}") from None
    if taken is not None:
        raise ConfigError(
            f"--evidence {folder}: is not empty (it holds {taken}); choose a new folder"
        )


def write_bundle(
    request: EvidenceRequest,
    report: Report,
    result: ScanResult,
    settings: Settings,
    command: Sequence[str],
    manifests: Sequence[sbom.ManifestFile] | None = None,
    audit_head: Head | None = None,
) -> WrittenBundle:
    """Render, sign, encrypt (when asked) and write the bundle; SBOM notices come back.

    `report.json` is the report's own JSON bytes (those the audit log digests); the
    packs and times come from the scan and its policy. `manifests` are the SBOM's
    inputs as the scan's walk met them; without them (a git scan) the targets are
    walked for manifests. `audit_head` is the audit log's newest entry after this
    scan's (None: no log)."""
    check_folder(request.folder)
    targets = result.targets
    ruleset = subjects.ruleset_digest(result.rules)
    packs = subjects.pack_refs(report.policy.packs)
    if manifests is None:
        walk = WalkOptions(settings.exclude, settings.max_file_size, settings.gitignore)
        found, notices = sbom.find_dependencies(targets, walk)
    else:
        found, notices = sbom.read_dependencies(manifests)
    project = Path(targets[0] if targets else ".").resolve().name
    # timed like the report, so SOURCE_DATE_EPOCH makes it reproducible
    finished = datetime.fromisoformat(result.finished)
    tools = sbom.SbomTools(ruleset, packs)
    contents: dict[str, bytes] = {
        REPORT: report.json,
        SARIF: report.encoded("sarif", RenderOptions()),
        SBOM: sbom.build_sbom(project, sbom.merge(found), tools, finished).encode(),
    }
    run = provenance.ScanRun(
        command=provenance.command_line(command),
        targets=tuple(targets),
        fail_on=report.policy.severity_floor,
        mode=report.policy.mode,
        config_sha256=subjects.file_digest(settings.config_path),
        repository=subjects.describe_repository(targets[0] if targets else "."),
        ruleset_sha256=ruleset,
        packs=packs,
        started=result.started,
        finished=result.finished,
        audit_head=(audit_head.hash, audit_head.count or 0) if audit_head else None,
    )
    # The plain files' digests stay subjects when they are encrypted: after `decrypt`,
    # verify checks them too.
    digests = {name: sha256(data) for name, data in contents.items()}
    if request.sign_key is not None:
        signature = signing.sign(request.sign_key, contents[REPORT])
        contents[SIGNATURE] = base64.b64encode(signature) + b"\n"
        contents[PUBLIC_KEY] = keys.public_pem(request.sign_key.public_key())
    if request.recipient is not None:
        for name in CONFIDENTIAL:
            sealed = encrypt.encrypt(contents.pop(name), request.recipient, name)
            contents[name + encrypt.SUFFIX] = sealed
    digests.update({name: sha256(data) for name, data in contents.items()})
    statement = provenance.statement(digests, run, provenance.builder_of())
    envelope = dsse.sign_envelope(
        provenance.payload(statement), dsse.INTOTO_PAYLOAD_TYPE, request.sign_key
    )
    contents[PROVENANCE] = (json.dumps(envelope, separators=(",", ":")) + "\n").encode()
    contents[SUMS] = sums_file(contents).encode()
    _write(request.folder, contents)
    signed = request.sign_key is not None
    return WrittenBundle(request.folder, tuple(sorted(contents)), signed, notices)


def _write(folder: Path, contents: dict[str, bytes]) -> None:
    """Every file into a new folder beside `folder`, then one rename: the bundle appears
    whole or not at all, and a folder another scan filled first is never mixed into."""
    parent = folder.absolute().parent
    staging: str | None = None
    held: int | None = None  # the staging folder's lock: a killed run's is removed next time
    try:
        parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{folder.name}."
        remove_abandoned(str(parent), prefix)
        staging = tempfile.mkdtemp(dir=parent, prefix=prefix, suffix=TEMPORARY_SUFFIX)
        held = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        lock(held, wait=True)
        for name, data in contents.items():
            descriptor = os.open(
                os.path.join(staging, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666
            )
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, folder)  # replaces only a missing or empty folder
        staging = None
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise ConfigError(
                f"--evidence {folder}: was filled while this scan ran (another scan writing "
                "the same folder?); nothing was written: choose a new folder"
            ) from None
        raise ConfigError(f"--evidence {folder}: cannot write: {exc.strerror}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if held is not None:
            os.close(held)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sums_file(contents: dict[str, bytes]) -> str:
    """`sha256sum` format, sorted by name, so `sha256sum -c SHA256SUMS` checks it."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(contents.items()))
