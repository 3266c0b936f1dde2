"""PHP: composer.lock."""

from __future__ import annotations

import json

from policyctl.evidence.manifests.dependency import Dependency, Parser, split_path


def parse_composer_lock(text: str) -> list[Dependency]:
    document = json.loads(text)
    return [
        split_path("composer", p["name"], p.get("version"))
        for section in ("packages", "packages-dev")
        for p in document.get(section) or []
    ]


PARSERS: dict[str, Parser] = {"composer.lock": parse_composer_lock}
