"""The second M-Z recall pass (rules/secret-longtail-e.yaml and the provider rules it widened),
end to end: each kind found where it is written, one finding per file, and the look-alikes
left alone. Every value is assembled here from random pieces (tests/fakes.py); none was ever
issued by a provider."""

from __future__ import annotations

import base64
import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase + string.digits
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def uuid(seed: str) -> str:
    return "-".join(fakes.pick(HEX, n, f"{seed}{i}") for i, n in enumerate((8, 4, 4, 4, 12)))


MAILJET = fakes.pick(fakes.ALNUM, 32, "mailjet")
NOTION = "nr" + "t_" + fakes.pick(fakes.URLSAFE, 43, "notion")
OPENAI = "sk" + "-None-" + fakes.pick(fakes.URLSAFE, 48, "openai")
OWM = fakes.pick(HEX, 32, "owm")
POLY = fakes.pick(HEX, 64, "poly")
SCALE = "live" + "_auth_" + fakes.pick(HEX, 32, "scale")
SHORTCUT = (
    "sc"
    + "t_rw_deploy_"
    + base64.urlsafe_b64encode(
        f"{uuid('sc1')}:{uuid('sc2')}:{fakes.pick(HEX, 32, 'sc3')}".encode()
    ).decode()
)
SLACK = "xo" + "xb-" + fakes.pick(string.digits, 12, "slack") + "-" + fakes.pick(fakes.ALNUM, 19)
UNKEY = "key" + "_" + fakes.pick(BASE58, 16, "unkey")
PHP = "kestrel" + "wing77"
WIREGUARD = fakes.pick(fakes.BASE64, 42, "wg") + "1="  # the last character is not one of 16
MERCURY = "mercury" + "_sandbox_rma_" + fakes.pick(fakes.ALNUM, 44, "mercury") + "_yrucrem"
ORY = "ory" + "_rt_" + fakes.pick(fakes.URLSAFE, 43, "ory") + "." + fakes.pick(fakes.URLSAFE, 43)
PERSONA = "persona" + "_sandbox_" + fakes.pick(fakes.URLSAFE, 36, "persona")
PINTEREST = "pin" + "r_" + fakes.pick(fakes.URLSAFE, 80, "pinterest")
RAINFOREST = "sbx" + "_apikey_" + fakes.pick(HEX, 64, "rainforest")
WOO_SECRET = "c" + "s_" + fakes.pick(HEX, 40, "woo-secret")
PAGERDUTY = fakes.pick(HEX, 32, "pagerduty")
WORD = "marble" + "foxglove"
PLANTED = [WORD, ORY, PERSONA, PINTEREST, RAINFOREST, WOO_SECRET, PAGERDUTY]
PLANTED += [MAILJET, NOTION, OPENAI, OWM, POLY, SCALE, SHORTCUT, SLACK, UNKEY, WIREGUARD, MERCURY]


def test_new_kinds_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "mail/.env": f"MAILJET_SMS_TOKEN={MAILJET}\n",
            "notion/oauth.py": f'notion_tokens = {{"refresh_token": "{NOTION}"}}\n',
            "ai/client.py": f'client = OpenAI(api_key="{OPENAI}")\n',
            "weather/app.py": f"owm = pyowm.OWM('{OWM}')\n",
            "trade/.env": f"POLY_PASSPHRASE={POLY}\n",
            "label/hook.py": f'AUTH = "{SCALE}"\n',
            "board/sync.sh": f"export SHORTCUT_API_TOKEN={SHORTCUT}\n",
            "chat/bot.json": f'{{"bot_token": "{SLACK}"}}\n',
            "api/verify.http": f"GET /v1/keys\nX-API-Key: {UNKEY}\n",
            "legacy/db.php": f'<?php\n$user = "app"; $password = {PHP};\n',
            "vpn/wg0.conf": f"[Peer]\nPresharedKey = {WIREGUARD}\nAllowedIPs = 10.0.0.2/32\n",
            "bank/.env": f"MERCURY_TOKEN=secret-token:{MERCURY}\n",
            "auth/hydra.py": f'refresh_token = "{ORY}"\n',
            "kyc/.env": f"PERSONA_API_KEY={PERSONA}\n",
            "social/pins.env": f"PINTEREST_REFRESH_TOKEN={PINTEREST}\n",
            "pay/config.yml": f"api_key: {RAINFOREST}\n",
            "shop/api.py": f'api = API(url, consumer_key=key, consumer_secret="{WOO_SECRET}")\n',
            "oncall/notes.txt": f"pagerduty token={PAGERDUTY}\n",
            # bundled into every visitor's JavaScript: a word is a leaked password there too
            # (REACT_APP_*PASSWORD is the older front-end rule's; a *_PWD name only this one's)
            "web/.env.local": f"VITE_ADMIN_PWD={WORD}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    findings = result.json()["findings"]
    found = {f["location"]["path"]: f["rule_id"] for f in findings}
    assert len(found) == len(findings)  # one finding per file
    assert found == {
        "mail/.env": "secret.mailjet-api-token",
        "notion/oauth.py": "secret.notion-refresh-token",
        "ai/client.py": "secret.openai-user-key-none",
        "weather/app.py": "secret.openweather-owm-key",
        "trade/.env": "secret.polymarket-api-passphrase",
        "label/hook.py": "secret.scale-live-auth-key",
        "board/sync.sh": "secret.shortcut-scoped-api-token",
        "chat/bot.json": "secret.slack-bot-token-irregular",
        "api/verify.http": "secret.key-prefixed-api-key-header",
        "legacy/db.php": "secret.php-password-bareword",
        "vpn/wg0.conf": "secret.wireguard-key-unchecked",
        "bank/.env": "secret.mercury-sandbox-api-token",
        "auth/hydra.py": "secret.ory-prefixed-token",
        "kyc/.env": "secret.persona-sandbox-api-key",
        "social/pins.env": "secret.pinterest-oauth-token",
        "pay/config.yml": "secret.rainforest-pay-sandbox-api-key",
        "shop/api.py": "secret.woocommerce-consumer-pair",
        "oncall/notes.txt": "secret.pagerduty-named-hex-key",
        "web/.env.local": "secret.frontend-env-password",
    }
    assert_no_secret_in([result.out, result.err], [*PLANTED, PHP])


