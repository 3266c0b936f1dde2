"""What a report format is: a function from the finished JSON report to text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class RenderOptions:
    """How the output will be seen: with colour (a terminal) and how wide."""

    color: bool = False
    width: int = 120


class Renderer(Protocol):
    def __call__(self, report: dict[str, Any], options: RenderOptions) -> str:
        """Render the report. A renderer reads the report and decides nothing."""
        ...
