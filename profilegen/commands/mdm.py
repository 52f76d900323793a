"""`export jamf-schema|intune-plist` and `upload jamf|intune`: the MDM end of the flow."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands.help import HelpGroup, epilog
from profilegen.commands.options import CATALOG_OPTION

export_app = typer.Typer(cls=HelpGroup, no_args_is_help=True, add_completion=False, epilog=epilog("export"),
                         help="Write the formats Jamf Pro and Intune take (offline).")
upload_app = typer.Typer(cls=HelpGroup, no_args_is_help=True, add_completion=False, epilog=epilog("upload"),
                         help="Upload a profile to Jamf Pro or Intune (credentials from the environment).")


class Distribution(StrEnum):
    auto = "auto"
    self_service = "self-service"


class Level(StrEnum):
    computer = "computer"
    user = "user"


class Redeploy(StrEnum):
    all = "all"
    newly_assigned = "newly-assigned"


class Channel(StrEnum):
    device = "device"
    user = "user"


DRY_RUN: Any = typer.Option(False, "--dry-run",
                            help="Print the exact requests (secrets shown as ***) and send nothing.")
CA_BUNDLE: Any = typer.Option(None, "--ca-bundle", metavar="FILE",
                              help="PEM certificates of a private CA (TLS verification is always on).")
TIMEOUT: Any = typer.Option(30.0, "--timeout", metavar="SECONDS", min=0.1, help="Timeout of each request.")
SOURCE: Any = typer.Argument(..., metavar="PRESET|PROFILE",
                             help="A preset (name or file) to build, or a .mobileconfig to send as it is.")


@export_app.command("jamf-schema", epilog=epilog("export jamf-schema"))
def export_jamf_schema(
    domain: str = typer.Argument(..., help="A preference domain of the catalogue."),
    out: Path = typer.Option(..., "--out", "-o", metavar="FILE", help="The manifest to write (.json)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Write a Jamf Pro "Application & Custom Settings" JSON schema for DOMAIN."""
    from profilegen.atomic import FILE_MODE, write_all
    from profilegen.errors import InputError
    from profilegen.outpath import check_target
    from profilegen.printable import printable
    from profilegen.render import jamf_schema

    check_target(out)
    catalog = open_catalog(catalog_dir)
    schema = catalog.domain(domain)
    apple = catalog.payloads.schema(domain) if schema is None else None
    if apple is not None:
        raise InputError(f"{domain} is an Apple payload type ({apple.title}), not a preference domain: Jamf Pro's "
                         "Application & Custom Settings take preference domains only",
                         hint="build the preset and send the profile with `profilegen upload jamf`")
    if schema is None:
        raise InputError(f"unknown domain {domain!r}", hint="`profilegen catalog` lists the known domains")
    manifest = jamf_schema.render(schema.document)
    write_all({out: (manifest.dumps(), FILE_MODE)}, force=force)
    typer.echo(f"wrote {out} ({len(manifest.document['properties'])} keys)")
    if manifest.skipped:
        typer.echo(printable(f"left out (plist data, which Jamf Pro cannot take): {', '.join(manifest.skipped)}"),
                   err=True)


