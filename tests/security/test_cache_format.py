"""Issue 14 item 4: the disk cache cannot run code, and no cache file can crash a scan.

Entries are JSON or serialized Hyperscan bytes behind an HMAC under a per-user key
(policyctl.core.cache); anything unreadable, corrupt or unauthenticated is a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import POLICYCTL, write_files
from tests.fakes import github_pat

KEY = "cache-key"


ENABLED = ("--enable", "secret.github-pat-classic")
"""Every rule file is still read (and cached), but the Hyperscan database each test
compiles again holds only the rule that finds the planted token: milliseconds, where
the database of every built-in rule takes seconds."""


def _scan(target: Path, cache: Path, *extra: str) -> tuple[int, str, str]:
    env = {**os.environ, "POLICYCTL_CACHE_DIR": str(cache)}
    command = [POLICYCTL, "scan", str(target), "--no-audit", "--no-progress", "-f", "json"]
    done = subprocess.run(
        [*command, *ENABLED, *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done.returncode, done.stdout, done.stderr


def _rule_ids(report: str) -> list[str]:
    import json

    return sorted(f["rule_id"] for f in json.loads(report)["findings"])


@pytest.fixture(scope="module")
def primed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A folder with one secret, and a cache filled by scanning it with Hyperscan (rules,
    config, pattern shapes and the compiled database), with the findings of that scan."""
    root = tmp_path_factory.mktemp("cache-format")
    target = root / "repo"
    write_files(target, {"settings.py": f'GITHUB_TOKEN = "{github_pat("cache")}"\n'})
    cache = root / "cache"
    code, out, err = _scan(target, cache, "--engine", "hyperscan")
    assert code == 1, err
    assert list(cache.glob("hs-*.db")) and list(cache.glob("rules-*.json"))
    return target, cache, _rule_ids(out)


def _copy(primed: tuple[Path, Path, list[str]], tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    shutil.copytree(primed[1], cache)
    return cache


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name != KEY and not p.name.startswith("."))


def _authenticated(cache: Path, name: str, payload: bytes) -> bytes:
    """An entry as policyctl writes it: HMAC-SHA256 of name and payload, then the payload."""
    key = (cache / KEY).read_bytes()
    return hmac.new(key, name.encode() + b"\0" + payload, hashlib.sha256).digest() + payload


def test_a_malicious_pickle_in_the_cache_does_not_run(
    primed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    target, _, expected = primed
    cache = _copy(primed, tmp_path)
    marker = tmp_path / "pwned"

    class Plant:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.mkdir, (str(marker),))

    payload = pickle.dumps(Plant())
    probe = tmp_path / "probe"
    pickle.loads(payload.replace(str(marker).encode(), str(probe).encode()))
    assert probe.is_dir(), "the planted pickle must really run code when unpickled"

    entries = _entries(cache)
    for entry in entries:
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)  # the old cache's file names
    for engine in ("auto", "hyperscan"):
        code, out, err = _scan(target, cache, "--engine", engine)
        assert not marker.exists(), f"the cache ran code (--engine {engine})"
        assert code == 1, err
        assert _rule_ids(out) == expected
    # every planted entry was a miss and is overwritten with a genuine one
    assert all(entry.read_bytes() != payload for entry in entries)


