"""The time a run reports: now, or SOURCE_DATE_EPOCH's moment for reproducible output.

Every timestamp that lands in a report, an SBOM or provenance comes from here, so one
variable makes two runs on the same input byte-identical (reproducible-builds.org).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from policyctl.core.errors import ConfigError

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def fixed_time(env: Mapping[str, str] | None = None) -> datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, or None when it is not set."""
    value = (os.environ if env is None else env).get(EPOCH_VARIABLE, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(f"{EPOCH_VARIABLE}: must be a whole number of seconds since 1970")
    return datetime.fromtimestamp(int(value), UTC)


def now(env: Mapping[str, str] | None = None) -> datetime:
    """The time to report: SOURCE_DATE_EPOCH's when set, else the clock's (UTC)."""
    return fixed_time(env) or datetime.now(UTC)


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC to the second, with a Z: 2024-05-01T12:00:00Z."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
