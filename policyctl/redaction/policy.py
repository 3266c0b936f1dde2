"""Which strategy each finding gets: per rule (id or glob), else per data class, else the
default; secrets are always masked, whatever was asked.

From `.policyctl.yaml`:

    redaction:
      strategy: mask                        # the default (mask when not given)
      data_classes:
        contact: hash
        financial: {strategy: fpe, luhn: true}
      rules:
        pii.email-address: partial
        "pii.us-*": {strategy: hash, length: 24}

and from `--strategy` (repeatable): `hash` sets the default, `contact=hash` a data
class, `pii.email-address=partial:keep_last=0` a rule (rule ids have a dot; globs
count as rules). Command-line entries replace the file's entries for the same target
and leave the others as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.redaction.columns import ColumnRule, build_columns
from policyctl.redaction.strategies import KEYED, MASK, OPTIONS, STRATEGY_NAMES, Strategy

SECRET_CATEGORY = "secret"
SECRET_DATA_CLASS = "credential"

_BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("mask", "length"): (1, 256),
    ("partial", "keep_first"): (0, 64),
    ("partial", "keep_last"): (0, 64),
    ("hash", "length"): (8, 64),
}


@dataclass(frozen=True)
class RedactionPolicy:
    default: Strategy = MASK
    data_classes: Mapping[str, Strategy] = field(default_factory=dict)
    rules: Mapping[str, Strategy] = field(default_factory=dict)
    """Rule ids and globs; an exact id wins over a glob, a longer glob over a shorter."""
    columns: Mapping[str, ColumnRule] = field(default_factory=dict)
    """Named columns redacted whole (`--columns`, columns.py)."""

    def strategy_for(self, rule_id: str, data_class: str, category: str) -> Strategy:
        chosen = self._chosen(rule_id, data_class)
        if category == SECRET_CATEGORY or data_class == SECRET_DATA_CLASS:
            return chosen if chosen.name == "mask" else MASK
        return chosen

    def _chosen(self, rule_id: str, data_class: str) -> Strategy:
        if rule_id in self.rules:
            return self.rules[rule_id]
        globs = sorted((p for p in self.rules if fnmatchcase(rule_id, p)), key=len, reverse=True)
        if globs:
            return self.rules[globs[0]]
        return self.data_classes.get(data_class, self.default)

    def keyed(self) -> list[str]:
        """The keyed strategies this policy may use (they need POLICYCTL_REDACT_KEY)."""
        used = [self.default, *self.data_classes.values(), *self.rules.values()]
        used += [c.strategy for c in self.columns.values() if c.strategy is not None]
        return sorted({s.name for s in used if s.name in KEYED})

    def describe(self) -> dict[str, Any]:
        """The policy as JSON, for the report."""
        described: dict[str, Any] = {
            "default": str(self.default),
            "data_classes": {k: str(v) for k, v in sorted(self.data_classes.items())},
            "rules": {k: str(v) for k, v in sorted(self.rules.items())},
        }
        if self.columns:
            described["columns"] = {k: str(v) for k, v in sorted(self.columns.items())}
        return described


def build_policy(
    section: Mapping[str, Any] | None,
    cli_specs: Sequence[str],
    where: str = "config",
    column_specs: Sequence[str] = (),
) -> RedactionPolicy:
    """The policy from the config file's `redaction:` section (already schema-checked),
    overridden entry by entry by `--strategy` specs (and `--columns` specs)."""
    section = section or {}
    columns = build_columns(section.get("columns"), column_specs, where)
    default = parse_strategy(section.get("strategy", "mask"), f"{where}: redaction.strategy")
    classes = {
        name: parse_strategy(spec, f"{where}: redaction.data_classes.{name}")
        for name, spec in (section.get("data_classes") or {}).items()
    }
    rules = {
        name: parse_strategy(spec, f"{where}: redaction.rules.{name}")
        for name, spec in (section.get("rules") or {}).items()
    }
    for text in cli_specs:
        target, strategy = parse_cli_spec(text)
        if target is None:
            default = strategy
        elif "." in target or any(ch in target for ch in "*?["):
            rules[target] = strategy
        else:
            classes[target] = strategy
    return RedactionPolicy(default=default, data_classes=classes, rules=rules, columns=columns)


def parse_cli_spec(text: str) -> tuple[str | None, Strategy]:
    """`[TARGET=]NAME[:OPTION=VALUE,...]` -> (target or None for the default, strategy)."""
    where = f"--strategy {text!r}"
    head, _, options_text = text.partition(":")
    target, equals, name = head.rpartition("=")
    if equals and not target.strip():
        raise ConfigError(f"{where}: nothing before '=' (expected a data class or rule id)")
    options: dict[str, Any] = {"strategy": name.strip()}
    for item in filter(None, (p.strip() for p in options_text.split(","))):
        key, has_value, value = item.partition("=")
        if not has_value:
            raise ConfigError(f"{where}: option {key!r} needs a value (OPTION=VALUE)")
        options[key.strip()] = _cli_value(value.strip())
    return (target.strip() if equals else None), parse_strategy(options, where)


def _cli_value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    return int(text) if text.isdigit() else text


def parse_strategy(spec: Any, where: str) -> Strategy:
    """A strategy from `name` or `{strategy: name, option: value ...}`, options checked."""
    if isinstance(spec, str):
        spec = {"strategy": spec}
    if not isinstance(spec, Mapping) or not isinstance(spec.get("strategy"), str):
        raise ConfigError(f"{where}: expected a strategy name or {{strategy: NAME, ...}}")
    name = spec["strategy"]
    if name not in OPTIONS:
        raise ConfigError(
            f"{where}: unknown strategy {name!r} (one of {', '.join(STRATEGY_NAMES)})"
        )
    options = {k: v for k, v in spec.items() if k != "strategy"}
    for key, value in options.items():
        _check_option(name, key, value, where)
    return Strategy(name, tuple(sorted(options.items())))


def _check_option(name: str, key: str, value: Any, where: str) -> None:
    allowed = OPTIONS[name]
    if key not in allowed:
        takes = ", ".join(allowed) or "no options"
        raise ConfigError(f"{where}: {name} has no option {key!r} (it takes {takes})")
    kind = allowed[key]
    if not _is_kind(value, kind):
        raise ConfigError(f"{where}: option {key!r} must be {_kind_name(kind)}")
    low, high = _BOUNDS.get((name, key), (None, None))
    if low is not None and high is not None and not low <= value <= high:
        raise ConfigError(f"{where}: option {key!r} must be from {low} to {high}")
    if key == "char" and len(value) != 1:
        raise ConfigError(f"{where}: option 'char' must be one character")
    if key == "prefix" and not all(ch.isalnum() or ch in "_-:" for ch in value):
        raise ConfigError(f"{where}: option 'prefix' may hold letters, digits, '_', '-', ':'")


def _is_kind(value: Any, kind: type) -> bool:
    """Exactly of `kind`: YAML's true is not the whole number 1 here."""
    return type(value) is kind


def _kind_name(kind: type) -> str:
    return {int: "a whole number", bool: "true or false", str: "text"}[kind]
