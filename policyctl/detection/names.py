"""Names, postal addresses and organisations in dataset columns, judged per column from
the column's name and a sample of its values together.

A name has no format a pattern can check, so one cell proves nothing: `Jordan` is a
person, a country and a brand. A column does: a column called `last_name`, or one whose
values are mostly a known given name followed by a known surname, holds people's names.
So these kinds are decided once per column, from its header words and the first
SAMPLE_SIZE non-empty values, and then every cell of the column that has the kind's shape
is a match (a name column's rare names are names too).

- pii.person-name: a header such as `first_name`, `surname`, `patient name` and mostly
  name-shaped values; or, with no header word, mostly a known given name then a known
  surname (census lists).
- pii.street-address: a header such as `street`, `address`, `address_line_1` and mostly
  values with a number; or mostly a number, a street and a USPS suffix (`12 Oak Ave`).
- pii.city: a header such as `city`, `town`, `county`, `birthplace` and mostly
  name-shaped values; never by values alone (a list of places is not personal).
- pii.organisation-name: a header such as `employer`, `company` and mostly name-shaped
  values; or mostly names ending in a legal form (`Acme Inc`).

A plain `name` column (or `author`, `owner`, `contact` ...) is weaker evidence: it is a
name column when at least WEAK_HEADER_SHARE of its values are known names (product and
place names are not). Postcodes need nothing here: their rules (pii.us-zip-code,
pii.uk-postcode ...) already take a `zip` or `postcode` column name as context.

The value tests and their lists (US Census names, USPS street suffixes) are in
policyctl.validators.names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, compress
from typing import NamedTuple, cast

from policyctl.core.globs import path_matches
from policyctl.core.model import Chunk
from policyctl.detection.detect import (
    DetectOptions,
    Verdict,
    minimum_confidence,
    validated_confidence,
    value_allowed,
)
from policyctl.detection.rules import Ruleset
from policyctl.engine import Match
from policyctl.sources.cells import CellLocations, column_key
from policyctl.validators.names import (
    address_shaped,
    known_name,
    known_name_or_word,
    name_shaped,
    organisation,
    us_street_address,
)

PERSON_NAME = "pii.person-name"
STREET_ADDRESS = "pii.street-address"
CITY = "pii.city"
ORGANISATION = "pii.organisation-name"
COLUMN_RULES = (PERSON_NAME, STREET_ADDRESS, CITY, ORGANISATION)

SAMPLE_SIZE = 200
"""Non-empty values of a column read before it is judged."""
MIN_VALUES = 5
"""Fewer non-empty values than this and a column is not judged by its values at all."""
HEADER_SHARE = 0.5
"""A column whose header names a kind: this share of its sampled values must fit the shape."""
VALUE_SHARE = 0.5
"""A column with no header word: this share of its values must pass the kind's value test."""
WEAK_HEADER_SHARE = 0.5
"""A `name` column (weak header): this share of its values must be known names, or
single words that are known given names or surnames (`Kennedy`, `Nixon`)."""
MIN_DISTINCT = 5
"""A column with fewer distinct values in its sample is a category (`yes`/`no`, `A`-`D`),
not names or addresses, whatever its header says."""


# --- the words of a column name --------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def header_words(column: str) -> tuple[str, ...]:
    """A column name or key path as lower-case words: `$.patient.lastName`, `last_name`
    and `Last Names` all give ('last', 'name'); `name2` gives ('name', '2'). Only a key
    path's last key counts."""
    last = column.rsplit(".", 1)[-1].replace("[*]", "")
    words = (w for w in _SEPARATORS.split(_CAMEL.sub(" ", last).lower()) if w)
    return tuple("name" if w == "names" else w for w in words)


