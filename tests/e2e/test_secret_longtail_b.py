"""Long-tail provider formats M to Z (rules/secret-longtail-b.yaml and the rules widened
for them), end to end: each value in the placement the provider documents is found, the
context-bound ones only where the provider is named, and the look-alikes are left alone.
Every value is assembled here from random pieces (tests/fakes.py); none was ever issued
by a provider."""

from __future__ import annotations

import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase + string.digits
CRYPT = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase


def uuid(seed: str) -> str:
    return "-".join(fakes.pick(HEX, n, f"{seed}{n}") for n in (8, 4, 4, 4, 12))


NASA = fakes.pick(fakes.ALNUM, 40, "nasa")
NUGET = "q4" + fakes.pick(LOWER, 44, "nuget")
PACKAGIST = "packagist" + "_ort_" + fakes.pick(HEX, 64, "packagist")
ODBC = fakes.pick(fakes.ALNUM, 16, "odbc")
TERRAFORM = fakes.pick(fakes.ALNUM, 32, "terraform")
CISCO = "$8$" + fakes.pick(CRYPT, 14, "salt") + "$" + fakes.pick(CRYPT, 42, "cisco") + "k"
LIVE = "live" + "_" + fakes.pick(HEX, 32, "live")
SLK = "slk" + "_" + fakes.pick(HEX, 64, "slk")
TABLEAU = fakes.pick(fakes.BASE64, 22, "tab") + "==:" + fakes.pick(fakes.ALNUM, 32, "leau")
TINK = "GiA" + fakes.pick(fakes.BASE64, 41, "tink")
TWITTER = "A" * 14 + fakes.pick(fakes.URLSAFE, 100, "twitter")
VOYAGE = "pa" + "-" + fakes.pick(fakes.URLSAFE, 43, "voyage")
ZOHO = fakes.pick(HEX, 42, "zoho")
LABELLED = fakes.pick(HEX, 32, "label")
PUSHBULLET = "o." + fakes.pick(fakes.ALNUM, 32, "pushbullet")
STATSIG = "secret" + "-" + fakes.pick(fakes.ALNUM, 43, "statsig")
SPARKPOST = fakes.pick(HEX, 40, "sparkpost")
STATUSPAGE = fakes.pick(HEX, 32, "statuspage")
RETELL = "key" + "_" + fakes.pick(HEX, 28, "retell")
PLANTED = [NASA, NUGET, PACKAGIST, ODBC, TERRAFORM, CISCO, LIVE, SLK, TABLEAU, TINK, TWITTER]
PLANTED += [VOYAGE, ZOHO, LABELLED, PUSHBULLET, STATSIG, SPARKPOST, STATUSPAGE, RETELL]

TINK_KEYSET = (
    '{"primaryKeyId": 7, "key": [{"keyData": {"typeUrl": '
    '"type.googleapis.com/google.crypto.tink.%s", "value": "%s", '
    '"keyMaterialType": "SYMMETRIC"}, "status": "ENABLED", "keyId": 7}]}\n'
)


