"""Breach-notification duties: stated by the privacy packs, listed for personal data in history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policyctl.core.model import Finding
from policyctl.policy.duties import duties_for, triggers_duties
from policyctl.policy.packs import builtin_pack_files, load_pack
from tests.policy_helpers import finding

PRIVACY_PACKS = (
    "gdpr",
    "hipaa",
    "ccpa",
    "lgpd",
    "dpdp",
    "pdpa",
    "pipeda",
    "popia",
    "pipl",
    "au-privacy",
)


@pytest.mark.parametrize("pack_id", PRIVACY_PACKS)
def test_every_privacy_pack_states_its_breach_duties_and_rights_with_sources(pack_id: str) -> None:
    pack = load_pack(pack_id)
    assert pack.breach_notification and pack.data_subject_rights
    assert all(duty.source and duty.notify and duty.within for duty in pack.breach_notification)
    assert all(right.source for right in pack.data_subject_rights)


def test_the_deadlines_the_laws_fix_are_recorded_in_hours() -> None:
    hours = {
        pack: {d.hours for d in load_pack(pack).breach_notification} for pack in ("gdpr", "hipaa")
    }
    assert 72 in hours["gdpr"]
    assert 60 * 24 in hours["hipaa"]
    assert {d.within for d in load_pack("pipl").breach_notification} == {"immediately"}


def test_the_built_in_packs_include_pipl_and_the_australian_privacy_act() -> None:
    assert {"pipl", "au-privacy"} <= set(builtin_pack_files())


def history_pii(**changes: Any) -> Finding:
    values: dict[str, Any] = {
        "category": "pii",
        "data_class": "government-id",
        "source_kind": "history",
        "mode": "block",
        "controls": ("gdpr:Art. 5(1)(e)", "soc2:C1.1"),
        "fingerprint": "f" * 32,
    }
    values.update(changes)
    return finding("pii.us-ssn", **values)


def test_blocking_personal_data_in_history_lists_the_duties_of_each_pack_it_violates() -> None:
    packs = [load_pack("soc2"), load_pack("gdpr")]
    [listed] = duties_for([history_pii()], packs)
    assert listed.pack == "gdpr"  # soc2 states no breach duty of its own
    assert any(d.source == "Art. 33(1)" and d.hours == 72 for d in listed.duties)
    assert listed.findings == ("f" * 32,)


@pytest.mark.parametrize(
    "changes",
    [
        {"source_kind": "repo"},
        {"mode": "warn"},
        {"suppressed": "baseline"},
        {"category": "secret"},
    ],
)
def test_only_unsuppressed_blocking_personal_data_in_history_triggers_duties(
    changes: dict[str, Any],
) -> None:
    candidate = history_pii(**changes)
    assert not triggers_duties(candidate)
    assert duties_for([candidate], [load_pack("gdpr")]) == []


def test_a_pack_that_extends_another_inherits_its_duties(tmp_path: Path) -> None:
    ours = tmp_path / "ours.yaml"
    ours.write_text("id: ours\nname: Ours\nversion: '1'\nextends: gdpr\n", encoding="utf-8")
    assert load_pack(str(ours)).breach_notification == load_pack("gdpr").breach_notification
