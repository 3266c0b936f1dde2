"""Names in free text with `--ner-model`: a real spaCy pipeline, built here (a blank
English pipeline and an entity ruler, saved to disk), run by the installed command.
No model is downloaded; the code path from loading to findings is the one a trained
model takes. Skipped where spaCy is not installed (it is in the test extras)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunPolicyctl

spacy = pytest.importorskip("spacy")

PERSON, PLACE, COMPANY = "Maria Garcia", "Springfield", "Acme Widgets"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": PERSON},
            {"label": "GPE", "pattern": PLACE},
            {"label": "ORG", "pattern": COMPANY},
            {"label": "DATE", "pattern": "Monday"},
        ]
    )
    folder = tmp_path_factory.mktemp("ner") / "en_test_ruler"
    nlp.to_disk(folder)
    return folder


def findings(result: Any) -> list[tuple[int, str]]:
    assert result.code in (0, 1), result.err
    return sorted((f["location"]["line"], f["rule_id"]) for f in result.json()["findings"])


def test_entities_in_a_log_become_findings_of_their_own_rules(
    run_policyctl: RunPolicyctl, tmp_path: Path, model: Path
) -> None:
    log = tmp_path / "support.log"
    log.write_text(
        "ticket opened on Monday\n"
        f"caller {PERSON} from {PLACE} asked about her order\n"
        f"escalated to {COMPANY} billing\n"
    )
    result = run_policyctl("scan", log, "--ner-model", model, "-f", "json", "--no-audit")
    assert findings(result) == [
        (2, "pii.ner-location"),
        (2, "pii.ner-person"),
        (3, "pii.ner-organisation"),
    ]
    assert PERSON not in result.all_output  # previews only


def test_without_the_option_no_entity_is_looked_for(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    log = tmp_path / "support.log"
    log.write_text(f"caller {PERSON} from {PLACE}\n")
    result = policyctl_in_process("scan", log, "-f", "json", "--no-audit")
    assert findings(result) == []


def test_text_documents_are_read_and_source_code_is_not(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, model: Path
) -> None:
    (tmp_path / "notes.txt").write_text(f"Visit\n\n{PERSON} visited {PLACE}.\n")
    (tmp_path / "app.py").write_text(f'GREETING = "Hello {PERSON}"\n')
    result = policyctl_in_process("scan", tmp_path, "--ner-model", model, "-f", "json")
    assert findings(result) == [(3, "pii.ner-location"), (3, "pii.ner-person")]
    paths = {Path(f["location"]["path"]).name for f in result.json()["findings"]}
    assert paths == {"notes.txt"}


def test_a_person_found_by_the_model_violates_safe_harbor_names(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, model: Path
) -> None:
    log = tmp_path / "visits.log"
    log.write_text(f"patient {PERSON} discharged\n")
    result = policyctl_in_process(
        "scan", log, "--ner-model", model, "--pack", "hipaa", "-f", "json", "--no-audit"
    )
    assert result.code == 1
    [person] = [f for f in result.json()["findings"] if f["rule_id"] == "pii.ner-person"]
    assert "hipaa:164.514(b)(2)(i)(A)" in person["controls"]


def test_a_model_that_cannot_be_loaded_is_a_usage_error(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    log = tmp_path / "app.log"
    log.write_text("nothing here\n")
    missing = tmp_path / "no_such_model"
    result = run_policyctl("scan", log, "--ner-model", missing, "--no-audit")
    assert result.code == 2
    [line] = [line for line in result.err.splitlines() if "error" in line]
    assert f"--ner-model {missing}: cannot be loaded" in line


def test_a_scan_without_the_option_does_not_import_spacy(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(f"caller {PERSON}\n")
    command = [sys.executable, "-X", "importtime", "-m", "policyctl", "scan", str(log)]
    completed = subprocess.run(
        [*command, "--no-audit", "-q"], capture_output=True, text=True, timeout=120
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()]
    assert "policyctl.detection.detect" in imported  # (the scan ran)
    assert "policyctl.detection.ner" not in imported
    assert not [name for name in imported if name.split(".")[0] == "spacy"]
