"""Recall on a labelled set policyctl's authors did not write: the 1,500 synthetic
sentences Microsoft Presidio's evaluation package ships (`data/synth_dataset_v2.json` in
the presidio-evaluator 0.3.2 sdist: 2,872 labelled values of 17 entity types), read at
run time from the sdist (pinned version and sha256, fetched once into bench/.cache by
pip download: the benchmark's only network access), never copied into the project.

    python bench/pii_presidio_vectors.py [--presidio]

Three scans with the installed `policyctl`, each file `--as log` at default settings:

- **alone**: every labelled value in a file of its own (the issue's protocol);
- **in its sentence**: every sentence in a file of its own; a value counts as found when a
  finding of one of its type's rules starts inside it;
- **negatives**: every sentence with its labelled values cut out, in a file of its own; a
  file with any personal-data finding is a false positive.

Recall is per Presidio entity type, mapped to the policyctl rules that report it
(ENTITY_RULES). Entity types are grouped as Presidio's own recognizers are: those a
pattern and a check can find (cards, IBANs, e-mail, phone, SSN, IP, dates, URLs, ZIP
codes, driving licences), those that need a named-entity model (person, organisation,
place, street address: policyctl's `--ner-model`, or its column judgement in tables),
and those no policyctl rule is about (AGE, TITLE, NRP: ages, job titles and
nationalities, which Presidio's predefined recognizers do not find either).
`--presidio` runs presidio-analyzer (every predefined recognizer, no NER model) on the
same files, in the bench's own virtualenv, for comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import CACHE, policyctl_command

HERE = CACHE / "presidio-evaluator"
VERSION = "0.3.2"
SHA256 = "2ec1be3710a2843553a5fb185916d85b0fa174fb9e1927e03ea83152fdc95eb1"
MEMBER = f"presidio_evaluator-{VERSION}/data/synth_dataset_v2.json"

PHONE_RULES = (
    "pii.phone-number",
    "pii.phone-number-national",
    "pii.phone-number-mobile-national",
    "pii.phone-number-digits",
)
PATTERN_TYPES: dict[str, tuple[str, ...]] = {
    # Presidio entity type: the policyctl rules that report such a value
    "CREDIT_CARD": ("pii.payment-card-number",),
    "DATE_TIME": ("pii.date-time", "pii.date-of-birth"),
    "DOMAIN_NAME": ("pii.url", "pii.url-personal-parameters"),
    "EMAIL_ADDRESS": ("pii.email-address",),
    "IBAN_CODE": ("pii.iban",),
    "IP_ADDRESS": ("pii.ipv4-address", "pii.ipv6-address", "pii.ip-address-internal"),
    "PHONE_NUMBER": PHONE_RULES,
    "US_DRIVER_LICENSE": ("pii.us-drivers-license",),
    "US_SSN": ("pii.us-ssn", "pii.us-ssn-digits"),
    "ZIP_CODE": ("pii.us-zip-code", "pii.uk-postcode", "pii.de-postcode", "pii.ca-postal-code"),
}
NER_TYPES: dict[str, tuple[str, ...]] = {
    "PERSON": ("pii.ner-person", "pii.person-name"),
    "ORGANIZATION": ("pii.ner-organisation", "pii.organisation-name"),
    "GPE": ("pii.ner-location", "pii.city"),
    "STREET_ADDRESS": ("pii.street-address", "pii.ner-location"),
}
NO_RULE_TYPES = ("AGE", "NRP", "TITLE")
ENTITY_RULES = {**PATTERN_TYPES, **NER_TYPES, **{name: () for name in NO_RULE_TYPES}}
PRESIDIO_NAMES = {"DOMAIN_NAME": ("URL", "DOMAIN_NAME"), "ZIP_CODE": ("ZIP_CODE", "US_ZIP_CODE")}
"""Presidio's own entity names where its recognizers call a type otherwise than the set."""


@dataclass(frozen=True)
class Span:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: tuple[Span, ...]


