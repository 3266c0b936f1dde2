"""Issue 16: the false-positive filters judge a value by the shape of its parts, through the
installed command. A token with a prefix (`pk_prod_<random>`, `s.<random>`) is no variable
name nor pagination cursor; a credential word run into the word before it (`secretkey`)
names a credential; a password typed into a place that holds only a password is reported
made up unless it is placeholder words only; a word set as a front-end build variable's
password is reported. What must stay quiet in real code stays quiet."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files

LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
MADE_UP = "made-up-looking"


def findings(result_json: dict[str, object]) -> dict[int, dict[str, object]]:
    """Secret findings by line (one file per test)."""
    return {
        f["location"]["line"]: f
        for f in result_json["findings"]  # type: ignore[attr-defined]
        if f["category"] == "secret"
    }


def scan(run: RunPolicyctl, root: Path) -> dict[int, dict[str, object]]:
    result = run("scan", root, "--format", "json", "--mode", "warn", "--enable", "secret")
    assert result.code == 0, result.all_output
    return findings(result.json())


def test_a_prefixed_token_is_reported_and_names_of_variables_are_not(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    token = "pk" + "_prod_" + fakes.pick(LOWER_DIGITS, 24, "courier")
    sandbox = "_".join(
        ["sandbox", fakes.pick(LOWER_DIGITS, 8, "bt"), fakes.pick(LOWER_DIGITS, 16, "bt")]
    )
    write_files(
        tmp_path,
        {
            "deploy/app.env": (
                f"COURIER_API_KEY={token}\n"
                f'BRAINTREE_PRIVATE_KEY="{sandbox}"\n'
                "API_KEY=AWS_SECRET_ACCESS_KEY\n"
                "api_key = settings.SECRET_KEY\n"
                "auth_token = config.auth.token\n"
                "secret_key = os_environ_token\n"
            )
        },
    )
    by_line = scan(run_policyctl, tmp_path)
    assert sorted(by_line) == [1, 2]
    assert token not in str(by_line) and sandbox not in str(by_line)


def test_a_client_token_with_a_provider_prefix_is_a_credential_and_a_bare_one_a_cursor(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    vault = "s." + fakes.pick(fakes.ALNUM, 24, "vault")
    write_files(
        tmp_path,
        {
            "ops/settings.py": (
                f'VAULT_CLIENT_TOKEN = "{vault}"\n'
                f'client_token = "{fakes.pick(fakes.ALNUM, 32, "idem")}"\n'
                f'next_token = "{"t." + fakes.pick(fakes.ALNUM, 24, "page")}"\n'
            )
        },
    )
    assert sorted(scan(policyctl_in_process, tmp_path)) == [1]


def test_a_credential_word_run_into_the_word_before_names_a_credential(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    upper = fakes.BASE32.replace("234567", "0123456789")
    write_files(
        tmp_path,
        {
            "ops/notes.txt": (
                f"eventbrite secretkey {fakes.pick(upper, 20, 'eb1')}\n"
                f"eventbrite privatekey {fakes.pick(upper, 20, 'eb2')}\n"
                f"eventbrite organizer {fakes.pick(upper, 20, 'eb3')}\n"
            )
        },
    )
    by_line = scan(policyctl_in_process, tmp_path)
    assert sorted(by_line) == [1, 2]
    assert {f["rule_id"] for f in by_line.values()} == {"secret.eventbrite-credential"}


def test_a_token_holding_equals_signs_is_no_setting(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    token = "heai=" + fakes.pick(LOWER_DIGITS, 20, "i1") + "=" + fakes.pick(LOWER_DIGITS, 30)
    write_files(
        tmp_path,
        {"app/config.ini": f'intercomToken="{token}"\nmountOptions="TYPE=ext4"\n'},
    )
    assert sorted(scan(policyctl_in_process, tmp_path)) == [1]


def test_a_typed_password_in_a_password_place_is_reported_made_up(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    chosen = "MyStr" + "0ng" + "P@ss" + "word!"
    bare = "P@ss" + "w0rd" + "123"
    command = "ConvertTo-" + "SecureString"
    write_files(
        tmp_path,
        {
            "deploy/setup.ps1": (
                f'$a = {command} "{chosen}" -AsPlainText -Force\n'
                f'$b = {command} "{bare}" -AsPlainText -Force\n'
                f'$c = {command} "{"my" + "Password"}" -AsPlainText -Force\n'
            )
        },
    )
    by_line = scan(run_policyctl, tmp_path)
    assert sorted(by_line) == [1]
    assert by_line[1]["rule_id"] == "secret.powershell-securestring-plaintext"
    assert MADE_UP in by_line[1]["tags"]  # type: ignore[operator]
    assert by_line[1]["confidence"] == 0.75  # the rule's 0.85, less 0.1


def test_a_typed_password_in_a_test_stays_a_fixture(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    chosen = "MyStr" + "0ng" + "P@ss" + "word!"
    command = "ConvertTo-" + "SecureString"
    write_files(
        tmp_path,
        {"tests/test_setup.ps1": f'$a = {command} "{chosen}" -AsPlainText -Force\n'},
    )
    assert scan(policyctl_in_process, tmp_path) == {}


def test_a_word_as_a_front_end_password_is_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "web/.env": (
                f"REACT_APP_AUTH_PASSWORD={'white' + 'duke'}\nDB_PASSWORD={'white' + 'duke'}\n"
            )
        },
    )
    assert sorted(scan(policyctl_in_process, tmp_path)) == [1]


def test_a_typed_sequence_written_out_to_fill_a_named_key_is_reported_made_up(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    sequence = "abcdef" + "0123456789"
    half = fakes.pick(fakes.ALNUM, 16, "half")
    write_files(
        tmp_path,
        {
            "deploy/vision.env": (
                f"AZURE_FACE_KEY={sequence}{sequence}\nAZURE_LUIS_KEY={half}{half}\n"
            )
        },
    )
    by_line = scan(policyctl_in_process, tmp_path)
    assert sorted(by_line) == [1]
    assert MADE_UP in by_line[1]["tags"]  # type: ignore[operator]


def test_the_default_of_an_environment_lookup_is_reported(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    default = fakes.pick(fakes.ALNUM + "!#*", 50, "django")
    write_files(
        tmp_path,
        {
            "site/settings.py": (
                f"SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', '{default}')\n"
                "API_TOKEN = os.environ.get('API_TOKEN')\n"
            )
        },
    )
    by_line = scan(policyctl_in_process, tmp_path)
    assert sorted(by_line) == [1]
