"""Suppression a user writes down: inline ignore comments and allowlists in .policyctl.yaml.

A suppressed finding is still reported (auditors see what was waved through, and why),
with `Finding.suppressed` set to a short reason, and it never blocks a scan:

- "inline": the line of the finding, or the line before it, carries `policyctl: ignore`,
  `policyctl: ignore[rule-id, other-rule]`, or a marker teams bring from other tools:
  `gitleaks:allow` (gitleaks) and `pragma: allowlist secret` (detect-secrets);
- "allowlist": the finding's path matches an allowlisted glob, or its value matches an
  allowlisted regex or has an allowlisted sha256 (so the value itself need not be
  written in the config); or a pattern allowlist brought from another tool (a
  `.gitleaks.toml`, see policyctl.policy.migrate) lets it pass.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from itertools import islice
from operator import itemgetter

from policyctl.core.errors import ConfigError
from policyctl.core.globs import path_matches
from policyctl.engine.regex_safety import unsafe_reason

INLINE = "inline"
ALLOWLIST = "allowlist"

# Matched against the lower-cased text (same offsets, ASCII-only lowering), so no
# IGNORECASE: its scan is many times slower on a multi-megabyte minified line.
_MARKERS = re.compile(
    rb"policyctl:\s*ignore(?:\[(?P<rules>[^\]\r\n]*)\])?|gitleaks:allow|pragma:\s*allowlist\s+secret"
)

_MARKER_LITERALS = (b"policyctl:", b"gitleaks:allow", b"pragma:")
"""Text every match of _MARKERS holds."""


@lru_cache(maxsize=2)
def _markers(data: bytes) -> tuple[tuple[int, str | None], ...]:
    """Every inline marker in `data`, found in one pass and kept for the chunk's other
    findings: its offset and the rule ids it lists (None: every rule)."""
    found: list[tuple[int, str | None]] = []
    lowered = data.lower()
    if not any(literal in lowered for literal in _MARKER_LITERALS):
        return ()  # (a few fast searches: the alternation's scan is slow on megabytes)
    for marker in _MARKERS.finditer(lowered):
        start, end = marker.span("rules")
        listed = None if start < 0 else data[start:end].decode("utf-8", "replace")
        found.append((marker.start(), listed))
    return tuple(found)


def may_have_inline_markers(data: bytes) -> bool:
    """Does `data` hold any inline marker at all? (Answered once per text.)"""
    return bool(_markers(data))


def inline_ignored(data: bytes, offset: int, rule_id: str) -> bool:
    """True when the line holding `offset`, or the line before, ignores `rule_id`."""
    markers = _markers(data)
    if not markers:
        return False
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line_end = len(data) if line_end < 0 else line_end
    previous_start = data.rfind(b"\n", 0, max(0, line_start - 1)) + 1 if line_start else 0
    for at, listed in islice(
        markers, bisect_left(markers, previous_start, key=itemgetter(0)), None
    ):
        if at >= line_end:
            return False
        if _ignores(listed, rule_id):
            return True
    return False


def _ignores(listed: str | None, rule_id: str) -> bool:
    if listed is None:
        return True
    names = [n.strip() for n in listed.split(",") if n.strip()]
    return not names or any(fnmatchcase(rule_id, name) for name in names)


@dataclass(frozen=True)
class PatternAllowlist:
    """Path regexes, value regexes, stopwords (substrings of the value, any case) and
    commits: a finding matching any of them passes, or, with `all_of`, one matching
    every kind that is given (gitleaks' `condition = "AND"`)."""

    paths: tuple[re.Pattern[str], ...] = ()
    values: tuple[re.Pattern[str], ...] = ()
    stopwords: tuple[str, ...] = ()
    commits: frozenset[str] = frozenset()
    all_of: bool = False

    @classmethod
    def compile(
        cls,
        where: str,
        paths: Iterable[str] = (),
        values: Iterable[str] = (),
        stopwords: Iterable[str] = (),
        commits: Iterable[str] = (),
        all_of: bool = False,
        problems: list[str] | None = None,
    ) -> PatternAllowlist:
        """A bad regex is a ConfigError naming `where` and the field, or, when a
        `problems` list is given, is left out and described there."""
        return cls(
            _compiled(paths, f"{where}: paths", problems),
            _compiled(values, f"{where}: regexes", problems),
            tuple(word.lower() for word in stopwords if word),
            frozenset(commit.lower() for commit in commits if commit),
            all_of,
        )

    def lets_pass(self, path: str, value: str, commit: str | None) -> bool:
        checks = []
        if self.paths:
            checks.append(any(regex.search(path) for regex in self.paths))
        if self.values:
            checks.append(any(regex.search(value) for regex in self.values))
        if self.stopwords:
            lowered = value.lower()
            checks.append(any(word in lowered for word in self.stopwords))
        if self.commits:
            checks.append(commit is not None and commit.lower() in self.commits)
        if not checks:
            return False
        return all(checks) if self.all_of else any(checks)


def _compiled(
    patterns: Iterable[str], where: str, problems: list[str] | None = None
) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for index, pattern in enumerate(patterns, 1):
        try:
            with warnings.catch_warnings():
                # "possible nested set": syntax another regex dialect reads differently
                warnings.simplefilter("error", FutureWarning)
                reason = unsafe_reason(pattern) or ""
                regex = re.compile(pattern)
        except (re.error, FutureWarning) as exc:
            reason = str(exc)
        if not reason:
            compiled.append(regex)
            continue
        problem = f"{where} #{index}: not a usable regular expression: {reason}"
        if problems is None:
            raise ConfigError(problem)
        problems.append(problem)
    return tuple(compiled)


@dataclass(frozen=True)
class Allowlist:
    """Paths (globs), value regexes and value sha256 digests whose findings are suppressed,
    and pattern allowlists brought from other tools."""

    paths: tuple[str, ...] = ()
    values: tuple[re.Pattern[str], ...] = ()
    sha256: frozenset[str] = frozenset()
    patterns: tuple[PatternAllowlist, ...] = ()

    @classmethod
    def compile(
        cls, paths: Iterable[str] = (), values: Iterable[str] = (), sha256: Iterable[str] = ()
    ) -> Allowlist:
        """Check and prepare the config's allowlist; a bad entry is a ConfigError naming it."""
        compiled = []
        for index, pattern in enumerate(values, 1):
            where = f"allowlist.values #{index}"
            reason = unsafe_reason(pattern)
            if reason:
                raise ConfigError(f"{where}: not a usable regular expression: {reason}")
            compiled.append(re.compile(pattern))
        digests = set()
        for index, digest in enumerate(sha256, 1):
            if re.fullmatch(r"[0-9a-fA-F]{64}", digest) is None:
                raise ConfigError(f"allowlist.sha256 #{index}: not a sha256 hex digest")
            digests.add(digest.lower())
        return cls(tuple(paths), tuple(compiled), frozenset(digests))

    def __bool__(self) -> bool:
        return bool(self.paths or self.values or self.sha256 or self.patterns)

    def reason(self, path: str, value: str, commit: str | None = None) -> str | None:
        """ALLOWLIST when the path, the value or the commit is allowlisted, else None."""
        if self.paths and path_matches(path, self.paths):
            return ALLOWLIST
        if any(regex.search(value) for regex in self.values):
            return ALLOWLIST
        if self.sha256 and value_sha256(value) in self.sha256:
            return ALLOWLIST
        if any(allowed.lets_pass(path, value, commit) for allowed in self.patterns):
            return ALLOWLIST
        return None


def value_sha256(value: str) -> str:
    """The digest to put in `allowlist.sha256` for a value (`policyctl` prints none itself)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
