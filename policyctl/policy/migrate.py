"""Coming from detect-secrets or gitleaks: their findings as baseline entries, and a
`.gitleaks.toml` allowlist read as an allowlist, so a team switches without triaging
everything again.

The formats are read as their tools document them:

- a detect-secrets baseline (`.secrets.baseline`): JSON with `results`, an object keyed
  by file name, each a list of `{type, filename, hashed_secret, line_number}` (and
  `is_secret` once audited); `hashed_secret` is the SHA-1 hex digest of the value;
- a gitleaks JSON report (`gitleaks detect --report-format json`): a list of
  `{RuleID, File, StartLine, Secret, Match, Commit, Fingerprint ...}`; `Secret` is
  `REDACTED` when gitleaks ran with `--redact`;
- `.gitleaks.toml`: a global `[allowlist]` table (or `[[allowlists]]`) with `paths` and
  `regexes` (regular expressions), `stopwords`, `commits`, `regexTarget` and `condition`.

Their entries are mapped to policyctl findings by scanning the same files: a finding at
the entry's path and line, confirmed by the value when the entry holds one (its SHA-1 or
the raw value, compared in memory and never printed); when the value shows the line
moved, the finding with that value elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.core.model import Finding, Notice
from policyctl.detection.suppress import PatternAllowlist
from policyctl.policy.baseline import FALSE_POSITIVE, TRUE_POSITIVE, BaselineEntry

GITLEAKS_CONFIG = ".gitleaks.toml"
DETECT_SECRETS = "detect-secrets"
GITLEAKS = "gitleaks"


@dataclass(frozen=True)
class ForeignEntry:
    """One finding another tool recorded. `secret` is the raw value when the tool wrote
    it (gitleaks without --redact): kept in memory to match, never shown."""

    path: str
    line: int | None
    kind: str
    sha1: str | None = None
    secret: str | None = None
    commit: str | None = None
    verdict: str | None = None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def same_value(self, value: str | None) -> bool | None:
        """Whether `value` is the entry's value; None when either is unknown."""
        if value is None or (self.sha1 is None and self.secret is None):
            return None
        if self.secret is not None:
            return value == self.secret
        return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest() == self.sha1


@dataclass(frozen=True)
class ForeignFile:
    tool: str
    entries: tuple[ForeignEntry, ...]


