"""Every personal-data validator accepts known valid values and rejects known invalid ones.

Valid values are the specimens published with each identifier (issuer documentation,
standards, the examples in their specifications) or were worked out by hand from the
published algorithm; invalid ones break exactly one rule (a check digit, a range, a
date). Values are written in pieces joined at run time, so that this file does not
hold identifiers a scan of the repository would report.
"""

from __future__ import annotations

import pytest

from policyctl.validators import (
    VALIDATORS,
    americas,
    asia_pacific,
    contact,
    europe,
    financial,
    network,
    records,
    us_ids,
)
from policyctl.validators.financial import keccak256


def j(*parts: str) -> str:
    """Join the pieces of a test value."""
    return "".join(parts)


VALID: dict[str, list[str]] = {
    # contact and network
    "email": [j("jane.doe", "@example.com"), j("o'neil+tag", "@mail.co.uk")],
    "phone_number": [
        j("+1 202 456", " 1111"),
        j("(212) 736", "-5000"),
        j("+44 20 7946", " 0958"),
        j("020 7946", " 0958"),
        j("+49 3", "0 901820"),
        j("98765 ", "43210"),
        j("(268) 460", "-1234"),  # Antigua and Barbuda, country code 1
        j("083 564 ", "9312"),  # written 3-3-4, but with a trunk 0: a national number
    ],
    "ipv4_public": [j("8.8.", "8.8"), j("81.2.69", ".160")],
    "ipv6_public": [j("2001:4860:4860", "::8888"), j("2606:4700:4700", "::1111")],
    "mac_address": [
        j("00:1A:2B", ":3C:4D:5E"),
        j("3c-22-fb", "-7a-10-9e"),
        j("0011.22", "33.4455"),
    ],
    # financial: card-scheme test numbers, ISO/ECBS and BIP/EIP specification examples
    "payment_card": [
        j("4111 1111", " 1111 1111"),
        j("5500 0000", " 0000 0004"),
        j("3400 000000", " 00009"),
        j("6011 0009", " 9013 9424"),
        j("6759 4111", " 0008"),  # 12-digit Maestro, its own issuer prefix
        j("2131 7300", " 1234 564"),  # 15-digit JCB
    ],
    "card_track_data": [j("%B4111111111111111", "^DOE/JOHN^27121010000000?")],
    "iban": [j("GB82 WEST 1234", " 5698 7654 32"), j("DE89 3704 0044", " 0532 0130 00")],
    "swift_bic": [j("DEUT", "DEFF"), j("NEDS", "ZAJJXXX")],
    "aba_routing": [j("0210", "00021"), j("0110", "00015")],
    "bitcoin_address": [
        j("1A1zP1eP5QGefi2DMPTf", "TL5SLmv7DivfNa"),
        j("3J98t1WpEZ73CNmQvie", "crnyiWrnqRhWNLy"),
        j("bc1qw508d6qejxtdg4y5r3z", "arvary0c5xw7kv8f3t4"),
        j("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h", "8z3k2e72q4k9hcz7vqzk5jj0"),
    ],
    "ethereum_address": [
        j("0x5aAeb6053F3E94C9b9A0", "9f33669435E7Ef1BeAed"),
        j("0xfB6916095ca1df60bB79C", "e92cE3Ea74c37c5d359"),
        j("0xfb6916095ca1df60bb79c", "e92ce3ea74c37c5d359"),
    ],
    # United States
    "us_ssn": [j("536-22", "-8726"), j("412 39", " 0044"), j("5362", "28726")],
    "us_itin": [j("912-70", "-1234"), j("944-94", "-5678"), j("900-50", "-1234")],
    "us_ein": [j("12-34", "56789"), j("27-12", "34567")],
    "us_mbi": [j("1EG4-TE5", "-MK73"), j("1EG4TE5", "MK73")],
    "us_npi": [j("12345", "67893")],
    "us_dea": [j("AB12", "34563"), j("FN56", "23740")],
    # Europe
    "uk_nino": [j("AB 12 34", " 56 C"), j("JG103", "759A")],
    "uk_nhs": [j("943 476", " 5919")],
    "es_dni": [j("1234", "5678Z")],
    "es_nie": [j("X123", "4567L")],
    "it_fiscal_code": [j("RSSMRA85", "T10A562S")],
    "fr_nir": [j("2 69 05 49", " 588 157 80")],
    "de_tax_id": [j("860957", "42719")],
    "de_vat_id": [j("DE1366", "95976")],
    "de_id_card": [j("T22000", "1293")],
    "de_passport": [j("C01X0", "0T47")],
    "de_health_insurance": [j("A12345", "6780")],
    "de_pension_number": [j("15070649", "C103")],
    "nl_bsn": [j("1112", "22333"), j("1234", "56782")],
    "be_national_number": [j("85.07.30", "-033.28")],
    "pl_pesel": [j("440514", "01359")],
    "se_personnummer": [j("811228", "-9874")],
    "fi_hetu": [j("131052", "-308T"), j("131052", "-9085")],
    "no_birth_number": [j("150765", "00565")],
    "dk_cpr": [j("070761", "-4285")],
    "pt_nif": [j("1234", "56789")],
    "ie_ppsn": [j("12345", "67T"), j("12345", "67FA")],
    "ch_ahv": [j("756.1234", ".5678.97")],
    "tr_identity": [j("100000", "00146")],
    "il_identity": [j("0393", "37423")],
    "eu_vat_id": [
        j("FR40", "303265045"),
        j("NL0044", "95445B01"),
        j("IT0074", "3110157"),
        j("ATU13", "585627"),
        j("BE04", "03019261"),
        j("DK13", "585628"),
        j("FI20", "774740"),
        j("PL85", "67346215"),
        j("PT50", "1964843"),
        j("SE5561", "88840401"),
        # invoices' spellings: a colon or a dash after the prefix, a lower-case prefix
        # where a check digit confirms the number, old Belgian (9) and Greek (8) digits,
        # a Dutch number without its leading zeros
        j("IT: 0233", "1250163"),
        j("ES - Q08", "18001J"),
        j("fr 7138", "3076817"),
        j("BE 444.5", "03.092"),
        j("BE (0)468", ".561.072"),
        j("EL 9405", "1189"),
        j("EL: 0942", "79805"),
        j("RO 185 4", "72 90"),
        j("NL44954", "45B01"),
        j("NL.8143.26", ".584.B.01"),
        j("SI50", "223054"),
        j("LU15", "027442"),
    ],
    # Americas
    "ca_sin": [j("130 692", " 544")],
    "br_cpf": [j("529.982", ".247-25")],
    "br_cnpj": [j("11.222.333", "/0001-81")],
    "mx_curp": [j("HEGG5604", "27MVZRRL04")],
    "cl_rut": [j("12.345", ".678-5")],
    "ar_cuit": [j("20-1234", "5678-6")],
    # Africa, Asia and Oceania
    "za_identity": [j("800101", "5009087")],
    "in_aadhaar": [j("2341 2341", " 2346"), j("4991 1866", " 5246")],
    "in_pan": [j("ABCPE", "1234F")],
    "cn_resident_id": [j("11010519", "491231002X")],
    "sg_nric": [j("S1234", "567D"), j("T1234", "567J"), j("F1234", "567N"), j("G1234", "567X")],
    "au_tfn": [j("123 456", " 782")],
    "au_abn": [j("51 824", " 753 556")],
    "au_medicare": [j("2123 456", "70 1")],
    "kr_rrn": [j("971013", "-9019902")],
    "jp_my_number": [j("1234567", "89018")],
    # records
    "date_of_birth": [j("1985-03", "-14"), j("14/03", "/1985"), j("March 14,", " 1985")],
    "vin": [j("1M8GDM9AXK", "P042788"), j("1HGCM8263", "3A004352")],
    "geo_coordinates": [j("40.748817,", " -73.985428"), j("51.50722", ",-0.12750")],
    "icd10_code": [j("E1", "1.9"), j("J4", "5.909"), j("U0", "7.1")],
    "passport_mrz": [j("L898902C36UTO7408122F120", "4159ZE184226B<<<<<10")],
    # added with issue 17: specimens the issuers publish (ASIC's ACN, DVLA's licence,
    # Royal Mail's postcodes) or check characters worked out from the published method
    "au_acn": [j("004 085", " 616"), j("123456", "780")],
    "in_gstin": [j("33AAGPS4567", "K2Z8"), j("29AABCT1332", "L1ZA")],
    "in_vehicle_registration": [
        j("MH 12 ", "AB 1234"),
        j("DL3C", "AB1234"),
        j("22 BH ", "1234 AA"),
    ],
    "in_epic": [j("ABC12", "34566"), j("XYZ76", "54320")],
    "kr_brn": [j("220-88", "-12340"), j("101810", "0001")],
    "kr_frn": [j("850315", "-5123458"), j("020101", "7123456")],
    "kr_driving_licence": [j("11-85-", "123456-78"), j("28021", "2345678")],
    "sg_uen": [j("53012", "345B"), j("2019123", "45R"), j("T09LL", "0001D")],
    "th_national_id": [j("1-1017-", "00123-45-6"), j("51234567", "89017")],
    "de_lanr": [j("123456", "601"), j("234567", "714")],
    "de_bsnr": [j("381234", "500")],
    "de_postcode": [j("803", "31"), j("D-10", "115"), j("010", "67")],
    "de_tax_number": [j("181/815", "/08155"), j("93815/", "08152"), j("918108", "1508155")],
    "de_commercial_register": [j("HRB ", "123456"), j("HRA", "4711 B"), j("GnR ", "12")],
    "de_vehicle_registration": [j("M-AB ", "1234"), j("B MW ", "123E"), j("HH-X ", "1")],
    "se_organisation_number": [j("212000", "-0142"), j("802479", "1132")],
    "uk_postcode": [j("SW1A ", "2AA"), j("M1 ", "1AE"), j("GIR ", "0AA"), j("EC1A ", "1BB")],
    "uk_vehicle_registration": [j("BD51 ", "SMR"), j("LV24", "HKT")],
    "uk_driving_licence": [j("MORGA6570", "54SM9IJ"), j("JONES7102", "38J99AB")],
    "tr_licence_plate": [j("34 ", "ABC 123"), j("06 A ", "1234"), j("81AB", "123")],
    "date_or_time": [
        j("14/03/", "2024"),
        j("March 14, ", "2024"),
        j("10:30 ", "pm"),
        j("2024", "-02-29"),
    ],
    "web_address": [
        j("https://shop.acme", "-widgets.co.uk/a"),
        j("www.jane", "doe.net"),
        j("http://8.8.", "4.4/"),
    ],
    "national_mobile": [j("0917 123", " 4567"), j("0532 123", " 45 67"), j("07400 ", "123456")],
    "phone_number_national": [j("020 7946", " 0958"), j("030 90", "1820")],
    "ip_internal": [
        j("192.168", ".1.23"),
        j("10.0", ".0.1"),
        j("100.64", ".3.9"),
        j("fe80::1ff:", "fe23:4567:890a"),
    ],
    "ip_address_alone": [
        j("192.168", ".0.1"),
        j("684D:1111:222:3333:", "4444:5555:6:77"),
        j("fd12:3456:789a", "::1"),
        j("169.254", ".1.1"),
        j("10.20.30", ".40:8080"),
        j("[fd12:3456:789a", "::1]:443"),
        j("10.0.0", ".0/8"),
    ],
    "date_or_time_alone": [
        "13:45",
        j("2020-12-05 ", "10:30:00"),
        j("5/12/", "20"),
        j("12/", "2020"),
        "Jan-2020",
        "1st of May",
    ],
    "domain_name_alone": [j("microsoft", ".com"), j("news.bbc", ".co.uk")],
    "phone_number_national_alone": [
        j("030 123", "4567"),
        j("09-762-", "5400"),
        j("(11) 98456", "-5666"),
        j("020 7946", " 0958"),
        j("02 1234 ", "5678"),  # Italy: no trunk prefix, its numbers start with 0
        j("0590 27 ", "12 34"),  # Guadeloupe: every region's layout is tried
    ],
    # libphonenumber's example numbers, as it formats them nationally
    "phone_number_in_some_region": [
        j("600 21", "2345"),  # Gibraltar
        j("912 ", "345"),  # Andorra
        j("810 12 ", "34 56"),  # Spain
        j("8 (301) 123", "-45-67"),  # Russia
        j("200 123 ", "4567"),  # Mexico
        j("(11) 2345", "-6789"),  # Brazil
    ],
}

