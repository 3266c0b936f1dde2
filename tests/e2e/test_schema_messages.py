"""Schema errors in configs, waivers and rules name the missing or misspelt field and,
for a misspelling, the closest valid one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl

WAIVER = (
    "waivers:\n  - rule: secret.x\n{extra}    owner: me\n    reason: test\n"
    "    expires: 2030-01-01\n"
)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            WAIVER.format(extra=""),
            "field 'waivers.0': is missing the required field 'path'",
        ),
        (
            WAIVER.format(extra="    pth: src/**\n"),
            "field 'waivers.0': unknown field 'pth' (did you mean 'path'?)",
        ),
        (
            "exlude: ['vendor/**']\nfail_of: high\n",
            "field 'file': unknown fields 'exlude' (did you mean 'exclude'?), "
            "'fail_of' (did you mean 'fail_on'?)",
        ),
    ],
)
def test_a_config_error_names_the_field_and_the_closest_valid_one(
    run_policyctl: RunPolicyctl, tmp_path: Path, config: str, message: str
) -> None:
    (tmp_path / ".policyctl.yaml").write_text(config)

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 2
    assert run.err.splitlines() == [f"policyctl: error: .policyctl.yaml: {message}"]


def test_a_misspelt_required_rule_field_is_named_with_what_was_given(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n- id: custom.x\n  title: t\n  categroy: secret\n  severity: high\n"
        "  data_class: credential\n  pattern: abc\n  examples: [abc]\n"
        "  negative_examples: [abd]\n"
    )

    run = policyctl_in_process("rules", "validate", "r.yaml", cwd=tmp_path)

    assert run.code == 2
    assert (
        "rule custom.x: is missing the required field 'category' "
        "('categroy' is given: a misspelling?)"
    ) in run.err