@export_app.command("intune-plist", epilog=epilog("export intune-plist"))
def export_intune_plist(
    preset: str = typer.Argument(..., metavar="PRESET|PROFILE", help="A preset to build, or a .mobileconfig."),
    out: Path = typer.Option(Path("dist"), "--out", "-o", metavar="DIR", help="Folder for the files."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Write one Intune preference file (<domain>.plist, bare key/value pairs) per domain."""
    from profilegen.atomic import FILE_MODE, write_all
    from profilegen.errors import InputError
    from profilegen.outpath import inside
    from profilegen.printable import printable, quoted
    from profilegen.render import intune_plist
    from profilegen.upload.checks import refuse_other_payloads, refuse_signed, settings_from_profile
    from profilegen.upload.run import load_source

    source = load_source(preset, style=None, catalog_dir=catalog_dir)
    settings = source.settings
    if settings is None:
        refuse_signed(source.data, source.ref, "Intune")
        settings = settings_from_profile(source.data, source.ref)
    refuse_other_payloads(source.data, source.ref)
    if not settings:
        raise InputError("no preference settings to export", path=source.ref)
    files = {inside(out, f"{domain}.plist", source=source.ref, what=f"the preference domain {quoted(domain)}",
                    fix="a domain is a bundle identifier such as com.microsoft.Word: correct the profile"):
             (intune_plist.render(settings[domain], domain=domain), FILE_MODE)
             for domain in sorted(settings)}
    unchanged = write_all(files, force=force)
    for path in files:
        typer.echo(printable(f"{'unchanged' if path in unchanged else 'wrote'} {path}"))


@upload_app.command("jamf", epilog=epilog("upload jamf"))
def upload_jamf(
    source: str = SOURCE,
    url: str = typer.Option(..., "--url", metavar="https://HOST", help="The Jamf Pro server."),
    name: str | None = typer.Option(None, "--name", help="Profile name in Jamf Pro (default: display name)."),
    category: str | None = typer.Option(None, "--category", help="An existing Jamf Pro category."),
    site: str | None = typer.Option(None, "--site", help="An existing Jamf Pro site."),
    distribution: Distribution = typer.Option(Distribution.auto, "--distribution"),
    level: Level = typer.Option(Level.computer, "--level"),
    redeploy: Redeploy = typer.Option(Redeploy.all, "--redeploy",
                                      help="Who gets an updated profile: every scoped Mac, or new ones only."),
    dry_run: bool = DRY_RUN,
    ca_bundle: Path | None = CA_BUNDLE,
    timeout: float = TIMEOUT,
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Create or update a Jamf Pro configuration profile (by name; the scope is left as it is).

    Credentials: PROFILEGEN_JAMF_CLIENT_ID and PROFILEGEN_JAMF_CLIENT_SECRET (API client), or
    PROFILEGEN_JAMF_USERNAME and PROFILEGEN_JAMF_PASSWORD.
    """
    import os
    import sys

    from profilegen.printable import printable
    from profilegen.upload import run

    loaded = run.load_source(source, style="mcx", catalog_dir=catalog_dir, dry_run=dry_run)
    connection = run.Connection(timeout=timeout, ca_bundle=ca_bundle, dry_run=sys.stdout if dry_run else None)
    lines = run.upload_jamf(loaded, url=url, name=name, category=category, site=site,
                            distribution=distribution.value, level=level.value, redeploy=redeploy.value,
                            env=os.environ, connection=connection)
    for line in lines:
        typer.echo(printable(line), err=line.startswith("dry run:"))


@upload_app.command("intune", epilog=epilog("upload intune"))
def upload_intune(
    source: str = SOURCE,
    tenant: str = typer.Option(..., "--tenant", help="Directory (tenant) ID or domain."),
    name: str | None = typer.Option(None, "--name", help="Display name in Intune (default: the profile's)."),
    channel: Channel = typer.Option(Channel.device, "--channel", help="Deployment channel (fixed once created)."),
    preference_file: bool = typer.Option(False, "--preference-file",
                                         help="One preference file (.plist) per domain instead of a profile."),
    authority_url: str = typer.Option("https://login.microsoftonline.com", "--authority-url",
                                      help="Entra ID authority (national clouds)."),
    graph_url: str = typer.Option("https://graph.microsoft.com", "--graph-url", help="Graph (national clouds)."),
    dry_run: bool = DRY_RUN,
    ca_bundle: Path | None = CA_BUNDLE,
    timeout: float = TIMEOUT,
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Create or update an Intune macOS custom configuration (or preference files) by display name.

    Credentials: PROFILEGEN_INTUNE_CLIENT_ID and PROFILEGEN_INTUNE_CLIENT_SECRET.
    """
    import os
    import sys

    from profilegen.errors import UsageError
    from profilegen.printable import printable
    from profilegen.upload import run

    if preference_file and channel is Channel.user:
        raise UsageError("--preference-file uses the device channel only", hint="drop --channel user")
    loaded = run.load_source(source, style=None, catalog_dir=catalog_dir, dry_run=dry_run)
    connection = run.Connection(timeout=timeout, ca_bundle=ca_bundle, dry_run=sys.stdout if dry_run else None)
    lines = run.upload_intune(loaded, tenant=tenant, name=name, channel=channel.value,
                              preference_file=preference_file, authority_url=authority_url,
                              graph_url=graph_url, env=os.environ, connection=connection)
    for line in lines:
        typer.echo(printable(line), err=line.startswith("dry run:"))


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.add_typer(upload_app, name="upload")