_PERSON_QUALIFIERS = frozenset(
    {"first", "last", "given", "family", "middle", "maiden", "full", "legal", "birth"}
    | {"patient", "customer", "employee", "person", "student", "client", "member"}
    | {"guardian", "parent", "mother", "father", "spouse", "beneficiary", "insured"}
    | {"cardholder", "holder", "account", "subscriber", "applicant", "emergency"}
)
_PERSON_WORDS = frozenset(
    {"surname", "forename", "firstname", "lastname", "fullname", "givenname", "familyname"}
    | {"fname", "lname", "middlename", "maidenname", "vorname", "nachname", "prenom"}
    | {"apellido", "apellidos", "cognome"}
)
_WEAK_PERSON_WORDS = frozenset(
    {"name", "author", "owner", "contact", "player", "driver", "passenger", "recipient"}
    | {"sender", "physician", "doctor", "manager", "spouse", "attendee", "signatory"}
    | {"nom", "nombre", "nome"}
)
_STREET_WORDS = frozenset(
    {"street", "address", "addr", "address1", "address2", "addressline1", "addressline2"}
    | {"streetaddress", "strasse", "straße", "calle", "rue", "residence", "domicile"}
)
_NOT_POSTAL = frozenset(
    {"email", "mail", "ip", "ipv4", "ipv6", "mac", "web", "url", "wallet", "bitcoin", "eth"}
    | {"memory", "server", "host", "remote", "local", "ethereum", "contract", "node"}
)
_CITY_WORDS = frozenset(
    {"city", "town", "municipality", "locality", "county", "village", "birthplace"}
    | {"hometown", "suburb", "borough", "ort", "stadt", "ciudad", "ville", "citta"}
)
_ORGANISATION_WORDS = frozenset(
    {"employer", "company", "organization", "organisation", "org", "firm", "business"}
    | {"workplace", "insurer", "school", "university", "practice", "hospital"}
)


def header_rule(words: tuple[str, ...]) -> str | None:
    """The column rule a column name says outright, or None."""
    if not words:
        return None
    joined = set(words)
    if joined & _PERSON_WORDS:
        return PERSON_NAME
    if "name" in joined:
        named = words[: words.index("name")]
        if named and named[-1] in _PERSON_QUALIFIERS:
            return PERSON_NAME
        if named and named[-1] in _ORGANISATION_WORDS:
            return ORGANISATION
    if joined & _STREET_WORDS and not joined & _NOT_POSTAL:
        return STREET_ADDRESS
    if ("place" in joined and "birth" in joined) or joined & _CITY_WORDS:
        return CITY
    if joined & _ORGANISATION_WORDS and "id" not in joined and "type" not in joined:
        return ORGANISATION
    return None


def weak_person_header(words: tuple[str, ...]) -> bool:
    """A column name that may be of people, or of anything else (`name`, `author`)."""
    return bool(set(words) & _WEAK_PERSON_WORDS)


CELL_SHAPE: dict[str, Callable[[str], bool]] = {
    PERSON_NAME: name_shaped,
    STREET_ADDRESS: address_shaped,
    CITY: name_shaped,
    ORGANISATION: lambda value: len(value) <= 120 and name_shaped(value.replace("&", "and")),
}
"""What a cell of a judged column must look like to be a match of the column's rule."""

VALUE_TEST: dict[str, Callable[[str], bool]] = {
    PERSON_NAME: known_name,
    STREET_ADDRESS: us_street_address,
    ORGANISATION: organisation,
}
"""What most values of a column with no header word must pass, per rule, in this order."""

CELL_TEST: dict[str, Callable[[str], bool]] = {
    PERSON_NAME: known_name_or_word,
    STREET_ADDRESS: us_street_address,
    ORGANISATION: organisation,
}
"""What validates one cell of a judged column (reported `validated: true`)."""

_EMPTY = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "?", "unknown"})


def is_empty(value: str) -> bool:
    """Blank cells and the usual markers of a missing value."""
    return value.strip().lower() in _EMPTY


@dataclass(frozen=True)
class ColumnVerdict:
    """The column rule a column is judged to hold, and what said so."""

    rule_id: str
    by: str
    """'header' (its name says so, values fit), 'values' (its values alone) or 'name+values'."""


