"""The detection pipeline: the matches in one chunk become findings, step by named step.

engine match -> value -> path allowed? -> value allowed? -> false-positive filters
             -> entropy -> context -> validator -> test/doc path -> confidence threshold
             -> finding (preview, fingerprint, suppression by inline comment or allowlist)

Encoded blobs (base64, URL-encoded) are decoded and the decoded text goes through the
same pipeline, a bounded number of layers deep; such findings say how they were decoded.

How a validator's answer moves confidence (the one rule for every validator): a value
it confirms gains VALIDATED_RAISE and is marked `validated: true`; a value it refutes
loses VALIDATION_FAILED_LOWER and is marked `validated: false`, which puts even a
fully confident match (1.0) under the default threshold: a look-alike is dropped,
and a lower --min-confidence shows it, flagged as not validated. The validator runs
only on matches that already reach the threshold, so it never rescues one.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from policyctl.core.config import DEFAULT_MIN_CONFIDENCE, DEFAULT_TIME_BUDGET
from policyctl.core.globs import path_matches
from policyctl.core.model import FOLD_SEPARATORS, Chunk, Finding, Location, Rule, new_tuple
from policyctl.detection import decode
from policyctl.detection.entropy import shannon_entropy
from policyctl.detection.key_identity import key_identity
from policyctl.detection.preview import preview
from policyctl.detection.rules import RuleChecks, Ruleset
from policyctl.detection.secret_filters import Candidate, weigh
from policyctl.detection.suppress import INLINE, Allowlist, inline_ignored, may_have_inline_markers
from policyctl.engine import Match
from policyctl.engine.interface import HitFilter

CONTEXT_RAISE = 0.15
CONTEXT_LOWER = 0.3
VALIDATED_RAISE = 0.1
VALIDATION_FAILED_LOWER = 0.6
TEST_OR_DOC_LOWER = 0.15
MADE_UP_LOWER = 0.1
"""A value the rule's provider mark keeps though its body reads as typed (`figd_1234abcd...`,
secret_filters.weigh): kept, less confident, and tagged MADE_UP_TAG. In a test or a doc
as well (TEST_OR_DOC_LOWER), a generic rule's (0.6-0.7) falls under the default
threshold, a provider rule's (0.75 and up) stays: a provider's prefix in a fixture is
still worth a look."""
MADE_UP_TAG = "made-up-looking"

TEST_OR_DOC_FOLDERS = frozenset(
    {"test", "tests", "testing", "__tests__", "spec", "specs", "fixtures", "testdata"}
    | {"docs", "doc", "examples", "example", "samples"}
)
_TEST_OR_DOC_FILE = re.compile(
    r"^test_.*\.py$|_test\.(?:py|go)$|\.(?:spec|test)\.[^.]+$|\.(?:md|rst|adoc)$", re.IGNORECASE
)


def is_test_or_doc_path(path: str) -> bool:
    """Test fixtures and docs, where findings are kept but demoted: both are full of
    sample credentials. A folder name anywhere in the path, or the file's own name."""
    parts = path.replace("\\", "/").split("/")
    return bool(TEST_OR_DOC_FOLDERS.intersection(parts[:-1])) or bool(
        _TEST_OR_DOC_FILE.search(parts[-1])
    )


