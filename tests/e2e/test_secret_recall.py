"""Credential shapes found missing when recall was measured on another scanner's labelled
vectors (bench/peer_vectors.py), end to end: keyword and value forms the generic rules did
not read, and provider tokens with a documented prefix."""

from __future__ import annotations

import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"


def password(seed: str) -> str:
    """Letters and digits interleaved, then a symbol: no word, no sequence, no keyboard run."""
    letters = fakes.pick("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", 7, seed)
    digits = fakes.pick("23456789", 7, seed)
    return "".join(a + b for a, b in zip(letters, digits, strict=True)) + "!"


SQL = password("sql")
PROPERTY = password("property")
SHELL = password("shell")
LOG = password("log")
MACRO = password("macro")
XML = password("xml")
CURL = fakes.pick(HEX, 40, "curl-header")
PLANTED = [SQL, PROPERTY, SHELL, LOG, MACRO, XML, CURL]


def test_keyword_and_value_forms_beyond_plain_assignments_are_found(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "db/init.sql": f"CREATE USER app IDENTIFIED BY '{SQL}';\n",
            "src/Tls.java": (
                f'System.setProperty("javax.net.ssl.keyStorePassword", "{PROPERTY}");\n'
            ),
            "deploy/env.sh": f"export DB_PASS={SHELL}\n",
            "logs/app.log": f"2024-03-01T10:00:02Z INFO login user=admin password={LOG} ok\n",
            "firmware/config.h": f'#define WIFI_PASSWORD "{MACRO}"\n',
            "conf/beans.xml": f'<property name="password" value="{XML}"/>\n',
            "scripts/report.sh": (
                "curl -sS https://reports.corp/api/v2/export \\\n"
                f'  -H "Authorization: Token {CURL}"\n'
            ),
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {(f["rule_id"], f["location"]["path"]) for f in result.json()["findings"]}
    assert found == {
        ("secret.sql-password-clause", "db/init.sql"),
        ("secret.generic-key-value-arguments", "src/Tls.java"),
        ("secret.short-password-key-assignment", "deploy/env.sh"),
        ("secret.inline-password-pair", "logs/app.log"),
        ("secret.c-define-secret", "firmware/config.h"),
        ("secret.generic-xml-name-value", "conf/beans.xml"),
        ("secret.curl-credential-header", "scripts/report.sh"),
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_lookups_and_placeholders_in_those_forms_are_not(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "db/init.sql": "CREATE USER app IDENTIFIED BY '${DB_PASSWORD}';\n",
            "src/Tls.java": 'System.setProperty("javax.net.ssl.keyStorePassword", "changeit");\n',
            "deploy/env.sh": "export DB_PASS=$DB_PASS\n",
            "logs/app.log": "2024-03-01T10:00:02Z INFO login user=admin password=******** ok\n",
            "src/db.py": "conn = connect(host=db01, user=etl, password=password)\n",
            "firmware/config.h": '#define WIFI_PASSWORD "your-password"\n',
            "conf/beans.xml": '<property name="password" value="${db.password}"/>\n',
            "scripts/report.sh": 'curl -H "Authorization: Token $REPORT_TOKEN" https://reports.corp\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_documented_provider_token_prefixes_are_found_without_a_key_name(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    tokens = {
        "vercel.txt": "vc" + "p_" + fakes.pick(fakes.ALNUM, 56, "vercel"),
        "cockroach.txt": "CCDB"
        + "1_"
        + fakes.pick(fakes.ALNUM, 22, "crdb")
        + "_"
        + fakes.pick(fakes.ALNUM, 40, "crdb"),
        "bitbucket.txt": "BBDC" + "-" + fakes.pick(fakes.BASE64, 44, "bbdc"),
        "openshift.txt": "sha256" + "~" + fakes.pick(fakes.URLSAFE, 43, "ocp"),
        "swarm.txt": "SWMKEY" + "-1-" + fakes.pick(fakes.BASE64, 43, "swarm"),
        "devin.txt": "co" + "g_" + fakes.pick(string.ascii_lowercase + "234567", 52, "devin"),
    }
    write_files(tmp_path, {name: f"value: {token}\n" for name, token in tokens.items()})
    result = run_policyctl("scan", tmp_path, "--format", "json")
    found = {(f["rule_id"], f["location"]["path"]) for f in result.json()["findings"]}
    assert found == {
        ("secret.vercel-prefixed-token", "vercel.txt"),
        ("secret.cockroachdb-cloud-api-key", "cockroach.txt"),
        ("secret.bitbucket-data-center-token", "bitbucket.txt"),
        ("secret.openshift-oauth-token", "openshift.txt"),
        ("secret.docker-swarm-unlock-key", "swarm.txt"),
        ("secret.devin-api-key", "devin.txt"),
    }
    assert_no_secret_in([result.out, result.err], list(tokens.values()))
