"""Helpers for the evidence tests: a scanned repository with a secret and manifests."""

from __future__ import annotations

import json
from pathlib import Path

from tests import fakes
from tests.conftest import commit_all, git

MANIFESTS: dict[str, str | bytes] = {
    "requirements.txt": "requests==2.31.0\nflask>=2.0  # web\n",
    "web/package-lock.json": json.dumps(
        {
            "name": "web",
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "web"},
                "node_modules/lodash": {"version": "4.17.21"},
                "node_modules/@babel/core": {"version": "7.24.0"},
            },
        }
    ),
}


def init_repo(repo: Path) -> Path:
    """A new git repository with an identity, like the `git_repo` fixture (for fixtures
    shared by a whole module, which cannot use it)."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def make_scanned_repo(repo: Path) -> tuple[str, list[str]]:
    """Commit a secret and some manifests; return the commit and the raw secrets."""
    secrets = [fakes.github_pat("evidence"), fakes.aws_access_key_id("evidence")]
    files: dict[str, str | bytes] = {
        "app/settings.py": f'TOKEN = "{secrets[0]}"\nAWS_KEY = "{secrets[1]}"\n',
        **MANIFESTS,
    }
    return commit_all(repo, "app with a secret", files), secrets


def flip(path: Path, offset: int) -> None:
    """Change one byte of `path` (lowest bit), as storage damage or an edit would."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
