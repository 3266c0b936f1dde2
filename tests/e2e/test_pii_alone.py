"""A value that is all there is on a line of a log is a record of it: private and
reserved IP addresses, phone numbers in national format, bare domain names and the
shorter forms of dates and times are reported there (pii.ip-address-alone,
pii.phone-number-national-alone, pii.domain-name-alone, pii.date-time-alone), and not
inside a line of other words, nor as a JSON record's value or a table cell, where a
context word or the column name decides. Dates that are versions and documentation in
a service description read as a log are not dates of anyone's.

The digits of an identifier with a strong check count the line alone as their context
word (`context: alone: true`): an ABN, a Korean RRN, a PESEL, a Steuer-ID, a Belgian
national number (a random number passes one in 40 or fewer), and twelve digits with
Aadhaar's Verhoeff check (one in ten, at a length few other numbers have).

Values are written in pieces so that no file here holds one whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl


def j(*parts: str) -> str:
    return "".join(parts)


def scan(
    run: RunPolicyctl, folder: Path, text: str, name: str = "a.log"
) -> list[dict[str, object]]:
    (folder / name).write_text(text, encoding="utf-8")
    found = run("scan", name, "-f", "json", "--no-progress", "--per-cell", cwd=folder)
    findings: list[dict[str, object]] = found.json()["findings"]
    return findings


def rules_by_line(findings: list[dict[str, object]]) -> dict[int, list[str]]:
    by_line: dict[int, list[str]] = {}
    for finding in findings:
        line = finding["location"]["line"]  # type: ignore[index]
        by_line.setdefault(line, []).append(str(finding["rule_id"]))
    return by_line


ALONE = [
    (j("192.168", ".0.1"), "pii.ip-address-alone"),
    (j("10.20.30", ".40:8080"), "pii.ip-address-alone"),
    (j("684D:1111:222:3333:", "4444:5555:6:77"), "pii.ip-address-alone"),
    (j("[fd12:3456:789a", "::1]:443"), "pii.ip-address-alone"),
    (j("030 123", "4567"), "pii.phone-number-national-alone"),
    (j("09-762-", "5400"), "pii.phone-number-national-alone"),
    (j("(11) 98456", "-5666"), "pii.phone-number-national-alone"),
    ("13:45", "pii.date-time-alone"),
    (j("2020-12-05 ", "10:30:00"), "pii.date-time-alone"),
    (j("5/12/", "20"), "pii.date-time-alone"),
    ("Jan-2020", "pii.date-time-alone"),
    (j("1st of January ", "2020"), "pii.date-time"),
    (j("01-Jan-", "2020"), "pii.date-time"),
    (j("microsoft", ".com"), "pii.domain-name-alone"),
    (j("www.microsoft", ".com"), "pii.url"),
    # digits alone with a strong check
    (j("518247", "53556"), "pii.au-abn-digits"),
    (j("900101", "1234568"), "pii.kr-rrn-digits"),
    (j("440514", "01359"), "pii.pl-pesel"),
    (j("659299", "70489"), "pii.de-tax-id"),
    (j("850730", "03328"), "pii.be-national-number"),
    (j("499118", "665246"), "pii.in-aadhaar-digits"),
    # public IPv6 addresses on consecutive lines: each one, not every other one
    (j("2a00:1450:4001:", "81c::200e"), "pii.ipv6-address"),
    (j("2a00:1450:4001:", "81c::200f"), "pii.ipv6-address"),
]


def test_each_value_alone_on_its_line_is_reported_by_its_rule(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    text = "".join(value + "\n" for value, _ in ALONE)
    found = rules_by_line(scan(run_policyctl, tmp_path, text))
    assert found == {n: [rule] for n, (_, rule) in enumerate(ALONE, 1)}


@pytest.mark.parametrize(
    "line",
    [
        j("upstream 192.168", ".0.1 connected"),
        j("ref 030 123", "4567"),
        "ran for 13:45 minutes",
        j("build 5/12/", "20 passed"),
        j("2020-12-05 ", "10:30:00 INFO job started"),
        j("batch 440514", "01359 done"),
        j("resolved microsoft", ".com in 3 ms"),
    ],
)
def test_the_same_shapes_inside_a_line_of_words_are_not(
    line: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan(policyctl_in_process, tmp_path, line + "\n") == []


@pytest.mark.parametrize(
    "value",
    [
        j("127.0", ".0.1"),
        j("2001:db8", "::1"),
        j("224.0", ".0.1"),
        "25:61",
        j("31/06/", "20"),
        "Foo 2020",
        j("01481 ", "2567"),  # valid in no region's plan as written
        j("440514", "01358"),  # the check digit one off
        j("17334123", "45678"),  # a time in milliseconds
        "setup.py",
    ],
)
def test_look_alikes_alone_on_a_line_are_not_reported(
    value: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert scan(policyctl_in_process, tmp_path, value + "\n") == []


def test_a_json_records_value_is_judged_by_its_key_not_as_a_line(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    record = {
        "upstream": j("10.0", ".3.4"),
        "at": "13:45",
        "line": j("030 123", "4567"),
        "batch": j("440514", "01359"),
    }
    assert scan(policyctl_in_process, tmp_path, json.dumps(record) + "\n") == []
    record = {"client_ip": j("10.0", ".3.4")}
    found = scan(policyctl_in_process, tmp_path, json.dumps(record) + "\n")
    assert [f["rule_id"] for f in found] == ["pii.ip-address-internal"]


def test_dates_of_a_service_description_read_as_a_log_are_not_reported(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # the shapes of botocore's service models: an API version in the request path and
    # as a key's value, a date joined to a name, documentation and deprecation notes
    text = (
        '    "apiVersion":"2019-11-01",\n'
        '    "uid":"accessanalyzer-2019-11-01"\n'
        '        "requestUri":"/2017-01-11/object/facets",\n'
        '      "documentation":"<p>Starting January 26, 2023 the default changes.</p>",\n'
        '      "deprecatedSince":"12th June 2026"\n'
        '      "Policy-Min-TLS-1-2-2019-07",\n'
    )
    assert scan(policyctl_in_process, tmp_path, text, name="service-2.log") == []
    visit = '{"event": "visit", "on": "14/03/2024"}\n'
    found = scan(policyctl_in_process, tmp_path, visit, name="visits.log")
    assert [f["rule_id"] for f in found] == ["pii.date-time"]
