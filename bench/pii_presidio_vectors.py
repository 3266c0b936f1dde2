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
same files, in the bench's own virtualenv, for comparison, and lists the entity types of
its predefined recognizers that no policyctl rule reports (PRESIDIO_ENTITY_RULES maps
each of them to policyctl's rules).
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
    "pii.phone-number-national-alone",
    "pii.phone-number-national-field",
)
PATTERN_TYPES: dict[str, tuple[str, ...]] = {
    # Presidio entity type: the policyctl rules that report such a value
    "CREDIT_CARD": ("pii.payment-card-number",),
    "DATE_TIME": ("pii.date-time", "pii.date-time-alone", "pii.date-of-birth"),
    "DOMAIN_NAME": ("pii.url", "pii.url-personal-parameters", "pii.domain-name-alone"),
    "EMAIL_ADDRESS": ("pii.email-address",),
    "IBAN_CODE": ("pii.iban",),
    "IP_ADDRESS": (
        "pii.ipv4-address",
        "pii.ipv6-address",
        "pii.ip-address-internal",
        "pii.ip-address-alone",
    ),
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
PRESIDIO_ENTITY_RULES: dict[str, tuple[str, ...]] = {
    # every entity type of presidio-analyzer's predefined recognizers (2.2.366): the
    # policyctl rules that report it; () where policyctl has none
    "ABA_ROUTING_NUMBER": ("pii.us-aba-routing-number",),
    "AU_ABN": ("pii.au-abn", "pii.au-abn-digits"),
    "AU_ACN": ("pii.au-acn",),
    "AU_MEDICARE": ("pii.au-medicare",),
    "AU_TFN": ("pii.au-tfn",),
    "CA_POSTAL_CODE": ("pii.ca-postal-code",),
    "CA_SIN": ("pii.ca-sin",),
    "CREDIT_CARD": ("pii.payment-card-number",),
    "CRYPTO": ("pii.bitcoin-address", "pii.ethereum-address"),
    "DATE_TIME": ("pii.date-time", "pii.date-time-alone", "pii.date-of-birth"),
    "DE_BSNR": ("pii.de-bsnr",),
    "DE_FUEHRERSCHEIN": ("pii.de-driving-licence",),
    "DE_HANDELSREGISTER": ("pii.de-commercial-register-number",),
    "DE_HEALTH_INSURANCE": ("pii.de-health-insurance-number",),
    "DE_ID_CARD": ("pii.de-id-card",),
    "DE_KFZ": ("pii.de-vehicle-registration",),
    "DE_LANR": ("pii.de-lanr",),
    "DE_PASSPORT": ("pii.de-passport",),
    "DE_PLZ": ("pii.de-postcode",),
    "DE_SOCIAL_SECURITY": ("pii.de-social-security-number",),
    "DE_TAX_ID": ("pii.de-tax-id",),
    "DE_TAX_NUMBER": ("pii.de-tax-number",),
    "DE_VAT_ID": ("pii.de-vat-id",),
    "EMAIL": ("pii.email-address",),  # the transformers recognizer's name for it
    "EMAIL_ADDRESS": ("pii.email-address",),
    "ES_NIE": ("pii.es-nie",),
    "ES_NIF": ("pii.es-dni",),
    "ES_PASSPORT": ("pii.es-passport",),
    "FI_PERSONAL_IDENTITY_CODE": ("pii.fi-hetu",),
    "IBAN_CODE": ("pii.iban",),
    "IN_AADHAAR": ("pii.in-aadhaar", "pii.in-aadhaar-digits"),
    "IN_GSTIN": ("pii.in-gstin",),
    "IN_PAN": ("pii.in-pan",),
    "IN_PASSPORT": ("pii.in-passport",),
    "IN_VEHICLE_REGISTRATION": ("pii.in-vehicle-registration",),
    "IN_VOTER": ("pii.in-voter-id",),
    "IP_ADDRESS": (
        "pii.ipv4-address",
        "pii.ipv6-address",
        "pii.ip-address-internal",
        "pii.ip-address-alone",
    ),
    "IT_DRIVER_LICENSE": ("pii.it-driving-licence",),
    "IT_FISCAL_CODE": ("pii.it-fiscal-code",),
    "IT_IDENTITY_CARD": ("pii.it-identity-card",),
    "IT_PASSPORT": ("pii.it-passport",),
    "IT_VAT_CODE": ("pii.eu-vat-id",),
    "KR_BRN": ("pii.kr-business-registration-number", "pii.kr-business-registration-number-digits"),
    "KR_DRIVER_LICENSE": ("pii.kr-driving-licence",),
    "KR_FRN": ("pii.kr-foreigner-registration-number",),
    "KR_PASSPORT": ("pii.kr-passport",),
    "KR_RRN": ("pii.kr-rrn", "pii.kr-rrn-digits"),
    "LOCATION": ("pii.ner-location", "pii.city", "pii.street-address"),
    "MAC_ADDRESS": ("pii.mac-address",),
    "MEDICAL_LICENSE": ("pii.us-dea-number",),
    "NG_NIN": ("pii.ng-nin",),
    "NG_VEHICLE_REGISTRATION": ("pii.ng-vehicle-registration",),
    "ORGANIZATION": ("pii.ner-organisation", "pii.organisation-name"),
    "PERSON": ("pii.ner-person", "pii.person-name"),
    "PHONE_NUMBER": PHONE_RULES,
    "PH_TIN": ("pii.ph-tin",),
    "PL_PESEL": ("pii.pl-pesel",),
    "SE_ORGANISATIONSNUMMER": ("pii.se-organisation-number",),
    "SE_PERSONNUMMER": ("pii.se-personnummer",),
    "SG_NRIC_FIN": ("pii.sg-nric",),
    "SG_UEN": ("pii.sg-uen",),
    "TH_TNIN": ("pii.th-national-id", "pii.th-national-id-digits"),
    "TR_LICENSE_PLATE": ("pii.tr-licence-plate",),
    "TR_NATIONAL_ID": ("pii.tr-identity-number",),
    "UK_DRIVING_LICENCE": ("pii.uk-driving-licence",),
    "UK_NHS": ("pii.uk-nhs-number",),
    "UK_NINO": ("pii.uk-nino",),
    "UK_PASSPORT": ("pii.uk-passport-number",),
    "UK_POSTCODE": ("pii.uk-postcode",),
    "UK_VEHICLE_REGISTRATION": ("pii.uk-vehicle-registration",),
    "URL": ("pii.url", "pii.url-personal-parameters", "pii.domain-name-alone"),
    "US_BANK_NUMBER": ("pii.us-bank-account-number",),
    "US_DRIVER_LICENSE": ("pii.us-drivers-license",),
    "US_HEALTH_INSURANCE_MEMBER_ID": ("pii.health-plan-beneficiary-number",),
    "US_ITIN": ("pii.us-itin",),
    "US_MBI": ("pii.us-medicare-mbi",),
    "US_NPI": ("pii.us-npi",),
    "US_PASSPORT": ("pii.us-passport-number",),
    "US_PROVIDER_TAX_ID": ("pii.us-ein",),
    "US_SSN": ("pii.us-ssn", "pii.us-ssn-digits"),
    "ZA_ID_NUMBER": ("pii.za-identity-number",),
}
"""Presidio entity types not in this table have no policyctl rule (printed by
--presidio from the installed presidio-analyzer's own list)."""
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


def presidio_entities() -> list[str]:
    """The entity types presidio-analyzer's predefined recognizers name (the installed
    version in the bench virtualenv), NER-model recognizers included."""
    script = (
        "import inspect, json\n"
        "from presidio_analyzer import EntityRecognizer\n"
        "from presidio_analyzer import predefined_recognizers as p\n"
        "names = set()\n"
        "for _, cls in inspect.getmembers(p, inspect.isclass):\n"
        "    if not issubclass(cls, EntityRecognizer):\n"
        "        continue\n"
        "    one = inspect.signature(cls.__init__).parameters.get('supported_entity')\n"
        "    if one is not None and isinstance(one.default, str):\n"
        "        names.add(one.default)\n"
        "    names.update(getattr(cls, 'ENTITIES', None) or ())\n"
        "print(json.dumps(sorted(names)))\n"
    )
    python = CACHE / "venv" / "bin" / "python"
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True)
    names: list[str] = json.loads(done.stdout)
    return names


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
    if args.presidio:
        names = presidio_entities()
        covered = [n for n in names if PRESIDIO_ENTITY_RULES.get(n)]
        print(
            f"presidio-analyzer's predefined recognizers name {len(names)} entity types;"
            f" policyctl has rules for {len(covered)}; none for: "
            + ", ".join(n for n in names if n not in covered)
        )


if __name__ == "__main__":
    main()
