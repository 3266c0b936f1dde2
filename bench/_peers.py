"""The peer scanners the secret benchmarks compare with, in their own virtualenv.

detect-secrets 1.5.0, CredSweeper 1.19.5 and kingfisher-bin 2.14.0 (Kingfisher's binary as
a PyPI package) are installed once into bench/.cache/peers; each is run as a command.
None of them is a dependency of policyctl.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PEERS = CACHE / "peers"
PINS = ["detect-secrets==1.5.0", "credsweeper==1.19.5", "kingfisher-bin==2.14.0"]


def peer_bin(name: str) -> Path:
    """The path of a peer's command, installing the peers' virtualenv on first use."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        print(f"creating {PEERS} ({', '.join(PINS)}) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PINS], check=True)
    return PEERS / "bin" / name
