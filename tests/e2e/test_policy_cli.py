"""Policy packs end to end, through the installed `policyctl` command."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from policyctl.schemas import schema_problems
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, write_files

TOKEN = fakes.github_pat("policy")


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    """A project with one hard-coded GitHub token in its source."""
    project = tmp_path / "project"
    write_files(project, {"src/app.py": f'GITHUB_TOKEN = "{TOKEN}"\n', "README.md": "hello\n"})
    return project


def token_finding(report: dict[str, Any]) -> dict[str, Any]:
    """The finding of the planted GitHub token (configs may hold other findings: emails)."""
    [finding] = [f for f in report["findings"] if f["rule_id"].startswith("secret.github")]
    return finding


def scan_json(run_policyctl: RunPolicyctl, project: Path, *args: str, **kw: Any) -> tuple[int, Any]:
    result = run_policyctl("scan", project, "-f", "json", "--no-progress", *args, **kw)
    assert result.code in (0, 1), result.err
    assert_no_secret_in([result.out, result.err], [TOKEN])
    report = result.json()
    assert schema_problems(report, "report") == []
    return result.code, report


def test_a_hard_coded_token_under_soc2_blocks_and_names_the_controls(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    code, report = scan_json(policyctl_in_process, leaky, "--pack", "soc2")
    finding = token_finding(report)
    assert code == 1
    assert finding["mode"] == "block"
    assert {"soc2:CC6.1", "soc2:CC8.1"} <= set(finding["controls"])
    assert finding["source_kind"] == "repo"
    assert 0 < finding["risk"] <= 100
    [soc2] = report["compliance"]
    assert soc2["pack"] == "soc2" and soc2["blocked"] >= 2 and soc2["score"] < 100
    assert report["scan"]["packs"][0]["id"] == "soc2"


def test_mode_warn_makes_the_same_scan_advisory(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    code, report = scan_json(policyctl_in_process, leaky, "--pack", "soc2", "--mode", "warn")
    assert code == 0
    assert token_finding(report)["mode"] == "warn"
    assert report["scan"]["mode"] == "warn"
    assert report["summary"]["exit_code"] == 0


def test_packs_and_mode_come_from_the_config_file_and_the_environment(
    run_policyctl: RunPolicyctl, leaky: Path
) -> None:
    write_files(leaky, {".policyctl.yaml": "version: 1\npacks: [soc2]\n"})
    code, report = scan_json(run_policyctl, leaky, env={"POLICYCTL_PACKS": "gdpr"})
    assert code == 1
    assert [p["id"] for p in report["scan"]["packs"]] == ["soc2", "gdpr"]
    code, _ = scan_json(run_policyctl, leaky, env={"POLICYCTL_MODE": "warn"})
    assert code == 0


def test_a_user_pack_that_extends_soc2_can_turn_its_blocks_into_warnings(
    policyctl_in_process: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    write_files(
        tmp_path,
        {
            "relaxed.yaml": 'id: relaxed-soc2\nname: Relaxed\nversion: "1"\nextends: soc2\n'
            "overrides:\n  CC6.1: {mode: warn}\n  CC8.1: {mode: warn}\n"
        },
    )
    code, report = scan_json(policyctl_in_process, leaky, "--pack", str(tmp_path / "relaxed.yaml"))
    assert code == 0
    assert token_finding(report)["mode"] == "warn"
    assert report["scan"]["packs"][0] == {
        **report["scan"]["packs"][0],
        "id": "relaxed-soc2",
        "extends": "soc2",
    }


def waiver_config(expires: str, **scope: str) -> str:
    lines = "".join(f"    {key}: {value}\n" for key, value in scope.items())
    return (
        "version: 1\npacks: [soc2]\nwaivers:\n"
        f"  - reason: Revoked test token\n    owner: security-team\n    expires: {expires}\n"
        + lines
    )


def test_a_live_waiver_suppresses_the_finding_and_reports_it_waived(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    _, first = scan_json(policyctl_in_process, leaky, "--pack", "soc2")
    fingerprint = token_finding(first)["fingerprint"]
    write_files(leaky, {".policyctl.yaml": waiver_config("2999-12-31", fingerprint=fingerprint)})
    code, report = scan_json(policyctl_in_process, leaky)
    assert code == 0
    assert token_finding(report)["suppressed"] == "waiver"
    assert report["summary"]["waived"] == 1
    [waiver] = report["waivers"]
    assert (waiver["status"], waiver["findings"]) == ("applied", [fingerprint])


def test_a_waiver_with_a_past_expiry_no_longer_suppresses(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    config = waiver_config("2020-01-31", rule="secret.github-*", path="src/")
    write_files(leaky, {".policyctl.yaml": config})
    code, report = scan_json(policyctl_in_process, leaky)
    assert code == 1
    assert token_finding(report)["suppressed"] is None
    assert report["waivers"][0]["status"] == "expired"
    terminal = policyctl_in_process("scan", leaky, "--no-progress")
    assert "expired (its last day was 2020-01-31), no longer applies" in terminal.out


def test_a_waiver_that_matches_nothing_is_reported_stale(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    write_files(leaky, {".policyctl.yaml": waiver_config("2999-01-31", rule="pii.*", path="x/")})
    _, report = scan_json(policyctl_in_process, leaky)
    assert report["waivers"][0]["status"] == "stale"


def test_scores_are_the_same_on_the_same_input(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    def stable(report: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in report.items() if k != "scan"}

    packs = ("--pack", "soc2", "--pack", "hipaa", "--pack", "pci-dss")
    _, first = scan_json(policyctl_in_process, leaky, *packs)
    _, second = scan_json(policyctl_in_process, leaky, *packs)
    assert stable(first) == stable(second)
    assert first["summary"]["risk"]["grade"] in "ABCDF"


def test_the_terminal_summary_has_a_row_per_pack_and_the_risk_grade(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    result = policyctl_in_process(
        "scan", leaky, "--no-progress", "--pack", "soc2", "--pack", "gdpr"
    )
    table = result.out.splitlines()
    header = next(line for line in table if line.startswith("pack"))
    for column in ("controls", "passed", "warned", "blocked", "score"):
        assert column in header
    assert any(line.startswith("soc2 ") for line in table)
    assert any(line.startswith("gdpr ") for line in table)
    assert "(grade " in result.out
    assert_no_secret_in([result.out, result.err], [TOKEN])


def test_an_unknown_pack_is_one_line_and_exit_code_2(
    policyctl_in_process: RunPolicyctl, leaky: Path
) -> None:
    result = policyctl_in_process("scan", leaky, "--pack", "sox")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "no built-in policy pack 'sox'" in result.err


# policyctl policy ...


def pack_yaml(pack_id: str, *controls: str) -> str:
    """A pack file with these controls (YAML flow mappings, one per control)."""
    head = f'id: {pack_id}\nname: {pack_id}\nversion: "1"\n'
    head += "framework: {name: F, version: '1', url: 'https://example.org'}\ncontrols:\n"
    return head + "".join(f"  - {control}\n" for control in controls)


def test_policy_list_shows_every_built_in_pack(policyctl_in_process: RunPolicyctl) -> None:
    result = policyctl_in_process("policy", "list")
    assert result.code == 0
    for pack_id in ("soc2", "iso27001", "gdpr", "hipaa", "pci-dss", "ccpa", "nist-800-53"):
        assert pack_id in result.out


def test_policy_show_lists_the_controls_of_a_pack(policyctl_in_process: RunPolicyctl) -> None:
    result = policyctl_in_process("policy", "show", "hipaa")
    assert result.code == 0
    assert "164.514(b)(2)(i)(G)" in result.out
    assert "164.312(a)(2)(iv)" in result.out


def test_policy_validate_accepts_a_good_pack_and_rejects_a_bad_one(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    base = pack_yaml(
        "base",
        "{id: KEYS, title: t, description: d, mode: block, selects: [{categories: [secret]}]}",
        "{id: PEM, title: t, description: d, mode: block, selects: [{tags: [private-key]}]}",
    )
    good = 'id: ours\nname: Ours\nversion: "1"\nextends: base.yaml\ndisable: [PEM]\n'
    bad = good.replace("PEM", "P9.9")
    write_files(tmp_path, {"base.yaml": base, "good.yaml": good, "bad.yaml": bad})
    result = policyctl_in_process("policy", "validate", tmp_path / "good.yaml")
    assert result.code == 0, result.err
    assert "pack ours, 1 controls" in result.out
    result = policyctl_in_process("policy", "validate", tmp_path / "bad.yaml")
    assert result.code == 2
    assert "bad.yaml: field 'disable': pack 'base' has no control 'P9.9'" in result.err


def test_policy_validate_reports_selections_of_rules_that_do_not_exist(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    pack = pack_yaml(
        "typo",
        "{id: C1, title: t, description: d, mode: block, "
        "selects: [{rules: [secret.github-pat-clasic]}]}",
    )
    write_files(tmp_path, {"typo.yaml": pack})
    result = policyctl_in_process("policy", "validate", tmp_path / "typo.yaml")
    assert result.code == 2
    assert "control C1: selects unknown rule 'secret.github-pat-clasic'" in result.err


def test_policy_coverage_maps_controls_to_rules_and_flags_unserved_ones(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    pack = pack_yaml(
        "mixed",
        "{id: KEYS, title: t, description: d, mode: block, selects: [{tags: [private-key]}]}",
        "{id: NONE, title: t, description: d, mode: warn, selects: [{tags: [no-such]}]}",
        "{id: PHOTO, title: t, description: d, mode: warn, selects: [], "
        "unserved: photographs are images}",
    )
    write_files(tmp_path, {"mixed.yaml": pack})
    result = policyctl_in_process(
        "policy", "coverage", "--pack", tmp_path / "mixed.yaml", "-f", "json"
    )
    assert result.code == 1
    rows = {row["control"]: row for row in result.json()}
    assert "secret.private-key-pem" in rows["KEYS"]["rules"]
    assert rows["NONE"]["status"] == "unserved"
    assert rows["PHOTO"] == {**rows["PHOTO"], "status": "not-assessed"}
    assert rows["PHOTO"]["reason"] == "photographs are images"
    text = policyctl_in_process("policy", "coverage", "--pack", tmp_path / "mixed.yaml")
    assert "UNSERVED" in text.out
    assert "not assessed: photographs are images" in text.out


# policyctl init


def test_init_writes_a_commented_config_that_loads(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    result = policyctl_in_process("init", tmp_path, "--pack", "hipaa")
    assert result.code == 0
    text = (tmp_path / ".policyctl.yaml").read_text()
    assert "\n  - hipaa" in text and "#   - gdpr" in text
    assert "# waivers:" in text
    write_files(tmp_path, {"notes.txt": "nothing to see\n"})
    scan = policyctl_in_process("scan", tmp_path, "-f", "json", "--no-progress")
    assert scan.code == 0, scan.err
    assert [p["id"] for p in scan.json()["scan"]["packs"]] == ["hipaa"]


def test_init_never_overwrites_an_existing_config_without_force(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {".policyctl.yaml": "version: 1\n# mine\n"})
    result = policyctl_in_process("init", tmp_path)
    assert result.code == 2
    assert "already exists; use --force" in result.err
    assert (tmp_path / ".policyctl.yaml").read_text() == "version: 1\n# mine\n"
    assert policyctl_in_process("init", tmp_path, "--force").code == 0
    assert "# packs:" in (tmp_path / ".policyctl.yaml").read_text()


# HIPAA on a dataset of patient records


def fake_ssns(count: int) -> list[str]:
    """SSNs of the issued shape (area 001-665 or 667-899, group and serial not zero),
    assembled at run time so no file in this repository holds one."""
    rng = random.Random("hipaa")
    ssns = []
    while len(ssns) < count:
        area = rng.randrange(1, 900)
        if area != 666:
            ssns.append(f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}")
    return ssns


@pytest.fixture
def patients(tmp_path: Path) -> tuple[Path, list[str]]:
    ssns = fake_ssns(20)
    rows = ["patient_id,name,ssn,admitted"]
    rows += [f"P{i:05d},Patient {i},{ssn},2024-03-{1 + i % 28:02d}" for i, ssn in enumerate(ssns)]
    folder = tmp_path / "export"
    write_files(folder, {"patients.csv": "\n".join(rows) + "\n"})
    return folder, ssns


def test_hipaa_blocks_a_csv_of_patient_records_with_ssns_and_names_safe_harbor(
    policyctl_in_process: RunPolicyctl, patients: tuple[Path, list[str]]
) -> None:
    folder, ssns = patients
    result = policyctl_in_process("scan", folder, "--pack", "hipaa", "--no-progress")
    assert result.code == 1, result.err
    assert "164.514(b)(2)" in result.out
    assert_no_secret_in([result.out, result.err], ssns)
    report = policyctl_in_process("scan", folder, "--pack", "hipaa", "-f", "json").json()
    ssn_findings = [f for f in report["findings"] if "ssn" in f.get("tags", [])]
    assert ssn_findings
    for finding in ssn_findings:
        assert "hipaa:164.514(b)(2)(i)(G)" in finding["controls"]
        assert finding["mode"] == "block"


def test_the_same_hipaa_scan_with_mode_warn_exits_0(
    policyctl_in_process: RunPolicyctl, patients: tuple[Path, list[str]]
) -> None:
    folder, ssns = patients
    result = policyctl_in_process(
        "scan", folder, "--pack", "hipaa", "--mode", "warn", "--no-progress"
    )
    assert result.code == 0, result.err
    assert "164.514(b)(2)" in result.out
    assert_no_secret_in([result.out, result.err], ssns)


def test_a_token_deleted_but_still_in_git_history_meets_the_history_scoped_controls(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "add config", {"config.py": f'TOKEN = "{TOKEN}"\n'})
    commit_all(git_repo, "remove it", {"config.py": "TOKEN = None\n"})
    code, report = scan_json(policyctl_in_process, git_repo, "--git", "--pack", "soc2")
    finding = token_finding(report)
    assert code == 1
    assert finding["source_kind"] == "history"
    assert "soc2:CC6.6" in finding["controls"]  # scoped to history and logs
    assert finding["risk"] == 100.0  # critical x 1.0 (checksum validated) x credential x history


def test_a_pack_selecting_an_unknown_rule_is_a_warning_and_the_scan_goes_on(
    policyctl_in_process: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    pack = pack_yaml(
        "typo",
        "{id: C1, title: t, description: d, mode: block, selects: [{rules: [secret.nope]}]}",
        "{id: C2, title: t, description: d, mode: block, selects: [{categories: [secret]}]}",
    )
    write_files(tmp_path, {"typo.yaml": pack})
    result = policyctl_in_process("scan", leaky, "--pack", tmp_path / "typo.yaml", "--no-progress")
    assert result.code == 1
    assert "pack typo: control C1: selects unknown rule 'secret.nope'" in result.err
    assert "typo:C2" in result.out


def test_policy_show_prints_the_breach_duties_and_rights_of_a_privacy_pack(
    policyctl_in_process: RunPolicyctl,
) -> None:
    result = policyctl_in_process("policy", "show", "pipl")
    assert result.code == 0
    assert (
        "Art. 57: the departments performing personal information protection duties" in result.out
    )
    assert "deletion (Art. 47)" in result.out


def test_personal_data_committed_to_history_lists_the_breach_duties_that_may_apply(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    ssn = "536-22-" + "8411"
    commit_all(git_repo, "records", {"notes.txt": f"patient record: ssn {ssn}\n"})
    result = run_policyctl(
        "scan", ".", "--git", "--pack", "gdpr", "--pack", "hipaa", "-f", "json", cwd=git_repo
    )
    assert result.code == 1, result.err
    report = result.json()
    assert schema_problems(report, "report") == []
    by_pack = {d["pack"]: d for d in report["duties"]}
    assert set(by_pack) == {"gdpr", "hipaa"}
    hipaa = by_pack["hipaa"]
    assert any(
        d["source"] == "45 CFR 164.404(b)" and d["hours"] == 1440
        for d in hipaa["breach_notification"]
    )
    assert hipaa["findings"] == [f["fingerprint"] for f in report["findings"]]
    terminal = run_policyctl("scan", ".", "--git", "--pack", "hipaa", cwd=git_repo)
    assert "breach-notification duties that may apply" in terminal.out
    assert "hipaa 45 CFR 164.404(b): notify the affected individuals" in terminal.out
    assert ssn not in terminal.all_output + result.out


def test_a_working_tree_scan_lists_no_breach_duties(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("patient record: ssn 536-22-" + "8411\n", encoding="utf-8")
    result = run_policyctl("scan", tmp_path, "--pack", "hipaa", "-f", "json")
    assert result.code == 1
    assert "duties" not in result.json()
