"""The scan step of the GitHub Action (action.yml), run as `python -m policyctl.cli.github_action`.

It reads the action's inputs from INPUT_* variables (action.yml passes them so, never
pasted into the script), runs `policyctl scan` once for the JSON, SARIF and Markdown
reports, copies the SARIF where upload-sarif expects it, appends the Markdown to the job
summary, writes an `::error file=…,line=…` annotation for each blocking finding, sets the
step outputs and exits with the scan's exit code.

What is scanned: on pull requests, the commits the pull request adds (its base..head);
on pushes, the commits pushed (the event's before..after) when `before` is in the
checkout (actions/checkout with fetch-depth: 0), else the files; elsewhere the files.
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
from typing import Any

from policyctl.policy.enforce import EXIT_ERROR

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
RUN_MODES = ("block", "warn")
"""The values of the `mode` input: those of `policyctl scan --mode`."""
_NO_COMMIT = re.compile(r"^0+$")


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
    """The given base, else the pull request's base commit on pull_request events, else
    the pushed range (`before..after`) on push events whose `before` can be read."""
    if inputs.diff_base:
        return inputs.diff_base
    name = env.get("GITHUB_EVENT_NAME")
    if name not in (*PULL_REQUEST_EVENTS, "push") or not env.get("GITHUB_EVENT_PATH"):
        return None
    try:
        event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        if name != "push":
            base: str = event["pull_request"]["base"]["sha"]
            return base
        before, after = str(event["before"]), str(event["after"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _NO_COMMIT.match(before) or _NO_COMMIT.match(after):
        return None  # a new branch, or a deleted one: the files are scanned
    if not (_is_commit(before, inputs.path) and _is_commit(after, inputs.path)):
        print(
            "::warning title=policyctl::the pushed commits are not all in the checkout, so "
            "the files are scanned instead (use actions/checkout with fetch-depth: 0 to "
            "scan only what the push added)",
            flush=True,
        )
        return None
    return f"{before}..{after}"


def _is_commit(revision: str, path: str) -> bool:
    folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
    completed = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    return completed.returncode == 0


def error_annotations(report: dict[str, Any], inputs: ActionInputs, in_git: bool) -> list[str]:
    """An `::error` workflow command for each blocking finding, at its file and line, and
    at every other place of a secret found in several (the preview is redacted: no raw
    value is ever printed)."""
    commands = []
    blocking = [
        (finding, where)
        for finding in report["findings"]
        if finding["mode"] == "block" and finding["suppressed"] is None
        for where in (finding["location"], *(p["location"] for p in finding.get("also_at", ())))
    ]
    for finding, where in blocking:
        path = where["path"]
        if not in_git and os.path.isdir(inputs.path):
            path = os.path.normpath(os.path.join(inputs.path, path)).replace(os.sep, "/")
        properties = {"file": path, "title": f"policyctl {finding['rule_id']}"}
        if where.get("line"):
            properties["line"] = str(where["line"])
            if where.get("column"):
                properties["col"] = str(where["column"])
        fields = ",".join(f"{k}={_escape(v, True)}" for k, v in properties.items())
        message = f"{finding['title']} ({finding['severity']}): {finding['preview']}"
        commands.append(f"::error {fields}::{_escape(message, False)}")
    return commands


def _escape(text: str, property_value: bool) -> str:
    """A workflow command's data or property value, escaped as the runner reads it."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


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
    if inputs.mode and inputs.mode not in RUN_MODES:
        print(
            f"::error title=policyctl::input mode: {inputs.mode!r} is not one of "
            f"{', '.join(RUN_MODES)} (or empty, to keep each control's own mode)",
            flush=True,
        )
        return 2
    output_dir = Path(env.get("RUNNER_TEMP") or tempfile.mkdtemp()) / "policyctl-report"
    base = diff_base(inputs, env)
    command = scan_command(inputs, base, output_dir)
    print("policyctl: " + shlex.join(command[2:]), flush=True)
    code = subprocess.run(command, check=False).returncode
    report_path = output_dir / "report.json"
    if code not in (0, 1) or not report_path.is_file():
        print(f"::error title=policyctl::the scan failed (exit code {code})", flush=True)
        return code or EXIT_ERROR
    report = json.loads(report_path.read_text(encoding="utf-8"))
    for line in error_annotations(report, inputs, in_git=base is not None):
        print(line, flush=True)
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
