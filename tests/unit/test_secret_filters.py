"""The false-positive filters for secret candidates, each on its own."""

from __future__ import annotations

import pytest

from policyctl.detection.secret_filters import (
    FILTERS,
    Candidate,
    entropy_threshold,
    is_arithmetic_operand,
    is_bare_placeholder,
    is_binary_value,
    is_build_variable_password,
    is_cloud_region,
    is_code_expression,
    is_cursor_token_key,
    is_declaration,
    is_doctest_example,
    is_documentation_example,
    is_encoded_test_value,
    is_env_lookup,
    is_file_path,
    is_generated_part,
    is_hash_under_hash_key,
    is_hexspeak,
    is_in_certificate_text,
    is_key_without_credential_word,
    is_keyboard_mash,
    is_leetspeak_words,
    is_lockfile_hash,
    is_low_entropy,
    is_name_of_the_key,
    is_near_documentation_host,
    is_non_secret_key,
    is_part_of_a_decimal_number,
    is_placeholder,
    is_plain_word,
    is_prefixed_token,
    is_repeated_characters,
    is_sequence,
    is_templated,
    is_test_value_key,
    is_timestamp,
    is_token_with_a_wrong_checksum,
    is_url_without_credentials,
    is_uuid_with_plain_key,
    is_variable_reference,
    is_vector_drawing,
    is_words_and_digits,
    key_words,
    weigh,
)
from tests.fakes import ALNUM, github_pat, pick

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
    "before",
    ["SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', '", 'key = os.getenv("JINA_KEY","'],
)
def test_the_default_of_a_lookup_is_written_in_the_file(before: str) -> None:
    assert not is_env_lookup(c(RANDOM, before=before))


def test_a_call_whose_name_ends_in_env_is_no_lookup_default() -> None:
    assert is_env_lookup(c("tool==1.5.0", before='tools = tool_venv("tool", "'))


def test_a_key_beginning_with_the_letters_sha_names_no_digest() -> None:
    assert not is_hash_under_hash_key(c(RANDOM, before='sharedSecret: "'))
    assert is_hash_under_hash_key(c(RANDOM, before='token_sha256 = "'))
    assert is_hash_under_hash_key(c(RANDOM, before="SHA1="))


@pytest.mark.parametrize(
    "value", ["self.password", "DB_PASSWORD", "secret_key_name", "apiTokenValue"]
)
def test_variable_names_are_rejected(value: str) -> None:
    assert is_variable_reference(c(value))


def test_a_random_mix_of_cases_is_not_a_variable_name() -> None:
    assert not is_variable_reference(c(RANDOM))


@pytest.mark.parametrize(
    "value",
    [
        "self.api_key",
        "settings.SECRET_KEY",
        "os_environ_token",
        "config.auth.token",
        "AWS_SECRET_ACCESS_KEY",
        "x509_cert_v3",
        "oauth2_client_secret",
        "v1beta1_api_key",
        "utf8mb4_unicode_ci",
        "pbkdf2_sha256_hasher",
        "this->apiKey",
        "Foo::BAR_TOKEN",
        "SECRET_KEY_BASE64",
        "x86_64_linux_gnu",
        "ed25519.Ed25519PrivateKey",
    ],
)
def test_names_made_of_words_and_numbers_stay_variable_names(value: str) -> None:
    assert is_variable_reference(c(value))


def _prefixed(prefix: str, alphabet: str, length: int) -> str:
    return prefix + pick(alphabet, length, prefix)


@pytest.mark.parametrize(
    "value",
    [
        _prefixed("sandbox" + "_", "abcdefghijklmnopqrstuvwxyz0123456789", 8)
        + "_"
        + pick("abcdefghijklmnopqrstuvwxyz0123456789", 16, "tail"),
        _prefixed("pk" + "_prod_", "abcdefghijklmnopqrstuvwxyz0123456789", 24),
        _prefixed("ak" + "_", "0123456789abcdef", 64),
        _prefixed("na1" + ".", ALNUM, 32),
        _prefixed("hvb" + ".", ALNUM, 38),
        _prefixed("ory" + "_wak_", "abcdefghijklmnopqrstuvwxyz0123456789", 24),
    ],
)
def test_a_prefix_before_a_generated_body_is_a_token_not_a_name(value: str) -> None:
    assert not is_variable_reference(c(value))
    assert is_prefixed_token(value)


