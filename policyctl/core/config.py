"""The configuration: .policyctl.yaml, POLICYCTL_* variables and command-line options.

Precedence is command line > environment > file > defaults. Scalars take the value of
the strongest layer that sets them; lists (`exclude`, `rules`) are joined across layers,
so a command-line `--exclude` adds to the file's excludes instead of replacing them.

Each command reads typed settings: `Settings` for the commands that scan (scan, profile,
baseline), `RedactSettings` for redact, `DetokenizeSettings` for detokenize; each is
resolved from the command's typed overrides (`Overrides`, `RedactOverrides`,
`DetokenizeOverrides`). Every default lives here, in `Settings`, so this module imports
only the core and the schemas: nothing from detection, sources, policy or evidence.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from policyctl.core.builtin import is_pack_file, resolve_pack_ref
from policyctl.core.errors import ConfigError
from policyctl.core.model import SEVERITIES, Waiver
from policyctl.core.yamlfile import cached_yaml, load_yaml
from policyctl.schemas import schema_problems

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Section = TypeVar("_Section", bound="DataclassInstance")

CONFIG_NAMES = (".policyctl.yaml", ".policyctl.yml")

# The defaults every layer reads: here, so that configuration depends on nothing above it.
DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_FAIL_ON = "high"
"""Without policy packs (and without --fail-on), findings at or above this severity block."""
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_TIME_BUDGET = 60.0
"""Seconds one file (or one block of a log or table) may take to scan."""
DEFAULT_MAX_ARCHIVE_DEPTH = 2
"""Archives are opened this many levels deep (1: not the archives inside them; 0: none)."""
DEFAULT_MAX_ARCHIVE_SIZE = 256 * 1024 * 1024
"""Decompressed bytes one archive on disk may yield, everything nested in it included."""
DEFAULT_AUDIT_LOG = "$XDG_STATE_HOME/policyctl/audit.jsonl"
"""Where the audit log goes unless the command line, the environment or a config says
otherwise (see `default_audit_log`): never into the scanned tree."""
RUN_MODES = ("warn", "block")
"""The modes --mode may force on every control."""
CONFIG_TRUSTS = ("repo", "none")
"""Whether the scanned repository's own config is read (repo) or ignored (none)."""
ENV_PREFIX = "POLICYCTL_"


@dataclass(frozen=True)
class Settings:
    """Every setting, after the layers are merged: what the commands that scan read (scan,
    profile, baseline), and where each default lives (the other commands' settings are
    typed sections of it: RedactSettings, DetokenizeSettings)."""

    exclude: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 0
    fail_on: str | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    engine: str = "auto"
    gitignore: bool = True
    config_path: str | None = None
    baseline: str | None = None
    packs: tuple[str, ...] = ()
    mode: str | None = None
    waivers: tuple[Waiver, ...] = ()
    audit_log: str | None = None
    """Where each scan appends its audit entry: None for `default_audit_log()`, "" for none."""
    as_kind: str | None = None
    per_cell: bool = False
    per_place: bool = False
    """One finding per place a secret is at, not one per rule and value (detection.repeats)."""
    sample_rows: int | None = None
    redaction: Mapping[str, Any] | None = None
    """The `redaction:` section, read by policyctl.redaction.policy."""
    allow_paths: tuple[str, ...] = ()
    allow_values: tuple[str, ...] = ()
    allow_sha256: tuple[str, ...] = ()
    allow_incomplete: bool = False
    """An input that could not be scanned does not make the scan exit 2 (command line only)."""
    time_budget: float = DEFAULT_TIME_BUDGET
    """Seconds one file (or block) may take before it is a notice (command line only)."""
    follow_links: bool = False
    """Follow symlinks that lead out of the scanned folder (command line only)."""
    config_trust: str = "repo"
    jobs_capped: int | None = None
    """The `jobs` a config file or POLICYCTL_JOBS asked for, when it was over the CPU count
    and so capped (only --jobs may ask for more workers than CPUs)."""
    coverage_lowered: tuple[str, ...] = ()
    """What the scanned repository's own config changed that lowers coverage (see
    coverage_lowered), for the report to show."""
    max_archive_depth: int = DEFAULT_MAX_ARCHIVE_DEPTH
    max_archive_size: int = DEFAULT_MAX_ARCHIVE_SIZE
    enable: tuple[str, ...] = ()
    """Rule ids (globs), tags or categories to scan with; empty: every rule."""
    disable: tuple[str, ...] = ()
    """Rule ids (globs), tags or categories not to scan with."""
    detokenize_reason: str = "required"
    """`detokenize: {reason: optional}` lets detokenize run without --reason."""
    warnings: tuple[str, ...] = ()
    """Settings a repository's config asked for and did not get, said once per run."""


