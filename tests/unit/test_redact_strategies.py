"""The redaction strategies, each a pure function, and the keys they derive."""

from __future__ import annotations

import hashlib
import hmac
import string

import pytest

from policyctl.core.errors import ConfigError
from policyctl.redaction.detokenize import RestoreCounts, restore_tokens
from policyctl.redaction.fpe import FormatPreservingCipher
from policyctl.redaction.keys import RedactionKeys, keys_from_env
from policyctl.redaction.strategies import (
    MASK,
    Strategy,
    TokenError,
    detokenize,
    generalize,
    keyed_hash,
    maker,
    mask,
    partial,
    tokenize,
)
from policyctl.validators.checksums import luhn
from tests.redact_samples import CARD, DOB, EMAIL, OTHER_REDACT_KEY, REDACT_KEY, ZIP

KEYS = RedactionKeys.derive(REDACT_KEY)
OTHER_KEYS = RedactionKeys.derive(OTHER_REDACT_KEY)


def classes(text: str) -> list[str]:
    """Each character's class: digit, lower, upper or the character itself."""
    return [
        "digit" if c.isdigit() else "lower" if c.islower() else "upper" if c.isupper() else c
        for c in text
    ]


def test_mask_keeps_the_length_and_the_line_breaks() -> None:
    assert mask("ab\ncd") == "**\n**"
    assert mask(EMAIL) == "*" * len(EMAIL)


def test_mask_with_a_fixed_length_hides_how_long_the_value_was() -> None:
    assert mask(EMAIL, char="#", length=8) == "########"


def test_partial_keeps_the_last_four_digits_and_the_separators() -> None:
    assert partial(CARD) == "**** **** **** " + CARD[-4:]


def test_partial_keeps_an_emails_domain() -> None:
    local, domain = EMAIL.split("@")
    assert partial(EMAIL) == "*" * len(local) + "@" + domain


def test_partial_never_shows_a_short_value_whole() -> None:
    assert partial("1234") == "****"
    assert partial("123456", keep_first=3, keep_last=3) == "1*****"


def test_hash_is_the_truncated_hmac_sha256_under_the_derived_key() -> None:
    expected = hmac.new(KEYS.hash_key, b"12345", hashlib.sha256).hexdigest()[:16]
    assert keyed_hash("12345", KEYS.hash_key) == "h_" + expected


def test_hash_is_stable_with_the_same_key() -> None:
    again = RedactionKeys.derive(REDACT_KEY)
    assert keyed_hash(EMAIL, KEYS.hash_key) == keyed_hash(EMAIL, again.hash_key)


def test_hash_differs_with_another_key() -> None:
    assert keyed_hash(EMAIL, KEYS.hash_key) != keyed_hash(EMAIL, OTHER_KEYS.hash_key)


def test_hash_joins_values_written_differently() -> None:
    assert keyed_hash(EMAIL.upper(), KEYS.hash_key) == keyed_hash(EMAIL, KEYS.hash_key)
    assert keyed_hash(CARD, KEYS.hash_key) == keyed_hash(CARD.replace(" ", "-"), KEYS.hash_key)


def test_hash_length_and_prefix_follow_the_options() -> None:
    made, _ = maker(Strategy("hash", (("length", 24), ("prefix", "user_"))), KEYS)(EMAIL)
    assert made.startswith("user_") and len(made) == len("user_") + 24


def test_tokenize_round_trips() -> None:
    for value in (EMAIL, CARD, "ünïcode naïve", "x"):
        assert detokenize(tokenize(value, KEYS.token_key), KEYS.token_key) == value


def test_tokenize_is_deterministic_and_hides_the_value() -> None:
    token = tokenize(EMAIL, KEYS.token_key)
    assert token == tokenize(EMAIL, KEYS.token_key)
    assert token.startswith("tok_") and "jane" not in token


def test_an_altered_token_is_refused() -> None:
    token = tokenize(EMAIL, KEYS.token_key)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(TokenError):
        detokenize(altered, KEYS.token_key)


def test_a_token_of_another_key_is_refused() -> None:
    with pytest.raises(TokenError):
        detokenize(tokenize(EMAIL, KEYS.token_key), OTHER_KEYS.token_key)


def test_fpe_digits_match_the_nist_acvp_ff3_1_vector() -> None:
    # NIST ACVP FF3-1 AES-128 test group 1, case 1 (radix 10).
    cipher = FormatPreservingCipher(
        bytes.fromhex("2DE79D232DF5585D68CE47882AE256D6"), bytes.fromhex("CBD09280979564")
    )
    assert cipher.encrypt("3992520240") == "8901801106"


