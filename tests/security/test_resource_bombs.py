"""Issue 14 items 9 and 10: logs that would exhaust memory or time. A gzip bomb is a note
(and an incomplete scan), a single endless line is read in bounded windows, and the work
per finding does not grow with the length of its line."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import POLICYCTL, RunPolicyctl
from tests.fakes import github_pat

MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _peak_rss_mib(*args: str | os.PathLike[str]) -> tuple[int, float]:
    """Run the installed command; its exit code and its peak memory in MiB. A small
    interpreter starts it, so the peak is not that of this test process (a fork shares it)."""
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, POLICYCTL, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak_kib = measured.stdout.split()
    return int(code), int(peak_kib) / 1024


def test_a_gzip_bomb_is_an_error_note_not_a_hang(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    with gzip.open(tmp_path / "app.log.gz", "wb", compresslevel=9) as bomb:
        for _ in range(64):
            bomb.write(b"\n" * (1 << 20))
    result = run_policyctl("scan", tmp_path, "-f", "json")
    assert result.code == 2
    [missed] = result.json()["scan"]["incomplete"]
    assert missed["path"] == "app.log.gz"
    assert "gzip bomb" in missed["reason"]


def test_one_endless_log_line_is_read_in_bounded_memory(tmp_path: Path) -> None:
    line = tmp_path / "one.log"
    with line.open("wb") as out:
        for _ in range(96):
            out.write(b"a" * (1 << 20))
        out.write(b"\n")
    code, peak = _peak_rss_mib("scan", line, "-q", "--no-progress")
    assert code == 0
    assert peak < 160  # the line alone is 96 MiB; read whole, the scan peaks far above


def test_a_secret_across_the_edge_of_a_long_lines_window_is_found(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = github_pat("edge")
    start = (1 << 20) - 20  # the token straddles the first window's end
    (tmp_path / "one.log").write_bytes(
        b"x" * (start - 1) + b" " + token.encode() + b" " + b"y" * (1 << 20) + b"\n"
    )
    result = run_policyctl("scan", tmp_path, "-f", "json")
    [finding] = result.json()["findings"]
    assert finding["location"] == {"path": "one.log", "line": 1, "column": start + 1}


def test_a_personal_data_findings_identity_does_not_read_its_whole_line(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # Far from the value, the line differs: its place is the same, so is its fingerprint
    # (the per-finding work on a line of many matches must not grow with the line).
    near = " contact: jane.roe@acme-mail.com for details\n"
    prints = []
    for filler in ("a", "b"):
        folder = tmp_path / filler
        folder.mkdir()
        (folder / "app.log").write_text(filler * 5000 + "z" * 300 + near, encoding="utf-8")
        result = run_policyctl("scan", "app.log", "-f", "json", "--pack", "gdpr", cwd=folder)
        prints.append([f["fingerprint"] for f in result.json()["findings"]])
    assert prints[0] and prints[0] == prints[1]
