"""Named false-positive filters for secret candidates: each says why a value is not a secret.

A rule lists the filters it wants in its `filters` field (the generic assignment rules
use them all). Every filter is a pure function of a `Candidate` that returns True when
the candidate should be dropped, and its name says what it rejects, so each can be
tested, switched on per rule and explained on its own (the detect-secrets habit).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath
from typing import NamedTuple

from policyctl.detection.entropy import shannon_entropy
from policyctl.detection.provider_anchor import (
    FILLER_RUN,
    MIN_TOKEN,
    PASSWORD_SLOT,
    Anchor,
    provider_anchor,
)
from policyctl.validators.personal_urls import url_names_person
from policyctl.validators.tokens import crc32_checksum_token


@dataclass(frozen=True)
class Candidate:
    """A matched value with what surrounds it on its line, and the file it is in."""

    value: str
    before: str = ""
    """The text of the line before the value (the key, the operator, an opening quote)."""
    after: str = ""
    path: str = ""
    above: str = ""
    """The few lines before the value's line (see detect.candidate): a statement or a
    documentation block that started there."""
    block_above: str = ""
    """More lines before the value's line (up to 30, 2 KB): where a documentation code
    block that holds the value opened (see is_documentation_example)."""
    field: str | None = None
    """The column name or key path when the value's line is a table cell or a JSON
    record's value (None on a line of text)."""


PLACEHOLDER_VALUES = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "null",
        "none",
        "nil",
        "true",
        "false",
        "undefined",
        "empty",
        "default",
        "admin",
        "root",
        "test",
        "testing",
        "string",
        "required",
        "optional",
        "hidden",
        "masked",
        "p@ssw0rd",
        "passw0rd",
        "password1",
        "password123",
        "letmein",
        "qwerty",
        "s3cr3t",
    }
)


OBVIOUS_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "example",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yoursecret",
    "yourpassword",
    "yourtoken",
    "insert",
    "replace",
    "fixme",
    "todo",
    "notreal",
    "not_real",
    "not-a-real",
    "fake",
    "secret_here",
    "xxxx",
    "****",
    "....",
    "####",
    "<your",
    "[your",
)
"""The words of PLACEHOLDER_WORDS that say outright the value is not a real one (`insert
your key`, `fake`, `xxxx`): an instruction or a mask, whatever its shape."""

PLACEHOLDER_WORDS = (
    *OBVIOUS_PLACEHOLDER_WORDS,
    "foobar",
    "password",
    "passwd",
    "passw0rd",
    "p@ss",
    "s3cr3t",
    "secret1",
    "test1",
    "mock",
    "1234",
    "dontshow",
    "do-not-",
    "supersecret",
    "super_secret",
    "forbidden",
    "token",
    "w0rd",
    "pa55",
    "s3cret",
    "str0ng",
)
"""What is_placeholder looks for: the obvious words, and those of values a person
typed for a test or a demo (`1234`, `token`, `p@ss`, `mock`)."""


def is_placeholder(c: Candidate) -> bool:
    """`changeme`, `<your-token>`, `xxxx`, `****`, `example`, `dummy`, `password` ..."""
    if says_not_real(c.value):
        return True
    lowered = c.value.lower()
    return any(word in lowered for word in PLACEHOLDER_WORDS)


def says_not_real(value: str) -> bool:
    """A value that says it is not a real one: a placeholder value (`password`, `null`),
    `<your-token>`, an elided value (`e72ca1655d05...`) or a word of
    OBVIOUS_PLACEHOLDER_WORDS (`changeme`, `your_`, `example`, `xxxx`)."""
    lowered = value.lower()
    if lowered.strip("'\"`") in PLACEHOLDER_VALUES:
        return True
    if lowered.startswith("<") and lowered.endswith(">"):
        return True
    if lowered.endswith(("...", "\u2026")):
        return True  # an elided example: `"token": "e72ca1655d05..."`
    return any(word in lowered for word in OBVIOUS_PLACEHOLDER_WORDS)


def has_filler_run(value: str) -> bool:
    """Two characters or fewer, or one character FILLER_RUN times in a row."""
    if len(set(value)) <= 2:
        return True
    run = 1
    for previous, current in pairwise(value):
        run = run + 1 if current == previous else 1
        if run >= FILLER_RUN:
            return True
    return False


def is_obvious_placeholder(c: Candidate) -> bool:
    """A value that says it is not a real one (says_not_real: `changeme`, `<your-key>`,
    `xxxx`, `example`) or is filler (`00000000`). Unlike is_placeholder, not a sign of
    a value a person typed (`1234`, `token`, `p@ss`): a provider's mark outweighs those
    (see weigh)."""
    return says_not_real(c.value) or has_filler_run(c.value)


_TEMPLATE = re.compile(
    r"\$\{[^}]*\}?|\{\{.*?\}\}|\{%.*?%\}|<%.*?%>|#\{[^}]*\}|%\([A-Za-z_]+\)[sd]|%[A-Za-z_]+%"
    r"|^\$[A-Za-z_][A-Za-z0-9_]*$|^\{[A-Za-z_][A-Za-z0-9_.]*\}$|^@[A-Za-z_.]+@$|^__[A-Za-z_]+__$"
    r"|^@[A-Z][A-Z0-9_]+$"
)


def is_templated(c: Candidate) -> bool:
    """`${VAR}`, `{{ secret }}`, `{% x %}`, `<%= x %>`, `#{x}`, `%(x)s`, `%VAR%`, `$VAR`, `{x}`,
    `@SECRET_KEY` (a template's placeholder filled in at build time)."""
    return _TEMPLATE.search(c.value) is not None


_ENV_LOOKUPS = (
    "os.environ",
    "os.getenv",
    "getenv(",
    "process.env",
    "env(",
    "env[",
    "env.",
    "environ[",
    "environ.get",
    "system.getenv",
    "secrets.",
    "vault(",
    "lookup(",
    "config.get",
    "settings.",
    "$env:",
    "valuefrom",
    "secretkeyref",
    "!ref",
    "fn::",
    "ssm:",
    "secretsmanager",
)


_LOOKUP_DEFAULT = re.compile(
    r"""\b(?:getenv|environ\.get|env\.get|env|fetch|get)\(\s*['"][A-Za-z0-9_.\-]+['"]\s*,\s*['"]$"""
)
"""The second argument of a lookup by name: `os.environ.get('DJANGO_SECRET_KEY', '...`,
`os.getenv("JINA_KEY", "...`, `ENV.fetch("TOKEN", "...`."""


def is_env_lookup(c: Candidate) -> bool:
    """The value is read from the environment or a secret store, not written in the file.
    The default a lookup falls back to (`os.getenv("API_KEY", "<value>")`) is written in
    the file: that one is judged as any other value."""
    if _LOOKUP_DEFAULT.search(c.before) is not None:
        return False
    lowered = (c.before[-60:] + c.value).lower()
    return any(lookup in lowered for lookup in _ENV_LOOKUPS)


_REFERENCE = re.compile(
    r"^(?:[A-Za-z_$][A-Za-z0-9_$]{1,39}(?:(?:\.|->|::)[A-Za-z_$][A-Za-z0-9_$]{0,39})+"
    r"|_*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|_*[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
    r"|[a-z]{2,}(?:[A-Z][a-z]{2,}){1,6}[0-9]{0,2}|[a-z]+(?:-[a-z]+)+)$"
)
"""Identifier shapes: dotted attribute paths, CONSTANT_NAMES, snake_case, camelCase made of
words (not a random mix of cases), kebab-case."""


