"""The built-in secret rules as a whole, and the steps that shape secret findings:
validator outcomes, test/doc demotion, one finding per value, generic filtering."""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import replace

import hyperscan
import pytest

from policyctl.core.model import Chunk, Location, Rule
from policyctl.detection.detect import DetectOptions, detect, is_test_or_doc_path
from policyctl.detection.rules import compile_ruleset, load_rules
from policyctl.validators import get_validator
from tests.conftest import compiled_builtin
from tests.fakes import ALNUM, URLSAFE, aws_access_key_id, github_pat, pick, private_key_pem

BUILTIN = load_rules()
SECRETS = [r for r in BUILTIN if r.category == "secret"]


def found(text: str, path: str = "src/settings.py") -> list[tuple[str, float, bool | None]]:
    chunk = Chunk(data=text.encode(), origin=Location(path=path))
    return [
        (f.rule_id, f.confidence, f.validated)
        for f in detect(chunk, compiled_builtin(), DetectOptions())
    ]


def test_there_are_at_least_250_provider_rules_each_with_its_own_proof() -> None:
    providers = [r for r in SECRETS if "generic" not in r.tags]
    assert len(providers) >= 250
    assert all(len(r.examples) >= 2 and r.negative_examples for r in SECRETS)


def test_every_secret_rule_is_tagged_by_family_and_lives_in_a_family_file() -> None:
    for rule in SECRETS:
        assert rule.id.startswith("secret.")
        assert len(rule.tags) >= 1
        assert rule.source.rsplit("/", 1)[-1].startswith("secret-")
    assert len({r.source for r in SECRETS}) >= 20


@pytest.mark.parametrize("rule", SECRETS, ids=lambda r: r.id)
def test_hyperscan_reports_few_match_ends_for_each_example(rule: Rule) -> None:
    """A pattern must end on a delimiter or a fixed tail: an open-ended tail makes
    Hyperscan call back once per character, the main cost of a scan."""
    database = hyperscan.Database()
    database.compile(expressions=[rule.pattern.encode()], ids=[0], elements=1, flags=0)
    for example in rule.examples:
        ends: list[int] = []
        database.scan(example.encode(), match_event_handler=_collect_into(ends))
        assert len(ends) <= 3, f"{len(ends)} match ends"


def _collect_into(ends: list[int]) -> object:
    return lambda *hit: ends.append(hit[2])


def test_a_validator_that_confirms_raises_confidence_and_one_that_refutes_drops_it() -> None:
    assert found(private_key_pem("der")) == [("secret.private-key-pem", 1.0, True)]
    assert found(pem_with_body(pick(ALNUM, 600, "not-der").encode())) == []
    chunk = Chunk(data=pem_with_body(pick(ALNUM, 600).encode()).encode(), origin=Location("k"))
    refuted = detect(chunk, compiled_builtin(), DetectOptions(min_confidence=0.3))
    assert [(f.rule_id, f.confidence, f.validated) for f in refuted] == [
        ("secret.private-key-pem", 0.3, False)
    ]


def pem_with_body(body: bytes) -> str:
    text = base64.b64encode(body).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    label = "RSA " + "PRIVATE KEY"
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def test_findings_in_tests_and_docs_are_demoted_but_still_reported() -> None:
    text = f'GITHUB_TOKEN = "{github_pat("demote")}"\n'
    [(rule, in_code, _)], [(_, in_tests, _)] = found(text), found(text, "tests/test_api.py")
    assert rule == "secret.github-pat-classic"
    assert in_tests == pytest.approx(in_code - 0.15)
    assert in_tests >= DetectOptions().min_confidence


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/fixtures/a.env", True),
        ("pkg/test_client.py", True),
        ("docs/setup.md", True),
        ("web/app.spec.ts", True),
        ("src/client.py", False),
        ("contest/app.py", False),
    ],
)
def test_test_and_doc_paths(path: str, expected: bool) -> None:
    assert is_test_or_doc_path(path) is expected


def test_one_value_gives_one_finding_named_by_the_most_confident_rule() -> None:
    rule = next(r for r in BUILTIN if r.id == "secret.github-pat-classic")
    twin = replace(rule, id="custom.github-copy", confidence=0.6)
    ruleset = compile_ruleset([rule, twin])
    chunk = Chunk(data=f"t = {github_pat('twin')}\n".encode(), origin=Location(path="a.py"))
    assert [f.rule_id for f in detect(chunk, ruleset, DetectOptions())] == [rule.id]


@pytest.mark.parametrize(
    "line",
    [
        'password = "{v}"',
        "DB_PASSWORD={v}",
        '"client_secret": "{v}",',
        "  api_key: '{v}'",
        "<password>{v}</password>",
        "mysql --user=root --password={v} app",
    ],
)
def test_generic_rules_find_random_secrets_in_assignments(line: str) -> None:
    value = pick(ALNUM, 20, line) + "!7"
    assert [f for f in found(line.format(v=value) + "\n") if f[0].startswith("secret.")]


@pytest.mark.parametrize(
    "line",
    [
        'password = "changeme"',
        'token = os.environ["GITHUB_TOKEN"]',
        'SECRET_KEY = "${SECRET_KEY}"',
        'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"',
        'tokenizer_name = "bert-base-uncased"',
        'token_url = "https://oauth2.example.org/token"',
        'PASSWORD_FILE = "/run/secrets/db_password"',
        'api_key = "{{ api_key }}"',
        'secret = "abcdefghijklmnop"',
        'auth_token_header = "X-Auth-Token"',
    ],
)
def test_generic_rules_let_ordinary_code_pass(line: str) -> None:
    assert found(line + "\n") == []


def test_structural_validators_confirm_real_shapes() -> None:
    basic = get_validator("basic_auth_pair")
    pypi = get_validator("pypi_macaroon")
    azure = get_validator("base64_64_bytes")
    assert basic and pypi and azure
    assert basic(base64.b64encode(b"ci:" + pick(ALNUM, 12).encode()).decode())
    assert not basic(base64.b64encode(b"no colon here").decode())
    macaroon = base64.urlsafe_b64encode(b"\x02\x01\x08pypi.org\x02" + pick(URLSAFE, 40).encode())
    assert pypi("pypi-" + macaroon.decode().rstrip("="))
    assert not pypi("pypi-" + base64.urlsafe_b64encode(b"\x02\x01\x08example.org").decode())
    assert azure(base64.b64encode(bytes(64)).decode())
    assert not azure(base64.b64encode(bytes(63)).decode())


def test_aws_keys_in_the_same_file_are_two_findings() -> None:
    text = f"aws_access_key_id = {aws_access_key_id('two')}\n"
    assert Counter(f[0] for f in found(text)) == {"secret.aws-access-key-id": 1}


def test_a_key_written_as_concatenated_string_literals_is_found_and_validated() -> None:
    lines = private_key_pem("literal").splitlines()
    python = "KEY = (\n" + "".join(f'    "{line}\\n"\n' for line in lines) + ")\n"
    javascript = "const key =\n" + " +\n".join(f'  "{line}\\n"' for line in lines) + ";\n"
    for text in (python, javascript):
        assert found(text) == [("secret.private-key-pem", 1.0, True)]
