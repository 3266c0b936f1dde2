"""Baselines: accept today's findings, report only new ones, drop stale entries."""

from __future__ import annotations

import json
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, write_files

BASELINE = ".policyctl-baseline.json"


def test_create_writes_sorted_fingerprints_and_rule_ids_only(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    secrets = [fakes.github_pat("b1"), fakes.aws_access_key_id("b2"), fakes.stripe_live_key("b3")]
    write_files(tmp_path, {f"f{i}.py": f"k = '{s}'\n" for i, s in enumerate(secrets)})

    run = run_policyctl("baseline", "create", cwd=tmp_path)

    assert run.code == 0, run.err
    text = (tmp_path / BASELINE).read_text()
    document = json.loads(text)
    assert set(document) == {"version", "findings"}
    entries = document["findings"]
    assert len(entries) == 3
    assert all(set(e) == {"rule_id", "fingerprint"} for e in entries)
    assert entries == sorted(entries, key=lambda e: (e["rule_id"], e["fingerprint"]))
    assert len(text.splitlines()) == 5 + len(entries)  # one entry per line: merges cleanly
    assert_no_secret_in([text, run.out, run.err], secrets)


def test_create_is_byte_for_byte_stable(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": f"k = '{fakes.github_pat('stable')}'\n"})
    policyctl_in_process("baseline", "create", cwd=tmp_path)
    first = (tmp_path / BASELINE).read_bytes()

    policyctl_in_process("baseline", "create", cwd=tmp_path)

    assert (tmp_path / BASELINE).read_bytes() == first


def test_a_scan_with_the_baseline_reports_only_new_findings(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {"old.py": f"k = '{fakes.github_pat('accepted')}'\n"})
    run_policyctl("baseline", "create", cwd=tmp_path)
    assert run_policyctl("scan", "--baseline", BASELINE, cwd=tmp_path).code == 0
    write_files(tmp_path, {"new.py": f"k = '{fakes.aws_access_key_id('fresh')}'\n"})

    run = run_policyctl("scan", "--baseline", BASELINE, "--no-progress", cwd=tmp_path)

    assert run.code == 1
    assert "new.py" in run.out
    assert "old.py" not in run.out
    assert "1 suppressed" in run.out


def test_baselined_findings_stay_in_the_json_report_marked_suppressed(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {"old.py": f"k = '{fakes.github_pat('kept')}'\n"})
    policyctl_in_process("baseline", "create", cwd=tmp_path)

    report = policyctl_in_process("scan", "--baseline", BASELINE, "-f", "json", cwd=tmp_path).json()

    [finding] = report["findings"]
    assert finding["suppressed"] == "baseline"
    assert report["summary"]["findings"] == 0
    assert report["summary"]["suppressed"] == 1


def test_moving_a_secret_to_another_line_keeps_it_baselined(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("moves")
    write_files(tmp_path, {"a.py": f"k = '{token}'\n"})
    policyctl_in_process("baseline", "create", cwd=tmp_path)
    write_files(tmp_path, {"a.py": f"import os\n\n\ndef f():\n    return '{token}'\n"})

    assert policyctl_in_process("scan", "--baseline", BASELINE, cwd=tmp_path).code == 0


def test_a_baseline_from_the_work_tree_also_accepts_the_same_secret_in_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "k", {"a.py": f"k = '{fakes.github_pat('both')}'\n"})
    policyctl_in_process("baseline", "create", cwd=git_repo)

    assert policyctl_in_process("scan", "--git", "--baseline", BASELINE, cwd=git_repo).code == 0


def test_update_drops_entries_that_no_longer_occur_and_names_them(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            "keep.py": f"k = '{fakes.github_pat('keep')}'\n",
            "fixed.py": f"k = '{fakes.aws_access_key_id('fixed')}'\n",
        },
    )
    policyctl_in_process("baseline", "create", cwd=tmp_path)
    before = json.loads((tmp_path / BASELINE).read_text())["findings"]
    write_files(
        tmp_path, {"fixed.py": "k = os.environ['KEY']\n", "new.py": f"k = '{fakes.jwt(1)}'\n"}
    )

    run = policyctl_in_process("baseline", "update", cwd=tmp_path)

    assert run.code == 0, run.err
    after = json.loads((tmp_path / BASELINE).read_text())["findings"]
    [dropped] = [e for e in before if e not in after]
    assert dropped["rule_id"] == "secret.aws-access-key-id"
    assert f"removed secret.aws-access-key-id {dropped['fingerprint']}" in run.out
    assert "removed 1 stale, kept 1; 1 finding(s) not in the baseline" in run.out
    assert len(after) == 1  # the new finding is not accepted behind the user's back


def test_a_missing_or_broken_baseline_is_a_one_line_usage_error(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    missing = run_policyctl("scan", "--baseline", "nope.json", cwd=tmp_path)
    write_files(tmp_path, {"bad.json": '{"version": 1, "findings": [{"rule_id": "x"}]}'})
    broken = run_policyctl("scan", "--baseline", "bad.json", cwd=tmp_path)

    assert (missing.code, broken.code) == (2, 2)
    assert missing.err.startswith("policyctl: error: nope.json: baseline file not found")
    assert broken.err.startswith("policyctl: error: bad.json: field 'findings.0'")
    assert len(broken.err.strip().splitlines()) == 1


def test_the_config_file_can_name_the_baseline(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {"a.py": f"k = '{fakes.github_pat('cfg')}'\n"})
    policyctl_in_process("baseline", "create", "--output", "ci/accepted.json", cwd=tmp_path)
    write_files(tmp_path, {".policyctl.yaml": "version: 1\nbaseline: ci/accepted.json\n"})

    assert policyctl_in_process("scan", cwd=tmp_path).code == 0
