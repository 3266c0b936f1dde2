"""Load and validate rule files, and compile a rule set into the matching engine."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from policyctl.core.builtin import builtin_dir
from policyctl.core.errors import ConfigError, RuleError
from policyctl.core.globs import MAX_NAME_GLOBS, glob_positions, is_glob
from policyctl.core.model import CATEGORIES, Allow, Context, Notice, Rule
from policyctl.core.yamlfile import cached_yaml, load_yaml
from policyctl.detection import decode
from policyctl.detection.secret_filters import FILTERS, GENERIC_FILTERS
from policyctl.engine import Matcher, build_matcher, engine_name, engine_problem
from policyctl.engine.prefilter import prefilter_problem
from policyctl.engine.regex_safety import unsafe_reason
from policyctl.engine.words import WordSet
from policyctl.schemas import schema_problems
from policyctl.validators import Validator, get_validator

DEFAULT_CONFIDENCE = 0.8


def rule_files(path: Path) -> list[Path]:
    """The YAML files of a rule folder (sorted), or the file itself."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if path.is_file():
        return [path]
    raise RuleError(f"{path}: no such rule file or folder")


def load_rules(
    extra: Sequence[Path] = (), builtin: bool = True, check_builtin: bool = False
) -> tuple[Rule, ...]:
    """The built-in rules (unless `builtin` is false) and the rules in `extra` paths.

    Rule ids are unique across all files; a duplicate is an error naming both files.
    The rules in `extra` are always checked in full (schema, regex safety, validator and
    filter names); the built-in ones only with `check_builtin` (`policyctl rules validate`
    and `rules test`, and the test suite): they ship inside the package, so checking them
    again at every scan proved nothing and was most of a cold start (see load_rule_file).
    """
    roots = [(builtin_dir("rules"), not check_builtin)] if builtin else []
    roots += [(path, False) for path in extra]
    loaded: list[Rule] = []
    seen: dict[str, str] = {}
    for root, trusted in roots:
        for path in rule_files(root):
            for rule in load_rule_file(path, trusted):
                if rule.id in seen:
                    raise RuleError(
                        f"{path}: rule {rule.id}: field 'id': already defined in {seen[rule.id]}"
                    )
                seen[rule.id] = str(path)
                loaded.append(rule)
    return tuple(loaded)


def rules_chosen_by(rules: Sequence[Rule], patterns: Iterable[str]) -> dict[str, set[int]]:
    """For each of `patterns`, the positions in `rules` of the rules it names: by id (or
    an id glob such as `secret.aws-*`), by tag (or a tag glob), or by category (`secret`,
    `pii`, never a glob). A pattern that names no rule maps to an empty set."""
    exact: dict[str, set[int]] = {}
    globbed: dict[str, set[int]] = {}  # (ids and tags: what a glob is matched against)
    for position, rule in enumerate(rules):
        for name in (rule.id, *rule.tags):
            globbed.setdefault(name, set()).add(position)
            exact.setdefault(name, set()).add(position)
        exact.setdefault(rule.category, set()).add(position)
    distinct = dict.fromkeys(patterns)
    globs = {p for p in distinct if is_glob(p)}  # (a plain name is one look-up)
    if len(globs) > MAX_NAME_GLOBS:
        raise ConfigError(
            f"--enable/--disable (or enable:/disable: in the config): {len(globs)} patterns "
            "with glob characters (*, ?, [); "
            f"at most {MAX_NAME_GLOBS}: list rule ids, tags or categories instead"
        )
    chosen: dict[str, set[int]] = {}
    for pattern in distinct:
        if pattern in globs:
            chosen[pattern] = glob_positions(pattern, globbed)
        else:
            chosen[pattern] = exact.get(pattern, set())
    return chosen


@dataclass(frozen=True)
class RuleSelection:
    """The rules left on by `enable`/`disable`, the ones turned off, and the patterns
    that named no rule (a typo, or a rule renamed since the config was written)."""

    rules: tuple[Rule, ...]
    turned_off: tuple[Rule, ...]
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()

    def notices(self, origin: str) -> list[Notice]:
        """What the selection did, as warnings: a repository's config may be hostile, so
        turning rules off is never silent. `origin` says where the patterns came from."""
        found: list[Notice] = []
        if self.turned_off:
            by_category = ", ".join(
                f"{sum(r.category == c for r in self.turned_off)} {c}"
                for c in CATEGORIES
                if any(r.category == c for r in self.turned_off)
            )
            asked = "; ".join(
                f"{name}: {_some(patterns)}"
                for name, patterns in (("enable", self.enable), ("disable", self.disable))
                if patterns
            )
            found.append(
                Notice(
                    origin,
                    f"{len(self.turned_off)} of {len(self.rules) + len(self.turned_off)} rules "
                    f"turned off ({by_category}) by {asked}",
                )
            )
        found.extend(
            Notice(origin, f"enable/disable pattern {p!r} names no rule, tag or category")
            for p in self.unmatched[:NOTICED_PATTERNS]
        )
        if len(self.unmatched) > NOTICED_PATTERNS:
            more = len(self.unmatched) - NOTICED_PATTERNS
            found.append(Notice(origin, f"and {more} more enable/disable patterns name no rule"))
        return found


