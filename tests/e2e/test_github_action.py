"""The composite GitHub Action (action.yml): its steps run here as Actions runs them,
with the GITHUB_* and RUNNER_* variables a runner sets, in temporary repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyctl.schemas import schema_problems
from tests import fakes
from tests.conftest import assert_no_secret_in, commit_all, git

PROJECT = Path(__file__).resolve().parents[2]
ACTION: dict[str, Any] = yaml.safe_load((PROJECT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def run_step(
    step: dict[str, Any], inputs: dict[str, str], runner: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """One `run:` step: expressions resolved, its env set, in bash, as the runner does."""
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    given.update(inputs)
    context = {f"inputs.{k}": v for k, v in given.items()}
    context["github.action_path"] = str(PROJECT)

    def resolve(text: str) -> str:
        return EXPRESSION.sub(lambda m: context[m.group(1)], text)

    env = {**os.environ, **runner, **{k: resolve(str(v)) for k, v in step.get("env", {}).items()}}
    env.pop("POLICYCTL_CACHE_DIR", None)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", resolve(step["run"])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def step(name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in ACTION["runs"]["steps"] if s["name"] == name)
    return found


@pytest.fixture(scope="session")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP after the action's install step has run (once per session)."""
    temp = tmp_path_factory.mktemp("runner-temp")
    runner = {"RUNNER_TEMP": str(temp), "HOME": str(temp / "home")}
    installed = run_step(step("Install policyctl"), {}, runner, temp)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith("policyctl ")
    return temp


def runner_env(repo: Path, temp: Path, event_name: str, event: dict[str, Any]) -> dict[str, str]:
    event_path = temp / f"{event_name}.json"
    event_path.write_text(json.dumps(event))
    (temp / "output").write_text("")
    (temp / "summary.md").write_text("")
    return {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_OUTPUT": str(temp / "output"),
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        "GITHUB_REPOSITORY": "example/app",
        "GITHUB_SHA": git(repo, "rev-parse", "HEAD").strip(),
        "RUNNER_TEMP": str(temp),
        "HOME": str(temp / "home"),
    }


def outputs(temp: Path) -> dict[str, str]:
    lines = (temp / "output").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_the_action_declares_the_documented_inputs_and_outputs() -> None:
    assert set(ACTION["inputs"]) == {
        "path",
        "packs",
        "mode",
        "fail-on",
        "baseline",
        "diff-base",
        "sarif-file",
        "config-trust",
        "config",
        "allow-incomplete",
        "args",
        "version",
    }
    assert set(ACTION["outputs"]) == {"findings", "blocked", "report"}
    assert ACTION["runs"]["using"] == "composite"
    for run in ACTION["runs"]["steps"]:
        # Inputs reach scripts through env only: an input can never inject shell code.
        assert "${{" not in run.get("run", "")


