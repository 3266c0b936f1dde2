"""`policyctl redact --cluster`: each input is a Dask task whose worker reads the file (or
object) and writes its redacted copy itself; only the file's record comes back.

The client plans everything that can refuse (strategies, key, outputs) before a task is
sent, then builds the report, audit entry and exit code as a local run does. The rules
reach the workers through the scan's worker plugin. The key never travels: each worker
derives it from its own POLICYCTL_REDACT_KEY (a LocalCluster's workers inherit this
process's) and refuses an input when its key is not the client's, so Dask's logs of a
failed task's arguments can never hold it. Imported only with --cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.core.model import Notice
from policyctl.detection.cluster import (
    RETRIES,
    Connection,
    redacted_address,
    run_bounded,
    send_rules,
    worker_ruleset,
)
from policyctl.detection.detect import DetectOptions
from policyctl.detection.rules import Ruleset
from policyctl.redaction.keys import KEY_VARIABLE, keys_from_env
from policyctl.redaction.outputs import STDIO, Target
from policyctl.redaction.policy import RedactionPolicy
from policyctl.redaction.report import FileRecord
from policyctl.sources.storage import is_url


def absolute(target: Target) -> Target:
    """The target with local paths made absolute: a worker's working folder is its own."""
    if target.source == STDIO or target.destination == STDIO:
        raise ConfigError(
            "--cluster: standard input and output stay on this machine; name files instead of -"
        )
    source = target.source if is_url(target.source) else os.path.abspath(target.source)
    destination = target.destination
    if not is_url(destination):
        destination = os.path.abspath(destination)
    return replace(target, source=source, destination=destination)


def _redact_on_worker(
    target: Target,
    digest: str,
    options: DetectOptions,
    policy: RedactionPolicy,
    key_id: str | None,
) -> FileRecord | Notice:
    from policyctl.app.redact import redact_target
    from policyctl.redaction.redactor import Redactor

    keys = None
    if key_id is not None:
        if not os.environ.get(KEY_VARIABLE):
            return Notice(target.display, f"not redacted: the worker has no {KEY_VARIABLE}")
        keys = keys_from_env(os.environ, "redaction on a worker")
        if keys.key_id != key_id:
            message = f"not redacted: the worker's {KEY_VARIABLE} is not this run's key"
            return Notice(target.display, message)
    redactor = Redactor(worker_ruleset(digest), options, policy, keys, jobs=1)
    return redact_target(target, redactor)


def redact_on_cluster(
    targets: Sequence[Target],
    ruleset: Ruleset,
    options: DetectOptions,
    policy_for: Callable[[Target], RedactionPolicy],
    key_id: str | None,
    connection: Connection,
    report: Callable[[Target, FileRecord | Notice, bool], None],
) -> str:
    """Send every target to the cluster, each with its policy (`policy_for`: the columns
    judged in it); `report(target, outcome, failed)` gets each as it ends (`failed`: its
    task failed twice). Returns the scheduler address shown."""
    planned = [absolute(target) for target in targets]  # refuses before a task is sent
    client, cluster = connection.get()
    try:
        workers, digest = send_rules(client, ruleset)

        def submit(pair: tuple[Target, Target]) -> Any:
            shown, target = pair
            policy = policy_for(shown)
            args = (target, digest, options, policy, key_id)
            return client.submit(_redact_on_worker, *args, retries=RETRIES, pure=False)

        def done(pair: tuple[Target, Target], future: Any) -> None:
            shown = pair[0]
            if future.status == "finished":
                outcome: FileRecord | Notice = future.result()
                if isinstance(outcome, FileRecord):
                    outcome = replace(outcome, output=_shown_output(shown, outcome))
                report(shown, outcome, False)
            else:
                kind = (
                    type(future.exception()).__name__ if future.status == "error" else future.status
                )
                message = f"not redacted: its cluster task failed twice ({kind})"
                report(shown, Notice(shown.display, message, "error"), True)

        run_bounded(workers, zip(targets, planned, strict=True), submit, done)
        return redacted_address(connection.address)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _shown_output(shown: Target, record: FileRecord) -> str:
    """The output as a local run names it (the worker saw the absolute path)."""
    from policyctl.sources.storage import shown as shown_path

    return record.output if is_url(shown.destination) else shown_path(shown.destination)
