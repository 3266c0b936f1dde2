"""The third recall pass on Betterleaks' vectors (rules/secret-longtail-c.yaml and the rules
it widened), end to end: each format found where it is written, one finding per file, and
the look-alikes left alone. Every value is assembled here from random pieces (tests/fakes.py);
none was ever issued by a provider."""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase + string.digits


def uuid(seed: str) -> str:
    return "-".join(fakes.pick(HEX, n, f"{seed}{i}") for i, n in enumerate((8, 4, 4, 4, 12)))


CFX = "cfx" + "k_" + fakes.pick(fakes.ALNUM, 20, "cfx") + "_" + fakes.pick(fakes.ALNUM, 6, "cfx")
HIGHNOTE = (
    "sk" + "_live_" + base64.b64encode(b"key_" + fakes.pick(LOWER, 45, "hn").encode()).decode()
)
CURL_KEY = fakes.pick(fakes.ALNUM, 24, "curl-key")
MEM0 = "m" + "0-" + fakes.pick(fakes.ALNUM, 40, "mem0")
OCTOPUS = uuid("octopus-deploy")  # (a UUID under 3.6 bits a char is low_entropy)
TELEGRAM = fakes.pick(string.digits, 9, "tg") + ":A" + fakes.pick(fakes.URLSAFE, 34, "tg")
SIDEKIQ = fakes.pick(HEX, 8, "sq1") + ":" + fakes.pick(HEX, 8, "sq2")
BIRD = fakes.pick(fakes.ALNUM, 25, "bird")
DB_PW = "J8" + fakes.pick(fakes.ALNUM, 5, "pw1") + "$" + fakes.pick(fakes.ALNUM, 6, "pw2") + "!#"
PLANTED = [CFX, HIGHNOTE, CURL_KEY, MEM0, OCTOPUS, TELEGRAM, SIDEKIQ, BIRD, DB_PW]


def test_third_pass_formats_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "server/server.cfg": f'sv_licenseKey "{CFX}"\n',
            "cards/.env": f'HIGHNOTE_SK_LIVE="{HIGHNOTE}"\n',
            "scripts/send.sh": f"curl https://api.example.org/v3/messages -u '{CURL_KEY}:'\n",
            "memory/client.http": f"Authorization: Token {MEM0}\n",
            "deploy/release.sh": (
                f'curl -X GET https://deploy.internal/api\n  -H "X-Octopus-ApiKey: {OCTOPUS}"\n'
            ),
            "bots/notes.txt": f"telegram bot: {TELEGRAM}\n",
            "ruby/.bundle.env": f'BUNDLE_ENTERPRISE__CONTRIBSYS__COMToken="{SIDEKIQ}"\n',
            "sms/config.ini": f"MESSAGE_BIRD_TOKEN={BIRD}\n",
            "db/settings.py": f'database.host = "db.internal"\ndatabase_pw = "{DB_PW}"\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    findings = result.json()["findings"]
    found = {f["location"]["path"]: f["rule_id"] for f in findings}
    assert len(found) == len(findings)  # one finding per file
    assert found == {
        "server/server.cfg": "secret.cfxre-license-key",
        "cards/.env": "secret.highnote-secret-key",
        "scripts/send.sh": "secret.curl-user-api-key",
        "memory/client.http": "secret.mem0-api-key-header",
        "deploy/release.sh": "secret.api-key-header",
        "bots/notes.txt": "secret.telegram-bot-token-named",
        "ruby/.bundle.env": "secret.sidekiq-enterprise-credentials",
        "sms/config.ini": "secret.messagebird-api-key",
        "db/settings.py": "secret.pw-key-assignment",
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_look_alikes_of_the_third_pass_are_not_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            # a user name with an empty password, a variable, a short license key
            "a.sh": 'curl -u "admin:" https://search.internal:9200\n',
            "b.sh": 'curl -u "$API_KEY:" https://api.example.org/v1/charges\n',
            "c.cfg": 'sv_licenseKey "cfxk_' + fakes.pick(fakes.ALNUM, 10, "short") + '"\n',
            # the Mem0 prefix under another scheme, too short
            "d.http": "Authorization: Token m0-" + fakes.pick(fakes.ALNUM, 12, "m0") + "\n",
            # a Telegram chat id is not a token
            "e.txt": "telegram chat: -100" + fakes.pick(string.digits, 10, "chat") + "\n",
            # a pw key whose value is a variable
            "f.py": 'database_pw = "$DATABASE_PASSWORD"\n',
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def _openssh_body(seed: str) -> str:
    """An `openssh-key-v1` structure (the magic, then random bytes), base64 in 70-character
    lines as ssh-keygen writes them."""
    rng = random.Random(seed)
    raw = b"openssh-key-v1\0" + bytes(rng.randrange(256) for _ in range(600))
    text = base64.b64encode(raw).decode()
    return "\r\n".join(text[i : i + 70] for i in range(0, len(text), 70))


def test_a_key_pasted_into_json_with_windows_line_ends_is_found(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    """A private key block written into a JSON string from a file with CRLF line ends holds
    `\\r\\n` escapes between its lines: the body is still checked, and found."""
    label = "RSA " + "PRIVATE KEY"
    block = f"-----BEGIN {label}-----\r\n{_openssh_body('crlf')}\r\n-----END {label}-----"
    write_files(tmp_path, {"deploy/key.json": json.dumps({"ssh_key": block}) + "\n"})
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1
    assert [f["rule_id"] for f in result.json()["findings"]] == ["secret.private-key-pem"]
    assert_no_secret_in([result.out, result.err], [_openssh_body("crlf")[80:200]])


def test_a_key_body_that_is_not_a_key_stays_refuted_with_crlf_escapes(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    label = "RSA " + "PRIVATE KEY"
    lines = [fakes.pick(fakes.BASE64, 64, f"junk{i}") for i in range(8)]
    block = f"-----BEGIN {label}-----\r\n" + "\r\n".join(lines) + f"\r\n-----END {label}-----"
    write_files(tmp_path, {"deploy/key.json": json.dumps({"ssh_key": block}) + "\n"})
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 0
    assert result.json()["findings"] == []