LIST_FIELDS = (
    "exclude",
    "rules",
    "packs",
    "allow_paths",
    "allow_values",
    "allow_sha256",
    "enable",
    "disable",
)


@dataclass(frozen=True)
class RedactSettings:
    """What `policyctl redact` reads: which inputs, the rules and how they match, the
    `redaction:` section, the worker count and the audit log (defaults: Settings')."""

    config_path: str | None
    rules: tuple[str, ...]
    exclude: tuple[str, ...]
    gitignore: bool
    engine: str
    min_confidence: float
    jobs: int
    sample_rows: int | None
    """The rows of each table the column verdicts read (whole-column redaction)."""
    redaction: Mapping[str, Any] | None
    audit_log: str | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DetokenizeSettings:
    """What `policyctl detokenize` reads: the audit log every run is recorded in, and
    whether a reason is required (defaults: Settings')."""

    config_path: str | None
    audit_log: str | None
    detokenize_reason: str


class DetokenizeOverrides(TypedDict, total=False):
    """The settings detokenize's command line sets, typed (None or absent: not set)."""

    config_path: str | None
    audit_log: str | None


class RedactOverrides(DetokenizeOverrides, total=False):
    """The settings redact's command line sets, typed (None or absent: not set)."""

    exclude: Sequence[str] | None
    rules: Sequence[str] | None
    jobs: int | None
    min_confidence: float | None
    engine: str | None
    gitignore: bool | None


class Overrides(RedactOverrides, total=False):
    """The settings the command line of a command that scans sets, typed (None or absent:
    not set). Each command passes the ones its options give; the file and environment
    layers fill the rest."""

    max_file_size: int | None
    fail_on: str | None
    baseline: str | None
    packs: Sequence[str] | None
    mode: str | None
    as_kind: str | None
    per_cell: bool | None
    per_place: bool | None
    sample_rows: int | None
    allow_incomplete: bool | None
    time_budget: float | None
    follow_links: bool | None
    config_trust: str | None
    max_archive_depth: int | None
    max_archive_size: int | None
    enable: Sequence[str] | None
    disable: Sequence[str] | None


