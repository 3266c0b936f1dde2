"""The pure-Python backend: each rule's `re` over the whole chunk, after a keyword prefilter.

Slow (every rule is a pass over the data) but exact; used when Hyperscan is not
installed and as the reference the Hyperscan backend is tested against.
"""

from __future__ import annotations

from collections.abc import Callable

from policyctl.engine.interface import CompiledPattern, HitFilter, Match, Matcher, in_a_decimal


class ReMatcher(Matcher):
    name = "re"

    def __init__(self, patterns: list[CompiledPattern], chosen: list[int]) -> None:
        self.patterns = patterns
        self.chosen = chosen

    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], None]:
        lowered = data.lower() if any(p.keywords for p in self.patterns) else data
        found: list[Match] = []
        for index in self.chosen:
            pattern = self.patterns[index]
            if pattern.keywords and not any(k in lowered for k in pattern.keywords):
                continue
            verdict = True if accept is None else accept(index)
            if verdict is False:
                continue
            keep = None if verdict is True else verdict
            matches = (
                pattern.to_match(index, m)
                for m in pattern.regex.finditer(data)
                if not (within_lines and b"\n" in m.group(0)) and (keep is None or keep(m.end()))
            )
            if pattern.drops_decimals:
                found.extend(
                    m for m in matches if not in_a_decimal(data, m.value_start, m.value_end)
                )
            else:
                found.extend(matches)
        found.sort(key=lambda m: (m.start, m.end, m.rule))
        return found, None
