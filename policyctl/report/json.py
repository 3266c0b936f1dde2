"""The JSON report, as it is: indented, keys in the order they were built."""

from __future__ import annotations

import json
from typing import Any

from policyctl.report.interface import RenderOptions


def render(report: dict[str, Any], options: RenderOptions) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