def read_foreign(path: Path) -> ForeignFile:
    """A detect-secrets baseline or a gitleaks JSON report, told apart by shape; a
    ConfigError naming the file (and the entry) when it is neither."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {type(exc).__name__}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(document, dict) and isinstance(document.get("results"), dict):
        return ForeignFile(DETECT_SECRETS, tuple(_detect_secrets_entries(document, path)))
    if isinstance(document, list):
        return ForeignFile(GITLEAKS, tuple(_gitleaks_entries(document, path)))
    raise ConfigError(
        f"{path}: neither a detect-secrets baseline (an object with 'results') nor a "
        "gitleaks JSON report (a list of findings)"
    )


def _detect_secrets_entries(document: dict[str, Any], path: Path) -> Iterable[ForeignEntry]:
    for filename, results in sorted(document["results"].items()):
        if not isinstance(results, list):
            raise ConfigError(f"{path}: results.{filename}: not a list of secrets")
        for index, result in enumerate(results):
            where = f"{path}: results.{filename}.{index}"
            line = _field(result, "line_number", int, where)
            hashed = _field(result, "hashed_secret", str, where)
            is_secret = result.get("is_secret")
            verdict = {True: TRUE_POSITIVE, False: FALSE_POSITIVE}.get(is_secret)
            yield ForeignEntry(
                path=_clean(str(result.get("filename") or filename)),
                line=line,
                kind=str(result.get("type", "secret")),
                sha1=hashed.lower(),
                verdict=verdict if isinstance(is_secret, bool) else None,
            )


def _gitleaks_entries(document: list[Any], path: Path) -> Iterable[ForeignEntry]:
    for index, result in enumerate(document):
        where = f"{path}: finding #{index + 1}"
        if not isinstance(result, dict):
            raise ConfigError(f"{where}: not an object")
        file = _field(result, "File", str, where)
        line = _field(result, "StartLine", int, where)
        secret = result.get("Secret")
        known = isinstance(secret, str) and secret and secret != "REDACTED"
        yield ForeignEntry(
            path=_clean(file),
            line=line,
            kind=str(result.get("RuleID", "secret")),
            secret=secret if known else None,
            commit=str(result.get("Commit") or "") or None,
        )


def _field(entry: Any, name: str, kind: type, where: str) -> Any:
    value = entry.get(name) if isinstance(entry, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"{where}: field '{name}' is missing or not a {kind.__name__}")
    return value


def _clean(path: str) -> str:
    cleaned = path.replace("\\", "/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    return cleaned


@dataclass(frozen=True)
class Mapping:
    """The result of mapping another tool's entries onto this scan's findings."""

    entries: tuple[BaselineEntry, ...]
    matched: tuple[ForeignEntry, ...]
    unmatched: tuple[ForeignEntry, ...]


def map_entries(foreign: Sequence[ForeignEntry], findings: Sequence[Finding]) -> Mapping:
    """Each foreign entry's findings: those at its path and line whose value is its value
    (or, when no value is known or none matches, every finding on that line); when the
    line holds none, those with its value elsewhere in the same file (the line moved).

    `findings` carry their raw values (`Finding.secret`) when the caller scanned with
    them; personal-data findings and scans without values match by line alone.
    """
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.location.path].append(finding)
    entries: dict[BaselineEntry, BaselineEntry] = {}
    matched: list[ForeignEntry] = []
    unmatched: list[ForeignEntry] = []
    for entry in foreign:
        chosen = _chosen(entry, by_path.get(entry.path, []))
        if not chosen:
            unmatched.append(entry)
            continue
        matched.append(entry)
        for finding in chosen:
            accepted = BaselineEntry(finding.rule_id, finding.fingerprint, verdict=entry.verdict)
            if accepted not in entries or entries[accepted].verdict is None:
                entries[accepted] = accepted
    return Mapping(tuple(sorted(entries.values())), tuple(matched), tuple(unmatched))


def _chosen(entry: ForeignEntry, candidates: list[Finding]) -> list[Finding]:
    on_line = [f for f in candidates if f.location.line == entry.line]
    if entry.commit is not None and any(f.location.commit == entry.commit for f in on_line):
        on_line = [f for f in on_line if f.location.commit == entry.commit]
    same = [f for f in on_line if entry.same_value(f.secret)]
    if same:
        return same
    if on_line:
        return on_line
    return [f for f in candidates if entry.same_value(f.secret)]


def find_gitleaks_config(targets: Sequence[str]) -> Path | None:
    """`.gitleaks.toml` in the first scanned folder, else in the current one."""
    folders = [Path(t) for t in targets[:1] if Path(t).is_dir()] + [Path.cwd()]
    for folder in folders:
        if (folder / GITLEAKS_CONFIG).is_file():
            return folder / GITLEAKS_CONFIG
    return None


def gitleaks_allowlists(path: Path) -> tuple[tuple[PatternAllowlist, ...], list[Notice]]:
    """The global allowlists of a `.gitleaks.toml`, and notices: what was read (a
    repository's file narrows a scan, so always visibly) and what could not be."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return (), [Notice(str(path), f"cannot be read: {type(exc).__name__}")]
    except tomllib.TOMLDecodeError as exc:
        return (), [Notice(str(path), f"not valid TOML, its allowlist is not used: {exc}")]
    tables: list[tuple[str, Any]] = []
    if "allowlist" in document:
        tables.append(("[allowlist]", document["allowlist"]))
    listed = document.get("allowlists", [])
    for index, table in enumerate(listed if isinstance(listed, list) else [listed], 1):
        tables.append((f"[[allowlists]] #{index}", table))
    notices: list[Notice] = []
    problems: list[str] = []
    allowlists: list[PatternAllowlist] = []
    for name, table in tables:
        if not isinstance(table, dict):
            notices.append(Notice(str(path), f"{name}: not a table; not used"))
            continue
        if table.get("targetRules"):
            notices.append(
                Notice(str(path), f"{name}: applies to gitleaks rules (targetRules); not used")
            )
            continue
        target = str(table.get("regexTarget", "secret")).lower()
        if target != "secret" and table.get("regexes"):
            notices.append(
                Notice(
                    str(path),
                    f"{name}: regexTarget {target!r}: its regexes are tried on the value only",
                )
            )
        allowed = PatternAllowlist.compile(
            f"{name}",
            paths=[go_regex(p) for p in _strings(table.get("paths"))],
            values=[go_regex(p) for p in _strings(table.get("regexes"))],
            stopwords=_strings(table.get("stopwords")),
            commits=_strings(table.get("commits")),
            all_of=str(table.get("condition", "OR")).upper() == "AND",
            problems=problems,
        )
        allowlists.append(allowed)
        notices.append(
            Notice(
                str(path),
                f"{name} read as an allowlist: {len(allowed.paths)} path regexes, "
                f"{len(allowed.values)} value regexes, {len(allowed.stopwords)} stopwords, "
                f"{len(allowed.commits)} commits",
            )
        )
    notices.extend(Notice(str(path), f"{problem}; left out") for problem in problems)
    return tuple(allowlists), notices


_POSIX_CLASSES = {
    "[:alnum:]": "0-9A-Za-z",
    "[:alpha:]": "A-Za-z",
    "[:ascii:]": "\\x00-\\x7f",
    "[:blank:]": " \\t",
    "[:digit:]": "0-9",
    "[:lower:]": "a-z",
    "[:upper:]": "A-Z",
    "[:space:]": "\\s",
    "[:word:]": "\\w",
    "[:xdigit:]": "0-9A-Fa-f",
}


def go_regex(pattern: str) -> str:
    """A gitleaks (Go RE2) pattern in Python's syntax, for what the two spell apart:
    POSIX classes inside brackets and `\\z` for the end of the text. Anything else
    Python does not read the same way is refused when compiled, and left out."""
    for posix, python in _POSIX_CLASSES.items():
        pattern = pattern.replace(posix, python)
    return pattern.replace("\\z", "\\Z")


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if isinstance(item, str | int) and str(item)]
