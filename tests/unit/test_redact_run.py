"""The redact flow in-process (`run_redaction`): strategies chosen, keys, outputs planned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policyctl.app.redact import RedactRequest, run_redaction
from policyctl.core.config import resolve_redact_settings
from policyctl.core.errors import InputError
from policyctl.redaction.outputs import OutputRequest, plan_targets
from tests.redact_samples import (
    DOB,
    EMAIL,
    LOG_TEMPLATE,
    LOG_VALUES,
    OTHER_REDACT_KEY,
    REDACT_KEY,
    ZIP,
    fill,
    stand_ins,
    write_sample_rules,
)

TEMPLATE, VALUES = LOG_TEMPLATE, LOG_VALUES


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_sample_rules(tmp_path)
    (tmp_path / "app.log").write_text(fill(TEMPLATE, VALUES), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def redact(
    *strategies: str, key: str = REDACT_KEY, output: str = "out.log", force: bool = True
) -> dict[str, Any]:
    """Redact app.log into `output` with `strategies`; returns the report."""
    settings = resolve_redact_settings({"rules": ["sample-pii.yaml"]}, ("app.log",), env={})
    request = RedactRequest(
        outputs=OutputRequest(inputs=("app.log",), output=output, force=force),
        settings=settings,
        strategies=strategies,
    )
    outcome = run_redaction(request, env={"POLICYCTL_REDACT_KEY": key})
    assert outcome.exit_code == 0
    return outcome.report


def became(path: str = "out.log") -> dict[str, str]:
    return stand_ins(Path(path).read_text(encoding="utf-8"))


def test_hash_is_stable_across_runs_with_the_same_key(workspace: Path) -> None:
    redact("hash", output="first.log")
    redact("hash", output="again.log")
    assert (workspace / "first.log").read_bytes() == (workspace / "again.log").read_bytes()
    assert became("first.log")["email"].startswith("h_")


def test_hash_differs_with_another_key(workspace: Path) -> None:
    redact("hash", output="first.log")
    redact("hash", key=OTHER_REDACT_KEY, output="other.log")
    first, other = became("first.log"), became("other.log")
    for name in ("email", "card", "zip", "dob", "customer"):
        assert first[name] != other[name], name


def test_generalize_keeps_the_year_and_three_zip_digits(workspace: Path) -> None:
    redact("generalize")
    made = became()
    assert (made["dob"], made["zip"]) == (DOB[:4], ZIP[:3] + "**")
    assert made["email"] == "*" * len(EMAIL)  # neither a date nor a ZIP code


def test_secrets_are_masked_whatever_strategy_is_asked(workspace: Path) -> None:
    report = redact("tokenize", "secret.*=hash", "credential=fpe")
    assert became()["aws"] == "*" * len(VALUES["aws"])
    assert report["summary"]["by_strategy"] == {"mask": 1, "tokenize": 6}


def test_the_config_files_redaction_section_chooses_strategies(workspace: Path) -> None:
    (workspace / ".policyctl.yaml").write_text(
        "version: 1\n"
        "redaction:\n"
        "  strategy: mask\n"
        "  data_classes:\n"
        "    contact: partial\n"
        "  rules:\n"
        "    pii.date-of-birth: generalize\n"
        "    pii.payment-card-number: {strategy: partial, keep_last: 4}\n"
    )
    report = redact()
    made = became()
    assert made["email"] == "*" * len("jane.doe") + "@mailbox.org"
    assert made["card"] == "**** **** **** 1111"
    assert (made["dob"], made["zip"]) == ("1985", "*****")
    assert report["redaction"]["strategies"]["rules"] == {
        "pii.payment-card-number": "partial:keep_last=4",
        "pii.date-of-birth": "generalize",
    }


def test_the_command_line_overrides_the_config_file_per_target(workspace: Path) -> None:
    (workspace / ".policyctl.yaml").write_text(
        "version: 1\nredaction:\n  data_classes: {contact: partial, financial: remove}\n"
    )
    redact("contact=mask")
    made = became()
    assert made["email"] == "*" * len(EMAIL) and made["card"] == ""


def test_no_key_is_asked_for_when_no_keyed_strategy_is_used(workspace: Path) -> None:
    report = redact("partial", key="")
    assert "key_id" not in report["redaction"]


def test_an_existing_output_is_replaced_only_with_force(workspace: Path) -> None:
    (workspace / "out.log").write_text("keep me\n")
    with pytest.raises(InputError, match="already exists"):
        redact(force=False)
    assert (workspace / "out.log").read_text() == "keep me\n"
    redact(force=True)
    assert EMAIL not in (workspace / "out.log").read_text()


def test_several_inputs_go_into_a_folder_and_may_not_collide(workspace: Path) -> None:
    (workspace / "a").mkdir()
    (workspace / "a" / "app.log").write_text("x\n")
    with pytest.raises(InputError, match="would both be written to"):
        plan_targets(OutputRequest(inputs=("app.log", "a/app.log"), output="clean"))
    targets, _ = plan_targets(OutputRequest(inputs=("app.log", "a"), output="clean"))
    assert [t.destination for t in targets] == ["clean/app.log", "clean/a/app.log"]


def test_the_report_may_overwrite_neither_an_input_nor_a_copy(workspace: Path) -> None:
    with pytest.raises(InputError, match=r"--report app\.log: is an input"):
        plan_targets(OutputRequest(inputs=("app.log",), output="out.log", report="app.log"))
    with pytest.raises(InputError, match=r"--report out\.log: is a redacted copy"):
        plan_targets(OutputRequest(inputs=("app.log",), output="out.log", report="out.log"))


def test_output_and_in_place_exclude_each_other(workspace: Path) -> None:
    with pytest.raises(InputError, match="either --output PATH or --in-place"):
        plan_targets(OutputRequest(inputs=("app.log",), output="x.log", in_place=True))
    with pytest.raises(InputError, match="either --output PATH or --in-place"):
        plan_targets(OutputRequest(inputs=("app.log",)))


def test_a_missing_input_is_a_warning_and_the_others_are_redacted(workspace: Path) -> None:
    settings = resolve_redact_settings({"rules": ["sample-pii.yaml"]}, ("app.log",), env={})
    request = RedactRequest(
        outputs=OutputRequest(inputs=("missing.log", "app.log"), output="clean"),
        settings=settings,
    )
    outcome = run_redaction(request, env={})
    assert outcome.exit_code == 1
    assert outcome.report["notices"] == [
        {"path": "missing.log", "message": "does not exist", "level": "error"}
    ]
    assert EMAIL not in (workspace / "clean" / "app.log").read_text()


def test_in_place_through_a_symlink_redacts_the_file_it_points_to(workspace: Path) -> None:
    (workspace / "current.log").symlink_to("app.log")
    settings = resolve_redact_settings({"rules": ["sample-pii.yaml"]}, ("current.log",), env={})
    request = RedactRequest(
        outputs=OutputRequest(inputs=("current.log",), in_place=True), settings=settings
    )
    assert run_redaction(request, env={}).exit_code == 0
    assert (workspace / "current.log").is_symlink()
    assert EMAIL not in (workspace / "app.log").read_text()
