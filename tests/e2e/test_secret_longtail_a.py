"""Long-tail provider formats, providers 0-9 and A to L (rules/secret-longtail-a.yaml and
the rules widened in place), end to end: each found where it is written, and the
look-alikes each rule leaves alone. Every value is assembled here from random pieces
(tests/fakes.py); none was ever issued by a provider."""

from __future__ import annotations

import base64
import hashlib
import random
from importlib import resources
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"


def mnemonic(seed: str, words: int = 12, *, broken: bool = False) -> str:
    """A BIP-39 phrase built here from the standard's recipe: entropy, then the first
    bits of its SHA-256 appended, cut into 11-bit word indexes (`broken`: the last word
    moved one along the list, so the checksum no longer holds)."""
    wordlist = (
        resources.files("policyctl.validators").joinpath("bip39_english.txt").read_text().split()
    )
    rng = random.Random(seed)
    checksum_bits = words // 3
    entropy = bytes(rng.randrange(256) for _ in range(checksum_bits * 4))
    checksum = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    bits = int.from_bytes(entropy, "big") << checksum_bits | checksum
    indexes = [(bits >> (11 * (words - 1 - i))) & 2047 for i in range(words)]
    if broken:
        indexes[-1] = (indexes[-1] + 1) % 2048
    return " ".join(wordlist[i] for i in indexes)


def pat_data_center(seed: str) -> str:
    """A Jira/Confluence Data Center PAT: base64 of a 12-digit id, `:` and random bytes."""
    raw = fakes.pick("0123456789", 12, seed).encode() + b":" + random.Random(seed).randbytes(20)
    return base64.b64encode(raw).decode()


ASAAS = "$aa" + "ct_prod_" + fakes.pick(fakes.BASE64, 60, "asaas")
AUTHRESS = (
    "sc_"
    + fakes.pick(fakes.ALNUM, 22, "au1")
    + "."
    + fakes.pick(LOWER, 4, "au2")
    + ".acc-"
    + fakes.pick(LOWER, 13, "au3")
    + ".MC4CAQAw"
    + fakes.pick(fakes.BASE64, 56, "au4")
)
DUPLO = "AQAAA" + fakes.pick(fakes.URLSAFE, 220, "duplo")
ANYPOINT = fakes.pick(HEX, 32, "anypoint")
HEXPM = fakes.pick(HEX, 32, "hexpm")
DUO = fakes.pick(fakes.ALNUM, 40, "duo")
JIRA = pat_data_center("jira")
SIGNALR = fakes.pick(fakes.BASE64, 43, "signalr") + "="
PHRASE = mnemonic("wallet", 24)
MYSQL = fakes.pick(fakes.ALNUM, 14, "mysqli")
PG = fakes.pick(fakes.ALNUM, 16, "psycopg")
GRADLE = fakes.pick(fakes.ALNUM, 18, "gradle")
ASREP = "$krb5" + "asrep$23$" + fakes.pick(HEX, 32, "as1") + "$" + fakes.pick(HEX, 232, "as2")
DOPPLER = "dp.s" + "t.prd." + fakes.pick(fakes.ALNUM, 43, "doppler")
ASANA = "1/" + fakes.pick("0123456789", 16, "asana1") + ":" + fakes.pick(HEX, 32, "asana2")
PLANTED = [ASAAS, AUTHRESS, DUPLO, ANYPOINT, HEXPM, DUO, JIRA, SIGNALR, PHRASE]
PLANTED += [MYSQL, PG, GRADLE, ASREP, DOPPLER, ASANA]