_NAME_PARTS = re.compile(r"->|::|[._$\-]")
WEAK_WORDS = 4
"""Words of one or two letters, not an acronym (`a`, `Bc`, `H`), that make a part
generated: a name has one or two (`Ed25519PrivateKey`, `AWSAccessKeyId`, `iOSKey`),
letters mixed case by case are all such (`aBcDeFgH`, `JGbZZaCk`)."""
GENERATED_PART = 8
"""Characters a part of a value must have to be judged generated (`x509`, `utf8mb4` and
`oauth2` are shorter)."""
DIGIT_SWITCHES = 3


def is_generated_part(part: str) -> bool:
    """A part a generator wrote, not a word of a name: GENERATED_PART characters or more,
    and digits mixed in among the letters (`f252zhq7`, `a1b2c3d4`: three switches between
    letters and digits or more, where a name ends in a number, `version2`, or holds one,
    `sha256sum`), or letters that do not read as words (`aBcDeFgH`, `JGbZZaCk`: cases
    mixed one letter at a time)."""
    if len(part) < GENERATED_PART:
        return False
    kinds = ["d" if ch.isdigit() else "a" if ch.isalpha() else "o" for ch in part]
    switches = sum(1 for a, b in pairwise(kinds) if a != b)
    if switches >= DIGIT_SWITCHES and "d" in kinds and "a" in kinds:
        return True
    words = _KEY_WORD.findall(part)
    weak = sum(
        1 for w in words if w.isalpha() and (len(w) == 1 or (len(w) == 2 and not w.isupper()))
    )
    return weak >= WEAK_WORDS


def is_prefixed_token(value: str) -> bool:
    """A value with a body a generator wrote after a short prefix of words
    (`sandbox_f252zhq7_hh4cpc39zq4rgjcg`, `pk_prod_a1b2...`, `hvb.JGbZZaCk...`,
    `s.Z4bTMtng...`): some part of it, cut at `_ . - $ -> ::`, is_generated_part."""
    return any(is_generated_part(part) for part in _NAME_PARTS.split(value))


def is_variable_reference(c: Candidate) -> bool:
    """A name, not a value: `self.password`, `DB_PASSWORD`, `secret_key`, `apiToken`,
    `config.auth.token`. A name is made of words; a token that has the same outline
    (`ak_de656ec86bcab...`, `na1.Abcd1234Efgh...`) has a part no name holds (see
    is_prefixed_token)."""
    return _REFERENCE.match(c.value) is not None and not is_prefixed_token(c.value)


def is_repeated_characters(c: Candidate) -> bool:
    """`aaaaaaaa`, `abababab`, `000000`, `Xq7vKp2mXq7vKp2m`: few distinct characters, or
    one unit repeated (a short one, or any written out twice or more). A generated
    credential does not repeat itself; a person pasting a made-up value to fill a field
    of the right length does."""
    value = c.value
    if len(set(value)) <= 2:
        return True
    for unit in range(1, len(value) // 2 + 1):
        if unit > 8 and len(value) % unit:
            continue  # past short units, only whole repeats: `abc...abc`
        if value == (value[:unit] * (len(value) // unit + 1))[: len(value)]:
            return True
    return False


_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789012345678901234567890123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "1234567890qwertyuiop",
)
SEQUENCE_RUN = 6


def is_sequence(c: Candidate) -> bool:
    """`abcdef...`, `123456789`, `qwerty...`: a long run of a keyboard or alphabet sequence."""
    lowered = c.value.lower()
    for sequence in _SEQUENCES:
        doubled = sequence + sequence
        reverse = doubled[::-1]
        for start in range(0, max(1, len(lowered) - SEQUENCE_RUN + 1)):
            run = lowered[start : start + SEQUENCE_RUN]
            if len(run) == SEQUENCE_RUN and (run in doubled or run in reverse):
                return True
    return False


LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "cargo.lock",
        "go.sum",
        "composer.lock",
        "gemfile.lock",
        "packages.lock.json",
        "flake.lock",
        "mix.lock",
        "podfile.lock",
        "pubspec.lock",
        "gradle.lockfile",
    }
)
_INTEGRITY = re.compile(r"^(?:sha1|sha256|sha384|sha512|md5)[-:=]", re.IGNORECASE)


def is_lockfile_hash(c: Candidate) -> bool:
    """Hashes in lockfiles and `integrity: sha512-...` pins: checksums, not credentials."""
    name = PurePosixPath(c.path).name.lower()
    return name in LOCKFILES or _INTEGRITY.match(c.value) is not None


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PLAIN_KEY = re.compile(r"(?:id|uuid|guid|name|ref|version|type|tenant|client|account)\W*$", re.I)


def is_uuid_with_plain_key(c: Candidate) -> bool:
    """A UUID under a key that names an identifier (`client_id`, `secret_name`, `token_uuid`).

    A UUID under `api_key` or `password` stays: several providers issue UUID keys.
    """
    if _UUID.match(c.value) is None:
        return False
    key = _key_of(c.before)
    return _PLAIN_KEY.search(key) is not None


_HASH_KEY = re.compile(
    r"(?:hash|digest|checksum|sha(?:\d+|sum)?(?![a-z])|md5|integrity|etag|commit|revision)", re.I
)
"""A key naming a digest. `sha` only as a word or with its size (`token_sha256`, `SHA1`),
not the first letters of `sharedSecret` or `shadow`."""


_HASH_FORMAT = re.compile(
    r"^(?:pbkdf2_[a-z0-9]+\$|\$2[abxy]\$|\$argon2|\$[156]\$|scrypt[:$]|bcrypt\$|md5\$|sha1\$"
    r"|\*[0-9A-F]{40}$)"
)


def is_hash_under_hash_key(c: Candidate) -> bool:
    """A digest, not a credential: any value under a key that says it is a hash
    (`password_hash`, `token_sha256`), or a password-hash format (pbkdf2, bcrypt, argon2)."""
    under_hash_key = _HASH_KEY.search(_key_of(c.before)) is not None
    return under_hash_key or _HASH_FORMAT.match(c.value) is not None


_PATH = re.compile(
    r"^(?:~?/|\.{1,2}/|[A-Za-z]:\\|file:)"
    r"|\.(?:pem|key|crt|json|ya?ml|txt|p12|pfx|html?|py|js|cfg|conf|ini|xml|md|j2|tpl)$"
)


def is_file_path(c: Candidate) -> bool:
    """`/etc/secrets/db.pass`, `./certs/key.pem`, `C:\\keys\\x`: where a secret is, not what."""
    return _PATH.search(c.value) is not None and c.value.count("/") + c.value.count("\\") >= 1


_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.\-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)


def is_url_without_credentials(c: Candidate) -> bool:
    """A URL with no `user:password@` part: an address, not a secret."""
    return _URL.match(c.value) is not None and _URL_CREDENTIALS.match(c.value) is None


