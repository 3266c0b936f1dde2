"""--cluster: the same findings from real Dask workers; object storage from a real S3
server (moto's); a worker killed in the middle of a scan."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import fakes
from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all

pytest.importorskip("distributed")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fingerprints(report: dict[str, object]) -> list[tuple[str, str]]:
    return [(f["fingerprint"], f["rule_id"]) for f in report["findings"]]  # type: ignore[index,union-attr]


class Scheduler:
    """`dask scheduler` and `dask worker` processes, as an operator would start them."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self.folder = folder
        self.workers: list[subprocess.Popen[bytes]] = []
        self.process = subprocess.Popen(
            [
                BIN / "dask",
                "scheduler",
                "--scheduler-file",
                self.file,
                "--port",
                "0",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not self.file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text(encoding="utf-8"))["address"]

    def add_worker(self) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                "--scheduler-file",
                self.file,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--local-directory",
                self.folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=60)

    def stop(self) -> None:
        for process in [*self.workers, self.process]:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[Scheduler]:
    running = Scheduler(tmp_path / "dask")
    try:
        yield running
    finally:
        running.stop()


def mixed_tree(root: Path) -> list[str]:
    """Code with a secret, a log and a CSV and JSON-lines table with personal data."""
    secret = fakes.github_pat("cluster")
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(f"token = '{secret}'\n", encoding="utf-8")
    (root / "app.log").write_text(f"login by {pii.email(1)} from {pii.ipv4()}\n", encoding="utf-8")
    with (root / "people.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "email", "ssn"])
        for n in range(50):
            writer.writerow([n, pii.email(n), pii.ssn()])
    (root / "events.jsonl").write_text(
        "".join(json.dumps({"user": pii.email(n), "card": pii.card()}) + "\n" for n in range(20)),
        encoding="utf-8",
    )
    return [secret]


def scan_json(
    run: RunPolicyctl, *args: object, env: dict[str, str] | None = None
) -> dict[str, object]:
    result = run("scan", *map(str, args), "-f", "json", "--no-audit", env=env)
    assert result.code in (0, 1), result.err
    return result.json()  # type: ignore[no-any-return]


def test_a_running_scheduler_gives_the_same_findings_as_a_local_scan(
    tmp_path: Path, run_policyctl: RunPolicyctl, scheduler: Scheduler
) -> None:
    secrets = mixed_tree(tmp_path / "tree")
    scheduler.add_worker()
    scheduler.add_worker()
    scheduler.wait_for_workers(2)
    local = scan_json(run_policyctl, tmp_path / "tree")
    remote = scan_json(run_policyctl, tmp_path / "tree", "--cluster", scheduler.address)
    assert fingerprints(remote) == fingerprints(local) and fingerprints(local)
    assert remote["columns"] == local["columns"]
    assert remote["scan"]["executor"] == "dask" and local["scan"]["executor"] == "local"  # type: ignore[index]
    assert remote["scan"]["cluster"]["workers"] == 2  # type: ignore[index]
    assert_no_secret_in([json.dumps(remote)], secrets)


def test_git_history_on_a_local_cluster_gives_the_same_findings(
    git_repo: Path, run_policyctl: RunPolicyctl
) -> None:
    secret = fakes.github_pat("history")
    commit_all(
        git_repo,
        "add",
        {"config.py": f"key = '{secret}'\n", "users.csv": f"email\n{pii.email(3)}\n"},
    )
    commit_all(git_repo, "remove", {"config.py": "key = None\n"})
    local = scan_json(run_policyctl, git_repo, "--git")
    remote = scan_json(run_policyctl, git_repo, "--git", "--cluster", "local:2")
    assert fingerprints(remote) == fingerprints(local) and fingerprints(local)
    assert remote["scan"]["cluster"]["scheduler"] == "local:2"  # type: ignore[index]


def test_a_worker_killed_in_the_middle_of_a_scan_loses_no_finding(
    tmp_path: Path, run_policyctl: RunPolicyctl, scheduler: Scheduler
) -> None:
    tree = tmp_path / "many"
    tree.mkdir()
    for n in range(3000):  # about a dozen batches
        (tree / f"f{n:04}.log").write_text(f"user {pii.email(n)} signed in\n", encoding="utf-8")
    local = scan_json(run_policyctl, tree)
    doomed = scheduler.add_worker()
    scheduler.wait_for_workers(1)
    scan = subprocess.Popen(
        [
            BIN / "policyctl",
            "scan",
            tree,
            "--cluster",
            scheduler.address,
            "-f",
            "json",
            "--no-audit",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    from distributed import Client

    with Client(scheduler.address, timeout="30s") as client:
        deadline = time.monotonic() + 120
        while not any(client.processing().values()):  # the first tasks are running
            assert time.monotonic() < deadline and scan.poll() is None
            time.sleep(0.05)
    scheduler.add_worker()
    doomed.send_signal(signal.SIGKILL)
    out, err = scan.communicate(timeout=300)
    assert scan.returncode in (0, 1), err
    remote = json.loads(out)
    assert fingerprints(remote) == fingerprints(local)
    assert remote["scan"]["cluster"]["failed_tasks"] == 0  # type: ignore[index]


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[dict[str, str]]:
    """moto's standalone S3 server on a free port, with a test-only identity."""
    port = free_port()
    server = subprocess.Popen(
        [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        "AWS_ACCESS_KEY_ID": "policyctl-test-" + "identity",
        "AWS_SECRET_ACCESS_KEY": "not-a-real-" + "secret-key-for-moto",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.2)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)


def new_bucket(s3: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    """A bucket on the test's S3 server, and the test's environment pointed at it (the
    credentials policyctl's provider chain then finds)."""
    import boto3

    for variable, value in s3.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client("s3")
    client.create_bucket(Bucket=name)
    return client


def test_objects_in_an_s3_bucket_are_scanned_as_files_of_their_names(
    tmp_path: Path, run_policyctl: RunPolicyctl, s3: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bucket = new_bucket(s3, monkeypatch, "lake")
    ssn = pii.ssn()
    bucket.put_object(
        Bucket="lake", Key="raw/users.csv", Body=f"id,email\n1,{pii.email(7)}\n".encode()
    )
    bucket.put_object(Bucket="lake", Key="raw/2026/app.log", Body=f"check ssn {ssn}\n".encode())
    table = tmp_path / "t.parquet"
    pq.write_table(pa.table({"email": [pii.email(8)], "n": [1]}), table)
    bucket.put_object(Bucket="lake", Key="raw/t.parquet", Body=table.read_bytes())
    local = scan_json(run_policyctl, "s3://lake/raw/", env=s3)
    places = {
        (f["rule_id"], f["location"]["path"], f["location"].get("row")) for f in local["findings"]
    }  # type: ignore[index,union-attr]
    assert ("pii.us-ssn", "s3://lake/raw/2026/app.log", None) in places
    assert ("pii.email-address", "s3://lake/raw/users.csv", 1) in places
    assert ("pii.email-address", "s3://lake/raw/t.parquet", 1) in places
    remote = scan_json(run_policyctl, "s3://lake/raw/", "--cluster", "local:2", env=s3)
    assert fingerprints(remote) == fingerprints(local)
    text = run_policyctl("scan", "s3://lake/raw/", "--no-audit", env=s3).all_output
    assert_no_secret_in([json.dumps(local), text], [s3["AWS_SECRET_ACCESS_KEY"]])
    assert ssn not in text


def test_a_missing_bucket_is_one_error_line_and_exit_2(
    run_policyctl: RunPolicyctl, s3: dict[str, str]
) -> None:
    result = run_policyctl("scan", "s3://no-such-bucket/x/", "--no-audit", env=s3)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "s3://no-such-bucket/x/" in result.err


def test_redact_writes_redacted_objects_beside_the_originals(
    tmp_path: Path, run_policyctl: RunPolicyctl, s3: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bucket = new_bucket(s3, monkeypatch, "lake")
    email, ssn = pii.email(11), pii.ssn()
    bucket.put_object(Bucket="lake", Key="in/users.csv", Body=f"id,email\n1,{email}\n".encode())
    bucket.put_object(Bucket="lake", Key="in/logs/app.log", Body=f"check ssn {ssn}\n".encode())
    table = tmp_path / "t.parquet"
    pq.write_table(pa.table({"email": [email], "n": [1]}), table)
    bucket.put_object(Bucket="lake", Key="in/t.parquet", Body=table.read_bytes())
    result = run_policyctl(
        "redact", "s3://lake/in/", "-o", "s3://lake/out/", "-f", "json", "--no-audit", env=s3
    )
    assert result.code == 0, result.err
    files = {f["input"]: f for f in result.json()["files"]}
    assert set(files) == {
        "s3://lake/in/users.csv",
        "s3://lake/in/logs/app.log",
        "s3://lake/in/t.parquet",
    }
    assert files["s3://lake/in/logs/app.log"]["output"] == "s3://lake/out/logs/app.log"
    body = {
        key: bucket.get_object(Bucket="lake", Key=key)["Body"].read()
        for key in ("out/users.csv", "out/logs/app.log", "out/t.parquet")
    }
    assert (
        body["out/users.csv"].startswith(b"id,email\n1,")
        and email.encode() not in body["out/users.csv"]
    )
    assert (
        body["out/logs/app.log"].startswith(b"check ssn ")
        and ssn.encode() not in body["out/logs/app.log"]
    )
    (tmp_path / "back.parquet").write_bytes(body["out/t.parquet"])
    redacted = pq.read_table(tmp_path / "back.parquet").to_pydict()
    assert redacted["n"] == [1] and redacted["email"] != [email]
    assert bucket.get_object(Bucket="lake", Key="in/users.csv")["Body"].read().decode().count(email)
    assert_no_secret_in([result.all_output], [s3["AWS_SECRET_ACCESS_KEY"], email, ssn])


def test_redact_writes_a_local_folder_into_a_bucket_and_never_overwrites_unasked(
    tmp_path: Path, run_policyctl: RunPolicyctl, s3: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = new_bucket(s3, monkeypatch, "shared")
    exports = tmp_path / "exports"
    exports.mkdir()
    phone_log = f"call from {pii.email(12)}\n"
    (exports / "calls.log").write_text(phone_log, encoding="utf-8")
    args = ("redact", exports, "-o", "s3://shared/clean/", "--no-audit")
    first = run_policyctl(*args, env=s3)
    assert first.code == 0, first.err
    copy = bucket.get_object(Bucket="shared", Key="clean/calls.log")["Body"].read().decode()
    assert copy.startswith("call from ") and pii.email(12) not in copy
    again = run_policyctl(*args, env=s3)
    assert again.code == 2 and "s3://shared/clean/calls.log: already exists" in again.err
    forced = run_policyctl(*args, "--force", env=s3)
    assert forced.code == 0, forced.err
    inside = run_policyctl("redact", "s3://shared/clean/", "-o", "s3://shared/clean/x/", env=s3)
    assert inside.code == 2 and "inside the input" in inside.err
    assert_no_secret_in(
        [first.all_output, again.all_output, forced.all_output, inside.all_output],
        [s3["AWS_SECRET_ACCESS_KEY"]],
    )


def lake_objects(tmp_path: Path) -> dict[str, bytes]:
    """A log and a CSV of 400 lines each, a Parquet file of 4 row groups and a text
    object, each with personal data (or a secret) on every line or row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = tmp_path / "t.parquet"
    emails = [pii.email(n) for n in range(400)]
    pq.write_table(pa.table({"email": emails}), table, row_group_size=100)
    secret = fakes.github_pat("sampled")
    return {
        "app.log": "".join(f"login by {pii.email(n)} ok\n" for n in range(400)).encode(),
        "users.csv": ("id,email\n" + "".join(f"{n},{e}\n" for n, e in enumerate(emails))).encode(),
        "t.parquet": table.read_bytes(),
        "notes.txt": (("filler line\n" * 2000) + f"token = '{secret}'\n").encode(),
    }


def test_a_byte_budget_reads_each_object_only_up_to_it_and_says_so(
    tmp_path: Path, run_policyctl: RunPolicyctl, s3: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = new_bucket(s3, monkeypatch, "lake")
    for key, body in lake_objects(tmp_path).items():
        bucket.put_object(Bucket="lake", Key=f"sweep/{key}", Body=body)
    whole = scan_json(run_policyctl, "s3://lake/sweep/", "--per-cell", env=s3)
    sampled = scan_json(
        run_policyctl, "s3://lake/sweep/", "--per-cell", "--max-bytes-per-file", "2KB", env=s3
    )
    assert sampled["scan"]["complete"] is True  # type: ignore[index]
    notes = {n["path"]: n["message"] for n in sampled["notices"]}  # type: ignore[union-attr,index]
    assert notes["s3://lake/sweep/app.log"].startswith("sampled: only the first 20")
    assert notes["s3://lake/sweep/users.csv"].startswith("sampled: only the first 20")
    groups = re.fullmatch(
        r"sampled: only the first (\d) of 4 row groups read \(--max-bytes-per-file\)",
        notes["s3://lake/sweep/t.parquet"],
    )
    assert groups and 1 <= int(groups[1]) < 4
    assert "only the first 2.0 KiB" in notes["s3://lake/sweep/notes.txt"] or (
        "only the first 2000 bytes" in notes["s3://lake/sweep/notes.txt"]
    )

    def rows(report: dict[str, object], name: str) -> list[int]:
        return sorted(
            f["location"].get("row") or f["location"].get("line")  # type: ignore[index,union-attr]
            for f in report["findings"]  # type: ignore[union-attr]
            if f["location"]["path"] == f"s3://lake/sweep/{name}"  # type: ignore[index]
        )

    for name in ("app.log", "users.csv"):
        kept = rows(sampled, name)
        assert kept == rows(whole, name)[: len(kept)] and 30 < len(kept) < 200
    assert rows(sampled, "t.parquet") == list(range(1, 100 * int(groups[1]) + 1))
    assert rows(whole, "notes.txt") and not rows(sampled, "notes.txt")
    assert not [n for n in sampled["notices"] if "malformed" in n["message"]]  # type: ignore[union-attr,index]


def test_redact_on_a_local_cluster_writes_the_same_copies_as_a_local_redact(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    tree = tmp_path / "tree"
    secrets = mixed_tree(tree)
    key = {"POLICYCTL_REDACT_KEY": "cluster-redaction-test-key-" + "k" * 16}
    reports = {}
    for name, extra in (("local", ()), ("cluster", ("--cluster", "local:2"))):
        audit = ("--audit-log", f"{name}.jsonl")
        args = ("redact", "tree", "-o", name, "-s", "hash", "-f", "json", *extra, *audit)
        result = run_policyctl(*args, cwd=tmp_path, env=key, timeout=300)
        assert result.code == 0, result.err
        reports[name] = result.json()
        assert_no_secret_in([result.all_output], [*secrets, key["POLICYCTL_REDACT_KEY"]])
    names = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.*"))
    assert [str(n) for n in names] == ["app.log", "events.jsonl", "people.csv", "src/app.py"]
    for name in names:
        copy = (tmp_path / "cluster" / name).read_bytes()
        assert copy == (tmp_path / "local" / name).read_bytes(), name
        assert copy != (tree / name).read_bytes(), name
    assert pii.email(1).encode() not in (tmp_path / "cluster" / "app.log").read_bytes()
    local, cluster = reports["local"], reports["cluster"]
    assert cluster["summary"] == local["summary"] and local["summary"]["redactions"] > 70
    assert [{**f, "output": None} for f in cluster["files"]] == [
        {**f, "output": None} for f in local["files"]
    ]
    assert all(f["output"].startswith("cluster/") for f in cluster["files"])
    assert cluster["redaction"]["key_id"] == local["redaction"]["key_id"]
    entry = json.loads((tmp_path / "cluster.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert entry["files"] == 4 and entry["key_id"] == local["redaction"]["key_id"]


def test_a_scheduler_address_nothing_listens_at_is_one_line_at_once(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "app.py").write_text("print('hi')\n")
    started = time.monotonic()
    address = f"tcp://ops:s3cr3tpw@127.0.0.1:{port}"
    result = policyctl_in_process("scan", tmp_path, "--cluster", address, "--no-audit")
    assert result.code == 2
    assert result.err.strip() == (
        f"policyctl: error: --cluster tcp://127.0.0.1:{port}: cannot reach the scheduler "
        "(Connection refused)"
    )
    assert time.monotonic() - started < 15  # Dask's client alone retried for 20 s
