"""Small builders for the policy tests: findings, controls and packs as plain data."""

from __future__ import annotations

from typing import Any

from policyctl.core.model import Control, Finding, Framework, Location, PolicyPack, Selector


def finding(
    rule_id: str = "secret.github-pat-classic",
    *,
    category: str = "secret",
    severity: str = "critical",
    confidence: float = 0.9,
    data_class: str = "credential",
    path: str = "app.py",
    source_kind: str = "repo",
    tags: tuple[str, ...] = (),
    fingerprint: str = "0" * 32,
    **changes: Any,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        title=rule_id,
        category=category,
        severity=severity,
        confidence=confidence,
        data_class=data_class,
        location=Location(path=path, line=1, column=1),
        preview="abcd…",
        fingerprint=fingerprint,
        tags=tags,
        source_kind=source_kind,
        **changes,
    )


def control(
    control_id: str = "C-1",
    mode: str = "block",
    *,
    selects: tuple[Selector, ...] = (Selector(categories=("secret",)),),
    **changes: Any,
) -> Control:
    return Control(
        id=control_id,
        title=f"title of {control_id}",
        description="what it asks",
        selects=selects,
        mode=mode,
        **changes,
    )


def pack(pack_id: str = "p", *controls: Control, **changes: Any) -> PolicyPack:
    return PolicyPack(
        id=pack_id,
        name=f"pack {pack_id}",
        version="1",
        framework=Framework("framework", "1", "https://example.org"),
        controls=controls or (control(),),
        **changes,
    )
