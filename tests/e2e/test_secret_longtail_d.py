"""Long-tail formats, providers 0-9 and A to L, fourth pass (rules/secret-longtail-d.yaml
and the rules widened in place), end to end: each found where it is written, and the
look-alikes each rule leaves alone. Every value is assembled here from random pieces
(tests/fakes.py); none was ever issued by a provider."""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits


def vault_lines(seed: str, lines: int = 3) -> list[str]:
    """Ciphertext lines as ansible-vault writes them: hex of hex, 80 characters a line."""
    body = fakes.pick(HEX, 40 * lines, seed).encode().hex()
    return [body[i : i + 80] for i in range(0, len(body), 80)]


def part(obj: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


RECOVERY = "1P" + "RK-" + "-".join(fakes.pick(UPPER, 4, f"1prk{i}") for i in range(13))
VAULT = vault_lines("vault")
INLINE_VAULT = vault_lines("inline", 2)
INSTALLATION = "12" + fakes.pick(string.digits, 6, "ghs-id")
GHS_JWT = ".".join(
    [
        part({"alg": "RS256", "typ": "JWT"}),
        part({"iat": 1_767_000_000, "exp": 1_767_000_600, "iss": INSTALLATION}),
        fakes.pick(fakes.URLSAFE, 43, "ghs-sig"),
    ]
)
GHS = "gh" + "s_" + INSTALLATION + "_" + GHS_JWT
CURSOR = "ke" + "y_" + fakes.pick(HEX, 64, "cursor")
BEARER = fakes.pick(fakes.ALNUM, 48, "bearer")
ANTHROPIC = "sk-" + "ant-api104-" + fakes.pick(fakes.URLSAFE, 93, "anthropic") + "AA"
BITBUCKET = "AT" + "BB" + fakes.pick(fakes.ALNUM, 24, "atbb") + fakes.pick("0123456789ABCDEF", 8)
GOOGLE = "ya" + "29." + fakes.pick(fakes.URLSAFE, 50, "ya29")
EVENTBRITE = fakes.pick(UPPER, 20, "eventbrite")
PLANTED = [RECOVERY, VAULT[0], INLINE_VAULT[0], GHS_JWT, CURSOR, BEARER, ANTHROPIC]
PLANTED += [BITBUCKET, GOOGLE, EVENTBRITE]


def test_fourth_pass_formats_are_found_through_the_installed_command(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "notes/recovery.txt": f"1Password recovery code\n{RECOVERY}\n",
            "group_vars/all/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(VAULT) + "\n",
            "host_vars/db.yml": (
                "db_password: !vault |\n  $ANSIBLE_VAULT;1.2;AES256;prod\n"
                + "".join(f"  {line}\n" for line in INLINE_VAULT)
            ),
            "ci/clone.sh": f"git clone https://x-access-token:{GHS}@github.com/acme/app.git\n",
            "tools/cursor.py": f'HEADERS = {{"Authorization": "Bearer {CURSOR}"}}\n',
            "api/headers.yaml": f"headers:\n  - Bearer {BEARER}\n",
            "ai/.env": f"ANTHROPIC_API_KEY={ANTHROPIC}\n",
            "ci/bitbucket.env": f"BB_AUTH_STRING=deploy:{BITBUCKET}\n",
            "gcp/creds.py": f'creds.token = "{GOOGLE}"\n',
            "events/notes.txt": f"eventbrite personal OAuth token {EVENTBRITE}\n",
        },
    )
    result = run_policyctl("scan", tmp_path, "--format", "json")
    assert result.code == 1
    found = {f["location"]["path"]: f["rule_id"] for f in result.json()["findings"]}
    assert found == {
        "notes/recovery.txt": "secret.onepassword-recovery-code",
        "group_vars/all/vault.yml": "secret.ansible-vault-payload",
        "host_vars/db.yml": "secret.ansible-vault-payload",
        "ci/clone.sh": "secret.github-app-installation-jwt",
        "tools/cursor.py": "secret.cursor-api-key-bare",
        "api/headers.yaml": "secret.http-bearer-token",
        "ai/.env": "secret.anthropic-other-key",
        "ci/bitbucket.env": "secret.bitbucket-app-password",
        "gcp/creds.py": "secret.google-oauth-access-token",
        "events/notes.txt": "secret.eventbrite-credential",
    }
    assert len(found) == len(result.json()["findings"])  # one finding per file
    ghs = next(f for f in result.json()["findings"] if f["location"]["path"] == "ci/clone.sh")
    assert ghs["validated"] is True  # its JWT part decodes
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_look_alikes_of_the_fourth_pass_formats_are_not_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    broken_jwt = ".".join([part({"alg": "RS256"})[:-2] + "x", "eyJ" + "q" * 30, "s" * 43])
    write_files(
        tmp_path,
        {
            # a vault file in a test suite: the payload is a fixture (reported at 0.6, demoted)
            "tests/fixtures/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(VAULT) + "\n",
            # the header alone, as documentation writes it
            "docs/vault.md": "A vault file starts with `$ANSIBLE_VAULT;1.1;AES256`.\n",
            # a recovery code cut short, and a ghs_ token whose JWT part does not decode
            "notes/partial.txt": "1P"
            + "RK-"
            + "-".join(fakes.pick(UPPER, 4, f"p{i}") for i in range(3)),
            "ci/broken.sh": f"echo gh{'s_'}{INSTALLATION}_{broken_jwt}\n",
            # key_ and a hex digest of another length; a cache key that ends in one
            "tools/cache.py": f'name = "key_{fakes.pick(HEX, 40, "sha1")}"\n'
            f'slot = "cache_{CURSOR}"\n',
            # Bearer in a sentence, not at the start of a line
            "api/notes.txt": f"Send it as Bearer {BEARER} in the header.\n",
            # a Google token too short to be one
            "gcp/short.py": f'token = "ya{"29."}{fakes.pick(fakes.URLSAFE, 20, "short")}"\n',
        },
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.json()["findings"] == []
    assert result.code == 0
