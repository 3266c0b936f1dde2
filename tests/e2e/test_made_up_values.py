"""A value under a provider's mark whose body reads as typed (`figd_AbCdEf...1234`,
`ABSTRACT_API_KEY=abcdef1234567890...`) is reported, less confident and tagged
`made-up-looking`; a value that says it is no credential (`xxxx`, `your_..._here`,
filler) is not; passwords and generic keys in tests keep the stricter judgement."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files

FIGMA = "fi" + "gd_"
TYPED_BODY = "AbCdEfGhIjKlMnOpQrStUvWxYz" + "1234567890" + "AbCd"
TYPED_HEX = "abcdef" + "1234567890" + "abcdef" + "1234567890"
MADE_UP = "made-up-looking"


def found(result_json: dict[str, object]) -> dict[tuple[str, int], dict[str, object]]:
    """Findings by (path, line)."""
    return {
        (f["location"]["path"], f["location"]["line"]): f
        for f in result_json["findings"]  # type: ignore[attr-defined]
    }


def test_a_prefixed_token_with_a_typed_body_is_reported_less_confident_and_tagged(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    issued = FIGMA + fakes.pick(fakes.ALNUM, 40, "figma")
    write_files(
        tmp_path,
        {"app/settings.py": f'FIGMA_TOKEN = "{FIGMA}{TYPED_BODY}"\nFIGMA_TOKEN_2 = "{issued}"\n'},
    )
    result = run_policyctl("scan", tmp_path, "--format", "json", "--mode", "warn")
    assert result.code == 0, result.all_output
    by_line = found(result.json())
    typed, random = by_line[("app/settings.py", 1)], by_line[("app/settings.py", 2)]
    assert typed["rule_id"] == random["rule_id"] == "secret.figma-pat"
    assert MADE_UP in typed["tags"] and MADE_UP not in random["tags"]
    assert typed["confidence"] == round(random["confidence"] - 0.1, 2)  # type: ignore[operator]
    assert TYPED_BODY not in result.all_output


def test_a_key_naming_the_provider_keeps_a_typed_value(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "app/settings.py": (
                f'ABSTRACT_API_KEY = "{TYPED_HEX}"\n'
                f'ABSTRACT_API_KEY_2 = "{fakes.pick("0123456789abcdef", 32, "abstract")}"\n'
            )
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    by_line = found(result.json())
    typed, random = by_line[("app/settings.py", 1)], by_line[("app/settings.py", 2)]
    assert typed["rule_id"] == random["rule_id"] == "secret.abstractapi-credential"
    assert MADE_UP in typed["tags"] and MADE_UP not in random["tags"]


def test_values_that_say_they_are_no_credential_stay_quiet_under_a_prefix(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    lines = [
        FIGMA + "x" * 40,  # a mask
        FIGMA + "0" * 40,  # filler
        FIGMA + "your_figma_token_goes_" + "here_0123456789a",  # an instruction
        FIGMA + "EXAMPLE" + "AbCdEfGhIjKlMnOpQrStUvWxYz1234a",  # says it is an example
    ]
    write_files(
        tmp_path,
        {"app/settings.py": "".join(f'FIGMA_TOKEN_{i} = "{v}"\n' for i, v in enumerate(lines))},
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    assert found(result.json()) == {}


def test_two_hexspeak_words_under_a_provider_key_stay_quiet(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    value = "1626" + "dead" + "5e" + "cafe" + "46231e968eb1be29c4"
    write_files(tmp_path, {"app/settings.py": f'ABSTRACT_API_KEY = "{value}"\n'})
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    assert found(result.json()) == {}


def test_a_generic_key_with_a_typed_value_is_reported_in_config_but_not_in_tests(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    value = "abcd1234" + "efgh5678" + "ijkl9012" + "mnop3456"
    write_files(
        tmp_path,
        {
            "deploy/app.env": f"ZYLOFAX_API_KEY={value}\n",
            "tests/test_client.py": f'ZYLOFAX_API_KEY = "{value}"\n',
        },
    )
    result = policyctl_in_process(
        "scan", tmp_path, "--format", "json", "--mode", "warn", "--per-place"
    )
    by_line = found(result.json())
    assert set(by_line) == {("deploy/app.env", 1)}
    assert MADE_UP in by_line[("deploy/app.env", 1)]["tags"]  # type: ignore[operator]


def test_a_typed_password_and_a_short_typed_value_are_still_dropped(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "deploy/app.env": (
                "DATABASE_URL=postgres://app:" + "hunter" + "2@db.internal:5432/app\n"
                "ZYLOFAX_API_KEY=" + "abc" + "123\n"
            ),
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    assert found(result.json()) == {}
