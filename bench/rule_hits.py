"""Where a scan's matching time goes: Hyperscan seconds by kind of input, and per rule
family (rule file) and rule the Hyperscan hits (candidates), the matches `re` confirms,
and the findings left.

    python bench/rule_hits.py [--corpus local] [--subset-mb 60] [--top 25]
    python bench/rule_hits.py --compressed-only --profile 25   # the JSON logs, cProfiled

One process (`--jobs 1`), the same fixed sample as bench/throughput.py. Each chunk is
scanned by Hyperscan twice: once here, counting hits per rule and timing the pass
alone, then as the scan does; so the total time printed is not a throughput figure.
`--compressed-only` scans only the sample's compressed files (botocore's and moto's
.json.gz, read as logs); `--profile N` runs the scan under cProfile and prints its N
most expensive functions (own time), without the double Hyperscan pass.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import corpus
from throughput import COMPRESSED, corpus_root

from policyctl.detection import detect
from policyctl.detection.rules import load_rules
from policyctl.engine import hyperscan_backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("pinned", "local"), default="local")
    parser.add_argument("--subset-mb", type=float, default=60)
    parser.add_argument("--uncompressed", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--compressed-only", action="store_true")
    parser.add_argument("--profile", type=int, metavar="N", default=0)
    args = parser.parse_args()
    root = corpus_root(args.corpus, args.subset_mb, args.uncompressed)
    if args.compressed_only:
        names = [
            str(p.relative_to(root)) for p in sorted(root.rglob("*")) if p.suffix in COMPRESSED
        ]
        root = corpus.copy_out(root, names, corpus.CACHE / f"{root.name}-compressed")
    if args.profile:
        profile(root, args.profile)
        return

    seconds: Counter[str] = Counter()
    scanned: Counter[str] = Counter()
    hits: Counter[int] = Counter()
    confirmed: Counter[int] = Counter()
    kind = ["?"]
    assess_chunk = detect.assess_chunk
    matches = hyperscan_backend.HyperscanMatcher.matches

    def timed_assess_chunk(chunk, ruleset, options):  # type: ignore[no-untyped-def]
        kind[0] = chunk.kind
        return assess_chunk(chunk, ruleset, options)

    def counted_matches(self, data, within_lines=False, accept=None):  # type: ignore[no-untyped-def]
        found: list[int] = []
        started = time.perf_counter()
        self.database.scan(
            data, match_event_handler=lambda r, *_: found.append(r), scratch=self.scratch
        )
        seconds[kind[0]] += time.perf_counter() - started
        scanned[kind[0]] += len(data)
        hits.update(found)
        result = matches(self, data, within_lines, accept)
        confirmed.update(m.rule for m in result)
        return result

    detect.assess_chunk = timed_assess_chunk
    hyperscan_backend.HyperscanMatcher.matches = counted_matches  # type: ignore[method-assign]
    from policyctl.cli import main as policyctl

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        sys.argv = ["policyctl", "scan", str(root), "--jobs", "1", "--engine", "hyperscan"]
        sys.argv += ["--no-progress", "--no-audit", "-q", "-f", "json", "-o", str(report)]
        try:
            policyctl()
        except SystemExit as exc:
            if exc.code not in (0, 1):
                raise
        findings = Counter(f["rule_id"] for f in json.loads(report.read_text())["findings"])

    rules = load_rules()
    print(f"corpus: {root}")
    print("Hyperscan pass alone, by kind of input:")
    for name, spent in seconds.most_common():
        megabytes = scanned[name] / 1e6
        print(f"  {name:9} {megabytes:7.1f} MB  {spent:6.2f} s  {megabytes / spent:7.1f} MB/s")
    print(f"hits {sum(hits.values())}, confirmed {sum(confirmed.values())}")
    families: dict[str, Counter[str]] = {}
    for index, rule in enumerate(rules):
        family = families.setdefault(Path(rule.source).stem, Counter())
        family["hits"] += hits[index]
        family["confirmed"] += confirmed[index]
        family["findings"] += findings[rule.id]
    print(f"{'rule family (file)':28} {'hits':>9} {'confirmed':>9} {'findings':>8}")
    for name, tally in sorted(families.items(), key=lambda item: -item[1]["hits"])[: args.top]:
        print(f"  {name:26} {tally['hits']:9d} {tally['confirmed']:9d} {tally['findings']:8d}")
    print(f"{'rule':40} {'hits':>9} {'confirmed':>9} {'findings':>8}  sources")
    for index, count in hits.most_common(args.top):
        rule = rules[index]
        print(
            f"  {rule.id:38} {count:9d} {confirmed[index]:9d} {findings[rule.id]:8d}  "
            f"{','.join(rule.sources) or 'all'}"
        )


def profile(root: Path, top: int) -> None:
    """The scan of `root` in one process under cProfile: the `top` functions by own time."""
    import cProfile
    import pstats

    from policyctl.cli import main as policyctl

    with tempfile.TemporaryDirectory() as scratch:
        sys.argv = ["policyctl", "scan", str(root), "--jobs", "1", "--engine", "hyperscan"]
        sys.argv += ["--no-progress", "--no-audit", "-q", "-f", "json"]
        sys.argv += ["-o", str(Path(scratch) / "report.json")]
        profiler = cProfile.Profile()
        try:
            profiler.runcall(policyctl)
        except SystemExit as exc:
            if exc.code not in (0, 1):
                raise
    print(f"corpus: {root}")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
