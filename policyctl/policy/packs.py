"""Policy packs: load and validate them, resolve `extends`, and say which rules a control selects.

A pack is named by a built-in id (`hipaa`, the file policies/hipaa.yaml) or by the path
of a YAML file. A pack that `extends` another starts from it, then applies `overrides`
(mode, minimum severity or scope of a control), `disable` (controls that do not apply)
and its own `controls`; the result is one plain PolicyPack.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from policyctl.core.builtin import PACK_SUFFIXES, builtin_dir, is_pack_file
from policyctl.core.errors import PolicyError
from policyctl.core.globs import MAX_NAME_GLOBS, glob_positions, is_glob, path_matches
from policyctl.core.model import (
    BreachDuty,
    Control,
    Finding,
    Framework,
    Notice,
    PolicyPack,
    Rule,
    Selector,
    SubjectRight,
    severity_rank,
)
from policyctl.core.yamlfile import cached_yaml, load_yaml
from policyctl.schemas import schema_problems


def builtin_pack_files() -> dict[str, Path]:
    """Built-in pack id -> file; the file is named after the pack id."""
    folder = builtin_dir("policies")
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix in PACK_SUFFIXES}


def load_packs(refs: Iterable[str]) -> tuple[PolicyPack, ...]:
    """The packs named by `refs` (built-in ids or files), in order, each once."""
    packs: dict[str, PolicyPack] = {}
    for ref in dict.fromkeys(refs):
        pack = load_pack(ref)
        if pack.id in packs:
            raise PolicyError(
                f"{pack.source}: pack id {pack.id!r} is also the id of {packs[pack.id].source}"
            )
        packs[pack.id] = pack
    return tuple(packs.values())


def load_pack(ref: str) -> PolicyPack:
    """The pack named by `ref` (a built-in id or a file), with `extends` resolved."""
    return _load(_pack_path(ref, None), ())


def _pack_path(ref: str, relative_to: Path | None) -> Path:
    if is_pack_file(ref):
        path = (relative_to / ref) if relative_to is not None else Path(ref)
        if not path.is_file():
            raise PolicyError(f"{ref}: policy pack file not found")
        return path
    builtin = builtin_pack_files()
    if ref not in builtin:
        raise PolicyError(f"no built-in policy pack {ref!r} (built-in: {', '.join(builtin)})")
    return builtin[ref]


def _load(path: Path, chain: tuple[Path, ...]) -> PolicyPack:
    if path.resolve() in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path.resolve()))
        raise PolicyError(f"{path}: field 'extends': packs extend each other in a cycle: {cycle}")
    document = read_pack_document(path)
    if "extends" not in document:
        return _pack_from(document, path)
    base = _load(_pack_path(document["extends"], path.parent), (*chain, path.resolve()))
    return _extend(base, document, path)


def read_pack_document(path: Path) -> dict[str, Any]:
    """The pack file's document, schema-checked; errors name the file, control and field.

    Cached by the file's bytes (policyctl.core.cache), as rule files are: parsing and schema
    checks would otherwise cost every pre-commit run a quarter of a second.
    """
    return cached_yaml("pack", path, _read_pack_document)


def _read_pack_document(path: Path) -> dict[str, Any]:
    document = load_yaml(path, PolicyError)
    if isinstance(document, dict) and "extends" not in document:
        for key in ("overrides", "disable"):
            if key in document:
                raise PolicyError(f"{path}: field '{key}': only a pack that extends another has it")
    problems = schema_problems(document, "pack")
    if problems:
        problem = problems[0]
        raise PolicyError(f"{path}: {_describe(document, problem.path)}: {problem.message}")
    assert isinstance(document, dict)
    return document


def _describe(document: Any, where: tuple[str | int, ...]) -> str:
    """'control <id>: field <name>' for a schema path such as ('controls', 3, 'mode')."""
    if len(where) >= 2 and where[0] == "controls" and isinstance(where[1], int):
        entry = document["controls"][where[1]]
        control_id = entry.get("id") if isinstance(entry, dict) else None
        name = (
            f"control {control_id}" if isinstance(control_id, str) else f"control #{where[1] + 1}"
        )
        rest = ".".join(map(str, where[2:]))
        return f"{name}: field '{rest}'" if rest else name
    return f"field '{'.'.join(map(str, where))}'" if where else "file"


def _pack_from(document: dict[str, Any], path: Path) -> PolicyPack:
    framework = document["framework"]
    controls = tuple(_control_from(entry) for entry in document["controls"])
    _check_unique(controls, path)
    globs = {
        name
        for control in controls
        for clause in (*control.selects, *control.excludes)
        for name in clause.rules
        if is_glob(name)
    }
    if len(globs) > MAX_NAME_GLOBS:
        raise PolicyError(
            f"{path}: {len(globs)} rule id globs in the controls' selects and excludes; "
            f"at most {MAX_NAME_GLOBS}: list rule ids, tags or categories instead"
        )
    return PolicyPack(
        id=document["id"],
        name=document["name"],
        version=str(document["version"]),
        framework=Framework(framework["name"], str(framework["version"]), framework["url"]),
        controls=controls,
        description=document.get("description", ""),
        sensitivity=tuple(sorted(document.get("sensitivity", {}).items())),
        breach_notification=_duties(document.get("breach_notification", ())),
        data_subject_rights=_rights(document.get("data_subject_rights", ())),
        rules=tuple(str(path.parent / r) for r in document.get("rules", ())),
        source=str(path),
    )


def _control_from(entry: dict[str, Any]) -> Control:
    return Control(
        id=str(entry["id"]),
        title=entry["title"],
        description=entry["description"].strip(),
        selects=tuple(_selector_from(clause) for clause in entry["selects"]),
        excludes=tuple(_selector_from(clause) for clause in entry.get("excludes", ())),
        mode=entry["mode"],
        min_severity=entry.get("min_severity", "info"),
        paths=tuple(entry.get("paths", ())),
        sources=tuple(entry.get("sources", ())),
        unserved=entry.get("unserved"),
    )


def _selector_from(clause: dict[str, Any]) -> Selector:
    return Selector(
        rules=tuple(clause.get("rules", ())),
        tags=tuple(clause.get("tags", ())),
        categories=tuple(clause.get("categories", ())),
        data_classes=tuple(clause.get("data_classes", ())),
    )


def _check_unique(controls: Sequence[Control], path: Path) -> None:
    seen: set[str] = set()
    for control in controls:
        if control.id in seen:
            raise PolicyError(f"{path}: control {control.id}: field 'id': defined twice")
        seen.add(control.id)


def _extend(base: PolicyPack, document: dict[str, Any], path: Path) -> PolicyPack:
    """`base` with the document's overrides, disabled controls and added controls."""
    known = {c.id for c in base.controls}
    overrides: dict[str, dict[str, Any]] = document.get("overrides", {})
    disabled = set(document.get("disable", ()))
    for key, named in (("overrides", set(overrides)), ("disable", disabled)):
        unknown = sorted(named - known)
        if unknown:
            raise PolicyError(
                f"{path}: field '{key}': pack {base.id!r} has no control {unknown[0]!r}"
            )
    added = tuple(_control_from(entry) for entry in document.get("controls", ()))
    for control in added:
        if control.id in known:
            raise PolicyError(
                f"{path}: control {control.id}: already in pack {base.id!r}; "
                "change it with 'overrides' or 'disable' it"
            )
    controls = tuple(
        _override(c, overrides.get(c.id, {})) for c in base.controls if c.id not in disabled
    )
    _check_unique(added, path)
    framework = document.get("framework")
    return PolicyPack(
        id=document["id"],
        name=document["name"],
        version=str(document["version"]),
        framework=(
            Framework(framework["name"], str(framework["version"]), framework["url"])
            if framework
            else base.framework
        ),
        controls=controls + added,
        description=document.get("description", base.description),
        sensitivity=tuple(
            sorted({**dict(base.sensitivity), **document.get("sensitivity", {})}.items())
        ),
        rules=base.rules + tuple(str(path.parent / r) for r in document.get("rules", ())),
        source=str(path),
        extends=base.id,
        breach_notification=(
            _duties(document["breach_notification"])
            if "breach_notification" in document
            else base.breach_notification
        ),
        data_subject_rights=(
            _rights(document["data_subject_rights"])
            if "data_subject_rights" in document
            else base.data_subject_rights
        ),
    )