_WEB_ADDRESS = re.compile(r"https?://|www\.", re.IGNORECASE)
_FRAME_BEFORE = re.compile(r"""[\s"'<(\[{]*""")
_FRAME_AFTER = re.compile(r"""[\s"'>)\]},;.:!?]*""")
_TEMPLATE_AFTER = re.compile(r"[./:\-]?(?:\{|\$\{|\$\(|%\()")
_VISIT_RECORD = re.compile(
    r"\b(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT) |\bHTTP/[0-9]|"
    r"(?i:\b(?:referr?er|redirect(?:ed)?|location\s*[:=]|visited|opened|clicked)\b)"
)
_PERSONAL_PAGE = re.compile(
    r"""\b(?:profile|website|web site|homepage|home page|blog|portfolio|personal page)"""
    r"""(?:_?url)?["']?\s*[:=]\s*["']?$""",
    re.IGNORECASE,
)
_QUOTED_KEY = re.compile(r"""["'][^"']*["']\s*:\s*\{?\s*(?:["'][^"']*["']\s*:\s*)?["']$""")
"""The value of a quoted key (`"uri": "`, `{"url":"`): a setting or a description."""
_JSON_STRING_LINE = re.compile(r'\s*"[^"]*"\s*:\s*"')
"""A line of a JSON document whose value is a string (`"documentation": "<p>...`)."""
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>|\\n|\\\"")
"""HTML tags or escaped JSON in the line: documentation held in a string."""
_REFERENCE_WORDS = re.compile(
    r"\b(?:see|refer to|documentation|docs|more information|for example|such as|learn more|"
    r"details|guide|specification|defined in|described in|namespace|schema)\b|\be\.g\.",
    re.IGNORECASE,
)
REFERENCE_REACH = 48
"""Characters before a web address in which a word makes it a reference in prose."""
_LINK_TARGET = re.compile(
    r"""(?:\b(?:href|src|action|cite|poster|xmlns(?::\w+)?)\s*=\s*\\?["']?|\]\()$""",
    re.IGNORECASE,
)


def is_reference_link(c: Candidate) -> bool:
    """A web address that is a reference rather than a record of a person: written in
    prose, markup or configuration (`see <a href="...">`, `"uri": "..."`), or a template
    cut short by a placeholder (`https://portal.sso.{Region}...`), and carrying nothing
    about a person (validators.personal_urls.url_names_person: a user name, an
    e-mail address, a /users/... path, a uid or token parameter).

    A plain address is kept where it is the record itself: alone on its line or in its
    cell (a `website` column, a JSON-lines field), in an HTTP request record (a method,
    `HTTP/1.1`, a referer or redirect) unless it is a link's target there, the value of
    a person's page (`profile: ...`, `homepage=...`), or in a line of free text (`fetched
    https://... in 20 ms`, `my site is https://...`), where it is not in a quoted key's
    value (a JSON document's string), not in markup and not named a reference (`see`,
    `for example`, `guide`).
    Documentation and service descriptions read as logs are full of the other kind:
    botocore's JSON service models hold about ten thousand."""
    if _WEB_ADDRESS.match(c.value) is None or url_names_person(c.value):
        return False
    if _TEMPLATE_AFTER.match(c.after):
        return True
    if _FRAME_BEFORE.fullmatch(c.before) and _FRAME_AFTER.fullmatch(c.after):
        return False
    if _LINK_TARGET.search(c.before):
        return True
    if _VISIT_RECORD.search(c.before) or _VISIT_RECORD.search(c.after):
        return False
    if _PERSONAL_PAGE.search(c.before):
        return False
    return (
        _QUOTED_KEY.search(c.before) is not None
        or _JSON_STRING_LINE.match(c.before) is not None
        or _MARKUP.search(c.before) is not None
        or _REFERENCE_WORDS.search(c.before[-REFERENCE_REACH:]) is not None
    )


_URL_TOKEN_EDGE = re.compile(r"""[\s"'<>()\[\]{}|\\^`]""")


def is_in_web_address(c: Candidate) -> bool:
    """A value inside a web address (a date in a documentation link's path,
    `http://cloudfront.amazonaws.com/doc/2020-05-31/`): a part of the address, which
    pii.url judges whole (and reports when it is about a person)."""
    edges = list(_URL_TOKEN_EDGE.finditer(c.before))
    token = c.before[edges[-1].end() :] if edges else c.before
    return "://" in token or token[:4].lower() == "www."


def is_value_of_a_field(c: Candidate) -> bool:
    """A table cell or a JSON record's value (`"upstream": "10.0.3.4"`, a `time`
    column). Rules about a value alone on its line mean a line of text: a field is
    judged by its name, through the rule that has context words."""
    return c.field is not None


def is_line_of_text(c: Candidate) -> bool:
    """A line of text, not a table cell or a JSON record's value: for rules about a
    field's value, judged by the field's name (a `phone` column)."""
    return c.field is None


_NAME_OR_PATH_BEFORE = re.compile(r"(?:[A-Za-z0-9][\-_]|/)$")
_NAME_OR_PATH_AFTER = re.compile(r"^(?:[\-_][A-Za-z0-9]|/)")


def is_part_of_a_name_or_path(c: Candidate) -> bool:
    """A date that is a segment of a path (`/2017-01-11/object/facets`, an API's version
    in its request path) or joined to a name (`accessanalyzer-2019-11-01`,
    `Policy-Min-TLS-1-2-2019-07`): a version or a release, not a day in a person's life."""
    return (
        _NAME_OR_PATH_BEFORE.search(c.before) is not None
        or _NAME_OR_PATH_AFTER.search(c.after) is not None
    )


_OPEN_STRING_KEY = re.compile(r'"([A-Za-z_][\w.\-]*)"\s*:\s*"(?:[^"\\]|\\.)*$')
_SOFTWARE_KEY = re.compile(
    r"version|documentation|^docs?$|doc_?string|description|deprecat|release|changelog|"
    r"^summary$|^help$|^since$",
    re.IGNORECASE,
)


def is_under_a_software_key(c: Candidate) -> bool:
    """A value in the string of a key about the document or the software itself
    (`"apiVersion":"2019-11-01"`, `"documentation":"<p>Starting January 26, 2023 ...`,
    `"deprecatedSince":"12th June 2026"`): a service description or a changelog read as
    a log. Only the key whose string holds the value counts, so `"dob":"..."` after a
    `"description"` on the same line is still judged; past the few hundred characters
    the filters see, a string with HTML markup in it counts as documentation."""
    key = _OPEN_STRING_KEY.search(c.before)
    if key is not None:
        return _SOFTWARE_KEY.search(key.group(1)) is not None
    # deep in a long string whose key is out of sight: documentation when the string
    # holds markup (`<p>`, `<code>`) and no quote has closed it
    return '"' not in c.before.replace('\\"', "") and _MARKUP_TAG.search(c.before) is not None


_MARKUP_TAG = re.compile(r"</?(?:p|code|i|b|a|note|important|ul|li|br|div|span)\b[^<>]*>")


HEX_CHARS = frozenset("0123456789abcdefABCDEF")
BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-")
ENTROPY_BY_CHARSET = {"digits": 2.9, "hex": 3.0, "base64": 3.6, "other": 3.0}
"""Minimum bits per character by alphabet, at full length; short values are held to
a share of the most their length allows (a 10-character value cannot reach 3.6)."""
SHORT_VALUE_SHARE = 0.8


def charset_of(value: str) -> str:
    chars = set(value)
    if chars <= set("0123456789"):
        return "digits"
    if chars <= HEX_CHARS:
        return "hex"
    if chars <= BASE64_CHARS:
        return "base64"
    return "other"


