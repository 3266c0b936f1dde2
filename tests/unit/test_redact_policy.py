"""Which strategy a finding gets: rule over data class over default; secrets masked."""

from __future__ import annotations

import pytest

from policyctl.core.errors import ConfigError
from policyctl.redaction.policy import build_policy, parse_cli_spec
from policyctl.redaction.strategies import Strategy

SECTION = {
    "strategy": "hash",
    "data_classes": {"contact": "partial", "financial": {"strategy": "fpe", "luhn": True}},
    "rules": {"pii.us-ssn": "tokenize", "pii.us-*": "generalize", "pii.*": "remove"},
}


def chosen(section: object, rule_id: str, data_class: str, *cli: str, category: str = "pii") -> str:
    policy = build_policy(section, list(cli))  # type: ignore[arg-type]
    return str(policy.strategy_for(rule_id, data_class, category))


def test_without_configuration_everything_is_masked() -> None:
    assert chosen(None, "pii.email-address", "contact") == "mask"


def test_the_default_applies_to_data_classes_not_named() -> None:
    assert chosen(SECTION, "x.y", "health") == "hash"


def test_a_data_class_entry_beats_the_default() -> None:
    assert chosen(SECTION, "x.email", "contact") == "partial"
    assert chosen(SECTION, "x.card", "financial") == "fpe:luhn=true"


def test_a_rule_entry_beats_its_data_class() -> None:
    assert chosen(SECTION, "pii.email-address", "contact") == "remove"


def test_an_exact_rule_id_beats_a_glob_and_a_longer_glob_a_shorter_one() -> None:
    assert chosen(SECTION, "pii.us-ssn", "government-id") == "tokenize"
    assert chosen(SECTION, "pii.us-itin", "government-id") == "generalize"


def test_secrets_are_masked_whatever_was_asked() -> None:
    section = {"strategy": "tokenize", "rules": {"secret.*": "hash"}}
    assert chosen(section, "secret.github-pat", "credential", category="secret") == "mask"
    assert chosen(section, "pii.password", "credential") == "mask"


def test_a_secrets_own_mask_options_are_kept() -> None:
    section = {"rules": {"secret.*": {"strategy": "mask", "length": 8}}}
    assert chosen(section, "secret.x", "credential", category="secret") == "mask:length=8"


def test_a_cli_spec_names_the_default_a_data_class_or_a_rule() -> None:
    assert parse_cli_spec("hash") == (None, Strategy("hash"))
    assert parse_cli_spec("contact=partial") == ("contact", Strategy("partial"))
    assert parse_cli_spec("pii.us-ssn=fpe:luhn=true") == (
        "pii.us-ssn",
        Strategy("fpe", (("luhn", True),)),
    )
    assert parse_cli_spec("mask:length=8,char=#") == (
        None,
        Strategy("mask", (("char", "#"), ("length", 8))),
    )


def test_cli_specs_replace_the_files_entries_for_the_same_target_only() -> None:
    assert chosen(SECTION, "x.email", "contact", "contact=mask") == "mask"
    assert chosen(SECTION, "x.card", "financial", "contact=mask") == "fpe:luhn=true"
    assert chosen(SECTION, "x.y", "health", "tokenize") == "tokenize"
    assert chosen(SECTION, "pii.us-ssn", "government-id", "pii.us-ssn=mask") == "mask"


def test_the_keyed_strategies_in_use_are_listed() -> None:
    assert build_policy(SECTION, []).keyed() == ["fpe", "hash", "tokenize"]
    assert build_policy({"strategy": "partial"}, ["contact=remove"]).keyed() == []


@pytest.mark.parametrize(
    ("section", "cli", "message"),
    [
        ({"strategy": "scramble"}, [], "redaction.strategy: unknown strategy 'scramble'"),
        ({"data_classes": {"contact": {"strategy": "mask", "luhn": True}}}, [], "has no option"),
        ({"rules": {"x.y": {"strategy": "hash", "length": "long"}}}, [], "a whole number"),
        ({"rules": {"x.y": {"strategy": "hash", "length": 4}}}, [], "from 8 to 64"),
        ({"strategy": {"strategy": "mask", "char": "ab"}}, [], "one character"),
        ({"strategy": {"strategy": "fpe", "luhn": 1}}, [], "true or false"),
        ({"strategy": {"length": 3}}, [], "expected a strategy name"),
        (None, ["=hash"], "nothing before '='"),
        (None, ["hash:length"], "needs a value"),
        (None, ["contact=shred"], "--strategy 'contact=shred': unknown strategy"),
    ],
)
def test_a_bad_strategy_is_a_config_error_saying_where(
    section: object, cli: list[str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        build_policy(section, cli, where="cfg.yaml")  # type: ignore[arg-type]
