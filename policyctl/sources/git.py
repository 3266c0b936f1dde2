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
from policyctl.sources.interface import Item, Source
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

# Settings that would change what `git log -p` prints are pinned, whatever the user's
# git config says (prefixes, quoting, colours, external diff drivers).
_GIT_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "color.ui=false",
)


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
    """What one commit added to one file: an item of work for a scanner process."""

    origin: Location
    hunks: tuple[Hunk, ...]
    kind: str

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
        for hunk in self.hunks:
            yield Chunk(hunk.data, self.origin, kind=self.kind, first_line=hunk.first_line)


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
                self.path, self.skip, self.gitlink = None, False, False
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
        sha, author, email, date = line[1:].rstrip(b"\r\n").split(b"\x1f")
        self.commit = Location(
            path="",
            commit=sha.decode(),
            author=author.decode("utf-8", "replace"),
            email=email.decode("utf-8", "replace"),
            date=date.decode(),
        )
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
        blob = fields[1].rpartition(b"..")[2]
        if len(fields) > 2 and fields[2] == GITLINK_MODE:
            self.skip = self.gitlink = True
        elif _NO_COMMIT.match(blob) or blob in self.seen_blobs:
            self.skip = True
        else:
            self.seen_blobs.add(blob)

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
            yield FileChange(origin, tuple(self.hunks), self.kind)
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
                    if size > self.max_file_size:
                        yield Notice(
                            path, f"skipped: {size} bytes is over the --max-file-size limit"
                        )
                    elif is_binary(data):
                        yield Notice(path, "skipped: binary file", level="info")
                    else:
                        yield StagedFile(path, data)


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
    try:
        completed = subprocess.run(
            ["git", *_GIT_CONFIG, *args], cwd=cwd, capture_output=True, check=False
        )
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
    if check and completed.returncode != 0:
        raise InputError(f"git {args[0]} failed in {cwd}: {_first_line(completed.stderr)}")
    return completed


@contextmanager
def _streamed_git(
    cwd: Path, args: list[str], stdin: IO[bytes] | None = None
) -> Iterator[IO[bytes]]:
    """`git ARGS` with its stdout as a stream; git failing is an error once the stream ends.

    stderr goes to a temporary file, so a chatty git can never block on a full pipe.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                ["git", *_GIT_CONFIG, *args],
                cwd=cwd,
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                bufsize=1024 * 1024,
            )
        except OSError as exc:
            raise InputError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
        assert process.stdout is not None
        try:
            yield process.stdout
        except BaseException:
            process.kill()
            raise
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise InputError(f"git {args[0]} failed: {_first_line(errors.read())}")


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"
