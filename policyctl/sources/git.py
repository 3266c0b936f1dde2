"""Git sources: the history of all branches, a range of commits, and the staged index.

History and ranges are read from one streamed `git log -p -U0` process, parsed line by
line, so no history is ever held in memory. Only added lines are scanned, and each blob
(one version of a file) at most once: every line of every version was added by some
commit, so scanning what each commit added covers the whole history once. Merge commits
are read as dense combined diffs (`--cc`), which show only what the merge itself
introduced (an "evil merge"), not what it brought in from its parents.

The staged source reads the index (what `git commit` will record), never the work tree.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from policyctl.core.errors import InputError
from policyctl.core.globs import path_matches
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources import gitrun
from policyctl.sources.cells import CellBatcher
from policyctl.sources.datasets import (
    DATASETS_EXTRA,
    DataItem,
    DataOptions,
    cell_text,
    kind_for_name,
)
from policyctl.sources.interface import Item, Source
from policyctl.sources.tabular import SNIFF_CHARS, column_names, json_leaves, sniff_layout
from policyctl.sources.text import is_binary, to_scannable

MODES = ("history", "staged", "diff", "pre-push")

CHUNK_BYTES = 1024 * 1024
"""Added lines of one file change are cut into chunks of about this size."""

GAP_LINES = 32
"""Hunks of one file this close are scanned as one chunk, the lines between them left
blank: one engine call per hunk would cost more than scanning the blank lines."""

GITLINK_MODE = b"160000"
SYMLINK_MODE = b"120000"
_COMMIT_MARK = b"\x1e"
_LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI"
_HUNK_HEADER = re.compile(rb"^(@@+) [^@]*?\+(\d+)(?:,\d+)? @@")
_NO_COMMIT = re.compile(rb"^0+$")


@dataclass(frozen=True)
class GitScan:
    """Which git content a scan reads.

    `mode` is one of MODES: "history" (all branches, or `branch`), "staged" (the index),
    "diff" (the commits of `diff_range`, e.g. `main..HEAD` or `main`), "pre-push" (the
    commits being pushed: pre-commit's PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF when set,
    else those of HEAD on no remote).
    """

    mode: str
    branch: str | None = None
    since: str | None = None
    max_commits: int | None = None
    diff_range: str | None = None
    push_range: tuple[str, str] | None = None


@dataclass(frozen=True)
class Hunk:
    """Lines added to a file, starting at line `first_line` of the new version; lines
    between nearby hunks that the commit did not add are empty (see GAP_LINES)."""

    first_line: int
    data: bytes


@dataclass(frozen=True)
class FileChange:
    """What one commit added to one file: an item of work for a scanner process.

    `data_kind` is what the file's name says it is (kind_for_name: "log", "csv",
    "jsonl"), as for `policyctl scan PATH`: its added lines are then read as log lines or
    table cells, so the rules for logs and datasets apply. A table's added rows are named
    by `header`, the first lines of the new version of the file (`blob`).
    """

    origin: Location
    hunks: tuple[Hunk, ...]
    kind: str
    blob: str | None = None
    data_kind: str | None = None
    header: str | None = None

    @property
    def display(self) -> str:
        return f"{self.origin.path}@{(self.origin.commit or '')[:12]}"

    @property
    def size(self) -> int:
        return sum(len(h.data) for h in self.hunks)

    @property
    def counts_as_file(self) -> bool:
        return True

    def load(self) -> Iterator[Chunk | Notice]:
        if self.data_kind == "log":
            yield from _log_hunks(self.hunks, self.origin)
        elif self.data_kind == "jsonl":
            yield from _jsonl_hunks(self.hunks, self.origin)
        elif self.data_kind == "csv" and self.header is not None:
            yield from _csv_hunks(self.hunks, self.origin, self.header)
        else:
            for hunk in self.hunks:
                yield Chunk(hunk.data, self.origin, kind=self.kind, first_line=hunk.first_line)


def _added_lines(hunks: Iterable[Hunk]) -> Iterator[tuple[int, str]]:
    """(file line, text) of each non-blank added line (gap lines are blank)."""
    for hunk in hunks:
        for offset, raw in enumerate(hunk.data.split(b"\n")):
            text = raw.decode("utf-8", "replace").rstrip("\r")
            if text.strip():
                yield hunk.first_line + offset, text


def _log_hunks(hunks: Iterable[Hunk], origin: Location) -> Iterator[Chunk]:
    """Added log lines: JSON records as cells at (line, key path), as `scan FILE.log`
    reads a JSON-lines log, and the other lines as text."""
    batcher = CellBatcher(origin.path, "logs", origin=origin)
    for hunk in hunks:
        head = hunk.data.lstrip()[:1]
        if head != b"{":
            yield Chunk(hunk.data, origin, kind="logs", first_line=hunk.first_line)
            continue
        for number, text in _added_lines([hunk]):
            _add_json(batcher, text, None, number)
            yield from batcher.ready()
    yield from batcher.rest()


def _jsonl_hunks(hunks: Iterable[Hunk], origin: Location) -> Iterator[Chunk]:
    """Added JSON lines as dataset cells, each record's row its line number."""
    batcher = CellBatcher(origin.path, "datasets", origin=origin)
    for number, text in _added_lines(hunks):
        _add_json(batcher, text, number, number)
        yield from batcher.ready()
    yield from batcher.rest()


