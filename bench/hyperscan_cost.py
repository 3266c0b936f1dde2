"""What the Hyperscan pass over code costs, by the rules in its database.

    python bench/hyperscan_cost.py [--sample-mb 30] [--runs 5]

Builds the main database of the code kind as a scan does (the rules for `repo` chunks
less the gated ones, with the marks), then times passes over a fixed sample of the
pinned corpus (corpus.subset) with variants of it, each compiled here (no cache):
- the whole database;
- only the rules' keywords, each a caseless literal: the literal front end alone;
- without the rules that have a keyword of three letters or fewer, and those alone;
- fixed random samples of 488 rules (kingfisher-bin 2.14's count) and of 900;
- every provider rule (a caseless name, then an assignment, then the value) cut to its
  name and assignment, and to its name alone: what the automata after the literals cost.
Printed: medians of --runs passes, seconds and ns a byte, and the hits each reports.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Sequence
from typing import Any

import corpus
import hyperscan
from measure import median

from policyctl.detection import decode
from policyctl.detection.rules import compile_ruleset, load_rules
from policyctl.engine.gates import gate_marks, split_gates
from policyctl.engine.hyperscan_backend import database_parts
from policyctl.engine.interface import CompiledPattern

SHORT = 3
"""A keyword of this many letters or fewer is short."""


def main_database_parts() -> tuple[list[bytes], list[int], list[int], list[str]]:
    """The expressions, ids and flags of the code kind's main database, and each
    expression's rule id (`mark` for a mark)."""
    ruleset = compile_ruleset(load_rules())
    rules = ruleset.rules
    chosen = tuple(i for i, rule in enumerate(rules) if rule.applies_to("repo"))
    always, groups = split_gates(chosen, ruleset.gates(chosen))
    words, _owner = gate_marks(groups)
    patterns = [CompiledPattern.from_rule(rule) for rule in rules]
    expressions, ids, flags = database_parts(patterns, always, [*decode.MARKS, *words])
    each = flags if isinstance(flags, list) else [flags] * len(expressions)
    names = [rules[i].id if i < len(rules) else "mark" for i in ids]
    return expressions, ids, each, names


NAME = re.compile(rb"^(?:\(\?:\^\|\[\^A-Za-z0-9\]\))?\(\?i:(?:[^()]|\((?:\?:)?[^()]*\))*\)")
"""A provider rule's start: an optional word edge, then its name(s), caseless."""
ASSIGNMENT = (
    rb"(?:[A-Za-z0-9_.\-]{0,30}|(?:\.[a-z]{2,3})?(?:[ ][A-Za-z_\-]{1,20}){1,2})"
    rb"['\"]?\s{0,5}(?:=|:|:=|=>|,)\s{0,5}['\"]?"
)
"""What follows the name in the provider rules: the rest of the name and an assignment."""


def provider_cuts(expressions: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """`expressions` with each provider rule cut to its name and assignment, and to its
    name alone (the others as they are)."""
    named, assigned = list(expressions), list(expressions)
    for n, expression in enumerate(expressions):
        name = NAME.match(expression)
        if name is None or expression.startswith(b"(?i)"):
            continue
        named[n] = name.group(0)
        if _plain(expression[name.end() :]).startswith(_plain(ASSIGNMENT)):
            assigned[n] = name.group(0) + ASSIGNMENT
    return assigned, named


def compiled(expressions: Sequence[bytes], flags: Sequence[int]) -> Any:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=list(expressions),
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=list(flags),
    )
    return database


def timed_pass(database: Any, sample: list[bytes], runs: int) -> tuple[float, int]:
    """The median seconds of a pass over `sample`, and the hits one pass reports."""
    scratch = hyperscan.Scratch(database)
    hits = [0]

    def count(*_: object) -> None:
        hits[0] += 1

    database.scan(b"".join(sample[:50]), match_event_handler=count, scratch=scratch)
    seconds = []
    for _ in range(runs):
        hits[0] = 0
        started = time.perf_counter()
        for data in sample:
            database.scan(data, match_event_handler=count, scratch=scratch)
        seconds.append(time.perf_counter() - started)
    return median(seconds), hits[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-mb", type=float, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = corpus.build()
    sample = [(root / name).read_bytes() for name in corpus.subset(root, args.sample_mb)]
    size = sum(map(len, sample))
    expressions, _ids, flags, names = main_database_parts()
    keywords = {rule.id: rule.keywords for rule in load_rules()}
    short = {
        n for n, name in enumerate(names) if any(len(k) <= SHORT for k in keywords.get(name, ()))
    }
    everything = range(len(expressions))
    variants: dict[str, list[int]] = {
        "the whole database": list(everything),
        f"without the rules with a keyword of <= {SHORT} letters": [
            n for n in everything if n not in short
        ],
        f"those rules alone ({len(short)})": sorted(short),
    }
    for count in (488, 900):
        variants[f"a fixed random {count} of its expressions"] = sorted(
            random.Random(18).sample(list(everything), count)
        )
    literals = sorted({k for name in names for k in keywords.get(name, ())})
    print(
        f"sample: {len(sample)} files, {size / 1e6:.1f} MB; the code database: "
        f"{len(expressions)} expressions ({len(literals)} distinct keywords)"
    )
    for label, chosen in variants.items():
        database = compiled([expressions[n] for n in chosen], [flags[n] for n in chosen])
        seconds, hits = timed_pass(database, sample, args.runs)
        print(f"  {label:55s} {seconds:7.4f} s {seconds / size * 1e9:5.2f} ns/B {hits:8d} hits")
    assigned, named = provider_cuts(expressions)
    cuts = {"name and assignment": assigned, "their name": named}
    for what, cut in cuts.items():
        label = f"provider rules cut to {what} ({_changed(cut, expressions)})"
        seconds, hits = timed_pass(compiled(cut, flags), sample, args.runs)
        print(f"  {label:55s} {seconds:7.4f} s {seconds / size * 1e9:5.2f} ns/B {hits:8d} hits")
    caseless = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
    database = compiled([re.escape(k).encode() for k in literals], [caseless] * len(literals))
    seconds, hits = timed_pass(database, sample, args.runs)
    label = f"only the {len(literals)} keywords, caseless literals"
    print(f"  {label:55s} {seconds:7.4f} s {seconds / size * 1e9:5.2f} ns/B {hits:8d} hits")


def _plain(expression: bytes) -> bytes:
    """A class of both quotes written without the backslash (the rule files have both)."""
    return expression.replace(b"['\\\"]", b"['\"]")


def _changed(cut: list[bytes], expressions: list[bytes]) -> int:
    return sum(a != b for a, b in zip(cut, expressions, strict=True))


if __name__ == "__main__":
    main()