NOTICED_PATTERNS = 10
"""Patterns named one by one in the selection's notices; a config listing thousands is
summed up after these (every one is still applied)."""


def _some(patterns: Sequence[str]) -> str:
    """`patterns` joined, the first NOTICED_PATTERNS of them and the count of the rest."""
    shown = ", ".join(patterns[:NOTICED_PATTERNS])
    rest = len(patterns) - NOTICED_PATTERNS
    return f"{shown} and {rest} more" if rest > 0 else shown


def select_rules(
    rules: Sequence[Rule], enable: Sequence[str] = (), disable: Sequence[str] = ()
) -> RuleSelection:
    """Only the rules `enable` names (all when it is empty), less those `disable` names,
    like gitleaks' disabledRules or Checkov's --check/--skip-check."""
    if not enable and not disable:
        return RuleSelection(tuple(rules), ())  # (every scan's start: no index to build)
    chosen = rules_chosen_by(rules, (*enable, *disable))
    unmatched = tuple(p for p in (*enable, *disable) if not chosen[p])
    enabled = set().union(*(chosen[p] for p in enable)) if enable else set(range(len(rules)))
    disabled = set().union(*(chosen[p] for p in disable))
    kept: list[Rule] = []
    off: list[Rule] = []
    for position, rule in enumerate(rules):
        (kept if position in enabled and position not in disabled else off).append(rule)
    return RuleSelection(tuple(kept), tuple(off), tuple(enable), tuple(disable), unmatched)


def load_rule_file(path: Path, trusted: bool = False) -> list[Rule]:
    """The rules of one YAML file, schema-checked and with patterns proven safe.

    A `trusted` file (a built-in one, see load_rules) is only parsed: the schema and the
    regex checks took 0.5 s of CPU for the 1,158 built-in rules, half a cold start, and
    the test suite proves them for every built-in file (tests/unit/test_rule_loading.py).
    The rules are cached by the file's bytes (policyctl.core.cache), so an unchanged rule
    file is read in a fraction of the time; trusted and checked loads are kept apart.
    """
    return cached_yaml(
        "rules-builtin" if trusted else "rules",
        path,
        _parse_rule_file if trusted else _load_rule_file,
        lambda rules: [_rule_record(rule) for rule in rules],
        lambda records: [_rule_from_record(record) for record in records],
    )


def _rule_record(rule: Rule) -> dict[str, Any]:
    """A rule as plain JSON data (what dataclasses.asdict gives, a few times faster:
    asdict deep-copies every string, and a cold start encodes 1,158 rules)."""
    record = dict(rule.__dict__)
    record["context"] = dict(rule.context.__dict__)
    record["allow"] = dict(rule.allow.__dict__)
    return record


def _rule_from_record(record: dict[str, Any]) -> Rule:
    """A rule from its cached JSON form (_rule_record): lists back to tuples, field by
    known field (a test of every value's type was most of loading 1,426 rules)."""
    fields = dict(record)
    for name in _TUPLE_FIELDS:
        fields[name] = tuple(fields[name])
    context = record["context"]
    fields["context"] = Context(
        **{
            **context,
            "words": tuple(context["words"]),
            "negative_words": tuple(context["negative_words"]),
        }
    )
    allow = record["allow"]
    fields["allow"] = Allow(*(tuple(allow[name]) for name in ("regexes", "stopwords", "paths")))
    return Rule(**fields)


_TUPLE_FIELDS = ("keywords", "tags", "examples", "negative_examples", "filters", "sources")
"""The fields of a Rule that are tuples (JSON gives lists)."""


def _parse_rule_file(path: Path) -> list[Rule]:
    document = load_yaml(path, RuleError)
    return [_rule_from(entry, str(path)) for entry in document["rules"]]


def _load_rule_file(path: Path) -> list[Rule]:
    document = load_yaml(path, RuleError)
    problems = schema_problems(document, "rule")
    if problems:
        problem = problems[0]
        raise RuleError(f"{path}: {_describe(document, problem.path)}: {problem.message}")
    rules = [_rule_from(entry, str(path)) for entry in document["rules"]]
    for rule in rules:
        _check_rule(rule, path)
    return rules


