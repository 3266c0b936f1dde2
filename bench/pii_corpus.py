"""A labelled corpus of personal identifiers: valid and invalid values of every type, in
sentences, log lines and table cells, plus benign text that holds none.

Labels come from outside policyctl: values are drawn at random and kept as valid or
invalid by python-stdnum's checks, Faker's generators, libphonenumber, the standard
library's ipaddress, or (for identifiers none of those cover) a generator written here
from the identifier's published specification. policyctl's own validators are never
asked, so the corpus cannot agree with them by construction.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

D = string.digits
U = string.ascii_uppercase


@dataclass(frozen=True)
class Sample:
    text: str  # what is scanned (for cells: the cell value)
    setting: str  # "sentence", "log" or "cell"
    column: str  # the cell's column name (cells only)
    entity: str | None  # the rule id of the planted value, None for a negative
    value: str
    kind: str  # "valid", "invalid" or "benign"


@dataclass(frozen=True)
class EntityType:
    rule_id: str
    label: str  # how people name it next to the value
    column: str  # how a table column holding it is named
    valid: Callable[[random.Random], str]
    invalid: Callable[[random.Random], str]


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(D) for _ in range(n))


def letters(rng: random.Random, n: int, alphabet: str = U) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def until(
    rng: random.Random, make: Callable[[random.Random], str], ok: Callable[[str], bool]
) -> str:
    for _ in range(100_000):
        value = make(rng)
        if ok(value):
            return value
    raise RuntimeError("no value found")


def stdnum_type(
    module_name: str, shape: Callable[[random.Random], str]
) -> tuple[Callable[[random.Random], str], Callable[[random.Random], str]]:
    import importlib

    module = importlib.import_module(f"stdnum.{module_name}")

    def valid(rng: random.Random) -> str:
        return until(rng, shape, module.is_valid)

    def invalid(rng: random.Random) -> str:
        return until(rng, shape, lambda v: not module.is_valid(v))

    return valid, invalid


def birth(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))


def yymmdd(rng: random.Random) -> str:
    return birth(rng).strftime("%y%m%d")


def ddmmyy(rng: random.Random) -> str:
    return birth(rng).strftime("%d%m%y")


# Generators written from specifications, for identifiers python-stdnum lacks.


def luhn_ok(number: str) -> bool:
    from stdnum import luhn

    return luhn.is_valid(number)


def npi(rng: random.Random, good: bool) -> str:
    return until(
        rng, lambda r: r.choice("12") + digits(r, 9), lambda v: luhn_ok("80840" + v) == good
    )


def dea(rng: random.Random, good: bool) -> str:
    def make(r: random.Random) -> str:
        body = [r.randrange(10) for _ in range(6)]
        check = (body[0] + body[2] + body[4] + 2 * (body[1] + body[3] + body[5])) % 10
        if not good:
            check = (check + r.randrange(1, 10)) % 10
        return r.choice("ABFGM") + r.choice(U) + "".join(map(str, body)) + str(check)

    return make(rng)


MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def mbi(rng: random.Random, good: bool) -> str:
    def pick(kind: str) -> str:
        if kind == "C":
            return rng.choice("123456789")
        if kind == "N":
            return rng.choice(D)
        if kind == "A":
            return rng.choice(MBI_LETTERS)
        return rng.choice(D + MBI_LETTERS)

    value = [pick(k) for k in "CAXNAXNAANN"]
    if not good:
        value[1] = rng.choice("SLOIBZ")
    text = "".join(value)
    return f"{text[:4]}-{text[4:7]}-{text[7:]}" if rng.random() < 0.5 else text


def nric(rng: random.Random, good: bool) -> str:
    tables = {
        "S": ("JZIHGFEDCBA", 0),
        "T": ("JZIHGFEDCBA", 4),
        "F": ("XWUTRQPNMLK", 0),
        "G": ("XWUTRQPNMLK", 4),
    }
    prefix = rng.choice("STFG")
    body = digits(rng, 7)
    letters_, offset = tables[prefix]
    total = sum(int(d) * w for d, w in zip(body, (2, 7, 6, 5, 4, 3, 2), strict=True)) + offset
    check = letters_[total % 11]
    if not good:
        check = rng.choice([c for c in letters_ if c != check])
    return prefix + body + check


def nino(rng: random.Random, good: bool) -> str:
    first_ok = "ABCEGHJKLMNOPRSTWXYZ"
    second_ok = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first_ok) + rng.choice(second_ok)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            break
    if not good:
        prefix = rng.choice("DFIQUV") + prefix[1]
    number = digits(rng, 6)
    return f"{prefix} {number[:2]} {number[2:4]} {number[4:]} {rng.choice('ABCD')}"


def icao(text: str) -> int:
    values = {c: i for i, c in enumerate(D + U)}
    values["<"] = 0
    return sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10


def de_id_card(rng: random.Random, good: bool) -> str:
    body = rng.choice("LMNPRTVWXY") + letters(rng, 8, "CFGHJKLMNPRTVWXYZ0123456789")
    check = icao(body)
    return body + str(check if good else (check + 1) % 10)


def kvnr(rng: random.Random, good: bool) -> str:
    letter = rng.choice(U)
    body = digits(rng, 8)
    numbers = f"{ord(letter) - 64:02d}" + body
    total = sum(sum(map(int, str(int(d) * (1, 2)[i % 2]))) for i, d in enumerate(numbers))
    check = total % 10
    return letter + body + str(check if good else (check + 3) % 10)


def rvnr(rng: random.Random, good: bool) -> str:
    area = f"{rng.randint(2, 89):02d}"
    born = ddmmyy(rng)
    letter = rng.choice(U)
    serial = f"{rng.randint(0, 99):02d}"
    numbers = area + born + f"{ord(letter) - 64:02d}" + serial
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    check = sum(sum(map(int, str(int(d) * w))) for d, w in zip(numbers, weights, strict=True)) % 10
    return f"{area} {born} {letter} {serial}{check if good else (check + 1) % 10}"


VIN_VALUES = dict(
    zip(
        "0123456789ABCDEFGHJKLMNPRSTUVWXYZ",
        [*range(10), 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
        strict=True,
    )
)


def vin(rng: random.Random, good: bool) -> str:
    chars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
    body = [rng.choice(chars) for _ in range(17)]
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    remainder = sum(VIN_VALUES[c] * w for c, w in zip(body, weights, strict=True)) % 11
    check = "X" if remainder == 10 else str(remainder)
    body[8] = check if good else rng.choice([c for c in "0123456789X" if c != check])
    return "".join(body)


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def bitcoin(rng: random.Random, good: bool) -> str:
    payload = bytes([rng.choice((0, 5))]) + rng.randbytes(20)
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    if not good:
        checksum = bytes([checksum[0] ^ 1]) + checksum[1:]
    raw = payload + checksum
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = B58[remainder] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def ethereum(rng: random.Random, good: bool) -> str:
    if good:
        return "0x" + rng.randbytes(20).hex()
    # an EIP-55 specification example with the case of one letter flipped
    example = rng.choice(
        [
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        ]
    )
    index = next(i for i, c in enumerate(example) if c.isalpha())
    return "0x" + example[:index] + example[index].swapcase() + example[index + 1 :]


def mrz(rng: random.Random, good: bool) -> str:
    number = letters(rng, 2) + digits(rng, 7)
    born = yymmdd(rng)
    expiry = f"{rng.randint(25, 35)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    optional = letters(rng, 3) + digits(rng, 6) + "<" * 5
    parts = [
        number + str(icao(number)),
        rng.choice(["UTO", "D<<", "GBR", "USA"]),
        born + str(icao(born)),
        rng.choice("MF"),
        expiry + str(icao(expiry)),
        optional + str(icao(optional)),
    ]
    composite = parts[0] + parts[2] + parts[4] + parts[5]
    line = "".join(parts) + str(icao(composite))
    if not good:
        line = line[:9] + str((int(line[9]) + 1) % 10) + line[10:]
    return line


def public_ip(rng: random.Random, good: bool, version: int) -> str:
    while True:
        raw = rng.randbytes(4 if version == 4 else 16)
        if version == 6:  # IANA allocates public IPv6 space only where the first bits are 001
            raw = bytes([0x20 | raw[0] & 0x1F]) + raw[1:]
        address = ipaddress.ip_address(raw)
        if version == 6 and not good:
            return rng.choice(["fe80::", "fd12:3456:789a::", "2001:db8::", "::ffff:10.0.0."]) + str(
                rng.randint(1, 200)
            )
        if address.is_global == good and not address.is_multicast:
            if version == 4 and not good and not address.is_private:
                continue
            return str(address)


def phone(rng: random.Random, good: bool) -> str:
    import phonenumbers
    from faker import Faker

    fake = Faker(rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "en_AU", "en_IN"]))
    fake.seed_instance(rng.randrange(1 << 30))
    while True:
        number = fake.phone_number()
        if "x" in number.lower():
            continue
        # valid: in the locale's region; invalid: in none of the regions a number written
        # without a country code could belong to
        regions = [LOCALE_REGIONS[fake.locales[0]]] if good else list(LOCALE_REGIONS.values())
        valid = False
        for region in regions:
            with contextlib.suppress(phonenumbers.NumberParseException):
                valid = valid or phonenumbers.is_valid_number(phonenumbers.parse(number, region))
        if valid == good:
            return number


LOCALE_REGIONS = {
    "en_US": "US",
    "en_GB": "GB",
    "de_DE": "DE",
    "fr_FR": "FR",
    "en_AU": "AU",
    "en_IN": "IN",
}


def faker_value(method: str, locale: str = "en_US") -> Callable[[random.Random], str]:
    def make(rng: random.Random) -> str:
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(rng.randrange(1 << 30))
        return str(getattr(fake, method)())

    return make


def card(rng: random.Random, good: bool) -> str:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(rng.randrange(1 << 30))
    number = fake.credit_card_number(
        card_type=rng.choice(["visa16", "mastercard", "amex", "discover", "jcb16", "diners"])
    )
    if not good:
        number = number[:-1] + str((int(number[-1]) + rng.randint(1, 9)) % 10)
    if rng.random() < 0.5 and len(number) == 16:
        number = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def iban(rng: random.Random, good: bool) -> str:
    from faker import Faker
    from stdnum import iban as stdnum_iban

    fake = Faker(rng.choice(["en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT"]))
    fake.seed_instance(rng.randrange(1 << 30))
    value = fake.iban()
    if not good:
        value = until(
            rng, lambda r: value[:-1] + r.choice(D), lambda v: not stdnum_iban.is_valid(v)
        )
    return (
        " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if rng.random() < 0.5 else value
    )


def ssn(rng: random.Random, good: bool) -> str:
    from stdnum.us import ssn as stdnum_ssn

    def make(r: random.Random) -> str:
        return f"{digits(r, 3)}-{digits(r, 2)}-{digits(r, 4)}"

    # invalid ones keep clear of the 9xx area, where ITINs (another identifier) live
    return until(rng, make, lambda v: stdnum_ssn.is_valid(v) == good and (good or v[0] != "9"))


def email(rng: random.Random, good: bool) -> str:
    if good:  # addresses at domains people use (Faker's email() gives reserved example.*)
        return faker_value(rng.choice(["free_email", "company_email"]))(rng)
    return rng.choice(
        [
            "user@localhost",
            "qa.bot@example.com",  # reserved for documentation (RFC 2606): reaches no one
            "name@@example.com",
            "a@b",
            "first.last@",
            "@example.com",
            "jane.doe at example.com",
        ]
    )


def mac(rng: random.Random, good: bool) -> str:
    if good:
        return faker_value("mac_address")(rng)
    return rng.choice(["ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "00:1A-2B:3C:4D:5E"])


def geo(rng: random.Random, good: bool) -> str:
    if good:
        return f"{rng.uniform(-80, 80):.6f}, {rng.uniform(-179, 179):.6f}"
    return f"{rng.uniform(-80, 80):.1f}, {rng.uniform(-179, 179):.1f}"


def dob(rng: random.Random, good: bool) -> str:
    born = birth(rng)
    if not good:  # no reading of it is a date: day 31 and month 13 either way round
        return f"31/13/{born.year}"
    return rng.choice([born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%B %d, %Y")])


# real ICD-10-CM codes, kept as (category, subcategory) so this file holds no code whole
ICD10 = [
    "".join(parts)
    for parts in [
        ("E1", "1.9"), ("I1", "0"), ("J4", "5.909"), ("F3", "2.9"), ("M5", "4.5"), ("K2", "1.9"),
        ("E7", "8.5"), ("N3", "9.0"), ("J0", "6.9"), ("Z0", "0.00"), ("G4", "3.909"), ("R5", "1"),
    ]
]  # fmt: skip


def icd(rng: random.Random, good: bool) -> str:
    return rng.choice(ICD10) if good else rng.choice(["11.9", "E1", "Q", "E1" + "X"])


def swift(rng: random.Random, good: bool) -> str:
    if good:
        return rng.choice(
            ["DEUTDEFF", "NEDSZAJJXXX", "BOFAUS3N", "CHASUS33", "BNPAFRPP", "HSBCGB2L"]
        )
    return rng.choice(["DEUTXXFF", "ABCD12EF", "DEUT1EFF"])


# Federal Reserve routing symbols: 00-12, 21-32, 61-72 and 80 (thrifts, electronic)
FED_PREFIXES = [f"{n:02d}" for n in [*range(0, 13), *range(21, 33), *range(61, 73), 80]]


def itin(rng: random.Random, good: bool) -> str:
    """IRS: 9XX-XX-XXXX with the fourth and fifth digits in 50-65, 70-88, 90-92 or 94-99."""
    allowed = [*range(50, 66), *range(70, 89), *range(90, 93), *range(94, 100)]
    group = rng.choice(allowed) if good else rng.choice([n for n in range(100) if n not in allowed])
    return f"9{digits(rng, 2)}-{group:02d}-{digits(rng, 4)}"


def context_only(
    make: Callable[[random.Random], str],
) -> tuple[Callable[[random.Random], str], Callable[[random.Random], str]]:
    return make, lambda r: "n/a"


def vat(rng: random.Random) -> str:
    country = rng.choice(["FR", "NL", "IT", "AT", "BE", "DK", "FI", "PL", "PT", "SE", "SI", "LU"])
    shapes: dict[str, Callable[[], str]] = {
        "FR": lambda: digits(rng, 11),
        "NL": lambda: digits(rng, 9) + "B01",
        "IT": lambda: digits(rng, 7) + "001" + digits(rng, 1),
        "AT": lambda: "U" + digits(rng, 8),
        "BE": lambda: "0" + digits(rng, 9),
        "DK": lambda: rng.choice("123456789") + digits(rng, 7),
        "FI": lambda: digits(rng, 8),
        "PL": lambda: digits(rng, 10),
        "PT": lambda: rng.choice("125") + digits(rng, 8),
        "SE": lambda: digits(rng, 10) + "01",
        "SI": lambda: rng.choice("123456789") + digits(rng, 7),
        "LU": lambda: digits(rng, 8),
    }
    return country + shapes[country]()


def types() -> list[EntityType]:
    def s(
        rule: str, label: str, column: str, module: str, shape: Callable[[random.Random], str]
    ) -> EntityType:
        valid, invalid = stdnum_type(module, shape)
        return EntityType(rule, label, column, valid, invalid)

    def g(
        rule: str, label: str, column: str, make: Callable[[random.Random, bool], str]
    ) -> EntityType:
        return EntityType(rule, label, column, lambda r: make(r, True), lambda r: make(r, False))

    return [
        g("pii.email-address", "email", "email", email),
        g("pii.phone-number", "phone", "phone", phone),
        g("pii.ipv4-address", "client ip", "client_ip", lambda r, ok: public_ip(r, ok, 4)),
        g("pii.ipv6-address", "client ip", "client_ip", lambda r, ok: public_ip(r, ok, 6)),
        g("pii.mac-address", "device mac", "mac", mac),
        g("pii.payment-card-number", "card number", "card_number", card),
        g("pii.iban", "IBAN", "iban", iban),
        g("pii.swift-bic", "SWIFT/BIC", "swift_bic", swift),
        s(
            "pii.us-aba-routing-number",
            "routing number",
            "routing_number",
            "us.rtn",
            lambda r: r.choice(FED_PREFIXES) + digits(r, 7),
        ),
        g("pii.bitcoin-address", "bitcoin wallet", "btc_wallet", bitcoin),
        g("pii.ethereum-address", "eth wallet", "eth_wallet", ethereum),
        g("pii.us-ssn", "SSN", "ssn", ssn),
        g("pii.us-itin", "ITIN", "itin", itin),
        s("pii.us-ein", "EIN", "ein", "us.ein", lambda r: f"{digits(r, 2)}-{digits(r, 7)}"),
        g("pii.us-medicare-mbi", "Medicare MBI", "mbi", mbi),
        g("pii.us-npi", "NPI", "npi", npi),
        g("pii.us-dea-number", "DEA number", "dea_number", dea),
        g("pii.uk-nino", "National Insurance number", "ni_number", nino),
        s(
            "pii.uk-nhs-number",
            "NHS number",
            "nhs_number",
            "gb.nhs",
            lambda r: f"{digits(r, 3)} {digits(r, 3)} {digits(r, 4)}",
        ),
        s("pii.es-dni", "DNI", "dni", "es.dni", lambda r: digits(r, 8) + r.choice(U)),
        s(
            "pii.es-nie",
            "NIE",
            "nie",
            "es.nie",
            lambda r: r.choice("XYZ") + digits(r, 7) + r.choice(U),
        ),
        s(
            "pii.it-fiscal-code",
            "codice fiscale",
            "codice_fiscale",
            "it.codicefiscale",
            lambda r: (
                letters(r, 6)
                + digits(r, 2)
                + r.choice("ABCDEHLMPRST")
                + f"{r.randint(1, 28) + r.choice((0, 40)):02d}"
                + r.choice(U)
                + digits(r, 3)
                + r.choice(U)
            ),
        ),
        s(
            "pii.fr-nir",
            "numéro de sécurité sociale",
            "nir",
            "fr.nir",
            lambda r: (
                r.choice("12")
                + digits(r, 2)
                + f"{r.randint(1, 12):02d}"
                + f"{r.randint(1, 95):02d}"
                + digits(r, 8)
            ),
        ),
        s(
            "pii.de-tax-id",
            "Steuer-ID",
            "steuer_id",
            "de.idnr",
            lambda r: r.choice("123456789") + digits(r, 10),
        ),
        s(
            "pii.de-vat-id",
            "USt-IdNr",
            "ust_idnr",
            "de.vat",
            lambda r: "DE" + r.choice("123456789") + digits(r, 8),
        ),
        g("pii.de-id-card", "Personalausweis", "ausweisnummer", de_id_card),
        g("pii.de-health-insurance-number", "Versichertennummer", "kvnr", kvnr),
        g("pii.de-social-security-number", "Sozialversicherungsnummer", "rvnr", rvnr),
        EntityType("pii.eu-vat-id", "VAT number", "vat_id", *stdnum_type("eu.vat", vat)),
        s("pii.nl-bsn", "BSN", "bsn", "nl.bsn", lambda r: digits(r, 9)),
        s(
            "pii.be-national-number",
            "rijksregisternummer",
            "rijksregisternummer",
            "be.nn",
            lambda r: yymmdd(r) + digits(r, 5),
        ),
        s("pii.pl-pesel", "PESEL", "pesel", "pl.pesel", lambda r: yymmdd(r) + digits(r, 5)),
        s(
            "pii.se-personnummer",
            "personnummer",
            "personnummer",
            "se.personnummer",
            lambda r: yymmdd(r) + "-" + digits(r, 4),
        ),
        s(
            "pii.fi-hetu",
            "henkilötunnus",
            "hetu",
            "fi.hetu",
            lambda r: (
                ddmmyy(r)
                + r.choice("-A")
                + f"{r.randint(2, 899):03d}"
                + r.choice("0123456789ABCDEFHJKLMNPRSTUVWXY")
            ),
        ),
        s(
            "pii.no-birth-number",
            "fødselsnummer",
            "fodselsnummer",
            "no.fodselsnummer",
            lambda r: ddmmyy(r) + digits(r, 5),
        ),
        s("pii.pt-nif", "NIF", "nif", "pt.nif", lambda r: r.choice("123") + digits(r, 8)),
        s(
            "pii.ie-ppsn",
            "PPS number",
            "ppsn",
            "ie.pps",
            lambda r: digits(r, 7) + r.choice("ABCDEFGHIJKLMNOPQRSTUVW"),
        ),
        s(
            "pii.ch-ahv",
            "AHV number",
            "ahv",
            "ch.ssn",
            lambda r: "756." + digits(r, 4) + "." + digits(r, 4) + "." + digits(r, 2),
        ),
        s(
            "pii.tr-identity-number",
            "T.C. Kimlik No",
            "tckn",
            "tr.tckimlik",
            lambda r: r.choice("123456789") + digits(r, 10),
        ),
        s(
            "pii.ca-sin",
            "SIN",
            "sin",
            "ca.sin",
            lambda r: f"{r.choice('1234567')}{digits(r, 2)} {digits(r, 3)} {digits(r, 3)}",
        ),
        s(
            "pii.br-cpf",
            "CPF",
            "cpf",
            "br.cpf",
            lambda r: f"{digits(r, 3)}.{digits(r, 3)}.{digits(r, 3)}-{digits(r, 2)}",
        ),
        s(
            "pii.br-cnpj",
            "CNPJ",
            "cnpj",
            "br.cnpj",
            lambda r: f"{digits(r, 2)}.{digits(r, 3)}.{digits(r, 3)}/0001-{digits(r, 2)}",
        ),
        s(
            "pii.mx-curp",
            "CURP",
            "curp",
            "mx.curp",
            lambda r: (
                letters(r, 4)
                + yymmdd(r)
                + r.choice("HM")
                + r.choice(["DF", "JC", "NL", "MC"])
                + letters(r, 3, "BCDFGHJKLMNPQRSTVWXYZ")
                + r.choice(D)
                + r.choice(D)
            ),
        ),
        s(
            "pii.cl-rut",
            "RUT",
            "rut",
            "cl.rut",
            lambda r: f"{r.randint(5, 25)}.{digits(r, 3)}.{digits(r, 3)}-{r.choice(D + 'K')}",
        ),
        s(
            "pii.ar-cuit",
            "CUIT",
            "cuit",
            "ar.cuit",
            lambda r: f"{r.choice(['20', '23', '27', '30'])}-{digits(r, 8)}-{r.choice(D)}",
        ),
        s(
            "pii.za-identity-number",
            "ID number",
            "id_number",
            "za.idnr",
            lambda r: yymmdd(r) + digits(r, 4) + r.choice("01") + digits(r, 2),
        ),
        s(
            "pii.in-aadhaar",
            "Aadhaar",
            "aadhaar",
            "in_.aadhaar",
            lambda r: f"{r.choice('23456789')}{digits(r, 3)} {digits(r, 4)} {digits(r, 4)}",
        ),
        s(
            "pii.in-pan",
            "PAN",
            "pan",
            "in_.pan",
            lambda r: (
                letters(r, 3)
                + r.choice("ABCFGHLJPTQ")
                + letters(r, 1)
                + digits(r, 4)
                + letters(r, 1)
            ),
        ),
        s(
            "pii.cn-resident-id",
            "resident id",
            "resident_id",
            "cn.ric",
            lambda r: (
                r.choice(["110101", "110105", "310101", "440103"])
                + birth(r).strftime("%Y%m%d")
                + digits(r, 3)
                + r.choice(D + "X")
            ),
        ),
        g("pii.sg-nric", "NRIC", "nric", nric),
        s(
            "pii.au-tfn",
            "TFN",
            "tfn",
            "au.tfn",
            lambda r: f"{digits(r, 3)} {digits(r, 3)} {digits(r, 3)}",
        ),
        s(
            "pii.au-abn",
            "ABN",
            "abn",
            "au.abn",
            lambda r: (
                f"{r.choice('123456789')}{digits(r, 1)} "
                f"{digits(r, 3)} {digits(r, 3)} {digits(r, 3)}"
            ),
        ),
        s(
            "pii.kr-rrn",
            "resident registration number",
            "rrn",
            "kr.rrn",
            lambda r: yymmdd(r) + "-" + r.choice("1234") + digits(r, 6),
        ),
        s("pii.jp-my-number", "My Number", "my_number", "jp.in_", lambda r: digits(r, 12)),
        s(
            "pii.il-identity-number",
            "teudat zehut",
            "teudat_zehut",
            "il.idnr",
            lambda r: digits(r, 9),
        ),
        g("pii.date-of-birth", "date of birth", "date_of_birth", dob),
        g("pii.vehicle-identification-number", "VIN", "vin", vin),
        g("pii.geo-coordinates", "location", "gps", geo),
        g("pii.icd10-diagnosis-code", "diagnosis", "diagnosis_code", icd),
        g("pii.passport-mrz", "MRZ", "mrz", mrz),
    ]


SENTENCES = [
    "My {label} is {value}.",
    "Please update the {label} on file to {value} before Friday.",
    "{label}: {value}",
    "Customer called; verified {label} {value} and closed the ticket.",
]
LOGS = [
    "2024-05-01T12:00:{sec:02d}Z INFO api request_id={rid} {key}={value} status=200",
    '{{"ts": "2024-05-01T12:00:{sec:02d}Z", "level": "warn", "{key}": "{value}", "msg": "lookup"}}',
    "May  1 12:00:{sec:02d} app[{pid}]: user lookup {key}={value} took 12ms",
]
BENIGN = [
    "2024-05-01T12:00:{sec:02d}Z INFO GET /api/v2/orders/{rid} 200 1532 bytes in {ms}ms",
    "build {rid} finished in {ms}.{sec} seconds (version 4.{sec}.{ms})",
    "order #{rid} total $ {ms}.{sec:02d} shipped via UPS tracking 1Z{rid}",
    "commit {hash} merged into main by the release bot",
    "request_id={uuid} latency_ms={ms} retries=0 region=eu-west-1",
    "Invoice {rid}-{ms} due 2024-06-{day:02d}; amount 1,{ms}.00 EUR",
    "temperature 23.{sec} C, humidity {ms} %, sensor {rid}",
    "The meeting moved to room {ms}; call extension {sec} if lost.",
]


def build(seed: int = 1, per_type: int = 8) -> list[Sample]:
    """per_type valid and per_type invalid values of every type in each setting, and
    benign lines; deterministic for a seed."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    for entity in types():
        for setting in ("sentence", "log", "cell"):
            for kind in ("valid", "invalid"):
                for _ in range(per_type):
                    value = (entity.valid if kind == "valid" else entity.invalid)(rng)
                    text = render(rng, setting, entity, value)
                    label = entity.rule_id if kind == "valid" else None
                    samples.append(Sample(text, setting, entity.column, label, value, kind))
    for _ in range(per_type * 60):
        template = rng.choice(BENIGN)
        text = template.format(
            sec=rng.randint(0, 59), rid=rng.randint(10_000, 99_999_999), ms=rng.randint(1, 999),
            hash=rng.randbytes(20).hex(), uuid=f"{rng.randbytes(16).hex()}", day=rng.randint(1, 28),
        )  # fmt: skip
        samples.append(Sample(text, "log", "", None, "", "benign"))
    return samples


def render(rng: random.Random, setting: str, entity: EntityType, value: str) -> str:
    if setting == "sentence":
        return rng.choice(SENTENCES).format(label=entity.label, value=value)
    if setting == "log":
        return rng.choice(LOGS).format(
            sec=rng.randint(0, 59),
            rid=rng.randint(1000, 9999),
            pid=rng.randint(100, 999),
            key=entity.column,
            value=value,
        )
    return value
