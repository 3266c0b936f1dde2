"""Logs and datasets read through git (--staged, --diff, --git) as `scan PATH` reads
them: the personal-data rules for logs and datasets run, and a CSV cell has the same
fingerprint either way, so one baseline serves both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, commit_all, git, write_files


def findings(run: RunPolicyctl, repo: Path, *args: str) -> list[dict[str, Any]]:
    result = run("scan", *args, "--format", "json", "--no-progress", cwd=repo)
    assert result.code in (0, 1), result.err
    found: list[dict[str, Any]] = result.json()["findings"]
    return found


def users_jsonl() -> str:
    rows = [{"email": pii.email(n), "phone": pii.phone(), "ssn": pii.ssn()} for n in range(3)]
    return "".join(json.dumps(row) + "\n" for row in rows)


def people_csv() -> str:
    rows = [f"{n},Ann,{pii.email(n)},{pii.ssn()}\n" for n in range(3)]
    return "id,name,email,ssn\n" + "".join(rows)


def identities(found: list[dict[str, Any]]) -> set[tuple[str, str, str | None]]:
    return {(f["rule_id"], f["fingerprint"], f["location"].get("field")) for f in found}


def test_staged_json_lines_are_read_as_a_dataset_under_gdpr(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hello\n"})
    write_files(git_repo, {"users.jsonl": users_jsonl()})
    git(git_repo, "add", "users.jsonl")

    found = findings(run_policyctl, git_repo, "--staged", "--pack", "gdpr")

    assert {(f["rule_id"], f["location"]["field"]) for f in found} == {
        ("pii.email-address", "$.email"),
        ("pii.phone-number", "$.phone"),
        ("pii.us-ssn", "$.ssn"),
    }
    assert {f["source_kind"] for f in found} == {"datasets"}


def test_staged_csv_cells_have_the_fingerprints_of_a_scan_of_the_folder(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hello\n"})
    write_files(git_repo, {"people.csv": people_csv()})
    git(git_repo, "add", "people.csv")

    staged = findings(policyctl_in_process, git_repo, "--staged")
    folder = findings(policyctl_in_process, git_repo, ".")

    assert identities(staged) == identities(folder)
    assert {f[2] for f in identities(staged)} == {"email", "ssn"}


def test_rows_added_by_a_commit_are_cells_named_by_the_header_in_diff_and_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"people.csv": "id,name,email,ssn\n0,Ann,,\n"})
    rows = "".join(f"{n},Bo,{pii.email(n)},{pii.ssn()}\n" for n in range(1, 3))
    (git_repo / "people.csv").write_text("id,name,email,ssn\n0,Ann,,\n" + rows)
    commit_all(git_repo, "rows")

    diff = findings(policyctl_in_process, git_repo, "--diff", "HEAD~1")
    history = findings(policyctl_in_process, git_repo, "--git")
    folder = findings(policyctl_in_process, git_repo, ".")

    assert identities(diff) == identities(history) == identities(folder)
    assert {(f["location"]["field"], f["location"]["row"]) for f in diff} == {
        ("email", 2),
        ("ssn", 2),
    }
    assert all(f["location"]["commit"] for f in diff)


def test_a_log_added_by_a_commit_is_read_with_the_rules_for_logs(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hello\n"})
    line = json.dumps({"level": "info", "user": {"email": pii.email(5)}})
    commit_all(git_repo, "log", {"logs/app.log": f"{line}\n"})

    found = findings(policyctl_in_process, git_repo, "--diff", "HEAD~1")

    assert [(f["rule_id"], f["source_kind"], f["location"]["field"]) for f in found] == [
        ("pii.email-address", "logs", "$.user.email")
    ]
    assert found[0]["location"]["line"] == 1
