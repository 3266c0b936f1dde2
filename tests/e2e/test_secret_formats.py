"""Credential kinds found missing on a second labelled collection (bench/kingfisher_vectors.py):
provider formats written from their documentation, tokens whose prefix is distinctive without
the provider's name beside them, and provider keys written with a space before the key word
('Fastly token: ...'). Every value is assembled here from pieces."""

from __future__ import annotations

import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def uuid(seed: str) -> str:
    h = fakes.pick(HEX, 32, seed)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def found(result_json: dict[str, list[dict[str, object]]]) -> set[tuple[object, object]]:
    return {
        (f["rule_id"], f["location"]["path"])  # type: ignore[index]
        for f in result_json["findings"]
    }


FORMATS = {
    "ci/gitlab.env": (
        "GITLAB_TOKEN="
        + "glp"
        + "at-"
        + fakes.pick(fakes.URLSAFE, 32, "glpat")
        + ".01."
        + fakes.pick(string.ascii_lowercase + string.digits, 9, "glpat")
    ),
    "ci/dtrack.sh": "curl -H 'X-Api-Key: " + "od" + "t_" + fakes.pick(fakes.ALNUM, 32, "odt") + "'",
    "conf/godaddy.py": (
        'headers = {"Authorization": "sso'
        + "-key "
        + fakes.pick(fakes.ALNUM, 34, "gd-key")
        + ":"
        + fakes.pick(fakes.ALNUM, 22, "gd-s")
        + '"}'
    ),
    "conf/storage.py": (
        'client = make_client("'
        + fakes.pick(fakes.ALNUM, 76, "azure")
        + "+A"
        + "St"
        + fakes.pick(fakes.ALNUM, 6, "azure-tail")
        + '==")'
    ),
    "conf/devops.env": (
        "AZURE_DEVOPS_EXT_PAT="
        + fakes.pick(fakes.ALNUM, 52, "ado")
        + "JQQ"
        + "J99"
        + fakes.pick(fakes.ALNUM, 18, "ado-mid")
        + "AZ"
        + "DO"
        + fakes.pick(fakes.ALNUM, 4, "ado-end")
    ),
    "ops/unseal.sh": "vault operator unseal " + fakes.pick(fakes.BASE64, 44, "unseal"),
    "web3/rpc.env": (
        "RPC_URL=https://eth-mainnet.g.alchemy.com/v2/" + fakes.pick(fakes.URLSAFE, 32, "alchemy")
    ),
    "net/router.cfg": "enable password " + fakes.pick(fakes.ALNUM, 14, "cisco"),
    "ai/together.env": "TOKEN=" + "tgp" + "_v1_" + fakes.pick(fakes.URLSAFE, 43, "together"),
    "ai/inngest.env": "INNGEST_SIGNING_KEY=sign" + "key-prod-" + fakes.pick(HEX, 64, "inngest"),
    "infra/dt.env": (
        "DT_CLIENT_SECRET=dt0"
        + "s02."
        + fakes.pick(UPPER_DIGITS, 8, "dt")
        + "."
        + fakes.pick(UPPER_DIGITS, 64, "dt-secret")
    ),
    "web/Web.config": (
        '<machineKey validationKey="' + fakes.pick("0123456789ABCDEF", 128, "mk") + '" />'
    ),
}

RULE_OF = {
    "ci/gitlab.env": "secret.gitlab-routable-pat",
    "ci/dtrack.sh": "secret.dependency-track-api-key",
    "conf/godaddy.py": "secret.godaddy-sso-key",
    "conf/storage.py": "secret.azure-identifiable-key",
    "conf/devops.env": "secret.azure-identifiable-key-84",
    "ops/unseal.sh": "secret.vault-unseal-key-cli",
    "web3/rpc.env": "secret.alchemy-url-key",
    "net/router.cfg": "secret.cisco-plaintext-secret",
    "ai/together.env": "secret.together-ai-key",
    "ai/inngest.env": "secret.inngest-signing-key",
    "infra/dt.env": "secret.dynatrace-platform-token",
    "web/Web.config": "secret.aspnet-machine-key",
}
EXPECTED = {(rule, path) for path, rule in RULE_OF.items()}


