"""Synthetic git repositories for the git benchmarks, built with `git fast-import` under
bench/.cache (git-ignored). Content is code-like text with a few credentials in it."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fakes  # credentials assembled at run time

WORDS = [
    *("value", "result", "config", "client", "request", "response", "handler", "token"),
    *("user", "account", "data", "items", "index", "count", "total", "buffer", "stream"),
    *("parser", "format", "render", "update", "create", "delete", "fetch", "store", "cache"),
    *("retry", "timeout", "session", "context", "logger", "metrics", "event", "queue"),
]


def code_line(rng: random.Random) -> str:
    a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
    shapes = (
        f"    {a}_{b} = {c}.{rng.choice(WORDS)}({rng.randrange(1000)})",
        f"    if {a} is not None and {b} > {rng.randrange(100)}:",
        f"        return {a}.{b}({c}, timeout={rng.randrange(60)})",
        f"def {a}_{b}({c}, *args, **kwargs):",
        f"    # {a} {b} {c} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        f'    log.info("{a} {b}: %s", {c})',
    )
    return rng.choice(shapes)


def file_text(rng: random.Random, lines: int) -> str:
    return "\n".join(code_line(rng) for _ in range(lines)) + "\n"


def secret_line(rng: random.Random) -> str:
    seed = rng.randrange(10**9)
    maker = rng.choice((fakes.github_pat, fakes.aws_access_key_id, fakes.slack_bot_token))
    return "    api_key = " + repr(maker(seed))


def fast_import(repo: Path, stream: Iterator[bytes]) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for piece in stream:
        process.stdin.write(piece)
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)


def commit_block(mark: int, when: int, message: str, files: dict[str, str], parent: bool) -> bytes:
    lines = [
        b"commit refs/heads/main",
        f"mark :{mark}".encode(),
        f"author Bench <bench@example.com> {when} +0000".encode(),
        f"committer Bench <bench@example.com> {when} +0000".encode(),
        f"data {len(message)}".encode(),
        message.encode(),
    ]
    if parent:
        lines.append(f"from :{mark - 1}".encode())
    for path, text in files.items():
        data = text.encode()
        lines += [f"M 100644 inline {path}".encode(), f"data {len(data)}".encode(), data]
    return b"\n".join(lines) + b"\n\n"
