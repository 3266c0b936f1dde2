"""The synthetic strategy's fakes: deterministic per key, of the value's kind and shape."""

from __future__ import annotations

import pytest

from policyctl.redaction.synthetic import synthetic
from policyctl.validators import get_validator
from tests import pii_samples

pytest.importorskip("faker")

KEY, OTHER = b"k" * 32, b"o" * 32


def test_the_same_value_and_key_give_the_same_fake_and_another_key_another() -> None:
    made = synthetic("Maria Garcia", "pii.person-name", None, KEY)
    assert made == synthetic("Maria Garcia", "pii.person-name", None, KEY)
    assert made != synthetic("Maria Garcia", "pii.person-name", None, OTHER)
    assert made is not None and len(made.split()) == 2


def test_a_name_keeps_its_case_and_its_number_of_words() -> None:
    made = synthetic("GARCIA", "pii.person-name", None, KEY)
    assert made is not None and made.isupper() and " " not in made


@pytest.mark.parametrize(
    ("value", "rule", "validator", "prefix"),
    [
        (pii_samples.phone(), "pii.phone-number", "phone_number", "(2"),
        ("+44 20 7946" + " 0958", "pii.phone-number", "phone_number", "+44 2"),
        (pii_samples.iban(), "pii.iban", "iban", "GB"),
        (pii_samples.card(), "pii.payment-card-number", "payment_card", ""),
    ],
)
def test_an_identifier_keeps_its_shape_and_passes_its_validator(
    value: str, rule: str, validator: str, prefix: str
) -> None:
    made = synthetic(value, rule, validator, KEY)
    check = get_validator(validator)
    assert made is not None and check is not None
    assert made != value and check(made)
    assert made.startswith(prefix)
    assert [c.isdigit() for c in made] == [c.isdigit() for c in value]
