"""The detection pipeline: the matches in one chunk become findings, step by named step.

engine match -> value -> path allowed? -> value allowed? -> entropy -> context
             -> confidence threshold -> validator -> finding (preview, fingerprint)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, cast

from policyctl.engine import Match
from policyctl.entropy import shannon_entropy
from policyctl.globs import path_matches
from policyctl.model import Chunk, Finding, Location, Rule
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
    per_cell: bool = False
    """Datasets: a finding for every matching cell instead of one per column and rule."""


GENERIC_TAG = "generic"


class Verdict(NamedTuple):
    """A match that every step accepted, before it is made into a Finding."""

    match: Match
    value: str
    confidence: float
    validated: bool | None
    entropy: float | None
    category: str = ""


def detect(chunk: Chunk, ruleset: Ruleset, options: DetectOptions) -> list[Finding]:
    """Every finding in `chunk`, in order of position."""
    return [finding for _, finding in detect_spans(chunk, ruleset, options)]


def detect_spans(
    chunk: Chunk, ruleset: Ruleset, options: DetectOptions
) -> list[tuple[Match, Finding]]:
    """Every finding in `chunk` with the match it came from (its byte spans), for callers
    that must act on the value in place, such as redaction."""
    return [
        (v.match, finding_for(chunk, v, ruleset, options))
        for v in assess_chunk(chunk, ruleset, options)
    ]


def assess_chunk(chunk: Chunk, ruleset: Ruleset, options: DetectOptions) -> list[Verdict]:
    """The accepted matches of `chunk`. In a chunk of cells or records (one per line)
    no match may cross a line: each line is a value of its own."""
    within_lines = chunk.line_locations is not None
    accepted: list[Verdict] = []
    words: list[bytes] = []

    def could_pass(rule: int) -> bool:
        if not needs_context(ruleset, rule, options):
            return True
        if not words:
            words.append(chunk_words(chunk))
        return _has_word(ruleset.checks[rule].context_pattern, words[0])

    for match in ruleset.matcher_for(chunk.kind).matches(chunk.data, within_lines, could_pass):
        verdict = assess(chunk, match, ruleset, options)
        if verdict is not None:
            accepted.append(verdict)
    return drop_contained(drop_generic_overlaps(accepted, ruleset))


def needs_context(ruleset: Ruleset, rule: int, options: DetectOptions) -> bool:
    """True when a rule reaches the confidence threshold only with a context word.

    If none of its words is anywhere in a chunk (text or column names), none of its
    matches there can pass, and checking them one by one is wasted work: a column of
    dates is not a column of birth dates unless something says so.
    """
    definition = ruleset.rules[rule]
    return definition.confidence < minimum_confidence(definition, options)


def _has_word(pattern: re.Pattern[bytes] | None, text: bytes) -> bool:
    return pattern is not None and pattern.search(text) is not None


def chunk_words(chunk: Chunk) -> bytes:
    """The chunk's column names and text, lower-cased."""
    locations = chunk.line_locations
    names: set[str] = set()
    if locations is not None:
        fields = getattr(locations, "fields", None)  # cell chunks list them directly
        found = fields if fields is not None else [where.field for where in locations]
        names = {name for name in set(found) if name}
    return b"".join(field_words(name) for name in sorted(names)) + context_form(chunk.data)


def drop_generic_overlaps(verdicts: list[Verdict], ruleset: Ruleset) -> list[Verdict]:
    """A match of a generic rule yields to a provider rule's match on the same value:
    one secret, one finding, named by the most specific rule."""
    generic = [GENERIC_TAG in ruleset.rules[v.match.rule].tags for v in verdicts]
    if not any(generic):
        return verdicts
    specific = [v.match for v, g in zip(verdicts, generic, strict=True) if not g]
    return [
        v
        for v, g in zip(verdicts, generic, strict=True)
        if not g
        or not any(
            s.value_start < v.match.value_end and v.match.value_start < s.value_end
            for s in specific
        )
    ]


def drop_contained(verdicts: list[Verdict]) -> list[Verdict]:
    """A value found inside a longer value of another rule of its category yields to it,
    unless it is the more confident of the two: twelve digits inside an IBAN are part of
    the IBAN, not an Aadhaar number; an e-mail address inside a URL stays an e-mail."""
    if len(verdicts) < 2:
        return verdicts
    ordered = sorted(verdicts, key=lambda v: (v.match.value_start, -v.match.value_end))
    kept: list[Verdict] = []
    outer: Verdict | None = None
    for verdict in ordered:
        match = verdict.match
        if (
            outer is not None
            and verdict.category == outer.category
            and match.value_end <= outer.match.value_end
            and (match.value_start, match.value_end)
            != (outer.match.value_start, outer.match.value_end)
            and verdict.confidence <= outer.confidence
        ):
            continue
        kept.append(verdict)
        if outer is None or match.value_end > outer.match.value_end:
            outer = verdict
    kept.sort(key=lambda v: (v.match.start, v.match.end, v.match.rule))
    return kept


