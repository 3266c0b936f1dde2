"""Personal-data samples for the redaction tests, assembled at run time.

The values are synthetic and assembled from pieces, so no file in this repository holds
one and `policyctl scan .` stays clean. The rules are a user's own rule file (the
`--rules` feature), written where a test needs it; their ids start with `sample.` so
they never collide with built-in rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests import fakes

EMAIL = "jane.doe" + "@" + "mailbox.org"
OTHER_EMAIL = "tom.o" + "@" + "corp-mail.net"
CARD = "4111 " + " ".join(["1111"] * 3)
"""A Luhn-valid test card number, written with spaces."""
ZIP = "9021" + "0"
DOB = "1985" + "-03-" + "14"
CUSTOMER = "CUST" + "-" + "482913"

SAMPLE_RULES = [
    {
        "id": "sample.customer-id",
        "category": "pii",
        "title": "Customer number",
        "severity": "medium",
        "data_class": "identity",
        "keywords": ["cust-"],
        "pattern": r"\bCUST-\d{6}\b",
        "examples": [f"customer {CUSTOMER}"],
        "negative_examples": ["CUST-12"],
    },
]

SAMPLE_RULE_IDS = tuple(rule["id"] for rule in SAMPLE_RULES)

PLANTED_RULE_IDS = (
    "pii.email-address",
    "pii.payment-card-number",
    "pii.us-zip-code",
    "pii.date-of-birth",
    *SAMPLE_RULE_IDS,
)
"""The rules that find the planted values: built-in PII rules, and a user's own rule
(the `--rules` feature) for the customer number, which no built-in rule knows."""


def write_sample_rules(folder: Path) -> Path:
    """Write the sample rules as a rule file in `folder`; returns its path."""
    path = folder / "sample-pii.yaml"
    path.write_text(yaml.safe_dump({"rules": SAMPLE_RULES}, sort_keys=False), encoding="utf-8")
    return path


REDACT_KEY = "k" * 8 + "-test-only-redaction-key-" + "0" * 8
OTHER_REDACT_KEY = "q" * 8 + "-another-redaction-key----" + "1" * 8


SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str]) -> str:
    """`template` with each {name} slot replaced by values[name]."""
    return SLOT.sub(lambda found: values[found.group(1)], template)


def changed_slots(template: str, copy: str) -> list[str]:
    """What each slot of `template` became in `copy`, after checking that everything
    outside the slots is byte-for-byte what the template says (AssertionError if not)."""
    literals = SLOT.split(template)[::2]
    pattern = "(.*?)".join(re.escape(literal) for literal in literals)
    found = re.fullmatch(pattern, copy, re.DOTALL)
    assert found is not None, "text outside the redacted values changed"
    return list(found.groups())


LOG_TEMPLATE = (
    "2024-05-01T10:00:00Z INFO login user={email} from web\n"
    "2024-05-01T10:00:01Z DEBUG cache warm, 42 entries\n"
    "2024-05-01T10:00:02Z WARN card {card} declined, zip: {zip}, dob: {dob}\n"
    "2024-05-01T10:00:03Z INFO customer {customer} wrote to {other}\n"
    'aws_secret_access_key = "{aws}"\n'
    "2024-05-01T10:00:04Z INFO done\n"
)
"""A log line by line, with a slot for each sensitive value."""

LOG_VALUES = {
    "email": EMAIL,
    "card": CARD,
    "zip": ZIP,
    "dob": DOB,
    "customer": CUSTOMER,
    "other": OTHER_EMAIL,
    "aws": fakes.aws_secret_access_key(seed="redact"),
}


def stand_ins(copy: str, template: str = LOG_TEMPLATE) -> dict[str, str]:
    """What each slot's value became in the redacted `copy` (see changed_slots)."""
    return dict(zip(SLOT.findall(template), changed_slots(template, copy), strict=True))


def all_masked(template: str = LOG_TEMPLATE, values: dict[str, str] = LOG_VALUES) -> dict[str, str]:
    """Every slot masked with its length kept: what the default strategy gives."""
    return {name: "*" * len(values[name]) for name in SLOT.findall(template)}