INVALID: dict[str, list[str]] = {
    "email": ["a@b", j("x@", "-bad.com"), j("a..b", "@x.com"), j("a@x", ".c")],
    "phone_number": [
        j("555-555", "-5555"),
        j("123-456", "-7890"),
        j("+1 123", " 456 7890"),
        "12345",
    ],
    "ipv4_public": [
        j("10.0", ".0.1"),
        j("192.168", ".1.1"),
        j("127.0", ".0.1"),
        j("198.51", ".100.23"),
    ],
    "ipv6_public": [j("fe80", "::1"), j("2001:db8", "::1"), "::1", j("fd00", "::1")],
    "mac_address": [
        j("ff:ff:ff", ":ff:ff:ff"),
        j("00:1A-2B", ":3C:4D:5E"),
        j("00:00:00", ":00:00:00"),
    ],
    "payment_card": [
        j("4111 1111", " 1111 1112"),
        j("1234 5678", " 9012 3456"),
        j("0000 0000", " 0000 0000"),
        j("5641 7300", " 1236"),  # Luhn passes, but 12 digits need a Maestro prefix
        j("2131 7300", " 1234 565"),
        # Luhn and issuer hold, but the groups are no card's (sizes and a time stamp)
        j("6011 0009", " 1234567124"),
        j("60110009", " 1234 5671 24"),
    ],
    "card_track_data": [
        j(";411111111111", "1111=27131010000?"),
        j(";4111111111111112", "=2712101?"),
    ],
    "iban": [
        j("GB82 WEST 1234", " 5698 7654 33"),
        j("GB82 WEST 1234", " 5698 7654 3"),
        j("XX82 WEST 1234", " 5698 7654 32"),
    ],
    "swift_bic": [j("DEUT", "XXFF"), j("DEUT", "12FF"), j("DEUT", "DE")],
    "aba_routing": [j("0210", "00022"), j("9910", "00021")],
    "bitcoin_address": [
        j("1A1zP1eP5QGefi2DMPTf", "TL5SLmv7DivfNb"),
        j("bc1qw508d6qejxtdg4y5r3z", "arvary0c5xw7kv8f3t5"),
    ],
    "ethereum_address": [j("0x5aAeb6053F3E94C9b9A0", "9f33669435E7Ef1BeAeD"), "0x" + "0" * 40],
    "us_ssn": [
        j("078-05", "-1120"),
        j("666-12", "-3456"),
        j("000-12", "-3456"),
        j("536-00", "-8726"),
        j("536-22", "-0000"),
        j("901-23", "-4567"),
        j("536-22", " 8726"),
    ],
    "us_itin": [j("912-93", "-1234"), j("812-70", "-1234")],
    "us_ein": [j("07-12", "34567"), j("00-00", "00000")],
    "us_mbi": [j("1SG4-TE5", "-MK73"), j("0EG4TE5", "MK73"), j("1EG4TE5", "MK7A")],
    "us_npi": [j("12345", "67890"), j("32345", "67893")],
    "us_dea": [j("AB12", "34564"), j("ZB12", "34563")],
    "uk_nino": [j("QQ 12 34", " 56 C"), j("GB 12 34", " 56 A"), j("AB 12 34", " 56 E")],
    "uk_nhs": [j("943 476", " 5918"), j("000 000", " 0000")],
    "es_dni": [j("1234", "5678A")],
    "es_nie": [j("X123", "4567M")],
    "it_fiscal_code": [j("RSSMRA85", "T10A562T"), j("RSSMRA85", "T99A562S")],
    "fr_nir": [j("2 69 05 49", " 588 157 81")],
    "de_tax_id": [j("860957", "42710"), j("111111", "11111")],
    "de_vat_id": [j("DE1366", "95977")],
    "de_id_card": [j("T22000", "1294")],
    "de_passport": [j("CAB12", "3456"), j("A01X0", "0T47")],
    "de_health_insurance": [j("A12345", "6781")],
    "de_pension_number": [j("15070649", "C104"), j("15310649", "C103")],
    "nl_bsn": [j("1112", "22334")],
    "be_national_number": [j("85.07.30", "-033.29")],
    "pl_pesel": [j("440514", "01358"), j("441354", "01359")],
    "se_personnummer": [j("811228", "-9873"), j("811328", "-9874")],
    "fi_hetu": [j("131052", "-308U"), j("131352", "-308T"), j("131052", "-001W")],
    "no_birth_number": [j("150765", "00566")],
    "dk_cpr": [j("320161", "-4285"), j("071361", "-4285")],
    "pt_nif": [j("1234", "56780"), j("4234", "56789")],
    "ie_ppsn": [j("12345", "67A")],
    "ch_ahv": [j("756.1234", ".5678.98"), j("757.1234", ".5678.97")],
    "tr_identity": [j("100000", "00147"), j("000000", "00146")],
    "il_identity": [j("0393", "37424")],
    "eu_vat_id": [
        j("FR40", "303265046"),
        j("DK13", "585627"),
        j("NL0044", "95446B01"),
        j("XX12", "3456789"),
        j("hu 1234", "5678"),  # no check digit: a lower-case prefix is not enough
        j("EL 0942", "79806"),
        j("RO 185 4", "72 91"),
        j("BE 444.5", "03.093"),
    ],
    "ca_sin": [j("130 692", " 545"), j("046 454", " 286")],
    "br_cpf": [j("529.982", ".247-26"), j("111.111", ".111-11"), j("52.99822", "4725")],
    # a longitude: the check digits hold, but one dot is a decimal point
    "br_cnpj": [j("11.222.333", "/0001-82"), j("11.2223330", "00181")],
    "mx_curp": [j("HEGG5604", "27MVZRRL05"), j("HEGG5613", "27MVZRRL04")],
    "cl_rut": [j("12.345", ".678-6")],
    "ar_cuit": [j("20-1234", "5678-7"), j("99-1234", "5678-6")],
    "za_identity": [j("800101", "5009088"), j("801301", "5009087")],
    "in_aadhaar": [j("2341 2341", " 2347"), j("1341 2341", " 2346")],
    "in_pan": [j("ABCQE", "1234F"), j("ABCPE", "0000F")],
    "cn_resident_id": [j("11010519", "4912310021"), j("11010519", "491331002X")],
    "sg_nric": [j("S1234", "567A"), j("A1234", "567D")],
    "au_tfn": [j("123 456", " 783")],
    "au_abn": [j("51 824", " 753 557")],
    "au_medicare": [j("2123 456", "71 1"), j("7123 456", "70 1")],
    "kr_rrn": [j("971013", "-9019903"), j("971313", "-9019902")],
    "jp_my_number": [j("1234567", "89019")],
    "date_of_birth": [
        j("2985-03", "-14"),
        j("31/02", "/1985"),
        j("Smarch 14,", " 1985"),
        j("1885-03", "-14"),
    ],
    "vin": [j("1M8GDM9A1K", "P042788"), "1" * 17, j("1M8GDM9AXK", "P04278")],
    "geo_coordinates": [
        j("40.7,", " -73.9"),
        j("95.12345,", " 10.12345"),
        j("0.00000,", " 0.00000"),
    ],
    "icd10_code": [j("E1", "X.0"), "E1", j("11", ".9")],
    "passport_mrz": [j("L898902C37UTO7408122F120", "4159ZE184226B<<<<<10")],
    # added with issue 17: each breaks one rule (check character, table, range, date)
    "au_acn": [j("004 085", " 617"), "0" * 9],
    "in_gstin": [j("33AAGPS4567", "K2Z9"), j("45AAGPS4567", "K2Z8"), j("33AAGQS4567", "K2Z8")],
    "in_vehicle_registration": [
        j("XX 12 ", "AB 1234"),
        j("MH 00 ", "AB 1234"),
        j("19 BH ", "1234 AA"),
    ],
    "in_epic": [j("ABC12", "34567"), j("AB123", "45666"), "ABC0000000"],
    "kr_brn": [j("220-88", "-12341"), j("099-88", "-12340"), j("220-00", "-12340")],
    "kr_frn": [j("850315", "-5123459"), j("850315", "-1123458"), j("851315", "-5123458")],
    "kr_driving_licence": [j("31-85-", "123456-78"), j("11-85-", "000000-78")],
    "sg_uen": [j("53012", "345C"), j("2019123", "45Q"), j("T09LL", "0001E")],
    "th_national_id": [j("1-1017-", "00123-45-7"), j("9-1017-", "00123-45-6")],
    "de_lanr": [j("123456", "701"), j("123456", "600"), "1" * 9],
    "de_bsnr": [j("001234", "500"), "5" * 9],
    "de_postcode": [j("001", "23"), j("432", "10"), j("010", "00")],
    "de_tax_number": [j("918118", "1508155"), j("12345", "678"), j("471108", "1508155")],
    "de_commercial_register": [j("HRB ", "0"), j("HRC ", "12345")],
    "de_vehicle_registration": [j("ABC-DE ", "12345"), j("ABC-DE ", "1234"), j("M-AB ", "0123")],
    "se_organisation_number": [j("212000", "-0143"), j("851212", "-0144")],
    "uk_postcode": [j("QQ1 ", "1AA"), j("SW1A ", "1CA"), j("A1 ", "1AA")],
    "uk_vehicle_registration": [j("ZZ51 ", "SMR"), j("BD99 ", "SMR"), j("BD51 ", "SQR")],
    "uk_driving_licence": [
        j("MORGA6573", "54SM9IJ"),
        j("MORGA6133", "54SM9IJ"),
        j("9ORGA6570", "54SM9IJ"),
    ],
    "tr_licence_plate": [j("34 A ", "12"), j("90 AB ", "123"), j("34 ABQ ", "12")],
    "date_or_time": [j("31/02/", "2024"), j("13:30 ", "pm"), j("2023", "-02-29")],
    "web_address": [
        j("https://example", ".com/docs"),
        j("http://local", "host:8080/"),
        j("http://10.0", ".0.1/"),
    ],
    "national_mobile": [j("0900 123", " 4567"), j("020 7946", " 0958"), j("+63 917 123", " 4567")],
    "phone_number_national": [j("0917 123", " 4567"), j("020 0000", " 0000")],
    "ip_internal": [
        j("8.8.", "8.8"),
        j("127.0", ".0.1"),
        j("192.168", ".01.1"),
        "::1",
        j("2001:db8", "::1"),
    ],
    "ip_address_alone": [
        j("8.8.", "8.8"),
        j("127.0", ".0.1"),
        "::",
        j("2001:db8", "::1"),
        "a::b",
        j("12:30", ":45"),
        j("224.0", ".0.1"),
        j("fd00:4040:0:72a8:0:b225:", "3914:0:1"),  # a ninth group, not a port
        j("10.0.0", ".1:99999"),
    ],
    "date_or_time_alone": ["24:00", j("31/06/", "20"), j("13/", "2020"), "Foo 2020", "June 32"],
    "domain_name_alone": [
        "setup.py",
        "README.md",
        j("example", ".com"),
        j("www.microsoft", ".com"),
        "10.0.0.1",
    ],
    "phone_number_in_some_region": [
        j("2024-03", "-01"),  # a date
        j("7123", "4567"),  # one run of digits: valid somewhere in most lengths
        j("(415) 867", "-5309"),  # pii.phone-number's
        j("030 12", "3456"),  # pii.phone-number-national's
        j("1 2 3 ", "4 5 6"),  # grouped as no region writes its numbers
        "12 34",
    ],
    "phone_number_national_alone": [
        j("(415) 867", "-5309"),
        j("0917 123", " 4567"),
        j("05.12.", "2020"),
        j("912 34 56", " 78"),
        j("01481 ", "2567"),  # valid in no region's plan as written
    ],
}

MODULES = (contact, network, financial, us_ids, americas, europe, asia_pacific, records)
PII_VALIDATORS = sorted(name for module in MODULES for name in module.VALIDATORS)


def cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name in sorted(table) for value in table[name]]


@pytest.mark.parametrize(("name", "value"), cases(VALID))
def test_validator_accepts_a_known_valid_value(name: str, value: str) -> None:
    assert VALIDATORS[name](value) is True


@pytest.mark.parametrize(("name", "value"), cases(INVALID))
def test_validator_rejects_a_known_invalid_value(name: str, value: str) -> None:
    assert VALIDATORS[name](value) is False


@pytest.mark.parametrize("name", PII_VALIDATORS)
def test_every_pii_validator_has_valid_and_invalid_cases(name: str) -> None:
    assert VALID.get(name) and INVALID.get(name)


def test_keccak256_is_ethereums_hash_not_sha3() -> None:
    # Keccak-256 of the empty string, as in the Ethereum yellow paper
    expected = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"").hex() == expected
