"""Redaction throughput and peak memory of `policyctl redact`: on a large generated log
beside `sed -E` replacing the same patterns, and on a large CSV table beside Python's
csv module copying the same table unchanged.

    python bench/redact_throughput.py [--lines 1000000] [--runs 3] [--strategy mask]
    python bench/redact_throughput.py --csv [--rows 1000000] [--runs 3] [--strategy mask]

The log (about 100 bytes a line; a third of the lines carry an e-mail address, one in
twenty a card number and a customer number) and a rule file for those three kinds of
value are generated under bench/.cache/redact. Prints lines/s and MB/s (median of
--runs, by wall and by CPU time), peak RSS of the process tree, and the ratio to
`sed -E`, which rewrites the same patterns without validating anything (no Luhn
check, no allowlists, no secret rules): the floor of a regex-only redactor. With
--memory-check it also redacts a log four times as long once, to show that memory does
not grow with the input.

With --csv the input is a table of --rows rows and 7 columns, 3 of them personal data
in every row (e-mail, card number, customer number), redacted as a user would: the
built-in rules find the e-mail addresses and card numbers, and a rule file adds only
the customer number (the log's rule file would add second e-mail and card rules,
judging every such value twice, which no one would configure). The baseline is
`csv.reader` -> `csv.writer` over the same file in one Python process: the floor of
any redactor written in Python that parses and writes the table. Prints rows/s
(median of --runs) and the ratio, and, for reference, one `policyctl scan` of the same
table (detection alone); --memory-check redacts a table four times as long.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from measure import CACHE, median, policyctl_command, run_measured, warm_page_cache

HERE = CACHE / "redact"
KEY = "bench-only-redaction-key-" + "0" * 16

RULES = """\
rules:
  - id: bench.email
    category: pii
    title: E-mail address
    severity: medium
    data_class: contact
    keywords: ["@"]
    pattern: '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,24}'
    examples: ["mail a.b@example.org"]
    negative_examples: ["nothing"]
  - id: bench.card
    category: pii
    title: Card number
    severity: high
    data_class: financial
    validator: luhn
    pattern: '\\b\\d{4}(?:[ -]?\\d{4}){2}[ -]?\\d{1,7}\\b'
    examples: ["card 8000 0000 0000 0003"]
    negative_examples: ["card 8000 0000 0000 0004"]
  - id: bench.customer
    category: pii
    title: Customer number
    severity: medium
    data_class: identity
    keywords: ["cust-"]
    pattern: '\\bCUST-\\d{6}\\b'
    examples: ["CUST-123456"]
    negative_examples: ["CUST-12"]
"""
CUSTOMER_RULES = "rules:\n" + RULES[RULES.index("  - id: bench.customer") :]
"""The table's own identifier: the one rule a user adds to the built-in ones."""
SED_PATTERNS = [
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}",
    r"\b[0-9]{4}([ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\b",
    r"\bCUST-[0-9]{6}\b",
]