def entropy_threshold(value: str) -> float:
    """The entropy a value of this alphabet and length needs to look random."""
    base = ENTROPY_BY_CHARSET[charset_of(value)]
    return min(base, SHORT_VALUE_SHARE * math.log2(max(len(value), 2)))


MIN_HEX_LENGTH = 16


def is_low_entropy(c: Candidate) -> bool:
    """Too little randomness for its alphabet: hex under 3.0 bits/char, base64 under 3.6 ...;
    and hex or digits shorter than MIN_HEX_LENGTH (ids and short hashes, not keys)."""
    if charset_of(c.value) in ("hex", "digits") and len(c.value) < MIN_HEX_LENGTH:
        return True
    return shannon_entropy(c.value) < entropy_threshold(c.value)


_CAMEL_CASE = re.compile(r"[a-z]{3,}(?:[A-Z][a-z]+){1,2}")


_BUILD_VARIABLE_PASSWORD = re.compile(
    r"(?:^|[^A-Za-z0-9])(?:REACT_APP|VITE|NEXT_PUBLIC|EXPO_PUBLIC|GATSBY|NUXT_PUBLIC|VUE_APP)_"
    r"[A-Z0-9_]*(?:PASS|PASSWORD|PASSWD|PWD)\b"
)


def is_build_variable_password(c: Candidate) -> bool:
    """The value of a front-end build variable named for a password
    (`REACT_APP_AUTH_PASSWORD=`, `VITE_DB_PASS=`): a bundler ships it to every browser."""
    return _BUILD_VARIABLE_PASSWORD.search(_key_of(c.before)) is not None


def is_plain_word(c: Candidate) -> bool:
    """Letters only, one case, title case or camelCase, and not long: a word or a name
    (`connectAs`), not a random string. Not under a front-end build variable named for a
    password (`REACT_APP_AUTH_PASSWORD=whiteduke`): a bundler ships that to every browser,
    and a word is what a person sets a password to."""
    value = c.value
    if not value.isascii() or not value.isalpha() or len(value) >= 24:
        return False
    if is_build_variable_password(c):
        return False
    return (
        value.islower()
        or value.isupper()
        or value.istitle()
        or _CAMEL_CASE.fullmatch(value) is not None
    )


HOME_ROW = frozenset("asdfghjkl;")
KEYBOARD_MASH_SHARE = 0.9
KEYBOARD_MASH_LENGTH = 12


def is_keyboard_mash(c: Candidate) -> bool:
    """`asdfhlkasdjfklsdfj;slkdfjas`: a value typed by running fingers over the home row,
    as docs do for a made-up key. Random text has about one home-row letter in six."""
    value = c.value.lower()
    if len(value) < KEYBOARD_MASH_LENGTH:
        return False
    return sum(ch in HOME_ROW for ch in value) >= KEYBOARD_MASH_SHARE * len(value)


HEXSPEAK = ("dead", "beef", "cafe", "babe", "f00d", "c0de", "face", "feed", "fade", "d00d")


_DECIMAL_BEFORE = re.compile(r"(?:^|\d|[^\w.])\.$")
_DECIMAL_AFTER = re.compile(r"^\.\d")


def is_part_of_a_decimal_number(c: Candidate) -> bool:
    """`0.5610000000000001`, `4111111111111111.25`, `-.4906619460083532`: digits of a
    decimal number in code or data (coordinates, measurements, a fraction written
    without its zero as minified JavaScript writes it), not an identifier. A point
    after a letter (`card.4111...`) is no decimal point."""
    return bool(_DECIMAL_BEFORE.search(c.before) or _DECIMAL_AFTER.match(c.after))


def is_hexspeak(c: Candidate) -> bool:
    """`e3b68aa711e6deadc62d...beef...cafe...`: hex with two or more hexspeak words was
    made up by a person. In random hex any one such word turns up about once in a
    thousand 64-digit values, two of them about once in a million."""
    value = c.value.lower()
    if not all(ch in HEX_CHARS for ch in value):
        return False
    return sum(word in value for word in HEXSPEAK) >= 2


_NON_SECRET_KEY = re.compile(
    r"(?:name|type|id|ids|url|uri|path|file|dir|prefix|suffix|length|len|size|count|limit|format"
    r"|field|header|param|kind|mode|class|model|version|endpoint|scope|scopes|expiry|expires|ttl"
    r"|timeout|policy|regex|pattern|label|placeholder|hint|prompt|message|msg|text|title|env|var"
    r"|location|algorithm|alg|method|provider|store|storage|backend|service|source|description"
    r"|email|mail|user|username|login|region|zone|locale|date|time|timestamp|used|expiration"
    r"|lifetime|duration|interval|age)$|author"
    r"|tokeni[sz]|public|^_*(?:no|skip|use|has|is|enable|disable|require)[_\-]",
    re.IGNORECASE,
)


def is_non_secret_key(c: Candidate) -> bool:
    """The key names something about a secret, not the secret: `token_type`, `password_field`,
    `secret_name`, `api_key_header`, `tokenizer`, `public_key`, `use_token`."""
    return _NON_SECRET_KEY.search(_key_of(c.before).strip("'\"")) is not None


_CODE = re.compile(r"[(){}\[\]<>|\\]|^[.,;]|▁")
_SETTING = re.compile(r"^[A-Za-z_]+=(?P<rest>.*)$")


def is_code_expression(c: Candidate) -> bool:
    """Code, markup or a pattern, not a value: `.encode(`, `List[Ref]`, `<PAD>`, `a|b`,
    `(?P<secret>`, `TYPE=ext4`. A token whose alphabet holds `=` (`heai=y9zfm=qc26rl...`)
    is no `NAME=value` setting: what follows its first `=` is a generated body
    (is_prefixed_token), where a setting's value is a word or a number."""
    if _CODE.search(c.value) is not None:
        return True
    setting = _SETTING.match(c.value)
    return setting is not None and not is_prefixed_token(setting.group("rest"))


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")


def is_email_address(c: Candidate) -> bool:
    """`team@example.org`: an address (personal data rules judge it), not a secret."""
    return _EMAIL.match(c.value) is not None


_WORD_RUN = re.compile(r"[A-Z][a-z]{3,}|^[a-z]{4,}")


def is_made_of_words(c: Candidate) -> bool:
    """`V1LocalObjectReference`, `MistralForSequenceClassification`: capitalised words
    cover most of it. Random strings seldom hold even one run of three lower-case letters."""
    runs = _WORD_RUN.findall(c.value)
    return len(runs) >= 2 and sum(map(len, runs)) >= 0.7 * len(c.value)


_KEY_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def key_words(key: str) -> list[str]:
    """A key's words, lower-cased: `ClientRequestToken` and `client_request_token` both
    give client, request, token; `AWSAccessKeyId` gives aws, access, key, id."""
    return [word.lower() for word in _KEY_WORD.findall(key)]


