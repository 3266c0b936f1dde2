"""The same scan on a Dask cluster: batches of item references go to workers, findings
come back, and everything after detection stays on the client.

`--cluster local` (or `local:N`) starts a LocalCluster of N worker processes on this
machine; `--cluster tcp://HOST:PORT` uses a running scheduler. Items are references
(paths, object URLs, table parts), never contents: each worker reads its inputs itself,
from a shared file system or object storage. The rules travel once per worker
(scattered), and each worker process compiles them once and keeps the ruleset. A task is
retried once by Dask; a batch that fails twice becomes an error notice per input, so the
scan says it is incomplete rather than quietly passing. Dask is the `cluster` extra,
imported only here.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from policyctl.core.errors import ConfigError
from policyctl.core.model import Notice
from policyctl.detection.detect import DetectOptions
from policyctl.detection.rules import Ruleset, compile_ruleset

T = TypeVar("T")

IN_FLIGHT_PER_WORKER = 3
CONNECT_SECONDS = 20
"""How long to wait for a scheduler that does not answer."""
RETRIES = 1
"""Dask retries a failed task this many times before it counts as failed."""
CLUSTER_EXTRA = "the cluster needs Dask: pip install 'policyctl[cluster]'"


@dataclass(frozen=True)
class ClusterInfo:
    """What the report says about where the scan ran (never credentials)."""

    executor: str
    scheduler: str
    workers: int
    tasks: int = 0
    failed_tasks: int = 0


def redacted_address(address: str) -> str:
    """The scheduler address without any user or password it may carry."""
    if address.startswith("local"):
        return address
    parts = urlsplit(address)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def local_workers(address: str) -> int | None:
    """N for `local:N`, None for `local` (one per CPU); a ConfigError for anything else
    that starts with `local`."""
    _, _, count = address.partition(":")
    if not count:
        return None
    if not count.isdigit() or int(count) < 1:
        raise ConfigError(f"--cluster {address}: write local or local:N with N at least 1")
    return int(count)


def connect(address: str) -> tuple[Any, Any]:
    """A Dask client for `address` and the LocalCluster it started (or None)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(CLUSTER_EXTRA) from None
    if address.startswith("local"):
        workers = local_workers(address)
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return Client(cluster), cluster
    if not address.startswith(("tcp://", "tls://", "ws://", "wss://")):
        raise ConfigError(
            f"--cluster {redacted_address(address)}: give local, local:N or a scheduler "
            "address such as tcp://HOST:8786"
        )
    try:
        _answers(address)
        return Client(address, timeout=f"{CONNECT_SECONDS}s"), None
    except OSError as exc:
        raise ConfigError(
            f"--cluster {redacted_address(address)}: cannot reach the scheduler "
            f"({exc.strerror or exc})"
        ) from None


def _answers(address: str) -> None:
    """Raise OSError at once when nothing listens at the scheduler's host and port (a
    typo, a stopped scheduler): Dask's client would retry a refused connection until its
    timeout. A host that does not answer at all still takes the timeout."""
    import socket

    parts = urlsplit(address)
    if parts.hostname is None or parts.port is None:
        return  # Dask's own defaults and errors apply
    with socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_SECONDS):
        pass


