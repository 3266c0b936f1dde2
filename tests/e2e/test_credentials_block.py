"""A confirmed credential blocks by default, without any policy pack: a password in a
.env or .ini file and a Slack webhook URL fail the scan (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        (".env", "DB_PASSWORD={}\n", "secret.generic-env-assignment"),
        ("app.ini", "[database]\npassword = {}\n", "secret.generic-env-assignment"),
    ],
)
def test_a_password_in_a_config_file_blocks(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, name: str, content: str, rule: str
) -> None:
    secret = fakes.password(name)
    (tmp_path / name).write_text(content.format(secret))

    run = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1, run.all_output
    assert rule in run.out
    assert_no_secret_in([run.out, run.err], [secret])


def test_a_slack_webhook_url_blocks(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    url = fakes.slack_webhook_url("hook")
    (tmp_path / "notify.py").write_text(f'WEBHOOK = "{url}"\n')

    run = run_policyctl("scan", ".", "--no-progress", "-f", "json", cwd=tmp_path)

    assert run.code == 1, run.err
    [finding] = run.json()["findings"]
    assert (finding["rule_id"], finding["severity"], finding["mode"]) == (
        "secret.slack-webhook-url",
        "high",
        "block",
    )
