"""The walk's shortcuts (issue 18) give the answers of the full checks they stand for:
excludes asked per name, the kind of a file by its ending, one read of a known size."""

from __future__ import annotations

import os
from itertools import product
from pathlib import Path

import pytest

from policyctl.core.globs import name_matches, path_matches
from policyctl.core.model import Notice
from policyctl.sources.archives import ArchiveItem, ArchiveOptions, archive_format
from policyctl.sources.datasets import DataItem, kind_for_name
from policyctl.sources.filesystem import FileItem, FileSystemSource, WalkOptions, read_file
from tests.conftest import git

GLOB_SETS = [
    ("rules/",),
    ("*.min.js", "node_modules"),
    ("docs/*.md",),
    ("/a/b.py", "**/c"),
    ("a\\b",),
    ("x", "a/*/y*"),
]
FOLDERS = ["", "a", "a/b", "src/lib", "a\\b", "docs"]
NAMES = ["b.py", "c", "app.min.js", "x.md", "y1", "e\\f", "rules", "README"]


@pytest.mark.parametrize("globs", GLOB_SETS)
def test_a_name_matches_as_its_whole_path_would(globs: tuple[str, ...]) -> None:
    for folder, name in product(FOLDERS, NAMES):
        if folder and path_matches(folder, globs):
            continue  # the walk does not enter such a folder
        path = f"{folder}/{name}" if folder else name
        assert name_matches(folder, name, globs) == path_matches(path, globs), (folder, name)


KIND_NAMES = [
    "a.py", "README", ".env", "notes.txt", "x.csv", "X.TSV", "t.psv", "d.jsonl", "d.parquet",
    "b.xlsx", "c.ods", "app.log", "APP.LOG", "app.log.1", "app.log-2024-01-02", "app.log_3",
    "app.1", "v1.2", "a.json", "a.json.gz", "a.csv.gz", "app.log.gz", "plain.gz", "x.py.gz",
    "t.tar", "t.tar.gz", "t.tgz", "t.tar.bz2", "plain.bz2", "t.tar.xz", "plain.xz", "t.txz",
    "a.zip", "A.ZIP", "a.jar", "w.whl", "p.nupkg", "a.apk", "a.logfile", "a.σ", "a.",
]  # fmt: skip


def test_the_kind_of_every_walked_file_is_the_full_checks_kind(tmp_path: Path) -> None:
    for name in KIND_NAMES:
        (tmp_path / name).write_bytes(b"x\n")
    options = WalkOptions(use_gitignore=False, archives=ArchiveOptions(max_depth=2))
    items = {i.display: i for i in FileSystemSource([str(tmp_path)], options).items()}
    assert sorted(items) == sorted(KIND_NAMES)
    for name, item in items.items():
        if archive_format(name) is not None:
            assert isinstance(item, ArchiveItem), name
        elif kind_for_name(name) is not None:
            assert isinstance(item, DataItem) and item.kind == kind_for_name(name), name
        else:
            assert isinstance(item, FileItem), name
    kinds = {n: type(items[n]).__name__ for n in ("a.py", "app.log.1", "t.tar.bz2", "plain.bz2")}
    assert kinds == {
        "a.py": "FileItem",
        "app.log.1": "DataItem",
        "t.tar.bz2": "ArchiveItem",
        "plain.bz2": "FileItem",
    }


def test_an_excluded_folder_is_not_entered(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "pkg").mkdir(parents=True)
    (tmp_path / "node_modules" / "pkg" / "index.js").write_text("x\n")
    (tmp_path / "app.js").write_text("x\n")
    options = WalkOptions(use_gitignore=False, exclude=("node_modules",))
    assert [i.display for i in FileSystemSource([str(tmp_path)], options).items()] == ["app.js"]


@pytest.mark.parametrize("listed_size", [0, 5, 11, 12, 1000])
def test_a_file_is_read_whole_whatever_size_it_had_when_listed(
    tmp_path: Path, listed_size: int
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello world")  # 11 bytes: it grew, kept its size, or shrank
    assert read_file(str(path), listed_size) == b"hello world"
    assert read_file(str(path), listed_size, limit=5) == b"hello"


def test_a_file_larger_than_one_read_block_that_grew_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    data = os.urandom(3 * 1024 * 1024 + 7)
    path.write_bytes(data)
    assert read_file(str(path), 10) == data


def test_an_unreadable_file_is_one_notice(tmp_path: Path) -> None:
    pieces = list(FileItem(str(tmp_path / "gone.txt"), "gone.txt", 10).load())
    assert pieces == [Notice("gone.txt", "cannot be read: No such file or directory", "error")]


WALKED = ["a/b.py", "a/b/c.py", "a/c.py", "docs/x.md", "docs/api/y.md", "lib/app.min.js", "z.py"]


@pytest.mark.parametrize("globs", GLOB_SETS)
@pytest.mark.parametrize("in_git", [True, False])
def test_a_walk_leaves_out_what_path_matches_says(
    tmp_path: Path, globs: tuple[str, ...], in_git: bool
) -> None:
    for name in WALKED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    if in_git:
        git(tmp_path, "init", "-q")
    options = WalkOptions(use_gitignore=in_git, exclude=globs)
    walked = [i.display for i in FileSystemSource([str(tmp_path)], options).items()]
    assert sorted(walked) == sorted(p for p in WALKED if not path_matches(p, globs))
