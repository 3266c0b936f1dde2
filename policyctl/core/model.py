"""Plain data passed between the stages of a scan: rules, chunks, locations, findings."""

from __future__ import annotations

from abc import abstractmethod
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase
from functools import cached_property
from itertools import accumulate

from policyctl.core.globs import path_matches
from policyctl.core.spans import Spans

new_tuple = tuple.__new__
"""Makes a named tuple from a tuple of its fields, without the named tuple's
Python-level __new__ (half the cost): for the records a scan makes per row or per
matching cell (a table's Record, a Match, a Verdict)."""

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
CATEGORIES: tuple[str, ...] = ("secret", "pii")
SOURCE_KINDS: tuple[str, ...] = ("repo", "history", "logs", "datasets")
"""Where a chunk came from; policy pack controls can be scoped to some of these."""
MODES: tuple[str, ...] = ("log", "warn", "block")


def severity_rank(severity: str) -> int:
    """Order severities: info < low < medium < high < critical."""
    return SEVERITIES.index(severity)


def mode_rank(mode: str) -> int:
    """Order enforcement modes: log < warn < block."""
    return MODES.index(mode)


@dataclass(frozen=True)
class Context:
    """Words near a match that raise or lower confidence in it."""

    words: tuple[str, ...] = ()
    negative_words: tuple[str, ...] = ()
    window: int = 80
    required: bool = False
    alone: bool = False
    """The value alone on a line of text (nothing else on it but spaces) counts as a
    context word: a log line that is only an identifier is a record of it."""


