"""The one way policyctl runs git: a scanned repository's own config never runs a command.

A scanned repository is untrusted, and so is its `.git/config`: it can name commands that
git runs on its own (`core.fsmonitor` on any command that reads the index, clean/smudge/
process filters on work-tree files, textconv and external diff drivers on `log -p`, a
pager, hooks). Every git call in the package goes through `run` or `stream`, which:

- pin `core.fsmonitor=false` and `core.hooksPath=/dev/null`, and `--no-pager`;
- empty every filter driver the repository's config defines (`filter.<name>.clean`,
  `.smudge`, `.process`; an empty command is no filter) and mark it not required;
- add `--no-textconv --no-ext-diff` to every diff-producing command (an empty textconv
  would be run as a command, so the flags are the safe way);
- refuse the network (`protocol.allow=never`: no ssh, no credential helper can start),
  ignore replace refs (`--no-replace-objects`: a repository cannot show git a different
  history from the one it stores), skip the system config, never prompt, take no
  optional locks (a scan never rewrites the repository's index);
- pin what would change the output we parse (quoting, prefixes, colours, signatures).

`safe.directory` is left to git: a repository owned by another user is refused by git
with its own message, which is the protection that setting exists for.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import IO

from policyctl.core.errors import InputError

SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "protocol.allow=never",
    "credential.helper=",
    # What `git log -p` prints must not depend on the user's or the repository's config.
    "core.quotePath=false",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "log.showSignature=false",
    "color.ui=false",
)
DIFF_COMMANDS = frozenset({"log", "show", "diff", "diff-tree", "diff-index", "diff-files"})
"""Commands that can run textconv or an external diff driver."""
_FILTER_KEYS = ("clean", "smudge", "process")


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: the caller's, with what makes git ask, lock or read
    the system config turned off."""
    env = dict(os.environ if base is None else base)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_PAGER="cat",
        GIT_ASKPASS="true",
        SSH_ASKPASS="true",
    )
    for name in ("GIT_EXTERNAL_DIFF", "GIT_EDITOR", "GIT_SSH", "GIT_SSH_COMMAND"):
        env.pop(name, None)
    return env


def command(cwd: Path, args: Sequence[str]) -> list[str]:
    """`git` with the safe options, then `args`, with the diff flags after the
    subcommand when it makes diffs."""
    prefix = ["git", "--no-pager", "--no-replace-objects"]
    for setting in (*SAFE_CONFIG, *_filter_overrides(str(cwd))):
        prefix += ["-c", setting]
    args = list(args)
    verb = next((i for i, arg in enumerate(args) if not arg.startswith("-")), None)
    if verb is not None and args[verb] in DIFF_COMMANDS:
        args[verb + 1 : verb + 1] = ["--no-textconv", "--no-ext-diff"]
    return prefix + args


