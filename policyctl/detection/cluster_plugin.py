"""The Dask worker plugin that gives every worker the rules, including workers that join
(or are restarted) in the middle of a scan. Imported only with --cluster."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from policyctl.core.model import Rule

Payload = tuple[str, tuple[Rule, ...], str]
"""The rule set's digest, its rules and the engine backend to compile them with."""

payloads: dict[str, Payload] = {}
"""Per worker process: the rule sets the plugin brought, by digest."""


class RulesPlugin(WorkerPlugin):
    """Holds one rule set; `setup` runs on every worker, present and future."""

    def __init__(self, payload: Payload) -> None:
        self.payload = payload
        self.name = f"policyctl-rules-{payload[0][:16]}"

    def setup(self, worker: Any) -> None:
        payloads[self.payload[0]] = self.payload
        # Compile now, while the client is still planning, not in the first task.
        from policyctl.core.model import SOURCE_KINDS
        from policyctl.detection.cluster import worker_ruleset

        ruleset = worker_ruleset(self.payload[0])
        for kind in SOURCE_KINDS:
            ruleset.matcher_for(kind)