def _override(control: Control, changes: dict[str, Any]) -> Control:
    return replace(
        control,
        mode=changes.get("mode", control.mode),
        min_severity=changes.get("min_severity", control.min_severity),
        paths=tuple(changes.get("paths", control.paths)),
        sources=tuple(changes.get("sources", control.sources)),
    )


# Selection: which rules a control chooses, and which findings it applies to.


@dataclass(frozen=True)
class RuleTraits:
    """What a selector looks at: the same for a rule and for a finding it produced."""

    id: str
    category: str
    data_class: str
    tags: tuple[str, ...]

    @classmethod
    def of_rule(cls, rule: Rule) -> RuleTraits:
        return cls(rule.id, rule.category, rule.data_class, rule.tags)

    @classmethod
    def of_finding(cls, finding: Finding) -> RuleTraits:
        return cls(finding.rule_id, finding.category, finding.data_class, finding.tags)


def clause_selects(clause: Selector, traits: RuleTraits) -> bool:
    """True when the rule meets every field the clause gives."""
    return (
        (not clause.rules or any(fnmatchcase(traits.id, r) for r in clause.rules))
        and (not clause.tags or any(t in traits.tags for t in clause.tags))
        and (not clause.categories or traits.category in clause.categories)
        and (not clause.data_classes or traits.data_class in clause.data_classes)
    )


