"""Verify an evidence bundle offline: SHA256SUMS, the DSSE signature over the provenance,
every subject digest, the detached signature of the report and the report's schema. Each
check names its file; one failed check fails the bundle.

SHA256SUMS is for auditors without policyctl and is not signed; what proves the bundle is
the signed provenance, whose subjects must name every file in the folder but itself and
SHA256SUMS. A file no bundle holds, or one the statement does not name, fails.

The SBOM is checked by its digest (signed, as a provenance subject), not against the
CycloneDX schema: that validation grows with the square of the components (seconds for a
large monorepo), and what the signer wrote is what the digest proves.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

from policyctl.core.errors import InputError
from policyctl.evidence import bundle, dsse, keys, provenance, signing
from policyctl.evidence.encrypt import SUFFIX
from policyctl.schemas import schema_problems

_SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *]([A-Za-z0-9._-]+)$")


@dataclass(frozen=True)
class Check:
    """One thing verified: `ok` True (passed), False (failed) or None (could not be checked)."""

    file: str
    ok: bool | None
    message: str


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]
    keyid: str | None
    pinned: bool

    @property
    def ok(self) -> bool:
        return all(check.ok is not False for check in self.checks)

    @property
    def failed_files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.file for c in self.checks if c.ok is False))


def verify_bundle(
    folder: Path, key: keys.PublicKey | None = None, allow_unsigned: bool = False
) -> Verification:
    """Every check of the bundle in `folder`; `key` pins the signer (else the bundle's
    own public-key.pem is used, which proves integrity but not who signed)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such bundle folder")
    checks: list[Check] = []
    checks += _check_names(folder)
    checks += _check_sums(folder)
    signer, key_checks = _signer_key(folder, key)
    checks += key_checks
    checks += _check_provenance(folder, signer, allow_unsigned)
    checks += _check_signature(folder, signer, allow_unsigned)
    checks += _check_report_schema(folder)
    return Verification(
        tuple(checks), keys.keyid(signer) if signer is not None else None, key is not None
    )


def _check_names(folder: Path) -> list[Check]:
    """Only the files a bundle holds, and only files."""
    checks = []
    for entry in sorted(folder.iterdir()):
        if entry.name not in bundle.KNOWN_NAMES:
            checks.append(Check(entry.name, False, "is not a file of an evidence bundle (added?)"))
        elif entry.is_symlink() or not entry.is_file():
            checks.append(Check(entry.name, False, "is not a regular file"))
    return checks


def _check_sums(folder: Path) -> list[Check]:
    path = folder / bundle.SUMS
    if not path.is_file():
        return [Check(bundle.SUMS, False, "missing: the bundle lists no file digests")]
    listed: dict[str, str] = {}
    checks: list[Check] = []
    for number, line in enumerate(_text(path).split("\n")[:-1], 1):
        found = _SUMS_LINE.match(line)
        if not found:
            return [Check(bundle.SUMS, False, f"line {number} is not '<sha256>  <file>'")]
        listed[found.group(2)] = found.group(1)
    if not listed or not _text(path).endswith("\n"):
        return [Check(bundle.SUMS, False, "is empty or truncated")]
    for name, digest in sorted(listed.items()):
        file = folder / name
        if not file.is_file():
            checks.append(Check(name, False, "listed in SHA256SUMS but missing (deleted?)"))
        elif bundle.sha256(file.read_bytes()) != digest:
            checks.append(Check(name, False, "sha256 does not match SHA256SUMS (altered)"))
        else:
            checks.append(Check(name, True, "sha256 matches SHA256SUMS"))
    for file in sorted(folder.iterdir()):
        decrypted = file.name + SUFFIX in listed
        if file.name != bundle.SUMS and file.name not in listed and not decrypted:
            checks.append(Check(file.name, False, "not listed in SHA256SUMS (added?)"))
    if any(check.ok is False for check in checks):
        # Either side may have been altered; the signature checks tell which.
        checks.append(Check(bundle.SUMS, False, "does not match the files of the bundle"))
    return checks


def _signer_key(
    folder: Path, pinned: keys.PublicKey | None
) -> tuple[keys.PublicKey | None, list[Check]]:
    path = folder / bundle.PUBLIC_KEY
    if not path.is_file():
        return pinned, []
    try:
        embedded = keys.load_public_key(path)
    except Exception:
        return pinned, [Check(bundle.PUBLIC_KEY, False, "is not a usable PEM public key")]
    if pinned is None:
        return embedded, []
    if keys.keyid(embedded) != keys.keyid(pinned):
        return pinned, [Check(bundle.PUBLIC_KEY, False, "is not the key given with --key")]
    return pinned, [Check(bundle.PUBLIC_KEY, True, "is the key given with --key")]


