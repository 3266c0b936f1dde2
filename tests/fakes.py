"""Credentials assembled at run time from pieces, so no file in this repository holds one.

Every value is random (seeded per call site for reproducibility) and has the shape of a
real credential; none was ever issued by a provider.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

ALNUM = string.ascii_letters + string.digits
BASE32 = string.ascii_uppercase + "234567"
BASE64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


def pick(alphabet: str, length: int, seed: int | str = 0) -> str:
    rng = random.Random(f"{seed}:{alphabet}:{length}")
    return "".join(rng.choice(alphabet) for _ in range(length))


def aws_access_key_id(seed: int | str = 0) -> str:
    return "AK" + "IA" + pick(BASE32, 16, seed)


def aws_secret_access_key(seed: int | str = 0) -> str:
    return pick(BASE64, 40, seed)


def crc32_base62(text: str) -> str:
    """The 6-character checksum GitHub and npm tokens end with: CRC32 of the random part
    in base 62 (0-9, A-Z, a-z), zero-padded. Written here from GitHub's description of the
    format, apart from the validator it tests."""
    number = zlib.crc32(text.encode())
    digits = string.digits + string.ascii_uppercase + string.ascii_lowercase
    out = ""
    for _ in range(6):
        number, remainder = divmod(number, 62)
        out = digits[remainder] + out
    return out


def checksummed_token(prefix: str, seed: int | str = 0) -> str:
    """`prefix` + 30 random base62 characters + their CRC32 checksum (GitHub, npm)."""
    body = pick(ALNUM, 30, f"{prefix}{seed}")
    return prefix + body + crc32_base62(body)


def github_pat(seed: int | str = 0) -> str:
    return checksummed_token("gh" + "p_", seed)


def slack_bot_token(seed: int | str = 0) -> str:
    digits = string.digits
    return "-".join(
        ["xo" + "xb", pick(digits, 12, seed), pick(digits, 13, seed), pick(ALNUM, 24, seed)]
    )


def slack_webhook_url(seed: int | str = 0) -> str:
    upper = string.ascii_uppercase + string.digits
    parts = ["T" + pick(upper, 10, seed), "B" + pick(upper, 10, seed), pick(ALNUM, 24, seed)]
    return "https://hooks." + "slack.com/services/" + "/".join(parts)


def password(seed: int | str = 0) -> str:
    """A random password of the kind a .env or .ini file holds."""
    return pick(ALNUM, 18, seed) + "#" + pick(string.digits, 2, seed)


def stripe_live_key(seed: int | str = 0) -> str:
    return "sk" + "_live_" + pick(ALNUM, 24, seed)


def jwt(seed: int | str = 0) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    payload = part({"sub": pick(string.digits, 8, seed), "iat": 1_700_000_000})
    return f"{header}.{payload}.{pick(URLSAFE, 43, seed)}"


def private_key_pem(seed: int | str = 0) -> str:
    """A PEM block shaped like a real key: its body is an ASN.1 DER SEQUENCE (what the
    private_key_block validator checks), the rest random."""
    rng = random.Random(f"pem:{seed}")
    der = bytes([0x30, 0x82, 0x03, 0x80]) + bytes(rng.randrange(256) for _ in range(896))
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    label = "RSA " + "PRIVATE KEY"
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])
