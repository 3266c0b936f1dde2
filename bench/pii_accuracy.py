"""Recall and false-positive rate on the labelled corpus (bench/pii_corpus.py), for
policyctl and for presidio-analyzer with every predefined pattern recognizer, side by side.

    python bench/pii_accuracy.py [--per-type N] [--seed S]

Recall: share of valid planted values reported with their type (for Presidio, its
entity for that type, overlapping the value). False-positive rate: share of negative
samples (invalid look-alikes and benign log lines) on which a tool reports any
identifier. Presidio's DATE_TIME, URL and UUID entities are not counted against it:
policyctl does not report plain dates, URLs or UUIDs either. Presidio is measured at its
default score threshold (0: everything it returns) and at 0.5. Table cells are scanned
as dataset cells (policyctl) and with the column name passed as context (Presidio).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _env import ensure_venv, presidio_analyzer

ensure_venv()

from pii_corpus import Sample, build  # noqa: E402

from policyctl.core.model import Chunk, Location  # noqa: E402
from policyctl.detection.detect import DetectOptions, detect  # noqa: E402
from policyctl.detection.rules import compile_ruleset, load_rules  # noqa: E402
from policyctl.sources.cells import CellBatcher  # noqa: E402

# Presidio's entity for each of our types (types Presidio has no recognizer for are absent)
PRESIDIO = {
    "pii.email-address": {"EMAIL_ADDRESS"},
    "pii.phone-number": {"PHONE_NUMBER"},
    "pii.ipv4-address": {"IP_ADDRESS"},
    "pii.ipv6-address": {"IP_ADDRESS"},
    "pii.mac-address": {"MAC_ADDRESS"},
    "pii.payment-card-number": {"CREDIT_CARD"},
    "pii.iban": {"IBAN_CODE"},
    "pii.us-aba-routing-number": {"ABA_ROUTING_NUMBER"},
    "pii.bitcoin-address": {"CRYPTO"},
    "pii.ethereum-address": {"CRYPTO"},
    "pii.us-ssn": {"US_SSN"},
    "pii.us-itin": {"US_ITIN"},
    "pii.us-ein": {"US_PROVIDER_TAX_ID"},
    "pii.us-medicare-mbi": {"US_MBI"},
    "pii.us-npi": {"US_NPI", "MEDICAL_LICENSE"},
    "pii.us-dea-number": {"MEDICAL_LICENSE"},
    "pii.uk-nino": {"UK_NINO"},
    "pii.uk-nhs-number": {"UK_NHS"},
    "pii.es-dni": {"ES_NIF"},
    "pii.es-nie": {"ES_NIE"},
    "pii.it-fiscal-code": {"IT_FISCAL_CODE"},
    "pii.de-tax-id": {"DE_TAX_ID"},
    "pii.de-vat-id": {"DE_VAT_ID"},
    "pii.de-id-card": {"DE_ID_CARD"},
    "pii.de-health-insurance-number": {"DE_HEALTH_INSURANCE"},
    "pii.de-social-security-number": {"DE_SOCIAL_SECURITY"},
    "pii.eu-vat-id": {"IT_VAT_CODE"},
    "pii.pl-pesel": {"PL_PESEL"},
    "pii.se-personnummer": {"SE_PERSONNUMMER"},
    "pii.fi-hetu": {"FI_PERSONAL_IDENTITY_CODE"},
    "pii.tr-identity-number": {"TR_NATIONAL_ID"},
    "pii.ca-sin": {"CA_SIN"},
    "pii.za-identity-number": {"ZA_ID_NUMBER"},
    "pii.in-aadhaar": {"IN_AADHAAR"},
    "pii.in-pan": {"IN_PAN"},
    "pii.sg-nric": {"SG_NRIC_FIN"},
    "pii.au-tfn": {"AU_TFN"},
    "pii.au-abn": {"AU_ABN"},
    "pii.kr-rrn": {"KR_RRN"},
    "pii.date-of-birth": {"DATE_TIME"},
}
NOT_IDENTIFIERS = {"DATE_TIME", "URL", "UUID", "PERSON", "LOCATION", "NRP", "ORGANIZATION", "AGE"}
ALIASES = {
    "pii.us-ssn": {"pii.us-ssn-digits"},
    "pii.phone-number": {"pii.phone-number-digits", "pii.phone-number-national"},
}


def policyctl_results(samples: list[Sample]) -> list[set[str]]:
    ruleset = compile_ruleset(load_rules())
    options = DetectOptions()
    found: list[set[str]] = []
    for sample in samples:
        if sample.setting == "cell":
            batcher = CellBatcher("t.csv", "datasets")
            batcher.add(sample.text, 1, sample.column, 2)
            chunk = batcher.take()
            assert chunk is not None
        else:
            chunk = Chunk(data=sample.text.encode(), origin=Location(path="t.log"), kind="logs")
        found.append({f.rule_id for f in detect(chunk, ruleset, options)})
    return found


def presidio_results(samples: list[Sample]) -> list[list[tuple[str, int, int, float]]]:
    analyzer = presidio_analyzer()
    out = []
    for sample in samples:
        context = [sample.column.replace("_", " ")] if sample.setting == "cell" else None
        results = analyzer.analyze(text=sample.text, language="en", context=context)
        out.append([(r.entity_type, r.start, r.end, r.score) for r in results])
    return out


def presidio_hit(
    sample: Sample, results: list[tuple[str, int, int, float]], threshold: float
) -> bool:
    wanted = PRESIDIO.get(sample.entity or "", set())
    start = sample.text.find(sample.value)
    end = start + len(sample.value)
    return any(
        entity in wanted and score >= threshold and s < end and start < e
        for entity, s, e, score in results
    )


def presidio_flags(results: list[tuple[str, int, int, float]], threshold: float) -> bool:
    return any(
        e not in NOT_IDENTIFIERS and score >= threshold and score > 0
        for e, _s, _e, score in results
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-type", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    samples = build(seed=args.seed, per_type=args.per_type)
    positives = [i for i, s in enumerate(samples) if s.entity]
    negatives = [i for i, s in enumerate(samples) if not s.entity]
    print(
        f"corpus: {len(samples)} samples, {len(positives)} valid identifiers of "
        f"{len({s.entity for s in samples if s.entity})} types, {len(negatives)} negatives "
        f"({sum(s.kind == 'invalid' for s in samples)} invalid look-alikes, "
        f"{sum(s.kind == 'benign' for s in samples)} benign lines)"
    )
    clock = time.perf_counter()
    ours = policyctl_results(samples)
    ours_seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    theirs = presidio_results(samples)
    theirs_seconds = time.perf_counter() - clock

    def ours_hit(i: int) -> bool:
        entity = samples[i].entity or ""
        return bool(ours[i] & ({entity} | ALIASES.get(entity, set())))

    per_type: dict[str, list[int]] = defaultdict(list)
    for i in positives:
        per_type[samples[i].entity or ""].append(i)
    print(f"\n{'type':38} {'policyctl':>9} {'presidio@0':>10} {'presidio@0.5':>12}")
    for entity, indexes in sorted(per_type.items()):
        n = len(indexes)
        mine = sum(ours_hit(i) for i in indexes) / n
        if entity in PRESIDIO:
            p0 = f"{sum(presidio_hit(samples[i], theirs[i], 0.0) for i in indexes) / n:10.0%}"
            p5 = f"{sum(presidio_hit(samples[i], theirs[i], 0.5) for i in indexes) / n:12.0%}"
        else:
            p0, p5 = f"{'-':>10}", f"{'-':>12}"
        print(f"{entity:38} {mine:9.0%} {p0} {p5}")
        if args.show_misses:
            for i in indexes:
                if not ours_hit(i):
                    print(f"    missed: {samples[i].setting}: {samples[i].text[:90]}")

    shared = [i for i in positives if samples[i].entity in PRESIDIO]

    def rate(hits: int, total: int) -> str:
        return f"{hits / total:6.1%} ({hits}/{total})"

    print(
        "\nrecall, all types:     policyctl",
        rate(sum(map(ours_hit, positives)), len(positives)),
        "| presidio@0",
        rate(sum(presidio_hit(samples[i], theirs[i], 0) for i in positives), len(positives)),
        "| presidio@0.5",
        rate(sum(presidio_hit(samples[i], theirs[i], 0.5) for i in positives), len(positives)),
    )
    print(
        "recall, types both cover: policyctl",
        rate(sum(map(ours_hit, shared)), len(shared)),
        "| presidio@0",
        rate(sum(presidio_hit(samples[i], theirs[i], 0) for i in shared), len(shared)),
        "| presidio@0.5",
        rate(sum(presidio_hit(samples[i], theirs[i], 0.5) for i in shared), len(shared)),
    )
    our_fp = [i for i in negatives if ours[i]]
    print(
        "false-positive rate:   policyctl",
        rate(len(our_fp), len(negatives)),
        "| presidio@0",
        rate(sum(presidio_flags(theirs[i], 0) for i in negatives), len(negatives)),
        "| presidio@0.5",
        rate(sum(presidio_flags(theirs[i], 0.5) for i in negatives), len(negatives)),
    )
    if args.show_misses:
        for i in our_fp:
            print(f"    false positive {sorted(ours[i])}: {samples[i].text[:100]}")
    print(
        f"\ntime: policyctl {ours_seconds:.1f} s, presidio {theirs_seconds:.1f} s "
        f"({theirs_seconds / max(ours_seconds, 1e-9):.0f}x)"
    )


if __name__ == "__main__":
    main()