class Connection:
    """The client for `address`, made in a background thread from the start of the
    scan: a LocalCluster's worker processes then start while this process loads the
    rules and lists the inputs, rather than after (about 2 s of a small scan here)."""

    def __init__(self, address: str) -> None:
        if address.startswith("local"):
            local_workers(address)  # a malformed local:N is an error now, not later
        self.address = address
        self._made: tuple[Any, Any] | None = None
        self._error: BaseException | None = None
        self._used = False
        self._thread = threading.Thread(target=self._connect, daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        try:
            self._made = connect(self.address)
        except BaseException as exc:  # raised where the connection is used
            self._error = exc

    def get(self) -> tuple[Any, Any]:
        """The client and the LocalCluster it started (or None), once they are made."""
        self._thread.join()
        self._used = True
        if self._error is not None:
            raise self._error
        assert self._made is not None
        return self._made

    def close(self) -> None:
        """Close what was made, unless the scan used it (and closed it itself)."""
        self._thread.join()
        if self._made is not None and not self._used:
            client, cluster = self._made
            client.close()
            if cluster is not None:
                cluster.close()


_compiled: dict[str, Ruleset] = {}
"""Per worker process: the rulesets it has compiled, by digest of rules and backend."""


def worker_ruleset(digest: str) -> Ruleset:
    """The rule set the plugin brought this worker, compiled on its first task."""
    if digest not in _compiled:
        from policyctl.detection.cluster_plugin import payloads

        _, rules, backend = payloads[digest]
        _compiled[digest] = compile_ruleset(rules, backend)
    return _compiled[digest]


def _scan_batch_on_worker(batch: list[Any], digest: str, options: DetectOptions) -> Any:
    from policyctl.detection.scan import scan_batch

    return scan_batch(batch, worker_ruleset(digest), options)


def scan_on_cluster(
    batches: Iterator[list[Any]],
    ruleset: Ruleset,
    options: DetectOptions,
    address: str | Connection,
    report: Callable[[Any], None],
) -> ClusterInfo:
    """Send every batch to the cluster; `report` gets each batch's result as it comes."""
    connection = address if isinstance(address, Connection) else Connection(address)
    address = connection.address
    client, cluster = connection.get()
    try:
        workers, digest = send_rules(client, ruleset)
        failed = 0

        def done(batch: list[Any], future: Any) -> None:
            nonlocal failed
            if future.status == "finished":
                report(future.result())
            else:
                failed += 1
                report(_failed(batch, future))

        def submit(batch: list[Any]) -> Any:
            return client.submit(
                _scan_batch_on_worker, batch, digest, options, retries=RETRIES, pure=False
            )

        tasks = run_bounded(workers, batches, submit, done)
        return ClusterInfo("dask", redacted_address(address), workers, tasks, failed)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def send_rules(client: Any, ruleset: Ruleset) -> tuple[int, str]:
    """Give every worker the rules (compiled once per worker) and return the number of
    workers and the rules' digest, which each task names. A plugin, not scattered data:
    a worker that joins or restarts mid-run gets the rules too, where scattered data
    would be lost with the worker that held it."""
    from policyctl.detection.cluster_plugin import RulesPlugin

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    digest = _digest(ruleset)
    client.register_plugin(RulesPlugin((digest, ruleset.rules, ruleset.backend)))
    return workers, digest


def run_bounded(
    workers: int,
    items: Iterable[T],
    submit: Callable[[T], Any],
    done: Callable[[T, Any], None],
) -> int:
    """Submit a task per item, at most IN_FLIGHT_PER_WORKER per worker at a time (the
    client holds no more than that of the plan in flight); `done(item, future)` as each
    ends, finished or failed after its retries. Returns the number of tasks sent."""
    from distributed import as_completed

    running = as_completed()
    sent: dict[str, T] = {}
    pending = iter(items)
    tasks = 0

    def send(item: T) -> None:
        nonlocal tasks
        future = submit(item)
        sent[future.key] = item
        running.add(future)
        tasks += 1

    for item in pending:
        send(item)
        if tasks >= workers * IN_FLIGHT_PER_WORKER:
            break
    for future in running:
        done(sent.pop(future.key), future)
        following = next(pending, None)
        if following is not None:
            send(following)
    return tasks


def _failed(batch: list[Any], future: Any) -> Any:
    """A batch whose task failed twice: an error notice for each of its inputs."""
    from policyctl.detection.scan import BatchResult

    kind = type(future.exception()).__name__ if future.status == "error" else future.status
    result = BatchResult()
    for entry in batch:
        if isinstance(entry, Notice):
            result.notices.append(entry)
        else:
            message = f"could not be scanned: its cluster task failed twice ({kind})"
            result.notices.append(Notice(entry.display, message, "error"))
    return result


def _digest(ruleset: Ruleset) -> str:
    return hashlib.sha256(pickle.dumps((ruleset.rules, ruleset.backend))).hexdigest()
