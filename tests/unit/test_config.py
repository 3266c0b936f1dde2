"""Configuration layers: command line > environment > file > defaults; lists are joined."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyctl.core.config import (
    DetokenizeSettings,
    RedactSettings,
    Settings,
    env_values,
    load_config_file,
    merge_settings,
    parse_size,
    resolve_detokenize_settings,
    resolve_redact_settings,
    resolve_settings,
    section,
)
from policyctl.core.errors import ConfigError


def test_defaults_apply_when_nothing_is_set() -> None:
    assert merge_settings() == Settings()
    assert Settings().max_file_size == 10 * 1024 * 1024
    # Unset: enforce.Policy blocks from "high" up when no pack is chosen.
    assert Settings().fail_on is None


def test_stronger_layers_win_for_scalars() -> None:
    settings = merge_settings(
        {"fail_on": "low", "jobs": 4}, {"fail_on": "medium"}, {"fail_on": "critical", "jobs": None}
    )
    assert settings.fail_on == "critical"
    assert settings.jobs == 4


def test_lists_are_joined_across_layers_without_duplicates() -> None:
    settings = merge_settings(
        {"exclude": ["docs/", "vendor/"]}, {"exclude": ["vendor/", "*.min.js"]}
    )
    assert settings.exclude == ("docs/", "vendor/", "*.min.js")


def test_environment_variables_are_parsed() -> None:
    values = env_values(
        {
            "POLICYCTL_FAIL_ON": "critical",
            "POLICYCTL_JOBS": "3",
            "POLICYCTL_EXCLUDE": "a, b",
            "POLICYCTL_MAX_FILE_SIZE": "2MiB",
            "POLICYCTL_GITIGNORE": "false",
            "POLICYCTL_MIN_CONFIDENCE": "0.7",
        }
    )
    assert values == {
        "fail_on": "critical",
        "jobs": 3,
        "exclude": ["a", "b"],
        "max_file_size": 2 * 1024 * 1024,
        "gitignore": False,
        "min_confidence": 0.7,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POLICYCTL_JOBS", "many"),
        ("POLICYCTL_FAIL_ON", "urgent"),
        ("POLICYCTL_MIN_CONFIDENCE", "2"),
        ("POLICYCTL_GITIGNORE", "perhaps"),
        ("POLICYCTL_MAX_FILE_SIZE", "huge"),
    ],
)
def test_a_bad_environment_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        env_values({name: value})


def test_command_line_beats_environment_beats_file(tmp_path: Path) -> None:
    (tmp_path / ".policyctl.yaml").write_text("version: 1\nfail_on: low\njobs: 1\nengine: re\n")
    env = {"POLICYCTL_FAIL_ON": "medium", "POLICYCTL_JOBS": "2"}
    settings = resolve_settings({"fail_on": "critical"}, [str(tmp_path)], env)
    assert (settings.fail_on, settings.jobs, settings.engine) == ("critical", 2, "re")
    assert settings.config_path == str(tmp_path / ".policyctl.yaml")


def test_the_config_file_is_found_in_the_scanned_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / ".policyctl.yml").write_text("fail_on: medium\n")
    monkeypatch.chdir(tmp_path)
    assert resolve_settings({}, ["project"], {}).fail_on == "medium"


def test_rule_paths_in_the_file_are_relative_to_it(tmp_path: Path) -> None:
    path = tmp_path / ".policyctl.yaml"
    path.write_text("rules: [my-rules]\nmax_file_size: 1MB\n")
    assert load_config_file(path) == {
        "rules": [str(tmp_path / "my-rules")],
        "max_file_size": 1_000_000,
    }


def test_an_empty_config_file_is_no_settings(tmp_path: Path) -> None:
    path = tmp_path / ".policyctl.yaml"
    path.write_text("# nothing yet\n")
    assert load_config_file(path) == {}


@pytest.mark.parametrize(
    ("text", "bytes_"),
    [
        ("1048576", 1048576),
        ("10MiB", 10 * 1024**2),
        ("500 KB", 500_000),
        ("2g", 2 * 1000**3),
        ("1.5MiB", int(1.5 * 1024**2)),
        (4096, 4096),
    ],
)
def test_sizes_are_read_with_units(text: str | int, bytes_: int) -> None:
    assert parse_size(text, "size") == bytes_


@pytest.mark.parametrize("text", ["", "ten", "-5", "0", "5 parsecs"])
def test_a_bad_size_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_size(text, "--max-file-size")


def test_a_setting_no_layer_knows_is_an_error_not_ignored() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'max_filesize'"):
        merge_settings({"exclude": ["x"]}, {"max_filesize": 10})


def test_an_unknown_setting_names_the_closest_known_one() -> None:
    with pytest.raises(ConfigError) as raised:
        merge_settings({"max_filesize": 10})
    assert str(raised.value) == "unknown setting 'max_filesize' (did you mean 'max_file_size'?)"
    with pytest.raises(ConfigError) as raised:
        merge_settings({"zzz": 1})
    assert str(raised.value) == "unknown setting 'zzz'"


def test_redact_reads_its_typed_section_of_every_layer(tmp_path: Path) -> None:
    (tmp_path / ".policyctl.yaml").write_text(
        "exclude: [vendor/]\nengine: re\nfail_on: low\nredaction:\n  strategy: mask\n"
    )
    env = {"POLICYCTL_MIN_CONFIDENCE": "0.7", "POLICYCTL_EXCLUDE": "build/"}
    settings = resolve_redact_settings({"jobs": 3, "exclude": ["*.tmp"]}, [str(tmp_path)], env)
    assert isinstance(settings, RedactSettings)
    assert settings.exclude == ("vendor/", "build/", "*.tmp")
    assert (settings.engine, settings.min_confidence, settings.jobs) == ("re", 0.7, 3)
    assert settings.redaction == {"strategy": "mask"}
    assert settings.config_path == str(tmp_path / ".policyctl.yaml")
    assert not hasattr(settings, "fail_on")  # a scan's setting, not redact's


def test_detokenize_reads_its_typed_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".policyctl.yaml").write_text("detokenize:\n  reason: optional\n")
    monkeypatch.chdir(tmp_path)
    settings = resolve_detokenize_settings({"audit_log": "audit.jsonl"}, env={})
    assert settings == DetokenizeSettings(
        config_path=str(tmp_path / ".policyctl.yaml"),
        audit_log="audit.jsonl",
        detokenize_reason="optional",
    )


def test_each_section_takes_its_defaults_from_settings() -> None:
    assert section(Settings(), RedactSettings).min_confidence == Settings().min_confidence
    assert section(Settings(), DetokenizeSettings).detokenize_reason == "required"