@dataclass(frozen=True)
class DetectOptions:
    """Per-scan choices that change which matches become findings, and what they hold."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    show_secrets: bool = False
    per_cell: bool = False
    """Datasets: a finding for every matching cell instead of one per column and rule."""
    allowlist: Allowlist = field(default_factory=Allowlist)
    decode_depth: int = decode.MAX_DEPTH
    time_budget: float = DEFAULT_TIME_BUDGET
    """Seconds one piece of input (a file, a block of a log or table) may take; 0: no limit."""
    ner_model: str | None = None
    """A spaCy pipeline for names in logs and text documents (policyctl.detection.ner)."""


GENERIC_TAG = "generic"


class Verdict(NamedTuple):
    """A match that every step accepted, before it is made into a Finding."""

    match: Match
    value: str
    confidence: float
    validated: bool | None
    entropy: float | None
    category: str = ""
    made_up: bool = False
    """The value reads as typed by a person, though the rule's provider mark keeps it
    (secret_filters.weigh): reported less confident, with MADE_UP_TAG."""


def detect(chunk: Chunk, ruleset: Ruleset, options: DetectOptions) -> list[Finding]:
    """Every finding in `chunk`, in order of position."""
    return [finding for _, finding in detect_spans(chunk, ruleset, options)]


def detect_spans(
    chunk: Chunk, ruleset: Ruleset, options: DetectOptions, depth: int = 0
) -> list[tuple[Match, Finding]]:
    """Every finding in `chunk` with the match it came from (its byte spans), for callers
    that must act on the value in place, such as redaction. A finding inside an encoded
    blob spans the whole blob."""
    verdicts, marked = _assess_chunk(chunk, ruleset, options)
    if not verdicts and marked is not None and not marked:
        return []  # (most chunks: no finding, and no mark of an encoded blob to decode)
    markers = bool(verdicts) and may_have_inline_markers(chunk.data)
    found = [(v.match, finding_for(chunk, v, ruleset, options, markers)) for v in verdicts]
    if depth < options.decode_depth and chunk.line_locations is None:
        found.extend(decoded_findings(chunk, ruleset, options, depth, marked))
    return found


def decoded_findings(
    chunk: Chunk,
    ruleset: Ruleset,
    options: DetectOptions,
    depth: int,
    marked: list[tuple[int, int]] | None = None,
) -> list[tuple[Match, Finding]]:
    """Findings inside encoded blobs, placed at the blob and marked with how it was
    decoded. `marked`: where the rules' pass found decode.MARKS, when it did."""
    found: list[tuple[Match, Finding]] = []
    for blob in decode.encoded_blobs(chunk.data, marked):
        inner = Chunk(data=blob.decoded, origin=chunk.origin, kind=chunk.kind)
        inside = detect_spans(inner, ruleset, options, depth + 1)
        if not inside:
            continue  # (most blobs: not located, which can mean finding every line's end)
        where = chunk.locate(blob.start)
        for match, finding in inside:
            suppressed = finding.suppressed
            if may_have_inline_markers(chunk.data) and inline_ignored(
                chunk.data, blob.start, finding.rule_id
            ):
                suppressed = INLINE
            layers = ">".join(filter(None, (blob.encoding, finding.decoded)))
            outer = Match(match.rule, blob.start, blob.end, blob.start, blob.end)
            found.append(
                (outer, replace(finding, location=where, decoded=layers, suppressed=suppressed))
            )
    return found


def assess_chunk(chunk: Chunk, ruleset: Ruleset, options: DetectOptions) -> list[Verdict]:
    """The accepted matches of `chunk`. In a chunk of cells or records (one per line)
    no match may cross a line: each line is a value of its own."""
    return _assess_chunk(chunk, ruleset, options)[0]


def _assess_chunk(
    chunk: Chunk, ruleset: Ruleset, options: DetectOptions
) -> tuple[list[Verdict], list[tuple[int, int]] | None]:
    """assess_chunk, and the hits of decode.MARKS when the matcher found them."""
    accepted: list[Verdict] = []
    matches, marked = tried_matches(chunk, ruleset, options)
    if not matches:
        return accepted, marked  # (nine files of code in ten: nothing more to do)
    demoted = is_test_or_doc_path(chunk.origin.path)
    overlap, accept = chunk.overlap, accepted.append
    for match in matches:
        if match.end <= overlap:
            continue  # found in the previous window of this line
        verdict = judge(chunk, match, ruleset, options, demoted)
        if not isinstance(verdict, str):
            accept(verdict)
    return drop_contained(drop_generic_overlaps(accepted, ruleset)), marked


def tried_matches(
    chunk: Chunk, ruleset: Ruleset, options: DetectOptions
) -> tuple[list[Match], list[tuple[int, int]] | None]:
    """The matches of `chunk` that the scan judges, and the hits of decode.MARKS: a rule
    that cannot pass in this chunk (see needs_context) is not tried. In a chunk of cells
    or records (one per line) no match may cross a line."""
    within_lines = chunk.line_locations is not None
    present: list[set[int]] = []  # the context words in the chunk, found on first need
    in_cells: list[set[int]] = []  # and those in its cells alone (not its column names)

    def could_pass(rule: int) -> bool | HitFilter:
        if not needs_context(ruleset, rule, options):  # (a required word makes it need one)
            return True
        pattern = ruleset.checks[rule].context_pattern
        alone = ruleset.rules[rule].context.alone and chunk.line_locations is None
        if pattern is None or not has_words(rule):
            return on_short_lines(chunk.data) if alone else False
        words, of_rule = ruleset.context_words()
        if chunk.line_locations is None:
            return True  # (named_columns_only has nothing to say)
        if not in_cells:
            in_cells.append(words.present(chunk.folded))
        return named_columns_only(chunk, pattern, not of_rule[rule].isdisjoint(in_cells[0]))

    def has_words(rule: int) -> bool:
        words, of_rule = ruleset.context_words()
        if not present:
            present.append(words.present(chunk_words(chunk)))
        return not of_rule[rule].isdisjoint(present[0])

    matcher = ruleset.matcher_for(chunk.kind)
    return matcher.marked_matches(chunk.data, within_lines, could_pass)


