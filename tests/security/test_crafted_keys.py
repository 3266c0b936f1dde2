"""A private key block crafted to trip the key parser never stops the scan or hides a key.

Key identity (detection.key_identity) parses what a scanned file says is a key: a hostile
repository decides those bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests import fakes
from tests.conftest import RunPolicyctl, write_files


def ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def openssh_block(key_type: bytes) -> str:
    """An `openssh-key-v1` block (PROTOCOL.key) whose public key names `key_type`."""
    blob = ssh_string(key_type) + ssh_string(bytes(range(32)))
    raw = (
        b"openssh-key-v1\0"
        + ssh_string(b"none")
        + ssh_string(b"none")
        + ssh_string(b"")
        + (1).to_bytes(4, "big")
        + ssh_string(blob)
        + ssh_string(bytes(range(64)) * 2)
    )
    body = base64.b64encode(raw).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    label = "OPENSSH PRIVATE KEY"
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n"


def test_a_key_of_a_type_the_parser_does_not_know_is_reported_and_the_scan_goes_on(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("after-the-key")
    write_files(
        tmp_path,
        {"a/id_odd": openssh_block(b"ssh-made-up-type"), "b/app.py": f"t = '{token}'\n"},
    )

    run = run_policyctl("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert sorted(f["location"]["path"] for f in run.json()["findings"]) == ["a/id_odd", "b/app.py"]


def test_an_ignored_copy_in_another_format_does_not_carry_the_live_key_away(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    none = serialization.NoEncryption()
    pem = serialization.Encoding.PEM
    pkcs8 = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none).decode()
    openssh = key.private_bytes(pem, serialization.PrivateFormat.OpenSSH, none).decode()
    write_files(
        tmp_path,
        {
            "aaa/key.py": 'KEY = """  # policyctl: ignore\n' + pkcs8 + '"""\n',
            "tests/id_test": openssh,
        },
    )

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    live = [f for f in run.json()["findings"] if f["suppressed"] is None]
    assert [f["location"]["path"] for f in live] == ["tests/id_test"]
