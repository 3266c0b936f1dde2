"""Workbook scanning speed: policyctl rows/s on a generated .xlsx workbook against the very
same table written as CSV, in one run (alternating), and the peak memory of each; with
--redact, the time and memory of `policyctl redact` on a smaller workbook of the same rows.

    .venv/bin/python bench/xlsx_throughput.py [--rows 100000] [--repeat 3]
    .venv/bin/python bench/xlsx_throughput.py --redact [--redact-rows 10000]

Run it with the project's virtualenv (openpyxl comes with the `sheets` extra). The table
(10 columns: id, names, e-mail, phone, street, city, zip, signup date, notes) is
generated deterministically under bench/.cache; the workbook holds it in one sheet, as
openpyxl writes it (strings inline; Excel would share them). policyctl runs as a user
runs it (`policyctl scan FILE`, default jobs). Medians are quoted, as rows per second of
wall clock and per CPU second of the process tree (the figure to compare on a machine
others are using).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
POLICYCTL = str(Path(sys.executable).with_name("policyctl"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_table import HEADER, rows  # noqa: E402


def build(count: int) -> tuple[Path, Path]:
    """The table as CSV and as a one-sheet workbook (made once, then reused)."""
    import openpyxl

    CACHE.mkdir(exist_ok=True)
    table, book = CACHE / f"people-{count}.csv", CACHE / f"people-{count}.xlsx"
    if table.exists() and book.exists():
        return table, book
    data = list(rows(count))
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    workbook = openpyxl.Workbook()  # not write-only, which writes strings inline
    sheet = workbook.active
    sheet.title = "customers"
    sheet.append(HEADER)
    for row in data:
        sheet.append([value if value != "" else None for value in row])
    workbook.save(book)
    return table, book


def timed(command: list[str]) -> tuple[float, int, float]:
    """Wall time of a command, the peak RSS (MiB) of its largest process, and the CPU
    time (user and system) of its whole process tree, which a loaded machine moves far
    less than the wall clock."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "clock = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - clock)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(usage.ru_maxrss)\n"
        "print(usage.ru_utime + usage.ru_stime)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True
    )
    seconds, peak, cpu = done.stdout.split()
    return float(seconds), int(peak) // 1024, float(cpu)


def scan(path: Path) -> tuple[float, int, float]:
    report = CACHE / "xlsx-throughput-report.json"
    return timed(
        [POLICYCTL, "scan", str(path), "--no-progress", "-q", "-f", "json", "-o", str(report)]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--redact", action="store_true", help="time `policyctl redact` too")
    parser.add_argument("--redact-rows", type=int, default=10_000, help="rows of its workbook")
    args = parser.parse_args()
    table, book = build(args.rows)
    print(
        f"table: {args.rows:,} rows x 10 columns; CSV {table.stat().st_size / 1e6:.1f} MB, "
        f"workbook {book.stat().st_size / 1e6:.1f} MB"
    )
    warm = CACHE / "xlsx-throughput-warm.csv"
    warm.write_text("token\nnone\n", encoding="utf-8")
    scan(warm)  # compiles the rules into the cache, which the first timed run would pay
    sheet_rates, csv_rates, sheet_peak, csv_peak = [], [], 0, 0
    sheet_cpu, csv_cpu = [], []
    for _ in range(args.repeat):
        seconds, peak, cpu = scan(book)
        sheet_rates.append(args.rows / seconds)
        sheet_cpu.append(args.rows / cpu)
        sheet_peak = max(sheet_peak, peak)
        seconds, peak, cpu = scan(table)
        csv_rates.append(args.rows / seconds)
        csv_cpu.append(args.rows / cpu)
        csv_peak = max(csv_peak, peak)
    sheet, plain = statistics.median(sheet_rates), statistics.median(csv_rates)
    print(f"scan .xlsx: {sheet:,.0f} rows/s (runs {', '.join(f'{r:,.0f}' for r in sheet_rates)})")
    print(f"scan .csv:  {plain:,.0f} rows/s (runs {', '.join(f'{r:,.0f}' for r in csv_rates)})")
    print(f"workbook/CSV: {sheet / plain:.2f}x; peak RSS {sheet_peak} MiB vs {csv_peak} MiB")
    sheet_per_cpu, plain_per_cpu = statistics.median(sheet_cpu), statistics.median(csv_cpu)
    print(
        f"rows per CPU second: .xlsx {sheet_per_cpu:,.0f}, .csv {plain_per_cpu:,.0f}: "
        f"{sheet_per_cpu / plain_per_cpu:.2f}x"
    )
    if args.redact:
        count = args.redact_rows
        _table, small = build(count)
        out = CACHE / f"shared-{count}-redacted.xlsx"
        command = [POLICYCTL, "redact", str(small), "-o", str(out), "--force", "-q"]
        runs = [timed(command) for _ in range(args.repeat)]
        seconds = statistics.median(s for s, _, _ in runs)
        peak = max(p for _, p, _ in runs)
        rate = count / seconds
        print(
            f"redact .xlsx ({count:,} rows): {rate:,.0f} rows/s ({seconds:.1f} s), peak {peak} MiB"
        )


if __name__ == "__main__":
    main()
