"""The scan step of the GitHub Action (action.yml), run as `python -m policyctl.cli.github_action`.

It reads the action's inputs from INPUT_* variables (action.yml passes them so, never
pasted into the script), runs `policyctl scan` once for the JSON, SARIF and Markdown
reports, copies the SARIF where upload-sarif expects it, appends the Markdown to the job
summary, sets the step outputs and exits with the scan's exit code.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from policyctl.policy.enforce import EXIT_ERROR

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")


@dataclass(frozen=True)
class ActionInputs:
    path: str = "."
    packs: tuple[str, ...] = ()
    mode: str = ""
    fail_on: str = ""
    baseline: str = ""
    diff_base: str = ""
    sarif_file: str = "policyctl.sarif"
    config_trust: str = ""
    config: str = ""
    allow_incomplete: bool = False
    args: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        def get(name: str, default: str = "") -> str:
            return env.get(f"INPUT_{name}", "").strip() or default

        return cls(
            path=get("PATH", "."),
            packs=tuple(p for p in re.split(r"[,\s]+", get("PACKS")) if p),
            mode=get("MODE"),
            fail_on=get("FAIL_ON"),
            baseline=get("BASELINE"),
            diff_base=get("DIFF_BASE"),
            sarif_file=get("SARIF_FILE", "policyctl.sarif"),
            config_trust=get("CONFIG_TRUST"),
            config=get("CONFIG"),
            allow_incomplete=get("ALLOW_INCOMPLETE").lower() in ("true", "1", "yes"),
            args=tuple(shlex.split(get("ARGS"))),
        )


def diff_base(inputs: ActionInputs, env: Mapping[str, str]) -> str | None:
    """The given base, else the pull request's base commit on pull_request events."""
    if inputs.diff_base:
        return inputs.diff_base
    if env.get("GITHUB_EVENT_NAME") not in PULL_REQUEST_EVENTS or not env.get("GITHUB_EVENT_PATH"):
        return None
    try:
        event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        base: str = event["pull_request"]["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return base


def scan_command(inputs: ActionInputs, base: str | None, output_dir: Path) -> list[str]:
    command = [sys.executable, "-m", "policyctl", "scan", inputs.path, "--no-progress"]
    if base:
        command += ["--diff", base]
    for pack in inputs.packs:
        command += ["--pack", pack]
    options = {
        "--mode": inputs.mode,
        "--fail-on": inputs.fail_on,
        "--baseline": inputs.baseline,
        "--config-trust": inputs.config_trust,
        "--config": inputs.config,
    }
    for option, value in options.items():
        if value:
            command += [option, value]
    if inputs.allow_incomplete:
        command.append("--allow-incomplete")
    command += ["-f", "json", "-f", "sarif", "-f", "markdown", "--output-dir", str(output_dir)]
    return [*command, *inputs.args]


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    inputs = ActionInputs.from_env(env)
    output_dir = Path(env.get("RUNNER_TEMP") or tempfile.mkdtemp()) / "policyctl-report"
    command = scan_command(inputs, diff_base(inputs, env), output_dir)
    print("policyctl: " + shlex.join(command[2:]), flush=True)
    code = subprocess.run(command, check=False).returncode
    report_path = output_dir / "report.json"
    if code not in (0, 1) or not report_path.is_file():
        print(f"::error title=policyctl::the scan failed (exit code {code})", flush=True)
        return code or EXIT_ERROR
    report = json.loads(report_path.read_text(encoding="utf-8"))
    Path(inputs.sarif_file).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(output_dir / "report.sarif", inputs.sarif_file)
    _append(env.get("GITHUB_STEP_SUMMARY"), (output_dir / "report.md").read_text("utf-8"))
    outputs = {
        "findings": str(report["summary"]["findings"]),
        "blocked": "true" if code == 1 else "false",
        "report": str(report_path),
    }
    _append(env.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))
    return code


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    sys.exit(main())
