"""Coming from detect-secrets or gitleaks: baseline import, .gitleaks.toml allowlists,
and baseline audit. The input files are written here from the tools' documented formats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, git, write_files

BASELINE = ".policyctl-baseline.json"


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()


def detect_secrets_baseline(results: dict[str, list[dict[str, Any]]]) -> str:
    """A `.secrets.baseline` as detect-secrets 1.x writes it."""
    for filename, entries in results.items():
        for entry in entries:
            entry.setdefault("filename", filename)
            entry.setdefault("is_verified", False)
    return json.dumps(
        {
            "version": "1.5.0",
            "plugins_used": [{"name": "GitHubTokenDetector"}, {"name": "KeywordDetector"}],
            "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
            "results": results,
            "generated_at": "2026-11-30T10:00:00Z",
        },
        indent=2,
    )


def ds_result(kind: str, value: str, line: int, is_secret: bool | None = None) -> dict[str, Any]:
    """One result of a detect-secrets baseline: the SHA-1 of the value, never the value."""
    result: dict[str, Any] = {"type": kind, "hashed_secret": sha1(value), "line_number": line}
    if is_secret is not None:
        result["is_secret"] = is_secret
    return result


def gitleaks_finding(
    rule: str, file: str, line: int, secret: str, commit: str = ""
) -> dict[str, Any]:
    """One finding of a `gitleaks detect --report-format json` report."""
    return {
        "RuleID": rule,
        "Description": rule,
        "StartLine": line,
        "EndLine": line,
        "StartColumn": 1,
        "EndColumn": 1 + len(secret),
        "Match": secret,
        "Secret": secret,
        "File": file,
        "SymlinkFile": "",
        "Commit": commit,
        "Entropy": 4.1,
        "Author": "",
        "Email": "",
        "Date": "",
        "Message": "",
        "Tags": [],
        "Fingerprint": f"{commit + ':' if commit else ''}{file}:{rule}:{line}",
    }


def _entries(root: Path, name: str = BASELINE) -> list[dict[str, str]]:
    entries = json.loads((root / name).read_text())["findings"]
    assert isinstance(entries, list)
    return entries


def test_import_a_detect_secrets_baseline_matches_by_line_and_hash(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    github, stripe = fakes.github_pat("ds1"), fakes.stripe_live_key("ds2")
    write_files(
        tmp_path,
        {
            "app.py": f"import os\nGH = '{github}'\n",
            # detect-secrets saw this on line 1; two lines were added above it since
            "pay.py": f"# payments\n\nSTRIPE = '{stripe}'\n",
            ".secrets.baseline": detect_secrets_baseline(
                {
                    "app.py": [ds_result("GitHub Token", github, 2)],
                    "pay.py": [ds_result("Stripe Access Key", stripe, 1)],
                    "gone.py": [ds_result("Secret Keyword", "not-here", 4)],
                }
            ),
        },
    )

    run = run_policyctl("baseline", "import", ".secrets.baseline", cwd=tmp_path)

    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "read 3 entries from .secrets.baseline (detect-secrets): 2 matched, 1 unmatched",
        "unmatched: gone.py:4 (Secret Keyword): no finding there in this scan",
        f"wrote {BASELINE}: 2 accepted finding(s) added, 2 in all",
    ]
    assert {e["rule_id"] for e in _entries(tmp_path)} == {
        "secret.github-pat-classic",
        "secret.stripe-secret-key",
    }
    assert (
        run_policyctl(
            "scan", ".", "--baseline", BASELINE, "-x", ".secrets.baseline", cwd=tmp_path
        ).code
        == 0
    )
    written = (tmp_path / BASELINE).read_text()
    assert_no_secret_in([run.out, run.err, written], [github, stripe])


def test_detect_secrets_audit_results_become_verdicts(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    real, fake = fakes.github_pat("real"), fakes.github_pat("fake")
    write_files(
        tmp_path,
        {
            "a.py": f"A = '{real}'\nB = '{fake}'\n",
            ".secrets.baseline": detect_secrets_baseline(
                {
                    "a.py": [
                        ds_result("GitHub Token", real, 1, is_secret=True),
                        ds_result("GitHub Token", fake, 2, is_secret=False),
                    ]
                }
            ),
        },
    )

    policyctl_in_process("baseline", "import", ".secrets.baseline", cwd=tmp_path)

    assert sorted(e["verdict"] for e in _entries(tmp_path)) == ["false-positive", "true-positive"]


def test_import_a_gitleaks_report_matches_by_value_or_by_line_when_redacted(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    aws, slack = fakes.aws_access_key_id("gl1"), fakes.slack_bot_token("gl2")
    write_files(tmp_path, {"conf.env": f"AWS_KEY={aws}\nSLACK={slack}\n"})
    redacted = gitleaks_finding("slack-bot-token", "conf.env", 2, slack)
    redacted["Secret"] = redacted["Match"] = "REDACTED"
    report = [gitleaks_finding("aws-access-token", "./conf.env", 1, aws), redacted]
    (tmp_path.parent / "gitleaks.json").write_text(json.dumps(report))

    report_file = str(tmp_path.parent / "gitleaks.json")
    run = policyctl_in_process("baseline", "import", report_file, cwd=tmp_path)

    assert "(gitleaks): 2 matched, 0 unmatched" in run.out
    assert len(_entries(tmp_path)) == 2
    assert policyctl_in_process("scan", ".", "--baseline", BASELINE, cwd=tmp_path).code == 0
    assert_no_secret_in([run.out, run.err], [aws, slack])


def test_import_from_history_with_git(policyctl_in_process: RunPolicyctl, git_repo: Path) -> None:
    token = fakes.github_pat("history")
    commit = commit_all(git_repo, "add", {"deploy.sh": f"echo\nTOKEN={token}\n"})
    commit_all(git_repo, "remove", {"deploy.sh": "echo\nTOKEN=$TOKEN\n"})
    report = [gitleaks_finding("github-pat", "deploy.sh", 2, token, commit)]
    (git_repo.parent / "gitleaks.json").write_text(json.dumps(report))

    run = policyctl_in_process(
        "baseline", "import", str(git_repo.parent / "gitleaks.json"), "--git", cwd=git_repo
    )

    assert "1 matched, 0 unmatched" in run.out
    assert policyctl_in_process("scan", "--git", "--baseline", BASELINE, cwd=git_repo).code == 0
    assert git(git_repo, "status", "--porcelain").strip() == f"?? {BASELINE}"


def test_import_adds_to_an_existing_baseline(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    old, new = fakes.github_pat("old"), fakes.stripe_live_key("new")
    write_files(tmp_path, {"old.py": f"T = '{old}'\n"})
    policyctl_in_process("baseline", "create", cwd=tmp_path)
    write_files(tmp_path, {"new.py": f"S = '{new}'\n"})
    report = [gitleaks_finding("stripe-access-token", "new.py", 1, new)]
    write_files(tmp_path.parent, {"gl.json": json.dumps(report)})

    run = policyctl_in_process("baseline", "import", str(tmp_path.parent / "gl.json"), cwd=tmp_path)

    assert f"wrote {BASELINE}: 1 accepted finding(s) added, 2 in all" in run.out
    assert policyctl_in_process("scan", ".", "--baseline", BASELINE, cwd=tmp_path).code == 0


def test_a_file_that_is_neither_format_is_a_one_line_error(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {"x.json": '{"findings": []}', "y.json": '[{"File": "a.py"}]'})

    neither = run_policyctl("baseline", "import", "x.json", cwd=tmp_path)
    broken = run_policyctl("baseline", "import", "y.json", cwd=tmp_path)

    assert (neither.code, broken.code) == (2, 2)
    assert neither.err.startswith("policyctl: error: x.json: neither a detect-secrets baseline")
    assert broken.err.strip() == (
        "policyctl: error: y.json: finding #1: field 'StartLine' is missing or not a int"
    )
    assert not (tmp_path / BASELINE).exists()


GITLEAKS_TOML = """\
title = "team config"

