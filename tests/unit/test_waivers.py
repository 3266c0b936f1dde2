"""Waivers: owned, time-limited exceptions, reported as applied, expired or stale."""

from __future__ import annotations

from datetime import date

import pytest

from policyctl.core.config import parse_waivers
from policyctl.core.errors import ConfigError
from policyctl.core.model import Waiver
from policyctl.policy.waivers import WAIVED, apply_waivers
from tests.policy_helpers import finding

TODAY = date(2025, 6, 1)
FP = "a" * 32


def waiver(expires: date = date(2025, 12, 31), **scope: str) -> Waiver:
    return Waiver(reason="accepted risk", owner="security-team", expires=expires, **scope)


def test_a_live_waiver_suppresses_the_finding_it_names_and_is_reported_applied() -> None:
    [waived], [outcome] = apply_waivers([finding(fingerprint=FP)], [waiver(fingerprint=FP)], TODAY)
    assert waived.suppressed == WAIVED
    assert (outcome.status, outcome.findings) == ("applied", (FP,))


def test_a_waiver_with_a_past_expiry_no_longer_suppresses_and_is_reported_expired() -> None:
    expired = waiver(expires=date(2025, 5, 31), fingerprint=FP)
    [kept], [outcome] = apply_waivers([finding(fingerprint=FP)], [expired], TODAY)
    assert kept.suppressed is None
    assert (outcome.status, outcome.findings) == ("expired", (FP,))


def test_a_waiver_applies_through_its_expiry_day() -> None:
    last_day = waiver(expires=TODAY, fingerprint=FP)
    [waived], _ = apply_waivers([finding(fingerprint=FP)], [last_day], TODAY)
    assert waived.suppressed == WAIVED


def test_a_waiver_that_covers_nothing_is_stale() -> None:
    [kept], [outcome] = apply_waivers(
        [finding(fingerprint=FP)], [waiver(fingerprint="b" * 32)], TODAY
    )
    assert kept.suppressed is None
    assert (outcome.status, outcome.findings) == ("stale", ())


def test_a_rule_and_path_waiver_covers_that_rule_under_those_paths_only() -> None:
    scoped = waiver(rule="pii.*", path="docs/**")
    in_docs = finding("pii.email", category="pii", path="docs/team.md", fingerprint="1" * 32)
    elsewhere = finding("pii.email", category="pii", path="src/team.py", fingerprint="2" * 32)
    other_rule = finding("secret.jwt", path="docs/api.md", fingerprint="3" * 32)
    results, [outcome] = apply_waivers([in_docs, elsewhere, other_rule], [scoped], TODAY)
    assert [f.suppressed for f in results] == [WAIVED, None, None]
    assert outcome.findings == ("1" * 32,)


def test_a_finding_suppressed_for_another_reason_keeps_it_and_does_not_use_the_waiver() -> None:
    inline = finding(fingerprint=FP, suppressed="inline")
    [kept], [outcome] = apply_waivers([inline], [waiver(fingerprint=FP)], TODAY)
    assert kept.suppressed == "inline"
    assert outcome.status == "stale"


def test_parsing_reads_iso_dates_and_scopes() -> None:
    [parsed] = parse_waivers(
        [
            {
                "rule": "pii.email",
                "path": "docs/",
                "reason": "r",
                "owner": "o",
                "expires": "2026-01-31",
            }
        ],
        "cfg",
    )
    assert parsed == Waiver("r", "o", date(2026, 1, 31), rule="pii.email", path="docs/")


def test_a_waiver_with_both_a_fingerprint_and_a_rule_is_a_config_error() -> None:
    entry = {"fingerprint": FP, "rule": "x", "path": "y", "reason": "r", "owner": "o"}
    with pytest.raises(ConfigError, match=r"cfg: field 'waivers\.0': give either"):
        parse_waivers([{**entry, "expires": "2026-01-31"}], "cfg")