def _add_json(batcher: CellBatcher, text: str, row: int | None, line: int) -> None:
    try:
        record = json.loads(text)
    except ValueError:
        batcher.add(text, row, None, line)  # not JSON: still scanned, as text
        return
    for path, value in json_leaves(record):
        batcher.add(value if isinstance(value, str) else cell_text(value), row, path, line)


def _csv_hunks(hunks: Iterable[Hunk], origin: Location, header: str) -> Iterator[Chunk]:
    """Added rows of a table as cells named by the header, as `scan FILE.csv` reads them:
    same column names, and row N is file line N + the header's lines (a row written on
    one line, as nearly all are), so a baseline made by `scan .` serves git scans too."""
    tab = origin.path.lower().removesuffix(".gz").endswith((".tsv", ".tab"))
    layout = sniff_layout(header, "\t" if tab else ",")
    reader = csv.reader(io.StringIO(header), delimiter=layout.delimiter, quotechar=layout.quotechar)
    first: list[str] = next((row for row in reader if row), [])
    header_lines = reader.line_num if layout.has_header else 0
    titles = first if layout.has_header else []
    width = len(first)
    names = column_names(titles, width)
    batcher = CellBatcher(origin.path, "datasets", origin=origin)
    delimiter, quote = layout.delimiter, layout.quotechar
    for number, text in _added_lines(hunks):
        if number <= header_lines:
            continue
        try:
            values = next(csv.reader([text], delimiter=delimiter, quotechar=quote))
        except (csv.Error, StopIteration):
            values = [text]
        if len(values) != len(names):
            names = column_names(titles, max(width, len(values)))
        batcher.add_row(values, names, number - header_lines, number)
        yield from batcher.ready()
    yield from batcher.rest()


@dataclass(frozen=True)
class StagedFile:
    """The staged (index) content of one file, read by the main process in one batch."""

    display: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def counts_as_file(self) -> bool:
        return True

    def load(self) -> Iterator[Chunk | Notice]:
        yield Chunk(to_scannable(self.data), Location(path=self.display), kind="repo")


def git_source(
    scan: GitScan, targets: Sequence[str], *, exclude: tuple[str, ...], max_file_size: int
) -> Source:
    """The source a git scan reads: the index, or the commits its mode selects.

    For "staged", `targets` are files to limit the scan to (pre-commit passes them);
    otherwise the one target is the repository, or a folder in it to limit the scan to.
    """
    if scan.mode == "staged":
        root = repository_root(".")
        return StagedSource(root, targets, exclude=exclude, max_file_size=max_file_size)
    if len(targets) > 1:
        raise InputError(f"--{scan.mode if scan.mode != 'history' else 'git'} scans one repository")
    target = targets[0] if targets else "."
    root = repository_root(target)
    inside = Path(target).resolve().relative_to(root.resolve()).as_posix()
    pathspec = None if inside == "." else inside
    kind = "history" if scan.mode == "history" else "repo"
    return GitLogSource(
        root,
        _revisions(scan, root),
        kind=kind,
        pathspec=pathspec,
        exclude=exclude,
        since=scan.since,
        max_commits=scan.max_commits,
    )


