"""Ruby: Gemfile.lock."""

from __future__ import annotations

import re

from policyctl.evidence.manifests.dependency import Dependency, Parser

# Exactly four spaces: a locked gem. Six spaces would be one of its own requirements.
_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)]+)\)$")


def parse_gemfile_lock(text: str) -> list[Dependency]:
    """Gems in the GEM and GIT sections (PATH gems are the project's own)."""
    found = []
    section = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.strip()
            continue
        spec = _SPEC.match(line)
        if spec and section in ("GEM", "GIT"):
            found.append(Dependency("gem", spec.group(1), spec.group(2)))
    return found


PARSERS: dict[str, Parser] = {"Gemfile.lock": parse_gemfile_lock, "gems.locked": parse_gemfile_lock}
