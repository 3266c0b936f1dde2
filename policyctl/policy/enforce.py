"""Enforcement, decided once: the controls each finding violates, its mode, and the exit code.

With policy packs, a finding's mode is the strictest mode among the controls that apply
to it (block > warn > log); a finding no control applies to is only logged. Without
packs, findings at or above the `fail_on` severity (default high) block and the rest
warn. An explicit `fail_on` also blocks, with packs, every finding at or above it. The
run's `mode` then relaxes (`warn`: nothing blocks) or tightens (`block`: warnings block).
A suppressed finding (inline ignore, allowlist, baseline, waiver) keeps its mode for
the record but never blocks.

A scan is incomplete when an input could not be scanned (a path that does not exist, an
unreadable file, a file whose scan failed or ran out of time: notices of level "error").
An incomplete scan exits 2 whatever its findings, unless the run allows it
(`--allow-incomplete`): a gate must not pass on what it did not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from policyctl.core.config import DEFAULT_FAIL_ON
from policyctl.core.model import Control, Finding, Notice, PolicyPack, mode_rank, severity_rank
from policyctl.policy.packs import RuleTraits, control_ref, control_selects, in_scope

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2

UNSELECTED_MODE = "log"


@dataclass(frozen=True)
class Policy:
    """What decides the modes of one run: the packs, a severity floor, a run-wide mode."""

    packs: tuple[PolicyPack, ...] = ()
    fail_on: str | None = None
    mode: str | None = None
    allow_incomplete: bool = False
    """An incomplete scan exits by its findings instead of 2 (--allow-incomplete)."""

    @property
    def severity_floor(self) -> str | None:
        """The severity at which findings block whatever the packs say, if any."""
        if self.fail_on is not None:
            return self.fail_on
        return None if self.packs else DEFAULT_FAIL_ON


def judge(findings: Iterable[Finding], policy: Policy) -> list[Finding]:
    """Every finding with the controls it violates and its mode under `policy`."""
    selecting = _Selection(policy.packs)
    floor = policy.severity_floor
    judged = []
    for finding in findings:
        applying = [(ref, c) for ref, c in selecting(finding) if in_scope(c, finding)]
        if applying:
            mode = max((c.mode for _, c in applying), key=mode_rank)
        else:
            mode = UNSELECTED_MODE if policy.packs else "warn"
        if floor is not None and severity_rank(finding.severity) >= severity_rank(floor):
            mode = "block"
        judged.append(
            replace(
                finding,
                controls=tuple(ref for ref, _ in applying),
                mode=run_mode(mode, policy.mode),
            )
        )
    return judged


def run_mode(mode: str, override: str | None) -> str:
    """`mode` after the run-wide override: `warn` never blocks, `block` blocks warnings."""
    if override == "warn" and mode == "block":
        return "warn"
    if override == "block" and mode == "warn":
        return "block"
    return mode


class _Selection:
    """Which controls select a rule (and their `pack:control` names), worked out once per
    rule id: selection depends only on the rule; scope and severity are per finding."""

    def __init__(self, packs: tuple[PolicyPack, ...]) -> None:
        self.packs = packs
        self.cache: dict[str, list[tuple[str, Control]]] = {}

    def __call__(self, finding: Finding) -> list[tuple[str, Control]]:
        if finding.rule_id not in self.cache:
            traits = RuleTraits.of_finding(finding)
            self.cache[finding.rule_id] = [
                (control_ref(pack, control), control)
                for pack in self.packs
                for control in pack.controls
                if control_selects(control, traits)
            ]
        return self.cache[finding.rule_id]


def is_blocking(finding: Finding) -> bool:
    return finding.mode == "block" and finding.suppressed is None


def exit_code(
    findings: Iterable[Finding], incomplete: bool = False, policy: Policy | None = None
) -> int:
    """2 when the scan is `incomplete` and the policy does not allow that; else 1 when
    any unsuppressed finding is in block mode, else 0."""
    if incomplete and not (policy is not None and policy.allow_incomplete):
        return EXIT_ERROR
    return EXIT_BLOCKED if any(is_blocking(f) for f in findings) else EXIT_OK


INCOMPLETE_LEVEL = "error"
"""The level of a notice about an input that could not be scanned."""


def incomplete_inputs(notices: Iterable[Notice]) -> list[Notice]:
    """The notices that make a scan incomplete."""
    return [n for n in notices if n.level == INCOMPLETE_LEVEL]
