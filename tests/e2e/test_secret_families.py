"""The secret families beyond provider tokens, end to end: password hashes, credentials in
command lines and connection strings, framework and platform secrets."""

from __future__ import annotations

import base64
import random
import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

CRYPT = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sha512crypt(seed: str) -> str:
    """The shape of a sha512crypt hash; its last character holds 2 bits, as a real one's."""
    return f"$6${fakes.pick(CRYPT, 16, seed)}${fakes.pick(CRYPT, 85, seed)}{CRYPT[2]}"


def password(seed: str) -> str:
    return fakes.pick(fakes.ALNUM, 14, seed) + "#7"


SHADOW = sha512crypt("shadow")
NT = fakes.pick("0123456789abcdef", 32, "nt")
SSHPASS = password("sshpass")
PG = password("libpq")
CURL = password("curl")
DJANGO = fakes.pick(string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50, "django")
WIREGUARD = base64.b64encode(random.Random("wg").randbytes(32)).decode()
KEY_B64 = base64.b64encode(fakes.private_key_pem("b64").encode()).decode()
PLANTED = [SHADOW, NT, SSHPASS, PG, CURL, DJANGO, WIREGUARD, KEY_B64]


def test_hashes_command_lines_connection_strings_and_framework_secrets_are_found(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    empty_lm = "aad3b435b51404eeaad3b435b51404ee"
    write_files(
        tmp_path,
        {
            "backup/shadow": f"root:{SHADOW}:19000:0:99999:7:::\n",
            "loot/dump.txt": f"Administrator:500:{empty_lm}:{NT}:::\n",
            "deploy.sh": (
                f"sshpass -p '{SSHPASS}' ssh ops@10.0.0.7 uptime\n"
                f"curl -u deploy:{CURL} https://nexus.corp/repository/raw/\n"
            ),
            "db.py": f'connect("host=db01 dbname=orders user=app password={PG}")\n',
            "site/settings.py": f"SECRET_KEY = '{DJANGO}'\n",
            "wg0.conf": f"[Interface]\nPrivateKey = {WIREGUARD}\n",
            "kubeconfig": f"users:\n- user:\n    client-key-data: {KEY_B64}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {(f["rule_id"], f["location"]["path"]) for f in result.json()["findings"]}
    assert found == {
        ("secret.shadow-line", "backup/shadow"),
        ("secret.ntlm-hash-dump-line", "loot/dump.txt"),
        ("secret.sshpass-password", "deploy.sh"),
        ("secret.curl-user-password", "deploy.sh"),
        ("secret.libpq-conninfo-password", "db.py"),
        ("secret.django-secret-key", "site/settings.py"),
        ("secret.wireguard-private-key", "wg0.conf"),
        ("secret.base64-private-key", "kubeconfig"),
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_lookups_placeholders_and_public_values_in_the_same_places_are_not(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    certificate = base64.b64encode(
        b"-----BEGIN CERTIFICATE-----\n"
        + base64.encodebytes(random.Random("cert").randbytes(300))
        + b"-----END CERTIFICATE-----\n"
    ).decode()
    write_files(
        tmp_path,
        {
            "backup/shadow": "root:*:19000:0:99999:7:::\ndaemon:!:19000:0:99999:7:::\n",
            "deploy.sh": 'sshpass -p "$SSH_PASS" ssh ops@host\ncurl -u deploy:$TOKEN https://x\n',
            "db.py": 'connect("host=db01 dbname=orders user=app password=${PGPASSWORD}")\n',
            "site/settings.py": "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
            "wg0.conf": f"[Peer]\nPublicKey = {WIREGUARD}\n",
            "kubeconfig": f"clusters:\n- cluster:\n    certificate-authority-data: {certificate}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_a_github_token_with_a_wrong_checksum_is_shown_only_below_the_threshold(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    good = fakes.github_pat("checksum")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    write_files(tmp_path, {"ci.env": f"GH_TOKEN={good}\nOLD_TOKEN={wrong}\n"})
    default = run_policyctl("scan", tmp_path, "--format", "json").json()["findings"]
    assert [(f["rule_id"], f["location"]["line"], f["validated"]) for f in default] == [
        ("secret.github-pat-classic", 1, True)
    ]
    low = run_policyctl("scan", tmp_path, "--format", "json", "--min-confidence", "0.3")
    assert [(f["location"]["line"], f["validated"]) for f in low.json()["findings"]] == [
        (1, True),
        (2, False),
    ]
    assert_no_secret_in([low.out], [good, wrong])