def _revisions(scan: GitScan, root: Path) -> list[str] | None:
    """`git log` revision arguments for a mode; None when there is no commit to walk."""
    if scan.mode == "history":
        if scan.branch:
            return [resolve_commit(root, scan.branch)]
        return ["--all"] if has_commits(root) else None
    if scan.mode == "diff":
        base, head = parse_diff_range(scan.diff_range or "")
        return [resolve_commit(root, head), "^" + resolve_commit(root, base)]
    if scan.push_range is not None and not _NO_COMMIT.match(scan.push_range[0].encode()):
        source, target = scan.push_range
        return [resolve_commit(root, target), "^" + resolve_commit(root, source)]
    if not has_commits(root):
        return None
    # Pushing a new branch (or run by hand): the commits of HEAD on no remote yet.
    return [resolve_commit(root, "HEAD"), "--not", "--remotes"]


def repository_root(target: str) -> Path:
    """The top folder of the work tree holding `target`; an InputError outside git."""
    if not Path(target).exists():
        raise InputError(f"{target}: does not exist")
    folder = Path(target) if Path(target).is_dir() else Path(target).parent
    completed = _run(folder, "rev-parse", "--show-toplevel", check=False)
    if completed.returncode != 0:
        raise InputError(f"{target}: not inside a git repository (the git modes need one)")
    return Path(completed.stdout.decode("utf-8", "surrogateescape").strip())


def blob_head(root: Path, blob: str) -> str:
    """The first lines of a blob (about SNIFF_CHARS), enough to read a table's header."""
    return gitrun.head(root, ("cat-file", "blob", blob), SNIFF_CHARS).decode("utf-8", "replace")


def has_commits(root: Path) -> bool:
    """True when any ref (branch, tag, remote) points to a commit."""
    completed = _run(root, "for-each-ref", "--count=1", "--format=%(objectname)", check=False)
    return bool(completed.stdout.strip())