def judge_column(column: str, values: list[str], enabled: frozenset[str]) -> ColumnVerdict | None:
    """Which of the `enabled` column rules a column holds, from its name and a sample of
    its non-empty values (see the module doc), or None."""
    if len(values) < MIN_VALUES or len(set(values)) < min(MIN_DISTINCT, len(values)):
        return None
    words = header_words(column)
    said = header_rule(words)
    if said is not None:
        if said not in enabled:
            return None
        fits = CELL_SHAPE[said]
        share = sum(1 for v in values if fits(v)) / len(values)
        return ColumnVerdict(said, "header") if share >= HEADER_SHARE else None
    if PERSON_NAME in enabled and weak_person_header(words):
        share = sum(1 for v in values if known_name_or_word(v)) / len(values)
        if share >= WEAK_HEADER_SHARE:
            return ColumnVerdict(PERSON_NAME, "name+values")
    for rule_id, test in VALUE_TEST.items():
        if rule_id in enabled:
            share = sum(1 for v in values if test(v)) / len(values)
            if share >= VALUE_SHARE:
                return ColumnVerdict(rule_id, "values")
    return None


@dataclass
class ColumnSamples:
    """The first SAMPLE_SIZE non-empty values of each column of one file, and the
    verdict of each column once judged (None: judged, and none of the column rules)."""

    enabled: frozenset[str]
    values: dict[str, list[str]] = field(default_factory=dict)
    verdicts: dict[str, ColumnVerdict | None] = field(default_factory=dict)

    def add(self, column: str, value: str) -> None:
        sample = self.values.setdefault(column, [])
        if len(sample) < SAMPLE_SIZE and not is_empty(value):
            sample.append(value.strip())

    def judge_pending(self) -> None:
        """Judge every column sampled so far and not judged yet."""
        for column, sample in self.values.items():
            if column not in self.verdicts:
                self.verdicts[column] = judge_column(column, sample, self.enabled)
        self.values.clear()


CONFIDENCE = {"header": 0.7, "name+values": 0.6, "values": 0.6}
"""Confidence of a cell in a judged column, by what judged it; a cell that also passes
the kind's value test (a known name, a USPS street) is validated and gains 0.1."""


class JudgedCells(NamedTuple):
    """The non-empty cells of one judged column in one chunk: the verdict on the first,
    the places (file lines, else rows) of all, and how many there are."""

    first: Verdict
    places: list[int]
    rows: int