def _describe(document: Any, where: tuple[str | int, ...]) -> str:
    """'rule <id>: field <name>' for a schema path such as ('rules', 3, 'severity')."""
    if len(where) >= 2 and where[0] == "rules" and isinstance(where[1], int):
        entry = document["rules"][where[1]]
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        name = f"rule {rule_id}" if isinstance(rule_id, str) else f"rule #{where[1] + 1}"
        if len(where) > 2:
            return f"{name}: field '{'.'.join(map(str, where[2:]))}'"
        return name
    return f"field '{'.'.join(map(str, where))}'" if where else "file"


def _rule_from(entry: dict[str, Any], source: str) -> Rule:
    context = entry.get("context", {})
    allow = entry.get("allow", {})
    return Rule(
        id=entry["id"],
        category=entry["category"],
        title=entry["title"],
        severity=entry["severity"],
        confidence=float(entry.get("confidence", DEFAULT_CONFIDENCE)),
        data_class=entry["data_class"],
        pattern=entry["pattern"],
        keywords=tuple(entry.get("keywords", ())),
        validator=entry.get("validator"),
        entropy=entry.get("entropy"),
        min_confidence=entry.get("min_confidence"),
        context=Context(
            words=tuple(context.get("words", ())),
            negative_words=tuple(context.get("negative_words", ())),
            window=context.get("window", Context.window),
            required=context.get("required", False),
            alone=context.get("alone", False),
        ),
        allow=Allow(
            regexes=tuple(allow.get("regexes", ())),
            stopwords=tuple(allow.get("stopwords", ())),
            paths=tuple(allow.get("paths", ())),
        ),
        tags=tuple(entry.get("tags", ())),
        description=entry.get("description", ""),
        examples=tuple(entry["examples"]),
        negative_examples=tuple(entry["negative_examples"]),
        source=source,
        filters=rule_filters(entry),
        sources=tuple(entry.get("sources", ())),
        prefilter=entry.get("prefilter"),
    )


GENERIC_TAG = "generic"


def rule_filters(entry: dict[str, Any]) -> tuple[str, ...]:
    """The false-positive filters of a rule entry: those it lists, and for a secret rule
    tagged `generic` every one of secret_filters.GENERIC_FILTERS first, whatever it
    lists (a generic rule cannot forget one; it may add others). A generic rule with a
    validator is the exception: the validator checks a shape of its own (the basic-auth
    header's base64 must decode to `user:password`, and random letters there are a
    password, not words), so it keeps the list it gives."""
    listed = tuple(entry.get("filters", ()))
    if entry.get("category") != "secret" or GENERIC_TAG not in entry.get("tags", ()):
        return listed
    if entry.get("validator"):
        return listed
    return GENERIC_FILTERS + tuple(name for name in listed if name not in GENERIC_FILTERS)


def _check_rule(rule: Rule, path: Path) -> None:
    """What the schema cannot say: the regexes compile, are safe, and the validator exists."""
    where = f"{path}: rule {rule.id}"
    _check_regex(rule.pattern, f"{where}: field 'pattern'")
    for allowed in rule.allow.regexes:
        _check_regex(allowed, f"{where}: field 'allow.regexes'")
    if rule.validator is not None and get_validator(rule.validator) is None:
        raise RuleError(f"{where}: field 'validator': no validator named {rule.validator!r}")
    unknown = [name for name in rule.filters if name not in FILTERS]
    if unknown:
        raise RuleError(f"{where}: field 'filters': no filter named {unknown[0]!r}")
    if rule.prefilter is not None:
        problem = prefilter_problem(rule.pattern, rule.prefilter)
        if problem is None and rule.context.alone:
            problem = "a rule whose context is the value alone on its line takes none"
        if problem:
            raise RuleError(f"{where}: field 'prefilter': {problem}")


def _check_regex(pattern: str, where: str) -> None:
    try:
        re.compile(pattern.encode("utf-8"))
    except re.error as exc:
        raise RuleError(f"{where}: not a valid regular expression: {exc}") from None
    reason = unsafe_reason(pattern)
    if reason:
        raise RuleError(f"{where}: could backtrack without end: {reason}")


@dataclass(frozen=True)
class RuleChecks:
    """A rule's value and context checks, prepared once (lower-cased, compiled).

    The regexes are compiled on first use: a scan asks for the checks of the rules that
    matched only, and compiling those of every rule cost each run some 20 ms before its
    first byte (issue 18)."""

    allow: tuple[str, ...]
    stopwords: tuple[str, ...]
    validator: Validator | None
    context_words: tuple[str, ...] = ()
    negative_words: tuple[str, ...] = ()
    context_forms: tuple[bytes, ...] = ()
    """The context words as context_pattern matches them (see _word_forms): whether a
    whole chunk holds one is asked with `in`, many times faster than the alternation."""

    @classmethod
    def of(cls, rule: Rule) -> RuleChecks:
        return cls(
            allow=rule.allow.regexes,
            stopwords=tuple(w.lower() for w in rule.allow.stopwords),
            validator=get_validator(rule.validator) if rule.validator else None,
            context_words=rule.context.words,
            negative_words=rule.context.negative_words,
            context_forms=_word_forms(rule.context.words),
        )

    @cached_property
    def allow_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(r) for r in self.allow)

    @cached_property
    def context_pattern(self) -> re.Pattern[bytes] | None:
        """The words as one alternation: one search instead of a loop per word."""
        return _any_word(self.context_words)

    @cached_property
    def negative_pattern(self) -> re.Pattern[bytes] | None:
        return _any_word(self.negative_words)


