"""The false-positive filters for secret candidates, each on its own."""

from __future__ import annotations

import pytest

from policyctl.detection.secret_filters import (
    FILTERS,
    Candidate,
    entropy_threshold,
    is_env_lookup,
    is_file_path,
    is_hash_under_hash_key,
    is_hexspeak,
    is_keyboard_mash,
    is_lockfile_hash,
    is_low_entropy,
    is_non_secret_key,
    is_part_of_a_decimal_number,
    is_placeholder,
    is_plain_word,
    is_repeated_characters,
    is_sequence,
    is_templated,
    is_url_without_credentials,
    is_uuid_with_plain_key,
    is_variable_reference,
    rejecting_filter,
)
from tests.fakes import ALNUM, pick

RANDOM = pick(ALNUM, 24, "filters")


def c(value: str, before: str = 'key = "', path: str = "app/settings.py") -> Candidate:
    return Candidate(value=value, before=before, after='"', path=path)


@pytest.mark.parametrize(
    "value",
    ["changeme", "<your-token>", "xxxxxxxxxxxx", "********", "my-example-key", "DUMMY_VALUE"],
)
def test_placeholders_are_rejected(value: str) -> None:
    assert is_placeholder(c(value))


@pytest.mark.parametrize(
    "value", ["${API_KEY}", "{{ vault_secret }}", "%(password)s", "$TOKEN", "{token}"]
)
def test_templates_are_rejected(value: str) -> None:
    assert is_templated(c(value))


def test_environment_lookups_are_rejected() -> None:
    assert is_env_lookup(c("API_TOKEN", before='token = os.environ["'))
    assert is_env_lookup(c("process.env.TOKEN", before="const token = "))
    assert not is_env_lookup(c(RANDOM))


@pytest.mark.parametrize(
    "value", ["self.password", "DB_PASSWORD", "secret_key_name", "apiTokenValue"]
)
def test_variable_names_are_rejected(value: str) -> None:
    assert is_variable_reference(c(value))


def test_a_random_mix_of_cases_is_not_a_variable_name() -> None:
    assert not is_variable_reference(c(RANDOM))


@pytest.mark.parametrize("value", ["aaaaaaaaaa", "abababababab", "0000000000", "xyzxyzxyzxyz"])
def test_repeated_characters_are_rejected(value: str) -> None:
    assert is_repeated_characters(c(value))


@pytest.mark.parametrize("value", ["abcdefghij", "1234567890", "qwertyuiop", "9876543210"])
def test_sequences_are_rejected(value: str) -> None:
    assert is_sequence(c(value))


def test_random_values_pass_the_shape_filters() -> None:
    names = [n for n in FILTERS if n not in ("low_entropy",)]
    assert rejecting_filter(c(RANDOM), tuple(names)) is None


def test_lockfile_hashes_are_rejected_by_file_name_or_integrity_prefix() -> None:
    assert is_lockfile_hash(c(pick("0123456789abcdef", 64, 1), path="web/package-lock.json"))
    assert is_lockfile_hash(c("sha512-" + pick(ALNUM, 40, 2)))
    assert not is_lockfile_hash(c(RANDOM))


def test_a_uuid_under_an_identifier_key_is_rejected_but_not_under_a_secret_key() -> None:
    uuid = "3f2b8c1e-9a4d-4e7f-b1c2-5d6e7f8a9b0c"
    assert is_uuid_with_plain_key(c(uuid, before='client_id = "'))
    assert not is_uuid_with_plain_key(c(uuid, before='api_key = "'))


def test_a_hex_digest_under_a_hash_key_is_rejected() -> None:
    digest = pick("0123456789abcdef", 40, 3)
    assert is_hash_under_hash_key(c(digest, before='password_hash = "'))
    assert not is_hash_under_hash_key(c(digest, before='password = "'))


@pytest.mark.parametrize(
    "value", ["/run/secrets/db_password", "./certs/server.key", "C:\\keys\\a.pem"]
)
def test_file_paths_are_rejected(value: str) -> None:
    assert is_file_path(c(value))


def test_urls_without_credentials_are_rejected_and_urls_with_them_are_not() -> None:
    assert is_url_without_credentials(c("https://auth.example.org/oauth/token"))
    assert not is_url_without_credentials(c("https://user:" + RANDOM + "@host.example.org/"))


def test_entropy_thresholds_depend_on_the_alphabet_and_length() -> None:
    assert entropy_threshold(pick("0123456789abcdef", 40)) == 3.0
    assert entropy_threshold(pick(ALNUM, 40)) == 3.6
    assert entropy_threshold("short1") < 3.0
    assert is_low_entropy(c("aaaabbbbccccdddd1"))
    assert not is_low_entropy(c(RANDOM))


def test_plain_words_are_rejected() -> None:
    assert is_plain_word(c("Administrator"))
    assert not is_plain_word(c(RANDOM))


@pytest.mark.parametrize(
    "before",
    ['token_type = "', 'password_field: "', 'tokenizer = "', 'public_key = "', 'secret_name="'],
)
def test_keys_that_name_something_about_a_secret_are_rejected(before: str) -> None:
    assert is_non_secret_key(c(RANDOM, before=before))


def test_keys_that_hold_a_secret_are_kept() -> None:
    assert not is_non_secret_key(c(RANDOM, before='DB_PASSWORD = "'))
    assert not is_non_secret_key(c(RANDOM, before='"api_key": "'))


def test_an_elided_example_is_a_placeholder() -> None:
    assert is_placeholder(Candidate(RANDOM[:12] + "..."))
    assert not is_placeholder(Candidate(RANDOM))


def test_a_camel_case_name_is_a_plain_word_but_mixed_random_letters_are_not() -> None:
    assert is_plain_word(Candidate("connectAs"))
    assert not is_plain_word(Candidate("xQzvTpLwRkMn"))


def test_home_row_keyboard_mash_is_rejected_and_random_text_is_not() -> None:
    assert is_keyboard_mash(Candidate("asdfhlkasdjfklsdfj;slkdfjas"))
    assert not is_keyboard_mash(Candidate(RANDOM))
    assert not is_keyboard_mash(Candidate("asdfghjkl"))  # too short to judge


def test_hex_with_two_hexspeak_words_is_made_up_and_with_one_it_is_not() -> None:
    assert is_hexspeak(Candidate("7f3adead91c2beef04d8e6a5b1c9f02e"))
    assert not is_hexspeak(Candidate("7f3adead91c2b0ef04d8e6a5b1c9f02e"))
    assert not is_hexspeak(Candidate("deadbeefXYZ"))  # not hex


def test_digits_of_a_decimal_number_are_not_an_identifier() -> None:
    digits = "5610" + "000000000001"
    assert is_part_of_a_decimal_number(Candidate(digits, before="x = 0."))
    assert is_part_of_a_decimal_number(Candidate(digits, before="x = ", after=".25"))
    assert not is_part_of_a_decimal_number(Candidate(digits, before="card: ", after=". Thanks"))
    assert not is_part_of_a_decimal_number(Candidate(digits, before="Version 2. "))
