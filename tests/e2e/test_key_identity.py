"""One private key, one finding: the same key in another format or wrapping folds by identity.

The keys are generated at run time (no key is in this repository); the scan reads them as
a user's files would hold them.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

PEM = serialization.Encoding.PEM
NONE = serialization.NoEncryption()


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def pem(key: Any, form: serialization.PrivateFormat, encryption: Any = NONE) -> str:
    text: str = key.private_bytes(PEM, form, encryption).decode()
    return text


def pkcs1(key: Any) -> str:
    return pem(key, serialization.PrivateFormat.TraditionalOpenSSL)


def pkcs8(key: Any) -> str:
    return pem(key, serialization.PrivateFormat.PKCS8)


def openssh(key: Any, encryption: Any = NONE) -> str:
    return pem(key, serialization.PrivateFormat.OpenSSH, encryption)


def rewrapped(block: str, width: int) -> str:
    """The same PEM block with its body re-wrapped at another line width."""
    lines = block.strip().splitlines()
    body = "".join(lines[1:-1])
    wrapped = [body[i : i + width] for i in range(0, len(body), width)]
    return "\n".join([lines[0], *wrapped, lines[-1]]) + "\n"


def indented(block: str, prefix: str = "    ") -> str:
    return "".join(prefix + line + "\n" for line in block.strip().splitlines())


def as_string_literals(block: str) -> str:
    """A PEM block as Python string literals, one line each, with `\\n` escapes."""
    return "".join(f'    "{line}\\n"\n' for line in block.strip().splitlines())


def scan(run: RunPolicyctl, folder: Path, *args: str) -> dict[str, Any]:
    result = run("scan", ".", "-f", "json", "--no-progress", *args, cwd=folder)
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = result.json()
    return report


def places(finding: dict[str, Any]) -> list[str]:
    others = [p["location"]["path"] for p in finding.get("also_at", [])]
    return sorted([finding["location"]["path"], *others])


def test_one_key_in_five_formats_and_wrappings_is_one_finding(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    key = rsa_key()
    files = {
        "keys/pkcs1.pem": pkcs1(key),
        "keys/pkcs8.pem": rewrapped(pkcs8(key), 76),
        "keys/id_rsa": openssh(key),
        "conf/app.yaml": "tls:\n  key: |\n" + indented(pkcs8(key)),
        "src/keys.py": "KEY = (\n" + as_string_literals(pkcs1(key)) + ")\n",
    }
    write_files(tmp_path, files)

    result = run_policyctl("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert result.code == 1
    [finding] = result.json()["findings"]
    assert finding["occurrences"] == 5
    assert places(finding) == sorted(files)
    assert_no_secret_in([result.out, result.err], pkcs1(key).splitlines()[1:-1])


def test_each_place_keeps_its_own_fingerprint_and_per_place_lists_them_all(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = rsa_key()
    write_files(tmp_path, {"a.pem": pkcs1(key), "b.pem": pkcs8(key), "c_key": openssh(key)})

    [folded] = scan(policyctl_in_process, tmp_path)["findings"]
    per_place = scan(policyctl_in_process, tmp_path, "--per-place")["findings"]

    assert len(per_place) == 3
    assert {f["rule_id"] for f in per_place} == {
        "secret.private-key-pem",
        "secret.private-key-openssh",
    }
    folded_prints = {folded["fingerprint"], *(p["fingerprint"] for p in folded["also_at"])}
    assert folded_prints == {f["fingerprint"] for f in per_place}


def test_different_keys_stay_different_findings(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            "a.pem": pkcs8(rsa_key()),
            "b.pem": pkcs8(rsa_key()),
            "c.pem": pkcs8(ed25519.Ed25519PrivateKey.generate()),
        },
    )

    findings = scan(policyctl_in_process, tmp_path)["findings"]

    assert len(findings) == 3
    assert all("also_at" not in f for f in findings)


def locked_openssh(key: Any) -> str:
    """The key as OpenSSH writes it with a passphrase (PROTOCOL.key: cipher aes256-ctr,
    kdf bcrypt with a salt and rounds, the public key in clear, the private section
    encrypted). The private section is random bytes of the right length: the scan reads
    only the public key, and cryptography needs the bcrypt package to encrypt."""
    plain = base64.b64decode("".join(openssh(key).strip().splitlines()[1:-1]))
    magic = b"openssh-key-v1\0"
    at = len(magic)
    for _ in range(3):  # cipher "none", kdf "none", empty kdf options
        at += 4 + int.from_bytes(plain[at : at + 4], "big")
    rest = plain[at:]  # key count, public key blob, private section
    count, rest = rest[:4], rest[4:]
    blob_end = 4 + int.from_bytes(rest[:4], "big")
    blob, private = rest[:blob_end], rest[blob_end + 4 :]
    sealed = os.urandom(len(private) + (-len(private) % 16))
    kdf_options = ssh_string(os.urandom(16)) + (16).to_bytes(4, "big")
    locked = (
        magic
        + ssh_string(b"aes256-ctr")
        + ssh_string(b"bcrypt")
        + ssh_string(kdf_options)
        + count
        + blob
        + ssh_string(sealed)
    )
    body = base64.b64encode(locked).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    label = "OPENSSH PRIVATE KEY"
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n"


def ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def test_an_encrypted_openssh_copy_folds_with_the_plain_key(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    write_files(tmp_path, {"id_plain": openssh(key), "id_locked": locked_openssh(key)})

    [finding] = scan(policyctl_in_process, tmp_path)["findings"]

    assert places(finding) == ["id_locked", "id_plain"]


def test_an_encrypted_pkcs8_key_is_reported_as_its_own_secret(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = rsa_key()
    locked = serialization.BestAvailableEncryption(b"correct horse battery")
    write_files(
        tmp_path,
        {"plain.pem": pkcs8(key), "locked.pem": pkcs8_encrypted(key, locked)},
    )

    findings = scan(policyctl_in_process, tmp_path)["findings"]

    assert sorted(f["rule_id"] for f in findings) == [
        "secret.private-key-encrypted",
        "secret.private-key-pem",
    ]


def pkcs8_encrypted(key: Any, encryption: Any) -> str:
    return pem(key, serialization.PrivateFormat.PKCS8, encryption)


def test_a_base64_wrapped_pem_key_folds_with_the_pem_file(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = rsa_key()
    wrapped = base64.b64encode(pkcs1(key).encode()).decode()
    write_files(
        tmp_path,
        {
            "tls.pem": pkcs8(key),
            "kubeconfig.yaml": f"users:\n- user:\n    client-key-data: {wrapped}\n",
        },
    )

    findings = scan(policyctl_in_process, tmp_path)["findings"]

    assert len(findings) == 1, [(f["rule_id"], f["location"]["path"]) for f in findings]
    assert places(findings[0]) == ["kubeconfig.yaml", "tls.pem"]


def test_an_ignored_copy_of_a_key_is_its_own_suppressed_finding(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    key = rsa_key()
    write_files(
        tmp_path,
        {
            "a.pem": pkcs1(key),
            "b.py": 'KEY = """\n' + pkcs8(key) + '"""\n',
            "c.py": 'KEY = """  # policyctl: ignore\n' + pkcs8(key) + '"""\n',
        },
    )

    report = scan(policyctl_in_process, tmp_path)

    [blocking] = [f for f in report["findings"] if not f.get("suppressed")]
    [ignored] = [f for f in report["findings"] if f.get("suppressed")]
    assert places(blocking) == ["a.pem", "b.py"]
    assert ignored["suppressed"] == "inline" and ignored["location"]["path"] == "c.py"


def test_a_key_whose_body_is_elided_is_not_reported(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    lines = pkcs1(rsa_key()).strip().splitlines()
    elided = "\n".join([lines[0], lines[1], "...", lines[-2], lines[-1]]) + "\n"
    write_files(tmp_path, {"docs/setup.md": "```\n" + elided + "```\n"})

    report = scan(policyctl_in_process, tmp_path)

    assert report["findings"] == []