def dataset() -> list[Sentence]:
    """The labelled sentences, from the pinned sdist (downloaded once, checked by sha256)."""
    archive = HERE / f"presidio_evaluator-{VERSION}.tar.gz"
    if not archive.is_file():
        HERE.mkdir(parents=True, exist_ok=True)
        download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary"]
        command = [*download, ":all:", "-d", str(HERE), f"presidio-evaluator=={VERSION}"]
        subprocess.run(command, check=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{archive}: sha256 {digest}, expected {SHA256}")
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{archive}: no {MEMBER}")
        records = json.loads(member.read())
    return [
        Sentence(
            record["full_text"],
            tuple(
                Span(s["entity_type"], s["entity_value"], s["start_position"], s["end_position"])
                for s in record["spans"]
            ),
        )
        for record in records
    ]


def without_spans(sentence: Sentence) -> str:
    """The sentence with every labelled value cut out (a space in its place)."""
    text = sentence.text
    for span in sorted(sentence.spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + " " + text[span.end :]
    return text


def write_files(folder: Path, texts: list[str]) -> list[Path]:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    paths = []
    for number, text in enumerate(texts):
        path = folder / f"{number:05}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def scan(paths: list[Path]) -> dict[str, list[dict[str, object]]]:
    """Findings of `policyctl scan --as log FILES` at default settings, by file path."""
    command = [policyctl_command(), "scan", "--as", "log", "-f", "json", "--per-cell"]
    command += ["--no-progress", "--time-budget", "0", *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"policyctl scan failed: {done.stderr[-500:]}")
    found: dict[str, list[dict[str, object]]] = defaultdict(list)
    for finding in json.loads(done.stdout)["findings"]:
        if finding["category"] == "pii":
            found[str(finding["location"]["path"])].append(finding)  # type: ignore[index]
    return found


def offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column in `text`."""
    lines = text.split("\n")
    return sum(len(lines[n]) + 1 for n in range(line - 1)) + column - 1


def presidio_found(texts: list[str]) -> list[list[tuple[str, int, int]]]:
    """presidio-analyzer's results (entity, start, end; score >= 0.5, its default
    display threshold in the evaluator) for each text, in the bench virtualenv."""
    script = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from _env import presidio_analyzer\n"
        "engine = presidio_analyzer()\n"
        "for line in sys.stdin:\n"
        "    text = json.loads(line)\n"
        "    found = engine.analyze(text=text, language='en', score_threshold=0.5)\n"
        "    print(json.dumps([(r.entity_type, r.start, r.end) for r in found]), flush=True)\n"
    )
    python = CACHE / "venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"--presidio needs {python} (python bench/pii_accuracy.py creates it)")
    bench = str(Path(__file__).resolve().parent)
    done = subprocess.run(
        [str(python), "-c", script, bench],
        input="".join(json.dumps(t) + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return [[tuple(r) for r in json.loads(line)] for line in done.stdout.splitlines()]  # type: ignore[misc]


def presidio_hit(entity: str, results: list[tuple[str, int, int]], span: Span | None) -> bool:
    names = PRESIDIO_NAMES.get(entity, (entity,))
    return any(
        name in names
        and (span is None or span.start <= start < span.end or start <= span.start < end)
        for name, start, end in results
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presidio", action="store_true", help="presidio-analyzer alongside")
    parser.add_argument("--misses", nargs="*", default=(), help="print these types' misses alone")
    args = parser.parse_args()
    sentences = dataset()
    spans = [(n, span) for n, s in enumerate(sentences) for span in s.spans]
    values = write_files(HERE / "values", [span.value for _, span in spans])
    whole = write_files(HERE / "sentences", [s.text for s in sentences])
    negatives = write_files(HERE / "negatives", [without_spans(s) for s in sentences])
    alone_findings = scan(values)
    sentence_findings = scan(whole)
    negative_findings = scan(negatives)

    alone: Counter[str] = Counter()
    in_sentence: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (number, span), path in zip(spans, values, strict=True):
        rules = ENTITY_RULES[span.entity]
        total[span.entity] += 1
        hit = any(f["rule_id"] in rules for f in alone_findings[str(path)])
        alone[span.entity] += hit
        if not hit and span.entity in args.misses:
            found_rules = sorted({str(f["rule_id"]) for f in alone_findings[str(path)]})
            print(f"missed alone: {span.entity} {span.value!r} {found_rules}")
        text = sentences[number].text
        in_sentence[span.entity] += any(
            f["rule_id"] in rules
            and span.start
            <= offset(text, f["location"]["line"], f["location"]["column"])  # type: ignore[index]
            < span.end
            for f in sentence_findings[str(whole[number])]
        )
    false_positive_rules = Counter(
        f["rule_id"] for findings in negative_findings.values() for f in findings
    )
    theirs_alone: Counter[str] = Counter()
    theirs_sentence: Counter[str] = Counter()
    theirs_negative = 0
    if args.presidio:
        found = presidio_found([span.value for _, span in spans])
        for (_, span), results in zip(spans, found, strict=True):
            theirs_alone[span.entity] += presidio_hit(span.entity, results, None)
        found = presidio_found([s.text for s in sentences])
        for number, span in spans:
            theirs_sentence[span.entity] += presidio_hit(span.entity, found[number], span)
        cut = [without_spans(s) for s in sentences]
        theirs_negative = sum(bool(r) for r in presidio_found(cut))

    print(
        f"presidio-evaluator {VERSION} synth_dataset_v2.json: {len(sentences)} sentences,"
        f" {len(spans)} labelled values; each file scanned --as log at default settings"
    )
    header = f"{'entity type':18} {'values':>6} {'alone':>7} {'sentence':>8}"
    print(header + (f" {'presidio alone':>14} {'in sentence':>11}" if args.presidio else ""))
    groups = (
        ("pattern types", PATTERN_TYPES),
        ("named-entity types", NER_TYPES),
        ("types with no rule", dict.fromkeys(NO_RULE_TYPES, ())),
    )
    for label, types in groups:
        for entity in sorted(types, key=lambda e: -total[e]):
            line = f"{entity:18} {total[entity]:6} {alone[entity]:7} {in_sentence[entity]:8}"
            if args.presidio:
                line += f" {theirs_alone[entity]:14} {theirs_sentence[entity]:11}"
            print(line)
        n = max(sum(total[e] for e in types), 1)
        line = (
            f"{label}: recall {sum(alone[e] for e in types) / n:.1%} alone,"
            f" {sum(in_sentence[e] for e in types) / n:.1%} in the sentence ({n} values)"
        )
        if args.presidio:
            line += (
                f"; presidio {sum(theirs_alone[e] for e in types) / n:.1%} alone,"
                f" {sum(theirs_sentence[e] for e in types) / n:.1%} in the sentence"
            )
        print(line)
    flagged = sum(bool(f) for f in negative_findings.values())
    theirs = f"; presidio {theirs_negative} ({theirs_negative / len(negatives):.1%})"
    print(
        f"negatives (sentences without their labelled values): {flagged} of {len(negatives)}"
        f" with a personal-data finding ({flagged / len(negatives):.1%})"
        + (theirs if args.presidio else "")
    )
    for rule, count in false_positive_rules.most_common():
        print(f"  {rule}: {count}")


if __name__ == "__main__":
    main()
