"""A secret rule's keywords must be in every text its pattern matches.

Both engines run a pattern only where one of its keywords is in the text (the `re`
engine before matching, Hyperscan before confirming a hit: tests/unit/test_engine.py),
so a keyword list that misses a spelling the pattern allows (`PrivateKey=` for
`private_?key`, `sqa_` for `sq[pua]_`, `oracle://` for a list of database schemes)
misses that spelling on either engine. Until Hyperscan applied the test too, such a gap
made a finding depend on the engine, and so on the cache. Strings drawn at random from
each pattern (a seeded generator, so the test is deterministic) must hold a keyword in
the part the pattern matched."""

from __future__ import annotations

import random
import re

from bench.peer_vectors import Unsupported, random_match
from policyctl.detection.rules import load_rules

DRAWS = 12

KNOWN = {
    # the keywords spell one space where the pattern allows any run of blanks; device
    # configurations and command lines as written hold one space
    "secret.cisco-plaintext-secret",
    "secret.cisco-secret-hash",
    "secret.cisco-type7-password",
    "secret.net-use-password",
    "secret.net-use-password-after-user",
    "secret.okta-ssws-header",
    "secret.php-mysql-connect-password",
    # the provider's name as keyword without the name in the pattern: a token of this
    # shape is reported only where the provider is named somewhere in the file
    "secret.mailgun-private-key",
    "secret.ngrok-authtoken",
}
"""Rules left as they are, each for the reason given."""


def test_every_match_of_a_secret_rule_holds_one_of_its_keywords() -> None:
    rng = random.Random(16)
    gaps: dict[str, str] = {}
    for rule in load_rules():
        if not rule.keywords or rule.category != "secret" or rule.id in KNOWN:
            continue
        if rule.context.required:
            continue  # not tried where its context words are absent, on either engine
        keywords = [k.lower() for k in rule.keywords]
        pattern = re.compile(rule.pattern)
        for _ in range(DRAWS):
            try:
                drawn = random_match(rule.pattern, rng, 0.0)
            except Unsupported:
                break
            found = pattern.search(drawn)
            if found and not any(k in found.group(0).lower() for k in keywords):
                gaps[rule.id] = found.group(0)[:60]
                break
    assert gaps == {}
