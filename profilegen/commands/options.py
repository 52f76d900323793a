"""Options and helpers several commands share. Imports only typer (and the catalogue lazily)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from profilegen.commands import complete


class TextOrJson(StrEnum):
    """`--format` of the commands whose output is for people (text) or for machines (json)."""

    text = "text"
    json = "json"


FORMAT_OPTION: Any = typer.Option(TextOrJson.text, "--format", help="text (people) or json (machines).")

CATALOG_OPTION: Any = typer.Option(
    None, "--catalog", metavar="DIR", envvar="PROFILEGEN_CATALOG",
    help="A user catalogue folder (imported manifests); shipped schemas win for the same domain.",
)
SET_OPTION: Any = typer.Option(
    [], "--set", metavar="DOMAIN:KEY=VALUE", help="Set a key (repeatable); typed by the catalogue.",
    autocompletion=complete.set_values)

# The signing identity, for `sign` and `build --sign`.
CERT_OPTION: Any = typer.Option(None, "--cert", help="Signing certificate, PEM.", metavar="CERT.pem")
KEY_OPTION: Any = typer.Option(
    None, "--key", metavar="KEY.pem", help="Its private key, PEM (asks for a passphrase if encrypted)."
)
CHAIN_OPTION: Any = typer.Option(
    [], "--chain", help="Intermediate certificate(s), PEM; repeat for more.", metavar="CHAIN.pem"
)
P12_OPTION: Any = typer.Option(
    None, "--p12", help="Identity exported from Keychain (.p12), instead of --cert/--key.", metavar="FILE"
)
PASSWORD_ENV_OPTION: Any = typer.Option(
    None,
    "--password-env",
    help="Name of the environment variable holding the p12 password or key passphrase "
    "(else asked without echo on a terminal).",
    metavar="VAR",
)
ALLOW_EXPIRED_OPTION: Any = typer.Option(
    False, "--allow-expired", help="Sign with an expired or not-yet-valid certificate."
)


# A preset's identity and fleet, for `build` and `new`.
IDENTIFIER_OPTION: Any = typer.Option(
    None, "--identifier", metavar="ID", help="The profile identifier, reverse DNS (payloads are ID.<domain>).")
ORGANIZATION_OPTION: Any = typer.Option(None, "--organization", "--org", metavar="NAME",
                                        help="The organization the profile names.")
DISPLAY_NAME_OPTION: Any = typer.Option(None, "--display-name", metavar="TEXT",
                                        help="The name System Settings shows.")
OFFICE_VERSION_OPTION: Any = typer.Option(
    None, "--office-version", metavar="V", help="The fleet's oldest Office for Mac, e.g. 16.28 (version warnings).")
LICENSE_OPTION: Any = typer.Option(None, "--license", metavar="volume|subscription",
                                   help="The fleet's Office license (checks options' preconditions).")
