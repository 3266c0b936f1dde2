"""A file name that is not UTF-8 (any bytes are a valid name on Linux) and holds a secret:
the scan reports it in every format, keeping the name losslessly where the format can
(JSON escapes, SARIF percent-encoding), and never crashes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from policyctl.schemas import schema_problems
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in

NAME = b"conf\xff\xfe.py"


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, str]:
    token = fakes.github_pat("undecodable")
    try:
        with open(os.path.join(os.fsencode(tmp_path), NAME), "w") as out:
            out.write(f"TOKEN = '{token}'\n")
    except OSError:
        pytest.skip("this file system refuses file names that are not UTF-8")
    return tmp_path, token


def report(run: RunPolicyctl, where: Path, fmt: str) -> tuple[int, str, str]:
    result = run("scan", ".", "-f", fmt, "--no-progress", cwd=where)
    return result.code, result.out, result.err


def test_the_json_report_keeps_the_name_as_surrogate_escapes(
    run_policyctl: RunPolicyctl, folder: tuple[Path, str]
) -> None:
    where, token = folder

    code, out, err = report(run_policyctl, where, "json")

    assert code == 1, err
    document: dict[str, Any] = json.loads(out)
    assert schema_problems(document, "report") == []
    [finding] = document["findings"]
    assert os.fsencode(finding["location"]["path"]) == NAME
    assert '"conf\\udcff\\udcfe.py"' in out
    assert_no_secret_in([out, err], [token])


def test_the_sarif_uri_percent_encodes_the_name_s_bytes(
    policyctl_in_process: RunPolicyctl, folder: tuple[Path, str]
) -> None:
    where, _ = folder

    code, out, err = report(policyctl_in_process, where, "sarif")

    assert code == 1, err
    sarif = json.loads(out)
    assert schema_problems(sarif, "sarif-2.1.0") == []
    [result] = sarif["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "conf%FF%FE.py"


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "junit", "html"])
def test_the_text_formats_show_the_undecodable_bytes(
    policyctl_in_process: RunPolicyctl, folder: tuple[Path, str], fmt: str
) -> None:
    where, token = folder

    code, out, err = report(policyctl_in_process, where, fmt)

    assert code == 1, err
    assert "conf\\xff\\xfe.py" in out
    assert_no_secret_in([out, err], [token])
