"""`endpoints`: which Office for Mac network endpoints a configuration still contacts, and proxy rules."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands import complete
from profilegen.commands.help import epilog
from profilegen.commands.options import CATALOG_OPTION, SET_OPTION

if TYPE_CHECKING:
    from collections.abc import Iterable

    from profilegen.catalog import Catalog
    from profilegen.resolve import Resolution


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    hosts = "hosts"
    squid = "squid"


class License(StrEnum):
    volume = "volume"
    subscription = "subscription"


class Status(StrEnum):
    contacted = "contacted"
    silenced = "silenced"
    unknown = "unknown"


PRESET_ARGUMENT: Any = typer.Argument(
    None, metavar="[PRESET]", help="A shipped preset name or a preset file; none: the whole catalogue.",
    autocompletion=complete.preset_names)
APP_OPTION: Any = typer.Option(
    [], "--app", metavar="W|X|P|O|N",
    help="Keep the endpoints used by these apps: W Word, P PowerPoint, X Excel, O Outlook, N OneNote "
         "(repeatable, or letters together: --app WXP).")
LICENSE_OPTION: Any = typer.Option(
    None, "--license", help="The fleet's license (default: the preset's fleet.license); "
                            "volume leaves out the subscription-only endpoints.")
FORMAT_OPTION: Any = typer.Option(
    Format.table, "--format", help="table, json, csv, hosts (one host pattern a line) or squid "
                                   "(an ACL snippet that answers the silenced hosts with 403).")
MACS_OPTION: Any = typer.Option(
    [], "--macs", metavar="ADDRESS/BITS",
    help="squid: deny only to these client addresses or networks (repeatable), e.g. 10.20.0.0/16; "
         "without it the snippet denies every client of the proxy.")
ONLY_OPTION: Any = typer.Option(
    [], "--only", help="Keep these statuses (repeatable). For hosts, a host listed more than once is "
                       "contacted if any of its rows is, silenced only if all are.")


def parse_apps(values: Iterable[str]) -> tuple[str, ...]:
    """`--app W --app x` or `--app WX` -> ("W", "X"); a bad letter is a usage error naming it."""
    from profilegen.endpoints import APP_LETTERS
    from profilegen.errors import UsageError

    letters: list[str] = []
    for value in values:
        for letter in value.replace(",", "").upper():
            if letter not in APP_LETTERS:
                raise UsageError(f"--app {value!r}: {letter!r} is not an app letter",
                                 hint="use W (Word), P (PowerPoint), X (Excel), O (Outlook) or N (OneNote)")
            letters.append(letter)
    return tuple(dict.fromkeys(letters))


def endpoints_command(
    preset: str | None = PRESET_ARGUMENT,
    *,
    apps: list[str] = APP_OPTION,
    license: License | None = LICENSE_OPTION,
    fmt: Format = FORMAT_OPTION,
    only: list[Status] = ONLY_OPTION,
    set_values: list[str] = SET_OPTION,
    catalog_dir: Path | None = CATALOG_OPTION,
    macs: list[str] = MACS_OPTION,
) -> None:
    """Which Office for Mac network endpoints a configuration contacts, silences, or may still contact."""
    from profilegen.endpoints import evaluate, load_endpoints
    from profilegen.errors import UsageError
    from profilegen.render.endpoints import render

    if fmt is Format.squid and only:
        raise UsageError("--only does not apply to --format squid",
                         hint="the snippet always denies the silenced hosts")
    networks = _networks(macs, fmt)
    if preset is None and set_values:
        raise UsageError("--set needs a preset", hint="give a preset name or file before the options")
    letters = parse_apps(apps)
    catalog = open_catalog(catalog_dir)
    catalogue = [option for choice in catalog.choices().values() for option in choice.options.values()]
    data = load_endpoints()
    fleet_license = license.value if license else None
    if preset is None:
        report = evaluate(data, {}, license=fleet_license, apps=letters, catalogue=catalogue)
    else:
        resolution = _resolve(preset, catalog, set_values)
        report = evaluate(data, resolution.chosen, license=fleet_license or resolution.preset.fleet.license,
                          apps=letters, catalogue=catalogue, preset=resolution.preset.name)
    typer.echo(render(report, fmt.value, [status.value for status in only], networks), nl=False)


def _networks(values: list[str], fmt: Format) -> list[str]:
    """`--macs` values as squid's src takes them (10.20.0.0/16, 192.0.2.7, 2001:db8::/32), checked."""
    from profilegen.errors import UsageError

    if values and fmt is not Format.squid:
        raise UsageError("--macs goes with --format squid", hint="add --format squid")
    import ipaddress

    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise UsageError(f"--macs {value!r} is not an address or a network",
                             hint="write it like 10.20.0.0/16 or 192.0.2.7") from None
    return networks


def _resolve(ref: str, catalog: Catalog, overrides: list[str]) -> Resolution:
    from profilegen.preset import load_preset
    from profilegen.resolve import resolve

    return resolve(load_preset(ref), catalog, overrides)


def endpoints_csv(resolution: Any, catalog: Catalog | None = None) -> bytes:
    """`<name>.endpoints.csv` for `build --endpoints`: the report of a resolved preset, UTF-8 CSV."""
    from profilegen.render.endpoints import endpoints_csv as render_csv

    options = [] if catalog is None else [
        option for choice in catalog.choices().values() for option in choice.options.values()]
    return render_csv(resolution, options)


def register(app: typer.Typer) -> None:
    app.command("endpoints", epilog=epilog("endpoints"))(endpoints_command)
