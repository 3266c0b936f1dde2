"""Suppression: inline ignore comments and config allowlists. Suppressed findings stay in
the report, counted apart, and never block."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from policyctl.core.errors import ConfigError
from policyctl.detection.suppress import ALLOWLIST, Allowlist, inline_ignored
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files
from tests.fakes import github_pat, stripe_live_key

TOKEN = github_pat("suppress")


def at(text: str, rule_id: str = "secret.github-pat-classic") -> bool:
    data = text.encode()
    return inline_ignored(data, data.index(TOKEN.encode()), rule_id)


@pytest.mark.parametrize(
    "comment",
    [
        "# policyctl: ignore",
        "// policyctl:ignore",
        "# gitleaks:allow",
        "# pragma: allowlist secret",
    ],
)
def test_an_ignore_comment_on_the_same_line_suppresses(comment: str) -> None:
    assert at(f'token = "{TOKEN}"  {comment}\n')


def test_an_ignore_comment_on_the_line_before_suppresses() -> None:
    assert at(f'# policyctl: ignore\ntoken = "{TOKEN}"\n')


def test_an_ignore_comment_two_lines_before_does_not() -> None:
    assert not at(f'# policyctl: ignore\n\ntoken = "{TOKEN}"\n')


def test_an_ignore_naming_rules_suppresses_only_those_rules() -> None:
    line = f'token = "{TOKEN}"  # policyctl: ignore[secret.slack-*, secret.github-pat-classic]\n'
    assert at(line)
    assert not at(line.replace("secret.github-pat-classic", "secret.jwt"))


def test_allowlist_matches_paths_regexes_and_value_digests() -> None:
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    assert Allowlist.compile(paths=["fixtures/**"]).reason("fixtures/a.env", TOKEN) == ALLOWLIST
    assert Allowlist.compile(values=["^ghp_"]).reason("a.env", TOKEN) == ALLOWLIST
    assert Allowlist.compile(sha256=[digest]).reason("a.env", TOKEN) == ALLOWLIST
    assert Allowlist.compile(sha256=[digest]).reason("a.env", TOKEN + "x") is None


def test_a_bad_allowlist_entry_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"allowlist\.values #1"):
        Allowlist.compile(values=["(a+)+"])
    with pytest.raises(ConfigError, match=r"allowlist\.sha256 #1"):
        Allowlist.compile(sha256=["not-a-digest"])


def test_suppressed_findings_are_reported_counted_apart_and_do_not_block(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    other = stripe_live_key("suppress")
    write_files(
        tmp_path,
        {
            "deploy.sh": f'export GITHUB_TOKEN="{TOKEN}"  # policyctl: ignore\n',
            "vendor/keys.py": f'STRIPE = "{other}"\n',
            ".policyctl.yaml": "version: 1\nallowlist:\n  paths: [vendor]\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--no-ignore")
    assert result.code == 0, result.all_output
    report = result.json()
    reasons = {f["location"]["path"]: f["suppressed"] for f in report["findings"]}
    assert reasons == {"deploy.sh": "inline", "vendor/keys.py": "allowlist"}
    assert report["summary"]["suppressed"] == 2
    assert report["summary"]["findings"] == 0
    assert_no_secret_in([result.out, result.err], [TOKEN, other])


def test_a_value_allowlisted_by_sha256_in_the_config_is_suppressed(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    write_files(
        tmp_path,
        {
            "ci.yml": f"env:\n  GITHUB_TOKEN: {TOKEN}\n",
            ".policyctl.yaml": f"version: 1\nallowlist:\n  sha256: ['{digest}']\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--no-ignore")
    assert result.code == 0
    assert [f["suppressed"] for f in result.json()["findings"]] == ["allowlist"]