@pytest.mark.parametrize("part", ["f252zhq7", "a1b2c3d4e5", "aBcDeFgHiJ", "JGbZZaCkOSgs"])
def test_digits_mixed_in_or_cases_mixed_letter_by_letter_are_generated(part: str) -> None:
    assert is_generated_part(part)


@pytest.mark.parametrize(
    "part", ["sha256sum", "version2", "apiTokenValue", "HTTPSProxy", "x509", "Ed25519PrivateKey"]
)
def test_words_with_a_number_are_not_generated(part: str) -> None:
    assert not is_generated_part(part)


@pytest.mark.parametrize("value", ["aaaaaaaaaa", "abababababab", "0000000000", "xyzxyzxyzxyz"])
def test_repeated_characters_are_rejected(value: str) -> None:
    assert is_repeated_characters(c(value))


@pytest.mark.parametrize("value", ["abcdefghij", "1234567890", "qwertyuiop", "9876543210"])
def test_sequences_are_rejected(value: str) -> None:
    assert is_sequence(c(value))


def test_random_values_pass_the_shape_filters() -> None:
    # (line_of_text is about where a value is, not its shape: it turns away every line)
    names = [n for n in FILTERS if n not in ("low_entropy", "line_of_text")]
    assert weigh(c(RANDOM), tuple(names)).rejected_by is None


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
    # a fraction without its zero, as minified JavaScript writes it
    assert is_part_of_a_decimal_number(Candidate(digits, before="r = -."))
    assert is_part_of_a_decimal_number(Candidate(digits, before="."))
    assert not is_part_of_a_decimal_number(Candidate(digits, before="card."))
    assert not is_part_of_a_decimal_number(Candidate(digits, before="key_."))


def test_key_words_split_camel_case_snake_case_and_acronyms() -> None:
    assert key_words("ClientRequestToken") == ["client", "request", "token"]
    assert key_words("NEXT_TOKEN") == ["next", "token"]
    assert key_words("AWSAccessKeyId") == ["aws", "access", "key", "id"]


@pytest.mark.parametrize(
    "before",
    [
        '"NextToken": "',
        '"ContinuationToken": "',
        '"ClientRequestToken": "',
        '"LifecycleActionToken": "',
        "page_token = '",
        'IdempotencyToken: "',
    ],
)
def test_pagination_and_idempotency_tokens_are_rejected_by_their_key(before: str) -> None:
    assert is_cursor_token_key(c(RANDOM, before=before))


@pytest.mark.parametrize(
    "before", ['"SessionToken": "', 'access_token = "', 'GITHUB_TOKEN="', 'RequestTokenSecret: "']
)
def test_credential_tokens_are_not_cursor_tokens(before: str) -> None:
    assert not is_cursor_token_key(c(RANDOM, before=before))


@pytest.mark.parametrize("prefix", ["s.", "akab-", "b."])
def test_a_client_token_with_a_provider_prefix_is_a_credential(prefix: str) -> None:
    value = prefix + pick(ALNUM, 24, prefix)
    assert not is_cursor_token_key(c(value, before='VAULT_CLIENT_TOKEN="'))
    assert not is_cursor_token_key(c(value, before="client_token = "))


def test_a_bare_client_token_stays_an_idempotency_mark() -> None:
    assert is_cursor_token_key(c(RANDOM, before="client_token = "))
    assert is_cursor_token_key(c(pick(ALNUM, 24, "next"), before='"NextToken": "'))


@pytest.mark.parametrize(
    "value",
    ["2016-09-08T21:47:36Z", "2024-01-31", "2024-01-31 12:00:00.123+01:00", "20240131T120000Z"],
)
def test_dates_and_timestamps_are_rejected(value: str) -> None:
    assert is_timestamp(c(value, before='"PasswordLastUsed": "'))