def test_new_provider_formats_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "web/apod.js": f"fetch('https://api.nasa.gov/planetary/apod?api_key={NASA}')\n",
            "ci/publish.txt": f"nuget secret {NUGET}\n",
            "auth.env": f"COMPOSER_TOKEN={PACKAGIST}\n",
            "legacy/db.vbs": (
                'conn.Open("Provider=SQLOLEDB.1;User ID=report; " & '
                f'"Password ={ODBC};Initial Catalog=Sales;Data Source=db01;")\n'
            ),
            "infra/vars.tf": (
                f'variable "okta_api_token" {{\n  type    = string\n  default = "{TERRAFORM}"\n}}\n'
            ),
            "net/router.cfg": f"{CISCO}\n",
            "label/client.py": f'client = scaleapi.ScaleClient("{LIVE}")\n',
            "sg/license.sh": f"curl -H 'Authorization: Bearer {SLK}' https://sg.corp/check\n",
            "bi/publish.py": (f"auth = TSC.PersonalAccessTokenAuth('svc', '{TABLEAU}', 'site')\n"),
            "crypto/keyset.json": TINK_KEYSET % ("AesGcmKey", TINK),
            "social/.env": f'TWITTER_BEARER="{TWITTER}"\n',
            "ml/embed.py": f'vo = voyageai.Client(api_key="{VOYAGE}")\n',
            "notes/zoho.txt": f"Client Secret = {ZOHO}\n",
            "notes/dashboard.txt": f"API Secret\n{LABELLED}\n",
            "voice/agent.py": f'client = Retell(api_key="{RETELL}")\n',
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert len(found) == len(result.json()["findings"])  # one finding per file
    assert found == {
        "web/apod.js": "secret.nasa-api-url-key",
        "ci/publish.txt": "secret.nuget-api-key-named",
        "auth.env": "secret.packagist-prefixed-token",
        "legacy/db.vbs": "secret.odbc-connection-string-password",
        "infra/vars.tf": "secret.terraform-variable-default-secret",
        "net/router.cfg": "secret.cisco-type8-type9-hash",
        "label/client.py": "secret.live-mode-api-key",
        "sg/license.sh": "secret.sourcegraph-license-key-token",
        "bi/publish.py": "secret.tableau-personal-access-token-secret",
        "crypto/keyset.json": "secret.tink-cleartext-keyset",
        "social/.env": "secret.twitter-bearer-token-named",
        "ml/embed.py": "secret.voyage-api-key-bare",
        "notes/zoho.txt": "secret.hex-secret-under-secret-label",
        "notes/dashboard.txt": "secret.credential-label-above-value",
        "voice/agent.py": "secret.retell-api-key-bare",
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_context_bound_formats_need_the_provider_named(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "found/push.py": f'client = PushBullet("{PUSHBULLET}")\n',
            "found/flags.js": f'statsig.initialize("{STATSIG}", options);\n',
            "found/mail.json": (
                f'{{"X-Service": "sparkpost",\n "Authorization": "{SPARKPOST}"}}\n'
            ),
            "found/status.sh": (
                f'curl https://api.statuspage.io/v1/pages -H "Authorization: OAuth {STATUSPAGE}"\n'
            ),
            # the same values where nothing names the provider
            "quiet/push.py": f'client = Client("{PUSHBULLET}")\n',
            "quiet/flags.js": f'config.initialize("{STATSIG}", options);\n',
            "quiet/mail.json": f'{{"X-Service": "mailer",\n "Authorization": "{SPARKPOST}"}}\n',
            "quiet/status.sh": (
                f'curl https://api.example.org/v1 -H "Authorization: OAuth {STATUSPAGE}"\n'
            ),
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert found == {
        "found/push.py": "secret.pushbullet-access-token",
        "found/flags.js": "secret.statsig-server-secret",
        "found/mail.json": "secret.sparkpost-authorization-header",
        "found/status.sh": "secret.statuspage-oauth-header",
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_widened_rules_take_the_documented_variants(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    pagerduty = fakes.pick(fakes.URLSAFE + "+", 20, "pd")
    password = fakes.pick(fakes.ALNUM, 14, "cred")
    scaleway = uuid("scaleway")
    stytch = "secret" + "-test-" + fakes.pick(fakes.URLSAFE, 31, "stytch") + "="
    sumo = fakes.pick(fakes.ALNUM, 64, "sumo")
    mixpanel = fakes.pick(HEX, 32, "mixpanel")
    word = "quill" + "moth"
    pingone = fakes.pick(fakes.ALNUM, 18, "ping1") + ".~" + fakes.pick(fakes.ALNUM, 20, "ping2")
    iv = fakes.pick("0123456789ABCDEFabcdef", 32, "iv")
    body = "\n".join(fakes.pick(fakes.BASE64, 64, f"pem{n}") for n in range(8))
    pem = (
        "-----BEGIN RSA " + "PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        f"DEK-Info: AES-256-CBC,{iv}\n\n{body}\n-----END RSA " + "PRIVATE KEY-----\n"
    )
    write_files(
        tmp_path,
        {
            "pd.py": f"pd_key = {pagerduty}\n",
            "creds.ps1": f'[System.Net.NetworkCredential]::new("svc", "{password}")\n',
            "scw.txt": f"scaleway token {scaleway}\n",
            "auth.env": f"AUTH_SECRET={stytch}\n",
            "sumo.js": f"// SumoLogic Private Token: {sumo}\n",
            "mixpanel.txt": f"Mixpanel Secret Token\n{mixpanel}\n",
            "ping.env": f"pingone client_secret = {pingone}\n",
            "old.pem": pem,
            "bot.txt": "telegram token is 3628091811:" + fakes.pick(fakes.URLSAFE, 35, "tg") + "\n",
            # a PsExec password is what an administrator typed, words included
            "reboot.bat": f"psexec \\\\10.4.1.9 -u Administrator -p {word} shutdown -r\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert found == {
        "pd.py": "secret.pagerduty-api-key",
        "creds.ps1": "secret.dotnet-network-credential",
        "scw.txt": "secret.scaleway-secret-key",
        "auth.env": "secret.stytch-prefixed-secret",
        "sumo.js": "secret.sumologic-access-key",
        "mixpanel.txt": "secret.mixpanel-api-secret",
        "ping.env": "secret.ping-identity-credential",
        "old.pem": "secret.private-key-pem-encrypted-legacy",
        "bot.txt": "secret.telegram-bot-token-named",
        "reboot.bat": "secret.psexec-password",
    }
    assert_no_secret_in([result.out, result.err], [pagerduty, password, stytch, sumo, mixpanel])


def test_look_alikes_are_not_reported(tmp_path: Path, policyctl_in_process: RunPolicyctl) -> None:
    write_files(
        tmp_path,
        {
            "demo.js": "fetch('https://api.nasa.gov/planetary/apod?api_key=DEMO_KEY')\n",
            # the digest's last character leaves two bits set: not a digest's encoding
            "hash.txt": CISCO[:-1] + "z\n",
            "pub.json": TINK_KEYSET % ("Ed25519PublicKey", TINK),
            "vars.tf": 'variable "okta_api_token" {\n  type      = string\n  sensitive = true\n}\n',
            "gap.txt": f"API Secret\n\n{LABELLED}\n",
            "short.env": f"SCALE_KEY={LIVE[:-1]}\n",
            "olive.txt": f"tag = olive_{LIVE[5:]}\n",
            "cache.py": f"entry = cache_{RETELL}\n",
            "client.js": 'statsig.initialize("client-' + fakes.pick(fakes.ALNUM, 43) + '");\n',
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--mode", "warn")
    found = {(f["location"]["path"], f["rule_id"]) for f in result.json()["findings"]}
    # the cut token is no Scale key; under a key named for a key, its random body is judged
    # by the generic rule as any other random value is (a `live_` prefix hides nothing)
    assert found <= {("short.env", "secret.named-key-assignment")}