class NameColumns:
    """For one file's cell chunks (see profiles.ColumnTally): samples and judges each
    column, then gives the cells of judged columns as matches of the column rules.

    The judgement is the column's, so the cells of a judged column are counted without
    a test each (`column_cells`: one pass over the chunk's lines, no object per cell), as
    a table of a million rows must stay fast; only `--per-cell`, which reports every
    cell, checks each cell's shape (`cell_verdicts`)."""

    def __init__(self, ruleset: Ruleset, options: DetectOptions, indices: dict[str, int]) -> None:
        self.ruleset = ruleset
        self.options = options
        self.indices = indices
        self.samples = ColumnSamples(enabled=frozenset(indices))

    @classmethod
    def of(cls, ruleset: Ruleset, options: DetectOptions) -> NameColumns | None:
        """None when the scan has none of the column rules (`--disable pii.person-name` ...)."""
        indices = {rule.id: i for i, rule in enumerate(ruleset.rules) if rule.id in COLUMN_RULES}
        return cls(ruleset, options, indices) if indices else None

    def _judged(
        self, chunk: Chunk, cells: CellLocations
    ) -> tuple[dict[str, ColumnVerdict], dict[str, list[int]], list[bytes]]:
        """The judged columns among the chunk's (judging those seen for the first time
        on the chunk's values), the line indices of each one's cells, and the lines."""
        fields = cells.fields
        verdict_of = self.samples.verdicts
        present = {name for name in set(fields) if name is not None}
        new = {name for name in present if column_key(name) not in verdict_of}
        judged: dict[str, ColumnVerdict] = {}
        wanted = new | {name for name in present if verdict_of.get(column_key(name))}
        if not wanted:
            return judged, {}, []
        positions = _positions(fields, wanted)
        lines = chunk.data.split(b"\n")
        for name in new:
            sampled = 0
            for index in positions[name]:
                value = lines[index].decode("utf-8", "replace")
                self.samples.add(column_key(name), value)
                sampled += not is_empty(value)
                if sampled >= SAMPLE_SIZE:
                    break
        self.samples.judge_pending()
        for name in wanted:
            found = verdict_of.get(column_key(name))
            if found is not None:
                judged[name] = found
        return judged, positions, lines

    def column_cells(self, chunk: Chunk, cells: CellLocations) -> list[JudgedCells]:
        """Per judged column of the chunk, its non-empty cells (see the class doc)."""
        judged, positions, lines = self._judged(chunk, cells)
        found: list[JudgedCells] = []
        rows, numbers = cells.rows, cells.lines
        for name, column in judged.items():
            at = positions[name]
            kept = list(compress(at, map(lines.__getitem__, at)))  # (markers such as NA count)
            if not kept:
                continue
            first = self._verdict(
                chunk, lines, _line_start(lines, kept[0]), kept[0], column, check_shape=False
            )
            if first is None:
                continue
            lines_of = list(map(numbers.__getitem__, kept))  # a table's cells: file lines
            places_of: list[int] = (
                [
                    place
                    for i in kept
                    if (place := numbers[i] if numbers[i] is not None else rows[i]) is not None
                ]
                if None in lines_of
                else cast("list[int]", lines_of)
            )
            found.append(JudgedCells(first, places_of, len(kept)))
        return found

    def cell_verdicts(self, chunk: Chunk, cells: CellLocations) -> list[Verdict]:
        """A verdict for every cell of a judged column that has its kind's shape."""
        judged, positions, lines = self._judged(chunk, cells)
        found: list[Verdict] = []
        starts = _line_starts(lines) if judged else []
        for name, column in judged.items():
            for index in positions[name]:
                start = starts[index]
                verdict = self._verdict(chunk, lines, start, index, column, check_shape=True)
                if verdict is not None:
                    found.append(verdict)
        return found

    def _verdict(
        self,
        chunk: Chunk,
        lines: list[bytes],
        line_start: int,
        index: int,
        column: ColumnVerdict,
        check_shape: bool,
    ) -> Verdict | None:
        """The verdict on the cell on line `index` (which starts at offset `line_start`),
        or None when it is empty, allowed, out of shape (with `check_shape`) or under the
        threshold."""
        raw = lines[index]
        value = raw.decode("utf-8", "replace").strip()
        rule_id = column.rule_id
        if is_empty(value) or (check_shape and not CELL_SHAPE[rule_id](value)):
            return None
        number = self.indices[rule_id]
        rule = self.ruleset.rules[number]
        checks = self.ruleset.checks[number]
        if rule.allow.paths and path_matches(chunk.origin.path, rule.allow.paths):
            return None
        if (checks.allow_regexes or checks.stopwords) and value_allowed(value, checks):
            return None
        test = CELL_TEST.get(rule_id)
        validated = True if test is not None and test(value) else None
        confidence = validated_confidence(CONFIDENCE[column.by], validated)
        if confidence < minimum_confidence(rule, self.options):
            return None
        start = line_start + len(raw) - len(raw.lstrip())
        end = start + len(raw.strip())
        match = Match(number, start, end, start, end)
        return Verdict(match, value, confidence, validated, None, rule.category)


def _positions(fields: list[str | None], wanted: set[str]) -> dict[str, list[int]]:
    """The line indices of the cells of each `wanted` column. The cells of a table's
    full rows repeat the same names in the same order: then each column's lines are a
    range, found without a look at every cell (issue 17)."""
    try:
        width = fields.index(fields[0], 1)
    except ValueError:
        width = len(fields)
    row, count = fields[:width], len(fields)
    if count % width == 0 and len(set(row)) == width and fields == row * (count // width):
        return {name: list(range(row.index(name), count, width)) for name in wanted}
    positions: dict[str, list[int]] = {name: [] for name in wanted}
    for index, name in enumerate(fields):
        bucket = positions.get(name)  # type: ignore[arg-type]
        if bucket is not None:
            bucket.append(index)
    return positions


def _line_starts(lines: list[bytes]) -> list[int]:
    """The offset of each line in the chunk the lines were split from."""
    return [0, *accumulate(len(line) + 1 for line in lines)]


def _line_start(lines: list[bytes], index: int) -> int:
    """The offset of line `index` in the chunk the lines were split from (a column's
    first cell is in the chunk's first rows: no offset of every line is needed)."""
    return sum(map(len, lines[:index])) + index