def control_selects(control: Control, traits: RuleTraits) -> bool:
    """True when a `selects` clause chooses the rule and no `excludes` clause does."""
    return any(clause_selects(c, traits) for c in control.selects) and not any(
        clause_selects(c, traits) for c in control.excludes
    )


def in_scope(control: Control, finding: Finding) -> bool:
    """True when the finding is severe enough, and in the paths and sources the control covers."""
    return (
        severity_rank(finding.severity) >= severity_rank(control.min_severity)
        and (not control.sources or finding.source_kind in control.sources)
        and (not control.paths or paths_cover(finding.location.path, control.paths))
    )


@lru_cache(maxsize=65536)
def paths_cover(path: str, globs: tuple[str, ...]) -> bool:
    """path_matches, remembered: many findings share a file, and globs are many."""
    return path_matches(path, globs)


def serving_rules(control: Control, rules: Iterable[Rule]) -> list[Rule]:
    """The rules whose findings this control judges (at its minimum severity or above)."""
    floor = severity_rank(control.min_severity)
    return [
        rule
        for rule in rules
        if severity_rank(rule.severity) >= floor
        and control_selects(control, RuleTraits.of_rule(rule))
    ]


def selection_problems(pack: PolicyPack, rules: Sequence[Rule]) -> list[str]:
    """What in the pack's selections points at nothing: a rule id that does not exist, or
    a clause that chooses no rule. Each problem names the control."""
    index = _RuleIndex(rules)
    problems: list[str] = []
    for control in pack.controls:
        for number, clause in enumerate(control.selects, 1):
            missing = [r for r in clause.rules if not is_glob(r) and r not in index.by_id]
            for rule_id in missing:
                problems.append(f"control {control.id}: selects unknown rule {rule_id!r}")
            if not missing and not index.chosen_by(clause):
                problems.append(f"control {control.id}: selects clause #{number} chooses no rule")
    return problems


