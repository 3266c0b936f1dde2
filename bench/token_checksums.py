"""Cross-check of policyctl's GitHub/npm token checksum against CredSweeper's, in one run.

    python bench/token_checksums.py [--tokens 60]

GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens end in the CRC32 of
their 30 random characters, in 6 base62 digits. policyctl's validator
(policyctl.validators.tokens.crc32_checksum_token) was written from GitHub's description
of the format; CredSweeper 1.19.5 has an implementation of its own (its GitHub token
filter). This script makes tokens with a correct checksum by policyctl's reckoning and
the same tokens with the checksum's last digit changed, writes them into a file, runs
CredSweeper (ML off) on it, and prints the agreement: a token CredSweeper reports must be
one policyctl calls valid, and no corrupted token may pass either.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._peers import peer_bin
from policyctl.validators.tokens import base62, crc32_checksum_token

PREFIXES = ("gh" + "p_", "gh" + "o_", "gh" + "u_", "gh" + "s_", "gh" + "r_", "np" + "m_")


def make_tokens(count: int, seed: int = 16) -> list[tuple[str, bool]]:
    """(token, has a correct checksum) pairs, half of each, every prefix in turn."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits
    tokens: list[tuple[str, bool]] = []
    for index in range(count):
        prefix = PREFIXES[index % len(PREFIXES)]
        body = "".join(rng.choice(alphabet) for _ in range(30))
        checksum = base62(zlib.crc32(body.encode()))
        wrong = checksum[:-1] + ("0" if checksum[-1] != "0" else "1")
        tokens.append((prefix + body + checksum, True))
        tokens.append((prefix + body + wrong, False))
    return tokens


def credsweeper_reports(tokens: list[str]) -> set[str]:
    """The tokens CredSweeper's GitHub and npm rules report, one per line of one file."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "tokens.env"
        lines = [f"TOKEN_{i}={token}" for i, token in enumerate(tokens)]
        target.write_text("\n".join(lines) + "\n")
        report = Path(folder) / "out.json"
        subprocess.run(
            [
                str(peer_bin("credsweeper")),
                "--path",
                str(target),
                "--save-json",
                str(report),
                "--ml_threshold",
                "0",
            ],
            check=True,
            capture_output=True,
        )
        found = json.loads(report.read_text())
    reported = set()
    for item in found:
        if not any(name in item["rule"].lower() for name in ("github", "npm")):
            continue  # a generic rule ("Token" in a key): no checksum involved
        for line in item["line_data_list"]:
            reported.add(tokens[int(line["line_num"]) - 1])
    return reported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=60, help="correct tokens (as many corrupted)")
    args = parser.parse_args()
    tokens = make_tokens(args.tokens)
    reported = credsweeper_reports([token for token, _ in tokens])
    ours = {token: crc32_checksum_token(token) for token, _ in tokens}
    made_valid = [token for token, valid in tokens if valid]
    corrupted = [token for token, valid in tokens if not valid]
    print(f"{len(made_valid)} tokens with a checksum, {len(corrupted)} with its last digit changed")
    print(
        f"policyctl validator: {sum(ours[t] for t in made_valid)} / {len(made_valid)} valid pass, "
        f"{sum(ours[t] for t in corrupted)} / {len(corrupted)} corrupted pass"
    )
    print(
        f"CredSweeper reports: {len(reported & set(made_valid))} / {len(made_valid)} valid, "
        f"{len(reported & set(corrupted))} / {len(corrupted)} corrupted"
    )
    for prefix in PREFIXES:
        mine = [t for t in made_valid if t.startswith(prefix)]
        print(f"  {prefix}: CredSweeper reports {len(reported & set(mine))} / {len(mine)} valid")
    disagreements = [t for t in reported if not ours[t]]
    print(f"reported by CredSweeper but refuted by policyctl: {len(disagreements)}")
    if disagreements or any(ours[t] for t in corrupted):
        sys.exit(1)


if __name__ == "__main__":
    main()