def needs_context(ruleset: Ruleset, rule: int, options: DetectOptions) -> bool:
    """True when a rule reaches the confidence threshold only with a context word, or
    requires one (`context: required`).

    If none of its words is anywhere in a chunk (text or column names), none of its
    matches there can pass, and checking them one by one is wasted work: a column of
    dates is not a column of birth dates unless something says so, and 32 hex digits
    are not a Tavus key unless Tavus is named (that rule's pattern alone matches every
    MD5 digest in a file).
    """
    definition = ruleset.rules[rule]
    return definition.context.required or definition.confidence < minimum_confidence(
        definition, options
    )


ALONE_LINE_MAX = 64
"""The longest line (in bytes) on which a hit may be a value alone (Context.alone)."""


def on_short_lines(data: bytes) -> HitFilter:
    """For a rule whose value alone on its line is evidence (Context.alone), in a chunk
    with none of its words: a filter passing only the hits that end on a short line,
    where the value may be all there is; context_confidence decides."""

    def on_a_short_line(end: int) -> bool:
        start = data.rfind(b"\n", 0, end) + 1
        stop = data.find(b"\n", end)
        return (len(data) if stop < 0 else stop) - start <= ALONE_LINE_MAX

    return on_a_short_line


def alone_on_its_line(chunk: Chunk, match: Match) -> bool:
    """Whether the value is all there is on its line of text (spaces aside); a table
    cell or a JSON record's value is not a line of text (its name decides)."""
    index, start, end = chunk.line_span(match.value_start)
    if chunk.line_locations is not None and chunk.line_locations.field_at(index) is not None:
        return False
    data = chunk.data
    return not data[start : match.value_start].strip() and not data[match.value_end : end].strip()


def named_columns_only(
    chunk: Chunk, pattern: re.Pattern[bytes], cells_hold_word: bool
) -> HitFilter | bool:
    """For a chunk of cells where only column names hold a rule's context words (no
    cell does), a filter passing only the hits in those columns: elsewhere nothing is
    near them, so they cannot reach the threshold (see needs_context). True (every
    hit) when the cells hold a word too (`cells_hold_word`: one of the rule's words
    is in the chunk's text), or the chunk is not made of cells.

    A table with a `dob` column has dates in many columns; only that one's are worth
    confirming and judging one by one.
    """
    locations = chunk.line_locations
    if locations is None or cells_hold_word:
        return True
    fields = locations.fields
    named = {name for name in set(fields) if _names_word(pattern, name)}
    in_named = [name in named for name in fields]  # by line, found once
    line_index = chunk.line_index

    def in_named_column(end: int) -> bool:
        index = line_index(end - 1 if end > 0 else 0)
        return index < len(in_named) and in_named[index]

    return in_named_column


def chunk_words(chunk: Chunk) -> bytes:
    """The chunk's column names and text, lower-cased."""
    locations = chunk.line_locations
    names: set[str] = set()
    if locations is not None:
        names = {name for name in set(locations.fields) if name}
    return b"".join(field_words(name) for name in sorted(names)) + chunk.folded


