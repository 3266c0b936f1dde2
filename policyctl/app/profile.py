"""`profile --epsilon`: what personal data a dataset holds, released only as noisy counts.

A data-protection team may share "column `email` holds contact data in about 41% of its
rows" outside the team without sharing who is in the table. The scan runs as usual, on
this machine; what leaves it is one count per (column, data class) and per column, each
with discrete Laplace noise from OpenDP. One row is one person, so adding or removing a
person moves each count by at most one. The released set is fixed before looking at the
data — every column of the table (its name is schema, not data) times a fixed list of
data classes — so which counts appear reveals nothing; the budget `epsilon` is split
evenly over them (sequential composition), and rates are computed from the noisy counts
(post-processing, free).

A class's count is the number of rows that hold its most frequent kind in that column:
a lower bound of the rows holding the class, with sensitivity one (a maximum of counts
each moved by at most one moves by at most one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from policyctl.app.scan import ScanRequest, scan_result
from policyctl.core.config import Settings
from policyctl.core.errors import InputError
from policyctl.core.model import ColumnProfile
from policyctl.evidence import audit
from policyctl.redaction.noise import count_mechanism

RELEASED_CLASSES = (
    "contact",
    "financial",
    "government-id",
    "health",
    "identity",
    "location",
    "network",
    "credential",
)
"""The data classes every column reports a count for, found or not."""


@dataclass(frozen=True)
class ProfileRequest:
    targets: tuple[str, ...]
    settings: Settings
    epsilon: float
    command: tuple[str, ...] = ()
    warn: Callable[[str], None] | None = None
    """Where a warning about the audit log goes (a torn last line), if anywhere."""


def released_counts(columns: Sequence[ColumnProfile]) -> dict[str, dict[str, dict[str, int]]]:
    """The exact counts the release will add noise to: table -> column -> {"rows": n,
    class: n for every class in RELEASED_CLASSES}."""
    tables: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for column in columns:
        counts = {"rows": column.rows, **dict.fromkeys(RELEASED_CLASSES, 0)}
        for match in column.matches:
            if match.data_class in counts:
                counts[match.data_class] = max(counts[match.data_class], match.rows)
        tables[column.path][column.field] = counts
    return dict(tables)


def noisy_release(exact: dict[str, dict[str, dict[str, int]]], epsilon: float) -> dict[str, Any]:
    """Every count with noise, the epsilon each got, and rates from the noisy counts."""
    released = sum(len(counts) for columns in exact.values() for counts in columns.values())
    if released == 0:
        raise InputError("profile: no dataset column was read, so there is nothing to release")
    per_count = epsilon / released
    noisy = count_mechanism(per_count)
    tables = []
    for path in sorted(exact):
        columns = []
        for name in sorted(exact[path]):
            counts = {key: max(0, noisy(value)) for key, value in exact[path][name].items()}
            rows = counts.pop("rows")
            classes = {
                data_class: {
                    "rows": count,
                    "rate": round(min(1.0, count / rows), 4) if rows else 0.0,
                }
                for data_class, count in counts.items()
            }
            columns.append({"column": name, "rows": rows, "classes": classes})
        tables.append({"path": path, "columns": columns})
    return {
        "privacy": {
            "mechanism": "discrete laplace (OpenDP)",
            "epsilon": epsilon,
            "released_counts": released,
            "epsilon_per_count": per_count,
            "noise_scale": 1.0 / per_count,
            "unit": "one row (one person)",
            "note": "counts are noisy; rates are computed from the noisy counts",
        },
        "tables": tables,
    }


def run_profile(request: ProfileRequest) -> dict[str, Any]:
    """Scan the datasets, release their profile with noise, and record the release."""
    if not request.epsilon > 0:
        raise InputError("profile: --epsilon must be a positive number")
    result = scan_result(ScanRequest(targets=request.targets, settings=request.settings))
    release = noisy_release(released_counts(result.columns), request.epsilon)
    audit.record(
        "profile",
        {
            "command": ["policyctl", *request.command[1:]] if request.command else ["policyctl"],
            "targets": list(request.targets),
            "epsilon": request.epsilon,
            "released_counts": release["privacy"]["released_counts"],
        },
        request.settings.audit_log,
        warn=request.warn,
    )
    return release
