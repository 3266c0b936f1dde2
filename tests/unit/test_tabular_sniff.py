"""The fast delimiter guess gives csv.Sniffer's answers (policyctl.sources.tabular._Sniffer)."""

from __future__ import annotations

import csv
import random

import pytest

from policyctl.sources.tabular import _Sniffer, sniff_layout


def _table(rng: random.Random) -> str:
    delimiter = rng.choice([",", ";", "\t", "|", ":", " "])
    width = rng.randint(1, 8)
    cells = [
        lambda: str(rng.randint(0, 10 ** rng.randint(1, 12))),
        lambda: f"{rng.random() * 10 ** rng.randint(0, 6):.{rng.randint(0, 8)}f}",
        lambda: f"0x{rng.getrandbits(32):08x}",
        lambda: rng.choice(["np.float32", "np.float64", "ok", "late", "", "n/a"]),
        lambda: '"' + " ".join(rng.choice(["a", "b,c", "d;e", "f|g"]) for _ in range(3)) + '"',
        lambda: f"{rng.randint(1950, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        lambda: "".join(rng.choice(",;|:\t x0é") for _ in range(rng.randint(0, 6))),
    ]
    kinds = [rng.randrange(len(cells)) for _ in range(width)]
    lines = []
    if rng.random() < 0.6:
        lines.append(delimiter.join(f"col{i}" for i in range(width)))
    for _ in range(rng.randint(1, 60)):
        row = [cells[k]() for k in kinds]
        if rng.random() < 0.1:
            row = row[: rng.randint(0, width)]  # ragged
        if rng.random() < 0.05:
            lines.append("## a comment line, with; odd | characters")
        lines.append(delimiter.join(row))
        if rng.random() < 0.05:
            lines.append("")
    return "\n".join(lines) + rng.choice(["\n", "", "\r\n"])


def _answer(sniffer: csv.Sniffer, sample: str, delimiters: str | None) -> object:
    try:
        dialect = sniffer.sniff(sample, delimiters)
    except csv.Error as exc:
        return ("error", str(exc))
    return (dialect.delimiter, dialect.quotechar, dialect.skipinitialspace, dialect.doublequote)


def _header(sniffer: csv.Sniffer, sample: str) -> object:
    try:
        return sniffer.has_header(sample)
    except csv.Error as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("seed", range(400))
def test_the_fast_sniffer_answers_as_csv_sniffer_does(seed: int) -> None:
    sample = _table(random.Random(seed))
    for delimiters in (None, ",;\t|"):
        assert _answer(_Sniffer(), sample, delimiters) == _answer(csv.Sniffer(), sample, delimiters)
    assert _header(_Sniffer(), sample) == _header(csv.Sniffer(), sample)


@pytest.mark.parametrize(
    "sample",
    [
        "",
        "\n\n",
        "a",
        "a,b\n",
        "x;y;z\n1;2;3\n4;5;6\n",
        "a b  c\n1 2  3\n",
        "é,ü\nü,é\n",
        "name|ssn\nann|123\nbob|456\n" * 5,
        "1,2,3\n" + "4;5;6\n" * 30 + "7,8,9\n" * 30,
    ],
)
def test_edge_samples_alike(sample: str) -> None:
    for delimiters in (None, ",;\t|"):
        assert _answer(_Sniffer(), sample, delimiters) == _answer(csv.Sniffer(), sample, delimiters)
    assert _header(_Sniffer(), sample) == _header(csv.Sniffer(), sample)


def test_sniff_layout_reads_a_semicolon_table_with_its_header() -> None:
    layout = sniff_layout("name;email\nann;a@example.org\nbob;b@example.org\n")
    assert (layout.delimiter, layout.has_header) == (";", True)
