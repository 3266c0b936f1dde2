"""The matching engine: both backends agree, windows equal whole-text matching, no hangs."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from policyctl.core.errors import RuleError
from policyctl.core.model import Chunk, Location, Rule
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.rules import Ruleset, compile_ruleset, load_rules
from policyctl.engine import build_matcher
from tests.conftest import RunPolicyctl, write_files

BUILTIN = load_rules()


@cache
def _ruleset(backend: str) -> Ruleset:
    return compile_ruleset(BUILTIN, backend)


def _findings(text: str, backend: str) -> list[tuple[str, int | None, int | None, str]]:
    ruleset = _ruleset(backend)
    # every built-in rule applies to logs (some only to logs and datasets)
    chunk = Chunk(data=text.encode("utf-8"), origin=Location(path="example.log"), kind="logs")
    return [
        (f.rule_id, f.location.line, f.location.column, f.fingerprint)
        for f in detect(chunk, ruleset, DetectOptions())
    ]


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_both_backends_find_the_same_in_every_example_of_a_rule(rule: Rule) -> None:
    for text in (*rule.examples, *rule.negative_examples):
        assert _findings(text, "hyperscan") == _findings(text, "re")


def test_both_backends_find_the_same_in_all_examples_joined_into_one_text() -> None:
    texts = [t for rule in BUILTIN for t in (*rule.examples, *rule.negative_examples)]
    random.Random(7).shuffle(texts)
    joined = "\n".join(texts)
    hyperscan_findings = _findings(joined, "hyperscan")
    assert hyperscan_findings == _findings(joined, "re")
    assert len({f[0] for f in hyperscan_findings}) == len(BUILTIN)


def _rule(pattern: str, rule_id: str = "custom.test") -> Rule:
    return Rule(
        id=rule_id,
        category="secret",
        title="t",
        severity="high",
        confidence=0.9,
        data_class="credential",
        pattern=pattern,
    )


@pytest.mark.parametrize(
    "pattern",
    [
        r"tok_[a-z0-9]{4,40}",
        r"(?i)key\s{0,4}=\s{0,4}(?P<secret>[A-Z0-9]{6,12})\b",
        r"(?m)^x[0-9]{2,5}$",
        r"[ab]{3,9}c",
    ],
)
def test_windowed_confirmation_equals_matching_the_whole_text(pattern: str) -> None:
    rng = random.Random(pattern)
    fragments = ["tok_", "key", "KEY", "x", "=", " ", "\n", "a", "b", "c", "z", "0", "19", "_"]
    text = "".join(rng.choice(fragments) for _ in range(20_000)).encode()
    rules = [_rule(pattern)]
    windowed = build_matcher(rules, "hyperscan").matches(text)
    whole = build_matcher(rules, "re").matches(text)
    assert windowed == whole
    assert whole, "the generated text should contain matches"


def test_a_hit_filter_keeps_the_same_lines_in_both_backends() -> None:
    cells = b"\n".join(b"x tok_%04d y tok_%04d" % (n, n + 1) for n in range(200))
    even_lines = {n for n in range(200) if n % 2 == 0}

    def on_even_lines(end: int) -> bool:
        return cells.count(b"\n", 0, end) in even_lines

    rules = [_rule(r"tok_[0-9]{4}")]
    found = {
        backend: build_matcher(rules, backend).matches(cells, True, lambda _: on_even_lines)
        for backend in ("hyperscan", "re")
    }
    assert found["hyperscan"] == found["re"]
    assert len(found["re"]) == 200  # two in each of the 100 even lines


def test_a_pattern_hyperscan_cannot_compile_is_rejected_by_rule_name() -> None:
    with pytest.raises(RuleError, match=r"rule custom.lookahead: field 'pattern': Hyperscan"):
        build_matcher([_rule(r"secret(?=[0-9]{8})", "custom.lookahead")], "hyperscan")


def test_a_rule_that_can_match_nothing_is_rejected() -> None:
    with pytest.raises(RuleError, match=r"custom\.empty"):
        build_matcher([_rule(r"x*", "custom.empty")], "hyperscan")


def test_hostile_inputs_do_not_make_a_scan_hang(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    # Long runs that the built-in rules' prefixes and classes could chew on.
    write_files(
        tmp_path,
        {
            "as.txt": "a" * 2_000_000 + "!",
            "base64.txt": "A" * 3_000_000,
            "keys.txt": "password = '" + "x" * 1_000_000,
            "pem.txt": "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * 200_000,
            "tokens.txt": "ghp_" * 500_000,
            "urls.txt": "postgres://u:" * 200_000,
        },
    )
    result = run_policyctl("scan", tmp_path, "--no-progress", "--jobs", "1", timeout=90)
    assert result.code in (0, 1), result.err


def _mixed_inputs(root: Path, padding: int = 0) -> None:
    from tests import pii_samples as pii
    from tests.fakes import aws_access_key_id, github_pat, jwt, slack_bot_token, stripe_live_key

    write_files(
        root,
        {
            "app/settings.py": f'GITHUB_TOKEN = "{github_pat("e")}"\n'
            f'KEY = "{aws_access_key_id()}"\n'
            + "# filler line with 1234 5678 and 12.50 and v1.2.3\n"
            * padding,
            "deploy/env.sh": f"export SLACK_TOKEN={slack_bot_token()}\n"
            f"STRIPE={stripe_live_key()}\n",
            "logs/app.log": f"user {pii.email(3)} ssn {pii.ssn()} card {pii.card()}\n"
            f"auth: Bearer {jwt()}\nphone {pii.phone()} from {pii.ipv4()}\n",
        },
    )


def _fingerprints(result: Any) -> list[tuple[str, str]]:
    assert result.code == 1, result.err
    return sorted((f["rule_id"], f["fingerprint"]) for f in result.json()["findings"])


def test_auto_scans_a_small_input_on_an_empty_cache_without_compiling_and_finds_the_same(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """The cold start of a CI job: `auto` matches a few files with `re` rather than
    compiling the database for seconds (policyctl.engine.adaptive); Hyperscan finds the same."""
    _mixed_inputs(tmp_path / "repo")
    cache = tmp_path / "cache"
    env = {"POLICYCTL_CACHE_DIR": str(cache)}
    scan = ("scan", tmp_path / "repo", "-f", "json", "--no-audit", "--no-progress")
    cold = _fingerprints(run_policyctl(*scan, env=env))
    assert not list(cache.glob("hs-*.db")), "a small scan on an empty cache compiled"
    assert {rule for rule, _ in cold} >= {"pii.email-address", "secret.jwt"}
    compiled = _fingerprints(run_policyctl(*scan, "--engine", "hyperscan", env=env))
    assert list(cache.glob("hs-*.db"))
    assert compiled == cold
    assert _fingerprints(run_policyctl(*scan, env=env)) == cold  # auto, now from the cache


def test_auto_compiles_once_the_input_is_large(tmp_path: Path, run_policyctl: RunPolicyctl) -> None:
    from policyctl.engine.adaptive import RE_BUDGET

    _mixed_inputs(tmp_path / "repo", padding=RE_BUDGET // 40)
    cache = tmp_path / "cache"
    scan = ("scan", tmp_path / "repo", "-f", "json", "--no-audit", "--no-progress", "-j", "1")
    found = _fingerprints(run_policyctl(*scan, env={"POLICYCTL_CACHE_DIR": str(cache)}))
    assert list(cache.glob("hs-*.db")), "a large scan should compile and cache the database"
    assert found == _fingerprints(run_policyctl(*scan, "--engine", "re"))
