"""Shared fixtures: run the installed `policyctl` command, make real git repositories."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from policyctl.core.model import Rule
    from policyctl.detection.rules import Ruleset

POLICYCTL = shutil.which("policyctl") or str(Path(sys.executable).with_name("policyctl"))


class Run:
    """The result of one `policyctl` run: exit code, stdout, stderr."""

    def __init__(self, completed: subprocess.CompletedProcess[str]) -> None:
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def all_output(self) -> str:
        return self.out + self.err


RunPolicyctl = Callable[..., Run]


_SESSION_CACHE: list[str] = []
_SHARED_CACHE = "POLICYCTL_TEST_SESSION_CACHE"
"""Names the session's cache folder to the pytest-xdist workers, which share it: the
built-in rules are compiled once for the whole run (the cache's writes are atomic)."""


def pytest_configure(config: pytest.Config) -> None:
    """One compiled-engine cache folder for the session, set before collection (test
    modules load the built-in rules to parametrize on them), never the user's home. With
    pytest-xdist, the controller makes it and removes it at the end; workers use it.

    A run of whole test folders (the suite, or `tests/e2e`) compiles the built-in rules'
    databases here, once, before any test: otherwise the first scans of each kind of
    input, in both workers at once, would each compile them (seconds each, and inside
    the scan's time budget). A run of single files compiles only what it uses."""
    shared = os.environ.get(_SHARED_CACHE) if os.environ.get("PYTEST_XDIST_WORKER") else None
    if shared:
        os.environ["POLICYCTL_CACHE_DIR"] = shared
        _SESSION_CACHE.append(shared)
        return
    folder = tempfile.mkdtemp(prefix="policyctl-test-cache-")
    _SESSION_CACHE.append(folder)
    os.environ["POLICYCTL_CACHE_DIR"] = os.environ[_SHARED_CACHE] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    folders = all(Path(arg.split("::")[0]).is_dir() for arg in config.args)
    listing = any(config.getoption(name, False) for name in ("collectonly", "help", "version"))
    if folders and not listing:
        compiled_builtin("hyperscan")


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test (and every policyctl it runs) uses the session's cache folder, even
    after a test changed the environment; the audit log of every scan goes there too,
    never into the checkout."""
    cache = Path(_SESSION_CACHE[0])
    monkeypatch.setenv("POLICYCTL_CACHE_DIR", str(cache))
    monkeypatch.setenv("POLICYCTL_AUDIT_LOG", str(cache / "audit.jsonl"))


def custom_rule(pattern: str, rule_id: str = "custom.test", prefilter: str | None = None) -> Rule:
    """A secret rule of `pattern` (and `prefilter`), as a user's rule file would give it."""
    from policyctl.core.model import Rule

    return Rule(
        id=rule_id,
        category="secret",
        title="t",
        severity="high",
        confidence=0.9,
        data_class="credential",
        pattern=pattern,
        prefilter=prefilter,
    )


@cache
def compiled_builtin(backend: str = "auto") -> Ruleset:
    """The built-in rules compiled once per session: a matcher (with Hyperscan, one
    database) for every kind of input, stored in the session's cache, so that the
    policyctl runs of later tests load them instead of compiling them again.

    `auto` alone would not compile: with no database in the cache it matches small
    inputs with `re` (policyctl.engine.adaptive). So the databases are compiled with the
    Hyperscan backend first, by one process at a time (xdist workers share the cache: the
    second one waits and loads what the first compiled)."""
    import fcntl

    from policyctl.core.model import SOURCE_KINDS
    from policyctl.detection.rules import compile_ruleset, load_rules
    from policyctl.engine import engine_name

    rules = load_rules()
    if backend != "re" and engine_name(backend) == "hyperscan":
        with open(Path(_SESSION_CACHE[0]) / "builtin-compile.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            hyperscan = compile_ruleset(rules, "hyperscan")
            for kind in SOURCE_KINDS:
                hyperscan.matcher_for(kind)
        if backend == "hyperscan":
            return hyperscan
    ruleset = compile_ruleset(rules, backend)
    for kind in SOURCE_KINDS:
        ruleset.matcher_for(kind)
    return ruleset


@pytest.fixture(scope="session")
def builtin_ruleset() -> Ruleset:
    """The built-in rules, compiled once for the whole session (see compiled_builtin)."""
    return compiled_builtin()


@pytest.fixture
def run_policyctl() -> RunPolicyctl:
    """Run the installed command as a user would: `run_policyctl("scan", path, cwd=...)`."""

    def run(
        *args: str | os.PathLike[str],
        cwd: str | os.PathLike[str] | None = None,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> Run:
        merged = {**os.environ, **(env or {})}
        completed = subprocess.run(
            [POLICYCTL, *map(str, args)],
            cwd=cwd,
            input=input,
            env=merged,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Run(completed)

    return run


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `repo` and return its stdout."""
    completed = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return completed.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with an identity configured, on branch main."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Create `files` (relative path -> content) under `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_all(repo: Path, message: str, files: dict[str, str | bytes] | None = None) -> str:
    """Write `files`, stage everything, commit; return the new commit's SHA."""
    if files:
        write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def assert_no_secret_in(outputs: Sequence[str], secrets: Sequence[str]) -> None:
    """Fail when any raw secret (or its middle part) appears in any output."""
    for secret in secrets:
        middle = secret[len(secret) // 4 : -len(secret) // 4] or secret
        for text in outputs:
            assert secret not in text, "raw secret leaked into output"
            assert middle not in text, "part of a raw secret leaked into output"


@pytest.fixture
def policyctl_in_process(monkeypatch: pytest.MonkeyPatch) -> RunPolicyctl:
    """Like `run_policyctl`, but the same CLI entry point runs in this process: no
    interpreter start-up per call, for the many small scenarios of one feature (keep a
    few tests per feature on `run_policyctl`, the installed command)."""

    def run(
        *args: str | os.PathLike[str],
        cwd: str | os.PathLike[str] | None = None,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> Run:
        from policyctl.cli import main

        out, err = io.StringIO(), io.StringIO()
        code: int = 0
        with monkeypatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.setattr(sys, "argv", ["policyctl", *map(str, args)])
            patch.setattr(sys, "stdin", io.StringIO(input or ""))
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main()
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        return Run(subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue()))

    return run