def test_on_a_pull_request_only_the_lines_it_adds_are_reported_and_the_job_fails(
    runner_temp: Path, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"old.py": f"k = '{fakes.github_pat('action-base')}'\n"})
    base = git(git_repo, "rev-parse", "HEAD").strip()
    git(git_repo, "checkout", "-q", "-b", "feature")
    token = fakes.aws_access_key_id("action-pr")
    commit_all(git_repo, "feature", {"new.py": f"k = '{token}'\n"})
    event = {"pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}}}
    env = runner_env(git_repo, runner_temp, "pull_request", event)

    scanned = run_step(step("Scan"), {}, env, git_repo)

    assert scanned.returncode == 1, scanned.stderr
    result = outputs(runner_temp)
    assert result["findings"] == "1"
    assert result["blocked"] == "true"
    report = json.loads(Path(result["report"]).read_text())
    assert [f["location"]["path"] for f in report["findings"]] == ["new.py"]
    summary = (runner_temp / "summary.md").read_text()
    assert summary.startswith("## ❌ policyctl: 1 blocking of 1 finding(s)")
    sarif = json.loads((git_repo / "policyctl.sarif").read_text())
    assert schema_problems(sarif, "sarif-2.1.0") == []
    assert len(sarif["runs"][0]["results"]) == 1
    assert_no_secret_in([scanned.stdout, scanned.stderr, summary, json.dumps(sarif)], [token])


def test_on_a_push_the_files_are_scanned_and_a_clean_tree_passes(
    runner_temp: Path, git_repo: Path
) -> None:
    commit_all(git_repo, "clean", {"app.py": "print('hello')\n"})
    env = runner_env(git_repo, runner_temp, "push", {"after": "x"})

    scanned = run_step(step("Scan"), {"sarif-file": "out/results.sarif"}, env, git_repo)

    assert scanned.returncode == 0, scanned.stderr
    assert outputs(runner_temp)["blocked"] == "false"
    assert outputs(runner_temp)["findings"] == "0"
    assert (git_repo / "out" / "results.sarif").is_file()
    assert "## ✅ policyctl: no findings" in (runner_temp / "summary.md").read_text()


def test_inputs_for_the_baseline_severity_and_extra_args_reach_the_scan(
    runner_temp: Path, git_repo: Path
) -> None:
    commit_all(git_repo, "k", {"a.py": f"k = '{fakes.github_pat('action-baseline')}'\n"})
    baseline = git_repo / "accepted.json"
    baseline.write_text('{"version": 1, "findings": []}\n')
    env = runner_env(git_repo, runner_temp, "push", {})

    scanned = run_step(
        step("Scan"),
        {"fail-on": "critical", "baseline": "accepted.json", "args": "--exclude 'a.py'"},
        env,
        git_repo,
    )

    assert scanned.returncode == 0, scanned.stderr
    assert "--fail-on critical --baseline accepted.json" in scanned.stdout
    assert outputs(runner_temp)["findings"] == "0"  # a.py was excluded by the extra args


def test_a_pull_request_base_missing_from_a_shallow_checkout_fails_with_a_clear_message(
    runner_temp: Path, git_repo: Path
) -> None:
    commit_all(git_repo, "only", {"a.txt": "a\n"})
    event = {"pull_request": {"base": {"sha": "1" * 40}}}
    env = runner_env(git_repo, runner_temp, "pull_request", event)

    scanned = run_step(step("Scan"), {}, env, git_repo)

    assert scanned.returncode == 2
    assert "not a commit in this repository" in scanned.stderr
    assert "::error title=policyctl::" in scanned.stdout


def normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_dependencies_are_installed_at_pinned_versions_and_hashes(runner_temp: Path) -> None:
    lock = (PROJECT / "action" / "requirements.txt").read_text()
    # (a pin may have an environment marker: `hyperscan==0.7.13 ; python_version < "3.14"`)
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)(?: ;[^\n]*?)? \\$", lock, flags=re.MULTILINE)
    assert {"typer", "rich", "pyyaml", "cryptography", "hyperscan", "hatchling"} <= {
        name for name, _ in pins
    }
    blocks = re.split(r"\n(?=[A-Za-z])", lock.split("\n\n", 1)[-1].strip())
    assert all("--hash=sha256:" in block for block in blocks if not block.startswith("#"))
    install = step("Install policyctl")["run"]
    assert "--require-hashes" in install and "action/requirements.txt" in install
    pip = runner_temp / "policyctl-venv" / "bin" / "pip"
    frozen = subprocess.run([pip, "freeze"], capture_output=True, text=True, check=True).stdout
    installed = {
        normal(line.split("==")[0]): line.split("==")[1]
        for line in frozen.splitlines()
        if "==" in line
    }
    for name, version in pins:
        assert installed.get(normal(name)) == version, name


