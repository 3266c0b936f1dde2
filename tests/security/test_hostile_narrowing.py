"""A scanned repository's own files may try to narrow the scan: it is never silent."""

from __future__ import annotations

import time
from pathlib import Path

from policyctl.core.globs import MAX_NAME_GLOBS
from tests import fakes
from tests.conftest import RunPolicyctl, write_files


def test_a_repository_config_turning_every_rule_off_fails_the_scan(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": "version: 1\ndisable: [secret, pii]\n",
            "app.py": f"t = '{fakes.github_pat('hostile')}'\n",
        },
    )

    run = run_policyctl("scan", ".", cwd=tmp_path)

    assert run.code == 2  # never a green gate that looked at nothing
    assert "left no rule on" in run.err


def test_a_gitleaks_toml_allowlisting_everything_is_said_and_its_findings_listed(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            ".gitleaks.toml": "[allowlist]\npaths = ['''.*''']\n",
            "app.py": f"t = '{fakes.github_pat('hidden')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", "-f", "json", cwd=tmp_path)

    assert "policyctl: warning: .gitleaks.toml: [allowlist] read as an allowlist" in run.err
    [finding] = run.json()["findings"]
    assert (finding["location"]["path"], finding["suppressed"]) == ("app.py", "allowlist")


def test_a_backtracking_regex_in_a_gitleaks_toml_is_left_out_not_run(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            ".gitleaks.toml": "[allowlist]\nregexes = ['''^(a+)+$''']\n",
            "app.py": f"t = '{fakes.github_pat('redos')}'\n" + "a" * 5000 + "!\n",
        },
    )

    started = time.monotonic()
    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert time.monotonic() - started < 60
    assert run.code == 1
    assert "regexes #1: not a usable regular expression" in run.err


def test_a_config_listing_fifty_thousand_rule_names_is_read_at_once_and_summed_up(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # each name was once matched against every rule as a glob: some 70 s of a gate
    names = "".join(f"  - secret.no-such-rule-{n}\n" for n in range(50_000))
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": f"version: 1\ndisable:\n  - secret.aws-*\n{names}",
            "app.py": f"t = '{fakes.github_pat('listed')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path, timeout=30)

    assert run.code == 1  # the finding, the listed rules off
    assert "secret.no-such-rule-0, " in run.err and "and 49991 more" in run.err
    assert "and 49990 more enable/disable patterns name no rule" in run.err
    assert len(run.err.splitlines()) < 40


def test_a_config_listing_thousands_of_globs_is_refused_naming_the_limit(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    globs = "".join(f"  - '*-no-such-rule-{n}-*'\n" for n in range(MAX_NAME_GLOBS + 1))
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": f"version: 1\ndisable:\n{globs}",
            "app.py": f"t = '{fakes.github_pat('globbed')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path, timeout=30)

    assert run.code == 2
    assert f"{MAX_NAME_GLOBS + 1} patterns with glob characters" in run.err


def _pack(controls: int, clause: str) -> str:
    """A pack of `controls` controls, each selecting with `clause` ({n}: its number)."""
    body = "".join(
        f"  - id: C{n}\n    title: t\n    description: d\n    mode: warn\n"
        f"    selects:\n      - {clause.format(n=n)}\n"
        for n in range(controls)
    )
    framework = "framework: {name: X, version: '1', url: 'https://example.org/x'}"
    return f"id: hostile\nname: Hostile\nversion: '1'\n{framework}\ncontrols:\n{body}"


def test_a_repository_pack_of_warn_controls_lets_a_token_pass_the_gate_but_says_so(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # with packs, a finding blocks only when a control in block mode selects it
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": "version: 1\npacks: [./pack.yaml]\n",
            "pack.yaml": _pack(1, "categories: [secret]"),
            "app.py": f"t = '{fakes.github_pat('lax')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", "-f", "json", cwd=tmp_path)

    assert run.code == 0
    [finding] = run.json()["findings"]
    assert (finding["mode"], finding["controls"]) == ("warn", ["hostile:C0"])
    assert "lowers coverage: packs: 1 pack file(s) decide which findings block" in run.err


def test_a_pack_with_thousands_of_rule_globs_is_refused_naming_the_limit(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # each glob of each control was matched against every rule: 3,000 controls of three
    # globs held a one-file scan for 4.6 s, and the time grows with the pack
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": "version: 1\npacks: [./pack.yaml]\n",
            "pack.yaml": _pack(MAX_NAME_GLOBS + 1, "rules: ['secret.no-such-{n}-*']"),
            "app.py": f"t = '{fakes.github_pat('packed')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path, timeout=60)

    assert run.code == 2
    assert f"{MAX_NAME_GLOBS + 1} rule id globs in the controls' selects" in run.err


def test_a_pack_of_thousands_of_controls_that_choose_nothing_is_summed_up(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": "version: 1\npacks: [./pack.yaml]\n",
            "pack.yaml": _pack(3000, "tags: [no-such-tag-{n}]"),
            "app.py": f"t = '{fakes.github_pat('packed')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path, timeout=60)

    assert run.code == 0  # no control selects the finding: logged, and the pack is named
    assert "lowers coverage: packs: 1 pack file(s) decide which findings block" in run.err
    assert "control C0: selects clause #1 chooses no rule" in run.err
    assert "pack hostile: and 2990 more such problems" in run.err
    assert len(run.err.splitlines()) < 40
