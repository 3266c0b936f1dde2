"""Hostile archives: bombs, deep nesting, many entries, traversal names, links, escapes."""

from __future__ import annotations

import io
import os
import random
import stat
import string
import tarfile
import time
import zipfile
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl
from tests.e2e.test_archives import tar_bytes, zip_bytes

MIB = 1024 * 1024


def _notices(report: dict[str, object]) -> dict[str, str]:
    notices = report["notices"]
    assert isinstance(notices, list)
    return {n["path"]: n["message"] for n in notices}


def _paths(report: dict[str, object]) -> set[str]:
    """Every place a finding is at (a secret found in several is one finding)."""
    findings = report["findings"]
    assert isinstance(findings, list)
    return {
        where["path"]
        for f in findings
        for where in (f["location"], *(p["location"] for p in f.get("also_at", ())))
    }


def test_a_zip_bomb_member_is_a_notice_and_the_other_members_are_still_scanned(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("beside-bomb")
    bomb = b"\0" * (9 * MIB)  # about 9 KiB compressed: a thousand times smaller
    (tmp_path / "a.zip").write_bytes(zip_bytes({"bomb.txt": bomb, "real.py": f"t = '{token}'\n"}))

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    assert _paths(report) == {"a.zip!real.py"}
    assert "expands more than 100 times its compressed size" in _notices(report)["a.zip!bomb.txt"]


def test_a_compressed_tar_bomb_is_refused_before_it_is_decompressed(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "b.tar.gz").write_bytes(tar_bytes({"zeros.log": b"\0" * (64 * MIB)}, "w:gz"))

    started = time.monotonic()
    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    assert time.monotonic() - started < 30
    assert "decompression bomb" in _notices(report)["b.tar.gz"]


def test_deeply_nested_archives_stop_at_the_depth_limit(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    content = zip_bytes({"core.py": f"t = '{fakes.github_pat('core')}'\n"})
    for level in range(30):
        content = zip_bytes({f"level{level}.zip": content})
    (tmp_path / "nest.zip").write_bytes(content)

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    assert report["findings"] == []
    assert _notices(report) == {
        "nest.zip!level29.zip!level28.zip": "skipped: archive nested deeper than "
        "--max-archive-depth 2"
    }


def test_many_small_nested_bombs_share_one_budget(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    """Each member under the ratio, but together more than --max-archive-size."""
    rng = random.Random(7)
    text = "".join(rng.choice(string.ascii_letters + " \n") for _ in range(600 * 1024))
    inner = zip_bytes({f"part{i}.txt": text for i in range(3)})
    (tmp_path / "outer.zip").write_bytes(zip_bytes({"inner.zip": inner, "more.txt": text}))

    report = policyctl_in_process(
        "scan", ".", "--max-archive-size", "1MiB", "-f", "json", cwd=tmp_path
    ).json()

    messages = _notices(report)
    assert any(
        "stopped after 1.0 MiB of decompressed data, the limit per archive" in message
        for message in messages.values()
    )


def test_an_archive_declaring_too_many_entries_is_not_opened(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(100_001):
            archive.writestr(f"e{index}", "")
    (tmp_path / "many.zip").write_bytes(buffer.getvalue())

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    assert _notices(report)["many.zip"] == (
        "skipped: declares 100,001 entries, over the limit of 100,000 per archive"
    )


def test_traversal_member_names_are_labels_and_nothing_is_written(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    members = {
        "../../escaped.py": f"t = '{fakes.github_pat('up')}'\n",
        "/tmp/absolute.py": f"t = '{fakes.github_pat('abs')}'\n",
    }
    (scanned / "t.zip").write_bytes(zip_bytes(members))
    (scanned / "t.tar").write_bytes(tar_bytes(members))
    before = sorted(p for p in tmp_path.rglob("*"))

    report = policyctl_in_process("scan", ".", "--no-audit", "-f", "json", cwd=scanned).json()

    assert _paths(report) == {
        "t.zip!../../escaped.py",
        "t.zip!/tmp/absolute.py",
        "t.tar!../../escaped.py",
        "t.tar!/tmp/absolute.py",
    }
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/absolute.py").exists()


def test_link_members_are_never_followed(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f"t = '{fakes.github_pat('outside')}'\n")
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        link = tarfile.TarInfo("link.py")
        link.type, link.linkname = tarfile.SYMTYPE, str(outside / "secret.py")
        archive.addfile(link)
        hard = tarfile.TarInfo("hard.py")
        hard.type, hard.linkname = tarfile.LNKTYPE, str(outside / "secret.py")
        archive.addfile(hard)
    (scanned / "links.tar").write_bytes(buffer.getvalue())
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        info = zipfile.ZipInfo("zlink.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, str(outside / "secret.py"))
    (scanned / "links.zip").write_bytes(zipped.getvalue())

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=scanned).json()

    assert report["findings"] == []
    notices = _notices(report)
    for where in ("links.tar!link.py", "links.tar!hard.py", "links.zip!zlink.py"):
        assert notices[where] == "skipped: link inside an archive (not followed)"


def test_control_characters_in_member_names_cannot_forge_output(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    name = "x\x1b[2J\nFORGED.py"
    (tmp_path / "e.zip").write_bytes(zip_bytes({name: f"t = '{fakes.github_pat('esc')}'\n"}))

    run = run_policyctl("scan", ".", "--no-progress", "-f", "json", cwd=tmp_path)

    assert "\x1b" not in run.out + run.err
    assert _paths(run.json()) == {"e.zip!x\\x1b[2J\\x0aFORGED.py"}


def test_an_encrypted_member_is_a_notice_not_a_crash(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    plain = zip_bytes({"locked.py": "x = 1\n"})
    # set the "encrypted" flag bit in the local and central headers of a real zip
    flagged = bytearray(plain)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = flagged.find(signature)
        flagged[at + offset] |= 0x1
    (tmp_path / "locked.zip").write_bytes(bytes(flagged))

    run = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path)

    assert run.code == 0
    assert _notices(run.json())["locked.zip!locked.py"].startswith("skipped: encrypted member")
    assert os.listdir(tmp_path) == ["locked.zip"]
