"""Whether a rule's match carries its provider's own mark: a literal prefix of the value,
or the provider's name in the key the value is assigned to.

Read from the rule's pattern (the `secret` group and what comes before it), so no rule
has to say it and a new rule cannot forget to. The false-positive filters ask it only
when a filter that judges how a value was typed rejects one (see
secret_filters.weigh), so patterns are parsed a few at a time, never at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any, NamedTuple

SECRET_GROUP = "secret"
MIN_PREFIX = 3
"""Literal characters a value must start with to carry a prefix (`sk-`, `ghp_`, `figd_`,
`xkeysib-`): two (`SK`, `00`) turn up at the start of random text too often."""
MIN_TOKEN = 16
"""Characters a value must have at the least to be taken for one a provider generated."""
FILLER_RUN = 8
"""One character this many times in a row (`sk_live_00000000...`) is filler, not random
text (in 40 random base62 characters such a run turns up about once in 10^11), unless
the format writes such a run itself (Anchor.literal_run)."""
SMALL_SET = 3
"""Characters a class may offer and still count as a literal position."""
MIN_NAME = 4
"""Letters of a literal run before the value that name a provider (`abstract_?api`)."""
GENERIC_KEY_WORDS = frozenset(
    {
        "api",
        "apikey",
        "key",
        "keys",
        "token",
        "tokens",
        "secret",
        "secrets",
        "password",
        "passwd",
        "pass",
        "auth",
        "authorization",
        "bearer",
        "basic",
        "access",
        "private",
        "client",
        "credential",
        "credentials",
        "export",
        "value",
        "header",
        "http",
        "https",
    }
)
"""Words of a key that name a credential, not a provider: a rule whose only literal
before the value is one of these is a generic rule in all but its tag."""

_Items = Any  # a parsed pattern (sre_parse.SubPattern) or a list of its items


class Anchor(NamedTuple):
    """The mark a rule's match carries: `kind` "prefix" (every value starts with `prefix`
    literal characters, MIN_PREFIX or more), "key" (the text before the value holds a
    literal name of MIN_NAME letters or more that is not a generic key word) or "slot"
    (such a name before a password: PASSWORD_SLOT)."""

    kind: str
    prefix: int = 0
    literal_run: bool = False
    """The format itself writes one character FILLER_RUN times or more in a row (a
    Twitter bearer token opens with 21 `A`s, a Dropbox token holds ten)."""


PASSWORD_SLOT = Anchor("slot")
"""The mark of a password's place: the pattern takes its value as typed (see
_token_shaped: what is not a delimiter) where its syntax holds a password
(`ConvertTo-SecureString "..." -AsPlainText`, `mysqli_connect(host, user, "...")`,
`schtasks ... /rp`, `postgres://user:...@`). Only a rule that is not generic is such a
place (secret_filters._mark): a generic rule's pattern is any key's assignment."""


@lru_cache(maxsize=2048)
def provider_anchor(pattern: str) -> Anchor | None:
    """The provider's mark the pattern's matches carry, or None (a value of a generic
    shape). A password (a value the pattern takes as typed) is marked PASSWORD_SLOT: a
    slot, not a token."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    index = parsed.state.groupdict.get(SECRET_GROUP)
    if index is None:
        return None
    path = _path_to_group(list(parsed), index)
    if path is None:
        return None
    group, before = path
    if not _token_shaped(group):
        return PASSWORD_SLOT if _takes_anything(group) else None
    prefix = _literal_prefix(group)
    literal_run = any(_repeats(run) for run in _literal_runs(group))
    if prefix >= MIN_PREFIX:
        return Anchor("prefix", prefix, literal_run)
    if any(_names_provider(run) for run in _literal_runs(before)):
        return Anchor("key", prefix, literal_run)
    return None


def _path_to_group(items: list[Any], index: int) -> tuple[_Items, list[Any]] | None:
    """The secret group's items, and the items that every match passes before it (the
    items of enclosing groups before it, in order). Alternatives before the group
    (`(?:a|b)`) count as such an item: the literal runs of each are judged alone."""
    for position, (op, av) in enumerate(items):
        if op is sre.SUBPATTERN:
            if av[0] == index:
                return av[3], items[:position]
            inner = _path_to_group(list(av[3]), index)
            if inner is not None:
                return inner[0], items[:position] + inner[1]
        elif op is sre.BRANCH:
            for branch in av[1]:
                inner = _path_to_group(list(branch), index)
                if inner is not None:
                    return inner[0], items[:position] + inner[1]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            inner = _path_to_group(list(av[2]), index)
            if inner is not None:
                return inner[0], items[:position] + inner[1]
    return None