def resolve_commit(root: Path, revision: str) -> str:
    """The full SHA of `revision`, or an InputError that says why it may be missing."""
    completed = _run(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{revision}^{{commit}}",
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout.strip():
        hint = (
            " (a shallow clone? fetch more history, e.g. fetch-depth: 0)"
            if is_shallow(root)
            else ""
        )
        raise InputError(f"{revision!r}: not a commit in this repository{hint}")
    return completed.stdout.decode().strip()


def is_shallow(root: Path) -> bool:
    completed = _run(root, "rev-parse", "--is-shallow-repository", check=False)
    return completed.stdout.strip() == b"true"


def parse_diff_range(text: str) -> tuple[str, str]:
    """(base, head) of `BASE..HEAD`, `BASE...HEAD` or `BASE` (head is then HEAD).

    Either way the commits scanned are those reachable from head and not from base,
    which is what `git diff BASE...HEAD` shows, commit by commit.
    """
    for separator in ("...", ".."):
        if separator in text:
            base, _, head = text.partition(separator)
            return base or "HEAD", head or "HEAD"
    return text, "HEAD"


class GitLogSource(Source):
    """Lines added by the commits of a history walk (`git log` revision arguments)."""

    def __init__(
        self,
        root: Path,
        revisions: list[str] | None,
        *,
        kind: str,
        pathspec: str | None = None,
        exclude: tuple[str, ...] = (),
        since: str | None = None,
        max_commits: int | None = None,
    ) -> None:
        self.root = root
        self.revisions = revisions
        self.kind = kind
        self.pathspec = pathspec
        self.exclude = exclude
        self.since = since
        self.max_commits = max_commits
        self._commit_order: dict[str, int] = {}
        """Commits that added lines, by position in the walk (oldest first), once read."""

    def command(self, revisions: list[str]) -> list[str]:
        command = [
            "log",
            "-p",
            "-U0",
            "--cc",
            "--full-index",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--date-order",
            "--reverse",
            f"--format={_LOG_FORMAT}",
        ]
        if self.since:
            command.append(f"--since={self.since}")
        if self.max_commits:
            command.append(f"--max-count={self.max_commits}")
        command += [*revisions, "--"]
        if self.pathspec:
            command.append(self.pathspec)
        return command

    def commit_order(self) -> Mapping[str, int]:
        return self._commit_order

    def items(self) -> Iterator[Item | Notice]:
        revisions = self.revisions
        if revisions is None:
            yield Notice(".", "the repository has no commits yet: no history to scan")
            return
        if is_shallow(self.root):
            yield Notice(
                ".",
                "shallow clone: commits before its depth are not scanned and the oldest "
                "commit is read whole; fetch the full history (git fetch --unshallow, or "
                "fetch-depth: 0 in actions/checkout)",
            )
        with _streamed_git(self.root, self.command(revisions)) as stream:
            for entry in parse_log(stream, self.kind, self.exclude):
                if isinstance(entry, FileChange) and entry.origin.commit:
                    order = self._commit_order
                    order.setdefault(entry.origin.commit, len(order))
                if isinstance(entry, FileChange) and entry.data_kind == "csv" and entry.blob:
                    entry = replace(entry, header=blob_head(self.root, entry.blob))
                yield entry


def parse_log(
    lines: Iterable[bytes], kind: str, exclude: tuple[str, ...] = ()
) -> Iterator[FileChange | Notice]:
    """FileChanges from the output of `git log -p -U0 --cc --full-index --format=...`."""
    return LogParser(kind, exclude).parse(lines)


class LogParser:
    """Reads `git log -p -U0 --cc --full-index --format=...` output into FileChanges.

    A commit line starts a commit, `diff ` a file, `@@` a hunk; in a hunk, a line whose
    prefix is all '+' (one column per parent) was added by this commit. The header
    lines are methods that update the parser's state; the loop over hunk lines keeps
    its own state in local variables, because it runs once per line of the whole
    history (bench/history_throughput.py).
    """

    def __init__(self, kind: str, exclude: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.exclude = exclude
        self.seen_blobs: set[bytes] = set()
        self.submodules: set[str] = set()
        self.commit: Location | None = None
        self.path: str | None = None
        self.skip = True
        """Nothing to collect until a file with a new blob starts."""
        self.gitlink = False
        self.blob: str | None = None
        """The new version's blob of the file being read (a table's header is read from it)."""
        self.hunks: list[Hunk] = []
        self.hunk_end = 0

    def parse(self, lines: Iterable[bytes]) -> Iterator[FileChange | Notice]:
        in_hunk = skip = False
        columns, added = 1, b"+"
        new_line = run_start = run_size = 0
        run: list[bytes] = []
        for line in lines:
            if in_hunk:
                first = line[:1]
                if first == b"+" or first == b" " or first == b"-" or first == b"\\":
                    if skip:
                        continue
                    prefix = line[:columns]
                    if b"-" in prefix or first == b"\\":
                        continue  # removed (from some parent), or "\ No newline at end of file"
                    if prefix == added:
                        if not run or run_size >= CHUNK_BYTES:
                            if run:
                                self.add_run(run, run_start)
                                run, run_size = [], 0
                            run_start = new_line
                        content = line[columns:]
                        run.append(content)
                        run_size += len(content)
                    elif run:  # kept from a parent: not this commit's line
                        self.add_run(run, run_start)
                        run, run_size = [], 0
                    new_line += 1
                    continue
                in_hunk = False
            if run:
                self.add_run(run, run_start)
                run, run_size = [], 0
            if line.startswith(b"@@"):
                header = _HUNK_HEADER.match(line)
                in_hunk = header is not None
                if header is not None:
                    columns = len(header.group(1)) - 1
                    added = b"+" * columns
                    new_line = int(header.group(2))
                    skip = self.skip = self.skip or self.path is None
            elif line[:1] == _COMMIT_MARK:
                yield from self.end_file()
                self.start_commit(line)
            elif line.startswith(b"diff "):
                yield from self.end_file()
                self.path, self.skip, self.gitlink, self.blob = None, False, False, None
            elif line.startswith(b"+++ "):
                self.target(line)
            elif line.startswith(b"index "):
                self.index(line)
            elif line.startswith((b"new file mode ", b"new mode ")) and GITLINK_MODE in line:
                self.skip = self.gitlink = True
            elif line.startswith(b"Binary files "):
                self.skip = True
        if run:
            self.add_run(run, run_start)
        yield from self.end_file()
        for name in sorted(self.submodules):
            yield Notice(name, "skipped: submodule (scan its own repository)", level="info")

    def start_commit(self, line: bytes) -> None:
        self.commit = _commit_header(line)
        self.path, self.skip, self.gitlink = None, True, False

    def target(self, line: bytes) -> None:
        """`+++ b/path`: the file's path after the commit (/dev/null: deleted)."""
        target = line[4:].rstrip(b"\r\n").removesuffix(b"\t")
        if target == b"/dev/null":
            self.skip = True
            return
        path = self.path = _unquote(target).removeprefix("b/")
        self.skip = self.skip or bool(self.exclude and path_matches(path, self.exclude))

    def index(self, line: bytes) -> None:
        """ "index <old>[,<old2>]..<new> [<mode>]": a blob seen before was scanned before."""
        fields = line.split()
        if len(fields) < 2:
            return
        blob = fields[1].rpartition(b"..")[2]
        if len(fields) > 2 and fields[2] == GITLINK_MODE:
            self.skip = self.gitlink = True
        elif _NO_COMMIT.match(blob) or blob in self.seen_blobs:
            self.skip = True
        else:
            self.seen_blobs.add(blob)
            self.blob = blob.decode("ascii", "replace")

    def add_run(self, run: list[bytes], run_start: int) -> None:
        """A run of added lines becomes a hunk, or joins the last one when only a few
        lines lie between them."""
        data = b"".join(run)
        hunks = self.hunks
        gap = run_start - self.hunk_end
        last = hunks[-1] if hunks else None
        if last and 0 <= gap <= GAP_LINES and last.data.endswith(b"\n") and _small(last):
            hunks[-1] = Hunk(last.first_line, last.data + b"\n" * gap + data)
        else:
            hunks.append(Hunk(run_start, data))
        self.hunk_end = run_start + len(run)

    def end_file(self) -> Iterator[FileChange]:
        if self.hunks and self.commit is not None and self.path is not None:
            origin = replace(self.commit, path=self.path)
            data_kind = kind_for_name(self.path)
            yield FileChange(origin, tuple(self.hunks), self.kind, self.blob, data_kind)
        elif self.gitlink and self.path is not None:
            self.submodules.add(self.path)
        self.hunks = []


class StagedSource(Source):
    """The staged content of changed files (or of the given paths), read from the index."""

    def __init__(
        self,
        root: Path,
        paths: Sequence[str] = (),
        *,
        cwd: Path | None = None,
        exclude: tuple[str, ...] = (),
        max_file_size: int,
    ) -> None:
        self.root = root
        self.paths = list(paths)
        self.cwd = cwd or Path.cwd()
        self.exclude = exclude
        self.max_file_size = max_file_size

    def items(self) -> Iterator[Item | Notice]:
        entries, notices = self._entries()
        yield from notices
        wanted: list[tuple[str, str]] = []
        for mode, blob, path in entries:
            if self.exclude and path_matches(path, self.exclude):
                continue
            if mode == GITLINK_MODE:
                yield Notice(path, "skipped: submodule (scan its own repository)", level="info")
            elif mode == SYMLINK_MODE:
                yield Notice(path, "skipped: symlink", level="info")
            else:
                wanted.append((blob.decode(), path))
        yield from self._read_blobs(wanted)

    def _entries(self) -> tuple[list[tuple[bytes, bytes, str]], list[Notice]]:
        """(mode, blob, path) of the index entries to scan, with notes on the others."""
        if not self.paths:
            staged = _staged_changes(self.root)
            return staged, [] if staged else [Notice(".", "nothing is staged", level="info")]
        listing = _run(
            self.cwd,
            "--literal-pathspecs",
            "ls-files",
            "-s",
            "-z",
            "--full-name",
            "--",
            *self.paths,
        ).stdout
        entries: list[tuple[bytes, bytes, str]] = []
        unmerged: set[str] = set()
        for record in filter(None, listing.split(b"\0")):
            info, _, name = record.partition(b"\t")
            mode, blob, stage = info.split()
            path = name.decode("utf-8", "replace")
            if stage == b"0":
                entries.append((mode, blob, path))
            else:
                unmerged.add(path)
        if not entries and not unmerged:
            raise InputError(
                "none of the given paths is in the git index, so nothing would be scanned: "
                + ", ".join(self.paths[:5])
            )
        notes = [Notice(p, "not scanned: unmerged (resolve the conflict first)") for p in unmerged]
        return entries, sorted(notes, key=lambda n: n.path)

    def _read_blobs(self, wanted: list[tuple[str, str]]) -> Iterator[Item | Notice]:
        """Each blob through one `git cat-file --batch`, fed from a thread-free temp file."""
        if not wanted:
            return
        with tempfile.TemporaryFile() as requests:
            requests.write("".join(f"{blob}\n" for blob, _ in wanted).encode())
            requests.seek(0)
            with _streamed_git(self.root, ["cat-file", "--batch"], stdin=requests) as stream:
                for _, path in wanted:
                    header = stream.readline().split()
                    if len(header) != 3:
                        yield Notice(path, "cannot be read from the index")
                        continue
                    size = int(header[2])
                    data = stream.read(size)
                    stream.read(1)  # the newline after each object
                    data_kind = kind_for_name(path)
                    if data_kind is not None:
                        yield from _staged_data(path, data, data_kind)
                    elif size > self.max_file_size:
                        yield Notice(
                            path, f"skipped: {size} bytes is over the --max-file-size limit"
                        )
                    elif is_binary(data):
                        yield Notice(path, "skipped: binary file", level="info")
                    else:
                        yield StagedFile(path, data)


def _staged_data(path: str, data: bytes, kind: str) -> Iterator[Item | Notice]:
    """A staged log or dataset, read as `scan PATH` reads the file: the same kind,
    cells and fingerprints."""
    if kind == "parquet":
        from policyctl.sources.tabular import parquet_supported

        if not parquet_supported():
            yield Notice(path, f"skipped: {DATASETS_EXTRA}")
            return
    yield DataItem(path, path, len(data), kind, DataOptions(), content=data)


def _staged_changes(root: Path) -> list[tuple[bytes, bytes, str]]:
    """(mode, blob, path) of each file the index adds or changes against HEAD."""
    raw = _run(
        root,
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--diff-filter=ACMRT",
    ).stdout
    fields = raw.split(b"\0")
    changes = []
    for header, name in zip(fields[0::2], fields[1::2], strict=False):
        if header.startswith(b":"):
            _, mode, _, blob, _ = header[1:].split(b" ", 4)
            changes.append((mode, blob, name.decode("utf-8", "replace")))
    return changes


def _commit_header(line: bytes) -> Location:
    """The commit of a `_LOG_FORMAT` line. The hash comes first and the date last; the
    author's name is what lies between the hash and the e-mail, so a name holding the
    separator (a hand-made commit object can hold any byte) cannot shift the fields."""
    fields = line[1:].rstrip(b"\r\n")
    sha, _, rest = fields.partition(b"\x1f")
    rest, _, date = rest.rpartition(b"\x1f")
    author, _, email = rest.rpartition(b"\x1f")
    return Location(
        path="",
        commit=sha.decode("ascii", "replace"),
        author=author.decode("utf-8", "replace"),
        email=email.decode("utf-8", "replace"),
        date=date.decode("ascii", "replace"),
    )


def _small(hunk: Hunk) -> bool:
    return len(hunk.data) < CHUNK_BYTES


def _unquote(raw: bytes) -> str:
    """A path as git prints it: plain, or in double quotes with C-style escapes."""
    if not (raw.startswith(b'"') and raw.endswith(b'"')):
        return raw.decode("utf-8", "replace")
    body = raw[1:-1]
    out = bytearray()
    index = 0
    simple = {
        b"n": b"\n",
        b"t": b"\t",
        b'"': b'"',
        b"\\": b"\\",
        b"a": b"\a",
        b"b": b"\b",
        b"f": b"\f",
        b"r": b"\r",
        b"v": b"\v",
    }
    while index < len(body):
        char = body[index : index + 1]
        if char == b"\\" and index + 1 < len(body):
            following = body[index + 1 : index + 2]
            if following in simple:
                out += simple[following]
                index += 2
                continue
            octal = body[index + 1 : index + 4]
            if len(octal) == 3 and all(48 <= c <= 55 for c in octal):
                out.append(int(octal, 8))
                index += 4
                continue
        out += char
        index += 1
    return out.decode("utf-8", "replace")


def _run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return gitrun.run(cwd, *args, check=check)


@contextmanager
def _streamed_git(
    cwd: Path, args: list[str], stdin: IO[bytes] | None = None
) -> Iterator[IO[bytes]]:
    with gitrun.stream(cwd, args, stdin) as stdout:
        yield stdout