def find_config(explicit: str | None, targets: Sequence[str]) -> Path | None:
    """The config file: --config (or POLICYCTL_CONFIG), else one in the first scanned
    folder, else one in the current folder."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return path
    folders = [Path(t) for t in targets[:1] if Path(t).is_dir()] + [Path.cwd()]
    for folder in folders:
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def load_config_file(path: Path) -> dict[str, Any]:
    """The file's settings, schema-checked; rule paths made relative to the file.

    Cached by the file's bytes (policyctl.core.cache): validation is most of start-up's cost.
    """
    return cached_yaml("config", path, _load_config_file)


def _load_config_file(path: Path) -> dict[str, Any]:
    document = load_yaml(path, ConfigError)
    if document is None:
        return {}
    problems = schema_problems(document, "config")
    if problems:
        where = ".".join(map(str, problems[0].path)) or "file"
        raise ConfigError(f"{path}: field '{where}': {problems[0].message}")
    values = dict(document)
    values.pop("version", None)
    if "rules" in values:
        values["rules"] = [str(path.parent / p) for p in values["rules"]]
    if "baseline" in values:
        values["baseline"] = str(path.parent / values["baseline"])
    if "max_file_size" in values:
        values["max_file_size"] = parse_size(values["max_file_size"], f"{path}: max_file_size")
    if "packs" in values:
        values["packs"] = [resolve_pack_ref(p, path.parent) for p in values["packs"]]
    if "waivers" in values:
        values["waivers"] = parse_waivers(values["waivers"], str(path))
    if "audit_log" in values:
        log = values["audit_log"]
        values["audit_log"] = str(path.parent / log) if log else ""
    if "detokenize" in values:
        values["detokenize_reason"] = values.pop("detokenize")["reason"]
    for key, listed in values.pop("allowlist", {}).items():
        values[f"allow_{key}"] = listed
    return values


def env_values(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings from POLICYCTL_* variables, parsed and checked."""
    parsers: dict[str, Any] = {
        "exclude": lambda v, _: [p.strip() for p in v.split(",") if p.strip()],
        "rules": lambda v, _: [p for p in v.split(os.pathsep) if p],
        "max_file_size": parse_size,
        "jobs": _parse_jobs,
        "fail_on": _parse_severity,
        "min_confidence": _parse_fraction,
        "engine": lambda v, name: _parse_choice(v, name, ("auto", "hyperscan", "re")),
        "gitignore": _parse_bool,
        "baseline": lambda v, _: v,
        "packs": lambda v, _: [p.strip() for p in v.split(",") if p.strip()],
        "mode": lambda v, name: _parse_choice(v.lower(), name, RUN_MODES),
        "audit_log": lambda v, _: "" if v.strip().lower() in ("off", "false", "0") else v,
        "per_cell": _parse_bool,
        "per_place": _parse_bool,
        "sample_rows": _parse_count,
        "max_archive_depth": _parse_depth,
        "max_archive_size": parse_size,
    }
    values: dict[str, Any] = {}
    for key, parse in parsers.items():
        name = ENV_PREFIX + key.upper()
        if env.get(name):
            values[key] = parse(env[name], name)
    return values


def merge_settings(*layers: Mapping[str, Any]) -> Settings:
    """Merge layers from weakest to strongest into Settings (None means 'not set'). A
    key that names no setting is an error, never silently dropped."""
    settings = Settings()
    known = [f.name for f in fields(Settings)]
    for layer in layers:
        unknown = sorted(set(layer) - set(known))
        if unknown:
            raise ConfigError(unknown_setting(unknown[0], known))
        for key, value in layer.items():
            if value is None:
                continue
            if key in LIST_FIELDS:
                value = tuple(dict.fromkeys((*getattr(settings, key), *value)))
            settings = replace(settings, **{key: value})
    return settings


def unknown_setting(name: str, known: Sequence[str]) -> str:
    """The error for a setting no layer knows: its name and the closest known one."""
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"unknown setting {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def resolve_redact_settings(
    cli: RedactOverrides, targets: Sequence[str], env: Mapping[str, str] | None = None
) -> RedactSettings:
    """Redact's settings: the same layers as a scan's (resolve_settings), its section."""
    return section(_resolve(cli, targets, env), RedactSettings)


def resolve_detokenize_settings(
    cli: DetokenizeOverrides, env: Mapping[str, str] | None = None
) -> DetokenizeSettings:
    """Detokenize's settings: the same layers (a config in the current folder counts)."""
    return section(_resolve(cli, (), env), DetokenizeSettings)


def section(settings: Settings, kind: type[_Section]) -> _Section:
    """The typed section `kind` of the merged settings: the fields it names, each from
    `settings`; a field that names no setting is an error naming the closest one."""
    known = [f.name for f in fields(Settings)]
    values = {}
    for name in (f.name for f in fields(kind)):
        if name not in known:
            raise ConfigError(unknown_setting(name, known))
        values[name] = getattr(settings, name)
    return kind(**values)


def resolve_settings(
    cli: Overrides, targets: Sequence[str], env: Mapping[str, str] | None = None
) -> Settings:
    """Settings for a run that scans: defaults, then the config file, then env, then the
    command line (see _resolve)."""
    return _resolve(cli, targets, env)


