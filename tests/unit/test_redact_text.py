"""Redacting text streams: blocks, cut points, overlapping findings, gzip and UTF-16."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from policyctl.core.model import Rule
from policyctl.detection.detect import DetectOptions
from policyctl.detection.rules import compile_ruleset, load_rules
from policyctl.redaction.formats import text
from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.policy import RedactionPolicy
from policyctl.redaction.redactor import Edit, Redactor
from policyctl.redaction.strategies import Strategy
from tests import fakes
from tests.redact_samples import (
    CARD,
    CUSTOMER,
    DOB,
    EMAIL,
    REDACT_KEY,
    ZIP,
    fill,
    stand_ins,
    write_sample_rules,
)


@pytest.fixture
def redactor(tmp_path: Path) -> Redactor:
    ruleset = compile_ruleset(load_rules([write_sample_rules(tmp_path)]))
    policy = RedactionPolicy(default=Strategy("tokenize"))
    return Redactor(ruleset, DetectOptions(), policy, RedactionKeys.derive(REDACT_KEY))


def sample_log(lines: int) -> bytes:
    """A log with personal data on some lines and a private key block in the middle."""
    rows = []
    for n in range(lines):
        if n % 7 == 0:
            rows.append(f"{n:05d} INFO login user={EMAIL} customer={CUSTOMER}")
        elif n % 11 == 0:
            rows.append(f"{n:05d} WARN card {CARD} declined zip: {ZIP} dob: {DOB}")
        elif n == lines // 2:
            rows.append(fakes.private_key_pem(seed=n))
        else:
            rows.append(f"{n:05d} DEBUG cache hit key=item:{n} took {n % 97} ms")
    return ("\n".join(rows) + "\n").encode()


def redact_bytes(data: bytes, redactor: Redactor) -> bytes:
    out = io.BytesIO()
    text.redact_text_file(io.BufferedReader(io.BytesIO(data)), out, redactor, "sample.log")
    return out.getvalue()


def test_small_blocks_give_the_same_copy_as_one_pass(
    redactor: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sample_log(600)
    monkeypatch.setattr(text, "BLOCK_BYTES", 1 << 30)
    whole = redact_bytes(data, redactor)
    monkeypatch.setattr(text, "BLOCK_BYTES", 97)
    monkeypatch.setattr(text, "OVERLAP", 2048)
    assert redact_bytes(data, redactor) == whole
    assert EMAIL.encode() not in whole and b"PRIVATE KEY-----\nMII" not in whole


def test_a_value_across_a_block_edge_is_replaced_whole(
    redactor: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text, "BLOCK_BYTES", 64)
    monkeypatch.setattr(text, "OVERLAP", 128)
    line = ("x" * 50 + " " + EMAIL + " tail\n").encode()
    copy = redact_bytes(line * 40, redactor)
    assert copy.count(b"tok_") == 40
    assert b"jane" not in copy and b"mailbox.org" not in copy


def test_bytes_outside_findings_are_unchanged(redactor: Redactor) -> None:
    template = (
        "{n} INFO login user={email} customer={customer}\n"
        "DEBUG plain line, nothing to see\n"
        "WARN card {card} declined zip: {zip} dob: {dob}\n"
        "{key}\nafter the key\n"
    )
    values = {
        "n": "00001",
        "email": EMAIL,
        "customer": CUSTOMER,
        "card": CARD,
        "zip": ZIP,
        "dob": DOB,
        "key": fakes.private_key_pem(seed=1),
    }
    copy = redact_bytes(fill(template, values).encode(), redactor).decode()
    became = stand_ins(copy, template)
    assert became.pop("n") == "00001"
    key_lines = became.pop("key").splitlines()
    assert key_lines[0].startswith("-----BEGIN") and key_lines[-1].startswith("-----END")
    assert set("".join(key_lines[1:-1])) == {"*"}
    for name, stand_in in became.items():
        assert stand_in.startswith("tok_"), name


def test_overlapping_findings_are_replaced_once_by_the_stronger(tmp_path: Path) -> None:
    account = Rule(
        id="sample.account",
        category="pii",
        title="Account",
        severity="low",
        confidence=0.9,
        data_class="identity",
        pattern=r"acct-\d{6}",
    )
    key = Rule(
        id="sample.account-key",
        category="secret",
        title="Account key",
        severity="high",
        confidence=0.9,
        data_class="credential",
        pattern=r"\d{6}-[a-z]{8}",
    )
    policy = RedactionPolicy(default=Strategy("tokenize"))
    keys = RedactionKeys.derive(REDACT_KEY)
    redactor = Redactor(compile_ruleset([account, key]), DetectOptions(), policy, keys)
    copy = redact_bytes(b"id acct-123456-abcdefgh end\n", redactor)
    assert copy == b"id " + b"*" * len("acct-123456-abcdefgh") + b" end\n"
    assert [(k.rule_id, k.strategy, n) for k, n in redactor.counts().items()] == [
        ("sample.account-key", "mask", 1)
    ]


def test_the_cut_is_after_the_last_line_break_before_the_limit() -> None:
    data = b"aaaa\nbbbb\ncccc\n"
    assert text.cut_point(data, [], 0, 12) == 10


def test_the_cut_never_splits_a_finding() -> None:
    data = b"aaaa\nbbbb\ncccc\n"
    assert text.cut_point(data, [Edit(8, 13, b"x")], 0, 12) == 13


def test_a_line_longer_than_a_block_is_cut_at_the_limit() -> None:
    assert text.cut_point(b"x" * 100, [], 0, 60) == 60
    assert text.cut_point(b"ab\n" + b"x" * 100, [], 10, 60) == 60


def test_gzip_in_gives_gzip_out(redactor: Redactor) -> None:
    data = sample_log(50)
    out = io.BytesIO()
    raw = io.BufferedReader(io.BytesIO(gzip.compress(data)))
    result = text.redact_text_file(raw, out, redactor, "app.log.gz")
    assert result.format == "gzip text" and result.lines == data.count(b"\n")
    assert gzip.decompress(out.getvalue()) == redact_bytes(data, redactor)


def test_utf16_text_is_written_back_in_utf16_with_its_mark(redactor: Redactor) -> None:
    data = f"user {EMAIL} ok\nnothing here é\n".encode("utf-16")
    out = io.BytesIO()
    result = text.redact_text_file(io.BufferedReader(io.BytesIO(data)), out, redactor, "w.log")
    assert result.format == "text (utf-16-le)"
    copy = out.getvalue()
    assert copy[:2] == data[:2]
    decoded = copy.decode("utf-16")
    assert EMAIL not in decoded and decoded.endswith("ok\nnothing here é\n")


def test_binary_input_is_not_text(redactor: Redactor) -> None:
    with pytest.raises(text.NotText):
        redact_bytes(b"\x00\x01" * 40 + b"binary" + EMAIL.encode(), redactor)


def test_lines_are_counted_with_or_without_a_final_line_break(redactor: Redactor) -> None:
    for data, lines in ((b"a\nb\n", 2), (b"a\nb", 2), (b"", 0)):
        result = text.redact_text_file(
            io.BufferedReader(io.BytesIO(data)), io.BytesIO(), redactor, "x"
        )
        assert result.lines == lines