def test_pip_and_the_policyctl_cache_are_restored_between_runs() -> None:
    caches = [s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/cache")]
    paths = [cache["with"]["path"] for cache in caches]
    assert paths == ["~/.cache/policyctl-action/pip", "~/.cache/policyctl-action/policyctl"]
    assert 'PIP_CACHE_DIR="$HOME/.cache/policyctl-action/pip"' in step("Install policyctl")["run"]
    assert 'POLICYCTL_CACHE_DIR="$HOME/.cache/policyctl-action/policyctl"' in step("Scan")["run"]
    names = [s["name"] for s in ACTION["runs"]["steps"]]
    assert names.index("Rule-set digest") < names.index("Restore the policyctl cache")
    assert "${{ steps.ruleset.outputs.digest }}" in caches[1]["with"]["key"]


def test_the_policyctl_cache_key_holds_the_digest_of_the_installed_rules(
    runner_temp: Path, tmp_path: Path
) -> None:
    from policyctl.detection.rules import load_rules
    from policyctl.evidence.subjects import ruleset_digest

    (tmp_path / "output").write_text("")
    runner = {"RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(tmp_path / "output")}
    done = run_step(step("Rule-set digest"), {}, runner, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs(tmp_path) == {"digest": ruleset_digest(load_rules())}


def test_a_push_scans_the_commits_it_pushed(runner_temp: Path, git_repo: Path) -> None:
    before = commit_all(git_repo, "old", {"old.py": f"k = '{fakes.github_pat('pushed-old')}'\n"})
    after = commit_all(git_repo, "new", {"new.py": f"k = '{fakes.aws_access_key_id('pushed')}'\n"})
    env = runner_env(git_repo, runner_temp, "push", {"before": before, "after": after})

    scanned = run_step(step("Scan"), {}, env, git_repo)

    assert scanned.returncode == 1, scanned.stderr
    assert f"--diff {before}..{after}" in scanned.stdout
    report = json.loads(Path(outputs(runner_temp)["report"]).read_text())
    assert [f["location"]["path"] for f in report["findings"]] == ["new.py"]


def test_a_push_whose_before_commit_is_not_checked_out_scans_the_files(
    runner_temp: Path, git_repo: Path
) -> None:
    after = commit_all(git_repo, "new", {"new.py": f"k = '{fakes.aws_access_key_id('shallow')}'\n"})
    env = runner_env(git_repo, runner_temp, "push", {"before": "1" * 40, "after": after})

    scanned = run_step(step("Scan"), {}, env, git_repo)

    assert scanned.returncode == 1, scanned.stderr
    assert "--diff" not in scanned.stdout
    assert "::warning title=policyctl::the pushed commits are not all in the checkout" in (
        scanned.stdout
    )


def test_each_blocking_finding_is_an_error_annotation_at_its_file_and_line(
    runner_temp: Path, git_repo: Path
) -> None:
    token = fakes.github_pat("annotate")
    commit_all(git_repo, "k", {"src/app.py": f"\n\nTOKEN = '{token}'\n"})
    env = runner_env(git_repo, runner_temp, "push", {})

    scanned = run_step(step("Scan"), {"path": "src"}, env, git_repo)

    assert scanned.returncode == 1, scanned.stderr
    errors = [line for line in scanned.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1
    assert errors[0].startswith(
        "::error file=src/app.py,title=policyctl secret.github-pat-classic,line=3,col=10::"
    )
    assert_no_secret_in([scanned.stdout, scanned.stderr], [token])


def test_a_secret_in_two_files_is_annotated_at_both(runner_temp: Path, git_repo: Path) -> None:
    token = fakes.github_pat("annotate-twice")
    commit_all(git_repo, "k", {"src/a.py": f"T = '{token}'\n", "src/b.py": f"\nT = '{token}'\n"})
    env = runner_env(git_repo, runner_temp, "push", {})

    scanned = run_step(step("Scan"), {"path": "src"}, env, git_repo)

    assert scanned.returncode == 1, scanned.stderr
    errors = [line for line in scanned.stdout.splitlines() if line.startswith("::error ")]
    places = sorted(re.search(r"file=([^,]+),.*line=(\d+)", e).groups() for e in errors)  # type: ignore[union-attr]
    assert places == [("src/a.py", "1"), ("src/b.py", "2")]


def test_the_mode_input_takes_the_modes_the_cli_takes(runner_temp: Path, git_repo: Path) -> None:
    from policyctl.core.config import RUN_MODES

    described = ACTION["inputs"]["mode"]["description"]
    assert re.findall(r"\b(block|warn|log)\b", described) == ["warn", "block"]
    assert set(RUN_MODES) == {"warn", "block"}
    commit_all(git_repo, "k", {"a.py": f"k = '{fakes.github_pat('action-mode')}'\n"})
    env = runner_env(git_repo, runner_temp, "push", {})

    warned = run_step(step("Scan"), {"mode": "warn"}, env, git_repo)
    refused = run_step(step("Scan"), {"mode": "log"}, env, git_repo)

    assert warned.returncode == 0, warned.stderr
    assert outputs(runner_temp)["findings"] == "1"
    assert refused.returncode == 2
    assert refused.stdout.splitlines() == [
        "::error title=policyctl::input mode: 'log' is not one of block, warn "
        "(or empty, to keep each control's own mode)"
    ]
