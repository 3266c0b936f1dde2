"""Issue 14.16: no message ever prints signing-key material, whatever the mistake."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl


@pytest.fixture(scope="module")
def key_pem(tmp_path_factory: pytest.TempPathFactory) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode()


def body(pem: str) -> list[str]:
    """The base64 lines of a PEM: none may appear in any output."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def assert_no_key(output: str, pem: str) -> None:
    for line in body(pem):
        assert line not in output
        assert line[:24] not in output
    assert base64.b64encode(pem.encode()).decode()[:24] not in output


def test_the_key_itself_given_as_sign_key_is_refused_without_echoing_it(
    tmp_path: Path, run_policyctl: RunPolicyctl, key_pem: str
) -> None:
    result = run_policyctl(
        "scan", tmp_path, "--no-audit", "--evidence", tmp_path / "ev", "--sign-key", key_pem
    )
    assert result.code == 2
    assert "--sign-key" in result.err and result.err.count("\n") == 1
    assert_no_key(result.all_output, key_pem)
    assert not (tmp_path / "ev").exists()


@pytest.mark.parametrize("form", ["base64 of the PEM", "PEM body without armour"])
def test_a_bad_sign_key_variable_is_refused_without_echoing_it(
    tmp_path: Path, run_policyctl: RunPolicyctl, key_pem: str, form: str
) -> None:
    value = (
        base64.b64encode(key_pem.encode()).decode()
        if form == "base64 of the PEM"
        else "".join(body(key_pem))
    )
    result = run_policyctl(
        "scan",
        tmp_path,
        "--no-audit",
        "--evidence",
        tmp_path / "ev",
        env={"POLICYCTL_SIGN_KEY": value},
    )
    assert result.code == 2
    assert "POLICYCTL_SIGN_KEY" in result.err and result.err.count("\n") == 1
    assert_no_key(result.all_output, key_pem)
    assert value[:24] not in result.all_output


def test_a_broken_pem_in_the_variable_is_refused_without_echoing_it(
    tmp_path: Path, run_policyctl: RunPolicyctl, key_pem: str
) -> None:
    broken = key_pem.replace(body(key_pem)[1], body(key_pem)[1][::-1])
    result = run_policyctl(
        "scan",
        tmp_path,
        "--no-audit",
        "--evidence",
        tmp_path / "ev",
        env={"POLICYCTL_SIGN_KEY": broken},
    )
    assert result.code == 2
    assert_no_key(result.all_output, key_pem)
    assert_no_key(result.all_output, broken)
