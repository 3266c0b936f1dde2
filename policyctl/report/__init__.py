"""Output formats, one module each, all rendered from the JSON report.

Adding a format is adding a module with `render(report, options) -> str` and one line
in FORMATS. Modules are imported only when used, to keep start-up fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from policyctl.report.interface import Renderer, RenderOptions
from policyctl.report.text import display

FORMATS: dict[str, str] = {
    "terminal": "policyctl.report.terminal",
    "json": "policyctl.report.json",
    "sarif": "policyctl.report.sarif",
    "junit": "policyctl.report.junit",
    "markdown": "policyctl.report.markdown",
    "csv": "policyctl.report.csv",
    "html": "policyctl.report.html",
}

EXTENSIONS: dict[str, str] = {
    "terminal": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "junit.xml",
    "markdown": "md",
    "csv": "csv",
    "html": "html",
}


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


JSON_FORMATS = ("json", "sarif")
"""Formats that keep file names that are not UTF-8 as JSON escapes themselves."""


def render(report: dict[str, Any], name: str, options: RenderOptions) -> str:
    """The report in format `name`; in the text formats, a file name's undecodable bytes
    are shown as `\\xNN` (policyctl.report.text), so every format can be written as UTF-8."""
    text = renderer(name)(report, options)
    return text if name in JSON_FORMATS else display(text)


__all__ = ["EXTENSIONS", "FORMATS", "RenderOptions", "render", "renderer"]
