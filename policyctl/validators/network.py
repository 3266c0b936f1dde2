"""Validators for network identifiers: public IP addresses, MAC addresses, web addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable


def ipv4_public(value: str) -> bool:
    """A dotted-quad IPv4 address (no leading zeros) that is globally routable: not
    private, loopback, link-local, documentation, multicast or reserved."""
    parts = value.split(".")
    if len(parts) != 4 or any(len(p) > 1 and p.startswith("0") for p in parts):
        return False
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return address.is_global and not address.is_multicast


def ipv6_public(value: str) -> bool:
    """An IPv6 address that is not local: globally routable, or in a reserved block and
    written out with at least four groups (not loopback, link-local, site-local, unique
    local, documentation, multicast or IPv4 written the IPv6 way)."""
    if value.count(":") < 2:
        return False
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    if address.ipv4_mapped is not None or value.startswith("::"):
        return False  # IPv4 written the IPv6 way, or a compressed prefix of one
    # every allocated public address is in the global unicast block (first three bits 001)
    if address in _GLOBAL_UNICAST:
        return address.is_global
    # outside it (blocks the IETF reserves, such as RFC 4291's example
    # 1080::8:800:200C:417A) a compressed address with at least four groups written is
    # reported unless it is local by its prefix; fewer groups (a::b, fields[0::2] in
    # code) are not an address, and all eight groups written out there are sample
    # values in documentation (1111:0000:0000:0000:0000:0000:0000:0111)
    written = sum(1 for group in value.split(":") if group)
    local = address.is_private or address.is_link_local or address.is_site_local
    shaped = "::" in value and written >= 4
    return shaped and not (local or address.is_multicast or address.is_loopback)


_GLOBAL_UNICAST = ipaddress.IPv6Network((0x2000 << 112, 3))

_MAC = re.compile(
    r"[0-9A-F]{2}([:-])(?:[0-9A-F]{2}\1){4}[0-9A-F]{2}|[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}"
)


def mac_address(value: str) -> bool:
    """A 48-bit MAC address with one consistent separator, not all zeros or broadcast."""
    text = value.upper()
    if not _MAC.fullmatch(text):
        return False
    hex_digits = re.sub(r"[^0-9A-F]", "", text)
    return hex_digits not in ("000000000000", "FFFFFFFFFFFF") and len(set(hex_digits)) > 2


_INTERNAL_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
_INTERNAL_V6 = tuple(ipaddress.IPv6Network(n) for n in ("fc00::/7", "fe80::/10"))


def ip_internal(value: str) -> bool:
    """An IP address of a private network (RFC 1918 and carrier-grade NAT for IPv4,
    unique local and link-local for IPv6): a device inside an organisation or a home.
    Loopback, unspecified, documentation and multicast addresses are not."""
    if ":" in value:
        try:
            v6 = ipaddress.IPv6Address(value)
        except ValueError:
            return False
        return any(v6 in network for network in _INTERNAL_V6)
    parts = value.split(".")
    if len(parts) != 4 or any(len(p) > 1 and p.startswith("0") for p in parts):
        return False
    try:
        v4 = ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return any(v4 in network for network in _INTERNAL_V4)


_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
)


_DECORATED_V4 = re.compile(r"([\d.]+)(?::(\d{1,5})|/(\d{1,2}))?")
_DECORATED_V6 = re.compile(r"\[([0-9A-Fa-f:]+)\](?::(\d{1,5}))?|([0-9A-Fa-f:]+)(?:/(\d{1,3}))?")


def ip_address_alone(value: str) -> bool:
    """_device_address, for an address as a log line writes it: with a port
    (`10.0.0.1:8080`, `[fd00::1]:443`: an IPv6 address with a port is in brackets, RFC
    3986, so a ninth group is not a port) or a prefix length (`10.0.0.0/8`,
    `fd12:3456::/48`)."""
    if found := _DECORATED_V4.fullmatch(value):
        port, prefix = found[2], found[3]
        if (port is not None and not 0 < int(port) < 65536) or (
            prefix is not None and int(prefix) > 32
        ):
            return False
        return _device_address(found[1])
    if found := _DECORATED_V6.fullmatch(value):
        address = found[1] or found[3]
        port, prefix = found[2], found[4]
        if (port is not None and not 0 < int(port) < 65536) or (
            prefix is not None and int(prefix) > 128
        ):
            return False
        return _device_address(address)
    return False


def _device_address(value: str) -> bool:
    """An IP address the public-address rules leave (a private or shared network, a
    link-local or unique-local one, a block the IETF reserves written out whole, such as
    684D:1111:222:3333:4444:5555:6:77) that is still a device's address: not loopback,
    unspecified, multicast, broadcast or a documentation range (RFC 5737, 3849, 9637),
    and written as an address (dotted quad without leading zeros, or at least two
    colons)."""
    if ":" in value:
        if value.count(":") < 2 or ipv6_public(value):
            return False
        try:
            v6 = ipaddress.IPv6Address(value)
        except ValueError:
            return False
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = v6
        groups = [g for g in value.split(":") if g]
        if v6.ipv4_mapped is not None or len(groups) < 2 or len("".join(groups)) < 4:
            return False
        if not any(c.isdigit() for c in value):
            return False  # dead::beef, a word in hex
    else:
        parts = value.split(".")
        if len(parts) != 4 or any(len(p) > 1 and p.startswith("0") for p in parts):
            return False
        if ipv4_public(value):
            return False
        try:
            address = ipaddress.IPv4Address(value)
        except ValueError:
            return False
        if int(address) >> 24 == 0 or address == ipaddress.IPv4Address("255.255.255.255"):
            return False
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return False
    return not any(address in network for network in _DOCUMENTATION)


_RESERVED_HOSTS = re.compile(
    r"(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost|local)$", re.IGNORECASE
)
_URL_HOST = re.compile(r"(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/?#\s]*@)?([^/:?#\s]+)", re.IGNORECASE)


def web_address(value: str) -> bool:
    """A web address whose host is a domain name with a top-level domain of letters, or
    a public IP address; not the names RFC 2606 and 6761 reserve for examples and
    tests (example.com, .test, .invalid, localhost ...)."""
    found = _URL_HOST.match(value)
    if found is None:
        return False
    host = found[1].rstrip(".").lower()
    if _RESERVED_HOSTS.search(host):
        return False
    if host.replace(".", "").isdigit():
        return ipv4_public(host)
    labels = host.split(".")
    return len(labels) >= 2 and all(labels) and labels[-1].isalpha() and len(labels[-1]) >= 2


DOMAIN_ALONE_TLDS = frozenset(
    (
        *("com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co"),
        *("ai", "app", "dev", "me", "tv", "eu", "uk", "de", "fr", "it", "es", "nl"),
        *("be", "ch", "at", "se", "no", "dk", "fi", "ie", "pt", "gr", "cz", "hu", "ro"),
        *("ru", "ua", "cn", "jp", "kr", "in", "br", "ca", "au", "nz", "za", "mx", "ar"),
        *("cl", "us", "il", "tr", "sg", "hk", "tw"),
    )
)
"""Top-level domains for a bare domain name alone on a line: the generic ones and the
most common country codes, leaving out those that are also file name extensions
(`.py`, `.md`, `.sh`, `.rs`, `.pl`, `.so`): `setup.py` alone on a line is a file."""


def domain_name_alone(value: str) -> bool:
    """A bare domain name (microsoft.com, news.bbc.co.uk) with a top-level domain of
    DOMAIN_ALONE_TLDS, not one reserved for examples and tests (web_address); with
    `www.` it is pii.url's."""
    labels = value.lower().rstrip(".").split(".")
    if len(labels) < 2 or labels[-1] not in DOMAIN_ALONE_TLDS or labels[0] == "www":
        return False
    return web_address(value) and not all(label.isdigit() for label in labels[:-1])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "domain_name_alone": domain_name_alone,
    "ip_internal": ip_internal,
    "ip_address_alone": ip_address_alone,
    "web_address": web_address,
    "ipv4_public": ipv4_public,
    "ipv6_public": ipv6_public,
    "mac_address": mac_address,
}