def test_a_value_with_digits_and_dashes_that_is_not_a_date_is_kept() -> None:
    assert not is_timestamp(c("2016-09-08T21:47:36Z" + RANDOM[:4]))


@pytest.mark.parametrize(
    "value", ["us-east-1", "eu-west-2", "europe-west1", "ap-southeast-2", "us-central1-a"]
)
def test_cloud_regions_and_zones_are_rejected(value: str) -> None:
    assert is_cloud_region(c(value, before="credential_scope_region = '"))


def test_keys_naming_a_region_or_a_date_are_not_secret_keys() -> None:
    assert is_non_secret_key(c(RANDOM, before="credential_scope_region = '"))
    assert is_non_secret_key(c(RANDOM, before='"PasswordLastUsed": "'))


@pytest.mark.parametrize(
    ("before", "value"),
    [
        ("ACCESS_KEY = '", "AWSAccessKeyId"),
        ("RSAPrivateKeyWithSerialization = ", "RSAPrivateKey"),
        ("  credentials: ", "Credentials;"),
        ('"libsecret-1.so.0": "', "libsecret-1-0"),
        ("exports2.SOCKS5_CUSTOM_AUTH_END = ", "SOCKS5_CUSTOM_AUTH_END;"),
    ],
)
def test_a_credential_name_given_as_its_own_value_is_rejected(before: str, value: str) -> None:
    assert is_name_of_the_key(c(value, before=before))


def test_a_random_value_shares_no_word_with_its_key() -> None:
    assert not is_name_of_the_key(c(RANDOM, before="ACCESS_KEY = '"))
    assert not is_name_of_the_key(c("Xq7KeyZp2LmWv9", before="secret_key = '"))


@pytest.mark.parametrize("value", ["num.repr;", "Credential;", "boolean?", "SOME_CONSTANT,"])
def test_a_name_or_type_closed_by_punctuation_is_code(value: str) -> None:
    assert is_declaration(c(value, before="token = "))


def test_a_random_value_ending_in_punctuation_is_not_a_declaration() -> None:
    assert not is_declaration(c(RANDOM + ";"))
    assert not is_declaration(c(RANDOM))


@pytest.mark.parametrize(
    "value", ["hunter42", "limited123", "NEW-SECRET", "admin:secret", "Guest_Pass", "volume2016"]
)
def test_obvious_test_values_are_rejected(value: str) -> None:
    assert is_words_and_digits(c(value))


@pytest.mark.parametrize(
    "value",
    [RANDOM, "Tq8vLm2Zx9Wr4Kp7!", "dq6gDLABV3Do#9", "winter" + "7f3a9c2e", "volume" + "3016"],
)
def test_generated_looking_values_are_not_words_and_digits(value: str) -> None:
    assert not is_words_and_digits(c(value))


def test_numbers_in_a_ca_bundle_or_a_certificate_dump_are_not_card_numbers() -> None:
    serial = "66438774" + "97813316402"
    assert is_in_certificate_text(c(serial, before="# Serial: ", path="certifi/cacert.pem"))
    assert is_in_certificate_text(c(serial, before="    Serial Number: ", path="notes.txt"))
    assert not is_in_certificate_text(c(serial, before="card: ", path="orders.csv"))


def test_a_number_multiplied_by_a_variable_is_a_coefficient() -> None:
    number = "41111111" + "11111111"
    assert is_arithmetic_operand(Candidate(number, after="*t**16 + 3*t**2"))
    assert is_arithmetic_operand(Candidate(number, after=" * (x + 1)"))
    assert not is_arithmetic_operand(Candidate(number, after="** in bold"))
    assert not is_arithmetic_operand(Candidate(number, after=" exp 12/27"))


