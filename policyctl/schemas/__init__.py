"""The JSON Schemas of policyctl's documents (rule, pack, config, report) and a validator."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema


@dataclass(frozen=True)
class SchemaProblem:
    """One way a document breaks its schema: where (a JSON path) and what."""

    path: tuple[str | int, ...]
    message: str


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema `name` (e.g. "rule" for rule.schema.json) shipped with the package."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # only when a document is validated: it is slow to import

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_problems(document: Any, name: str) -> list[SchemaProblem]:
    """Every problem of `document` against schema `name`, most specific first, by path."""
    found = sorted(
        _validator(name).iter_errors(document),
        key=lambda e: (list(map(str, e.absolute_path)), -len(e.absolute_path)),
    )
    return [SchemaProblem(tuple(e.absolute_path), _short(e)) for e in found]


def _short(error: jsonschema.ValidationError) -> str:
    """A one-line message that never quotes the offending value (it could hold a secret)."""
    keyword, expected = str(error.validator), _any(error.validator_value)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        extra = sorted(map(str, set(error.instance) - set(known)))
        listed = ", ".join(_named(name, _closest(name, known)) for name in extra)
        return f"unknown field{'s' if len(extra) > 1 else ''} {listed}"
    if keyword == "required" and isinstance(error.instance, dict):
        given = list(map(str, error.instance))
        missing = [str(name) for name in expected if name not in error.instance]
        unknown = [name for name in given if name not in schema.get("properties", {})]
        listed = ", ".join(_missing(name, _closest(name, unknown)) for name in missing)
        return f"is missing the required field{'s' if len(missing) > 1 else ''} {listed}"
    messages: dict[str, Callable[[], str]] = {
        "enum": lambda: f"must be one of: {', '.join(map(str, expected))}",
        "const": lambda: f"must be {expected!r}",
        "type": lambda: f"must be of type {expected}",
        "pattern": lambda: f"does not match the required pattern {expected}",
        "minItems": lambda: f"needs at least {expected} item(s)",
        "maxItems": lambda: f"must have at most {expected} item(s)",
        "minLength": lambda: f"needs at least {expected} character(s)",
        "minimum": lambda: f"must be at least {expected}",
        "maximum": lambda: f"must be at most {expected}",
        "uniqueItems": lambda: "has duplicate items",
        "format": lambda: f"is not a valid {expected}",
    }
    message = messages.get(keyword)
    return message() if message else f"fails the schema's {keyword!r} check"


def _any(value: object) -> Any:
    return value


def _closest(name: str, candidates: list[str]) -> str | None:
    """The candidate `name` most likely is a misspelling of (or of which it is one)."""
    import difflib

    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.7)
    return found[0] if found else None


def _named(unknown: str, suggestion: str | None) -> str:
    return f"'{unknown}'" + (f" (did you mean '{suggestion}'?)" if suggestion else "")


def _missing(name: str, given: str | None) -> str:
    return f"'{name}'" + (f" ('{given}' is given: a misspelling?)" if given else "")
