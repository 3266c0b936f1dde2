"""Password-hash validators: real hashes pass, same-shaped strings with impossible
leftover bits do not."""

from __future__ import annotations

import base64
import random
import warnings

import pytest

from policyctl.validators.password_hashes import (
    BCRYPT_ALPHABET,
    CISCO_TYPE7_KEY,
    CRYPT_ALPHABET,
    argon2_hash,
    bcrypt_hash,
    cisco_type7,
    crypt_hash,
)
from tests.fakes import ALNUM, pick

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import crypt as _crypt
    except ImportError:  # Python 3.13 removed it
        _crypt = None  # type: ignore[assignment]

needs_crypt = pytest.mark.skipif(_crypt is None, reason="the crypt module is not available")


@needs_crypt
@pytest.mark.parametrize("method", ["METHOD_MD5", "METHOD_SHA256", "METHOD_SHA512"])
def test_hashes_made_by_the_system_crypt_pass(method: str) -> None:
    assert _crypt is not None
    for seed in range(50):
        made = _crypt.crypt(pick(ALNUM, 12, seed), _crypt.mksalt(getattr(_crypt, method)))
        assert crypt_hash(made), made[:8]


@needs_crypt
def test_bcrypt_hashes_made_by_the_system_crypt_pass() -> None:
    assert _crypt is not None
    for seed in range(5):
        salt = _crypt.mksalt(_crypt.METHOD_BLOWFISH, rounds=16)
        assert bcrypt_hash(_crypt.crypt(pick(ALNUM, 12, seed), salt))


def test_a_crypt_digest_whose_last_character_holds_impossible_bits_is_refuted() -> None:
    # sha512crypt's last character carries 2 bits: only the first 4 of the alphabet occur
    digest = pick(CRYPT_ALPHABET, 85, "sha512")
    assert crypt_hash("$6$saltsalt$" + digest + CRYPT_ALPHABET[1])
    assert not crypt_hash("$6$saltsalt$" + digest + CRYPT_ALPHABET[40])
    assert not crypt_hash("$6$saltsalt$" + digest)  # one character short


def test_bcrypt_salt_and_digest_must_end_on_their_leftover_bits() -> None:
    salt = pick(BCRYPT_ALPHABET, 21, "salt") + "O"
    digest = pick(BCRYPT_ALPHABET, 30, "digest") + "e"
    assert bcrypt_hash(f"$2b$12${salt}{digest}")
    assert not bcrypt_hash(f"$2b$12${salt[:-1]}P{digest}")
    assert not bcrypt_hash(f"$2b$12${salt}{digest[:-1]}f")
    assert not bcrypt_hash(f"$2b$99${salt}{digest}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def test_argon2_strings_need_a_real_salt_and_sane_parameters() -> None:
    rng = random.Random(7)
    salt, digest = _b64(rng.randbytes(16)), _b64(rng.randbytes(32))
    assert argon2_hash(f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest}")
    assert not argon2_hash(f"$argon2id$v=19$m=65536,t=3,p=4${_b64(b'salt')}${digest}")
    assert not argon2_hash(f"$argon2id$v=19$m=4,t=3,p=4${salt}${digest}")
    assert not argon2_hash(f"$argon2id$v=42$m=65536,t=3,p=4${salt}${digest}")


def type7(password: str, offset: int) -> str:
    key = CISCO_TYPE7_KEY
    body = "".join(f"{ord(ch) ^ key[(offset + i) % len(key)]:02X}" for i, ch in enumerate(password))
    return f"{offset:02d}{body}"


def test_cisco_type7_decodes_to_printable_text() -> None:
    assert cisco_type7(type7(pick(ALNUM, 12, "t7"), 7))
    assert not cisco_type7("99" + "AB" * 6)  # offset out of range
    assert not cisco_type7("05" + "FF" * 6)  # decodes to bytes past ASCII