def test_entries_under_a_key_others_can_read_are_not_believed(
    primed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    """Someone who can write to the cache folder plants a key of their own, and entries
    that authenticate under it saying there are no rules at all: the gate stays shut."""
    target, _, expected = primed
    cache = _copy(primed, tmp_path)
    planted = b"k" * 32
    (cache / KEY).write_bytes(planted)
    os.chmod(cache / KEY, 0o644)
    for entry in _entries(cache):
        entry.write_bytes(_authenticated(cache, entry.name, b"[]"))
    code, out, err = _scan(target, cache)
    assert code == 1, err
    assert _rule_ids(out) == expected
    key = cache / KEY
    assert key.read_bytes() != planted and key.stat().st_mode & 0o777 == 0o600


def _write(data: bytes) -> Callable[[Path, Path], None]:
    return lambda cache, entry: entry.write_bytes(data)


def _flip(index: int) -> Callable[[Path, Path], None]:
    def corrupt(_cache: Path, entry: Path) -> None:
        blob = bytearray(entry.read_bytes())
        blob[index] ^= 0x55
        entry.write_bytes(bytes(blob))

    return corrupt


def _truncate(cache: Path, entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def _mac_only(cache: Path, entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:32])


def _random(cache: Path, entry: Path) -> None:
    entry.write_bytes(os.urandom(max(64, entry.stat().st_size)))


def _signed(payload: bytes) -> Callable[[Path, Path], None]:
    return lambda cache, entry: entry.write_bytes(_authenticated(cache, entry.name, payload))


def _swapped(cache: Path, entry: Path) -> None:
    """A genuine entry under another entry's name (its HMAC covers the name)."""
    others = [p for p in _entries(cache) if p.suffix == entry.suffix and p != entry]
    entry.write_bytes(others[0].read_bytes() if others else b"")


def _directory(cache: Path, entry: Path) -> None:
    entry.unlink()
    entry.mkdir()
    (entry / "x").write_bytes(b"x")


def _link_to_zero(cache: Path, entry: Path) -> None:
    entry.unlink()
    entry.symlink_to("/dev/zero")


def _fifo(cache: Path, entry: Path) -> None:
    entry.unlink()
    os.mkfifo(entry)


def _huge(cache: Path, entry: Path) -> None:
    with entry.open("wb") as out:  # sparse: costs no disk
        out.truncate(300 * 1024 * 1024)


def _short_key(cache: Path, entry: Path) -> None:
    (cache / KEY).write_bytes(b"short")


def _key_is_a_folder(cache: Path, entry: Path) -> None:
    if not (cache / KEY).is_dir():
        (cache / KEY).unlink()
        (cache / KEY).mkdir()


def _cache_is_a_file(cache: Path, entry: Path) -> None:
    shutil.rmtree(cache)
    cache.write_bytes(b"not a folder")


CORRUPTIONS: dict[str, Callable[[Path, Path], None]] = {
    "empty": _write(b""),
    "one-byte": _write(b"\x80"),
    "truncated": _truncate,
    "mac-only": _mac_only,
    "payload-byte-flipped": _flip(-1),
    "mac-byte-flipped": _flip(0),
    "random-bytes": _random,
    "authentic-not-json": _signed(b"\xff\xfe{not json"),
    "entries-swapped": _swapped,
    "authentic-deep-nesting": _signed(b"[" * 200_000),
    "a-folder": _directory,
    "symlink-to-dev-zero": _link_to_zero,
    "a-fifo": _fifo,
    "huge-sparse-file": _huge,
    "key-too-short": _short_key,
    "key-is-a-folder": _key_is_a_folder,
    "cache-is-a-file": _cache_is_a_file,
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_corrupt_cache_is_a_miss_never_a_crash(
    kind: str, primed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    target, _, expected = primed
    cache = _copy(primed, tmp_path)
    for entry in _entries(cache):
        if cache.is_dir():
            CORRUPTIONS[kind](cache, entry)
    code, out, err = _scan(target, cache)
    assert code == 1, err
    assert "Traceback" not in err
    assert _rule_ids(out) == expected


def test_an_authentic_entry_hyperscan_refuses_is_recompiled(
    primed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    target, _, expected = primed
    cache = _copy(primed, tmp_path)
    (database,) = cache.glob("hs-*.db")
    database.write_bytes(_authenticated(cache, database.name, b"\0" * 4096))
    code, out, err = _scan(target, cache, "--engine", "hyperscan")
    assert code == 1, err
    assert _rule_ids(out) == expected
    assert database.stat().st_size > 4096 + 32  # a real database written over it
