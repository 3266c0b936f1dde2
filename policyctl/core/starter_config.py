"""The commented starter .policyctl.yaml that `policyctl init` writes."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from policyctl.core.model import PolicyPack

HEADER = """\
# policyctl configuration, found in the scanned folder (or given with --config).
# Precedence: command line > POLICYCTL_* environment variables > this file > defaults.
# Lists (exclude, rules, packs) add up across those layers.
version: 1

# Policy packs to enforce (`policyctl policy list`; `policyctl policy show ID`).
# Each finding takes the strictest mode of the controls it violates: block fails the
# scan (exit code 1), warn and log are reported only. Without packs, findings of
# severity fail_on (default high) and above block, the others warn.
"""

BODY = """\
#   - ./policies/our-pack.yaml   # your own pack, e.g. `extends: soc2` with overrides

# Run-wide override: warn = advisory run that never fails; block = warnings block too.
# mode: warn

# Findings at or above this severity block, whatever the packs say.
# fail_on: critical

# Paths not to scan (.gitignore-style globs), e.g. vendored code or generated files.
# exclude:
#   - vendor/
#   - "*.min.js"

# Extra rule files or folders, relative to this file.
# rules:
#   - ./policyctl-rules/

# Matches below this confidence (0 to 1) are dropped.
# min_confidence: 0.5

# Files larger than this are skipped with a note.
# max_file_size: 10MiB

# Worker processes; 0 is one per CPU.
# jobs: 0

# Regex engine: auto (Hyperscan when it is installed, else Python's re), hyperscan or re.
# engine: auto

# Inside a git work tree, skip what .gitignore ignores.
# gitignore: true

# Baseline of accepted findings, relative to this file (policyctl baseline create).
# baseline: .policyctl-baseline.json

# Datasets: one finding per matching cell (true) or one per column and rule (false).
# per_cell: false

# Datasets: scan only the first N rows of each table; unset scans every row.
# sample_rows: 1000

# Findings never blocking, reported as suppressed ("allowlist"): by path glob, by value
# regex, or by the SHA-256 of the value (so the value itself is not written here).
# allowlist:
#   paths: ["tests/fixtures/**"]
#   values: ["^EXAMPLE-"]
#   sha256: []

# Strategies of `policyctl redact` (mask, hash, tokenize ...): see the README's
# "Redaction" section.
# redaction:
#   default: mask

# Exceptions. A waived finding stays in the report, marked as waived, and does not
# count. Each waiver needs a reason, an owner and the last day it applies; after that
# day it is reported as expired and no longer applies. One that covers nothing is
# reported as stale.
# waivers:
#   - fingerprint: 0123456789abcdef0123456789abcdef   # a finding's "fingerprint"
#     reason: Test key from the vendor's documentation, never live
#     owner: security-team
#     expires: 2026-12-31
#   - rule: pii.email-address  # a rule id or glob ...
#     path: docs/**            # ... in these paths
#     reason: Public contact addresses in the documentation
#     owner: docs-team
#     expires: 2026-12-31
"""


def starter_config(available: Sequence[PolicyPack], chosen: Sequence[str]) -> str:
    """The starter file: every setting of the config schema, commented out at its
    default; every built-in pack listed, those `chosen` switched on."""
    width = max((len(p.id) for p in available), default=0)
    lines = ["packs:" if chosen else "# packs:"]
    for pack in available:
        prefix = "  - " if pack.id in chosen else "#   - "
        lines.append(f"{prefix}{pack.id.ljust(width)}   # {pack.name}")
    known = {p.id for p in available}
    lines += [f"  - {ref}" for ref in chosen if ref not in known]
    text = HEADER + "\n".join(lines) + "\n" + BODY
    return text + _undocumented(text)


def _undocumented(text: str) -> str:
    """Settings of the schema the text above does not show, each with its description,
    so that the starter file always lists every setting."""
    from policyctl.schemas import load_schema

    shown = set(re.findall(r"^#? ?([a-z_]+):", text, flags=re.MULTILINE))
    extra = []
    for name, spec in load_schema("config")["properties"].items():
        if name not in shown:
            description = textwrap.wrap(str(spec.get("description", "")), 86)
            comment = "".join(f"# {line}\n" for line in description)
            extra.append(f"\n{comment}# {name}:\n")
    return "".join(extra)