def drop_generic_overlaps(verdicts: list[Verdict], ruleset: Ruleset) -> list[Verdict]:
    """One secret, one finding, named by the most specific rule: a match of a generic
    rule yields to a provider rule's match on an overlapping value, and of two secret
    rules' matches on the very same value (two provider rules, or two generic ones) the
    more confident stays (the first on a tie).
    Personal-data rules sharing a value are left to drop_contained."""
    if len(verdicts) < 2:
        return verdicts
    rules = ruleset.rules
    generic = [GENERIC_TAG in rules[v.match.rule].tags for v in verdicts]
    if not any(generic) and all(v.category != "secret" for v in verdicts):
        return verdicts  # personal data only (a table): nothing here to choose between
    specific = [v for v, g in zip(verdicts, generic, strict=True) if not g]
    best: dict[tuple[bool, int, int], float] = {}
    for v, g in zip(verdicts, generic, strict=True):
        if v.category == "secret":
            key = (g, v.match.value_start, v.match.value_end)
            best[key] = max(best.get(key, 0.0), v.confidence)
    overlaps_specific = _overlap_finder([s.match for s in specific])
    kept: list[Verdict] = []
    taken: set[tuple[bool, int, int]] = set()
    for v, g in zip(verdicts, generic, strict=True):
        if g and overlaps_specific(v.match):
            continue
        key = (g, v.match.value_start, v.match.value_end)
        if v.category != "secret":
            kept.append(v)
        elif key not in taken and v.confidence == best[key]:
            taken.add(key)
            kept.append(v)
    return kept


def _overlap_finder(matches: list[Match]) -> Callable[[Match], bool]:
    """Whether a match's value overlaps the value of any of `matches`, in log time: a
    table's chunk can hold thousands of generic and specific matches (a date column
    beside an e-mail column), and comparing every pair would be quadratic."""
    spans = sorted((m.value_start, m.value_end) for m in matches)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))

    def overlaps(match: Match) -> bool:
        before_end = bisect_left(starts, match.value_end)  # values that start before it ends
        return before_end > 0 and reach[before_end - 1] > match.value_start

    return overlaps


def drop_contained(verdicts: list[Verdict]) -> list[Verdict]:
    """A value found inside a longer value of another rule of its category yields to it,
    unless it is the more confident of the two: twelve digits inside an IBAN are part of
    the IBAN, not an Aadhaar number; an e-mail address inside a URL stays an e-mail.

    Verdicts come in order of position; only those in a run of overlapping matches can
    contain one another, so each run is judged on its own (a table's chunk has one
    value a cell, and a few runs of two rules on the same value)."""
    if len(verdicts) < 2 or not _values_overlap(verdicts):
        return verdicts
    kept: list[Verdict] = []
    run: list[Verdict] = []
    reach = -1
    for verdict in verdicts:
        if run and verdict.match.start > reach:
            kept.extend(_uncontained(run))
            run = []
        run.append(verdict)
        reach = max(reach, verdict.match.end)
    kept.extend(_uncontained(run))
    return kept


def _uncontained(verdicts: list[Verdict]) -> list[Verdict]:
    """drop_contained for one run of overlapping matches."""
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


def judge(
    chunk: Chunk, match: Match, ruleset: Ruleset, options: DetectOptions, demoted: bool = False
) -> Verdict | str:
    """The verdict on one match, or the name of the step that rejects it: `refuted`
    (its validator), `allowed-path`, `allowed-value` (the rule's allow regexes or
    stopwords), `filter:<name>` (a false-positive filter of secret_filters), `entropy`,
    `context` (a required context word is missing) or `threshold`. The names are for
    diagnosis (the benches' --why); the scan only asks whether there is a verdict.

    Context comes before the validator because it is cheaper, and most matches of a
    rule that needs context words have none. The threshold judges the pattern and its
    context; a validator then raises the confidence of what it confirms (it never
    rescues a match below the threshold) or lowers what it refutes, and the threshold
    applies again."""
    rule = ruleset.rules[match.rule]
    checks = ruleset.checks[match.rule]
    value = chunk.data[match.value_start : match.value_end].decode("utf-8", "replace")
    validated: bool | None = None
    if checks.validator is not None and refutation_is_final(rule, checks, options):
        # (asked first: a checksum is cheaper than the filters' candidate, and most
        # card-number candidates in code fail it)
        validated = checks.validator(value)
        if validated is False:
            return "refuted"
    if rule.allow.paths and path_matches(chunk.origin.path, rule.allow.paths):
        return "allowed-path"
    if (checks.allow_regexes or checks.stopwords) and value_allowed(value, checks):
        return "allowed-value"
    made_up = False
    if rule.filters:
        generic = GENERIC_TAG in rule.tags
        found = candidate(chunk, match, value)
        filtered = weigh(found, rule.filters, rule.pattern, generic, demoted)
        if filtered.rejected_by is not None:
            return "filter:" + filtered.rejected_by
        made_up = filtered.made_up is not None
    entropy = shannon_entropy(value) if rule.entropy is not None else None
    if entropy is not None and rule.entropy is not None and entropy < rule.entropy:
        return "entropy"
    confidence = context_confidence(rule, checks, chunk, match)
    if confidence is None:
        return "context"
    if demoted:
        confidence = max(0.0, confidence - TEST_OR_DOC_LOWER)
    if made_up:
        confidence = round(max(0.0, confidence - MADE_UP_LOWER), 2)  # 0.6 - 0.1 is 0.5
    threshold = minimum_confidence(rule, options)
    if confidence < threshold:
        return "threshold"
    if validated is None and checks.validator is not None:
        validated = checks.validator(value)
    confidence = validated_confidence(confidence, validated)
    if confidence < threshold:
        return "refuted" if validated is False else "threshold"
    return new_tuple(
        Verdict, (match, value, confidence, validated, entropy, rule.category, made_up)
    )