CURSOR_WORDS = frozenset(
    {
        "next",
        "continuation",
        "continue",
        "page",
        "paging",
        "pagination",
        "request",
        "idempotency",
        "marker",
        "cursor",
        "sync",
        "resume",
        "start",
        "end",
        "previous",
        "prev",
        "action",
        "change",
        "batch",
        "follow",
        "verification",
        "client",
    }
)
"""Words that, just before `token`, make it a position or an idempotency mark that an API
hands back (`NextToken`, `ContinuationToken`, `ClientRequestToken`,
`LifecycleActionToken`, AWS's `ClientToken`), or a token its issuer documents as public
(a Facebook app's client token is embedded in mobile apps), not a credential. A client
token with a prefix before a generated body (Vault's `s.Z4bT...`, Akamai's `akab-...`)
is a credential all the same: see is_cursor_token_key."""
CREDENTIAL_CLIENT_WORD = "client"


IDENTIFIER_KEY_WORDS = frozenset(
    {
        "cache",
        "cached",
        "lookup",
        "sort",
        "partition",
        "primary",
        "foreign",
        "object",
        "bucket",
        "row",
        "dict",
        "map",
        "index",
        "range",
        "routing",
        "shard",
        "dedup",
        "idempotency",
    }
)
"""Words that, just before `key`, make it the name of an entry, not a credential:
`cache_key`, `sort_key`, `partition_key`, `object_key`, `cached_token_key`."""


def is_cursor_token_key(c: Candidate) -> bool:
    """`"NextToken": "..."`, `continuation_token=`, `ClientRequestToken`: a pagination
    cursor or idempotency token in API models and examples, which anyone may see; a
    `VerificationToken` that a domain publishes in DNS; and a key that names an entry
    (`cache_key`, `token_cache_key`, `partition_key`)."""
    words = key_words(_key_of(c.before))
    if len(words) < 2:
        return False
    if words[-1] in ("token", "tokens"):
        if words[-2] == CREDENTIAL_CLIENT_WORD and _has_token_prefix(c.value):
            return False  # `VAULT_CLIENT_TOKEN="s.Z4bT..."`, `client_token = akab-...`
        return words[-2] in CURSOR_WORDS
    if words[-1] not in ("key", "keys"):
        return False
    named = words[:-1]
    if named[-1] == "token" and len(named) >= 2:
        named = named[:-1]  # `cached_token_key`: the key of a cached token
    return named[-1] in IDENTIFIER_KEY_WORDS


_TOKEN_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,11}[._\-](?P<body>.+)$")


def _has_token_prefix(value: str) -> bool:
    """A short prefix and a separator before a body a generator wrote (`s.Z4bTMtng...`,
    `akab-c113ntt0k3n...`): how providers mark the tokens they issue. An idempotency
    token is a UUID or a bare random string; a cursor is opaque base64."""
    found = _TOKEN_PREFIX.match(value)
    return found is not None and is_prefixed_token(found.group("body"))


_TIMESTAMP = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{8}T\d{6}Z?|\d{2}/\d{2}/\d{4}|\d{2}:\d{2}:\d{2}(?:\.\d+)?)$"
)


def is_timestamp(c: Candidate) -> bool:
    """`2016-09-08T21:47:36Z`, `2024-01-31`, `20240131T120000Z`: a date or time (as under
    `PasswordLastUsed` or `token_expires`), not a secret."""
    return _TIMESTAMP.match(c.value) is not None


_CLOUD_REGION = re.compile(r"^[a-z]{2,12}(?:-[a-z]{2,12}){1,3}-?[0-9]{1,2}[a-z]?$")


_CREDENTIAL_SCOPE = re.compile(r"/[0-9]{8}/[A-Za-z0-9\-]+/[A-Za-z0-9\-]+(?:/aws4_request)?/?$")


def is_cloud_region(c: Candidate) -> bool:
    """`us-east-1`, `europe-west1`, `ap-southeast-2`, `us-central1-a`... a region or zone
    name (`credential_scope_region`), or an AWS Signature V4 credential scope
    (`AKID/20110909/us-west-2/ec2/aws4_request`, also URL-encoded): where and when, not a
    secret."""
    value = c.value
    return (
        _CLOUD_REGION.match(value) is not None
        or _ZONE.match(value) is not None
        or _CREDENTIAL_SCOPE.search(value.replace("%2F", "/").replace("%2f", "/")) is not None
    )


_ZONE = re.compile(r"^[a-z]{2,12}-[a-z]{2,12}[0-9]{1,2}-[a-z]$")


_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|->|::|-)[A-Za-z0-9_$]+)*$")
STATEMENT_ENDS = ";?,"
UNARY_OPERATORS = "!~-+*&"
NAME_WORD_SHARE = 0.7


def is_name_of_the_key(c: Candidate) -> bool:
    """The value is a name that shares a word with its key: a credential's *name* as its
    value (`ACCESS_KEY = 'AWSAccessKeyId'`, `RSAPrivateKeyWithSerialization = RSAPrivateKey`,
    `credentials: Credentials;`, `"libsecret-1.so.0": "libsecret-1-0"`). A random value
    holds no word of three letters that its key also holds."""
    value = c.value.rstrip(STATEMENT_ENDS)
    if _IDENTIFIER.match(value) is None or is_prefixed_token(value):
        return False  # (`private_rGAPQJbhBx`: a generated part after the key's word)
    words = [word for word in key_words(value) if len(word) >= 3]
    if sum(map(len, words)) < NAME_WORD_SHARE * sum(ch.isalnum() for ch in value):
        return False  # not made of words: `Xq7KeyZp2LmWv9` holds `key` by chance
    key = {word for word in key_words(_key_of(c.before)) if len(word) >= 3}
    return any(word in key for word in words)


_TYPE_OR_NAME = re.compile(
    r"^(?:[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)(?:\[\])?$"
)


def is_declaration(c: Candidate) -> bool:
    """Code, not a value: a name or type closed by `;`, `?` or `,` (`token.repr = num.repr;`,
    `credential: Credential;`, `"credentials": "boolean?"`, `withCredentials = !!cfg.x;`),
    when the name (after any unary operator) is made of words,
    an identifier or a plain word (see is_variable_reference, is_plain_word)."""
    if not c.value or c.value[-1] not in STATEMENT_ENDS:
        return False
    name = c.value.rstrip(STATEMENT_ENDS).lstrip(UNARY_OPERATORS)
    if _TYPE_OR_NAME.match(name) is None:
        return False
    stripped = Candidate(name, c.before, c.after, c.path)
    return is_variable_reference(stripped) or is_plain_word(stripped) or is_made_of_words(stripped)


_WORD = r"(?:[a-z]{2,10}|[A-Z]{2,10}|[A-Z][a-z]{1,9})"
_WORDS_AND_DIGITS = re.compile(
    rf"^{_WORD}(?:[-_:.@ ]{_WORD}){{0,2}}(?:[-_.]?(?:[0-9]{{1,3}}|(?:19|20)[0-9]{{2}}))?[!.]?$"
)


def is_words_and_digits(c: Candidate) -> bool:
    """An obvious test value: a word or three and at most a three-digit number or a year
    (`hunter42`, `limited123`, `NEW-SECRET`, `admin:secret`, `Orange-2`, `pass1`,
    `volume2016`). A person made it up for a test or a doc; a generated credential does
    not read this way. Not under a front-end build variable named for a password
    (is_build_variable_password): whatever a person set there is public."""
    return _WORDS_AND_DIGITS.match(c.value) is not None and not is_build_variable_password(c)


