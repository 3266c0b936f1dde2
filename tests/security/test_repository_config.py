"""Issue 14 items 3 and 8: what a scanned repository's own .policyctl.yaml may do. It may
narrow the scan, but the report says so at warning level; `--config-trust none` ignores
it; and it cannot make the scan spawn more workers than there are CPUs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl
from tests.fakes import github_pat


def _repo(tmp_path: Path, config: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".policyctl.yaml").write_text(config, encoding="utf-8")
    (repo / "app.py").write_text(f'token = "{github_pat(3)}"\n', encoding="utf-8")
    return repo


@pytest.mark.parametrize(
    ("config", "shown"),
    [
        pytest.param('exclude: ["**"]\n', "exclude: 1 glob(s) not scanned (**)", id="exclude"),
        pytest.param("min_confidence: 1.0\n", "min_confidence: 1.0", id="min-confidence"),
        pytest.param("mode: warn\n", "mode: warn", id="mode-warn"),
        pytest.param('allowlist:\n  paths: ["**"]\n', "allowlist: 1 path globs", id="allow-paths"),
        pytest.param('allowlist:\n  values: [".*"]\n', "allowlist: 1 values", id="allow-values"),
        pytest.param("max_file_size: 1\n", "max_file_size: 1 bytes", id="max-file-size"),
    ],
)
def test_a_repository_config_that_lowers_coverage_is_shown_at_warning_level(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, config: str, shown: str
) -> None:
    repo = _repo(tmp_path, config)
    terminal = policyctl_in_process("scan", repo)
    assert f"warning: {repo / '.policyctl.yaml'}: lowers coverage: {shown}" in terminal.err
    quiet = policyctl_in_process("scan", repo, "-q")
    assert f"lowers coverage: {shown}" in quiet.err
    report = policyctl_in_process("scan", repo, "-f", "json").json()
    assert any(shown in lowered for lowered in report["scan"]["coverage_lowered"])
    assert any(shown in n["message"] and n["level"] == "warning" for n in report["notices"])


def test_a_pack_file_of_the_repository_is_flagged_and_a_built_in_pack_is_not(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # a pack's controls decide what blocks: a pack file's may block nothing; every
    # built-in pack blocks a credential (tests/unit/test_packs.py)
    repo = _repo(tmp_path, "packs: [soc2, ./lax.yaml]\n")
    (repo / "lax.yaml").write_text(
        "id: lax\nname: Lax\nversion: '1'\n"
        "framework: {name: X, version: '1', url: 'https://example.org/x'}\ncontrols:\n"
        "  - {id: C1, title: t, description: d, mode: warn, selects: [{categories: [pii]}]}\n",
        encoding="utf-8",
    )
    shown = "lowers coverage: packs: 1 pack file(s) decide which findings block"
    with_file = policyctl_in_process("scan", repo, "-q")
    assert f"{shown}, not severity high and above (lax.yaml)" in with_file.err
    assert with_file.code == 1  # (SOC 2 blocks the token)
    (repo / ".policyctl.yaml").write_text("packs: [soc2]\n", encoding="utf-8")
    built_in = policyctl_in_process("scan", repo, "-q")
    assert (built_in.code, "lowers coverage" in built_in.err) == (1, False)


def test_a_config_named_by_the_ci_owner_is_trusted_and_not_flagged(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    central = tmp_path / "central.yaml"
    central.write_text("min_confidence: 0.9\n", encoding="utf-8")
    repo = _repo(tmp_path, "version: 1\n")
    report = policyctl_in_process("scan", repo, "--config", central, "-f", "json").json()
    assert "coverage_lowered" not in report["scan"]


def test_config_trust_none_ignores_the_repository_config(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    repo = _repo(tmp_path, 'mode: warn\nexclude: ["**"]\n')
    assert policyctl_in_process("scan", repo, "-q").code == 0  # the repository silenced the gate
    pinned = policyctl_in_process("scan", repo, "--config-trust", "none", "-f", "json")
    assert pinned.code == 1
    assert pinned.json()["scan"]["config_trust"] == "none"
    assert pinned.json()["summary"]["blocking"] == 1


def test_config_trust_none_uses_the_central_config_from_the_environment(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    central = tmp_path / "central.yaml"
    central.write_text("fail_on: medium\n", encoding="utf-8")
    repo = _repo(tmp_path, "mode: warn\n")
    result = run_policyctl(
        "scan",
        repo,
        "-f",
        "json",
        env={"POLICYCTL_CONFIG": str(central), "POLICYCTL_CONFIG_TRUST": "none"},
    )
    assert result.code == 1
    assert result.json()["scan"]["fail_on"] == "medium"


def test_config_trust_refuses_an_unknown_value(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    result = run_policyctl("scan", tmp_path, "--config-trust", "maybe")
    assert result.code == 2


def test_a_repository_config_cannot_ask_for_more_workers_than_cpus(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    repo = _repo(tmp_path, "jobs: 100000\n")
    result = run_policyctl("scan", repo, "-f", "json")
    assert result.code == 1  # the scan ran, and found the token
    [capped] = [n for n in result.json()["notices"] if "jobs: 100000 capped" in n["message"]]
    assert capped["level"] == "warning"


def test_more_workers_than_cpus_from_the_command_line_is_a_warning(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_policyctl("scan", tmp_path, "--jobs", "512")
    assert result.code == 0
    assert "512 workers on" in result.err


def test_the_action_passes_config_trust_and_allow_incomplete_to_the_scan(
    tmp_path: Path,
) -> None:
    from policyctl.cli.github_action import ActionInputs, scan_command

    inputs = ActionInputs.from_env(
        {
            "INPUT_CONFIG_TRUST": "none",
            "INPUT_CONFIG": "ci/policyctl.yaml",
            "INPUT_ALLOW_INCOMPLETE": "true",
        }
    )
    command = scan_command(inputs, None, tmp_path)
    joined = " ".join(command)
    assert "--config-trust none" in joined
    assert "--config ci/policyctl.yaml" in joined
    assert "--allow-incomplete" in command
