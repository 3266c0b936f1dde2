"""`policyctl init`: write a commented starter .policyctl.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policyctl.core.config import CONFIG_NAMES
from policyctl.core.errors import ConfigError
from policyctl.core.starter_config import starter_config
from policyctl.policy.packs import builtin_pack_files, load_pack, load_packs


def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write .policyctl.yaml in (default: .).")
    ] = Path("."),
    packs: Annotated[
        list[str] | None,
        typer.Option("--pack", "-p", help="Switch this pack on in the file (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing configuration file.")
    ] = False,
) -> None:
    """Write a commented starter .policyctl.yaml; an existing one is kept unless --force."""
    target = folder / CONFIG_NAMES[0]
    existing = [folder / name for name in CONFIG_NAMES if (folder / name).exists()]
    if existing and not force:
        raise ConfigError(f"{existing[0]}: already exists; use --force to overwrite it")
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder")
    chosen = [p.id for p in load_packs(packs or [])]
    available = [load_pack(pack_id) for pack_id in builtin_pack_files()]
    target.write_text(starter_config(available, chosen), encoding="utf-8")
    typer.echo(f"wrote {target}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
