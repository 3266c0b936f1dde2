"""Output formats, one module each, all rendered from the JSON report.

Adding a format is adding a module with `render(report, options) -> str` and one line
in FORMATS. Modules are imported only when used, to keep start-up fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from policyctl.report.interface import Renderer, RenderOptions

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


def render(report: dict[str, Any], name: str, options: RenderOptions) -> str:
    return renderer(name)(report, options)


__all__ = ["EXTENSIONS", "FORMATS", "RenderOptions", "render", "renderer"]
