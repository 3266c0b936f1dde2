"""Hostile inputs never make the installed command hang (run as a subprocess with a
timeout, so a regression cannot hang the test session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _mixed_inputs(root: Path, padding: int = 0) -> None:
    from tests import pii_samples as pii
    from tests.fakes import aws_access_key_id, github_pat, jwt, slack_bot_token, stripe_live_key

    write_files(
        root,
        {
            "app/settings.py": f'GITHUB_TOKEN = "{github_pat("e")}"\n'
            f'KEY = "{aws_access_key_id()}"\n'
            + "# filler line with 1234 5678 and 12.50 and v1.2.3\n"
            * padding,
            "deploy/env.sh": f"export SLACK_TOKEN={slack_bot_token()}\n"
            f"STRIPE={stripe_live_key()}\n",
            "logs/app.log": f"user {pii.email(3)} ssn {pii.ssn()} card {pii.card()}\n"
            f"auth: Bearer {jwt()}\nphone {pii.phone()} from {pii.ipv4()}\n",
        },
    )


def _fingerprints(result: Any) -> list[tuple[str, str]]:
    assert result.code == 1, result.err
    return sorted((f["rule_id"], f["fingerprint"]) for f in result.json()["findings"])


def test_auto_scans_a_small_input_on_an_empty_cache_without_compiling_and_finds_the_same(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """The cold start of a CI job: `auto` matches a few files with `re` rather than
    compiling the database for seconds (policyctl.engine.adaptive); Hyperscan finds the same."""
    _mixed_inputs(tmp_path / "repo")
    cache = tmp_path / "cache"
    env = {"POLICYCTL_CACHE_DIR": str(cache)}
    scan = ("scan", tmp_path / "repo", "-f", "json", "--no-audit", "--no-progress")
    cold = _fingerprints(run_policyctl(*scan, env=env))
    assert not list(cache.glob("hs-*.db")), "a small scan on an empty cache compiled"
    assert {rule for rule, _ in cold} >= {"pii.email-address", "secret.jwt"}
    compiled = _fingerprints(run_policyctl(*scan, "--engine", "hyperscan", env=env))
    assert list(cache.glob("hs-*.db"))
    assert compiled == cold
    assert _fingerprints(run_policyctl(*scan, env=env)) == cold  # auto, now from the cache


def test_auto_compiles_once_the_input_is_large(tmp_path: Path, run_policyctl: RunPolicyctl) -> None:
    from policyctl.engine.adaptive import RE_BUDGET

    _mixed_inputs(tmp_path / "repo", padding=RE_BUDGET // 40)
    cache = tmp_path / "cache"
    scan = ("scan", tmp_path / "repo", "-f", "json", "--no-audit", "--no-progress", "-j", "1")
    found = _fingerprints(run_policyctl(*scan, env={"POLICYCTL_CACHE_DIR": str(cache)}))
    assert list(cache.glob("hs-*.db")), "a large scan should compile and cache the database"
    assert found == _fingerprints(run_policyctl(*scan, "--engine", "re"))
