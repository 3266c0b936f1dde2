"""Issue 14 item 22: a dataset that is not what its name says, or whose quoting swallows
its rows, is a visible note, never read silently."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.conftest import RunPolicyctl


def test_a_zip_named_csv_is_a_warning(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("people.csv", "name,email\nAnn,ann@acme-mail.com\n")
    (tmp_path / "people.csv").write_bytes(packed.getvalue())
    result = run_policyctl("scan", tmp_path, "-f", "json")
    [notice] = [n for n in result.json()["notices"] if n["path"] == "people.csv"]
    assert notice == {
        "path": "people.csv",
        "message": "skipped: a zip archive, though its name says csv",
        "level": "warning",
    }
    assert "people.csv: skipped: a zip archive" in result.err


def test_a_csv_with_an_unbalanced_quote_gets_a_note(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    rows = [f"P{i},p{i}@acme-mail.com,2024-01-0{i}" for i in range(1, 6)]
    text = "name,email,joined\n" + 'Ann,ann@acme-mail.com,"2024-01-01\n' + "\n".join(rows) + "\n"
    (tmp_path / "people.csv").write_text(text, encoding="utf-8")
    result = run_policyctl("scan", tmp_path, "-f", "json")
    messages = [n["message"] for n in result.json()["notices"] if n["path"] == "people.csv"]
    assert any("unbalanced quote" in m for m in messages)
    assert "unbalanced quote" in result.err
