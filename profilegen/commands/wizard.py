"""`wizard`: ask in the terminal, write a preset, build it. questionary is imported only once a terminal is known."""

from __future__ import annotations

from pathlib import Path

import typer

from profilegen.commands import complete
from profilegen.commands.help import epilog
from profilegen.commands.options import CATALOG_OPTION

CANCELLED = "profilegen: wizard cancelled: nothing written"


def wizard_command(
    from_preset: str | None = typer.Option(
        None, "--from", metavar="PRESET", autocompletion=complete.preset_names,
        help="Start from a preset (shipped name or file): its answers are the defaults."),
    save: Path | None = typer.Option(None, "--save", metavar="PATH",
                                     help="Where to save the preset (default: <name>.toml in the current folder)."),
    out: Path = typer.Option(Path("dist"), "--out", "-o", help="Folder for the outputs."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files without asking."),
    catalog_dir: Path | None = CATALOG_OPTION,
    schemas_root: Path | None = typer.Option(None, "--schemas-root", hidden=True,
                                             help="Use this folder instead of the shipped schemas (tests)."),
) -> None:
    """Answer questions in the terminal; write a preset and build it as `profilegen build` would."""
    import sys

    from profilegen.errors import ExitCode, UsageError

    if save is not None and save.suffix != ".toml":
        raise UsageError(f"--save {save}: a preset is a .toml file", hint=f"e.g. --save {save.with_suffix('.toml')}")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the wizard needs a terminal (stdin and stdout are not one)",
                         hint="without a terminal, as in CI, run `profilegen build PRESET`")
    try:
        _run(from_preset, save, out, force, catalog_dir, schemas_root)
    except KeyboardInterrupt:
        typer.echo(CANCELLED, err=True)
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def _run(from_preset: str | None, save: Path | None, out: Path, force: bool, catalog_dir: Path | None,
         schemas_root: Path | None) -> None:
    from profilegen.atomic import write_all
    from profilegen.catalog import load_catalog
    from profilegen.catalog.user import open_catalog, user_catalog_dirs
    from profilegen.preset import load_preset
    from profilegen.report import build_report, findings_report
    from profilegen.wizard.flow import Wizard

    if schemas_root is not None:
        catalog = load_catalog(lambda: user_catalog_dirs(catalog_dir), root=schemas_root)
    else:
        catalog = open_catalog(catalog_dir)
    base = load_preset(from_preset) if from_preset is not None else None
    wizard = Wizard(catalog, base, name=save.stem if save is not None else None)

    from profilegen.wizard import prompt

    plan = prompt.walk(wizard, save=save, out=out, force=force)
    unchanged = write_all(plan.files, force=True)  # existing files were confirmed (or --force) by the walk
    typer.echo(f"\n{'unchanged' if plan.preset_path in unchanged else 'wrote'} {plan.preset_path}")
    typer.echo(findings_report(plan.result), nl=False, err=True)
    typer.echo(build_report(plan.result, plan.targets, unchanged), nl=False)
    typer.echo(f"\nIn CI or on another machine: profilegen build {plan.preset_path} --out {out}")


def register(app: typer.Typer) -> None:
    app.command("wizard", epilog=epilog("wizard"))(wizard_command)