def _check_provenance(
    folder: Path, key: keys.PublicKey | None, allow_unsigned: bool
) -> list[Check]:
    name = bundle.PROVENANCE
    path = folder / name
    if not path.is_file():
        return [Check(name, False, "missing")]
    lines = [line for line in _text(path).splitlines() if line.strip()]
    try:
        if len(lines) != 1:
            raise ValueError("must hold exactly one DSSE envelope")
        opened = dsse.open_envelope(json.loads(lines[0]), key)
        if opened.payload_type != dsse.INTOTO_PAYLOAD_TYPE:
            raise ValueError(f"payloadType is not {dsse.INTOTO_PAYLOAD_TYPE}")
        statement = json.loads(opened.payload)
        subjects = provenance.subjects_of(statement)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # json's messages quote positions only, never content
        return [Check(name, False, f"not a valid provenance envelope: {exc}")]
    verified = bool(opened.verified_keyids) if opened.signatures else None
    checks = [_signature_check(name, "DSSE signature", verified, key, allow_unsigned)]
    for required in (bundle.REPORT, bundle.SBOM):
        if required not in subjects:
            checks.append(Check(name, False, f"does not name {required} as a subject"))
    for file in sorted(folder.iterdir()):
        if file.name not in subjects and file.name not in bundle.UNSIGNED_NAMES:
            checks.append(Check(file.name, False, "is not a subject of the signed provenance"))
    head = provenance.audit_head_of(statement)
    if head is not None:
        checks.append(
            Check(
                name,
                True,
                f"records the audit log head {head} (check the log with "
                f"`policyctl audit verify --expect-head {head}`)",
            )
        )
    for subject, digest in sorted(subjects.items()):
        file = folder / subject
        if subject in bundle.UNSIGNED_NAMES or subject not in bundle.KNOWN_NAMES:
            checks.append(Check(name, False, f"names {subject!r}, which no bundle signs"))
        elif file.is_file():
            same = bundle.sha256(file.read_bytes()) == digest
            message = "matches" if same else "sha256 differs from"
            checks.append(Check(subject, same, f"{message} its provenance subject digest"))
        elif (folder / (subject + SUFFIX)).is_file():
            checks.append(Check(subject, None, f"encrypted ({subject}{SUFFIX}): decrypt to check"))
        else:
            checks.append(Check(subject, False, "named by the provenance but missing"))
    return checks


def _signature_check(
    file: str, what: str, verified: bool | None, key: keys.PublicKey | None, allow_unsigned: bool
) -> Check:
    """`verified`: None when there is no signature, else whether it verified with `key`."""
    if verified is None:
        if allow_unsigned:
            return Check(file, None, f"no {what} (unsigned bundle, allowed)")
        return Check(file, False, f"no {what}: nothing proves who made it")
    if key is None:
        return Check(file, False, f"{what} present but no public key to check it (use --key)")
    keyid = keys.keyid(key)[:16]
    if verified:
        return Check(file, True, f"{what} verifies with key {keyid}")
    return Check(file, False, f"{what} does not verify with key {keyid}")


def _check_signature(folder: Path, key: keys.PublicKey | None, allow_unsigned: bool) -> list[Check]:
    report, path = folder / bundle.REPORT, folder / bundle.SIGNATURE
    what = "detached signature of report.json"
    if not report.is_file():
        if path.is_file():
            return [Check(bundle.SIGNATURE, None, "report.json is encrypted: decrypt to check")]
        return []
    if not path.is_file():
        return [_signature_check(bundle.SIGNATURE, what, None, key, allow_unsigned)]
    try:
        signature = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (binascii.Error, ValueError):
        return [Check(bundle.SIGNATURE, False, "is not base64")]
    verified = key is not None and signing.verify(key, signature, report.read_bytes())
    return [_signature_check(bundle.SIGNATURE, what, verified, key, allow_unsigned)]


def _check_report_schema(folder: Path) -> list[Check]:
    checks = []
    report = folder / bundle.REPORT
    if report.is_file():
        try:
            problems = schema_problems(json.loads(report.read_bytes()), "report")
            message = (
                f"does not match the report schema: {'.'.join(map(str, problems[0].path))}: "
                f"{problems[0].message}"
                if problems
                else "matches the report schema"
            )
            checks.append(Check(bundle.REPORT, not problems, message))
        except (ValueError, UnicodeDecodeError):
            checks.append(Check(bundle.REPORT, False, "is not valid JSON"))
    return checks


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")
