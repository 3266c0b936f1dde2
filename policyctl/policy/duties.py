"""Which breach-notification duties a scan's findings may trigger, pack by pack.

Personal data committed to git history has left the working tree: every clone and every
fork holds it, and a public repository has published it. When such a finding blocks, the
report lists, for each chosen pack that states them, the framework's breach-notification
duties and data-subject rights, with their sources. It is guidance for whoever triages
the finding, not legal advice: whether a breach occurred is for them to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policyctl.core.model import BreachDuty, Finding, PolicyPack, SubjectRight

TRIGGER_SOURCE = "history"


@dataclass(frozen=True)
class PackDuties:
    """The duties and rights of one pack, and the findings that make them worth reading."""

    pack: str
    framework: str
    duties: tuple[BreachDuty, ...]
    rights: tuple[SubjectRight, ...]
    findings: tuple[str, ...]
    """Fingerprints of the blocking personal-data findings in history."""


def triggers_duties(finding: Finding) -> bool:
    """Unsuppressed personal data, in block mode, found in a commit (history or a range)."""
    return (
        finding.category == "pii"
        and finding.mode == "block"
        and finding.suppressed is None
        and (finding.source_kind == TRIGGER_SOURCE or finding.location.commit is not None)
    )


def duties_for(findings: Iterable[Finding], packs: Sequence[PolicyPack]) -> list[PackDuties]:
    """The packs whose controls a triggering finding violates, with their duties, in the
    packs' order; packs that state no duty are left out."""
    by_pack: dict[str, list[str]] = {}
    for finding in findings:
        if triggers_duties(finding):
            for ref in finding.controls:
                by_pack.setdefault(ref.split(":", 1)[0], []).append(finding.fingerprint)
    return [
        PackDuties(
            pack=pack.id,
            framework=pack.framework.name,
            duties=pack.breach_notification,
            rights=pack.data_subject_rights,
            findings=tuple(dict.fromkeys(by_pack[pack.id])),
        )
        for pack in packs
        if pack.id in by_pack and pack.breach_notification
    ]