def _resolve(
    cli: Mapping[str, Any], targets: Sequence[str], env: Mapping[str, str] | None
) -> Settings:
    """The layers merged: defaults, then the config file, then env, then the command line.

    A config named by --config or POLICYCTL_CONFIG is the CI owner's, trusted. One found
    in the scanned folder (or the current one) is the repository's: it is read only under
    `config_trust` "repo" (the default), its `jobs` is capped at the CPU count, and every
    setting of it that lowers coverage is listed for the report (coverage_lowered).
    """
    env = os.environ if env is None else env
    trust = cli.get("config_trust") or env.get(ENV_PREFIX + "CONFIG_TRUST") or "repo"
    trust = _parse_choice(trust, "--config-trust", CONFIG_TRUSTS)
    explicit = cli.get("config_path") or env.get(ENV_PREFIX + "CONFIG")
    path = find_config(explicit, targets) if explicit or trust == "repo" else None
    file_values = dict(load_config_file(path)) if path else {}
    lowered: tuple[str, ...] = ()
    warnings: list[str] = []
    if path is not None and not explicit:
        lowered = coverage_lowered(file_values)
        file_values = confine_writes(file_values, path, warnings)
    env_layer = env_values(env)
    capped = None
    for layer in (file_values, env_layer):  # only the command line may ask for more
        if layer.get("jobs") and layer["jobs"] > available_cpus():
            capped, layer["jobs"] = layer["jobs"], available_cpus()
    settings = merge_settings(file_values, env_layer, cli)
    return replace(
        settings,
        config_path=str(path) if path else None,
        config_trust=trust,
        coverage_lowered=lowered,
        jobs_capped=capped if not cli.get("jobs") else None,
        warnings=tuple(warnings),
    )


def available_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


_LOWER_FAIL_ON = ("critical",)
"""fail_on values above the default (high): fewer findings block."""


def coverage_lowered(values: Mapping[str, Any]) -> tuple[str, ...]:
    """Each setting of a repository's config that scans less, finds less or blocks less
    than the defaults, worded for the report (values are never quoted: an allowlisted
    value may be a secret)."""
    lowered: list[str] = []
    if values.get("exclude"):
        globs = ", ".join(values["exclude"][:5]) + (" ..." if len(values["exclude"]) > 5 else "")
        lowered.append(f"exclude: {len(values['exclude'])} glob(s) not scanned ({globs})")
    size = values.get("max_file_size")
    if size is not None and size < DEFAULT_MAX_FILE_SIZE:
        lowered.append(f"max_file_size: {size} bytes (default {DEFAULT_MAX_FILE_SIZE})")
    confidence = values.get("min_confidence")
    if confidence is not None and confidence > DEFAULT_MIN_CONFIDENCE:
        lowered.append(f"min_confidence: {confidence} (default {DEFAULT_MIN_CONFIDENCE})")
    if values.get("mode") == "warn":
        lowered.append("mode: warn (no finding blocks)")
    if values.get("fail_on") in _LOWER_FAIL_ON:
        lowered.append(f"fail_on: {values['fail_on']} (default {DEFAULT_FAIL_ON})")
    for key, what in (("allow_paths", "path globs"), ("allow_values", "values")):
        if values.get(key):
            lowered.append(f"allowlist: {len(values[key])} {what} suppressed")
    if values.get("allow_sha256"):
        lowered.append(f"allowlist: {len(values['allow_sha256'])} value digests suppressed")
    if values.get("baseline"):
        lowered.append("baseline: findings it records are not reported")
    if values.get("waivers"):
        lowered.append(f"waivers: {len(values['waivers'])} suppress findings until they expire")
    if values.get("sample_rows"):
        lowered.append(f"sample_rows: {values['sample_rows']} (only the first rows of tables)")
    files = [Path(ref).name for ref in values.get("packs", ()) if is_pack_file(ref)]
    if files:
        # (with packs, their controls decide every finding's mode and no severity blocks
        # by default: a pack file of `mode: warn` controls lets a token pass; the built-in
        # packs block credentials, tests/unit/test_packs.py)
        lowered.append(
            f"packs: {len(files)} pack file(s) decide which findings block, "
            f"not severity {DEFAULT_FAIL_ON} and above ({', '.join(files[:5])})"
        )
    return tuple(lowered)