def test_numbers_in_an_svg_drawing_are_coordinates() -> None:
    assert is_vector_drawing(c("6147 1032 1239", before='<path d="M-6082 1352 ', path="a.html"))
    assert is_vector_drawing(c("6147 1032 1239", before="M-6082 1352 ", path="icons/logo.svg"))
    assert not is_vector_drawing(c("6147 1032 1239", before="card: ", path="orders.csv"))


def test_a_github_token_with_a_wrong_checksum_is_rejected_and_a_right_one_is_not() -> None:
    good = github_pat("filter")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert is_token_with_a_wrong_checksum(c(wrong))
    assert not is_token_with_a_wrong_checksum(c(good))
    assert not is_token_with_a_wrong_checksum(c(RANDOM))


@pytest.mark.parametrize(
    "before", ['ASANA_PROJECT_ID = "', '"stripe_customer": "', "mailgun_domain: '"]
)
def test_a_key_that_names_a_provider_but_no_credential_is_rejected(before: str) -> None:
    assert is_key_without_credential_word(c(RANDOM, before=before))


@pytest.mark.parametrize(
    "before", ['ASANA_ACCESS_TOKEN = "', '"mailgunApiKey": "', "X-Rapidapi-Key: ", "SMTP_PASS="]
)
def test_a_key_that_names_a_credential_is_kept(before: str) -> None:
    assert not is_key_without_credential_word(c(RANDOM, before=before))


@pytest.mark.parametrize(
    "before", ["eventbrite secretkey ", "eventbrite privatekey ", "agora.app_certificate="]
)
def test_a_credential_word_run_into_the_one_before_or_a_certificate_is_a_credential(
    before: str,
) -> None:
    assert not is_key_without_credential_word(c(RANDOM, before=before))


@pytest.mark.parametrize("before", ["stripe_monkey = ", "asana_turkey = ", "MAILGUN_BYPASS="])
def test_a_word_that_only_ends_like_a_credential_word_is_not_one(before: str) -> None:
    assert is_key_without_credential_word(c(RANDOM, before=before))


def test_a_setting_is_code_but_a_token_holding_equals_signs_is_not() -> None:
    assert is_code_expression(c("TYPE=ext4"))
    assert is_code_expression(c("mode=read_only"))
    token = "heai=" + pick("abcdefghijklmnopqrstuvwxyz0123456789", 50, "eq")
    assert not is_code_expression(c(token))


@pytest.mark.parametrize(
    "value",
    ["password", "P@ssw0rd123", "myPassword", "s3cret!", "super-secret", "admin:admin", "1234"],
)
def test_a_password_of_placeholder_words_only_is_bare(value: str) -> None:
    assert is_bare_placeholder(value)


@pytest.mark.parametrize("value", ["MyStr0ngP@ssword!", "S3cretCommunity", "r4ndP@ssw0rd"])
def test_a_password_with_a_word_of_its_own_is_not_bare(value: str) -> None:
    assert not is_bare_placeholder(value)


def test_a_word_under_a_front_end_password_variable_is_kept() -> None:
    for before in ("REACT_APP_AUTH_PASSWORD=", "# REACT_APP_PASS=", "VITE_DB_PWD="):
        candidate = c("whiteduke", before=before)
        assert is_build_variable_password(candidate)
        assert not is_plain_word(candidate)
        assert not is_words_and_digits(candidate)
    assert is_plain_word(c("whiteduke", before="PASSWORD="))
    assert not is_build_variable_password(c("x", before="REACT_APP_API_URL="))


def test_a_negated_or_dereferenced_name_is_a_declaration() -> None:
    assert is_declaration(c("!!_config.withCredentials;", before="request.withCredentials = "))
    assert is_declaration(c("!response.enableEmailLinkSignin;", before="this.passwordRequired = "))


def test_an_upper_case_name_after_an_at_sign_is_a_template_placeholder() -> None:
    assert is_templated(c("@SECRET_KEY", before="aws_secret_key: "))
    assert not is_templated(c("@" + RANDOM))


