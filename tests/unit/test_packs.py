"""Policy packs: the built-in packs, the pack format, `extends`, and rule selection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from policyctl.core.errors import PolicyError
from policyctl.core.model import Selector
from policyctl.core.yamlfile import load_yaml
from policyctl.detection.rules import load_rules
from policyctl.policy.packs import (
    RuleTraits,
    builtin_pack_files,
    clause_selects,
    control_selects,
    coverage,
    load_pack,
    load_packs,
    pack_digest,
    selection_problems,
)
from policyctl.schemas import schema_problems
from tests import policy_helpers
from tests.conftest import write_files
from tests.policy_helpers import control

BUILTIN = sorted(builtin_pack_files())
REQUIRED_PACKS = {
    "soc2",
    "iso27001",
    "gdpr",
    "hipaa",
    "pci-dss",
    "ccpa",
    "nist-800-53",
    "lgpd",
    "pipeda",
    "dpdp",
    "pdpa",
}


def test_every_framework_the_product_promises_has_a_built_in_pack() -> None:
    assert set(BUILTIN) >= REQUIRED_PACKS


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_built_in_pack_validates_against_the_schema(pack_id: str) -> None:
    document = load_yaml(builtin_pack_files()[pack_id], PolicyError)
    assert schema_problems(document, "pack") == []
    assert document["id"] == pack_id, "a built-in pack file is named after its id"


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_every_rule_a_built_in_pack_selects_exists(pack_id: str) -> None:
    assert selection_problems(load_pack(pack_id), load_rules()) == []


def test_every_built_in_control_is_served_by_a_rule_or_says_why_not() -> None:
    rows = coverage(load_packs(BUILTIN), load_rules())
    assert [f"{r.pack.id}:{r.control.id}" for r in rows if r.status == "unserved"] == []


def test_a_hard_coded_credential_blocks_under_every_built_in_pack() -> None:
    credential = RuleTraits("secret.aws-access-key-id", "secret", "credential", ("aws",))
    for pack in load_packs(BUILTIN):
        modes = {c.mode for c in pack.controls if control_selects(c, credential)}
        assert "block" in modes, pack.id


def test_hipaa_maps_each_of_the_18_safe_harbor_identifiers() -> None:
    ids = {c.id for c in load_pack("hipaa").controls}
    letters = "ABCDEFGHIJKLMNOPQR"
    assert {f"164.514(b)(2)(i)({letter})" for letter in letters} <= ids


def test_control_titles_are_short_summaries() -> None:
    for pack in load_packs(BUILTIN):
        for item in pack.controls:
            assert len(item.title) <= 80, f"{pack.id}:{item.id}"
            assert not re.search(r"\bTODO\b", item.description)


# Selection


def rule_traits(**overrides: object) -> RuleTraits:
    values: dict[str, object] = {
        "id": "pii.br-cpf",
        "category": "pii",
        "data_class": "government-id",
        "tags": ("br",),
    }
    values.update(overrides)
    return RuleTraits(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "clause",
    [
        Selector(rules=("pii.br-cpf",)),
        Selector(rules=("pii.br-*",)),
        Selector(tags=("br", "pt")),
        Selector(categories=("pii",)),
        Selector(data_classes=("government-id",)),
    ],
    ids=["id", "glob", "tag", "category", "data_class"],
)
def test_a_clause_selects_by_id_glob_tag_category_or_data_class(clause: Selector) -> None:
    assert clause_selects(clause, rule_traits())


def test_a_clause_needs_every_field_it_gives_to_match() -> None:
    clause = Selector(data_classes=("government-id",), tags=("in",))
    assert not clause_selects(clause, rule_traits())
    assert clause_selects(clause, rule_traits(tags=("in",)))


def test_excludes_leave_out_rules_a_clause_selected() -> None:
    item = control(
        selects=(Selector(rules=("pii.br-*",)),), excludes=(Selector(rules=("pii.br-cnpj",)),)
    )
    assert control_selects(item, rule_traits())
    assert not control_selects(item, rule_traits(id="pii.br-cnpj"))


def test_selection_problems_name_unknown_rule_ids_and_clauses_that_choose_nothing(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pack.yaml": PACK_HEAD
            + """
  - id: X-1
    title: t
    description: d
    mode: block
    selects:
      - rules: [secret.no-such-rule]
      - tags: [no-such-tag]
