"""Path globs and redacted previews."""

from __future__ import annotations

import pytest

from policyctl.core.globs import path_matches
from policyctl.detection.preview import preview


@pytest.mark.parametrize(
    ("path", "glob"),
    [
        ("a/node_modules/x.js", "node_modules"),
        ("src/app.min.js", "*.min.js"),
        ("docs/api/x.md", "docs/api"),
        ("docs/api/x.md", "docs/"),
        ("x/y/z.pem", "**/*.pem"),
        ("tests/fixtures/a.json", "/tests/fixtures/"),
        ("./src/a.py", "src/*.py"),
    ],
)
def test_globs_match_like_gitignore(path: str, glob: str) -> None:
    assert path_matches(path, [glob])


@pytest.mark.parametrize(
    ("path", "glob"),
    [
        ("src/app.js", "*.min.js"),
        ("mydocs/x.md", "docs"),
        ("a/docs/x.md", "/docs/x.md"),
        ("src/a.py", ""),
    ],
)
def test_globs_do_not_match_other_paths(path: str, glob: str) -> None:
    assert not path_matches(path, [glob])


def test_several_globs_match_as_any_one_of_them_would() -> None:
    globs = ("*.min.js", "docs/api", "[!a-c]*.lock", "build")
    assert path_matches("web/app.min.js", globs)
    assert path_matches("docs/api/x.md", globs)
    assert path_matches("pkg/yarn.lock", globs)
    assert path_matches("src/build/out.txt", globs)
    assert not path_matches("pkg/b.lock", globs)  # [!a-c]: not a, b or c
    assert not path_matches("web/docs/api/x.md", globs)  # anchored at the top
    assert not path_matches("src/builder/out.txt", globs)
    assert path_matches("a\\b\\build\\c", globs)  # Windows separators
    assert not path_matches("src/a.py", ())


def test_a_preview_shows_at_most_four_characters_and_a_third_of_the_value() -> None:
    assert preview("ghp_abcdefghijklmnop") == "ghp_…"
    assert preview("123456789") == "123…"
    assert preview("ab") == "…"