[allowlist]
description = "global allowlist"
paths = ['''(^|/)fixtures/''', '''[[:alpha:]]+\\.lock\\z''']
regexes = ['''^AKIA[A-Z2-7]{9}ALLOWED$''']
stopwords = ["sandbox"]
"""


def test_a_gitleaks_toml_allowlist_is_read_as_an_allowlist(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    sandbox = "sk" + "_live_" + "sandbox" + fakes.pick(fakes.ALNUM, 17, "sb")
    write_files(
        tmp_path,
        {
            ".gitleaks.toml": GITLEAKS_TOML,
            "fixtures/keys.py": f"T = '{fakes.github_pat('fx')}'\n",
            "deps.lock": f"T = '{fakes.github_pat('lock')}'\n",
            "aws.py": "K = 'AK" + "IA" + fakes.pick(fakes.BASE32, 9, "aw") + "ALLOWED'\n",
            "pay.py": f"S = '{sandbox}'\n",
            "real.py": f"T = '{fakes.github_pat('real')}'\n",
        },
    )

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    states = {f["location"]["path"]: f["suppressed"] for f in report["findings"]}
    assert states == {
        "fixtures/keys.py": "allowlist",
        "deps.lock": "allowlist",
        "aws.py": "allowlist",
        "pay.py": "allowlist",
        "real.py": None,
    }
    assert {
        "path": ".gitleaks.toml",
        "message": "[allowlist] read as an allowlist: 2 path regexes, 1 value regexes, "
        "1 stopwords, 0 commits",
        "level": "warning",  # a repository's file narrows the scan: always said
    } in report["notices"]


def test_gitleaks_allowlisted_commits_apply_to_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    allowed = commit_all(git_repo, "a", {"a.py": f"T = '{fakes.github_pat('c1')}'\n"})
    commit_all(git_repo, "b", {"b.py": f"T = '{fakes.github_pat('c2')}'\n"})
    write_files(git_repo, {".gitleaks.toml": f'[allowlist]\ncommits = ["{allowed}"]\n'})

    report = policyctl_in_process("scan", "--git", "-f", "json", cwd=git_repo).json()

    states = {f["location"]["path"]: f["suppressed"] for f in report["findings"]}
    assert states == {"a.py": "allowlist", "b.py": None}


def test_a_gitleaks_regex_python_cannot_read_is_left_out_with_a_warning(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            ".gitleaks.toml": "[allowlist]\npaths = ['''(?U)x+''', '''^docs/''']\n",
            "app.py": f"T = '{fakes.github_pat('u')}'\n",
        },
    )

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    assert (
        "policyctl: warning: .gitleaks.toml: [allowlist]: paths #1: not a usable regular" in run.err
    )
    assert "left out" in run.err


def test_a_gitleaks_toml_that_is_not_toml_is_a_warning_and_the_scan_goes_on(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {".gitleaks.toml": "[allowlist\n"})
    write_files(tmp_path, {"app.py": f"T = '{fakes.github_pat('t')}'\n"})

    run = policyctl_in_process("scan", ".", cwd=tmp_path)

    assert run.code == 1
    assert (
        "policyctl: warning: .gitleaks.toml: not valid TOML, its allowlist is not used" in run.err
    )


def _two_findings_baseline(policyctl_in_process: RunPolicyctl, root: Path) -> list[str]:
    secrets = [fakes.github_pat("au1"), fakes.stripe_live_key("au2")]
    write_files(root, {"a.py": f"A = '{secrets[0]}'\n", "b.py": f"B = '{secrets[1]}'\n"})
    policyctl_in_process("baseline", "create", cwd=root)
    return secrets


def test_audit_asks_per_entry_and_saves_the_answers_from_stdin(
    run_policyctl: RunPolicyctl, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    secrets = _two_findings_baseline(policyctl_in_process, tmp_path)

    run = run_policyctl("baseline", "audit", cwd=tmp_path, input="maybe\ny\nn\n")

    assert run.code == 0, run.err
    verdicts = {e["rule_id"]: e.get("verdict") for e in _entries(tmp_path)}
    assert verdicts == {
        "secret.github-pat-classic": "true-positive",
        "secret.stripe-secret-key": "false-positive",
    }
    assert "[1/2] secret.github-pat-classic at a.py:1: ghp_…" in run.out
    assert "'maybe': answer y, n, s or q" in run.out
    assert run.out.rstrip().endswith(
        "1 true positive(s), 1 false positive(s) recorded; 0 skipped, 0 not found"
    )
    assert_no_secret_in([run.out, run.err], secrets)
    # audited entries are not asked again; --all asks again
    again = run_policyctl("baseline", "audit", cwd=tmp_path, input="")
    assert "0 true positive(s), 0 false positive(s) recorded" in again.out


def test_audit_quit_and_end_of_input_save_what_was_answered(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _two_findings_baseline(policyctl_in_process, tmp_path)

    policyctl_in_process("baseline", "audit", cwd=tmp_path, input="n\n")  # then end of input

    verdicts = sorted(str(e.get("verdict")) for e in _entries(tmp_path))
    assert verdicts == ["None", "false-positive"]


def test_audit_yes_all_marks_every_unaudited_entry(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _two_findings_baseline(policyctl_in_process, tmp_path)

    run = policyctl_in_process("baseline", "audit", "--yes-all", cwd=tmp_path)

    assert run.code == 0
    assert {e.get("verdict") for e in _entries(tmp_path)} == {"true-positive"}


def test_audit_names_entries_the_scan_no_longer_finds(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _two_findings_baseline(policyctl_in_process, tmp_path)
    (tmp_path / "b.py").write_text("B = os.environ['B']\n")

    run = policyctl_in_process("baseline", "audit", "--yes-all", cwd=tmp_path)

    assert "secret.stripe-secret-key" in run.out and "not found now" in run.out
    assert run.out.rstrip().endswith("0 skipped, 1 not found")


def test_recreating_a_baseline_keeps_the_audit_verdicts(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _two_findings_baseline(policyctl_in_process, tmp_path)
    policyctl_in_process("baseline", "audit", "--yes-all", cwd=tmp_path)

    policyctl_in_process("baseline", "create", cwd=tmp_path)

    assert {e.get("verdict") for e in _entries(tmp_path)} == {"true-positive"}
    assert policyctl_in_process("scan", ".", "--baseline", BASELINE, cwd=tmp_path).code == 0
