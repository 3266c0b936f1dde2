"""Hostile inputs never make the installed command hang (run as a subprocess with a
timeout, so a regression cannot hang the test session)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunPolicyctl, write_files


def test_hostile_inputs_do_not_make_a_scan_hang(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    # Long runs that the built-in rules' prefixes and classes could chew on.
    write_files(
        tmp_path,
        {
            "as.txt": "a" * 2_000_000 + "!",
            "base64.txt": "A" * 3_000_000,
            "keys.txt": "password = '" + "x" * 1_000_000,
            "pem.txt": "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * 200_000,
            "tokens.txt": "ghp_" * 500_000,
            "urls.txt": "postgres://u:" * 200_000,
        },
    )
    result = run_policyctl("scan", tmp_path, "--no-progress", "--jobs", "1", timeout=90)
    assert result.code in (0, 1), result.err
