"""The personal-data types added with issue 17, through the installed command: each is
reported in a log with its own rule, its look-alike is not, and the low-severity generic
classes (dates, web addresses) yield to a more specific rule on the same text.

Values are published specimens or worked out from the identifier's published check,
written in pieces so that no file here holds one whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import POLICYCTL, RunPolicyctl


def j(*parts: str) -> str:
    return "".join(parts)


# rule -> (a log line that holds one, the value, a look-alike line that must not be reported)
CASES: dict[str, tuple[str, str, str]] = {
    "pii.au-acn": ("ACN {}", j("004 085", " 616"), j("ACN 004 085", " 617")),
    "pii.de-bsnr": ("BSNR: {}", j("38123", "4500"), j("BSNR 00123", "4500")),
    "pii.de-commercial-register-number": (
        "Amtsgericht Köln {}",
        j("HRB ", "98765"),
        j("HRC ", "98765"),
    ),
    "pii.de-lanr": ("LANR {}", j("123456", "601"), j("LANR 123456", "701")),
    "pii.de-postcode": ("PLZ {} Berlin", j("101", "15"), j("PLZ 432", "10 Berlin")),
    "pii.de-tax-number": ("Steuernummer {}", j("143/271/", "50374"), j("Seite 143/271/", "50374")),
    "pii.de-vehicle-registration": ("Kennzeichen {}", j("HH-XY ", "512"), j("HH-XY ", "512")),
    "pii.es-passport": ("pasaporte {}", j("PAA1", "23456"), j("pedido PAA1", "23456")),
    "pii.in-gstin": ("{}", j("33AAGPS4567", "K2Z8"), j("33AAGPS4567", "K2Z9")),
    "pii.in-passport": ("passport no {}", j("J83", "69854"), j("order J83", "69854")),
    "pii.in-vehicle-registration": ("{} at gate", j("KA 05 ", "MN 2022"), j("XX 05 ", "MN 2022")),
    "pii.in-voter-id": ("voter id {}", j("ABC12", "34566"), j("voter id ABC12", "34567")),
    "pii.it-driving-licence": ("patente {}", j("MI12345", "67A"), j("ordine MI12345", "67A")),
    "pii.it-identity-card": ("carta d'identità {}", j("CB678", "90CD"), j("codice CB678", "90CD")),
    "pii.it-passport": ("passaporto {}", j("YA123", "4567"), j("ordine YA123", "4567")),
    "pii.kr-business-registration-number": (
        "사업자등록번호 {}",
        j("220-88-", "12340"),
        j("사업자등록번호 220-88-", "12341"),
    ),
    "pii.kr-driving-licence": (
        "운전면허 {}",
        j("11-85-123", "456-78"),
        j("운전면허 31-85-123", "456-78"),
    ),
    "pii.kr-foreigner-registration-number": (
        "외국인등록번호 {}",
        j("850315-", "5123458"),
        j("외국인등록번호 850315-", "5123459"),
    ),
    "pii.kr-passport": ("여권번호 {}", j("M1234", "5678"), j("order M1234", "5678")),
    "pii.ng-nin": ("NIN {}", j("123456", "78901"), j("account 123456", "78901")),
    "pii.ng-vehicle-registration": ("plate number {}", j("LSD 123", " AB"), "GET 200 OK"),
    "pii.ph-tin": ("TIN {}", j("987-654-", "321-000"), j("order 987-654-", "321-000")),
    "pii.se-organisation-number": ("org.nr {}", j("212000-", "0142"), j("org.nr 212000-", "0143")),
    "pii.sg-uen": ("{}", j("53012", "345B"), j("53012", "345C")),
    "pii.th-national-id": ("{}", j("1-1017-00123", "-45-6"), j("1-1017-00123", "-45-7")),
    "pii.th-national-id-digits": ("thai id {}", j("1101700", "123456"), j("1101700", "123456")),
    "pii.tr-licence-plate": ("plaka {}", j("34 ABC", " 123"), j("plaka 90 AB", " 123")),
    "pii.uk-driving-licence": ("{}", j("MORGA6570", "54SM9IJ"), j("MORGA6573", "54SM9IJ")),
    "pii.uk-passport-number": ("UK passport {}", j("9250", "76473"), j("order 9250", "76473")),
    "pii.uk-postcode": ("London {}", j("SW1A ", "2AA"), j("QQ1 ", "1AA")),
    "pii.uk-vehicle-registration": ("{} parked", j("BD51 ", "SMR"), j("ZZ51 ", "SMR")),
    "pii.date-time": ("seen on {} by the nurse", j("22/07/", "2023"), j("seen 31/02/", "2023")),
    "pii.url": ("GET {} 200", j("https://shop.acme", "-widgets.co.uk/a"), "http://localhost:8080/"),
}


@pytest.fixture(scope="module")
def findings_of_all(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, set[int]], str]:
    """One log with a line per case, scanned once by the installed command."""
    import json
    import subprocess

    folder = tmp_path_factory.mktemp("types")
    lines = [line.format(value) for line, value, _ in CASES.values()]
    (folder / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [POLICYCTL, "scan", "app.log", "-f", "json", "--no-progress"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    at: dict[str, set[int]] = {}
    for finding in json.loads(done.stdout)["findings"]:
        at.setdefault(finding["rule_id"], set()).add(finding["location"]["line"])
    return at, done.stdout + done.stderr


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_new_type_is_reported_with_its_rule(
    rule: str, findings_of_all: tuple[dict[str, set[int]], str]
) -> None:
    at, output = findings_of_all
    line = list(CASES).index(rule) + 1
    assert line in at.get(rule, set())
    assert CASES[rule][1] not in output  # previews never show the whole value


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_look_alike_is_not_reported(
    rule: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.log").write_text(CASES[rule][2] + "\n", encoding="utf-8")
    found = policyctl_in_process("scan", "a.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert rule not in {f["rule_id"] for f in found.json()["findings"]}


def scan_rules(run: RunPolicyctl, folder: Path, text: str, name: str = "a.log") -> list[str]:
    (folder / name).write_text(text, encoding="utf-8")
    found = run("scan", name, "-f", "json", "--no-progress", cwd=folder)
    return [f["rule_id"] for f in found.json()["findings"]]


def test_a_date_of_birth_is_one_finding_not_also_a_date(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, "DOB: 1985-03-14\n") == ["pii.date-of-birth"]


def test_a_log_lines_own_timestamp_is_not_a_date(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = "2024-03-14 10:00:00 INFO job started\n2024-03-14T10:00:01Z INFO job done\n"
    assert scan_rules(policyctl_in_process, tmp_path, text) == []


def test_a_url_carrying_personal_data_is_one_finding_of_the_specific_rule(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = "GET https://shop.acme-widgets.co.uk/reset?phone=%2B14158675309 200\n"
    assert scan_rules(policyctl_in_process, tmp_path, text) == ["pii.url-personal-parameters"]


def test_urls_and_dates_in_source_code_are_not_personal_data(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = 'HOME = "https://shop.acme-widgets.co.uk/"  # since 14/03/2024\n'
    assert scan_rules(policyctl_in_process, tmp_path, text, name="settings.py") == []


# Calibration: a value whose format is specific and whose check passes is reported with
# no word around it; a weak shape (plain digits) still needs one.
ALONE: dict[str, str] = {
    "pii.in-aadhaar": j("2341 2341", " 2346"),
    "pii.kr-rrn": j("971013-", "9019902"),
    "pii.kr-foreigner-registration-number": j("850315-", "5123458"),
    "pii.de-id-card": j("T22000", "1293"),
    "pii.fi-hetu": j("131052-", "9085"),
    "pii.phone-number-mobile-national": j("0917 123", " 4567"),
    "pii.th-national-id": j("1-1017-00123", "-45-6"),
    "pii.ipv4-address": j("81.2.69", ".160"),
    # dash and check character, as a RUT is always written
    "pii.cl-rut": j("76086428", "-5"),
    # 3-2-5 with dashes, as the certificate prints it, and the check digit
    "pii.kr-business-registration-number": j("101-81-", "00001"),
    # 2-3-3-3 as the register prints it, and the mod 89 check
    "pii.au-abn": j("53 004 ", "085 616"),
    # a business without a SIREN: 000 in its place, the key checked
    "pii.eu-vat-id": j("FR16", "000063601"),
    "pii.no-birth-number": j("151086-", "95088"),
    # letter digit letter, digit letter digit, with letters Canada Post uses there
    "pii.ca-postal-code": j("K1A ", "0B1"),
}
NEEDS_CONTEXT: dict[str, tuple[str, str]] = {
    "pii.in-aadhaar-digits": (j("234123", "412346"), "aadhaar"),
    "pii.kr-rrn-digits": (j("9710139", "019902"), "rrn"),
    "pii.au-abn-digits": (j("530040", "85616"), "abn"),
    "pii.kr-business-registration-number-digits": (j("10181", "00001"), "brn"),
}


@pytest.mark.parametrize("rule", sorted(ALONE))
def test_a_specific_checked_value_is_reported_alone_on_a_line(
    rule: str, run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(run_policyctl, tmp_path, ALONE[rule] + "\n") == [rule]


@pytest.mark.parametrize("rule", sorted(NEEDS_CONTEXT))
def test_a_weak_shape_needs_its_context_word(
    rule: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    value, word = NEEDS_CONTEXT[rule]
    # inside a line of other words (alone on its line, see tests/e2e/test_pii_alone.py,
    # the digits of a strong check are a record of it)
    assert scan_rules(policyctl_in_process, tmp_path, f"batch {value} done\n") == []
    assert scan_rules(policyctl_in_process, tmp_path, f"{word} {value}\n") == [rule]


# phonenumbers' example numbers: a Caribbean number of country code 1, and groups of
# one digit as the library formats some regions' numbers
INTERNATIONAL = [
    j("+1 268-460", "-1234"),
    j("+1268460", "1234"),
    j("+49 900 1 ", "234567"),
    j("+63 1800 1 ", "234 5678"),
]


@pytest.mark.parametrize("number", INTERNATIONAL)
def test_an_international_number_is_reported_alone_on_a_line(
    number: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, number + "\n") == ["pii.phone-number"]


def test_an_invalid_international_number_is_not_read_as_a_national_one(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # not valid in the UAE (+971); its digits without the + would pass as a US number
    text = "id,phone\n1," + j("+97122", "34567") + "\n"
    assert scan_rules(policyctl_in_process, tmp_path, text, name="t.csv") == []


# compressed (::) forms, one in a block the IETF reserves (RFC 4291's example)
IPV6 = [j("1080::8:800:", "200C:417A"), j("2a00:1450:4001:", "81c::200e"), j("2606:4700:", ":1111")]


@pytest.mark.parametrize("address", IPV6)
def test_an_ipv6_address_is_reported_alone_on_a_line(
    address: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, address + "\n") == ["pii.ipv6-address"]


@pytest.mark.parametrize(
    "text",
    [
        "a::b",
        j("fec0::1:", "2:3:4"),
        j("fe80::1ff:", "fe23:4567:890a"),
        j("1111:0000:0000:0000:", "0000:0000:0000:0111"),  # a sample value in docs
    ],
)
def test_a_local_or_short_ipv6_form_is_not_reported(
    text: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, f"peer {text} up\n") == []


def test_a_date_and_a_serial_is_not_a_rut(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # the mod 11 check passes; eight digits that read as a date are a build's, not a RUT
    assert scan_rules(policyctl_in_process, tmp_path, "epoch " + j("20180914", "-2") + "\n") == []


def test_a_turkish_mobile_number_is_reported_alone_and_once_with_its_word(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    number = j("0532 123", " 45 67")
    expected = ["pii.phone-number-mobile-national"]
    assert scan_rules(policyctl_in_process, tmp_path, number + "\n") == expected
    assert scan_rules(policyctl_in_process, tmp_path, f"phone {number}\n") == expected


def test_a_column_of_dates_in_a_table_is_not_reported_cell_by_cell(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = "id,signup_date\n1,2023-04-05\n2,2023-06-07\n"
    assert scan_rules(policyctl_in_process, tmp_path, text, name="t.csv") == []


def test_replace_writes_the_kind_of_each_value(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    email, phone = j("ann.lee", "@acme-mail.com"), j("+44 20 7946", " 0958")
    (tmp_path / "app.log").write_text(f"signup {email} phone {phone}\n", encoding="utf-8")
    done = run_policyctl(
        "redact", "app.log", "-o", "out.log", "--strategy", "replace", cwd=tmp_path
    )
    assert done.code == 0, done.err
    assert (tmp_path / "out.log").read_text() == "signup <EMAIL_ADDRESS> phone <PHONE_NUMBER>\n"


def test_replace_takes_the_labels_form_as_an_option(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.log").write_text(j("mail ann.lee", "@acme-mail.com\n"), encoding="utf-8")
    strategy = "contact=replace:label=[{entity} removed]"
    done = policyctl_in_process(
        "redact", "app.log", "-o", "out.log", "--strategy", strategy, cwd=tmp_path
    )
    assert done.code == 0, done.err
    assert (tmp_path / "out.log").read_text() == "mail [EMAIL_ADDRESS removed]\n"


# VAT ids as invoices and registers print them (python-stdnum's test numbers): the
# prefix set off by a colon or a dash, in lower case where a check digit confirms the
# number, old Belgian and Greek lengths, a Dutch number in dotted groups
VAT_SPELLINGS: dict[str, str] = {
    j("IT: 0233", "1250163"): "pii.eu-vat-id",
    j("DE - 1138", "66163"): "pii.de-vat-id",
    j("fr 7138", "3076817"): "pii.eu-vat-id",
    j("BE 444.5", "03.092"): "pii.eu-vat-id",
    j("EL 9405", "1189"): "pii.eu-vat-id",
    j("NL.8143.26", ".584.B.01"): "pii.eu-vat-id",
}


@pytest.mark.parametrize("value", sorted(VAT_SPELLINGS))
def test_a_vat_id_as_invoices_print_it_is_reported_alone_on_a_line(
    value: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, value + "\n") == [VAT_SPELLINGS[value]]


@pytest.mark.parametrize(
    "line",
    [
        j("IT: 0233", "1250164"),  # check digit off by one
        j("hu 1234", "5678"),  # a lower-case prefix of a state without a check digit
    ],
)
def test_a_vat_look_alike_is_not_reported(
    line: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan_rules(policyctl_in_process, tmp_path, line + "\n") == []


def test_a_twelve_digit_maestro_card_is_reported_only_with_a_maestro_prefix(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    card = "pii.payment-card-number"
    assert scan_rules(policyctl_in_process, tmp_path, j("6759 4111", " 0008\n")) == [card]
    assert scan_rules(policyctl_in_process, tmp_path, j("2131 7300", " 1234 564\n")) == [card]
    # Luhn passes and 56 is a Maestro range, but twelve digits need Maestro's own prefix
    assert scan_rules(policyctl_in_process, tmp_path, j("5641 7300", " 1236\n")) == []


def test_a_phone_number_with_an_extension_is_reported(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    line = j("+1 268-460", "-1234x565\n")
    assert scan_rules(policyctl_in_process, tmp_path, line) == ["pii.phone-number"]
