"""Output formats, one module each, all rendered from the JSON report.

Adding a format is adding a module with `render(document, options) -> str` and one
line in FORMATS (its module and the extension of its file). Modules are imported only
when used, to keep start-up fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from policyctl.report.interface import Renderer, RenderOptions
from policyctl.report.text import display


@dataclass(frozen=True)
class Format:
    module: str
    extension: str
    """`--output-dir` writes the format to `report.<extension>`."""


FORMATS: dict[str, Format] = {
    "terminal": Format("policyctl.report.terminal", "txt"),
    "json": Format("policyctl.report.json", "json"),
    "sarif": Format("policyctl.report.sarif", "sarif"),
    "junit": Format("policyctl.report.junit", "junit.xml"),
    "markdown": Format("policyctl.report.markdown", "md"),
    "csv": Format("policyctl.report.csv", "csv"),
    "html": Format("policyctl.report.html", "html"),
}


JSON_FORMATS = ("json", "sarif")
"""Formats that keep file names that are not UTF-8 as JSON escapes themselves."""


def renderer(name: str) -> Renderer:
    """The format's render function; in the text formats, a file name's undecodable bytes
    come out as `\\xNN` (policyctl.report.text), so every format can be written as UTF-8."""
    module = importlib.import_module(FORMATS[name].module)
    render: Renderer = module.render
    if name in JSON_FORMATS:
        return render
    return lambda document, options: display(render(document, options))


def render(document: dict[str, Any], name: str, options: RenderOptions) -> str:
    """A report document in format `name` (a finished scan's Report renders itself)."""
    return renderer(name)(document, options)


__all__ = ["FORMATS", "Format", "RenderOptions", "render", "renderer"]