"""
        },
    )
    problems = selection_problems(load_pack(str(tmp_path / "pack.yaml")), load_rules())
    assert problems == [
        "control X-1: selects unknown rule 'secret.no-such-rule'",
        "control X-1: selects clause #2 chooses no rule",
    ]


def test_a_clause_chooses_no_rule_exactly_when_clause_selects_takes_none() -> None:
    # selection_problems works with an index of the rules; clause_selects, which judges
    # findings, is the reference
    rules = load_rules()
    traits = [RuleTraits.of_rule(rule) for rule in rules]
    built_in = [k for p in load_packs(BUILTIN) for k in p.controls]
    clauses = [c for k in built_in for c in (*k.selects, *k.excludes)]
    clauses += [
        Selector(rules=("secret.aws-*",), categories=("pii",)),
        Selector(rules=("*",), tags=("aws",), data_classes=("credential",)),
        Selector(rules=("pii.*", "secret.github-pat-classic"), categories=("secret",)),
        Selector(tags=("aws", "no-such-tag"), categories=("pii",)),
        Selector(categories=("secret",), data_classes=("personal",)),
        Selector(rules=("s?cret.[ag]*",)),
    ]
    numbered = policy_helpers.pack(
        "p", *(control(f"C{n}", selects=(c,)) for n, c in enumerate(clauses))
    )
    problems = selection_problems(numbered, rules)
    for n, clause in enumerate(clauses):
        empty = not any(clause_selects(clause, t) for t in traits)
        assert (f"control C{n}: selects clause #1 chooses no rule" in problems) == empty, clause
    assert any("chooses no rule" in problem for problem in problems)  # (both cases met)


# The format and extends

PACK_HEAD = """\
id: base
name: Base pack
version: "1"
framework: {name: Base, version: "1", url: "https://example.org/base"}
controls:"""

BASE_PACK = (
    PACK_HEAD
    + """
  - id: KEYS
    title: Keys are secret
    description: Credentials must not be readable.
    selects: [{categories: [secret]}]
    mode: warn
  - id: LOGS
    title: Logs are clean
    description: Nothing sensitive in logs.
    selects: [{categories: [secret, pii]}]
    sources: [logs]
    mode: warn
"""
)


def extend(tmp_path: Path, body: str) -> Path:
    write_files(
        tmp_path,
        {
            "base.yaml": BASE_PACK,
            "ours.yaml": 'id: ours\nname: Ours\nversion: "2"\nextends: base.yaml\n' + body,
        },
    )
    return tmp_path / "ours.yaml"


def test_extends_overrides_a_controls_mode_and_severity(tmp_path: Path) -> None:
    path = extend(tmp_path, "overrides:\n  KEYS: {mode: block, min_severity: high}\n")
    pack = load_pack(str(path))
    keys = next(c for c in pack.controls if c.id == "KEYS")
    assert (keys.mode, keys.min_severity) == ("block", "high")
    assert (pack.id, pack.extends, pack.framework.name) == ("ours", "base", "Base")


def test_extends_can_disable_controls(tmp_path: Path) -> None:
    pack = load_pack(str(extend(tmp_path, "disable: [LOGS]\n")))
    assert [c.id for c in pack.controls] == ["KEYS"]


def test_extends_adds_controls_that_select_the_packs_own_rules(tmp_path: Path) -> None:
    path = extend(
        tmp_path,
        """rules: [our-rules.yaml]
controls:
  - id: OURS-1
    title: Our ticket ids stay internal
    description: Internal ticket ids are confidential.
    selects: [{rules: [ours.ticket-id]}]
    mode: block
