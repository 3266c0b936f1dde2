"""Fuzz the parsers that read untrusted bytes, with atheris (coverage-guided, libFuzzer).

    python bench/fuzz.py TARGET [libFuzzer options]     e.g. -runs=20000 -max_len=4096
    python bench/fuzz.py --list
    python bench/fuzz.py TARGET CRASH_FILE              replay one input

An input passes when the parser returns, or refuses it the documented way (a
PolicyctlError: one line, exit 2; for `dsse`, the ValueError `verify` turns into a failed
check). Any other exception is a crash: libFuzzer writes the input to crash-<sha1> and
stops. Each crash found becomes a regression test in tests/security/test_fuzz_regressions.py.

Targets:

    csv, jsonl, json, log   a dataset or log file, read as a scan reads it (sniffing,
                            gzip by magic number, encodings, malformed records)
    git-log                 the `git log -p --cc` parser
    text                    byte-order marks, binary detection, decoding to scannable text
    decode                  base64 / URL-encoded blobs inside text
    config                  a .policyctl.yaml (YAML, schema, values)
    rules                   a custom rule file (YAML, schema, regex safety)
    audit                   audit log lines (parsing, verification)
    dsse                    a DSSE envelope (provenance.intoto.jsonl)

atheris is installed by `.ci/run`; here: `pip install atheris`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="policyctl-fuzz-"))
os.environ.setdefault("POLICYCTL_CACHE_DIR", str(WORK / "cache"))


def _dataset(kind: str, name: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        from policyctl.sources.datasets import DataItem, DataOptions

        path = WORK / name
        path.write_bytes(data)
        item = DataItem(str(path), name, len(data), kind, DataOptions())
        for _ in item.load():
            pass

    return target


def git_log(data: bytes) -> None:
    from policyctl.sources.git import parse_log

    for _ in parse_log(io.BytesIO(data), "history"):
        pass


def text(data: bytes) -> None:
    from policyctl.sources.text import bom_encoding, is_binary, to_scannable

    bom_encoding(data)
    is_binary(data)
    to_scannable(data)


def decode(data: bytes) -> None:
    from policyctl.detection.decode import encoded_blobs

    for _ in encoded_blobs(data):
        pass


def config(data: bytes) -> None:
    from policyctl.core.config import resolve_settings

    path = WORK / "fuzz.policyctl.yaml"
    path.write_bytes(data)
    resolve_settings({"config_path": str(path)}, (), env={})


def rules(data: bytes) -> None:
    from policyctl.detection.rules import load_rules

    folder = WORK / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "fuzz.yaml").write_bytes(data)
    load_rules([folder], builtin=False)


def audit(data: bytes) -> None:
    from policyctl.evidence.audit import parse_entry, verify_log

    for line in data.split(b"\n"):
        parse_entry(line)
    path = WORK / "audit.jsonl"
    path.write_bytes(data)
    verify_log(path, env={})


def dsse(data: bytes) -> None:
    from policyctl.evidence.dsse import open_envelope

    try:
        envelope = json.loads(data)
    except (ValueError, RecursionError):
        return  # not JSON: verify fails such an envelope before it reaches the DSSE code
    open_envelope(envelope, None)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "csv": _dataset("csv", "fuzz.csv"),
    "jsonl": _dataset("jsonl", "fuzz.jsonl"),
    "json": _dataset("json", "fuzz.json"),
    "log": _dataset("log", "fuzz.log"),
    "git-log": git_log,
    "text": text,
    "decode": decode,
    "config": config,
    "rules": rules,
    "audit": audit,
    "dsse": dsse,
}
REFUSALS: dict[str, tuple[type[BaseException], ...]] = {"dsse": (ValueError,)}
"""Exceptions besides PolicyctlError that a target may raise by contract."""


def checked(name: str) -> Callable[[bytes], None]:
    """The target, with its documented refusals let through."""
    from policyctl.core.errors import PolicyctlError

    target = TARGETS[name]
    allowed = (PolicyctlError, *REFUSALS.get(name, ()))

    def run(data: bytes) -> None:
        with contextlib.suppress(*allowed):
            target(data)

    return run


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] in ("-h", "--help", "--list"):
        print(__doc__ if len(argv) < 2 or argv[1] != "--list" else "\n".join(TARGETS))
        return 0 if len(argv) >= 2 else 2
    name = argv[1]
    if name not in TARGETS:
        print(f"fuzz.py: unknown target {name!r}; one of: {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    try:
        import atheris
    except ImportError:
        print("fuzz.py: atheris is not installed (pip install atheris)", file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["policyctl"]):
        import policyctl.core.config
        import policyctl.detection.decode
        import policyctl.detection.rules
        import policyctl.evidence.audit
        import policyctl.evidence.dsse
        import policyctl.sources.datasets
        import policyctl.sources.git
        import policyctl.sources.text  # noqa: F401
    atheris.Setup([argv[0], *argv[2:]], checked(name))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