def default_audit_log(env: Mapping[str, str] | None = None) -> Path:
    """The user's audit log: `$XDG_STATE_HOME/policyctl/audit.jsonl`, else
    `~/.local/state/policyctl/audit.jsonl` (XDG: a relative XDG_STATE_HOME is ignored)."""
    env = os.environ if env is None else env
    state = env.get("XDG_STATE_HOME", "")
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "policyctl" / "audit.jsonl"


def confine_writes(values: dict[str, Any], path: Path, warnings: list[str]) -> dict[str, Any]:
    """A config found in the scanned tree (not named by --config) is the repository's: it
    may put the audit log inside its own folder, never elsewhere and never through a
    symbolic link. Anything else is dropped with a warning (the default log is used)."""
    log = values.get("audit_log")
    if not log:
        return values
    root = os.path.realpath(path.parent)
    target = os.path.join(os.path.realpath(os.path.dirname(log)), os.path.basename(log))
    if os.path.commonpath([root, target]) != root or os.path.islink(log):
        why = "is a symbolic link" if os.path.islink(log) else "is outside the repository"
        warnings.append(
            f"{path}: audit_log {log!r} {why}; a repository config may not choose where "
            "policyctl writes outside its tree, so the default audit log is used "
            "(name the log with --audit-log, POLICYCTL_AUDIT_LOG or --config)"
        )
        return {k: v for k, v in values.items() if k != "audit_log"}
    return values


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "m": 1000**2,
    "g": 1000**3,
    "ki": 1024,
    "mi": 1024**2,
    "gi": 1024**3,
}


def parse_size(value: Any, name: str) -> int:
    """Bytes from 1048576, '10MiB', '500 KB', '2g'."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    found = _SIZE.match(str(value))
    if not found:
        raise ConfigError(f"{name}: not a size: {str(value)[:40]!r} (try 10MiB or 5000000)")
    unit = (found.group(2) or "").lower().removesuffix("b")
    size = int(float(found.group(1)) * _UNITS[unit])
    if size <= 0:
        raise ConfigError(f"{name}: the size must be positive")
    return size


def _parse_jobs(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise ConfigError(f"{name}: must be a whole number (0 for one per CPU)")
    return int(value)


def _parse_depth(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise ConfigError(f"{name}: must be a whole number (0 turns archives off)")
    return int(value)


def _parse_count(value: str, name: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigError(f"{name}: must be a whole number of at least 1")
    return int(value)


def _parse_severity(value: str, name: str) -> str:
    return _parse_choice(value.lower(), name, SEVERITIES)


def _parse_choice(value: str, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ConfigError(f"{name}: must be one of {', '.join(choices)}")
    return value


def _parse_fraction(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise ConfigError(f"{name}: must be a number from 0 to 1")
    return number


def _parse_bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: must be true or false")


def parse_waivers(entries: Sequence[dict[str, Any]], where: str) -> tuple[Waiver, ...]:
    """Waivers from schema-checked config entries; `where` names the file for errors."""
    waivers = []
    for index, entry in enumerate(entries):
        if "fingerprint" in entry and ("rule" in entry or "path" in entry):
            raise ConfigError(
                f"{where}: field 'waivers.{index}': give either a fingerprint, "
                "or a rule and a path glob, not both"
            )
        waivers.append(
            Waiver(
                reason=entry["reason"],
                owner=entry["owner"],
                expires=date.fromisoformat(str(entry["expires"])),
                fingerprint=entry.get("fingerprint"),
                rule=entry.get("rule"),
                path=entry.get("path"),
            )
        )
    return tuple(waivers)
