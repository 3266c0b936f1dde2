"""The JSON report, as it is: indented, keys in the order they were built (file names that
are not UTF-8 kept as `\\udcXX` escapes, see policyctl.report.text)."""

from __future__ import annotations

import json
from typing import Any

from policyctl.report.interface import RenderOptions
from policyctl.report.text import json_text


def render(report: dict[str, Any], options: RenderOptions) -> str:
    return json_text(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"