def refutation_is_final(rule: Rule, checks: RuleChecks, options: DetectOptions) -> bool:
    """Whether a value the rule's validator refutes can never reach the threshold: even
    raised by a context word, the confidence less VALIDATION_FAILED_LOWER is under it.
    Then the validator can be asked before any other step: its "no" is the verdict
    whatever they would say, and its answer is kept for the validator's own step."""
    # (comparisons rather than min(), max() and minimum_confidence(): asked per match)
    highest = rule.confidence + (CONTEXT_RAISE if checks.context_pattern is not None else 0.0)
    if highest > 1.0:
        highest = 1.0
    lowest = highest - VALIDATION_FAILED_LOWER
    threshold = rule.min_confidence if rule.min_confidence is not None else options.min_confidence
    return (lowest if lowest > 0.0 else 0.0) < threshold


CANDIDATE_CONTEXT = 256
"""Bytes of the line on each side of a value that the false-positive filters see: they
look at the key and operator before it, and a minified file's line can be megabytes."""
CANDIDATE_LINES_ABOVE = 5
"""Lines before the value's line (at most CANDIDATE_CONTEXT bytes) the filters see too."""


def candidate(chunk: Chunk, match: Match, value: str) -> Candidate:
    """The value with the rest of its line (up to CANDIDATE_CONTEXT bytes each side), for
    the false-positive filters."""
    data = chunk.data
    low = max(0, match.value_start - CANDIDATE_CONTEXT)
    line_start = data.rfind(b"\n", low, match.value_start) + 1 or low
    high = min(len(data), match.value_end + CANDIDATE_CONTEXT)
    line_end = data.find(b"\n", match.value_end, high)
    line_end = high if line_end < 0 else line_end
    # Lines above belong to the same text only outside tables (a cell a line, see Chunk).
    in_table = chunk.line_locations is not None
    above_start = _lines_above(data, line_start, CANDIDATE_LINES_ABOVE, CANDIDATE_CONTEXT, in_table)
    block_start = _lines_above(data, line_start, BLOCK_LINES_ABOVE, BLOCK_CONTEXT, in_table)
    return Candidate(
        value=value,
        before=data[line_start : match.value_start].decode("utf-8", "replace"),
        after=data[match.value_end : line_end].decode("utf-8", "replace"),
        path=chunk.origin.path,
        above=data[above_start:line_start].decode("utf-8", "replace"),
        block_above=data[block_start:line_start].decode("utf-8", "replace"),
        field=None
        if chunk.line_locations is None
        else chunk.line_locations.field_at(chunk.line_span(match.value_start)[0]),
    )


BLOCK_LINES_ABOVE = 30
BLOCK_CONTEXT = 2048
"""Lines (and bytes) above a value in which a filter looks for the documentation block
that holds it (a reST `.. code-block::`, a Markdown fence): see Candidate.block_above."""


def _lines_above(data: bytes, line_start: int, lines: int, size: int, in_table: bool) -> int:
    """Where the `lines` lines before `line_start` begin, at most `size` bytes back."""
    floor = line_start if in_table else max(0, line_start - size)
    if line_start <= floor:
        return line_start
    # the line breaks before the one that ends the line above, found in one call, not
    # one rfind a line (30 of them for every candidate)
    parts = data[floor : line_start - 1].rsplit(b"\n", lines)
    if len(parts) <= lines:
        return floor  # fewer lines than that since `floor`
    return floor + len(parts[0]) + 1