def test_fpe_letters_match_the_nist_acvp_ff3_1_vector() -> None:
    # NIST ACVP FF3-1 AES-128 test group 2, case 26 (radix 26, a-z).
    cipher = FormatPreservingCipher(
        bytes.fromhex("718385E6542534604419E83CE387A437"), bytes.fromhex("B6F35084FA90E1")
    )
    assert cipher.encrypt("wfmwlrorcd") == "ywowehycyd"


@pytest.mark.parametrize(
    "value",
    [CARD, "4111-1111-" + "1111-1111", "+1 (555) 010-9999", EMAIL, "AB12" + "3456C", "DE89 3704"],
)
def test_fpe_keeps_length_and_character_classes(value: str) -> None:
    made, used = maker(Strategy("fpe"), KEYS)(value)
    assert used.name == "fpe"
    assert made != value
    assert len(made) == len(value)
    assert classes(made) == classes(value)


def test_fpe_decrypts_back_to_the_value() -> None:
    cipher = FormatPreservingCipher(KEYS.fpe_key, KEYS.fpe_tweak)
    for value in (CARD, EMAIL, "Mixed.Case-Value 123456"):
        encrypted = cipher.encrypt(value)
        assert encrypted is not None
        assert cipher.decrypt(encrypted) == value


def test_fpe_with_luhn_keeps_card_numbers_valid_and_decrypts_back() -> None:
    cipher = FormatPreservingCipher(KEYS.fpe_key, KEYS.fpe_tweak)
    cards = [CARD, "5500 0000 " + "0000 0004", "3400 0000 " + "0000 009"]
    for card in cards:
        encrypted = cipher.encrypt(card, luhn=True)
        assert encrypted is not None and encrypted != card
        assert luhn(encrypted)
        assert cipher.decrypt(encrypted, luhn=True) == card


def test_fpe_masks_a_number_too_short_for_ff3_1() -> None:
    made, used = maker(Strategy("fpe"), KEYS)(ZIP)
    assert (made, used) == ("*****", MASK)


def test_keyed_strategies_need_the_keys() -> None:
    with pytest.raises(ValueError, match="key"):
        maker(Strategy("hash"), None)


@pytest.mark.parametrize(
    "value",
    [
        DOB,
        "14/03/" + "1985",
        "3.14." + "1985",
        "March 14, " + "1985",
        "14 Mar " + "1985",
        "1985-03-14" + "T10:20:00Z",
    ],
)
def test_generalize_keeps_only_the_year_of_a_date(value: str) -> None:
    assert generalize(value) == "1985"


def test_generalize_keeps_the_first_three_digits_of_a_zip_code() -> None:
    assert generalize(ZIP) == ZIP[:3] + "**"
    assert generalize(ZIP + "-1234") == ZIP[:3] + "**-****"


def test_generalize_zeroes_zip_areas_of_twenty_thousand_people_or_fewer() -> None:
    assert generalize("03601") == "000**"


def test_generalize_masks_what_is_neither_a_date_nor_a_zip_code() -> None:
    assert generalize(EMAIL) is None
    assert maker(Strategy("generalize"), None)("13/13/1985") == ("*" * 10, MASK)


def test_keys_are_refused_without_the_variable() -> None:
    with pytest.raises(ConfigError, match="POLICYCTL_REDACT_KEY is not set"):
        keys_from_env({}, "hash")


def test_keys_are_refused_when_too_short() -> None:
    with pytest.raises(ConfigError, match="too short"):
        keys_from_env({"POLICYCTL_REDACT_KEY": "short"}, "hash")


def test_each_purpose_gets_its_own_key() -> None:
    assert len({KEYS.hash_key, KEYS.token_key[:32], KEYS.fpe_key}) == 3
    assert len(KEYS.fpe_tweak) == 7 and len(KEYS.token_key) == 64
    assert set(KEYS.key_id) <= set(string.hexdigits.lower()) and KEYS.key_id != OTHER_KEYS.key_id


def test_restoring_a_text_finds_tokens_next_to_word_characters() -> None:
    token = tokenize(EMAIL, KEYS.token_key)
    counts = RestoreCounts()
    text = f"to:{token}_x and {token}-1, not tok_{'A' * 30}"
    restored = restore_tokens(text, KEYS, counts)
    assert restored == f"to:{EMAIL}_x and {EMAIL}-1, not tok_{'A' * 30}"
    assert (counts.restored, counts.left) == (2, 1)