def _word_forms(words: tuple[str, ...]) -> tuple[bytes, ...]:
    # compared with text in detect.context_form: lower case, '_' and '-' as spaces
    return tuple(w.lower().replace("_", " ").replace("-", " ").encode("utf-8") for w in words)


def _any_word(words: tuple[str, ...]) -> re.Pattern[bytes] | None:
    """A pattern matching any of `words` (lower-cased, as literal text), or None."""
    if not words:
        return None
    return re.compile(b"|".join(re.escape(form) for form in _word_forms(words)))


@dataclass(frozen=True)
class Ruleset:
    """Rules ready for scanning; `checks[i]` belongs to `rules[i]`.

    A rule may apply to some kinds of input only (`Rule.sources`), so each kind of chunk
    gets the matcher of the rules that apply to it, built on first use (a pre-commit run
    never builds the one for datasets) and shared by the kinds with the same rules.
    """

    rules: tuple[Rule, ...]
    checks: tuple[RuleChecks, ...]
    backend: str
    engine: str
    """The backend in use: hyperscan or re."""
    _matchers: dict[tuple[int, ...], Matcher] = field(
        default_factory=dict, compare=False, repr=False
    )
    _by_kind: dict[str, Matcher] = field(default_factory=dict, compare=False, repr=False)
    _context_words: list[tuple[WordSet, tuple[frozenset[int], ...]]] = field(
        default_factory=list, compare=False, repr=False
    )

    def context_words(self) -> tuple[WordSet, tuple[frozenset[int], ...]]:
        """Every rule's context words (RuleChecks.context_forms) as one WordSet, and the
        indices of each rule's words in it: a chunk is searched once for all of them."""
        if not self._context_words:
            forms = sorted({form for checks in self.checks for form in checks.context_forms})
            index = {form: number for number, form in enumerate(forms)}
            ids = tuple(frozenset(index[f] for f in checks.context_forms) for checks in self.checks)
            self._context_words.append((WordSet(forms, self.engine), ids))
        return self._context_words[0]

    def gates(self, chosen: Iterable[int]) -> dict[int, tuple[bytes, ...]]:
        """The `chosen` rules that report nothing without one of their context words
        (context required), with those words: the engine scans them only over chunks
        that hold one (policyctl.engine.gates; detect.could_pass turns the rest away)."""
        return {
            index: self.checks[index].context_forms
            for index in chosen
            if self.rules[index].context.required
        }

    def matcher_for(self, kind: str) -> Matcher:
        """The matcher of the rules that apply to chunks of `kind` (see SOURCE_KINDS)."""
        matcher = self._by_kind.get(kind)
        if matcher is None:
            chosen = tuple(i for i, rule in enumerate(self.rules) if rule.applies_to(kind))
            matcher = self._matchers.get(chosen)
            if matcher is None:
                matcher = self._matchers[chosen] = build_matcher(
                    self.rules, self.backend, chosen, decode.MARKS, self.gates(chosen)
                )
            self._by_kind[kind] = matcher
        return matcher


def compile_ruleset(rules: Iterable[Rule], backend: str = "auto") -> Ruleset:
    """Prepare `rules` for scanning with the chosen engine backend; a rule that engine
    cannot run is an error naming its file, id and field (check_engine)."""
    ordered = tuple(rules)
    check_engine(ordered, backend)
    return Ruleset(
        rules=ordered,
        checks=tuple(RuleChecks.of(rule) for rule in ordered),
        backend=backend,
        engine=engine_name(backend),
    )


def check_engine(rules: Sequence[Rule], backend: str = "auto") -> None:
    """Refuse a rule the engine that will scan cannot compile (Hyperscan has no
    lookbehind, no back-references, no very wide bounded repeats).

    Built-in rules are proven against both engines by the test suite; the others
    (--rules, a pack's rules, a repository's `rules:`) are compiled here, one by one,
    so the error names the rule (a few milliseconds each).
    """
    builtin = os.path.join(builtin_dir("rules"), "")
    for rule in rules:
        if rule.source.startswith(builtin):
            continue
        for field_name in ("pattern", "prefilter"):
            expression = getattr(rule, field_name)
            problem = expression and engine_problem(expression, backend)
            if problem:
                raise RuleError(f"{rule.source}: rule {rule.id}: field '{field_name}': {problem}")
