"""One finding per secret: the same value in many places is folded, the gate stays per place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policyctl.report import render
from policyctl.report.interface import RenderOptions
from policyctl.schemas import schema_problems
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

BASELINE = ".policyctl-baseline.json"


def copies(token: str, *paths: str, line: str = "k = '{}'\n") -> dict[str, str]:
    return {path: line.format(token) for path in paths}


def scan(run: RunPolicyctl, folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run("scan", ".", "-f", "json", "--no-progress", *args, cwd=folder)
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = result.json()
    return result.code, report


def places(finding: dict[str, Any]) -> list[str]:
    others = finding.get("also_at", [])
    return [finding["location"]["path"]] + [p["location"]["path"] for p in others]


def test_one_secret_in_three_files_is_one_finding_listing_the_other_places(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("places")
    write_files(tmp_path, copies(token, "src/a.py", "src/b.py", "tests/c.py"))

    run = run_policyctl("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    [finding] = run.json()["findings"]
    assert finding["occurrences"] == 3
    assert sorted(places(finding)) == ["src/a.py", "src/b.py", "tests/c.py"]
    assert finding["location"]["path"].startswith("src/")  # code outweighs tests
    assert run.json()["summary"]["findings"] == 1
    assert_no_secret_in([run.out, run.err], [token])


def test_different_secrets_and_different_rules_are_not_folded(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            "a.py": f"k = '{fakes.github_pat('one')}'\n",
            "b.py": f"k = '{fakes.github_pat('two')}'\n",
            "c.py": f"k = '{fakes.aws_access_key_id('three')}'\n",
        },
    )

    _, report = scan(policyctl_in_process, tmp_path)

    assert len(report["findings"]) == 3
    assert all("also_at" not in f for f in report["findings"])


def test_the_same_secret_twice_in_one_file_is_folded_too(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("twice")
    write_files(tmp_path, {"a.py": f"k = '{token}'\nj = '{token}'\n"})

    _, report = scan(policyctl_in_process, tmp_path)

    [finding] = report["findings"]
    assert finding["location"]["line"] == 1
    assert [p["location"]["line"] for p in finding["also_at"]] == [2]


def test_per_place_restores_one_finding_per_place_with_the_same_fingerprints(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("fp"), "a.py", "b.py", "c.py"))

    _, folded = scan(policyctl_in_process, tmp_path)
    _, apart = scan(policyctl_in_process, tmp_path, "--per-place")

    [finding] = folded["findings"]
    assert len(apart["findings"]) == 3
    assert all("also_at" not in f and "occurrences" not in f for f in apart["findings"])
    every_place = {finding["fingerprint"], *(p["fingerprint"] for p in finding["also_at"])}
    assert every_place == {f["fingerprint"] for f in apart["findings"]}
    by_path = {f["location"]["path"]: f["fingerprint"] for f in apart["findings"]}
    assert by_path[finding["location"]["path"]] == finding["fingerprint"]
    assert all(by_path[p["location"]["path"]] == p["fingerprint"] for p in finding["also_at"])


def test_per_place_can_be_set_in_the_config(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("cfg"), "a.py", "b.py"))
    write_files(tmp_path, {".policyctl.yaml": "version: 1\nper_place: true\n"})

    _, report = scan(policyctl_in_process, tmp_path)

    assert len(report["findings"]) == 2


def test_an_inline_ignore_hides_only_its_own_place(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("inline")
    write_files(tmp_path, copies(token, "a.py", "b.py"))
    write_files(tmp_path, {"ignored.py": f"k = '{token}'  # policyctl: ignore\n"})

    code, report = scan(policyctl_in_process, tmp_path)

    assert code == 1
    active = [f for f in report["findings"] if f["suppressed"] is None]
    ignored = [f for f in report["findings"] if f["suppressed"] == "inline"]
    assert [sorted(places(f)) for f in active] == [["a.py", "b.py"]]
    assert [places(f) for f in ignored] == [["ignored.py"]]
    assert report["summary"]["suppressed"] == 1


def test_every_place_ignored_passes_the_gate(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("all-ignored")
    line = "k = '{}'  # policyctl: ignore\n"
    write_files(tmp_path, copies(token, "a.py", "b.py", line=line))

    code, report = scan(policyctl_in_process, tmp_path)

    assert code == 0
    [finding] = report["findings"]
    assert finding["suppressed"] == "inline" and finding["occurrences"] == 2


def test_a_baseline_accepts_each_place_so_a_new_copy_is_a_new_finding(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("baseline")
    write_files(tmp_path, copies(token, "a.py", "b.py"))
    assert policyctl_in_process("baseline", "create", cwd=tmp_path).code == 0
    entries = json.loads((tmp_path / BASELINE).read_text())["findings"]
    assert len(entries) == 2  # one entry per place, not per folded finding
    assert scan(policyctl_in_process, tmp_path, "--baseline", BASELINE)[0] == 0

    write_files(tmp_path, copies(token, "new.py"))
    code, report = scan(policyctl_in_process, tmp_path, "--baseline", BASELINE)

    assert code == 1
    active = [f for f in report["findings"] if f["suppressed"] is None]
    accepted = [f for f in report["findings"] if f["suppressed"] == "baseline"]
    assert [places(f) for f in active] == [["new.py"]]
    assert [sorted(places(f)) for f in accepted] == [["a.py", "b.py"]]


def test_a_waiver_on_one_place_leaves_the_others_blocking(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("waiver"), "a.py", "b.py", "c.py"))
    _, apart = scan(policyctl_in_process, tmp_path, "--per-place")
    waived = next(f["fingerprint"] for f in apart["findings"] if f["location"]["path"] == "b.py")
    write_files(
        tmp_path,
        {
            ".policyctl.yaml": "version: 1\nwaivers:\n  - reason: revoked\n    owner: sec\n"
            f"    expires: 2999-12-31\n    fingerprint: {waived}\n"
        },
    )

    code, report = scan(policyctl_in_process, tmp_path)

    assert code == 1
    active = [f for f in report["findings"] if f["suppressed"] is None]
    assert [sorted(places(f)) for f in active] == [["a.py", "c.py"]]
    [waiver] = [f for f in report["findings"] if f["suppressed"] == "waiver"]
    assert (places(waiver), waiver["fingerprint"]) == (["b.py"], waived)
    assert report["summary"]["waived"] == 1


def test_places_under_different_modes_are_not_folded(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("modes")
    write_files(tmp_path, copies(token, "src/a.py", "docs/b.py"))
    pack = (
        "id: scoped\nname: Scoped\nversion: '1'\n"
        "framework: {name: t, version: '1', url: 'https://example.org'}\n"
        "controls:\n"
        "  - id: SRC\n    title: code\n    description: code\n"
        "    selects: [{categories: [secret]}]\n"
        "    mode: block\n    paths: ['src/**']\n"
        "  - id: DOCS\n    title: docs\n    description: docs\n"
        "    selects: [{categories: [secret]}]\n"
        "    mode: warn\n    paths: ['docs/**']\n"
    )
    write_files(tmp_path, {"pack.yaml": pack})

    run = policyctl_in_process(
        "scan", "src", "docs", "-p", "pack.yaml", "-f", "json", "--no-progress", cwd=tmp_path
    )

    assert run.code == 1, run.err
    modes = {f["location"]["path"]: f["mode"] for f in run.json()["findings"]}
    assert modes == {"src/a.py": "block", "docs/b.py": "warn"}


def test_the_terminal_says_how_many_more_places(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("terminal"), "a.py", "b.py", "c.py"))

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path, env={"COLUMNS": "200"})

    assert run.code == 1
    assert "+2 more places" in run.out


def test_sarif_lists_the_other_places_as_related_locations(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("sarif"), "a.py", "b.py", "c.py"))

    run = policyctl_in_process("scan", ".", "-f", "sarif", "--no-progress", cwd=tmp_path)

    document = json.loads(run.out)
    assert schema_problems(document, "sarif-2.1.0") == []
    [result] = document["runs"][0]["results"]
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]]
    shown = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert sorted([shown, *related]) == ["a.py", "b.py", "c.py"]


def test_the_json_report_with_places_is_valid_and_markdown_counts_them(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("md"), "a.py", "b.py"))

    _, report = scan(policyctl_in_process, tmp_path)

    assert schema_problems(report, "report") == []
    assert "(+1 more place)" in render(report, "markdown", RenderOptions())
    assert "+1 more place</td>" in render(report, "html", RenderOptions())


def test_when_blocked_every_place_gets_its_comment_to_paste(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, copies(fakes.github_pat("hints"), "a.py", "b.sh"))

    run = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    comment = "# policyctl: ignore[secret.github-pat-classic]"
    assert f"  a.py:1: {comment}" in run.err.splitlines()
    assert f"  b.sh:1: {comment}" in run.err.splitlines()