@lru_cache(maxsize=64)
def _filter_overrides(cwd: str) -> tuple[str, ...]:
    """`filter.<name>.clean=` ... for each filter driver the config at `cwd` defines.

    Read with `git config --list`, which runs no configured command itself."""
    base = ["git", "--no-pager"]
    for setting in SAFE_CONFIG:
        base += ["-c", setting]
    try:
        listed = subprocess.run(
            [*base, "config", "--null", "--list"],
            cwd=cwd,
            capture_output=True,
            check=False,
            env=environment(),
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    drivers: set[str] = set()
    for record in listed.split(b"\0"):
        key = record.partition(b"\n")[0].decode("utf-8", "surrogateescape")
        section, _, rest = key.partition(".")
        name, _, leaf = rest.rpartition(".")
        if section.lower() == "filter" and name and leaf.lower() in _FILTER_KEYS:
            drivers.add(name)
    overrides: list[str] = []
    for name in sorted(drivers):
        overrides += [f"filter.{name}.{leaf}=" for leaf in _FILTER_KEYS]
        overrides.append(f"filter.{name}.required=false")
    return tuple(overrides)


def run(
    cwd: Path | str, *args: str, check: bool = True, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `cwd`, its output captured; an InputError when git cannot be run
    (or, with `check`, when it fails: git's first line of error says why)."""
    try:
        completed = subprocess.run(
            command(Path(cwd), args),
            cwd=cwd,
            capture_output=True,
            check=False,
            env=environment(),
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"git {_verb(args)} took over {timeout:.0f} s in {cwd}") from None
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
    if check and completed.returncode != 0:
        raise InputError(f"git {_verb(args)} failed in {cwd}: {first_line(completed.stderr)}")
    return completed


def output(cwd: Path | str, *args: str, timeout: float = 300) -> bytes | None:
    """git's stdout when it succeeds in `cwd`, else None (no git, not a repository)."""
    try:
        completed = run(cwd, *args, check=False, timeout=timeout)
    except InputError:
        return None
    return completed.stdout if completed.returncode == 0 else None


@contextmanager
def stream(cwd: Path, args: Sequence[str], stdin: IO[bytes] | None = None) -> Iterator[IO[bytes]]:
    """`git ARGS` with its stdout as a stream; git failing is an error once the stream ends.

    stderr goes to a temporary file, so a chatty git can never block on a full pipe.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command(cwd, args),
                cwd=cwd,
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=environment(),
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
            raise InputError(f"git {_verb(args)} failed: {first_line(errors.read())}")


def head(cwd: Path, args: Sequence[str], size: int) -> bytes:
    """The first `size` bytes of `git ARGS`'s stdout, to the end of that line; git is
    stopped once they are read (a table's header needs no more of a large blob)."""
    try:
        process = subprocess.Popen(
            command(cwd, args),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment(),
        )
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
    assert process.stdout is not None
    try:
        data = process.stdout.read(size)
        return data + process.stdout.readline()
    finally:
        process.stdout.close()
        process.kill()
        process.wait()


def _verb(args: Sequence[str]) -> str:
    return next((arg for arg in args if not arg.startswith("-")), "")


def first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


CLONE_PROTOCOLS = ("https", "ssh", "git", "file")
"""The transports a clone may use (`--targets`); `ext::`, `fd::` and the rest stay off."""


def clone(
    url: str, dest: Path, *, shallow: bool, bare: bool, timeout: float, max_bytes: int
) -> None:
    """Clone `url` into the new folder `dest`, within `timeout` seconds and `max_bytes`
    on disk; an InputError (without any credential the URL holds) when it cannot.

    On top of the safe options every git call has, only the clone transports are let
    through (`protocol.allow=never` stays the default), ssh runs without prompting, no
    template folder is copied (so no hooks), and the user's filter drivers are emptied
    for the checkout (`_filter_overrides` of the folder the clone is made in)."""
    from policyctl.sources.storage import shown

    allowed = [f"protocol.{name}.allow=always" for name in CLONE_PROTOCOLS]
    settings = [*allowed, "core.sshCommand=ssh -o BatchMode=yes", "submodule.recurse=false"]
    args = ["clone", "--quiet", "--no-tags", "--template="]
    args += ["--depth", "1"] if shallow else []
    args += ["--bare"] if bare else []
    argv = command(dest.parent, [])
    for setting in settings:
        argv += ["-c", setting]
    argv += [*args, "--", url, str(dest)]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                argv,
                cwd=dest.parent,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=environment(),
            )
        except OSError as exc:
            raise InputError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
        over = _watch(process, dest, timeout, max_bytes)
        if over:
            raise InputError(f"clone stopped: {over}")
        if process.returncode != 0:
            errors.seek(0)
            raise InputError(f"clone failed: {_scrubbed(first_line(errors.read()), url, shown)}")


def _watch(process: subprocess.Popen[bytes], dest: Path, timeout: float, max_bytes: int) -> str:
    """Wait for `process`; kill it and say why once it is over the time or size budget."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        try:
            process.wait(timeout=pause)
        except subprocess.TimeoutExpired:
            pass
        else:  # a clone quicker than a look at its size is held to the budget too
            over = _disk_usage(dest) > max_bytes
            return f"over the size budget of {max_bytes} bytes" if over else ""
        pause = min(pause * 2, 1.0)
        why = ""
        if time.monotonic() > deadline:
            why = f"over the time budget of {timeout:g} s"
        elif _disk_usage(dest) > max_bytes:
            why = f"over the size budget of {max_bytes} bytes"
        if why:
            process.kill()
            process.wait()
            return why


def _disk_usage(folder: Path) -> int:
    total = 0
    for parent, _dirs, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.lstat(os.path.join(parent, name)).st_size
    return total


def _scrubbed(text: str, url: str, shown: Callable[[str], str]) -> str:
    """`text` with the URL (and any password in it, as written or percent-decoded) shown
    without its credentials."""
    from urllib.parse import unquote, urlsplit

    text = text.replace(url, shown(url))
    try:
        parts = urlsplit(url)
        secrets = [parts.password or "", parts.username or ""]
    except ValueError:
        secrets = []
    for secret in secrets:
        for form in {secret, unquote(secret)}:
            if form:
                text = text.replace(form, "***")
    return text