@pytest.mark.parametrize(
    "before", ['token_cache_key = "', "self.cached_token_key = '", 'PartitionKey: "', "sort_key='"]
)
def test_keys_naming_an_entry_are_not_credentials(before: str) -> None:
    assert is_cursor_token_key(c(RANDOM, before=before))


def test_a_domain_verification_token_is_public() -> None:
    assert is_cursor_token_key(c(RANDOM, before='"VerificationToken": "'))


def test_an_aws_signature_credential_scope_is_not_a_secret() -> None:
    scope = "access_key/20110909/us-west-2/ec2/aws4_request"
    assert is_cloud_region(c(scope, before="expected_credential = '"))
    encoded = "access_key%2F20170322%2Fus-west-2%2Fsts%2F"
    assert is_cloud_region(c(encoded, before="X-Amz-Credential="))


VALUE = "Zq8rT2vLw9kPx4Hm"


@pytest.mark.parametrize(
    ("before", "after", "above"),
    [
        ('query("http://example.com", password="', '")', ""),
        ("password = '", "'", "    url: https://api.example.org/v2\n"),
        ("    - password: '", "'", "http://example.com/restapi:\n  http.query:\n    - user: x\n"),
        ('"refresh-token": "', '"', '    "issuer": "https://example.localhost/identity",\n'),
        ("smtp_password = '", "'", "smtp_user = 'ops@mail.example'\n"),
        ("token: ", "", "    host: https://ci.build.test\n"),
    ],
)
def test_a_value_near_a_documentation_host_is_an_example(
    before: str, after: str, above: str
) -> None:
    assert is_near_documentation_host(Candidate(VALUE, before, after, above=above))


@pytest.mark.parametrize(
    ("before", "above"),
    [
        ("password = '", "url = 'https://api.examples.com/v1'\n"),  # a real domain
        ("password = '", "url = 'https://payments.example-corp.com'\n"),
        ("password = '", "host = 'db.internal'\n"),
        ("self.test = '", ""),  # a word before a dot, not a host
    ],
)
def test_a_value_near_an_ordinary_host_is_not_an_example(before: str, above: str) -> None:
    assert not is_near_documentation_host(Candidate(VALUE, before, "'", above=above))


@pytest.mark.parametrize(
    "before",
    ['>>> client = Client(token="', '... password="', '    >>> connect(secret="', "# >>> k = '"],
)
def test_a_value_at_a_doctest_prompt_is_an_example(before: str) -> None:
    assert is_doctest_example(Candidate(VALUE, before))


@pytest.mark.parametrize("before", ['client = Client(token="', 'x = ">>> " + token + "'])
def test_a_value_outside_a_doctest_prompt_is_not_taken_for_one(before: str) -> None:
    assert not is_doctest_example(Candidate(VALUE, before))


@pytest.mark.parametrize(
    ("before", "path"),
    [
        ('MASKED_TEST_SECRET2 = "', "tests/csrf_tests/tests.py"),
        ("fake_token = '", "pkg/tests/test_client.py"),
        ('dummyPassword: "', "src/__tests__/login.spec.js"),
        ("mock_api_key = '", "client_test.go"),
    ],
)
def test_a_key_naming_a_test_value_in_a_test_file_is_a_fixture(before: str, path: str) -> None:
    assert is_test_value_key(Candidate(VALUE, before, path=path))


@pytest.mark.parametrize(
    ("before", "path"),
    [
        ('TEST_DB_PASSWORD = "', "deploy/ci.env"),  # a test environment's password
        ('api_key = "', "tests/test_client.py"),  # a test file, but no test word in the key
        ('latest_token = "', "tests/conftest.py"),  # `test` only inside another word
    ],
)
def test_a_test_word_counts_only_in_the_key_of_a_test_file(before: str, path: str) -> None:
    assert not is_test_value_key(Candidate(VALUE, before, path=path))


@pytest.mark.parametrize(
    ("value", "before"),
    [
        ("EXPRESS_53cr37", 'EXPRESS_SECRET_KEY = "'),
        ("p4ssw0rd_test", "password = '"),
        ("my-t0k3n", "token: "),
        ("4dm1n-42", "admin_password = '"),
    ],
)
def test_a_credential_word_in_leetspeak_is_a_test_value(value: str, before: str) -> None:
    assert is_leetspeak_words(Candidate(value, before))