def validated_confidence(confidence: float, validated: bool | None) -> float:
    """Confirmed by its validator: more confident; refuted: much less (see the module doc)."""
    if validated is True:
        return min(1.0, confidence + VALIDATED_RAISE)
    if validated is False:
        return max(0.0, confidence - VALIDATION_FAILED_LOWER)
    return confidence


def finding_for(
    chunk: Chunk, verdict: Verdict, ruleset: Ruleset, options: DetectOptions, markers: bool = False
) -> Finding:
    """The finding an accepted match makes: located, previewed, fingerprinted, and
    suppressed when an inline comment (`markers`: the chunk may hold one) or the
    config's allowlist says so."""
    rule = ruleset.rules[verdict.match.rule]
    value = verdict.value
    match = verdict.match
    # A value over several lines (a PEM key's body) is reported where the whole match
    # starts, its `-----BEGIN` line, not at the line break that opens the body.
    multiline = "\n" in value and match.start < match.value_start
    location = chunk.locate(match.start if multiline else match.value_start)
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
        value_key=secret_key(rule, value) if rule.category == "secret" else None,
        entropy=round(verdict.entropy, 2) if verdict.entropy is not None else None,
        validated=verdict.validated,
        tags=(*rule.tags, MADE_UP_TAG) if verdict.made_up else rule.tags,
        secret=value if options.show_secrets else None,
        source_kind=chunk.kind,
        suppressed=suppression(chunk, verdict, rule, location, options, markers),
    )


def suppression(
    chunk: Chunk,
    verdict: Verdict,
    rule: Rule,
    location: Location,
    options: DetectOptions,
    markers: bool,
) -> str | None:
    """ "inline", "allowlist" or None (see policyctl.detection.suppress)."""
    if markers and inline_ignored(chunk.data, verdict.match.value_start, rule.id):
        return INLINE
    if not options.allowlist:
        return None
    return options.allowlist.reason(location.path, verdict.value, location.commit)


def value_allowed(value: str, checks: RuleChecks) -> bool:
    """True when the rule's own allowlist lets this value pass (regex or stopword)."""
    for regex in checks.allow_regexes:  # (loops rather than any(): asked per match)
        if regex.search(value):
            return True
    if checks.stopwords:
        lowered = value.lower()
        for word in checks.stopwords:
            if word in lowered:
                return True
    return False


class Surroundings(NamedTuple):
    """What counts as near a match: the chunk's text in context form, the bounds of the
    match's window in it, and the column name or key path of its cell (None outside
    datasets)."""

    text: bytes
    start: int
    end: int
    field: str | None


def surroundings(chunk: Chunk, match: Match, window: int) -> Surroundings:
    """What is near a match, found once for all of a rule's context words.

    In ordinary text, "near" is the rule's window around the match. In a chunk of
    dataset cells or log records (one per line) the window stops at the cell's own line,
    since the next line belongs to another row, and the cell's column name or key path
    counts too: a column called `ssn` or `$.patient.dob` is evidence, as in cloud DLP.
    """
    low, high = match.start - window, match.end + window
    if chunk.line_locations is None:
        return new_tuple(Surroundings, (chunk.folded, low if low > 0 else 0, high, None))
    # The value's line, not the match's: a pattern's leading boundary (`(?:^|[^\w])`)
    # takes the line break before a cell, and the cell before it is another column's.
    index, start, end = chunk.line_span(match.value_start)
    field = chunk.line_locations.field_at(index)
    bounds = (low if low > start else start, high if high < end else end)
    return new_tuple(Surroundings, (chunk.folded, *bounds, field))


def _has_word_near(pattern: re.Pattern[bytes], around: Surroundings) -> bool:
    """Whether the column name, or the text in the window, holds one of the words. The
    patterns are alternations of plain words (rules.RuleChecks), so searching between
    the window's bounds finds what searching a copy of the window would."""
    return (
        _names_word(pattern, around.field)
        or pattern.search(around.text, around.start, around.end) is not None
    )


def context_form(text: bytes) -> bytes:
    """Text as context words are compared with it: lower case, `_` and `-` as spaces,
    so `steuer_id`, `Steuer-ID` and `steuer id` are one word (see rules.RuleChecks).
    Offsets do not change (Chunk.folded is a chunk's text in this form)."""
    return text.lower().translate(FOLD_SEPARATORS)


@lru_cache(maxsize=4096)
def field_words(name: str) -> bytes:
    """A column name or key path as lower-case words (`customer_ssn` -> `customer ssn`)."""
    return context_form(name.replace(".", " ").encode("utf-8")) + b"\n"


