"""`redact --strategy synthetic`: realistic fakes of the same kind, the same for the same
value and key (joins survive), other fakes under another key; and the fakes pass the
detectors of their kind, so the copy stays usable as test data."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests import pii_samples
from tests.conftest import RunPolicyctl
from tests.redact_samples import OTHER_REDACT_KEY, REDACT_KEY

KEY = {"POLICYCTL_REDACT_KEY": REDACT_KEY}
OTHER_KEY = {"POLICYCTL_REDACT_KEY": OTHER_REDACT_KEY}
HEADER = ["first_name", "surname", "city", "email", "phone", "card", "iban"]
COLUMNS = ["first_name", "surname", "city", "email"]


PEOPLE = [
    ("Maria", "Garcia", "Springfield"),
    ("James", "Smith", "Riverside"),
    ("Linda", "Johnson", "Fairview"),
    ("Robert", "Brown", "Madison"),
    ("Patricia", "Miller", "Salem"),
    ("David", "Wilson", "Clinton"),
]


def table(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, person in enumerate(PEOPLE):
            fixed = [pii_samples.phone(), pii_samples.card(), pii_samples.iban()]
            writer.writerow([*person, pii_samples.email(n), *fixed])
    return path


def redact(run: RunPolicyctl, source: Path, out: Path, env: dict[str, str]) -> list[list[str]]:
    columns = [option for name in COLUMNS for option in ("--columns", f"{name}=synthetic")]
    result = run("redact", source, "-s", "synthetic", *columns, "-o", out, "--force", env=env)
    assert result.code == 0, result.err
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_every_value_becomes_a_fake_the_same_for_the_same_value_and_key(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    source = table(tmp_path / "people.csv")
    original = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    first = redact(run_policyctl, source, tmp_path / "a.csv", KEY)
    again = redact(run_policyctl, source, tmp_path / "b.csv", KEY)
    assert first == again
    assert first[0] == HEADER
    for before, after in zip(original[1:], first[1:], strict=True):
        assert all(b != a for b, a in zip(before, after, strict=True)), (before, after)
    # the same phone number in two rows: the same fake, so a join on it still works
    assert first[1][4] == first[2][4]


def test_another_key_gives_other_fakes(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    source = table(tmp_path / "people.csv")
    one = redact(policyctl_in_process, source, tmp_path / "a.csv", KEY)
    other = redact(policyctl_in_process, source, tmp_path / "b.csv", OTHER_KEY)
    for row, other_row in zip(one[1:], other[1:], strict=True):
        assert row != other_row
        assert row[3:] != other_row[3:]  # e-mail, phone, card, IBAN: each its own fake
        assert all(a != b for a, b in zip(row[3:], other_row[3:], strict=True))


def test_the_fakes_pass_the_detectors_of_their_kind(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    source = table(tmp_path / "people.csv")
    fake = tmp_path / "fake.csv"
    redacted = redact(policyctl_in_process, source, fake, KEY)
    assert redacted[1][0][0].isupper() and redacted[1][0].isalpha()  # a name, capitalised
    result = policyctl_in_process("scan", fake, "-f", "json", "--no-audit", "--per-cell")
    report: dict[str, Any] = result.json()
    found = {(f["location"]["field"], f["rule_id"], f.get("validated")) for f in report["findings"]}
    assert {
        ("phone", "pii.phone-number", True),  # valid by libphonenumber's metadata
        ("card", "pii.payment-card-number", True),  # a known issuer, Luhn
        ("iban", "pii.iban", True),  # MOD 97-10
    } <= found
    kinds = {f for f, rule, _ in found if rule in ("pii.person-name", "pii.city")}
    assert {"first_name", "surname", "city"} <= kinds  # Faker's names and towns


def test_the_fakes_of_a_log_keep_the_line_around_them(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    log = tmp_path / "app.log"
    log.write_text(f"payment card={pii_samples.card()} ok\n")
    out = tmp_path / "app.redacted.log"
    result = policyctl_in_process("redact", log, "-s", "synthetic", "-o", out, env=KEY)
    assert result.code == 0, result.err
    text = out.read_text()
    assert text.startswith("payment card=") and text.endswith(" ok\n")
    fake = text.removeprefix("payment card=").removesuffix(" ok\n")
    assert fake != pii_samples.card() and len(fake) == len(pii_samples.card())


def test_synthetic_needs_the_redaction_key(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    source = table(tmp_path / "people.csv")
    result = policyctl_in_process(
        "redact",
        source,
        "-s",
        "synthetic",
        "-o",
        tmp_path / "x.csv",
        env={"POLICYCTL_REDACT_KEY": ""},
    )
    assert result.code == 2
    assert "POLICYCTL_REDACT_KEY is not set: the synthetic strategy needs" in result.err
