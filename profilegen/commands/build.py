"""`build` and `presets`: the main job.

No `from __future__ import annotations` here: typer evaluates string annotations with eval(), which
compiles each one; real annotation objects save about 4M instructions of start-up.
"""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands import complete
from profilegen.commands.help import epilog
from profilegen.commands.options import (
    ALLOW_EXPIRED_OPTION,
    CATALOG_OPTION,
    CERT_OPTION,
    CHAIN_OPTION,
    DISPLAY_NAME_OPTION,
    IDENTIFIER_OPTION,
    KEY_OPTION,
    LICENSE_OPTION,
    OFFICE_VERSION_OPTION,
    ORGANIZATION_OPTION,
    P12_OPTION,
    PASSWORD_ENV_OPTION,
    SET_OPTION,
    TextOrJson,
)

if TYPE_CHECKING:
    from profilegen.overrides import Overrides
    from profilegen.preset import Preset


class Style(StrEnum):
    mcx = "mcx"
    custom = "custom"


class ScriptTarget(StrEnum):
    console_user = "console-user"
    current_user = "current-user"
    system = "system"


def build_command(
    presets: list[str] | None = typer.Argument(
        None, metavar="[PRESET]...", help="Shipped preset names or preset files (none: build --set alone).",
        autocompletion=complete.preset_names),
    out: Path = typer.Option(Path("dist"), "--out", "-o", help="Folder for the outputs."),
    style: Style | None = typer.Option(None, "--style", help="Payload style (default: the preset's, else mcx)."),
    script_target: ScriptTarget = typer.Option(ScriptTarget.console_user, "--script-target",
                                               help="Whose preferences the defaults script writes."),
    set_values: list[str] = SET_OPTION,
    split: bool = typer.Option(False, "--split", help="One profile per domain."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing outputs."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    catalog_dir: Path | None = CATALOG_OPTION,
    endpoints: bool = typer.Option(False, "--endpoints", help="Also write <name>.endpoints.csv: what the "
                                   "configuration still contacts, and what it silences."),
    sign: bool = typer.Option(False, "--sign", help="Also write <name>.signed.mobileconfig (DER CMS), signed with "
                              "--cert/--key or --p12."),
    cert: Path | None = CERT_OPTION,
    key: Path | None = KEY_OPTION,
    chain: list[Path] = CHAIN_OPTION,
    p12: Path | None = P12_OPTION,
    password_env: str | None = PASSWORD_ENV_OPTION,
    allow_expired: bool = ALLOW_EXPIRED_OPTION,
    identifier: str | None = IDENTIFIER_OPTION,
    organization: str | None = ORGANIZATION_OPTION,
    display_name: str | None = DISPLAY_NAME_OPTION,
    office_version: str | None = OFFICE_VERSION_OPTION,
    license_name: str | None = LICENSE_OPTION,
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format",
                                               help="text (people) or json (machines): what was written, the "
                                               "settings, the warnings."),
) -> None:
    """Build profiles (.mobileconfig) and defaults scripts (.sh, .undo.sh) from presets."""
    from profilegen.overrides import Overrides

    overrides = Overrides(identifier, organization, display_name, office_version, license_name).check()
    try:
        _build(presets or [], out, style, script_target, set_values, split, force, strict, catalog_dir, endpoints,
               sign, cert, key, chain, p12, password_env, allow_expired, overrides, output_format)
    except KeyboardInterrupt:  # before the first write (the writes hold Ctrl-C and report it themselves)
        from profilegen.errors import Interrupted

        raise Interrupted("interrupted: nothing written") from None


def _build(presets: list[str], out: Path, style: Style | None, script_target: ScriptTarget,
           set_values: list[str], split: bool, force: bool, strict: bool, catalog_dir: Path | None,
           endpoints: bool, sign: bool, cert: Path | None, key: Path | None, chain: list[Path],
           p12: Path | None, password_env: str | None, allow_expired: bool, overrides: "Overrides",
           output_format: TextOrJson) -> None:
    from profilegen.atomic import WriteFailed, WriteInterrupted, write_all
    from profilegen.pipeline import build_preset
    from profilegen.report import build_report, findings_report, unwritten_message

    sources = _sources(presets, overrides, set_values)

    signer = None
    if sign:  # asked first: a wrong password fails before any work, and is asked once for every preset
        from profilegen.signing.identity import load_identity, terminal_prompt

        signer = load_identity(cert=cert, key=key, chain=chain, p12=p12, password_env=password_env,
                               prompt=terminal_prompt())
    elif cert or key or chain or p12 or password_env:
        from profilegen.errors import UsageError

        raise UsageError("--cert, --key, --chain, --p12 and --password-env go with --sign", hint="add --sign")
    catalog = open_catalog(catalog_dir)
    results = []
    for preset in sources:  # everything is resolved and rendered before the first file is written
        result = build_preset(
            preset, catalog, overrides=set_values, style=style.value if style else None,
            split=split, script_target=script_target.value, strict=strict)
        if signer is not None:
            from profilegen.extras import signed_profiles

            result.artifacts.extend(signed_profiles(result, signer, allow_expired=allow_expired))
        if endpoints:
            from profilegen.extras import endpoint_report

            result.artifacts.append(endpoint_report(result, catalog))
        results.append(result)
    files: dict[Path, tuple[bytes, int]] = {}
    targets = [result.targets(out) for result in results]
    for result, paths in zip(results, targets, strict=True):
        for artifact, target in zip(result.artifacts, paths, strict=True):
            if target in files:
                from profilegen.errors import UsageError

                raise UsageError(f"two presets would both write {target}", hint="give presets distinct names")
            files[target] = (artifact.data, artifact.mode)
    try:
        unchanged = write_all(files, force=force)
    except (WriteFailed, WriteInterrupted) as error:
        error.message = unwritten_message(error.message, results, targets, error.written,
                                          error.not_written)
        raise
    for result in results:
        typer.echo(findings_report(result), nl=False, err=True)
    if output_format is TextOrJson.json:
        from profilegen.json_out import build_data, dumps

        typer.echo(dumps(build_data(results, targets, unchanged)))
        return
    for result, paths in zip(results, targets, strict=True):
        typer.echo(build_report(result, paths, unchanged))


def _sources(refs: list[str], overrides: "Overrides", set_values: list[str]) -> list["Preset"]:
    """The presets to build, with the command line's identity and fleet in place of their own."""
    from profilegen.errors import UsageError
    from profilegen.overrides import empty_preset
    from profilegen.preset import load_preset

    if not refs:
        if not set_values:
            raise UsageError("nothing to build: name a PRESET, or give --set DOMAIN:KEY=VALUE with --identifier",
                             hint="`profilegen presets` lists the shipped presets")
        return [empty_preset(overrides)]
    if overrides.identifier is not None and len(refs) > 1:
        raise UsageError("--identifier with several presets would give their profiles one identifier, and "
                         "each would replace the other on the Macs", hint="build them one at a time")
    return [overrides.apply(load_preset(ref)) for ref in refs]


def register(app: typer.Typer) -> None:
    app.command("build", epilog=epilog("build"))(build_command)