def luhn_card(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    for check in "0123456789":
        digits = [int(d) for d in body + check]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
            for i, d in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            number = body + check
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    raise AssertionError("unreachable")


def generated(path: Path, seed: int, write: Callable[[TextIO, random.Random], None]) -> Path:
    """`path`, written by `write` the first time it is asked for (deterministic)."""
    if path.exists():
        return path
    HERE.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as out:
        write(out, random.Random(seed))
    temporary.rename(path)
    return path


def build_log(lines: int) -> Path:
    """The log, generated once per size."""
    return generated(HERE / f"app-{lines}.log", lines, lambda out, rng: write_log(out, rng, lines))


def write_log(out: TextIO, rng: random.Random, lines: int) -> None:
    for n in range(lines):
        stamp = f"2024-05-01T10:{n // 60 % 60:02d}:{n % 60:02d}.{n % 1000:03d}Z"
        roll = rng.random()
        if roll < 0.33:
            user = f"user{rng.randrange(200_000)}@example.org"
            took = rng.randrange(900)
            out.write(f"{stamp} INFO  request id={n} user={user} GET /items 200 {took}ms\n")
        elif roll < 0.38:
            out.write(
                f"{stamp} WARN  payment for CUST-{rng.randrange(10**6):06d} declined: "
                f"card {luhn_card(rng)}\n"
            )
        else:
            took = rng.randrange(90)
            out.write(f"{stamp} DEBUG cache hit key=item:{n} shard={n % 16} took {took}ms\n")


@dataclass(frozen=True)
class Timing:
    seconds: float
    cpu_seconds: float
    """user + system time of the command: steadier than wall time on a shared machine."""
    peak_rss_mb: float


def timed(command: list[str], what: str) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_measured(command, env={"POLICYCTL_REDACT_KEY": KEY})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{what} failed ({result.returncode}): {result.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(result.seconds, cpu, result.peak_rss_mb)


def redact_once(source: Path, rules: Path, strategy: str) -> Timing:
    """`policyctl redact` of a log or a table into a scratch copy of the same kind."""
    with tempfile.TemporaryDirectory(dir=HERE) as scratch:
        out = Path(scratch) / f"clean{source.suffix}"
        command = [policyctl_command(), "redact", str(source), "-o", str(out)]
        command += ["--rules", str(rules), "-s", strategy, "-q", "--no-audit"]
        return timed(command, "policyctl redact")


def memory_check(big: Path, count: str, rules: Path, strategy: str, peak: float) -> None:
    """Redact an input four times as large once: memory must not grow with the input."""
    warm_page_cache(HERE)
    timing = redact_once(big, rules, strategy)
    print(
        f"memory: {count} ({big.stat().st_size / 1e6:.0f} MB) in {timing.seconds:.1f} s, "
        f"peak RSS {timing.peak_rss_mb:.0f} MB (vs {peak:.0f} MB for a quarter of it)"
    )


def sed_once(log: Path) -> Timing:
    arguments = [arg for p in SED_PATTERNS for arg in ("-e", f"s/{p}/****/g")]
    with tempfile.TemporaryDirectory(dir=HERE) as scratch:
        script = f'sed -E "$@" < "{log}" > "{Path(scratch) / "sed.log"}"'
        return timed(["sh", "-c", script, "sed", *arguments], "sed")


def rate(lines: int, seconds: float) -> str:
    return f"{lines / seconds:10,.0f} lines/s"


def build_table(rows: int) -> Path:
    """The CSV table, generated once per size."""
    return generated(
        HERE / f"people-{rows}.csv", rows, lambda out, rng: write_table(out, rng, rows)
    )


def write_table(out: TextIO, rng: random.Random, rows: int) -> None:
    cities = ["Boston", "Austin", "Denver", "Seattle", "Miami", "Chicago", "Portland"]
    out.write("id,name,email,card,customer,city,amount\n")
    for n in range(rows):
        email = f"user{rng.randrange(10**6)}@mail{rng.randrange(50)}.net"
        name = f"User {n}" if n % 10 else f'"User, {n}"'
        out.write(
            f"{n},{name},{email},{luhn_card(rng)},CUST-{rng.randrange(10**6):06d},"
            f"{rng.choice(cities)},{rng.randrange(10**5) / 100:.2f}\n"
        )


CSV_COPY = (
    "import csv, sys\n"
    "with open(sys.argv[1], newline='') as i, open(sys.argv[2], 'w', newline='') as o:\n"
    "    csv.writer(o, lineterminator='\\n').writerows(csv.reader(i))\n"
)


def csv_copy_once(table: Path) -> Timing:
    with tempfile.TemporaryDirectory(dir=HERE) as scratch:
        out = Path(scratch) / "copy.csv"
        return timed([sys.executable, "-c", CSV_COPY, str(table), str(out)], "csv copy")


def scan_table_once(table: Path, rules: Path) -> Timing:
    """`policyctl scan` of the same table with the same rules: detection alone."""
    with tempfile.TemporaryDirectory(dir=HERE) as scratch:
        report = str(Path(scratch) / "report.json")
        command = [policyctl_command(), "scan", str(table), "--rules", str(rules), "-f", "json"]
        return timed([*command, "-o", report, "--no-progress"], "policyctl scan")


def rows_rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:10,.0f} rows/s"


def main_csv(args: argparse.Namespace, rules: Path) -> None:
    table = build_table(args.rows)
    megabytes = table.stat().st_size / 1e6
    warm_page_cache(HERE)
    print(f"table: {args.rows} rows x 7 columns (3 personal data), {megabytes:.1f} MB ({table})")
    print(f"strategy {args.strategy}; rules: built-in + bench.customer; default --jobs")
    redact_once(build_table(1000), rules, args.strategy)  # compiles the rules' database
    ours: list[Timing] = []
    theirs: list[Timing] = []
    for run in range(args.runs):
        ours.append(redact_once(table, rules, args.strategy))
        theirs.append(csv_copy_once(table))
        print(
            f"  run {run + 1}: redact {ours[-1].seconds:.2f} s wall, {ours[-1].cpu_seconds:.2f} s "
            f"CPU, peak {ours[-1].peak_rss_mb:.0f} MB; csv copy {theirs[-1].seconds:.2f} s wall, "
            f"{theirs[-1].cpu_seconds:.2f} s CPU"
        )
    scan = scan_table_once(table, rules)  # once: a reference, not a result
    wall, cpu = median([t.seconds for t in ours]), median([t.cpu_seconds for t in ours])
    base_wall = median([t.seconds for t in theirs])
    base_cpu = median([t.cpu_seconds for t in theirs])
    peak = max(t.peak_rss_mb for t in ours)
    print(
        f"policyctl redact  median {wall:6.2f} s wall {rows_rate(args.rows, wall)}  "
        f"{cpu:6.2f} s CPU {rows_rate(args.rows, cpu)}  peak RSS {peak:.0f} MB"
    )
    print(
        f"csv copy          median {base_wall:6.2f} s wall {rows_rate(args.rows, base_wall)}  "
        f"{base_cpu:6.2f} s CPU {rows_rate(args.rows, base_cpu)}"
    )
    scan_cpu = scan.cpu_seconds
    print(
        f"policyctl scan    1 run  {scan.seconds:6.2f} s wall "
        f"{scan_cpu:31.2f} s CPU {rows_rate(args.rows, scan_cpu)}  (detection alone)"
    )
    print(f"ratio (wall): policyctl redact takes {wall / base_wall:.2f}x the time of the csv copy")
    print(f"ratio (CPU): policyctl redact takes {cpu / base_cpu:.2f}x the time of the csv copy")
    print(f"ratio (CPU): policyctl redact takes {cpu / scan_cpu:.2f}x the time of policyctl scan")
    if args.memory_check:
        big = build_table(args.rows * 4)
        memory_check(big, f"{args.rows * 4} rows", rules, args.strategy, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--strategy", default="mask")
    parser.add_argument("--memory-check", action="store_true")
    parser.add_argument("--csv", action="store_true", help="redact a CSV table instead of a log")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    HERE.mkdir(parents=True, exist_ok=True)
    rules = HERE / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    if args.csv:
        customer_rules = HERE / "customer-rules.yaml"
        customer_rules.write_text(CUSTOMER_RULES, encoding="utf-8")
        main_csv(args, customer_rules)
        return
    log = build_log(args.lines)
    megabytes = log.stat().st_size / 1e6
    warm_page_cache(HERE)
    print(f"log: {args.lines} lines, {megabytes:.1f} MB ({log}); strategy {args.strategy}")
    redact_once(build_log(1000), rules, args.strategy)  # compiles the rules' database

    ours: list[Timing] = []
    theirs: list[Timing] = []
    for run in range(args.runs):
        ours.append(redact_once(log, rules, args.strategy))
        theirs.append(sed_once(log))
        print(
            f"  run {run + 1}: redact {ours[-1].seconds:.2f} s wall, {ours[-1].cpu_seconds:.2f} s "
            f"CPU, peak {ours[-1].peak_rss_mb:.0f} MB; sed {theirs[-1].seconds:.2f} s wall, "
            f"{theirs[-1].cpu_seconds:.2f} s CPU"
        )
    wall, cpu = median([t.seconds for t in ours]), median([t.cpu_seconds for t in ours])
    sed_wall, sed_cpu = median([t.seconds for t in theirs]), median([t.cpu_seconds for t in theirs])
    peak = max(t.peak_rss_mb for t in ours)
    print(
        f"policyctl redact  median {wall:6.2f} s wall {rate(args.lines, wall)}  "
        f"{cpu:6.2f} s CPU {rate(args.lines, cpu)}  {megabytes / wall:5.1f} MB/s  "
        f"peak RSS {peak:.0f} MB"
    )
    print(
        f"sed -E            median {sed_wall:6.2f} s wall {rate(args.lines, sed_wall)}  "
        f"{sed_cpu:6.2f} s CPU {rate(args.lines, sed_cpu)}"
    )
    print(f"ratio (CPU): policyctl redact takes {cpu / sed_cpu:.2f}x the time of sed -E")
    if args.memory_check:
        big = build_log(args.lines * 4)
        memory_check(big, f"{args.lines * 4} lines", rules, args.strategy, peak)


if __name__ == "__main__":
    main()
