"""The CycloneDX SBOM: one parser per manifest kind, purls, tools, strict validity."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from policyctl.evidence.manifests import Dependency, parser_for
from policyctl.evidence.sbom import (
    SbomTools,
    build_sbom,
    find_dependencies,
    merge,
    purl,
    sbom_problems,
)
from policyctl.evidence.subjects import PackRef
from policyctl.sources.filesystem import WalkOptions
from tests.conftest import write_files

SAMPLES: dict[str, tuple[str, set[str]]] = {
    "requirements-dev.txt": (
        "# tools\nRequests[socks]==2.31.0 ; python_version > '3'\n"
        "Django>=4.2\n-r base.txt\n--hash=sha256:abc\n-e git+https://x/y.git#egg=y\n"
        "zope.interface==6.0  # pinned\n",
        {"pkg:pypi/requests@2.31.0", "pkg:pypi/django", "pkg:pypi/zope-interface@6.0"},
    ),
    "pyproject.toml": (
        '[project]\nname = "app"\ndependencies = ["httpx==0.27.0", "rich>=13"]\n'
        '[project.optional-dependencies]\ntest = ["pytest==8.1.1"]\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nattrs = "23.2.0"\nclick = "^8"\n',
        {
            "pkg:pypi/httpx@0.27.0",
            "pkg:pypi/rich",
            "pkg:pypi/pytest@8.1.1",
            "pkg:pypi/attrs@23.2.0",
            "pkg:pypi/click",
        },
    ),
    "poetry.lock": (
        '[[package]]\nname = "attrs"\nversion = "23.2.0"\n\n'
        '[[package]]\nname = "Click"\nversion = "8.1.7"\n',
        {"pkg:pypi/attrs@23.2.0", "pkg:pypi/click@8.1.7"},
    ),
    "uv.lock": (
        'version = 1\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n'
        '[[package]]\nname = "anyio"\nversion = "4.3.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n',
        {"pkg:pypi/anyio@4.3.0"},
    ),
    "Pipfile.lock": (
        json.dumps(
            {
                "_meta": {},
                "default": {"six": {"version": "==1.16.0"}},
                "develop": {"pytest": {"version": "==8.0.0"}},
            }
        ),
        {"pkg:pypi/six@1.16.0", "pkg:pypi/pytest@8.0.0"},
    ),
    "package-lock.json": (
        json.dumps(
            {
                "lockfileVersion": 1,
                "dependencies": {
                    "express": {"version": "4.19.2", "dependencies": {"ms": {"version": "2.0.0"}}},
                    "@types/node": {"version": "20.11.0"},
                },
            }
        ),
        {"pkg:npm/express@4.19.2", "pkg:npm/ms@2.0.0", "pkg:npm/%40types/node@20.11.0"},
    ),
    "yarn.lock": (
        '# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n'
        '  version "7.24.0"\n  resolved "https://r/x.tgz"\n\nlodash@^4.17.0:\n'
        '  version "4.17.21"\n',
        {"pkg:npm/%40babel/core@7.24.0", "pkg:npm/lodash@4.17.21"},
    ),
    "pnpm-lock.yaml": (
        "lockfileVersion: '6.0'\npackages:\n  /react@18.2.0:\n    resolution: {integrity: x}\n"
        "  /@vue/shared@3.4.21(typescript@5.4.0):\n    resolution: {integrity: y}\n",
        {"pkg:npm/react@18.2.0", "pkg:npm/%40vue/shared@3.4.21"},
    ),
    "go.mod": (
        "module example.com/app\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.1\n"
        "require (\n\tgolang.org/x/text v0.14.0 // indirect\n)\n",
        {"pkg:golang/github.com/pkg/errors@v0.9.1", "pkg:golang/golang.org/x/text@v0.14.0"},
    ),
    "go.sum": (
        "github.com/pkg/errors v0.9.1 h1:abc=\ngithub.com/pkg/errors v0.9.1/go.mod h1:def=\n"
        "github.com/old/dep v1.0.0/go.mod h1:ghi=\n",
        {"pkg:golang/github.com/pkg/errors@v0.9.1"},
    ),
    "Cargo.lock": (
        'version = 3\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n'
        '[[package]]\nname = "serde"\nversion = "1.0.197"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n',
        {"pkg:cargo/serde@1.0.197"},
    ),
    "Gemfile.lock": (
        "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.9)\n"
        "    rails (7.1.3)\n      rack (>= 2.2.4)\n\nPATH\n  remote: .\n  specs:\n"
        "    myapp (0.1.0)\n\nBUNDLED WITH\n   2.5.6\n",
        {"pkg:gem/rack@3.0.9", "pkg:gem/rails@7.1.3"},
    ),
    "composer.lock": (
        json.dumps(
            {
                "packages": [{"name": "monolog/monolog", "version": "3.5.0"}],
                "packages-dev": [{"name": "phpunit/phpunit", "version": "10.5.0"}],
            }
        ),
        {"pkg:composer/monolog/monolog@3.5.0", "pkg:composer/phpunit/phpunit@10.5.0"},
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_manifest_kind_gives_its_dependencies_as_purls(name: str) -> None:
    text, expected = SAMPLES[name]
    parser = parser_for(name)
    assert parser is not None, f"no parser for {name}"
    assert {purl(d) for d in parser(text)} == expected


def test_files_that_are_no_manifest_have_no_parser() -> None:
    assert parser_for("README.md") is None
    assert parser_for("package.json.bak") is None


def test_a_pinned_version_replaces_the_unversioned_entry_of_a_manifest() -> None:
    found = [
        _found(Dependency("pypi", "flask"), "requirements.txt"),
        _found(Dependency("pypi", "flask", "3.0.2"), "poetry.lock"),
        _found(Dependency("pypi", "rich"), "requirements.txt"),
    ]
    assert list(merge(found)) == ["pkg:pypi/flask@3.0.2", "pkg:pypi/rich"]


def test_the_sbom_of_a_tree_is_strictly_valid_cyclonedx_1_6(tmp_path: Path) -> None:
    write_files(tmp_path, {name: text for name, (text, _) in SAMPLES.items()})
    found, notices = find_dependencies([str(tmp_path)], WalkOptions(use_gitignore=False))
    tools = SbomTools("a" * 64, (PackRef("soc2", "1.0.0", "b" * 64, "SOC 2"),))
    text = build_sbom("app", merge(found), tools, datetime(2024, 5, 1, tzinfo=UTC))
    assert sbom_problems(text) == []
    assert notices == []
    document = json.loads(text)
    assert document["specVersion"] == "1.6"
    purls = {c["purl"] for c in document["components"]}
    pinned = {p for _, expected in SAMPLES.values() for p in expected if "@" in p.split("/")[-1]}
    assert pinned <= purls
    assert "pkg:pypi/click" not in purls  # poetry.lock pins it: pkg:pypi/click@8.1.7
    tools_named = {c["name"]: c for c in document["metadata"]["tools"]["components"]}
    assert tools_named["policyctl"]["purl"].startswith("pkg:pypi/policyctl@")
    assert tools_named["soc2"]["hashes"] == [{"alg": "SHA-256", "content": "b" * 64}]
    assert tools_named["policyctl-ruleset"]["hashes"][0]["content"] == "a" * 64


def test_each_component_records_the_manifest_it_came_from(tmp_path: Path) -> None:
    write_files(tmp_path, {"svc/requirements.txt": "six==1.16.0\n"})
    found, _ = find_dependencies([str(tmp_path)], WalkOptions(use_gitignore=False))
    document = json.loads(build_sbom("x", merge(found), SbomTools(""), datetime.now(UTC)))
    occurrences = document["components"][0]["evidence"]["occurrences"]
    assert [o["location"] for o in occurrences] == ["svc/requirements.txt"]


def test_lockfiles_of_vendored_dependencies_are_not_read(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "requirements.txt": "six==1.16.0\n",
            "node_modules/left-pad/package-lock.json": SAMPLES["package-lock.json"][0],
            "vendor/github.com/x/go.mod": SAMPLES["go.mod"][0],
        },
    )
    found, _ = find_dependencies([str(tmp_path)], WalkOptions(use_gitignore=False))
    assert [purl(f.dependency) for f in found] == ["pkg:pypi/six@1.16.0"]


def test_a_broken_manifest_is_a_notice_and_the_others_still_count(tmp_path: Path) -> None:
    write_files(tmp_path, {"Cargo.lock": "[[package\nname=", "requirements.txt": "six==1.16.0\n"})
    found, notices = find_dependencies([str(tmp_path)], WalkOptions(use_gitignore=False))
    assert [purl(f.dependency) for f in found] == ["pkg:pypi/six@1.16.0"]
    assert [n.path for n in notices] == ["Cargo.lock"]


def _found(dependency: Dependency, manifest: str):  # type: ignore[no-untyped-def]
    from policyctl.evidence.sbom import FoundDependency

    return FoundDependency(dependency, manifest)
