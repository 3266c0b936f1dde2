"""Real code that is not a secret stays quiet, and a real secret beside it is still found:
the false alarms seen on popular packages (API models, type declarations, CA bundles)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files

CURSOR = fakes.pick(fakes.URLSAFE, 40, "cursor")
SESSION = fakes.pick(fakes.URLSAFE, 40, "session")


def luhn_valid(prefix: str, length: int) -> str:
    """`prefix` padded with zeros to `length` digits, its last digit a Luhn check digit."""
    body = prefix.ljust(length - 1, "0")
    total = 0
    for index, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def findings(result_json: dict[str, object]) -> set[tuple[str, str, int]]:
    return {
        (f["rule_id"], f["location"]["path"], f["location"]["line"])
        for f in result_json["findings"]  # type: ignore[attr-defined]
    }


def test_api_models_declarations_and_ca_bundles_raise_nothing(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    model = {
        "ListObjects": {
            "NextToken": CURSOR,
            "ContinuationToken": CURSOR[::-1],
            "ClientRequestToken": CURSOR[5:30],
        },
        "User": {"PasswordLastUsed": "2016-09-08T21:47:36Z"},
    }
    write_files(
        tmp_path,
        {
            "models/api.json": json.dumps(model, indent=2) + "\n",
            "auth.py": (
                "ACCESS_KEY = 'AWSAccessKeyId'\n"
                "credential_scope_region = 'us-east-1'\n"
                "RSAPrivateKeyWithSerialization = RSAPrivateKey\n"
            ),
            "bundle.js": (
                "token.repr = num.repr;\nthis._credentials = credentials;\n"
                "request.withCredentials = !!_config.withCredentials;\n"
            ),
            "cloud.ini.template": "aws_secret_key: @SECRET_KEY\n",
            "cache.py": f"token_cache_key = '{CURSOR[:40]}'\n",
            "sigv4.py": "expected_credential = 'access_key/20110909/us-west-2/ec2/aws4_request'\n",
            "types.d.ts": "  credential: Credential;\n  didDeleteTokens: boolean;\n",
            "certifi/cacert.pem": f"# Serial: {luhn_valid('4', 16)}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert findings(result.json()) == set()


def test_a_session_token_beside_a_pagination_token_is_still_found(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {"api.json": json.dumps({"NextToken": CURSOR, "SessionToken": SESSION}, indent=2)},
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert findings(result.json()) == {("secret.generic-assignment", "api.json", 3)}
    assert SESSION not in result.out


def test_a_card_number_outside_a_certificate_is_still_found(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(tmp_path, {"orders.txt": f"card: {luhn_valid('4', 16)}\n"})
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert findings(result.json()) == {("pii.payment-card-number", "orders.txt", 1)}


def test_documentation_examples_and_test_fixtures_raise_nothing_beside_a_real_secret(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    value = fakes.pick(fakes.ALNUM, 24, "doc-example")
    real = fakes.pick(fakes.ALNUM, 24, "real-secret")
    write_files(
        tmp_path,
        {
            "docs/http.rst": (
                ".. code-block:: yaml\n\n    http://example.com/restapi:\n      http.query:\n"
                f"        - username: 'larry'\n        - password: '{value}'\n"
            ),
            "src/client.py": (
                f'"""Usage:\n\n>>> c = Client(api_key="{value}")\n"""\nAPI_KEY = "{real}"\n'
            ),
            "tests/test_csrf.py": f'MASKED_TEST_SECRET = "{value}"\n',
        },
    )

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert findings(run.json()) == {("secret.generic-assignment", "src/client.py", 5)}


def test_values_in_documentation_examples_raise_nothing_but_a_configured_one_does(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    made_up = fakes.pick(fakes.ALNUM, 20, "made-up")
    real = fakes.pick(fakes.ALNUM, 20, "configured")
    write_files(
        tmp_path,
        {
            "docs/cloud.rst": (
                "Set up the provider:\n\n.. code-block:: yaml\n\n    my-config:\n"
                f"      user: me\n      apikey: {made_up}\n"
            ),
            "src/api.py": (
                '"""Call it with a token of your own::\n\n'
                f"    client.call('*', token='{made_up}')\n\"\"\"\n"
                f"# options given as key=value (e.g. password={made_up})\n"
            ),
            "README.md": f"```yaml\ndb:\n  password: {made_up}\n```\n",
            "conf/cloud.yaml": f"my-config:\n  user: me\n  apikey: {real}\n",
        },
    )

    run = run_policyctl("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert findings(run.json()) == {("secret.generic-env-assignment", "conf/cloud.yaml", 3)}
    assert made_up not in run.out and real not in run.out


def catalog(messages: list[str]) -> str:
    """Messages as a compiled gettext catalog (.mo) holds them: NUL-separated."""
    return "\x00".join(messages * 40 + ["Run the selected action"]) + "\x00"


def test_made_up_values_of_other_shapes_raise_nothing(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    half = fakes.pick(fakes.ALNUM, 16, "half")
    encoded = base64.b64encode(b"my-secret-key").decode()
    write_files(
        tmp_path,
        {
            "notify.py": f"SLACK_API_KEY = '{half}{half}'\n",
            "tests/test_decode.py": f'secret = "{encoded}"\n',
            "tests/files/profile.conf": "image_password: volume2016\n",
            "locale/django.mo": catalog(["Change password", "Choose a new password:", "Remove"]),
        },
    )

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.json()["findings"] == []
