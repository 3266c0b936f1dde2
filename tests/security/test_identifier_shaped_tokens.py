"""Issue 16: a credential cannot hide behind the outline of a name. A token written as
`word_word_<generated>` or `word.word.<generated>` reads like snake_case or a dotted path; the
variable-name filter judges each part, so a generated part keeps it a finding."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files


def test_a_token_spelled_as_an_identifier_is_still_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    body = fakes.pick("abcdefghijklmnopqrstuvwxyz0123456789", 32, "outline")
    disguised = {
        1: "service_account_" + body,
        2: "acme.eu1." + body,
        3: "SERVICE_ACCOUNT_" + body.upper(),
    }
    write_files(
        tmp_path,
        {"app/settings.py": "".join(f'api_key_{n} = "{v}"\n' for n, v in disguised.items())},
    )
    result = policyctl_in_process("scan", tmp_path, "-f", "json", "--mode", "warn")
    lines = sorted(f["location"]["line"] for f in result.json()["findings"])
    assert lines == [1, 2, 3]
    assert body not in result.all_output