@lru_cache(maxsize=16384)
def _names_word(pattern: re.Pattern[bytes], name: str | None) -> bool:
    """Whether a column name or key path holds one of the words (asked once per column)."""
    return name is not None and pattern.search(field_words(name)) is not None


def context_confidence(rule: Rule, checks: RuleChecks, chunk: Chunk, match: Match) -> float | None:
    """The rule's confidence moved by words near the match (see near_match); None when
    the rule requires context words and none is there."""
    confidence = rule.confidence
    positive, negative = checks.context_pattern, checks.negative_pattern
    if positive is None and negative is None:
        return None if rule.context.required else confidence
    context = rule.context
    around = surroundings(chunk, match, context.window)
    near = positive is not None and _has_word_near(positive, around)
    # (comparisons rather than min() and max(): this runs for every match)
    if near or (context.alone and alone_on_its_line(chunk, match)):
        confidence += CONTEXT_RAISE
        if confidence > 1.0:
            confidence = 1.0
    elif context.required:
        return None
    if negative is not None and _has_word_near(negative, around):
        confidence -= CONTEXT_LOWER
        if confidence < 0.0:
            confidence = 0.0
    return confidence


def minimum_confidence(rule: Rule, options: DetectOptions) -> float:
    return rule.min_confidence if rule.min_confidence is not None else options.min_confidence


def _values_overlap(verdicts: list[Verdict]) -> bool:
    """Whether any two values overlap; when none do (most chunks: a table has one value
    a cell), nothing is contained and the verdicts keep their order of position."""
    reach = -1
    for verdict in verdicts:
        match = verdict.match
        if match.value_start < reach or match.value_start == match.value_end:
            return True  # an empty value counts as overlapping: the full check decides
        reach = max(reach, match.value_end)
    return False


IDENTITY_CONTEXT = 256
"""Bytes of the line on each side of a personal-data value that identify its place: the
work per finding must not grow with the line (a minified or single-line log holds
thousands of matches on one line). Lines shorter than this keep their whole text."""


def place_identity(chunk: Chunk, match: Match, location: Location) -> str:
    """What identifies a personal-data finding without its value: the line around it
    (up to IDENTITY_CONTEXT bytes each side) with the value cut out, and the cell's column
    and row for tables.

    A secret is fingerprinted by its value: it is random, so its hash reveals nothing.
    An SSN or a phone number is not: a hash of it is reversed by trying every number.
    So personal data is identified by where it stands, which is as stable across runs
    and line moves, and no report or baseline carries anything derived from the value.
    """
    data = chunk.data
    low = max(0, match.value_start - IDENTITY_CONTEXT)
    high = min(len(data), match.value_end + IDENTITY_CONTEXT)
    line_start = data.rfind(b"\n", low, match.value_start) + 1 or low
    line_end = data.find(b"\n", match.value_end, high)
    before = data[line_start : match.value_start]
    after = data[match.value_end : line_end if line_end != -1 else high]
    context = (before + b"\0" + after).decode("utf-8", "replace")
    return f"{context}\0{location.field or ''}\0{location.row or ''}"


def secret_key(rule: Rule, value: str) -> str:
    """What makes two findings one secret: a private key's identity, whichever rule and
    wrapping found it (detection.key_identity), else the rule and the value."""
    if PRIVATE_KEY_TAG in rule.tags:
        identity = key_identity(value)
        if identity is not None:
            digest = hashlib.sha256(f"policyctl-key-v1\0{identity}".encode())
            return digest.hexdigest()[:32]
    return value_key(rule.id, value)


PRIVATE_KEY_TAG = "private-key"


def value_key(rule_id: str, value: str) -> str:
    """Identity of a secret wherever it is found: rule and normalised value, no path.
    Findings with the same key are one secret to rotate (detection.repeats.fold_places)."""
    normalised = "".join(value.split())
    identity = f"policyctl-value-v1\0{rule_id}\0{normalised}"
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def fingerprint(rule_id: str, value: str, path: str) -> str:
    """Identity of a finding across runs and line moves: rule, normalised identity (the
    value for secrets, see place_identity for personal data), path."""
    normalised = "".join(value.split())
    identity = f"policyctl-v1\0{rule_id}\0{normalised}\0{path}"
    # A file name that is not UTF-8 holds lone surrogates: hashed as its own bytes.
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]