""",
    )
    write_files(tmp_path, {"our-rules.yaml": OUR_RULES})
    pack = load_pack(str(path))
    assert [c.id for c in pack.controls] == ["KEYS", "LOGS", "OURS-1"]
    assert pack.rules == (str(tmp_path / "our-rules.yaml"),)
    rules = load_rules([Path(p) for p in pack.rules])
    assert selection_problems(pack, rules) == []


def test_a_user_pack_extends_a_built_in_pack_by_id(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "ours.yaml": 'id: our-gdpr\nname: Ours\nversion: "1"\nextends: gdpr\n'
            "overrides:\n  Art. 5(1)(c): {mode: block}\n"
        },
    )
    pack = load_pack(str(tmp_path / "ours.yaml"))
    assert next(c for c in pack.controls if c.id == "Art. 5(1)(c)").mode == "block"
    assert pack.framework == load_pack("gdpr").framework


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "overrides:\n  NOPE: {mode: block}\n",
            "field 'overrides': pack 'base' has no control 'NOPE'",
        ),
        ("disable: [NOPE]\n", "field 'disable': pack 'base' has no control 'NOPE'"),
        (
            "controls:\n"
            "  - {id: KEYS, title: t, description: d, mode: log, selects: [{tags: [x]}]}\n",
            "control KEYS: already in pack 'base'",
        ),
        ("overrides:\n  KEYS: {mode: fail}\n", "field 'overrides.KEYS.mode': must be one of"),
    ],
    ids=["unknown override", "unknown disable", "clashing control", "bad mode"],
)
def test_a_bad_extension_is_an_error_naming_the_file_and_field(
    tmp_path: Path, body: str, message: str
) -> None:
    path = extend(tmp_path, body)
    with pytest.raises(PolicyError, match=re.escape(message)) as caught:
        load_pack(str(path))
    assert str(path) in str(caught.value)


def test_packs_that_extend_each_other_in_a_cycle_are_an_error(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "a.yaml": 'id: a\nname: A\nversion: "1"\nextends: b.yaml\n',
            "b.yaml": 'id: b\nname: B\nversion: "1"\nextends: a.yaml\n',
        },
    )
    with pytest.raises(PolicyError, match="cycle"):
        load_pack(str(tmp_path / "a.yaml"))


def test_overrides_without_extends_are_an_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"p.yaml": BASE_PACK + "overrides:\n  KEYS: {mode: block}\n"})
    with pytest.raises(PolicyError, match="field 'overrides': only a pack that extends"):
        load_pack(str(tmp_path / "p.yaml"))


def test_a_schema_error_names_the_control_and_field(tmp_path: Path) -> None:
    write_files(tmp_path, {"p.yaml": BASE_PACK.replace("mode: warn", "mode: stop", 1)})
    with pytest.raises(PolicyError, match=r"p\.yaml: control KEYS: field 'mode': must be one"):
        load_pack(str(tmp_path / "p.yaml"))


def test_an_unknown_built_in_pack_lists_the_known_ones() -> None:
    with pytest.raises(PolicyError, match=r"no built-in policy pack 'sox'.*hipaa"):
        load_pack("sox")


def test_a_control_no_rule_can_serve_must_say_why_and_select_nothing(tmp_path: Path) -> None:
    unserved = BASE_PACK + (
        "  - {id: PHOTO, title: t, description: d, mode: block, selects: [], unserved: images}\n"
    )
    silent = BASE_PACK + "  - {id: PHOTO, title: t, description: d, mode: block, selects: []}\n"
    write_files(tmp_path, {"ok.yaml": unserved, "bad.yaml": silent})
    pack = load_pack(str(tmp_path / "ok.yaml"))
    assert [r.status for r in coverage([pack], load_rules())][-1] == "not-assessed"
    with pytest.raises(PolicyError, match="control PHOTO: field 'selects'"):
        load_pack(str(tmp_path / "bad.yaml"))


OUR_RULES = """\
rules:
- id: ours.ticket-id
  title: Internal ticket id
  category: pii
  severity: medium
  data_class: identity
  keywords: [tkt-]
  pattern: \\bTKT-[0-9]{6}\\b
  examples: ["see TKT-123456"]
  negative_examples: ["TKT-12"]
"""


def readme_yaml_after(heading: str) -> object:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split(heading, 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    return yaml.safe_load(block)


def test_the_readme_pack_example_is_a_valid_pack() -> None:
    assert schema_problems(readme_yaml_after("### Writing or extending a pack"), "pack") == []


def test_the_readme_waiver_example_is_a_valid_configuration() -> None:
    document = readme_yaml_after("## Waivers")
    assert isinstance(document, dict)
    for waiver in document["waivers"]:
        waiver["expires"] = str(waiver["expires"])  # safe_load reads dates; ours keeps text
    assert schema_problems(document, "config") == []


def test_a_packs_digest_depends_on_its_content_not_on_where_it_is_installed(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"a/base.yaml": BASE_PACK, "b/base.yaml": BASE_PACK})
    here, there = load_pack(str(tmp_path / "a/base.yaml")), load_pack(str(tmp_path / "b/base.yaml"))
    assert pack_digest(here) == pack_digest(there)
    write_files(tmp_path, {"b/base.yaml": BASE_PACK.replace("mode: warn", "mode: block", 1)})
    assert pack_digest(load_pack(str(tmp_path / "b/base.yaml"))) != pack_digest(here)