@pytest.mark.parametrize(
    "value",
    [
        "K3M5T0P1Q7",  # reads as letters, but as no credential word
        "Xq7KeyZp2LmWv9",  # `key` by chance inside a random value
        "s3cr3tT0k3nZq8rT2vLw9kPx",  # a word at the start of a long random value
        "EXPRESS_SECRET",  # no leetspeak: other filters judge it
    ],
)
def test_random_values_are_not_taken_for_leetspeak(value: str) -> None:
    assert not is_leetspeak_words(Candidate(value, 'token = "'))


def test_an_aws_client_token_is_an_idempotency_mark() -> None:
    assert is_cursor_token_key(Candidate("cachedvol980217", '"ClientToken": "'))


def test_a_random_value_written_out_twice_is_a_made_up_value() -> None:
    assert is_repeated_characters(c(RANDOM[:16] * 2))
    assert not is_repeated_characters(c(RANDOM))
    assert not is_repeated_characters(c(RANDOM[:16] + RANDOM[:15]))


def test_a_value_with_nul_bytes_is_binary_data() -> None:
    assert is_binary_value(c("\x00Remove\x00Run"))
    assert not is_binary_value(c(RANDOM))


def block(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(
    ("above", "before"),
    [
        (block(".. code-block:: yaml", "", "    my-config:", "      user: me"), "      password: "),
        (
            block("An example ``settings.py``::", "", "    DATABASES = {", '        "x": {'),
            '    "P": "',
        ),
        (
            block("    .. code-block: bash", "", "        salt '*' nxos.set_password admin \\\\"),
            "            password='",
        ),
        (block("```yaml", "db:"), "  password: "),
        (block("    For example: ``local.cmd('*', 'test.ping',"), "        token='"),
        ("", "# options given as key=value (e.g. password="),
    ],
)
def test_a_value_in_a_documentation_example_is_an_example(above: str, before: str) -> None:
    candidate = Candidate(RANDOM, before=before, after="", path="x.py", block_above=above)
    assert is_documentation_example(candidate)


@pytest.mark.parametrize(
    ("above", "before"),
    [
        (block("class Settings:", "    debug = False"), "    password = '"),
        (block("```yaml", "db: 1", "```", "", "settings:"), "  password: "),
        (block(".. code-block:: yaml", "", "    x: 1", "", "Then set it in production:"), "key: "),
        (block("# for example the staging host", "", "", "", "[db]"), "password = "),
    ],
)
def test_configuration_and_code_outside_documentation_blocks_are_not_examples(
    above: str, before: str
) -> None:
    candidate = Candidate(RANDOM, before=before, after="", path="x.py", block_above=above)
    assert not is_documentation_example(candidate)


def test_base64_of_an_obvious_test_value_is_a_test_value() -> None:
    import base64

    encoded = base64.b64encode(b"super-secret-key").decode()
    assert is_encoded_test_value(c(encoded))
    assert not is_encoded_test_value(c(base64.b64encode(RANDOM.encode()).decode()))
    assert not is_encoded_test_value(c(RANDOM))


# Web addresses as personal data: is_reference_link and is_in_web_address

_SITE = "https://www." + "acme-widgets.co.uk"


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ('<a href="', _SITE + "/guide/setup.html", '">Setup</a>'),
        ("For more information, see ", _SITE + "/guide", "."),
        ('"xmlNamespace":{"uri":"', _SITE + "/doc/2020-05-31/", '"}'),
        ('"url": "', "https://portal.sso", '.{Region}.acme-widgets.co.uk",'),
        ("The codes are described in ", _SITE + "/api", ""),
        ('      "documentation": "Lists the codes, as at ', _SITE + "/codes", '",'),
        ("<p>The codes are at ", _SITE + "/codes", "</p>"),
    ],
)
def test_a_plain_address_in_prose_markup_or_configuration_is_a_reference(
    before: str, value: str, after: str
) -> None:
    from policyctl.detection.secret_filters import is_reference_link

    assert is_reference_link(Candidate(value=value, before=before, after=after))


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ("", _SITE + "/", ""),
        ('  "', _SITE + "/", '",'),
        ('1.2.3.4 - - "GET /cart HTTP/1.1" 200 5 "', _SITE + "/sale", '"'),
        ("referer=", _SITE + "/a", " status=200"),
        ("homepage: ", _SITE, ""),
        ('<a href="', _SITE + "/users/jdoe", '">Jo</a>'),
        ("see ", _SITE + "/view?uid=4711", ""),
        ("see ", "https://jdoe@" + "acme-widgets.co.uk/x", ""),
        ("10:00:01 INFO fetched ", _SITE + "/feed", " in 20 ms"),  # free text in a log
        ("my site is ", _SITE, ""),
    ],
)
def test_an_address_of_a_visit_or_about_a_person_is_not_a_reference(
    before: str, value: str, after: str
) -> None:
    from policyctl.detection.secret_filters import is_reference_link

    assert not is_reference_link(Candidate(value=value, before=before, after=after))


