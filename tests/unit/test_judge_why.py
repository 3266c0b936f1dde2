"""detect.judge names the step that rejects a match, and the vector benches' --why
(bench/peer_vectors.why_missed) labels each missed case with it."""

from __future__ import annotations

import base64
from pathlib import Path

from bench.peer_vectors import why_missed
from policyctl.core.model import Chunk, Location
from policyctl.detection.detect import DetectOptions, Verdict, assess_chunk, judge, needs_context
from policyctl.detection.rules import compile_ruleset, load_rules
from tests import fakes


def _verdicts(text: str) -> dict[str, Verdict | str]:
    ruleset = compile_ruleset(load_rules())
    chunk = Chunk(data=text.encode(), origin=Location(path="app/settings.env"))
    matches = ruleset.matcher_for(chunk.kind).matches(chunk.data)
    return {ruleset.rules[m.rule].id: judge(chunk, m, ruleset, DetectOptions()) for m in matches}


def test_judge_gives_a_verdict_or_the_rejecting_step() -> None:
    key = "m" + "0-" + fakes.pick(fakes.ALNUM, 40, "judge")
    assert isinstance(_verdicts(f"MEM0_API_KEY={key}\n")["secret.mem0-api-key"], tuple)
    # the same key with the word naming Mem0 too far from it: the rule requires one near
    # (where the word is nowhere, the rule is not tried at all: see the last test)
    far = f"value {key}\n" + "#" * 200 + "\n# mem0 client\n"
    assert _verdicts(far)["secret.mem0-api-key"] == "context"
    # a placeholder value, rejected by that named filter
    held = _verdicts("MEM0_API_KEY=m0-" + "x" * 40 + "\n")
    assert held["secret.mem0-api-key"] == "filter:obvious_placeholder"


def test_why_labels_each_missed_case(tmp_path: Path) -> None:
    key = "m" + "0-" + fakes.pick(fakes.ALNUM, 40, "why")
    cases = {
        "pos/a/000.txt": "nothing to see here\n",
        "pos/b/000.txt": "MEM0_API_KEY=m0-" + "x" * 40 + "\n",
        # Mem0 named in the file, but further from the key than the rule's window
        "pos/c/000.txt": f"value {key}\n" + "#" * 200 + "\n# mem0 client\n",
        # and nowhere: the rule, which requires the word, is not tried at all
        "pos/e/000.txt": f"value {key}\n",
        # inside a base64 value of a Kubernetes Secret, which the scan decodes
        "pos/f/000.yaml": "kind: Secret\ndata:\n  env: "
        + base64.b64encode(("MEM0_API_KEY=m0-" + "x" * 40 + "\n").encode()).decode()
        + "\n",
        "pos/d/000.txt": f"MEM0_API_KEY={key}\n",
    }
    for rel, text in cases.items():
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(text)
    labels = why_missed(tmp_path, list(cases))
    assert labels["pos/a/000.txt"] == "norule"
    assert labels["pos/b/000.txt"].startswith("filter:obvious_placeholder  ")
    assert "secret.mem0-api-key:filter:obvious_placeholder" in labels["pos/b/000.txt"]
    assert labels["pos/c/000.txt"] == "rejected:context  secret.mem0-api-key:context"
    assert labels["pos/d/000.txt"].startswith("accepted  ")
    assert labels["pos/e/000.txt"] == "norule"
    assert "secret.mem0-api-key(base64):filter:obvious_placeholder" in labels["pos/f/000.yaml"]
    # the labels name rules and steps, never the value
    assert not any(key in label for label in labels.values())


def test_a_rule_that_requires_its_context_word_is_not_tried_where_the_word_is_absent() -> None:
    """Tavus's pattern alone is 32 hex digits (any MD5 digest): where no word names Tavus,
    the engine does not hand its matches to judge, which would reject each of them."""
    ruleset = compile_ruleset(load_rules())
    index = {rule.id: i for i, rule in enumerate(ruleset.rules)}
    options = DetectOptions()
    assert needs_context(ruleset, index["secret.tavus-api-key"], options)
    assert not needs_context(ruleset, index["secret.generic-assignment"], options)
    digest = fakes.pick("0123456789abcdef", 32, "md5")
    chunk = Chunk(data=f'etag = "{digest}"\n'.encode(), origin=Location(path="app/cache.py"))
    assert assess_chunk(chunk, ruleset, options) == []
    named = Chunk(data=f'TAVUS_API_KEY="{digest}"\n'.encode(), origin=Location(path="a.env"))
    assert [ruleset.rules[v.match.rule].id for v in assess_chunk(named, ruleset, options)] == [
        "secret.tavus-api-key"
    ]
