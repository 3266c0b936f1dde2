"""The shortcuts of the throughput work (issue 18) find what the long way finds: decode
triggers taken from the rules' own Hyperscan pass, a validator asked before the other
steps when its "no" is final, small logs among code matched with the code's database."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, write_files
from tests.fakes import ALNUM, github_pat, pick, slack_bot_token

SCAN = ("--format", "json", "--no-audit", "--no-progress", "--no-ignore", "--jobs", "1")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _places(result: object) -> list[tuple[str, int, str | None]]:
    findings = result.json()["findings"]  # type: ignore[attr-defined]
    return sorted((f["rule_id"], f["location"]["line"], f.get("decoded")) for f in findings)


def test_every_kind_of_decode_trigger_is_found_alike_in_the_rules_pass_and_on_its_own(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    """Hyperscan finds the triggers (Basic auth, a Secret manifest, %XX escapes) in the
    rules' own pass; the `re` engine looks for them apart. Same findings, same places."""
    password = pick(ALNUM, 18, "fast-url")
    url = quote(f"postgresql://app:{password}@db.internal:5432/orders", safe="")
    write_files(
        tmp_path,
        {
            "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\n"
            f"data:\n  token: {_b64(github_pat('fast-k8s'))}\n",
            "deploy/curl.sh": "curl -H 'Authorization: Basic "
            f"{_b64('bot:' + slack_bot_token('fast-basic'))}' https://x.test\n",
            "app/env.txt": f"DATABASE={url}\n",
        },
    )
    fast = policyctl_in_process("scan", tmp_path, *SCAN, "--engine", "hyperscan")
    apart = policyctl_in_process("scan", tmp_path, *SCAN, "--engine", "re")
    assert fast.code == apart.code == 1, fast.err
    assert _places(fast) == _places(apart)
    assert {decoded for _, _, decoded in _places(fast)} >= {"base64", "url"}
    assert ("secret.github-pat-classic", 6, "base64") in _places(fast)
    assert ("secret.slack-bot-token", 1, "base64") in _places(fast)


