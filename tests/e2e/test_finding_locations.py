"""Where a finding is reported: a PEM private key at the line and column where its
`-----BEGIN` marker starts, not where its body does."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in


def test_a_pem_key_is_reported_where_the_key_starts(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    key = fakes.private_key_pem("location")
    (tmp_path / "settings.py").write_text(f'# keys\nKEY = """{key}"""\n')

    run = run_policyctl("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1, run.err
    [finding] = run.json()["findings"]
    assert finding["rule_id"] == "secret.private-key-pem"
    assert (finding["location"]["line"], finding["location"]["column"]) == (2, 10)
    assert_no_secret_in([run.out, run.err], [key.splitlines()[1]])


def test_a_pem_key_in_its_own_file_starts_at_line_1_column_1(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "id_rsa").write_text(fakes.private_key_pem("own-file"))

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    [finding] = run.json()["findings"]
    assert (finding["location"]["line"], finding["location"]["column"]) == (1, 1)
