"""The HTML report: self-contained, and working in a real headless browser (Chromium)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policyctl.report import RenderOptions, render
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def secrets_by_path() -> dict[str, str]:
    return {
        "app/settings.py": f'GITHUB_TOKEN = "{fakes.github_pat("html")}"\n',
        "deploy/slack.env": f"SLACK_BOT_TOKEN={fakes.slack_bot_token('html')}\n",
        "docs/example.md": f"Authorization: Bearer {fakes.jwt('html')}\n",
    }


@pytest.fixture
def html_report(git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl) -> Path:
    """The HTML report of a real scan, written by the installed command."""
    commit_all(git_repo, "secrets of three severities", dict(secrets_by_path()))
    output = tmp_path / "report.html"
    result = run_policyctl(
        "scan", git_repo, "--format", "html", "--output", output, "--no-audit", cwd=tmp_path
    )
    assert result.code == 1, result.err
    return output


def test_the_html_report_is_self_contained(html_report: Path) -> None:
    page = html_report.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the browser itself refuses any fetch


def test_the_html_report_holds_no_raw_secret(html_report: Path) -> None:
    assert_no_secret_in([html_report.read_text()], list(secrets_by_path().values()))


def test_the_html_report_escapes_what_it_shows() -> None:
    report = _report_with_controls()
    report["findings"][0]["location"]["path"] = "<script>alert(1)</script>.py"
    page = render(report, "html", RenderOptions())
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.py" in page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser.

    Skipped only where Chromium is missing and CI did not ask for the browser tests
    (.ci/run installs Chromium and sets POLICYCTL_REQUIRE_BROWSER=1).
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("POLICYCTL_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield launched
        launched.close()


def shown_rows(page: Any) -> list[str]:
    rows: list[str] = page.eval_on_selector_all(
        "#findings tbody tr[data-severity]",
        "rows => rows.filter(r => !r.hidden).map(r => r.dataset.path + ' ' + r.dataset.severity)",
    )
    return rows


def test_the_findings_table_renders_and_filters_in_a_real_browser(
    browser: Any, html_report: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html_report.as_uri())
    every = shown_rows(page)
    assert sorted(every) == [
        "app/settings.py critical",
        "deploy/slack.env high",
        "docs/example.md medium",
    ]
    assert page.inner_text("#shown-count") == "3 of 3 findings shown"
    page.select_option("#filter-severity", "high")
    assert shown_rows(page) == ["deploy/slack.env high"]
    page.select_option("#filter-severity", "")
    page.fill("#filter-path", "docs/")
    assert shown_rows(page) == ["docs/example.md medium"]
    assert page.inner_text("#shown-count") == "1 of 3 findings shown"
    page.fill("#filter-path", "")
    assert len(shown_rows(page)) == 3
    assert page.is_visible("#chart svg")
    assert page.inner_text("#summary").count("FAIL") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "html-report.png"), full_page=True)
    assert (ARTIFACTS / "html-report.png").stat().st_size > 10_000
    assert requests == [html_report.as_uri()]  # nothing fetched but the file itself
    page.close()


def test_the_pack_filter_shows_the_findings_of_one_pack(browser: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "packs.html"
    page_file.write_text(render(_report_with_controls(), "html", RenderOptions()))
    page = browser.new_page()
    page.goto(page_file.as_uri())
    options = page.eval_on_selector_all("#filter-pack option", "o => o.map(x => x.value)")
    assert options == ["", "gdpr", "soc2"]
    page.select_option("#filter-pack", "gdpr")
    assert shown_rows(page) == ["logs/app.log medium"]
    page.select_option("#filter-pack", "soc2")
    assert sorted(shown_rows(page)) == ["app/settings.py critical", "logs/app.log medium"]
    compliance = page.inner_text("#compliance")
    assert "SOC 2" in compliance and "89%" in compliance and "2016/679" in compliance
    assert page.inner_text("#risk-grade") == "C"
    assert "synthetic data" in page.inner_text("#waivers")
    page.close()


def _report_with_controls() -> dict[str, Any]:
    """A report as the policy-pack stage writes it: findings name `pack:control`s, and the
    report carries the packs, their compliance, waivers and a risk grade."""
    finding = {
        "title": "t",
        "category": "secret",
        "confidence": 0.9,
        "data_class": "credential",
        "preview": "ghp_…",
        "fingerprint": "0" * 32,
        "mode": "block",
        "suppressed": None,
    }
    counts = {"logged": 0, "not_assessed": 0, "controls": []}
    return {
        "schema_version": "1.0",
        "tool": {"name": "policyctl", "version": "0"},
        "scan": {
            "targets": ["."],
            "started": "2024-05-01T00:00:00Z",
            "finished": "2024-05-01T00:00:01Z",
            "duration_seconds": 1,
            "files": 2,
            "bytes": 10,
            "engine": "re",
            "rules": 1,
            "packs": [
                {"id": "soc2", "name": "SOC 2", "version": "2017"},
                {"id": "gdpr", "name": "GDPR", "version": "2016/679"},
            ],
        },
        "summary": {
            "findings": 2,
            "blocking": 1,
            "suppressed": 0,
            "by_severity": {"critical": 1, "medium": 1},
            "by_category": {"secret": 2},
            "risk": {"score": 61, "grade": "C"},
            "exit_code": 1,
        },
        "findings": [
            {
                **finding,
                "rule_id": "secret.github-pat",
                "severity": "critical",
                "location": {"path": "app/settings.py", "line": 1},
                "controls": ["soc2:CC6.1"],
            },
            {
                **finding,
                "rule_id": "pii.email",
                "severity": "medium",
                "category": "pii",
                "location": {"path": "logs/app.log", "line": 3},
                "mode": "warn",
                "controls": ["gdpr:Art.5(1)(c)", "soc2:P4.1"],
            },
        ],
        "compliance": [
            {
                "pack": "soc2",
                "name": "SOC 2",
                "score": 89,
                "passed": 8,
                "warned": 0,
                "blocked": 1,
                **counts,
            },
            {
                "pack": "gdpr",
                "name": "GDPR",
                "score": 83,
                "passed": 5,
                "warned": 1,
                "blocked": 0,
                **counts,
            },
        ],
        "waivers": [
            {
                "rule": "pii.email",
                "path": "tests/**",
                "reason": "synthetic data",
                "owner": "qa@example.com",
                "expires": "2099-01-01",
                "status": "active",
                "findings": [],
            },
        ],
        "notices": [],
    }