def test_long_tail_formats_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "billing/.env": f"ASAAS_API_KEY={ASAAS}\n",
            "auth/client.ts": f'const accessKey = "{AUTHRESS}";\n',
            "ops/duplo.env": f"DUPLO_TOKEN={DUPLO}\n",
            "mule/app.properties": f"anypoint oauth secret = {ANYPOINT}\n",
            "ci/hex.sh": f"mix hex.organization auth acme --key {HEXPM}\n",
            "etc/login_duo.conf": f"[duo]\nikey = DI{'X' * 18}\nskey = {DUO}\n",
            "tools/jira.env": f"JIRA_PAT={JIRA}\n",
            "web/appsettings.txt": (
                f"Endpoint=https://chat.service.signalr.net;AccessKey={SIGNALR};Version=1.0;\n"
            ),
            "wallet/.env": f'WALLET_MNEMONIC="{PHRASE}"\n',
            "www/db.php": f"$link = mysqli_connect('db.internal', 'shop', '{MYSQL}', 'shop');\n",
            "etl/load.py": f'conn = psycopg2.connect(host="db", user="etl", password="{PG}")\n',
            "build.gradle": (
                "repositories {\n  maven {\n    url 'https://repo.example.org/maven'\n"
                f"    credentials {{\n      username 'deploy'\n      password '{GRADLE}'\n"
                "    }\n  }\n}\n"
            ),
            "loot/asrep.txt": f"{ASREP}\n",
            "deploy/doppler.env": f"DOPPLER_TOKEN={DOPPLER}\n",
            "tools/asana.yaml": f"asana_pat: {ASANA}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert len(found) == len(result.json()["findings"])  # one finding per file
    assert found == {
        "billing/.env": "secret.asaas-api-key",
        "auth/client.ts": "secret.authress-service-client-key",
        "ops/duplo.env": "secret.duplocloud-token",
        "mule/app.properties": "secret.anypoint-client-secret",
        "ci/hex.sh": "secret.hexpm-organization-key",
        "etc/login_duo.conf": "secret.duo-secret-key",
        "tools/jira.env": "secret.atlassian-data-center-pat",
        "web/appsettings.txt": "secret.azure-access-key-connection-string",
        "wallet/.env": "secret.bip39-mnemonic",
        "www/db.php": "secret.php-mysql-connect-password",
        "etl/load.py": "secret.python-db-connect-password",
        "build.gradle": "secret.gradle-repository-password",
        "loot/asrep.txt": "secret.kerberos-asrep-hash",
        "deploy/doppler.env": "secret.doppler-token",
        "tools/asana.yaml": "secret.asana-pat",
    }
    phrase = next(f for f in result.json()["findings"] if f["rule_id"] == "secret.bip39-mnemonic")
    assert phrase["validated"] is True
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_look_alikes_of_the_long_tail_formats_are_not_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    branch_key = "key_" + "live_" + fakes.pick(fakes.ALNUM, 32, "branch")
    langfuse_public = (
        "pk-" + "lf-" + "-".join(fakes.pick(HEX, n, f"lf{n}") for n in (8, 4, 4, 4, 12))
    )
    write_files(
        tmp_path,
        {
            # a phrase of list words whose checksum does not hold: typed by hand, not a wallet's
            "wallet/.env": f'WALLET_MNEMONIC="{mnemonic("typed", 12, broken=True)}"\n',
            # published keys: the Branch key ships in every app, Langfuse's pk- is public
            "app/branch.js": f'branch.init("{branch_key}");\n',
            "app/langfuse.env": f"LANGFUSE_PUBLIC_KEY={langfuse_public}\n",
            # passwords read from elsewhere
            "build.gradle": (
                "credentials {\n  username = project.findProperty('repoUser')\n"
                "  password = project.findProperty('repoPassword')\n}\n"
            ),
            "etl/load.py": 'conn = psycopg2.connect(host="db", password=os.environ["PG"])\n',
            "www/db.php": "$link = mysqli_connect($host, $user, $pass, $db);\n",
            # the provider named, but not a credential of the right shape
            "mule/app.properties": f"ANYPOINT_CLIENT_ID={fakes.pick(HEX, 32, 'anypoint-id')}\n",
            "ci/hex.sh": "mix hex.organization auth acme --key $HEX_ORGANIZATION_KEY\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.json()["findings"] == []
    assert result.code == 0