def test_documented_provider_formats_are_found(tmp_path: Path, run_policyctl: RunPolicyctl) -> None:
    write_files(tmp_path, {name: text + "\n" for name, text in FORMATS.items()})
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    assert found(result.json()) == EXPECTED
    assert_no_secret_in([result.out, result.err], [t.split("=", 1)[-1] for t in FORMATS.values()])


def test_their_look_alikes_are_not(tmp_path: Path, run_policyctl: RunPolicyctl) -> None:
    write_files(
        tmp_path,
        {
            "ci/gitlab.md": "A token looks like "
            + "glp"
            + "at-"
            + fakes.pick(fakes.URLSAFE, 12, "g")
            + ".01."
            + fakes.pick(string.ascii_lowercase, 9, "g")
            + " (too short here).\n",
            "ci/dtrack.sh": "curl -H 'X-Api-Key: $DTRACK_API_KEY' https://dtrack.corp/api\n",
            "conf/godaddy.py": 'headers = {"Authorization": f"sso-key {key}:{secret}"}\n',
            "conf/storage.py": 'client = make_client("'
            + fakes.pick(fakes.ALNUM, 60, "az")
            + '==")\n',
            "ops/unseal.sh": "vault operator unseal $UNSEAL_KEY_1\n",
            "web3/rpc.env": "RPC_URL=https://eth-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}\n",
            "net/router.cfg": "snmp-server community <COMMUNITY> RO\nenable password $ENABLE_PW\n",
            "web/Web.config": '<machineKey validationKey="AutoGenerate,IsolateApps" />\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_prefixed_tokens_are_found_without_the_provider_named_beside_them(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    tokens = {
        "cal.txt": "cal" + "_live_" + fakes.pick(HEX, 32, "cal"),
        "cerebras.txt": "cs" + "k-" + fakes.pick(string.ascii_lowercase + string.digits, 48, "csk"),
        "apify.txt": "apify" + "_api_" + fakes.pick(fakes.ALNUM, 36, "apify"),
    }
    write_files(
        tmp_path,
        {name: f'client = Client(token="{token}")\n' for name, token in tokens.items()},
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert found(result.json()) == {
        ("secret.cal-com-prefixed-token", "cal.txt"),
        ("secret.cerebras-prefixed-token", "cerebras.txt"),
        ("secret.apify-prefixed-token", "apify.txt"),
    }
    assert_no_secret_in([result.out, result.err], list(tokens.values()))


def test_a_provider_key_written_with_a_space_before_its_key_word_is_read(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    fastly = fakes.pick(fakes.ALNUM, 32, "fastly")
    write_files(tmp_path, {"notes/fastly.txt": f"Fastly token: {fastly}\n"})
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert found(result.json()) == {("secret.fastly-api-token", "notes/fastly.txt")}
    assert_no_secret_in([result.out, result.err], [fastly])


def test_a_key_named_after_a_service_is_read_and_one_value_is_one_finding(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """`<service>_KEY=` holds most prefix-less provider keys; where the key also says
    `API_KEY`, two generic rules read the same value, and one finding stays."""
    org_key = fakes.pick(HEX, 32, "hexpm")
    api_key = fakes.pick(fakes.ALNUM, 32, "acme")
    write_files(
        tmp_path,
        {
            "deploy/hex.env": f"HEXPM_ORG_KEY={org_key}\n",
            "deploy/acme.env": f'ACME_API_KEY = "{api_key}"\n',
            # the same value where it is not a credential: a cache key
            "src/cache.py": f'CACHE_KEY = "{org_key}"\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    findings = result.json()["findings"]
    assert ("secret.named-key-assignment", "deploy/hex.env") in found(result.json())
    assert [f["location"]["path"] for f in findings].count("deploy/acme.env") == 1
    assert "src/cache.py" not in {f["location"]["path"] for f in findings}
    assert_no_secret_in([result.out, result.err], [org_key, api_key])
