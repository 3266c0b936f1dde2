"""`policyctl keygen|verify|decrypt` and the evidence options of `scan`: wiring only."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policyctl.cli.console import print_notices, stderr, stdout, warn

if TYPE_CHECKING:
    from policyctl.evidence.bundle import EvidenceRequest, WrittenBundle


def evidence_request(
    folder: Path | None, sign_key: str | None, encrypt_to: Path | None
) -> EvidenceRequest | None:
    """The bundle `scan --evidence` should write, with its keys loaded (errors: exit 2)."""
    if folder is None:
        for name, value in (("--sign-key", sign_key), ("--encrypt-to", encrypt_to)):
            if value is not None:
                raise typer.BadParameter("needs --evidence DIR", param_hint=name)
        return None
    from policyctl.evidence import keys
    from policyctl.evidence.bundle import EvidenceRequest

    signer = keys.load_signing_key(sign_key)
    recipient = keys.load_public_key(encrypt_to) if encrypt_to is not None else None
    return EvidenceRequest(folder, signer[0] if signer else None, recipient)


def print_bundle(bundle: WrittenBundle, verbose: bool) -> None:
    print_notices([asdict(n) for n in bundle.notices], verbose)
    stderr.print(
        f"policyctl: evidence: {len(bundle.files)} files in {bundle.folder}",
        markup=False,
        soft_wrap=True,
    )
    if not bundle.signed:
        warn("the evidence is not signed (use --sign-key or POLICYCTL_SIGN_KEY)")


def keygen(
    out: Annotated[Path, typer.Option("--out", help="Folder for policyctl.key and .pub.")],
    key_type: Annotated[
        str,
        typer.Option("--type", help="ecdsa-p256 (default), ed25519 or rsa-pss-4096."),
    ] = "ecdsa-p256",
    force: Annotated[bool, typer.Option("--force", help="Replace existing key files.")] = False,
) -> None:
    """Write a signing key pair (PEM) for evidence bundles.

    The private key is readable by its owner only, and encrypted with
    $POLICYCTL_KEY_PASSPHRASE when that is set.
    """
    from policyctl.evidence import keys

    if key_type not in keys.KEY_TYPES:
        raise typer.BadParameter(f"choose one of {', '.join(keys.KEY_TYPES)}", param_hint="--type")
    written = keys.write_key_pair(out, key_type, force=force)
    protection = "encrypted" if written.encrypted else "NOT encrypted (no passphrase set)"
    stdout.print(f"private key: {written.private} (mode 0600, {protection})", markup=False)
    stdout.print(f"public key:  {written.public}", markup=False)
    stdout.print(f"key id:      {written.keyid}", markup=False)


def verify(
    folder: Annotated[Path, typer.Argument(help="The evidence bundle folder.")],
    key: Annotated[
        Path | None,
        typer.Option("--key", help="The signer's public key (PEM) you trust."),
    ] = None,
    allow_unsigned: Annotated[
        bool, typer.Option("--allow-unsigned", help="Accept a bundle without signatures.")
    ] = False,
) -> None:
    """Verify an evidence bundle offline.

    Checks SHA256SUMS, the DSSE signature of the provenance, every subject digest, the
    detached signature of report.json and the report's schema. Exit code 0: everything
    verified; 1: a check failed (each failing file is named).
    """
    from policyctl.evidence import keys
    from policyctl.evidence.verify import verify_bundle

    pinned = keys.load_public_key(key) if key is not None else None
    result = verify_bundle(folder, pinned, allow_unsigned)
    labels = {True: "ok  ", False: "FAIL", None: "skip"}
    for check in result.checks:
        stdout.print(f"{labels[check.ok]}  {check.file}: {check.message}", markup=False)
    if result.ok and not result.pinned and result.keyid:
        warn(
            f"checked with the bundle's own public-key.pem (key id {result.keyid}); "
            "pass --key with the key you trust to prove who signed"
        )
    if not result.ok:
        stdout.print(f"FAILED: {', '.join(result.failed_files)}", markup=False)
        raise typer.Exit(1)
    stdout.print(f"verified: {folder}", markup=False)


def decrypt(
    path: Annotated[Path, typer.Argument(help="An encrypted file (*.enc) or a bundle folder.")],
    key: Annotated[Path, typer.Option("--key", help="Your private key (PEM).")],
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
) -> None:
    """Decrypt what `scan --encrypt-to` encrypted in a bundle (or one .enc file).

    Each file is written beside its .enc file, so `policyctl verify` then checks it.
    """
    from policyctl.core.errors import InputError
    from policyctl.evidence import encrypt, keys

    private = keys.load_private_key(keys.read_key_file(key), str(key))
    sealed = sorted(path.glob(f"*{encrypt.SUFFIX}")) if path.is_dir() else [path]
    if not sealed or not all(p.is_file() for p in sealed):
        raise InputError(f"{path}: no encrypted file (*{encrypt.SUFFIX}) found")
    for file in sealed:
        name, plaintext = encrypt.decrypt(file.read_bytes(), private, str(file))
        target = file.with_name(name)
        if target.exists() and not force:
            raise InputError(f"{target}: already exists (use --force to replace it)")
        target.write_bytes(plaintext)
        stdout.print(f"decrypted: {target}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("keygen")(keygen)
    app.command("verify")(verify)
    app.command("decrypt")(decrypt)
