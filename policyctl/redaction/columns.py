"""Whole-column strategies: every value of a named column redacted, whatever the rules find.

    --columns NAME=STRATEGY[:OPTION=VALUE,...]        (repeatable)
    redaction: {columns: {NAME: STRATEGY or {strategy: STRATEGY, OPTION: VALUE ...}}}

NAME is a CSV/TSV column, a Parquet column (`column.field` in a struct) or a JSON key
path (`age` or `$.age`, `customer.age`, `tags[*]`). STRATEGY is any redaction strategy
(mask, hash ...) or `dp`: Laplace or Gaussian noise from OpenDP (`noise.py`) on each
numeric value, with `epsilon`, `sensitivity`, `lower`/`upper` (the value is clamped to
them first), `mechanism` (laplace, gaussian) and `delta` (gaussian).

- A `dp` cell that is not a number (text, empty) is left to the rules: it is not noised,
  its sensitive values are replaced as in any other column, and the report counts it.
- A number keeps its form: a whole number stays whole (the noisy value is rounded), a
  decimal keeps its number of decimals, JSON and Parquet floats stay floats.
- Any other strategy replaces each non-empty cell whole; a cell in which a rule finds a
  secret is masked, as everywhere.
- `keep` leaves a column to the rules (only the values they find are replaced): it
  keeps a column that a scan judges personal data out of whole-column redaction.

A column that `scan` judges personal data (verdict `pii`, detection.profiles) is
redacted whole too, with the strategy its most frequent kind of data gets (`judged`):
a value no rule matched in such a column is still a value of that column.

The privacy budget (`--dp-budget`, `redaction.dp_budget`) is spent per dp column by
sequential composition: one person's row holds all the columns, so their losses add
up. Within a column each row gets its own noise, so a row that is one person loses the
column's epsilon; inputs of one run are taken as disjoint parts of one dataset.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.core.model import ColumnProfile
from policyctl.detection.profiles import pii_kind
from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.noise import MECHANISMS, Budget, Mechanism, NoiseSpec, mechanism
from policyctl.redaction.strategies import MASK, STRATEGY_NAMES, Strategy, entity_name
from policyctl.sources.cells import column_key

DP = "dp"
KEEP = "keep"
DP_OPTIONS = ("epsilon", "sensitivity", "lower", "upper", "mechanism", "delta")
_NUMBER = re.compile(r"[+-]?(?:(\d+)(\.\d*)?|(\.\d+))([eE][+-]?\d+)?")

REPLACED = "replaced"
MASKED = "masked"
LEFT = "left"
"""What happened to a cell of a named column (see ColumnTally)."""


@dataclass(frozen=True)
class ColumnRule:
    """What a named column gets: a redaction strategy, or noise (`dp`)."""

    name: str
    strategy: Strategy | None = None
    noise: NoiseSpec | None = None
    keep: bool = False
    """`keep`: the column is left to the rules, even when a scan judges it personal data."""
    entity: str | None = None
    """The kind of value a judged column holds (what `replace` writes; the rule id whose
    fakes `synthetic` makes), else None."""
    validator: str | None = None
    """The check a `synthetic` fake of a judged column passes (its rule's validator)."""

    def __str__(self) -> str:
        if self.keep:
            return KEEP
        if self.noise is None:
            return str(self.strategy)
        spec = self.noise
        shown: list[tuple[str, Any]] = [("mechanism", spec.mechanism), ("epsilon", spec.epsilon)]
        if spec.sensitivity is not None:
            shown.append(("sensitivity", spec.sensitivity))
        if spec.lower is not None:
            shown += [("lower", spec.lower), ("upper", spec.upper)]
        if spec.mechanism == "gaussian":
            shown.append(("delta", spec.delta))
        return "dp:" + ",".join(
            f"{k}={v:g}" if not isinstance(v, str) else f"{k}={v}" for k, v in shown
        )

    def matches(self, key: str) -> bool:
        """Whether a column key (`age`, `$.customer.age`) is this column."""
        return key == self.name or (not self.name.startswith("$") and key == "$." + self.name)


def parse_column_spec(text: str) -> ColumnRule:
    """`NAME=STRATEGY[:OPTION=VALUE,...]` from `--columns`."""
    from policyctl.redaction.policy import _cli_value

    where = f"--columns {text!r}"
    name, equals, rest = text.partition("=")
    if not equals or not name.strip() or not rest.strip():
        raise ConfigError(f"{where}: expected NAME=STRATEGY[:OPTION=VALUE,...]")
    strategy, _, options_text = rest.partition(":")
    options: dict[str, Any] = {"strategy": strategy.strip()}
    for item in filter(None, (p.strip() for p in options_text.split(","))):
        key, has_value, value = item.partition("=")
        if not has_value:
            raise ConfigError(f"{where}: option {key!r} needs a value (OPTION=VALUE)")
        options[key.strip()] = _cli_value(value.strip())
    return column_rule(name.strip(), options, where)


def column_rule(name: str, spec: Any, where: str) -> ColumnRule:
    """A column's rule from a strategy name or `{strategy: NAME, OPTION: VALUE ...}`."""
    from policyctl.redaction.policy import parse_strategy

    if isinstance(spec, str):
        spec = {"strategy": spec}
    if isinstance(spec, Mapping) and spec.get("strategy") == KEEP:
        if len(spec) > 1:
            raise ConfigError(f"{where}: keep takes no options")
        return ColumnRule(name, keep=True)
    if not isinstance(spec, Mapping) or spec.get("strategy") != DP:
        if isinstance(spec, Mapping) and spec.get("strategy") not in (*STRATEGY_NAMES, None):
            names = ", ".join((*STRATEGY_NAMES, DP, KEEP))
            raise ConfigError(
                f"{where}: unknown strategy {spec.get('strategy')!r} (one of {names})"
            )
        return ColumnRule(name, strategy=parse_strategy(spec, where))
    options = {k: v for k, v in spec.items() if k != "strategy"}
    for key in options:
        if key not in DP_OPTIONS:
            raise ConfigError(
                f"{where}: dp has no option {key!r} (it takes {', '.join(DP_OPTIONS)})"
            )
    numbers = {
        k: _number(options[k], k, where) for k in DP_OPTIONS if k in options and k != "mechanism"
    }
    kind = options.get("mechanism", "laplace")
    if kind not in MECHANISMS:
        raise ConfigError(f"{where}: option 'mechanism' must be one of {', '.join(MECHANISMS)}")
    if "epsilon" not in numbers:
        raise ConfigError(f"{where}: dp needs an epsilon (e.g. epsilon=0.5)")
    try:
        noise = NoiseSpec(mechanism=kind, **numbers)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return ColumnRule(name, noise=noise)


def _number(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: option {key!r} must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: option {key!r} must be a number") from None
    if not math.isfinite(number):
        raise ConfigError(f"{where}: option {key!r} must be a finite number")
    return number


def build_columns(
    section: Mapping[str, Any] | None, cli_specs: Sequence[str], where: str
) -> dict[str, ColumnRule]:
    """The config file's `redaction.columns`, then `--columns` (which replace the file's
    entry for the same column)."""
    columns = {
        str(name): column_rule(str(name), spec, f"{where}: redaction.columns.{name}")
        for name, spec in (section or {}).items()
    }
    for text in cli_specs:
        rule = parse_column_spec(text)
        columns[rule.name] = rule
    return columns


def judged_columns(
    profiles: Sequence[ColumnProfile],
    named: Mapping[str, ColumnRule],
    strategy_for: Callable[[str, str], Strategy],
    validators: Mapping[str, str | None] | None = None,
) -> dict[str, ColumnRule]:
    """A whole-column rule for each column a scan judged personal data (verdict `pii`)
    that `named` (--columns, redaction.columns, `keep` included) does not name: the
    strategy its most frequent rule's values get (`strategy_for(rule_id, data_class)`).
    Keyed by the column's key, as the profiles name it."""
    judged: dict[str, ColumnRule] = {}
    for profile in profiles:
        top = pii_kind(profile)
        if top is None:
            continue
        key = column_key(profile.field)
        if any(rule.matches(key) for rule in named.values()):
            continue
        strategy = strategy_for(top.rule_id, top.data_class)
        entity = entity_name(top.rule_id) if strategy.name == "replace" else None
        validator = None
        if strategy.name == "synthetic":  # a fake of the column's kind, passing its check
            entity, validator = top.rule_id, (validators or {}).get(top.rule_id)
        judged[key] = ColumnRule(key, strategy=strategy, entity=entity, validator=validator)
    return judged


def plan_privacy(columns: Mapping[str, ColumnRule], total: float | None) -> dict[str, Any] | None:
    """Build each dp column's mechanism and spend the run's budget on them, refusing
    (ConfigError, before anything is written) a run that would exceed it. What was
    spent, for the report and the audit log; None when there is nothing to say."""
    noisy = {name: rule.noise for name, rule in sorted(columns.items()) if rule.noise}
    if not noisy and total is None:
        return None
    if total is not None and not total > 0:
        raise ConfigError("dp: the budget (--dp-budget) must be a positive number")
    made: dict[str, Mechanism] = {name: mechanism(spec) for name, spec in noisy.items()}
    budget = Budget(total)
    budget.plan({name: m.epsilon for name, m in made.items()})
    for name, m in made.items():
        budget.spend(name, m.epsilon)
    spent = []
    for name, m in made.items():
        entry: dict[str, Any] = {
            "column": name,
            "mechanism": m.spec.mechanism,
            "epsilon": m.epsilon,
            "delta": m.delta,
            "sensitivity": m.spec.bound,
            "scale": m.scale,
        }
        if m.spec.lower is not None:
            entry["lower"], entry["upper"] = m.spec.lower, m.spec.upper
        spent.append(entry)
    return {
        "budget": total,
        "spent": budget.used,
        "delta": sum(m.delta for m in made.values()),
        "columns": spent,
    }


ColumnTally = Counter[tuple[str, str, str]]
"""Cells of named columns by (column, the column's strategy, REPLACED/MASKED/LEFT)."""


@dataclass(frozen=True)
class Claim:
    """A cell a column rule replaces; `number` is its parsed value for dp."""

    rule: ColumnRule
    column: str
    number: tuple[float, int | None] | None = None


class ColumnRedactor:
    """Replaces the cells of named columns; one per process (mechanisms are rebuilt in
    each worker from their specs: an OpenDP measurement is not sent between processes)."""

    def __init__(self, rules: Mapping[str, ColumnRule], keys: RedactionKeys | None) -> None:
        self.rules = list(rules.values())
        """Every named column's rule; a `keep` rule claims no cell (rule_for gives None)."""
        self.keys = keys
        self.tally: ColumnTally = Counter()
        self._by_field: dict[str | None, ColumnRule | None] = {}
        self._mechanisms: dict[NoiseSpec, Mechanism] = {}
        self._stand_ins: dict[tuple[Strategy, str | None], Any] = {}

    @property
    def active(self) -> bool:
        return any(not rule.keep for rule in self.rules)

    def rule_for(self, field_name: str | None) -> ColumnRule | None:
        if field_name in self._by_field:
            return self._by_field[field_name]
        rule = None
        if field_name:
            key = column_key(field_name)
            rule = next((r for r in self.rules if r.matches(key)), None)
        if rule is not None and rule.keep:
            rule = None
        self._by_field[field_name] = rule
        return rule

    def claim(self, fields: Sequence[str | None], values: Sequence[str]) -> dict[int, Claim]:
        """The cells (by index) that their column's rule replaces. A dp cell that is not
        a number is counted and left to the rules; an empty cell is left as it is."""
        claimed: dict[int, Claim] = {}
        for index, field_name in enumerate(fields):
            rule = self.rule_for(field_name)
            if rule is None or field_name is None:
                continue
            value = values[index]
            column = column_key(field_name)
            if rule.noise is not None:
                number = parse_number(value)
                if number is None:
                    self.tally[column, str(rule), LEFT] += 1
                    continue
                claimed[index] = Claim(rule, column, number)
            elif value:
                claimed[index] = Claim(rule, column)
        return claimed

    def replace(
        self, claimed: Mapping[int, Claim], values: Sequence[str], secrets: set[int]
    ) -> dict[int, tuple[str, bool, float | None]]:
        """What each claimed cell becomes: (text, removed, noisy number or None)."""
        from policyctl.redaction.redactor import StandIns

        made: dict[int, tuple[str, bool, float | None]] = {}
        noisy: dict[NoiseSpec, list[int]] = {}
        for index, claim in claimed.items():
            rule = claim.rule
            if rule.noise is not None:
                noisy.setdefault(rule.noise, []).append(index)
                continue
            assert rule.strategy is not None
            strategy = MASK if index in secrets else rule.strategy
            validator = None
            if strategy.name == "synthetic":
                entity: str | None = rule.entity or synthetic_kind(claim.column)
                validator = rule.validator
            else:
                entity = rule.entity if strategy is rule.strategy else None
            stand_ins = self._stand_ins.get((strategy, entity))
            if stand_ins is None:
                stand_ins = StandIns(strategy, self.keys, entity, validator)
                self._stand_ins[strategy, entity] = stand_ins
            text, used = stand_ins.make(values[index])
            fitted = used == str(rule.strategy)
            self.tally[claim.column, str(rule), REPLACED if fitted else MASKED] += 1
            made[index] = (text, used == "remove", None)
        for spec, indexes in noisy.items():
            noise = self._mechanisms.get(spec)
            if noise is None:
                noise = self._mechanisms[spec] = mechanism(spec)
            numbers = [claimed[i].number for i in indexes]
            results = noise.noisy_many([n[0] for n in numbers if n is not None])
            for index, number, result in zip(indexes, numbers, results, strict=True):
                assert number is not None
                claim = claimed[index]
                self.tally[claim.column, str(claim.rule), REPLACED] += 1
                made[index] = (format_number(result, number[1]), False, result)
        return made


def parse_number(text: str) -> tuple[float, int | None] | None:
    """A cell's number and its form: None decimals for a whole number, else the number of
    decimals written (-1 with an exponent); None when the cell is not a number."""
    text = text.strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    _whole, fraction, bare_fraction, exponent = match.groups()
    if exponent:
        return value, -1
    if fraction is None and bare_fraction is None:
        return value, None
    return value, len(fraction or bare_fraction) - 1


def format_number(value: float, decimals: int | None) -> str:
    """A noisy number in the form of the value it replaces (see parse_number)."""
    if decimals is None:
        return str(round(value))
    if decimals < 0:
        return repr(value)
    return f"{value:.{decimals}f}"


_SYNTHETIC_HEADERS = {"email": "pii.email-address", "mail": "pii.email-address"}


def synthetic_kind(column: str) -> str:
    """The kind of fake a column redacted whole with `synthetic` gets, from its name:
    a name for `first_name`, a street for `address`, an e-mail address for `email`
    (policyctl.detection.names judges the name); "" (same shape) for anything else."""
    from policyctl.detection.names import PERSON_NAME, header_rule, header_words, weak_person_header

    words = header_words(column)
    said = header_rule(words)
    if said is not None:
        return said
    if weak_person_header(words):
        return PERSON_NAME
    if words and ("dob" in words or ("birth" in words and "date" in words)):
        return "pii.date-of-birth"
    return next((_SYNTHETIC_HEADERS[w] for w in words if w in _SYNTHETIC_HEADERS), "")