def _token_shaped(group: _Items) -> bool:
    """A value a provider issues: MIN_TOKEN characters or more, each from a class it names
    (`[A-Za-z0-9]{32}`), where a password's pattern takes what is not a delimiter
    (`[^\\s@:]+`, `.+`): a password is typed by a person, so the signs of typing
    stay evidence against it."""
    if group.getwidth()[0] < MIN_TOKEN:
        return False
    return not _takes_anything(group)


def _takes_anything(items: _Items) -> bool:
    for op, av in items:
        if op is sre.NOT_LITERAL or op is sre.ANY:
            return True
        if op is sre.IN and any(member is sre.NEGATE for member, _ in av):
            return True
        if op is sre.SUBPATTERN and _takes_anything(av[3]):
            return True
        if op is sre.BRANCH and any(_takes_anything(branch) for branch in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and _takes_anything(av[2]):
            return True
    return False


def _literal_prefix(items: _Items) -> int:
    """The fewest literal characters any match of `items` starts with."""
    return _literal_start(items)[0]


def _literal_start(items: _Items) -> tuple[int, bool]:
    """The fewest literal characters any match of `items` starts with, and whether
    `items` are literal throughout (so that what follows them continues the run)."""
    count = 0
    for op, av in items:
        if op is sre.LITERAL or (op is sre.IN and _one_letter(av)):
            count += 1
            continue
        if op is sre.SUBPATTERN:
            inner, whole = _literal_start(av[3])
        elif op is sre.BRANCH:
            starts = [_literal_start(branch) for branch in av[1]]
            inner, whole = min(n for n, _ in starts), all(w for _, w in starts)
            whole = whole and len({n for n, _ in starts}) == 1
        else:
            return count, False
        count += inner
        if not whole:
            return count, False
    return count, True


def _one_letter(members: list[Any]) -> bool:
    """A class of a few literal characters (`[Aa]`, `[sr]` of `(?:sk|rk)_live_`, which
    the parser folds so): a fixed character of the format all the same."""
    return len(members) <= SMALL_SET and all(op is sre.LITERAL for op, _ in members)


def _literal_runs(items: _Items) -> list[str]:
    """The runs of literal text in `items` that a match must pass through, each branch of an
    alternation on its own."""
    runs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    for op, av in items:
        if op is sre.LITERAL:
            current.append(chr(av))
        elif op is sre.IN and _one_letter(av):
            current.append(chr(av[0][1]))  # (a name: `[Ss]tripe` reads as `Stripe`)
        elif op is sre.SUBPATTERN:
            inner = _literal_runs(av[3])
            if len(inner) == 1 and not _has_other(av[3]):
                current.append(inner[0])  # `(?i:abstract)` continues a run
            else:
                close()
                runs.extend(inner)
        elif op is sre.BRANCH:
            close()
            branches = [_literal_runs(branch) for branch in av[1]]
            # a name every branch holds (`(?:stripe|STRIPE)`) is one that must be passed
            if all(any(_names_provider(run) for run in branch) for branch in branches):
                runs.extend(run for branch in branches for run in branch)
        elif op is sre.MAX_REPEAT or op is sre.MIN_REPEAT:
            close()
            if av[0] >= 1:
                runs.extend(_literal_runs(av[2]))
        else:
            close()
    close()
    return runs


def _has_other(items: _Items) -> bool:
    return any(op not in (sre.LITERAL,) and not (op is sre.IN and _one_letter(av))
               for op, av in items)  # fmt: skip


def _repeats(run: str) -> bool:
    return any(ch * FILLER_RUN in run for ch in set(run))


_WORD = re.compile(r"[a-z]+")


def _names_provider(run: str) -> bool:
    """A literal run holding a word of MIN_NAME letters that is not a generic key word."""
    words = _WORD.findall(run.lower())
    return any(len(word) >= MIN_NAME and word not in GENERIC_KEY_WORDS for word in words)