@dataclass(frozen=True)
class Allow:
    """What a rule lets pass: value regexes, stopwords in the value, path globs."""

    regexes: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One detector, loaded from rules/*.yaml (see policyctl/schemas/rule.schema.json)."""

    id: str
    category: str
    title: str
    severity: str
    confidence: float
    data_class: str
    pattern: str
    keywords: tuple[str, ...] = ()
    validator: str | None = None
    entropy: float | None = None
    min_confidence: float | None = None
    context: Context = field(default_factory=Context)
    allow: Allow = field(default_factory=Allow)
    tags: tuple[str, ...] = ()
    description: str = ""
    examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    source: str = ""
    filters: tuple[str, ...] = ()
    """False-positive filters (policyctl.detection.secret_filters) a match must pass."""
    sources: tuple[str, ...] = ()
    """The kinds of input (SOURCE_KINDS) the rule applies to; empty: every kind."""
    prefilter: str | None = None
    """Consecutive parts of `pattern` that Hyperscan looks for in its place, `re`
    confirming the pattern around each hit (policyctl.engine.prefilter)."""

    def applies_to(self, kind: str) -> bool:
        return not self.sources or kind in self.sources


@dataclass(frozen=True)
class Location:
    """Where a finding is: a file position, plus history or dataset coordinates if any."""

    path: str
    line: int | None = None
    column: int | None = None
    commit: str | None = None
    author: str | None = None
    email: str | None = None
    date: str | None = None
    row: int | None = None
    field: str | None = None
    target: str | None = None
    """With --targets: the target (repository path or URL, never with credentials)."""


FOLD_SEPARATORS = bytes.maketrans(b"_-", b"  ")
"""`_` and `-` as spaces, so `steuer_id`, `Steuer-ID` and `steuer id` read alike."""


class LineLocations(Sequence[Location]):
    """Where each line of a chunk of one value a line (table cells, JSON leaves) is.

    Detection asks `field_at(k)` (the column name or key path of line k) for every
    match it judges, and `fields` once per chunk, so neither builds a Location; the
    sequence itself builds one only for a line that holds a finding.
    """

    fields: Sequence[str | None]
    """The column name or key path of each line, in line order."""

    @abstractmethod
    def field_at(self, index: int) -> str | None:
        """The column name or key path of line `index` (None past the last line)."""


@dataclass(frozen=True)
class Chunk:
    """A piece of text to scan and the map from its offsets back to locations.

    `kind` is one of SOURCE_KINDS: working-tree files are "repo", git history
    "history", log files "logs", tables and JSON documents "datasets".

    `data` is UTF-8 (or latin-1) bytes. Line k of the data (counting from 0) is at
    `line_locations[k]` when that is given (datasets, JSON logs: one line per cell or
    record), otherwise at line `first_line + k` of `origin`. `line_locations` may be
    any sequence, so a batch of many thousand cells can compute each location only
    when a finding asks for it (see policyctl.sources.cells).
    """

    data: bytes
    origin: Location
    kind: str = "repo"
    first_line: int = 1
    line_locations: LineLocations | None = None
    first_column: int = 1
    """The column of the chunk's first byte: a window into a long line starts mid-line."""
    overlap: int = 0
    """The first `overlap` bytes repeat the end of the previous window of the same line
    (so a value across the edge is whole in one window): matches that end inside them
    were found in that window already, and are not reported again."""

    @cached_property
    def _line_ends(self) -> list[int]:
        """Offsets of every newline, found once: many findings in one chunk each
        need their line, and counting from the start each time is quadratic."""
        lines = self.data.split(b"\n")
        # running sums of (line length + 1) are the offsets just past each newline
        ends = list(accumulate(map((1).__add__, map(len, lines))))
        ends.pop()  # the last line has no newline after it
        return [end - 1 for end in ends]

    @cached_property
    def folded(self) -> bytes:
        """`data` in lower case with `_` and `-` as spaces, offset for offset: the form
        context words are looked for in (see detect.context_form), made once per chunk."""
        return self.data.lower().translate(FOLD_SEPARATORS)

    def line_index(self, offset: int) -> int:
        """The index of the line holding `offset`."""
        return bisect_right(self._line_ends, offset - 1) if offset else 0

    def line_span(self, offset: int) -> tuple[int, int, int]:
        """(line index, start offset, end offset) of the line holding `offset`."""
        ends = self._line_ends
        index = bisect_right(ends, offset - 1) if offset else 0
        start = ends[index - 1] + 1 if index else 0
        end = ends[index] if index < len(ends) else len(self.data)
        return index, start, end

    @cached_property
    def _columns(self) -> dict[int, tuple[int, int]]:
        """Per line start, the last offset located in that line and its column."""
        return {}

    def locate(self, offset: int) -> Location:
        """The location of the byte at `offset`: line and 1-based character column."""
        line_index, line_start, _end = self.line_span(offset)
        if self.line_locations is not None and line_index < len(self.line_locations):
            return self.line_locations[line_index]
        # Columns count characters, so the bytes before the offset are decoded; on a long
        # line with many matches, from the last located offset on, not from the line's
        # start each time (which would be quadratic).
        since, column = line_start, 1 if line_index else self.first_column
        known = self._columns.get(line_start)
        if known is not None and known[0] <= offset:
            since, column = known
        column += len(self.data[since:offset].decode("utf-8", "replace"))
        self._columns[line_start] = (offset, column)
        return replace(self.origin, line=self.first_line + line_index, column=column)


@dataclass(frozen=True)
class Place:
    """Another place where a folded finding's value was found (see detection.repeats)."""

    location: Location
    fingerprint: str
    """The fingerprint the finding at this place has when scanned with --per-place."""


@dataclass(frozen=True)
class Finding:
    """One detected secret or personal-data value. Never holds the raw value unless
    the user asked for it (`secret` is None otherwise)."""

    rule_id: str
    title: str
    category: str
    severity: str
    confidence: float
    data_class: str
    location: Location
    preview: str
    fingerprint: str
    entropy: float | None = None
    validated: bool | None = None
    tags: tuple[str, ...] = ()
    mode: str = "warn"
    controls: tuple[str, ...] = ()
    suppressed: str | None = None
    secret: str | None = None
    occurrences: int = 1
    """How many times the value was found: places it was folded from (detection.repeats),
    times git history added it, rows of a dataset column holding it; else 1."""
    source_kind: str = "repo"
    """The kind of input it was found in (Chunk.kind): repo, history, logs or datasets."""
    risk: float = 0.0
    """0-100, set by policyctl.policy.scoring once the finding is judged against the packs."""
    decoded: str | None = None
    """How the value was found inside an encoded blob ("base64", "url", "base64>url")."""
    value_key: str | None = None
    """For a secret: a hash of the rule and the value, without the place, so the same
    secret found in many places folds into one finding; None for personal data (whose
    value a hash would not hide). Never in a report."""
    also_at: tuple[Place, ...] = ()
    """The other places of the same secret folded into this finding (not suppressed or
    judged differently); empty with --per-place."""
    cells: Spans = ()
    """For a column finding (policyctl.detection.profiles): the places of the cells it
    stands for, file lines (rows where the format has none); a baseline records them."""


@dataclass(frozen=True)
class Selector:
    """One clause of a control's `selects`: a rule is chosen when it meets every field
    given (any listed value per field). `rules` holds rule ids or globs (`secret.aws-*`)."""

    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    data_classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Control:
    """One control of a framework that findings can violate (see pack.schema.json).

    It applies to a finding whose rule one of `selects` chooses and none of `excludes`
    does, at `min_severity` or above, found under `paths` (globs; all when empty) in
    `sources` (all when empty). `unserved` says why no rule can check it (e.g.
    photographs), for coverage reports.
    """

    id: str
    title: str
    description: str
    selects: tuple[Selector, ...]
    mode: str
    min_severity: str = "info"
    paths: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unserved: str | None = None
    excludes: tuple[Selector, ...] = ()


@dataclass(frozen=True)
class Framework:
    """The published framework a pack maps: its name, version and a reference URL."""

    name: str
    version: str
    url: str


@dataclass(frozen=True)
class BreachDuty:
    """Who a framework says must be told of a personal-data breach, and how fast."""

    notify: str
    within: str
    source: str
    hours: int | None = None
    condition: str = ""


@dataclass(frozen=True)
class SubjectRight:
    """A right a framework grants the people the data is about."""

    right: str
    source: str


@dataclass(frozen=True)
class PolicyPack:
    """A resolved policy pack (after `extends`): pure data, loaded by policyctl.policy.packs.

    `sensitivity` weights the data-class sensitivity of the risk score under this pack
    (health data weighs more under HIPAA); `rules` are rule files the pack brings.
    """

    id: str
    name: str
    version: str
    framework: Framework
    controls: tuple[Control, ...]
    description: str = ""
    sensitivity: tuple[tuple[str, float], ...] = ()
    rules: tuple[str, ...] = ()
    source: str = ""
    extends: str | None = None
    breach_notification: tuple[BreachDuty, ...] = ()
    data_subject_rights: tuple[SubjectRight, ...] = ()


@dataclass(frozen=True)
class Notice:
    """Something the user should know about an input: skipped, unreadable, malformed."""

    path: str
    message: str
    level: str = "warning"


@dataclass
class ScanStats:
    """Counters of one scan, merged from every worker."""

    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def add(self, other: ScanStats) -> None:
        self.files += other.files
        self.bytes += other.bytes


@dataclass(frozen=True)
class ColumnMatch:
    """One kind of personal data found in a column: how many rows hold it."""

    rule_id: str
    data_class: str
    rows: int
    validated: int = 0
    generic: bool = False
    """A generic kind (tag `generic`: `pii.url`): it makes a column `pii` only by its
    `personal` rows, the values that identify a person (a URL with a user's path)."""
    personal: int = 0


@dataclass(frozen=True)
class ColumnProfile:
    """What a table column (or a JSON key path) holds: rows with a value, and the
    kinds of personal data found in them, most frequent first."""

    path: str
    field: str
    rows: int
    matches: tuple[ColumnMatch, ...] = ()


@dataclass(frozen=True)
class Waiver:
    """One exception: what it covers, why, who answers for it, until when."""

    reason: str
    owner: str
    expires: date
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None

    def covers(self, finding: Finding) -> bool:
        if self.fingerprint is not None:
            return finding.fingerprint == self.fingerprint
        assert self.rule is not None and self.path is not None
        return fnmatchcase(finding.rule_id, self.rule) and path_matches(
            finding.location.path, [self.path]
        )

    def expired_on(self, today: date) -> bool:
        return today > self.expires