LEET_DIGITS = "0134578@$"
LEET = str.maketrans(LEET_DIGITS, "oieastbas")
_HAS_LETTER = re.compile("[A-Za-z]")
LEET_CREDENTIAL_WORDS = frozenset(
    {"secret", "password", "passwd", "pass", "token", "key", "admin", "test", "letmein"}
)


def is_leetspeak_words(c: Candidate) -> bool:
    """A credential word in leetspeak among plain words (`EXPRESS_53cr37`, `p4ssw0rd_test`,
    `my-t0k3n`): read with its digits as the letters they stand for, the value is a word or
    three (see is_words_and_digits) and one of them says secret, password, token ...
    Someone typed it for a test; a generated value that happens to read as letters holds
    no such word."""
    if not any(ch in LEET_DIGITS for ch in c.value):
        return False
    # Digits stand for letters only inside a word: the `42` of `4dm1n-42` is a number.
    parts = re.split(r"([-_:.@ ])", c.value)
    read = "".join(p.translate(LEET) if _HAS_LETTER.search(p) else p for p in parts)
    if _WORDS_AND_DIGITS.match(read) is None:
        return False
    words = {word.lower() for word in re.split(r"[-_:.@ ]", read)}
    credential = tuple(LEET_CREDENTIAL_WORDS)
    return any(word.startswith(credential) or word.endswith(credential) for word in words)


CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".ca-bundle", ".p7b")
CERTIFICATE_NAMES = ("cacert", "ca-bundle", "ca-certificates", "ca_bundle", "cabundle")
_CERTIFICATE_LINE = re.compile(r"(?i)\bserial(?:\s*number)?\b|fingerprint|\bissuer\b")


def is_in_certificate_text(c: Candidate) -> bool:
    """Numbers in a certificate or CA bundle (`# Serial: 6643...` in `cacert.pem`, `Serial
    Number:` in an `openssl x509 -text` dump): a certificate's serial, not a card."""
    name = PurePosixPath(c.path).name.lower()
    if name.endswith(CERTIFICATE_SUFFIXES) or any(part in name for part in CERTIFICATE_NAMES):
        return True
    return _CERTIFICATE_LINE.search(c.before) is not None


_SVG_DRAWING = re.compile(r"""\s(?:d|points|viewBox|transform)=["'][^"']*$""")


def is_vector_drawing(c: Candidate) -> bool:
    """Numbers in an SVG path, polygon or transform (`d="M6082 1352 2650 ..."`): the
    coordinates of a drawing, not an identifier."""
    if PurePosixPath(c.path).suffix.lower() == ".svg":
        return True
    return _SVG_DRAWING.search(c.before) is not None


_MULTIPLIED = re.compile(r"^(?:\*{1,2}|[ ]\*{1,2}[ ])[A-Za-z_(]")


def is_arithmetic_operand(c: Candidate) -> bool:
    """`5980613281250*q**6`, `15735193600000000*t**16`: a number multiplied by a
    variable or raised to its power, a coefficient in a formula, not an identifier.
    The operator is written with a space on both sides or none: the end of bold
    Markdown, `**4111...** on file`, has one after it only."""
    return _MULTIPLIED.match(c.after) is not None


_CHECKSUMMED_TOKEN = re.compile(r"^(?:gh[pousr]|npm)_[A-Za-z0-9]{36}$")


def is_token_with_a_wrong_checksum(c: Candidate) -> bool:
    """A GitHub or npm token whose CRC32 checksum does not hold: made up by hand (a test or
    a doc), never issued. Its own rule refutes it; this keeps the generic rules from
    reporting it in its place."""
    return _CHECKSUMMED_TOKEN.match(c.value) is not None and not crc32_checksum_token(c.value)


_DOCUMENTATION_HOST = re.compile(
    r"(?i)(?:://|@)(?:[a-z0-9-]+\.)*"
    r"(?:example\.(?:com|net|org)|[a-z0-9-]+\.(?:example|test|invalid|localhost))"
    r"(?![a-z0-9.-])"
)


def is_near_documentation_host(c: Candidate) -> bool:
    """A value on the line of, or just below, a URL or address on a host reserved for
    documentation (RFC 2606 and 6761: `example.com`, `.example`, `.test`, `.invalid`,
    `.localhost`): `http.query("http://example.com", password="...")`. No deployed
    service is reached there, so what is written to log in to it is an example."""
    return any(_DOCUMENTATION_HOST.search(text) for text in (c.before, c.after, c.above))


_DOCTEST_PROMPT = re.compile(r"^\s*(?:#\s*)?(?:>>>|\.\.\.)\s")


def is_doctest_example(c: Candidate) -> bool:
    """A value typed at a doctest prompt (`>>> client = Client(token="...")`): an example
    in documentation, run as a test, never a deployed credential."""
    return _DOCTEST_PROMPT.match(c.before) is not None


TEST_VALUE_WORDS = frozenset({"test", "tests", "testing", "fake", "dummy", "mock", "bogus", "stub"})
_TEST_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|testing|spec|__tests__)/|(?:^|/)test_[^/]*$|_test\.[^/]*$"
)


def is_test_value_key(c: Candidate) -> bool:
    """In a test file, a key that says its value is for tests (`MASKED_TEST_SECRET`,
    `fake_token`, `dummyPassword`): a fixture the test suite made up. Outside tests such a
    name is not trusted (a test environment's password is still a credential)."""
    if _TEST_PATH.search(c.path) is None:
        return False
    return not TEST_VALUE_WORDS.isdisjoint(key_words(_key_of(c.before)))


CREDENTIAL_WORDS = frozenset(
    {
        "key",
        "apikey",
        "token",
        "secret",
        "pat",
        "password",
        "passwd",
        "pwd",
        "pass",
        "auth",
        "credential",
        "credentials",
        "sid",
        "license",
        "access",
        "certificate",
    }
)
"""Words of a key that hold a credential. A provider-anchored rule finds the provider's
name near a value; the key must also say the value is a key, token, secret ... (an
Agora `app_certificate` signs its tokens: a secret, under a name of its own)."""
COMPOUND_HEADS = frozenset(
    {"secret", "private", "api", "access", "auth", "app", "client", "master", "signing"}
)
COMPOUND_TAILS = ("key", "keys", "token", "secret", "password", "passwd", "pwd")
_COMPOUND = re.compile(rf"^(?:{'|'.join(sorted(COMPOUND_HEADS))})(?:{'|'.join(COMPOUND_TAILS)})$")
"""A credential word written as one word with the word before it (`secretkey`,
`privatekey`, `accesstoken`, `clientsecret`): key_words cannot cut a key spelled all in
one case, and a head from COMPOUND_HEADS keeps `monkey` and `turkey` out."""


def is_key_without_credential_word(c: Candidate) -> bool:
    """`ASANA_PROJECT_ID = ...`, `"stripe_customer": ...`: the key names a provider but
    not a credential (no key, token, secret, password, auth ... among its words, nor a
    compound such as `secretkey`)."""
    words = key_words(_key_of(c.before))
    if CREDENTIAL_WORDS.intersection(words):
        return False
    return not any(_COMPOUND.match(word) for word in words)


_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_binary_value(c: Candidate) -> bool:
    """A value holding NUL or other control characters (`\\x00Remove\\x00Run` in a
    compiled gettext catalog): bytes of a binary file read as text, not something a
    person typed or a provider issued."""
    return _CONTROL_CHARACTERS.search(c.value) is not None