def test_widened_rules_take_the_other_forms_of_their_providers(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    planetscale = "pscale" + "_tkn_" + fakes.pick(fakes.URLSAFE + "=", 60, "ps")
    sourcegraph = "sg" + "p_" + fakes.pick(HEX, 16, "sg1") + "_local_" + fakes.pick(HEX, 40, "sg")
    statsig = "secret" + "-" + fakes.pick(fakes.ALNUM, 40, "statsig")
    snyk = uuid("snyk").upper()
    sonar = fakes.pick(HEX, 40, "sonar").upper()
    travis = fakes.pick(fakes.ALNUM, 22, "travis")
    packagecloud = fakes.pick(HEX, 48, "pc")
    voyage = "a" + "l-" + fakes.pick(fakes.URLSAFE, 43, "voyage")
    vultr = fakes.pick(LOWER, 36, "vultr")
    supabase = "sb" + "p_" + fakes.pick(LOWER, 40, "supabase")
    react = fakes.pick(fakes.ALNUM, 10, "react") + "!"
    make = fakes.pick(fakes.ALNUM, 28, "make")
    monday = "ey" + "J" + fakes.pick(fakes.URLSAFE, 30, "m1") + "." + fakes.pick(fakes.URLSAFE, 150)
    monday += "." + fakes.pick(fakes.URLSAFE, 43, "m3")
    salesloft = "a" + "k_" + fakes.pick(HEX, 64, "salesloft")
    woo = "c" + "k_" + fakes.pick(HEX, 40, "woo")
    admin = "ops" + "_vault7"
    write_files(
        tmp_path,
        {
            "ps.json": f'{{"config.ini": "PLANETSCALE_TOKEN={planetscale}\\nBACKUP=true"}}\n',
            "sg.env": f"SRC_ACCESS_TOKEN={sourcegraph}\n",
            "flags.js": f'statsig.initialize("{statsig}", options);\n',
            "snyk.mk": f'SNYK_TOKEN ::= "{snyk}"\n',
            "sonar.mk": f'SONAR_LOGIN ?= "{sonar}"\n',
            "travis.txt": f"travis_token {travis}\n",
            "pc.txt": f"packagecloud:token={packagecloud}\n",
            "embed.env": f"EMBEDDINGS_KEY={voyage}\n",
            "vultr.sh": f"export VULTR_API_KEY={vultr}\n",
            "supabase.env": f"SUPABASE_ACCESS_TOKEN={supabase}\n",
            "web/.env": f"# REACT_APP_GUEST_PASSWORD={react}\n",
            "Makefile": f"DEPLOY_TOKEN ?= {make}\n",
            "monday.env": f"MONDAY_API_TOKEN={monday}\n",
            "sales.env": f"SALESLOFT_API_KEY={salesloft}\n",
            "shop.env": f"WC_CONSUMER_KEY={woo}\n",
            # a bare name after -p is the password itself on a command line, not a variable
            "reboot.bat": f"cmd.exe /C PSEXEC \\\\10.2.7.31 -u Administrator -p {admin} CMD\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert found == {
        "ps.json": "secret.planetscale-token",
        "sg.env": "secret.sourcegraph-access-token",
        "flags.js": "secret.statsig-server-secret",
        "snyk.mk": "secret.snyk-token",
        "sonar.mk": "secret.sonar-login-property",
        "travis.txt": "secret.travis-ci-token",
        "pc.txt": "secret.packagecloud-credential",
        "embed.env": "secret.voyage-api-key-bare",
        "vultr.sh": "secret.vultr-api-key",
        "supabase.env": "secret.supabase-pat",
        "web/.env": "secret.frontend-env-secret",
        "Makefile": "secret.generic-env-assignment",
        "monday.env": "secret.monday-api-token",
        "sales.env": "secret.salesloft-credential",
        "shop.env": "secret.woocommerce-credential",
        "reboot.bat": "secret.psexec-password",
    }
    planted = [planetscale, sourcegraph, statsig, snyk, sonar, travis, packagecloud, voyage]
    planted += [vultr, supabase, react, make, monday, salesloft, woo, admin]
    assert_no_secret_in([result.out, result.err], planted)


def test_look_alikes_are_not_reported(tmp_path: Path, policyctl_in_process: RunPolicyctl) -> None:
    write_files(
        tmp_path,
        {
            # nothing names Notion: `nrt_` alone is too short a mark
            "flights.py": f'legs = {{"route": "{NOTION}"}}\n',
            "weather.py": "owm = pyowm.OWM(API_KEY)\n",
            "bowman.py": f"bowman = '{OWM}'\n",
            "null.php": "<?php\n$password = null;\n$pwd = getcwd;\n$password = PASSWORD_DEFAULT;\n",
            "peer.conf": f"[Peer]\nPublicKey = {WIREGUARD}\n",
            "trace.http": f"X-Request-Id: {UNKEY}\n",
            "short.py": f"board_ref = '{SHORTCUT[:60]}'\n",
            "web/.env": "REACT_APP_SHOW_PASSWORD=true\nREACT_APP_PASSWORD_RESET_URL=/reset\n",
            "wallet.env": "wallet_passphrase: " + fakes.pick(fakes.ALNUM, 20, "wallet") + "\n",
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []
