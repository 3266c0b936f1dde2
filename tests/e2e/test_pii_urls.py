"""Web addresses as personal data (`pii.url`), through the command: an address about a
person is reported wherever it stands, a plain address where it is the record of a
visit or of someone's page, and never a link or a reference in documentation."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl

SITE = "https://www." + "acme-widgets.co.uk"
DOCS = "https://docs." + "acme-widgets.co.uk"


def url_lines(run: RunPolicyctl, folder: Path, text: str, name: str = "a.log") -> list[int]:
    """The lines where `pii.url` is reported in a file holding `text`."""
    (folder / name).write_text(text, encoding="utf-8")
    found = run("scan", name, "-f", "json", "--no-progress", cwd=folder)
    assert found.code in (0, 1), found.all_output
    return [f["location"]["line"] for f in found.json()["findings"] if f["rule_id"] == "pii.url"]


@pytest.mark.parametrize(
    "line",
    [
        SITE + "/",  # alone on its line, as a value on its own
        f'10.1.2.3 - - [05/Dec/2026:10:00:00 +0000] "GET /cart HTTP/1.1" 200 5 "{SITE}/sale"',
        f"GET {SITE}/orders/77 200",
        f"redirected to {SITE}/basket",
        f"profile: {SITE}/about",
        f'<a href="{SITE}/users/jdoe">Jo</a>',  # a link, but to a person's page
        f"see {SITE}/view?uid=4711",  # a reference, but naming a user
        f"see {SITE}/~jdoe/notes",
        f"2026-12-05 10:00:01 INFO fetched {SITE}/feed in 20 ms",  # free text in a log
    ],
)
def test_an_address_of_a_visit_or_about_a_person_is_reported(
    line: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert url_lines(policyctl_in_process, tmp_path, line + "\n") == [1]


@pytest.mark.parametrize(
    "line",
    [
        f'<p>For more information, see <a href=\\"{DOCS}/guide/setup.html\\">Setup</a>.</p>',
        f"For more information, see {DOCS}/guide/setup.html.",
        f'  "xmlNamespace":{{"uri":"{SITE}/doc/2020-05-31/"}}',
        '  "url": "https://portal.sso.{Region}.acme-widgets.co.uk",',
        f'<p>Call <a href=\\"{DOCS}/latest/user/API_GetPolicy.html\\">GetPolicy</a></p>',
        f'      "documentation": "Lists the codes, as at {DOCS}/codes",',
    ],
)
def test_a_link_or_reference_in_documentation_is_not_reported(
    line: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert url_lines(policyctl_in_process, tmp_path, line + "\n") == []


def test_a_date_inside_a_documentation_link_is_not_a_date_either(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.log").write_text(f'  "uri":"{SITE}/doc/2020-05-31/"\n', encoding="utf-8")
    found = policyctl_in_process("scan", "a.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert found.json()["findings"] == []


def test_a_gzipped_json_service_description_read_as_a_log_has_no_url_findings(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    """The installed command on a document shaped like botocore's service models (the
    `.json.gz` files that gave 10,201 findings before): links in documentation strings,
    namespaces and endpoint templates; a user's page in the same file is still found."""
    operations = {
        f"Op{n}": {
            "http": {"method": "POST", "requestUri": "/things"},
            "documentation": (
                f'<p>Creates a thing. For more information, see <a href="{DOCS}/guide/op{n}'
                f'.html#perm">Op{n}</a> and the <a href="{DOCS}/api/Op{n}.html">API</a>.</p>'
            ),
        }
        for n in range(40)
    }
    document = {
        "metadata": {"xmlNamespace": {"uri": f"{SITE}/doc/2020-05-31/"}},
        "operations": operations,
        "examples": {"owner": f"{SITE}/users/jdoe"},
    }
    text = json.dumps(document, indent=2)
    (tmp_path / "service-2.json.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    found = run_policyctl("scan", "service-2.json.gz", "-f", "json", "--no-progress", cwd=tmp_path)
    urls = [f for f in found.json()["findings"] if f["rule_id"] == "pii.url"]
    owner_line = text.splitlines().index(f'    "owner": "{SITE}/users/jdoe"') + 1
    assert [f["location"]["line"] for f in urls] == [owner_line]
    assert "jdoe" not in found.out  # the preview never shows the address whole
