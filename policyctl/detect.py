"""The detection pipeline: the matches in one chunk become findings, step by named step.

engine match -> value -> path allowed? -> value allowed? -> entropy -> validator
             -> context -> confidence threshold -> finding (preview, fingerprint)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from policyctl.engine import Match
from policyctl.entropy import shannon_entropy
from policyctl.globs import path_matches
from policyctl.model import Chunk, Finding, Rule
from policyctl.redact import preview
from policyctl.rules import RuleChecks, Ruleset

CONTEXT_RAISE = 0.15
CONTEXT_LOWER = 0.3
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class DetectOptions:
    """Per-scan choices that change which matches become findings, and what they hold."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    show_secrets: bool = False


GENERIC_TAG = "generic"


def detect(chunk: Chunk, ruleset: Ruleset, options: DetectOptions) -> list[Finding]:
    """Every finding in `chunk`, in order of position."""
    return [finding for _, finding in detect_spans(chunk, ruleset, options)]


def detect_spans(
    chunk: Chunk, ruleset: Ruleset, options: DetectOptions
) -> list[tuple[Match, Finding]]:
    """Every finding in `chunk` with the match it came from (its byte spans), for callers
    that must act on the value in place, such as redaction."""
    judged: list[tuple[Match, Finding]] = []
    for match in ruleset.matcher.matches(chunk.data):
        finding = judge(chunk, match, ruleset, options)
        if finding is not None:
            judged.append((match, finding))
    return drop_generic_overlaps(judged)


def drop_generic_overlaps(judged: list[tuple[Match, Finding]]) -> list[tuple[Match, Finding]]:
    """A finding of a generic rule yields to a provider rule's finding on the same value:
    one secret, one finding, named by the most specific rule."""
    specific = [m for m, f in judged if GENERIC_TAG not in f.tags]
    if len(specific) == len(judged):
        return judged
    return [
        (m, f)
        for m, f in judged
        if GENERIC_TAG not in f.tags
        or not any(s.value_start < m.value_end and m.value_start < s.value_end for s in specific)
    ]


def judge(chunk: Chunk, match: Match, ruleset: Ruleset, options: DetectOptions) -> Finding | None:
    """The finding one match makes, or None when a step rejects it."""
    rule = ruleset.rules[match.rule]
    checks = ruleset.checks[match.rule]
    value = chunk.data[match.value_start : match.value_end].decode("utf-8", "replace")
    if rule.allow.paths and path_matches(chunk.origin.path, rule.allow.paths):
        return None
    if value_allowed(value, checks):
        return None
    entropy = shannon_entropy(value) if rule.entropy is not None else None
    if entropy is not None and rule.entropy is not None and entropy < rule.entropy:
        return None
    validated = checks.validator(value) if checks.validator else None
    if validated is False:
        return None
    confidence = context_confidence(rule, checks, chunk.data, match)
    if confidence is None or confidence < minimum_confidence(rule, options):
        return None
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        category=rule.category,
        severity=rule.severity,
        confidence=round(confidence, 2),
        data_class=rule.data_class,
        location=chunk.locate(match.value_start),
        preview=preview(value),
        fingerprint=fingerprint(rule.id, value, chunk.origin.path),
        entropy=round(entropy, 2) if entropy is not None else None,
        validated=validated,
        tags=rule.tags,
        secret=value if options.show_secrets else None,
        source_kind=chunk.kind,
    )


def value_allowed(value: str, checks: RuleChecks) -> bool:
    """True when the rule's own allowlist lets this value pass (regex or stopword)."""
    if any(regex.search(value) for regex in checks.allow_regexes):
        return True
    lowered = value.lower()
    return any(word in lowered for word in checks.stopwords)


def context_confidence(rule: Rule, checks: RuleChecks, data: bytes, match: Match) -> float | None:
    """The rule's confidence moved by words near the match; None when required words lack."""
    confidence = rule.confidence
    if not (checks.context_words or checks.negative_words):
        return confidence
    window = rule.context.window
    nearby = data[max(0, match.start - window) : match.end + window].lower()
    if any(word in nearby for word in checks.context_words):
        confidence = min(1.0, confidence + CONTEXT_RAISE)
    elif rule.context.required:
        return None
    if any(word in nearby for word in checks.negative_words):
        confidence = max(0.0, confidence - CONTEXT_LOWER)
    return confidence


def minimum_confidence(rule: Rule, options: DetectOptions) -> float:
    return rule.min_confidence if rule.min_confidence is not None else options.min_confidence


def fingerprint(rule_id: str, value: str, path: str) -> str:
    """Identity of a finding across runs and line moves: rule, normalised value, path."""
    normalised = "".join(value.split())
    digest = hashlib.sha256(f"policyctl-v1\0{rule_id}\0{normalised}\0{path}".encode())
    return digest.hexdigest()[:32]
