"""Go modules: go.mod requirements and go.sum content hashes."""

from __future__ import annotations

from policyctl.evidence.manifests.dependency import Dependency, Parser, split_path


def parse_go_mod(text: str) -> list[Dependency]:
    """`require x v1` lines and `require ( ... )` blocks (indirect ones too)."""
    found = []
    in_block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("require ("):
            in_block = True
            continue
        if in_block and line == ")":
            in_block = False
            continue
        words = line.split()
        if words[:1] == ["require"] and len(words) >= 3:
            found.append(split_path("golang", words[1], words[2]))
        elif in_block and len(words) >= 2:
            found.append(split_path("golang", words[0], words[1]))
    return found


def parse_go_sum(text: str) -> list[Dependency]:
    """Modules whose source was downloaded: lines without the `/go.mod` suffix (those
    only pin a module's go.mod, needed to resolve the graph, not to build)."""
    found = []
    for line in text.splitlines():
        words = line.split()
        if len(words) == 3 and not words[1].endswith("/go.mod"):
            found.append(split_path("golang", words[0], words[1]))
    return found


PARSERS: dict[str, Parser] = {"go.mod": parse_go_mod, "go.sum": parse_go_sum}
