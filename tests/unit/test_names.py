"""The value and header tests behind the name and address column rules."""

from __future__ import annotations

import pytest

from policyctl.detection.names import (
    CITY,
    ORGANISATION,
    PERSON_NAME,
    STREET_ADDRESS,
    header_rule,
    header_words,
    judge_column,
)
from policyctl.sources.tabular import sniff_layout
from policyctl.validators.names import known_name, organisation, us_street_address

ALL = frozenset({PERSON_NAME, STREET_ADDRESS, CITY, ORGANISATION})


@pytest.mark.parametrize(
    ("column", "words"),
    [
        ("$.patient.lastName", ("last", "name")),
        ("Last Names", ("last", "name")),
        ("name2", ("name", "2")),
        ("first_name", ("first", "name")),
    ],
)
def test_header_words_split_case_separators_and_digits(column: str, words: tuple[str, ...]) -> None:
    assert header_words(column) == words


@pytest.mark.parametrize(
    ("column", "rule"),
    [
        ("first_name", PERSON_NAME),
        ("Surname", PERSON_NAME),
        ("patientName", PERSON_NAME),
        ("company_name", ORGANISATION),
        ("employer", ORGANISATION),
        ("address_line_1", STREET_ADDRESS),
        ("email_address", None),
        ("ip_address", None),
        ("city", CITY),
        ("ethnicity", None),
        ("velocity", None),
        ("file_name", None),
        ("username", None),
        ("company_id", None),
    ],
)
def test_a_header_names_a_column_rule_only_in_whole_words(column: str, rule: str | None) -> None:
    assert header_rule(header_words(column)) == rule


def test_a_known_name_is_a_known_given_name_then_a_known_surname() -> None:
    assert known_name("Maria Garcia")
    assert known_name("GARCIA, MARIA")
    assert known_name("John Q. Public") is False  # Public is no surname on the list
    assert known_name("John Q. Smith")
    assert known_name("Jordan") is False  # one word: a country, a brand, a name
    assert known_name("General Electric") is False


def test_a_us_street_address_ends_in_a_usps_suffix() -> None:
    assert us_street_address("1600 Pennsylvania Ave NW")
    assert us_street_address("12 Oak Street, Apt 4")
    assert us_street_address("221B Baker St.")
    assert not us_street_address("12 Oak Tree")
    assert not us_street_address("Oak Street")


def test_an_organisation_ends_in_a_legal_form() -> None:
    assert organisation("Acme Widgets, Inc.")
    assert organisation("Müller GmbH")
    assert not organisation("Inc")
    assert not organisation("Acme Widgets")


def test_a_category_column_is_never_judged_whatever_its_header() -> None:
    assert judge_column("city", ["yes", "no"] * 20, ALL) is None
    assert judge_column("city", ["Salem", "Fairview", "Madison", "Clinton", "Riverside"], ALL)


def test_a_first_row_of_column_labels_is_a_header_even_over_text_columns() -> None:
    sample = "name,city\nMaria Garcia,Springfield\nJames Smith,Riverside\n"
    assert sniff_layout(sample).has_header
    headerless = "Maria Garcia,Springfield\nJames Smith,Riverside\nLinda Johnson,Salem\n"
    assert not sniff_layout(headerless).has_header