class _RuleIndex:
    """The rules by each field a clause names, so that what a clause chooses is a few set
    operations, not a test of every rule (a pack of thousands of controls would take
    seconds per thousand): clause_selects over every rule, as sets of positions."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.count = len(rules)
        self.by_id: dict[str, set[int]] = {}
        self.by_tag: dict[str, set[int]] = {}
        self.by_category: dict[str, set[int]] = {}
        self.by_data_class: dict[str, set[int]] = {}
        for position, rule in enumerate(rules):
            self.by_id.setdefault(rule.id, set()).add(position)
            self.by_category.setdefault(rule.category, set()).add(position)
            self.by_data_class.setdefault(rule.data_class, set()).add(position)
            for tag in rule.tags:
                self.by_tag.setdefault(tag, set()).add(position)
        self.globbed: dict[str, set[int]] = {}

    def chosen_by(self, clause: Selector) -> set[int]:
        """The positions of the rules that meet every field the clause gives."""
        chosen = set(range(self.count))
        for meeting in (
            [self._named(name) for name in clause.rules],
            [self.by_tag.get(tag, set()) for tag in clause.tags],
            [self.by_category.get(category, set()) for category in clause.categories],
            [self.by_data_class.get(data_class, set()) for data_class in clause.data_classes],
        ):
            if meeting:
                chosen &= set().union(*meeting)
        return chosen

    def _named(self, name: str) -> set[int]:
        if not is_glob(name):
            return self.by_id.get(name, set())
        if name not in self.globbed:
            self.globbed[name] = glob_positions(name, self.by_id)
        return self.globbed[name]


def selection_notices(packs: Iterable[PolicyPack], rules: Sequence[Rule]) -> list[Notice]:
    """The selection problems of the packs of a scan, as warnings: the scan goes on. A
    pack's first NOTICED_PROBLEMS are named, the rest counted."""
    notices: list[Notice] = []
    for pack in packs:
        problems = selection_problems(pack, rules)
        notices.extend(
            Notice(pack.source, f"pack {pack.id}: {problem}")
            for problem in problems[:NOTICED_PROBLEMS]
        )
        if len(problems) > NOTICED_PROBLEMS:
            more = len(problems) - NOTICED_PROBLEMS
            notices.append(Notice(pack.source, f"pack {pack.id}: and {more} more such problems"))
    return notices


NOTICED_PROBLEMS = 10


def pack_rule_paths(packs: Iterable[PolicyPack]) -> list[str]:
    """The rule files and folders the packs bring with them."""
    return [path for pack in packs for path in pack.rules]


@dataclass(frozen=True)
class ControlCoverage:
    """Which rules serve one control of a pack: `served`, `not-assessed` (the control
    says why no rule can serve it) or `unserved` (no rule does, and no reason given)."""

    pack: PolicyPack
    control: Control
    rules: tuple[str, ...]

    @property
    def status(self) -> str:
        if self.rules:
            return "served"
        return "not-assessed" if self.control.unserved else "unserved"


def coverage(packs: Iterable[PolicyPack], rules: Sequence[Rule]) -> list[ControlCoverage]:
    """Every control of every pack with the rules that serve it."""
    return [
        ControlCoverage(pack, control, tuple(r.id for r in serving_rules(control, rules)))
        for pack in packs
        for control in pack.controls
    ]


def pack_digest(pack: PolicyPack) -> str:
    """SHA-256 of the pack as applied (after `extends`), leaving out where its files are,
    so the same policy gives the same digest wherever it is installed."""
    document = {k: v for k, v in asdict(pack).items() if k not in ("source", "rules")}
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def control_ref(pack: PolicyPack, control: Control) -> str:
    """How reports name a control: `pack:control`, e.g. `hipaa:164.312(b)`."""
    return f"{pack.id}:{control.id}"


def _duties(entries: Iterable[dict[str, Any]]) -> tuple[BreachDuty, ...]:
    return tuple(
        BreachDuty(
            notify=e["notify"],
            within=e["within"],
            source=e["source"],
            hours=e.get("hours"),
            condition=e.get("condition", ""),
        )
        for e in entries
    )


def _rights(entries: Iterable[dict[str, Any]]) -> tuple[SubjectRight, ...]:
    return tuple(SubjectRight(right=e["right"], source=e["source"]) for e in entries)