_LITERAL_BLOCK = re.compile(
    r"^\s*\.\.\s+(?:code-block|code|sourcecode|highlight)::?(?:\s.*)?$|::\s*$"
)
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_EXAMPLE_PROSE = re.compile(r"(?i)\b(?:e\.\s?g\.|for example|for instance|example:)")
EXAMPLE_PARAGRAPH_LINES = 3


def is_documentation_example(c: Candidate) -> bool:
    """A value inside an example of documentation: a reST code or literal block (under
    `.. code-block:: yaml`, or a paragraph ending in `::`, in `.rst` files and Python
    docstrings alike), a Markdown fenced block, or a line that says it is an example
    (`(e.g. password=...)`, a paragraph opening with `For example:`). Documentation shows
    the shape of a setting with a value made up for it; a deployed credential lives in
    configuration and code. Meant for the generic rules, whose values have no shape of
    their own: a provider's token (a prefix, a checksum) is reported wherever it is."""
    if _EXAMPLE_PROSE.search(c.before):
        return True
    lines = c.block_above.split("\n")[:-1] if c.block_above else []
    paragraph = []
    for line in reversed(lines[-EXAMPLE_PARAGRAPH_LINES:]):
        if not line.strip():
            break
        paragraph.append(line)
    if any(_EXAMPLE_PROSE.search(line) for line in paragraph):
        return True
    if sum(_FENCE.match(line) is not None for line in lines) % 2:
        return True  # an odd number of fences above: one is open
    level = len(c.before) - len(c.before.lstrip())
    for line in reversed(lines):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        if indent < level:
            if _LITERAL_BLOCK.search(line):
                return True
            level = indent
    return False


_BASE64_TEXT = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")


def is_encoded_test_value(c: Candidate) -> bool:
    """Base64 of an obvious test value (`c3VwZXItc2VjcmV0LWtleQ==` is `super-secret-key`):
    decoded, it reads as a placeholder, a few words and a number, or a credential word in
    leetspeak (is_placeholder, is_words_and_digits, is_leetspeak_words)."""
    if _BASE64_TEXT.match(c.value) is None:
        return False
    try:
        text = base64.b64decode(c.value + "=" * (-len(c.value) % 4), validate=True).decode()
    except (binascii.Error, ValueError):
        return False
    if not text.isprintable():
        return False
    decoded = Candidate(text, c.before, c.after, c.path)
    checks = (is_placeholder, is_words_and_digits, is_leetspeak_words)
    return any(check(decoded) for check in checks)


FILTERS: dict[str, Callable[[Candidate], bool]] = {
    "placeholder": is_placeholder,
    "obvious_placeholder": is_obvious_placeholder,
    "templated": is_templated,
    "env_lookup": is_env_lookup,
    "variable_reference": is_variable_reference,
    "repeated_characters": is_repeated_characters,
    "sequence": is_sequence,
    "lockfile_hash": is_lockfile_hash,
    "uuid_with_plain_key": is_uuid_with_plain_key,
    "hash_under_hash_key": is_hash_under_hash_key,
    "file_path": is_file_path,
    "url_without_credentials": is_url_without_credentials,
    "reference_link": is_reference_link,
    "in_web_address": is_in_web_address,
    "value_of_a_field": is_value_of_a_field,
    "line_of_text": is_line_of_text,
    "part_of_a_name_or_path": is_part_of_a_name_or_path,
    "under_a_software_key": is_under_a_software_key,
    "low_entropy": is_low_entropy,
    "plain_word": is_plain_word,
    "non_secret_key": is_non_secret_key,
    "code_expression": is_code_expression,
    "email_address": is_email_address,
    "made_of_words": is_made_of_words,
    "keyboard_mash": is_keyboard_mash,
    "hexspeak": is_hexspeak,
    "decimal_number": is_part_of_a_decimal_number,
    "cursor_token_key": is_cursor_token_key,
    "timestamp": is_timestamp,
    "cloud_region": is_cloud_region,
    "name_of_the_key": is_name_of_the_key,
    "declaration": is_declaration,
    "words_and_digits": is_words_and_digits,
    "certificate_text": is_in_certificate_text,
    "vector_drawing": is_vector_drawing,
    "arithmetic_operand": is_arithmetic_operand,
    "wrong_checksum": is_token_with_a_wrong_checksum,
    "key_without_credential_word": is_key_without_credential_word,
    "documentation_host": is_near_documentation_host,
    "doctest_example": is_doctest_example,
    "test_value_key": is_test_value_key,
    "leetspeak_words": is_leetspeak_words,
    "binary_value": is_binary_value,
    "documentation_example": is_documentation_example,
    "encoded_test_value": is_encoded_test_value,
}


TYPED_BODY_FILTERS = frozenset(
    {
        "placeholder",
        "repeated_characters",
        "sequence",
        "low_entropy",
        "keyboard_mash",
        "words_and_digits",
        "leetspeak_words",
        "encoded_test_value",
    }
)
"""Filters that judge a value by how its characters read (`1234`, `abcdef`, `AbCdEf`,
`token`, little entropy): signs that a person typed it rather than a provider issued it.
Not among them: those that find a name or code (`variable_reference`, `made_of_words`,
`plain_word`: a class name under a provider's key is no credential of that provider),
and `hexspeak` (two words such as `dead` and `beef` in one hex value are a person's
doing whatever the key says)."""
SLOT_TYPED_FILTERS = frozenset({"placeholder", "leetspeak_words"})
"""For a password's place (provider_anchor.PASSWORD_SLOT), the filters that find a
credential word or a test word typed into a value (`MyStr0ngP@ssword!`, `S3cretCommunity`):
a password is typed, so they mark it made up rather than drop it, unless it is a bare
placeholder (is_bare_placeholder). A word and a small number (`hunter2`: words_and_digits)
still drops it, as do the signs of filler and mashing (a sequence, repeats, low entropy,
the home row): Betterleaks' clean negatives hold `postgres://user:hunter2@...`, and test
suites are full of such values."""
GENERIC_TYPED_BODY_FILTERS = TYPED_BODY_FILTERS - {"repeated_characters"}
"""For a generic rule, whose mark is only its key's name: a value written out twice
(`{half}{half}`) still drops it, as a pattern's literal prefix outweighs it; unless what
is written out is a typed sequence (`abcdef0123456789abcdef0123456789` under
`AZURE_FACE_KEY`: see _reads_as_typed), which is_sequence alone marks made up."""
OBVIOUS_PLACEHOLDER = "obvious_placeholder"


class FilterVerdict(NamedTuple):
    """What a rule's filters say of a candidate: the filter that rejects it (None: none
    does), or else the filter that finds it made up though the rule's provider mark keeps
    it (None: nothing does)."""

    rejected_by: str | None
    made_up: str | None = None


PASSED = FilterVerdict(None)


