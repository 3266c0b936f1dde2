"""The `git log -p -U0 --cc` parser: which lines count as added, and where they are."""

from __future__ import annotations

from policyctl.core.model import Finding, Location
from policyctl.detection.repeats import fold_repeats
from policyctl.sources.git import FileChange, parse_diff_range, parse_log

COMMIT = b"\x1e" + b"\x1f".join(
    [b"c" * 40, b"Ann", b"ann@example.com", b"2024-05-01T10:00:00+02:00"]
)


def changes(text: bytes) -> list[FileChange]:
    return [
        c for c in parse_log(text.splitlines(keepends=True), "history") if isinstance(c, FileChange)
    ]


def test_added_lines_of_a_plain_diff_keep_their_new_line_numbers() -> None:
    log = (
        COMMIT
        + b"""

diff --git a/app.py b/app.py
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644
--- a/app.py
+++ b/app.py
@@ -3,0 +4,2 @@ def f():
+added four
+added five
@@ -9 +10,0 @@
-removed
"""
    )
    [change] = changes(log)

    assert change.origin == Location(
        path="app.py",
        commit="c" * 40,
        author="Ann",
        email="ann@example.com",
        date="2024-05-01T10:00:00+02:00",
    )
    assert [(h.first_line, h.data) for h in change.hunks] == [(4, b"added four\nadded five\n")]


def test_a_combined_diff_keeps_only_lines_new_to_every_parent() -> None:
    log = (
        COMMIT
        + b"""

diff --cc f.txt
index 1111111,2222222..3333333
--- a/f.txt
+++ b/f.txt
@@@ -4,0 -3,1 +4,3 @@@
+ from the second parent
++evil one
++evil two
 -dropped from the first parent
"""
    )
    [change] = changes(log)

    assert [(h.first_line, h.data) for h in change.hunks] == [(5, b"evil one\nevil two\n")]


def test_nearby_hunks_share_a_chunk_with_blank_lines_between() -> None:
    log = (
        COMMIT
        + b"""

diff --git a/a.py b/a.py
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644
--- a/a.py
+++ b/a.py
@@ -1,0 +2 @@
+two
@@ -3,0 +5 @@
+five
"""
    )
    [change] = changes(log)

    assert [(h.first_line, h.data) for h in change.hunks] == [(2, b"two\n\n\nfive\n")]


def test_a_blob_seen_before_is_not_read_again() -> None:
    file_diff = b"""
diff --git a/a.py b/a.py
index 0000000000000000000000000000000000000000..2222222222222222222222222222222222222222
--- /dev/null
+++ b/a.py
@@ -0,0 +1 @@
+same content
"""
    assert len(changes(COMMIT + b"\n" + file_diff + COMMIT + b"\n" + file_diff)) == 1


def test_quoted_paths_binary_files_and_deletions_are_handled() -> None:
    log = (
        COMMIT
        + b"""

diff --git "a/caf\\303\\251 \\"x\\".py" "b/caf\\303\\251 \\"x\\".py"
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644
--- "a/caf\\303\\251 \\"x\\".py"
+++ "b/caf\\303\\251 \\"x\\".py"
@@ -0,0 +1 @@
+k = 1
diff --git a/b.bin b/b.bin
index 1111111111111111111111111111111111111111..4444444444444444444444444444444444444444 100644
Binary files a/b.bin and b/b.bin differ
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 5555555555555555555555555555555555555555..0000000000000000000000000000000000000000
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x
"""
    )
    assert [c.origin.path for c in changes(log)] == ['café "x".py']


def test_a_diff_range_names_its_base_and_head() -> None:
    assert parse_diff_range("main..feature") == ("main", "feature")
    assert parse_diff_range("main...HEAD") == ("main", "HEAD")
    assert parse_diff_range("origin/main") == ("origin/main", "HEAD")


def finding(commit: str, date: str, line: int = 1, fingerprint: str = "f" * 32) -> Finding:
    return Finding(
        rule_id="secret.x",
        title="X",
        category="secret",
        severity="high",
        confidence=0.9,
        data_class="credential",
        location=Location(path="a.py", line=line, commit=commit, date=date),
        preview="ab…",
        fingerprint=fingerprint,
    )


def test_repeats_fold_into_the_first_commit_of_the_walk_with_a_count() -> None:
    later = finding("b" * 40, "2024-01-01T00:00:00Z", line=9)
    first = finding("a" * 40, "2024-01-01T00:00:00Z", line=3)
    other = finding("c" * 40, "2023-01-01T00:00:00Z", fingerprint="e" * 32)
    order = {"a" * 40: 0, "b" * 40: 1, "c" * 40: 2}

    folded = fold_repeats([later, other, first], order)

    assert sorted((f.location.commit, f.occurrences) for f in folded) == [
        ("a" * 40, 2),
        ("c" * 40, 1),
    ]


def test_without_a_walk_order_the_earliest_author_date_in_utc_wins() -> None:
    utc_later = finding("a" * 40, "2024-01-01T10:00:00+00:00")
    utc_earlier = finding("b" * 40, "2024-01-01T11:00:00+02:00")

    [folded] = fold_repeats([utc_later, utc_earlier])

    assert folded.location.commit == "b" * 40


def test_findings_outside_history_are_never_folded() -> None:
    plain = finding("x", "2024-01-01T00:00:00Z")
    plain = Finding(**{**plain.__dict__, "location": Location(path="a.py", line=1)})

    assert fold_repeats([plain, plain]) == [plain, plain]
