"""Person, place and organisation names in free text (logs, text documents), found by a
spaCy named-entity pipeline the user installed and named with `--ner-model`.

The extra is optional (`pip install 'policyctl[ner]'`): spaCy is imported only when a
model is named, so a scan without `--ner-model` neither needs spaCy nor pays for its
import. The model is loaded once per process (the parent checks it first, so a name
that cannot be loaded is one clear error, exit 2, before any file is read).

Entities become findings of their own rules, by label (spaCy's English labels, which
OntoNotes defines): PERSON -> pii.ner-person, GPE and LOC -> pii.ner-location, ORG ->
pii.ner-organisation. A model gives no score per entity, so each rule has a fixed
confidence; `--min-confidence` above it turns the rule off. Only log chunks and text
documents (TEXT_DOCUMENTS) are read: in source code, identifiers and vendor names would
be entities by the thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.core.model import Chunk, Finding
from policyctl.detection.detect import (
    DetectOptions,
    fingerprint,
    is_test_or_doc_path,
    place_identity,
)
from policyctl.detection.preview import preview
from policyctl.detection.suppress import INLINE, inline_ignored, may_have_inline_markers
from policyctl.engine import Match


@dataclass(frozen=True)
class EntityRule:
    """What an entity label becomes: a finding's rule and its traits."""

    id: str
    title: str
    severity: str
    confidence: float
    data_class: str
    tags: tuple[str, ...]


PERSON = EntityRule(
    "pii.ner-person",
    "Person name (NER)",
    "medium",
    0.7,
    "identity",
    ("person-name", "hipaa-identifier", "ner"),
)
LOCATION = EntityRule(
    "pii.ner-location",
    "Place name (NER)",
    "low",
    0.6,
    "contact",
    ("address", "ner"),
)
ORGANISATION = EntityRule(
    "pii.ner-organisation",
    "Organisation name (NER)",
    "low",
    0.6,
    "organisation",
    ("organisation", "ner"),
)
ENTITY_RULES: dict[str, EntityRule] = {
    "PERSON": PERSON,
    "GPE": LOCATION,
    "LOC": LOCATION,
    "ORG": ORGANISATION,
}

TEXT_DOCUMENTS = (".txt", ".text", ".md", ".markdown", ".rst", ".adoc", ".eml", ".msg")
"""Files outside logs read for entities: prose, not code."""

MAX_TEXT = 100_000
"""Characters given to the model at once: lines are grouped up to this size (spaCy
refuses texts over its max_length, and memory grows with the text)."""


def applies_to(chunk: Chunk) -> bool:
    """Log chunks and text documents, not code, history or table cells."""
    if chunk.line_locations is not None and chunk.kind == "datasets":
        return False
    if chunk.kind == "logs":
        return True
    return chunk.kind == "repo" and chunk.origin.path.lower().endswith(TEXT_DOCUMENTS)


def load_model(name: str) -> Any:
    """The spaCy pipeline `name` (an installed package or a folder), loaded once per
    process; a ConfigError (exit 2) naming it when spaCy or the model is missing."""
    return _load(name)


@lru_cache(maxsize=2)
def _load(name: str) -> Any:
    try:
        import spacy
    except ImportError:
        raise ConfigError(
            f"--ner-model {name}: spaCy is not installed (pip install 'policyctl[ner]')"
        ) from None
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError, ImportError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"--ner-model {name}: cannot be loaded: {reason}") from None
    if "ner" not in nlp.pipe_names and not nlp.has_pipe("entity_ruler"):
        raise ConfigError(
            f"--ner-model {name}: the pipeline has no 'ner' or 'entity_ruler' component"
        )
    return nlp


def entity_findings(chunk: Chunk, options: DetectOptions) -> list[Finding]:
    """The findings for the named entities in `chunk`, in order of position."""
    if options.ner_model is None or not applies_to(chunk):
        return []
    nlp = load_model(options.ner_model)
    text = chunk.data.decode("utf-8", "replace")
    ascii_only = len(text) == len(chunk.data)
    demoted = is_test_or_doc_path(chunk.origin.path)
    markers = may_have_inline_markers(chunk.data)
    found: list[Finding] = []
    for offset, doc in zip(*_pieces(text, nlp), strict=True):
        for entity in doc.ents:
            rule = ENTITY_RULES.get(entity.label_)
            if rule is None:
                continue
            confidence = rule.confidence - (0.15 if demoted else 0.0)
            if confidence < options.min_confidence:
                continue
            start, end = offset + entity.start_char, offset + entity.end_char
            if not ascii_only:
                start, end = _byte_offset(text, start), _byte_offset(text, end)
            value = entity.text
            found.append(_finding(chunk, rule, value, start, end, confidence, options, markers))
    return found


def _pieces(text: str, nlp: Any) -> tuple[list[int], list[Any]]:
    """The text cut at line ends into pieces of at most MAX_TEXT characters (a longer
    line is cut where it must), run through the model together; the offset of each."""
    offsets: list[int] = []
    texts: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_TEXT)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        offsets.append(start)
        texts.append(text[start:end])
        start = end
    return offsets, list(nlp.pipe(texts))


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "replace"))


def _finding(
    chunk: Chunk,
    rule: EntityRule,
    value: str,
    start: int,
    end: int,
    confidence: float,
    options: DetectOptions,
    markers: bool,
) -> Finding:
    location = chunk.locate(start)
    match = Match(-1, start, end, start, end)
    suppressed = None
    if markers and inline_ignored(chunk.data, start, rule.id):
        suppressed = INLINE
    elif options.allowlist:
        suppressed = options.allowlist.reason(location.path, value, location.commit)
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        category="pii",
        severity=rule.severity,
        confidence=round(confidence, 2),
        data_class=rule.data_class,
        location=location,
        preview=preview(value),
        fingerprint=fingerprint(rule.id, place_identity(chunk, match, location), chunk.origin.path),
        tags=rule.tags,
        secret=value if options.show_secrets else None,
        source_kind=chunk.kind,
        suppressed=suppressed,
    )
