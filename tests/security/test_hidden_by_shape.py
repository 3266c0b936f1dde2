"""Issue 14 item 2 (and 22's UTF-16 JSON lines): a secret cannot hide behind a NUL byte,
padding past the size limit, a log that starts with NUL, or a UTF-16 byte-order mark."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunPolicyctl
from tests.fakes import github_pat


def _line(seed: str) -> bytes:
    return f'token = "{github_pat(seed)}"\n'.encode()


def _found(
    policyctl_in_process: RunPolicyctl, target: Path, *options: str
) -> list[dict[str, object]]:
    result = policyctl_in_process("scan", target, "-f", "json", *options)
    return [f["location"] for f in result.json()["findings"]]


def test_one_nul_byte_does_not_hide_a_text_file(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_bytes(b"# \0\n" + _line("nul"))
    assert _found(policyctl_in_process, tmp_path) == [{"path": "app.py", "line": 2, "column": 10}]


def test_a_text_file_padded_with_nul_bytes_is_scanned_with_a_warning(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_bytes(b"\0" * 20000 + b"\n" + _line("pad"))
    result = policyctl_in_process("scan", tmp_path, "-f", "json")
    assert [f["location"]["line"] for f in result.json()["findings"]] == [2]
    assert "its text parts are scanned" in result.err


def test_a_binary_format_behind_a_text_name_is_a_visible_warning(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "settings.yaml").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    result = policyctl_in_process("scan", tmp_path)
    assert "settings.yaml: skipped: a zip archive, though its name says text" in result.err


def test_a_file_over_the_size_limit_is_scanned_up_to_the_limit(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_bytes(_line("big") + b"#" * 5000 + b"\n")
    result = policyctl_in_process("scan", tmp_path, "--max-file-size", "1000", "-f", "json")
    assert result.code == 1
    assert [f["location"]["path"] for f in result.json()["findings"]] == ["app.py"]
    assert "only the first 1000 bytes scanned" in result.err


def test_a_log_starting_with_nul_is_scanned(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.log").write_bytes(b"\0boot\n" + _line("log"))
    assert _found(policyctl_in_process, tmp_path) == [{"path": "app.log", "line": 2, "column": 10}]


def test_a_utf16_log_with_a_bom_is_scanned(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = "boot\n" + _line("u16").decode()
    (tmp_path / "app.log").write_bytes(text.encode("utf-16"))
    assert _found(policyctl_in_process, tmp_path) == [{"path": "app.log", "line": 2, "column": 10}]


def test_a_utf16_jsonl_with_a_bom_is_read(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    ssn = "-".join(["536", "22", "1234"])
    text = f'{{"name": "A", "ssn": "{ssn}"}}\n{{"name": "B", "ssn": "{ssn}"}}\n'
    (tmp_path / "people.jsonl").write_bytes(text.encode("utf-16"))
    result = policyctl_in_process("scan", tmp_path, "-f", "json", "--pack", "gdpr")
    rules = {f["rule_id"] for f in result.json()["findings"]}
    assert "pii.us-ssn" in rules
    assert "not valid JSON" not in result.all_output