def test_a_card_number_its_checksum_refutes_is_dropped_at_the_threshold_and_flagged_below_it(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    """The card validator runs first when a refuted number could never pass (default
    threshold); with a threshold low enough for a refuted one, it is still reported,
    marked `validated: false`, as every validator's "no" is."""
    good = pii.card()
    refuted = good[:-1] + "2"  # the Luhn check digit changed
    write_files(tmp_path, {"billing.txt": f"card {good}\ncard {refuted}\n"})
    default = policyctl_in_process("scan", tmp_path, *SCAN)
    cards = [f for f in default.json()["findings"] if f["rule_id"] == "pii.payment-card-number"]
    assert [(f["location"]["line"], f["validated"]) for f in cards] == [(1, True)]
    low = policyctl_in_process("scan", tmp_path, *SCAN, "--min-confidence", "0.1")
    cards = [f for f in low.json()["findings"] if f["rule_id"] == "pii.payment-card-number"]
    assert [(f["location"]["line"], f["validated"]) for f in cards] == [(1, True), (2, False)]


_RULES = """rules:
- id: custom.token
  title: Custom token
  category: secret
  severity: high
  data_class: credential
  pattern: '\\btok_[a-z]{16}\\b'
  examples: ['tok_aaaaaaaaaaaaaaaa']
  negative_examples: ['nothing here']
- id: custom.ticket
  title: Ticket number in logs
  category: pii
  severity: low
  data_class: contact
  sources: [logs]
  pattern: '\\bTCK-[0-9]{6}\\b'
  examples: ['TCK-123456']
  negative_examples: ['TCK-12']
"""


def test_small_logs_among_code_use_the_code_database_and_one_of_their_own_rules(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """Once a scan of code has cached the database of the rules for every kind, a small
    log is matched with it and with a database of the logs' own rules (compiled once),
    not with every rule's `re` at every run; the findings are `re`'s."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(_RULES, encoding="utf-8")
    code = tmp_path / "code"
    write_files(code, {"app.py": "KEY = 'tok_" + "q" * 16 + "'\n"})
    mixed = tmp_path / "mixed"
    write_files(
        mixed,
        {
            "app.py": "KEY = 'tok_" + "q" * 16 + "'\n",
            "app.log": "user opened TCK-" + "123456" + " with tok_" + "w" * 16 + "\n",
        },
    )
    cache = tmp_path / "cache"
    env = {"POLICYCTL_CACHE_DIR": str(cache)}
    custom = ("--rules", rules, "--enable", "custom.*", *SCAN)
    assert run_policyctl("scan", code, *custom, "--engine", "hyperscan", env=env).code == 1
    databases = set(cache.glob("hs-*.db"))
    assert len(databases) == 1, "the code's database (rules for every kind)"

    split = run_policyctl("scan", mixed, *custom, env=env)
    assert split.code == 1, split.err
    own = set(cache.glob("hs-*.db")) - databases
    assert len(own) == 1, "one database more: the logs' own rules"

    whole = run_policyctl("scan", mixed, *custom, "--engine", "hyperscan", env=env)
    assert len(set(cache.glob("hs-*.db")) - databases - own) == 1, "all the logs' rules differ"
    reference = run_policyctl("scan", mixed, *custom, "--engine", "re", env=env)
    expected = [
        ("custom.ticket", 1, None),
        ("custom.token", 1, None),
        ("custom.token", 1, None),
    ]
    assert _places(split) == _places(whole) == _places(reference) == expected


_GATED_RULES = """rules:
- id: custom.widget-key
  title: Widget key (40 hex digits, Widget Co named nearby)
  category: secret
  severity: high
  data_class: credential
  pattern: '(?:^|[^0-9a-f])(?P<secret>[0-9a-f]{40})(?:[^0-9a-f]|$)'
  context:
    words: [widget co, wdgt]
    required: true
    window: 40
  examples: ['widget co key 0123456789abcdef0123456789abcdef01234567']
  negative_examples: ['0123456789abcdef0123456789abcdef01234567']
- id: custom.plain-token
  title: Plain token
  category: secret
  severity: high
  data_class: credential
  pattern: '\\btok_[a-z]{16}\\b'
  examples: ['tok_aaaaaaaaaaaaaaaa']
  negative_examples: ['nothing here']
"""


def test_rules_that_need_their_words_are_scanned_only_where_a_word_is_and_find_the_same(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """A rule whose context is required sits in a database of its own, scanned only over
    files that hold one of its words (as the text folds: any case, `_` or `-` for a
    space), and over every chunk of a table, whose column names count too. The findings
    are the `re` engine's, which scans every rule everywhere."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(_GATED_RULES, encoding="utf-8")
    keys = [pick("0123456789abcdef", 40, f"gated-key-{n}") for n in range(6)]
    token = "tok_" + pick("abcdefghijklmnopqrstuvwxyz", 16, "gated-tok")
    folder = tmp_path / "code"
    write_files(
        folder,
        {
            "named.py": f"# Widget Co\nWIDGET = '{keys[0]}'\n",
            "folded.py": f"WIDGET_CO_KEY = '{keys[1]}'\n",
            "far.py": "# wdgt\n" + "x = 1\n" * 20 + f"KEY = '{keys[2]}'\n",
            "bare.py": f"COMMIT = '{keys[3]}'\nTOKEN = '{token}'\n",
            "app.log": f"2026-01-01 login WDGT key={keys[4]} ok\n",
            "table.csv": f"id,note\n1,wdgt {keys[5]}\n",
        },
    )
    cache = tmp_path / "cache"
    env = {"POLICYCTL_CACHE_DIR": str(cache)}
    custom = ("--rules", rules, "--enable", "custom.*", *SCAN)
    fast = run_policyctl("scan", folder, *custom, "--engine", "hyperscan", env=env)
    reference = run_policyctl("scan", folder, *custom, "--engine", "re", env=env)
    assert fast.code == reference.code == 1, fast.err
    found = sorted(
        (f["rule_id"], f["location"]["path"], f["location"]["line"])
        for f in fast.json()["findings"]
    )
    assert found == sorted(
        (f["rule_id"], f["location"]["path"], f["location"]["line"])
        for f in reference.json()["findings"]
    )
    assert found == [
        ("custom.plain-token", "bare.py", 2),
        ("custom.widget-key", "app.log", 1),
        ("custom.widget-key", "folded.py", 1),
        ("custom.widget-key", "named.py", 2),
        ("custom.widget-key", "table.csv", 2),
    ]
    assert not any(key in fast.out + fast.err for key in keys)
    # the main database (the words as marks) and the gated rule's, which is also the
    # database of every gated rule the table's lines are scanned with (one rule here)
    assert len(set(cache.glob("hs-*.db"))) == 2


def test_card_like_digits_of_decimals_are_left_out_by_both_engines_and_real_cards_kept(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    """The engines leave out a card-like match inside a decimal number (the decimal_number
    filter's answer, asked before any match is made); a card beside such digits, on the
    same line or right after them, is still found, on either engine, at any threshold."""
    digits = pii.card().replace(" ", "")
    write_files(
        tmp_path,
        {
            "coords.json": f"[[{digits}.25, 0.{digits}], [1.5, 2.{digits}]]\n",
            "billing.txt": f"x = 3.{digits}; card {pii.card()}\n"
            f"{digits}.5 then card {digits}\n"
            f"card {digits}.\n",
        },
    )
    for threshold in ("0.7", "0.1"):
        found = [
            _places(
                policyctl_in_process(
                    "scan", tmp_path, *SCAN, "--engine", engine, "--min-confidence", threshold
                )
            )
            for engine in ("hyperscan", "re")
        ]
        assert found[0] == found[1]
        cards = [(line, rule) for rule, line, _ in found[0] if rule == "pii.payment-card-number"]
        assert cards == [
            (1, "pii.payment-card-number"),
            (2, "pii.payment-card-number"),
            (3, "pii.payment-card-number"),
        ], threshold
