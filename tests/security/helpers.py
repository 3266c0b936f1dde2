"""What the attack tests share: a custom rule file, and a config a repository commits."""

from __future__ import annotations

from pathlib import Path


def rule_file(path: Path, pattern: str, rule_id: str = "custom.token") -> Path:
    """A rule file with one secret rule whose `pattern` is given (single-quoted YAML)."""
    quoted = pattern.replace("'", "''")
    path.write_text(
        "rules:\n"
        f"- id: {rule_id}\n"
        "  title: Custom token\n"
        "  category: secret\n"
        "  severity: high\n"
        "  data_class: credential\n"
        f"  pattern: '{quoted}'\n"
        "  examples: ['tok_aaaaaaaaaaaaaaaa']\n"
        "  negative_examples: ['nothing here']\n",
        encoding="utf-8",
    )
    return path