def test_a_value_inside_a_web_address_is_part_of_it() -> None:
    from policyctl.detection.secret_filters import is_in_web_address

    assert is_in_web_address(Candidate(value="2020-05-31", before=f'"uri":"{_SITE}/doc/'))
    assert is_in_web_address(Candidate(value="2020-05-31", before="www.acme.org/"))
    assert not is_in_web_address(Candidate(value="2020-05-31", before=f"{_SITE}/ on "))


# Dates that are versions and documentation, values alone on a line of text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('"requestUri":"/', "/object/facets"),  # an API's version in its request path
        ('"uid":"accessanalyzer-', '"'),  # joined to a name
        ('"Policy-Min-TLS-1-2-', '",'),
        ("release ", "-rc1"),
    ],
)
def test_a_date_in_a_path_or_joined_to_a_name_is_part_of_it(before: str, after: str) -> None:
    from policyctl.detection.secret_filters import is_part_of_a_name_or_path

    assert is_part_of_a_name_or_path(Candidate(value="2019-11-01", before=before, after=after))


@pytest.mark.parametrize(("before", "after"), [("visited on ", " with Dr Lee"), ('"dob":"', '"')])
def test_a_date_in_words_or_a_field_is_not_part_of_a_name(before: str, after: str) -> None:
    from policyctl.detection.secret_filters import is_part_of_a_name_or_path

    assert not is_part_of_a_name_or_path(Candidate(value="2019-11-01", before=before, after=after))


@pytest.mark.parametrize(
    "before",
    [
        '"apiVersion":"',
        '"documentation":"<p>Starting ',
        '"deprecatedSince":"',
        '{"description": "released on ',
        "deep in a long string, <p>End of support notice: on ",  # the key out of sight
    ],
)
def test_a_date_under_a_version_or_documentation_key_is_the_softwares(before: str) -> None:
    from policyctl.detection.secret_filters import is_under_a_software_key

    assert is_under_a_software_key(Candidate(value="May 20, 2026", before=before))


@pytest.mark.parametrize(
    "before",
    [
        '{"description":"visit","seen":"',  # the key whose string holds it is `seen`
        '{"user":"a","note":"seen on ',
        "appointment on ",
    ],
)
def test_a_date_under_another_key_is_judged(before: str) -> None:
    from policyctl.detection.secret_filters import is_under_a_software_key

    assert not is_under_a_software_key(Candidate(value="May 20, 2026", before=before))


def test_a_value_of_a_field_is_not_a_line_of_text() -> None:
    from policyctl.detection.secret_filters import is_value_of_a_field

    assert is_value_of_a_field(Candidate(value="10.0.0.1", field="$.upstream"))
    assert not is_value_of_a_field(Candidate(value="10.0.0.1"))