def weigh(
    candidate: Candidate,
    names: tuple[str, ...],
    pattern: str = "",
    generic: bool = False,
    demoted: bool = False,
) -> FilterVerdict:
    """The verdict of the filters `names` on a candidate of the rule with `pattern`.

    A filter rejects the candidate, with one exception. When the rule's pattern carries
    its provider's own mark (provider_anchor: a literal prefix of the value such as
    `figd_`, or the provider's name in the key, `ABSTRACTAPI_KEY=`), a filter of
    TYPED_BODY_FILTERS does not reject it: the mark says the value sits where provider
    X's credential goes, which outweighs a body that reads as typed (`abcdef1234567890`,
    `AbCdEfGh`, `token`). The verdict then names that filter as `made_up`, and detection
    lowers the finding's confidence and marks it (see detect.MADE_UP_LOWER). Only what
    says outright that the value is no credential (is_obvious_placeholder: `xxxx`,
    `<your-key>`, `changeme`, `example`, one character repeated) still rejects it. The
    pattern is parsed only when such a filter fires (a few rules per scan).

    A password's place (provider_anchor.PASSWORD_SLOT: `ConvertTo-SecureString "..."
    -AsPlainText`, `net use ... /user:x ...`, `Password=` in a connection string) is such a
    mark for the filters of SLOT_TYPED_FILTERS: `MyStr0ngP@ssword!` or `S3cretCommunity`
    there is what an administrator types, reported made up; a bare placeholder
    (`password`, `P@ssw0rd123`, `myPassword`, `s3cret!`: is_bare_placeholder) is not, nor
    is any typed password in a test or a doc (`demoted`, detect.is_test_or_doc_path):
    there it is the suite's fixture (`user="some@User", password="some+Generated/..."`)."""
    made_up: str | None = None
    for name in names:
        if not FILTERS[name](candidate):
            continue
        typed = _reads_as_typed(name, candidate, generic)
        anchor = _mark(candidate, pattern, generic) if typed else None
        if anchor is PASSWORD_SLOT and (demoted or name not in SLOT_TYPED_FILTERS):
            anchor = None
        if anchor is not None:
            # the body after the literal prefix (a Twitter token opens with 21 `A`s)
            body = candidate.value[anchor.prefix :]
            if says_not_real(body) or (not anchor.literal_run and has_filler_run(body)):
                return FilterVerdict(OBVIOUS_PLACEHOLDER)
            if anchor is PASSWORD_SLOT and is_bare_placeholder(body):
                return FilterVerdict(name)
            made_up = made_up or name
            continue
        return FilterVerdict(name)
    return FilterVerdict(None, made_up) if made_up else PASSED


def _reads_as_typed(name: str, candidate: Candidate, generic: bool) -> bool:
    """Whether filter `name` rejects the candidate for reading as typed, which a provider's
    mark outweighs (TYPED_BODY_FILTERS; for a generic rule GENERIC_TYPED_BODY_FILTERS, and
    a repeat only of a sequence: `abcdef0123456789` written twice to fill a key's length
    is one value typed, where a random half written twice is a copy made up to fill it)."""
    if not generic:
        return name in TYPED_BODY_FILTERS
    if name == "repeated_characters":
        return is_sequence(candidate)
    return name in GENERIC_TYPED_BODY_FILTERS


SLOT_WORDS = frozenset({"key", "keys", "token", "tokens", "secret", "apikey"})
CREDENTIAL_SLOT = Anchor("key")
_TOKEN_TEXT = re.compile(rf"[A-Za-z0-9._+/=:\-]{{{MIN_TOKEN},}}")


def is_named_credential_slot(c: Candidate) -> bool:
    """For a generic rule: the key names whose key, token or secret the value is (two
    words or more, the last of them key, token or secret: `ABLY_API_KEY`, `adobeKey`,
    `app_center_token`), and the value has the length and alphabet of one a service
    issues (MIN_TOKEN characters or more, no spaces). Such a key is a provider's mark
    as a rule's pattern would write it; a short value (`LIB-NAME`, `0x00000020`) is
    judged as any other."""
    words = key_words(_key_of(c.before))
    return (
        len(words) >= 2 and words[-1] in SLOT_WORDS and _TOKEN_TEXT.fullmatch(c.value) is not None
    )


def _mark(candidate: Candidate, pattern: str, generic: bool) -> Anchor | None:
    """The provider's mark the candidate carries: its rule's (provider_anchor), or for a
    generic rule its key's (is_named_credential_slot; a generic rule's password pattern
    is any key's assignment, not a password's place)."""
    if generic:
        return CREDENTIAL_SLOT if is_named_credential_slot(candidate) else None
    return provider_anchor(pattern) if pattern else None


PLACEHOLDER_PASSWORD_WORDS = frozenset(
    {
        *(word for word in PLACEHOLDER_VALUES if word.isalpha()),
        *LEET_CREDENTIAL_WORDS,
        "pwd",
        "pw",
        "my",
        "your",
        "the",
        "our",
        "some",
        "administrator",
        "user",
        "demo",
        "changeme",
        "change",
        "me",
        "welcome",
        "hello",
        "login",
        "db",
        "database",
        "sa",
        "super",
        "new",
        "old",
        "dev",
        "local",
        "app",
    }
)
"""The words a placeholder password is made of (`password`, `secret`, `admin`, `my`,
`super`, `new` ...), read with its digits as letters (see LEET)."""
_EDGE_NON_LETTERS = re.compile(r"^[^A-Za-z]+|[^A-Za-z]+$")
LONGEST_PLACEHOLDER_WORD = max(map(len, PLACEHOLDER_PASSWORD_WORDS))


def is_bare_placeholder(value: str) -> bool:
    """A password made only of placeholder words (PLACEHOLDER_PASSWORD_WORDS), read in
    leetspeak, with any number or punctuation before or after: `password`, `P@ssw0rd123`,
    `myPassword`, `s3cret!`, `super-secret`, `admin:admin`, `1234`. Where it holds a word
    of its own (`MyStr0ngP@ssword!`, `S3cretCommunity`) a person chose it."""
    core = _EDGE_NON_LETTERS.sub("", value)
    letters = re.sub("[^a-z]", "", core.translate(LEET).lower())
    # can letters[:end] be cut into placeholder words? (a split, not a regex: no backtracking)
    cut = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - LONGEST_PLACEHOLDER_WORD), end):
            if cut[start] and letters[start:end] in PLACEHOLDER_PASSWORD_WORDS:
                cut[end] = True
                break
    return cut[-1]


GENERIC_FILTERS = (
    "placeholder",
    "templated",
    "env_lookup",
    "variable_reference",
    "repeated_characters",
    "sequence",
    "lockfile_hash",
    "uuid_with_plain_key",
    "hash_under_hash_key",
    "file_path",
    "url_without_credentials",
    "low_entropy",
    "plain_word",
    "non_secret_key",
    "code_expression",
    "email_address",
    "made_of_words",
    "keyboard_mash",
    "hexspeak",
    "cursor_token_key",
    "timestamp",
    "cloud_region",
    "name_of_the_key",
    "declaration",
    "words_and_digits",
    "wrong_checksum",
    "documentation_host",
    "doctest_example",
    "test_value_key",
    "leetspeak_words",
    "documentation_example",
    "binary_value",
    "encoded_test_value",
)
"""The filters every generic secret rule passes its matches through (a value with no
shape of its own needs all of them): the loader gives them to each secret rule tagged
`generic` (rules.rule_filters), so a new generic rule, or a filter added here, cannot be
forgotten in one rule's list."""


_KEY = re.compile(r"([A-Za-z0-9_.\-]+)['\"]?\s*(?:=|:|:=|=>|,)?\s*['\"]?\s*$")


def _key_of(before: str) -> str:
    """The name a value is assigned to: the last identifier before the operator."""
    found = _KEY.search(before[-80:])
    return found.group(1) if found else ""