def assess(chunk: Chunk, match: Match, ruleset: Ruleset, options: DetectOptions) -> Verdict | None:
    """The verdict on one match, or None when a step rejects it. Context comes before
    the validator because it is cheaper, and most matches of a rule that needs
    context words have none."""
    rule = ruleset.rules[match.rule]
    checks = ruleset.checks[match.rule]
    value = chunk.data[match.value_start : match.value_end].decode("utf-8", "replace")
    if rule.allow.paths and path_matches(chunk.origin.path, rule.allow.paths):
        return None
    if (checks.allow_regexes or checks.stopwords) and value_allowed(value, checks):
        return None
    entropy = shannon_entropy(value) if rule.entropy is not None else None
    if entropy is not None and rule.entropy is not None and entropy < rule.entropy:
        return None
    confidence = context_confidence(rule, checks, chunk, match)
    if confidence is None or confidence < minimum_confidence(rule, options):
        return None
    validated = checks.validator(value) if checks.validator else None
    if validated is False:
        return None
    return Verdict(match, value, confidence, validated, entropy, rule.category)


def finding_for(
    chunk: Chunk, verdict: Verdict, ruleset: Ruleset, options: DetectOptions
) -> Finding:
    """The finding an accepted match makes: located, previewed, fingerprinted."""
    rule = ruleset.rules[verdict.match.rule]
    value = verdict.value
    location = chunk.locate(verdict.match.value_start)
    identity = (
        value if rule.category == "secret" else place_identity(chunk, verdict.match, location)
    )
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        category=rule.category,
        severity=rule.severity,
        confidence=round(verdict.confidence, 2),
        data_class=rule.data_class,
        location=location,
        preview=preview(value),
        fingerprint=fingerprint(rule.id, identity, chunk.origin.path),
        entropy=round(verdict.entropy, 2) if verdict.entropy is not None else None,
        validated=verdict.validated,
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


def near_match(pattern: re.Pattern[bytes] | None, chunk: Chunk, match: Match, rule: Rule) -> bool:
    """True when one of the words `pattern` stands for is near the match.

    In ordinary text, "near" is the rule's window around the match. In a chunk of
    dataset cells or log records (one per line) the window stops at the cell's own line,
    since the next line belongs to another row, and the cell's column name or key path
    counts too: a column called `ssn` or `$.patient.dob` is evidence, as in cloud DLP.
    """
    if pattern is None:
        return False
    window = rule.context.window
    if chunk.line_locations is None:
        nearby = chunk.data[max(0, match.start - window) : match.end + window]
        return pattern.search(context_form(nearby)) is not None
    index, start, end = chunk.line_span(match.start)
    if _names_word(pattern, line_field(chunk.line_locations, index)):
        return True
    nearby = chunk.data[max(start, match.start - window) : min(end, match.end + window)]
    return pattern.search(context_form(nearby)) is not None


_SEPARATORS = bytes.maketrans(b"_-", b"  ")


def context_form(text: bytes) -> bytes:
    """Text as context words are compared with it: lower case, `_` and `-` as spaces,
    so `steuer_id`, `Steuer-ID` and `steuer id` are one word (see rules.RuleChecks)."""
    return text.lower().translate(_SEPARATORS)


@lru_cache(maxsize=4096)
def field_words(name: str) -> bytes:
    """A column name or key path as lower-case words (`customer_ssn` -> `customer ssn`)."""
    return context_form(name.replace(".", " ").encode("utf-8")) + b"\n"


@lru_cache(maxsize=16384)
def _names_word(pattern: re.Pattern[bytes], name: str | None) -> bool:
    """Whether a column name or key path holds one of the words (asked once per column)."""
    return name is not None and pattern.search(field_words(name)) is not None


def line_field(locations: Sequence[Location], index: int) -> str | None:
    """The column name or key path of line `index` (cell sequences answer it directly)."""
    field_at = getattr(locations, "field_at", None)
    if field_at is not None:
        return cast(str | None, field_at(index))
    return locations[index].field if index < len(locations) else None


def context_confidence(rule: Rule, checks: RuleChecks, chunk: Chunk, match: Match) -> float | None:
    """The rule's confidence moved by words near the match (see near_match); None when
    the rule requires context words and none is there."""
    confidence = rule.confidence
    if near_match(checks.context_pattern, chunk, match, rule):
        confidence = min(1.0, confidence + CONTEXT_RAISE)
    elif rule.context.required:
        return None
    if near_match(checks.negative_pattern, chunk, match, rule):
        confidence = max(0.0, confidence - CONTEXT_LOWER)
    return confidence


def minimum_confidence(rule: Rule, options: DetectOptions) -> float:
    return rule.min_confidence if rule.min_confidence is not None else options.min_confidence


def place_identity(chunk: Chunk, match: Match, location: Location) -> str:
    """What identifies a personal-data finding without its value: the line around it with
    the value cut out, and the cell's column and row for tables.

    A secret is fingerprinted by its value: it is random, so its hash reveals nothing.
    An SSN or a phone number is not: a hash of it is reversed by trying every number.
    So personal data is identified by where it stands, which is as stable across runs
    and line moves, and no report or baseline carries anything derived from the value.
    """
    data = chunk.data
    line_start = data.rfind(b"\n", 0, match.value_start) + 1
    line_end = data.find(b"\n", match.value_end)
    before = data[line_start : match.value_start]
    after = data[match.value_end : line_end if line_end != -1 else len(data)]
    context = (before + b"\0" + after).decode("utf-8", "replace")
    return f"{context}\0{location.field or ''}\0{location.row or ''}"


def fingerprint(rule_id: str, value: str, path: str) -> str:
    """Identity of a finding across runs and line moves: rule, normalised identity (the
    value for secrets, see place_identity for personal data), path."""
    normalised = "".join(value.split())
    digest = hashlib.sha256(f"policyctl-v1\0{rule_id}\0{normalised}\0{path}".encode())
    return digest.hexdigest()[:32]
