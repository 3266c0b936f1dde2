"""Whether a web address points at a person: the test that lets a URL count toward a
column's `pii` verdict (detection.profiles).

A URL is an online identifier only when it identifies someone (HIPAA lists URLs among
the Safe Harbor identifiers in that sense; a column of product pages or documentation
links is not personal data). It does when it carries, anywhere:

- an account in its authority (`https://jdoe@host/`, `ftp://jdoe:pw@host/`);
- an e-mail address (`/unsubscribe/ann.lee%40mail.com`, `?to=ann@mail.com`);
- a query parameter that names a person's value (`?email=`, `?user=`, `?patient_id=`);
- a path segment after a word that introduces a person or an account (`/users/1842`,
  `/profile/jdoe`, `/people/ann-lee`, `/~jdoe/`, `/@jdoe`), other than a page of the
  site itself (`/users/sign_in`, `/account/settings`);
- a profile on a social network (`twitter.com/jdoe`, `linkedin.com/in/ann-lee`), or on a
  code host a single-segment path (`github.com/jdoe`, where `github.com/org/repo` is a
  repository);
- a person's name as a whole path segment or host label (`/team/maria-garcia`,
  `maria-garcia.net`): a known given name then a known surname (US Census lists).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from policyctl.validators.names import given_names, surnames

_URL = re.compile(
    r"(?i)^(?:[a-z][a-z0-9+.-]*://)?(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?P<rest>.*)$"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_PERSON_PARAMETER = re.compile(
    r"(?i)(?:^|[?&;])(?:e-?mail|email_?address|mail|phone|mobile|tel|msisdn|ssn|dob"
    r"|date_?of_?birth|birth_?date|(?:first|last|full|given|family|user|login|account|"
    r"screen)_?name|surname|name|user|user_?id|uid|username|login|account(?:_?id)?"
    r"|customer(?:_?id)?|member(?:_?id)?|patient(?:_?id)?|mrn|address|street)=[^&;#]"
)
_PERSON_PATH_WORDS = frozenset(
    {"user", "users", "u", "people", "person", "profile", "profiles", "member", "members"}
    | {"author", "authors", "employee", "employees", "staff", "customer", "customers"}
    | {"patient", "patients", "account", "accounts", "home", "student", "students"}
)
_SITE_PAGES = frozenset(
    {"new", "edit", "login", "logout", "signin", "sign_in", "sign-in", "signup", "sign_up"}
    | {"sign-up", "register", "settings", "me", "search", "list", "index", "all", "help"}
    | {"about", "password", "reset", "create", "delete", "home", "explore", "join"}
    | {"features", "pricing", "topics", "login.php", "index.html", "index.php"}
)
_SOCIAL_HOSTS = frozenset(
    {"twitter.com", "x.com", "facebook.com", "fb.com", "instagram.com", "tiktok.com"}
    | {"threads.net", "medium.com", "youtube.com", "pinterest.com", "linkedin.com"}
    | {"reddit.com", "mastodon.social", "bsky.app", "snapchat.com", "vk.com"}
)
_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
_NAME_PARTS = re.compile(r"[a-z]+")


def url_names_person(url: str) -> bool:
    """Whether a web address identifies a person (see the module's list)."""
    parts = _URL.match(url.strip())
    if parts is None:
        return False
    authority, path, rest = parts["authority"], parts["path"], parts["rest"]
    if "@" in authority:
        return True
    decoded = unquote(path + rest)
    if _EMAIL.search(decoded) or _PERSON_PARAMETER.search(rest):
        return True
    host = authority.rsplit(":", 1)[0].lower().removeprefix("www.").removeprefix("m.")
    segments = [unquote(s) for s in path.split("/") if s]
    if _social_profile(host, segments):
        return True
    for before, segment in zip(["", *segments], segments, strict=False):
        if segment.startswith(("~", "@")) and len(segment) > 1:
            return True
        if before.lower() in _PERSON_PATH_WORDS and segment.lower() not in _SITE_PAGES:
            return True
        if _person_name(segment):
            return True
    return _person_name(host.split(".", 1)[0])


def _social_profile(host: str, segments: list[str]) -> bool:
    if not segments or segments[0].lower() in _SITE_PAGES:
        return False
    if host in _CODE_HOSTS:
        return len(segments) == 1
    return host in _SOCIAL_HOSTS or host.endswith(tuple("." + h for h in _SOCIAL_HOSTS))


def _person_name(text: str) -> bool:
    """A whole segment that is a given name then a surname (`maria-garcia`,
    `Maria.Garcia`, `john_q_public`): two to four words of letters."""
    if not 5 <= len(text) <= 64 or not re.fullmatch(r"[A-Za-z]+(?:[-_.+][A-Za-z]+){1,3}", text):
        return False
    words = _NAME_PARTS.findall(text.lower())
    return words[0] in given_names() and words[-1] in surnames()
