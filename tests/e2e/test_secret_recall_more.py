"""Provider formats added in the second recall pass (rules/secret-recall-more.yaml), end to
end: prefixed tokens found on their own, keyed and context-bound ones only where the
provider is named, and the look-alikes each rule leaves alone. Every value is assembled
here from random pieces (tests/fakes.py); none was ever issued by a provider."""

from __future__ import annotations

import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase + string.digits
BASE32 = string.ascii_lowercase + "234567"


def uuid(seed: str) -> str:
    return "-".join(fakes.pick(HEX, n, f"{seed}{n}") for n in (8, 4, 4, 4, 12))


WARPSTREAM = "ak" + "s_" + fakes.pick(HEX, 64, "warpstream")
WEPAY = "STA" + "GE_" + fakes.pick(HEX, 64, "wepay")
VK = "vk1" + ".a." + fakes.pick(fakes.URLSAFE, 150, "vk")
TINYBIRD = (
    "p." + "eyJ1Ijog" + fakes.pick(fakes.URLSAFE, 120, "tb") + "." + fakes.pick(fakes.URLSAFE, 43)
)
STACKHAWK = "haw" + "k." + fakes.pick(fakes.ALNUM, 20, "h1") + "." + fakes.pick(fakes.ALNUM, 20)
PANGEA = "pt" + "s_" + fakes.pick(BASE32, 32, "pangea")
POLAR = "polar" + "_oat_" + fakes.pick(fakes.ALNUM, 43, "polar")
TESTKUBE = "tkc" + "api_" + fakes.pick(LOWER, 30, "testkube")
ROBINHOOD = "rh-" + "api-" + uuid("robinhood")
TRENDMICRO = f"{uuid('tm1').upper()}:{uuid('tm2').upper()}:{fakes.pick(fakes.BASE64, 43)}="
TRUENAS = "7-" + fakes.pick(fakes.ALNUM, 64, "truenas")
OLLAMA = fakes.pick(HEX, 32, "ollama") + "." + fakes.pick(fakes.URLSAFE, 24, "ollama")
YAHOO = fakes.pick(HEX, 40, "yahoo")
STORYBLOK = fakes.pick(fakes.ALNUM, 22, "storyblok") + "tt"
GHOST = fakes.pick(HEX, 24, "ghost-id") + ":" + fakes.pick(HEX, 64, "ghost")
FERNET = fakes.pick(fakes.URLSAFE, 43, "fernet") + "="
DVC = "isa" + "t_" + uuid("dvc")
PLANTED = [
    GHOST,
    FERNET,
    DVC,
    WARPSTREAM,
    WEPAY,
    VK,
    TINYBIRD,
    STACKHAWK,
    PANGEA,
    POLAR,
    TESTKUBE,
    ROBINHOOD,
]
PLANTED += [TRENDMICRO, TRUENAS, OLLAMA, YAHOO, STORYBLOK]


def test_new_provider_formats_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "deploy/agent.env": f"WARPSTREAM_API_KEY={WARPSTREAM}\n",
            "src/pay.py": f'headers = {{"Authorization": "Bearer {WEPAY}"}}\n',
            "config/social.yaml": f"vk:\n  access_token: '{VK}'\n",
            "scripts/ingest.sh": f"tb --token {TINYBIRD} push data.ndjson\n",
            "stackhawk.yml": f'app:\n  apiKey: "{STACKHAWK}"\n',
            "src/audit.ts": f'const pangea = new Pangea("{PANGEA}");\n',
            "billing/.env": f"POLAR_ACCESS_TOKEN={POLAR}\n",
            "ci/testkube.yaml": f"testkubeToken: {TESTKUBE}\n",
            "bots/trade.py": f'API_KEY = "{ROBINHOOD}"\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert len(found) == len(result.json()["findings"])  # one finding per file
    assert found == {
        "deploy/agent.env": "secret.warpstream-api-key",
        "src/pay.py": "secret.wepay-access-token",
        "config/social.yaml": "secret.vk-access-token",
        "scripts/ingest.sh": "secret.tinybird-token",
        "stackhawk.yml": "secret.stackhawk-api-key",
        "src/audit.ts": "secret.pangea-token",
        "billing/.env": "secret.polar-token",
        "ci/testkube.yaml": "secret.testkube-api-token",
        "bots/trade.py": "secret.robinhood-crypto-api-key",
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_keyed_and_context_bound_formats_need_the_provider_named(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "found/trend.py": (f"configuration.api_key['api-secret-key'] = \"{TRENDMICRO}\"\n"),
            "found/nas.json": (
                '{"msg": "method", "method": "auth.login_with_api_key", '
                f'"params": ["{TRUENAS}"]}}\n'
            ),
            "found/llm.env": f"OLLAMA_API_KEY={OLLAMA}\n",
            "found/yahoo.txt": f"Yahoo Client Secret {YAHOO}\n",
            "found/cms.env": f"STORYBLOK_PREVIEW_TOKEN={STORYBLOK}\n",
            "found/blog.js": f"const api = new GhostAdminAPI({{ key: '{GHOST}' }});\n",
            "found/airflow.env": f"AIRFLOW__CORE__FERNET_KEY={FERNET}\n",
            "found/dvc.sh": f"dvc studio login --token {DVC}\n",
            # the same values where nothing names the provider, or under an identifier key
            "quiet/build.json": f'{{"build": "{TRUENAS}"}}\n',
            "quiet/digest.txt": f"digest = {OLLAMA}\n",
            "quiet/yahoo.txt": f"Yahoo Client ID {YAHOO}\n",
            "quiet/cms.env": f"STORYBLOK_SPACE_ID={STORYBLOK}\n",
            "quiet/pair.txt": f"pair = {GHOST}\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert len(found) == len(result.json()["findings"])  # one finding per file
    assert found == {
        "found/trend.py": "secret.trend-micro-api-secret-key",
        "found/nas.json": "secret.truenas-api-key",
        "found/llm.env": "secret.ollama-api-key",
        "found/yahoo.txt": "secret.yahoo-client-secret",
        "found/cms.env": "secret.storyblok-access-token",
        "found/blog.js": "secret.ghost-admin-api-key",
        "found/airflow.env": "secret.fernet-key",
        "found/dvc.sh": "secret.dvc-studio-access-token",
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_public_and_cut_look_alikes_are_not_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "a.env": "POLAR_CLIENT_ID=polar" + "_ci_" + fakes.pick(fakes.ALNUM, 22, "ci") + "\n",
            "b.env": "POLLINATIONS_PUBLIC_KEY=p" + "k_" + fakes.pick(fakes.ALNUM, 32) + "\n",
            "d.env": f"WARPSTREAM_API_KEY={WARPSTREAM[:30]}\n",
            "e.env": "WARPSTREAM_API_KEY=ak" + "s_" + "${WARPSTREAM_KEY}\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    found = {(f["location"]["path"], f["rule_id"]) for f in result.json()["findings"]}
    # the cut token is no WarpStream key; under API_KEY its random body is judged by the
    # generic rule as any other random value is (an `aks_` prefix hides nothing)
    assert found <= {("d.env", "secret.generic-env-assignment")}
