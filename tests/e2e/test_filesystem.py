"""The filesystem source: what is scanned, what is skipped, and what the user is told."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policyctl.core.model import Chunk, Notice
from policyctl.sources.filesystem import FileItem, FileSystemSource, WalkOptions
from tests import fakes
from tests.conftest import RunPolicyctl, commit_all, git, write_files

TOKEN = fakes.github_pat("walk")


def scanned_paths(*targets: Path | str, **options: object) -> list[str]:
    source = FileSystemSource([str(t) for t in targets], WalkOptions(**options))  # type: ignore[arg-type]
    # FileItem, or DataItem for logs and datasets (debug.log below)
    return [i.display for i in source.items() if not isinstance(i, Notice)]  # type: ignore[union-attr]


def notices(*targets: Path, **options: object) -> dict[str, str]:
    source = FileSystemSource([str(t) for t in targets], WalkOptions(**options))  # type: ignore[arg-type]
    return {i.path: i.message for i in source.items() if isinstance(i, Notice)}


def test_gitignored_files_are_not_scanned_in_a_work_tree(git_repo: Path) -> None:
    commit_all(git_repo, "init", {".gitignore": "build/\n*.log\n", "app.py": "x = 1\n"})
    write_files(git_repo, {"build/out.js": "y", "debug.log": "z", "new.py": "untracked"})
    assert scanned_paths(git_repo) == [".gitignore", "app.py", "new.py"]


def test_no_ignore_scans_gitignored_files_too(git_repo: Path) -> None:
    commit_all(git_repo, "init", {".gitignore": "*.log\n", "app.py": "x = 1\n"})
    write_files(git_repo, {"debug.log": "z"})
    assert "debug.log" in scanned_paths(git_repo, use_gitignore=False)


def test_a_folder_that_git_ignores_is_scanned_when_named(git_repo: Path) -> None:
    commit_all(git_repo, "init", {".gitignore": "vendor/\n"})
    write_files(git_repo, {"vendor/lib.py": "x"})
    assert scanned_paths(git_repo / "vendor") == ["lib.py"]


def test_outside_git_every_file_is_scanned_but_not_git_internals(tmp_path: Path) -> None:
    write_files(tmp_path, {"b.txt": "", "a/z.txt": "", "a/b/c.txt": "", ".git/config": ""})
    assert sorted(scanned_paths(tmp_path)) == ["a/b/c.txt", "a/z.txt", "b.txt"]


def test_excludes_match_folders_names_and_paths(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "node_modules/x/i.js": "",
            "src/app.min.js": "",
            "src/app.js": "",
            "docs/api/ref.md": "",
            "docs/intro.md": "",
        },
    )
    kept = sorted(scanned_paths(tmp_path, exclude=("node_modules", "*.min.js", "docs/api")))
    assert kept == ["docs/intro.md", "src/app.js"]


def test_several_targets_are_named_with_their_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"one/a.txt": "", "two/b.txt": "", "c.txt": ""})
    monkeypatch.chdir(tmp_path)
    assert scanned_paths("one", "two", "c.txt") == ["one/a.txt", "two/b.txt", "c.txt"]


def test_files_over_the_size_limit_are_scanned_up_to_it_with_a_note(tmp_path: Path) -> None:
    write_files(tmp_path, {"big.txt": "x" * 3000, "small.txt": "x"})
    source = FileSystemSource([str(tmp_path)], WalkOptions(max_file_size=1000))
    [big, _small] = [i for i in source.items() if isinstance(i, FileItem)]
    [note, chunk] = big.load()
    assert note == Notice(
        "big.txt", "only the first 1000 bytes scanned: the file is larger (--max-file-size)"
    )
    assert isinstance(chunk, Chunk) and chunk.data == b"x" * 1000


def test_symlink_loops_and_folder_links_are_not_followed(tmp_path: Path) -> None:
    write_files(tmp_path, {"real/a.txt": "x"})
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert scanned_paths(tmp_path) == ["real/a.txt"]
    told = notices(tmp_path)
    assert told["real/loop"] == "skipped: symlink to a folder (not followed)"
    assert told["self"] == "skipped: symlink loop"
    assert told["dangling"] == "skipped: broken symlink"


def test_devices_and_fifos_are_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert scanned_paths(tmp_path) == []
    assert notices(tmp_path)["pipe"] == "skipped: not a regular file"


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"\x00\x01" * 40 + TOKEN.encode())
    [piece] = FileItem(str(tmp_path / "x.bin"), "x.bin", 120).load()
    assert piece == Notice("x.bin", "skipped: binary file", level="info")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_transcoded_to_utf8(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(f"token: {TOKEN}\n".encode(encoding))
    [piece] = FileItem(str(path), "t.txt", 0).load()
    assert isinstance(piece, Chunk)
    assert piece.data == f"token: {TOKEN}\n".encode()


def test_latin1_text_is_scanned_as_it_is(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (tmp_path / "l.txt").write_bytes("café = 'ñ'\ntoken=".encode("latin-1") + TOKEN.encode())
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    [finding] = result.json()["findings"]
    assert finding["location"]["line"] == 2


def test_a_file_that_cannot_be_read_is_one_error_and_the_scan_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "was-a-file").mkdir()  # replaced by a folder between walk and read
    [piece] = FileItem(str(tmp_path / "was-a-file"), "was-a-file", 10).load()
    assert piece == Notice("was-a-file", "cannot be read: Is a directory", "error")


def test_submodules_are_scanned_through_their_own_listing(tmp_path: Path, git_repo: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q", "-b", "main")
    commit_all(library, "lib", {"lib.py": "x = 1\n"})
    commit_all(git_repo, "init", {"app.py": "y = 2\n"})
    git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib")
    assert scanned_paths(git_repo) == [".gitmodules", "app.py", "lib/lib.py"]


def test_tracked_files_deleted_from_the_work_tree_are_not_reported(git_repo: Path) -> None:
    commit_all(git_repo, "init", {"gone.py": "x\n", "kept.py": "y\n"})
    (git_repo / "gone.py").unlink()
    assert scanned_paths(git_repo) == ["kept.py"]
