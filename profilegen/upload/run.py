"""The upload and export jobs behind the commands: turn a PRESET|PROFILE into bytes, wire the clients.

The commands parse options; this module decides what to send. Nothing here prints except through the
``out`` stream it is given (dry-run requests), and it returns the lines the command shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from profilegen.errors import InputError
from profilegen.plisttypes import Settings
from profilegen.signing import is_signed
from profilegen.upload.http import RetryPolicy, Transport, check_url

PROFILE_SUFFIX = ".mobileconfig"


@dataclass(frozen=True)
class Source:
    """What the user named: a preset (built here) or a profile file (sent as it is)."""

    ref: str
    stem: str  # file name without suffix
    display_name: str
    data: bytes
    settings: Settings | None  # known for presets; read from the profile otherwise


@dataclass(frozen=True)
class Connection:
    timeout: float = 30.0
    ca_bundle: Path | None = None
    dry_run: TextIO | None = None
    retry: RetryPolicy | None = None

    def transport(self) -> Transport:
        if self.ca_bundle is not None and not self.ca_bundle.is_file():
            raise InputError("the CA bundle does not exist", path=self.ca_bundle,
                             hint="give a PEM file of the private CA's certificates")
        return Transport(timeout=self.timeout, retry=self.retry, ca_bundle=self.ca_bundle, dry_run=self.dry_run)


def load_source(ref: str, *, style: str | None, catalog_dir: Path | None = None, dry_run: bool = False) -> Source:
    """A profile file as it is, or a preset built (with ``dry_run``, its secrets as *** and not read)."""
    if ref.endswith(PROFILE_SUFFIX):
        from profilegen.inputfile import read_input

        path = Path(ref)
        data = read_input(path, what="profile")
        return Source(ref, path.stem, _display_name(data, ref, path.stem), data, None)
    from profilegen.catalog import load_catalog
    from profilegen.pipeline import PROFILE_SUFFIX as BUILT
    from profilegen.pipeline import build

    catalog = None
    if catalog_dir is not None:
        from profilegen.catalog.user import user_catalog_dirs

        catalog = load_catalog(user_catalog_dirs(catalog_dir))
    result = build(ref, style=style, catalog=catalog, redact_secrets=dry_run)
    first = next(a for a in result.artifacts if a.filename.endswith(BUILT))
    return Source(ref, result.preset.name, result.preset.profile.display_name, first.data,
                  result.resolution.settings)


def _display_name(data: bytes, ref: str, default: str) -> str:
    """The profile's PayloadDisplayName; a file that cannot be read as a profile is refused here, before
    any credential is asked for (a signed one is refused later, with the MDM's reason)."""
    if is_signed(data):
        return default
    from profilegen.upload.checks import read_profile

    name = read_profile(data, ref).metadata.get("PayloadDisplayName")
    return name if isinstance(name, str) and name else default


def upload_jamf(source: Source, *, url: str, name: str | None, category: str | None, site: str | None,
                distribution: str, level: str, redeploy: str, env: Mapping[str, str],
                connection: Connection) -> list[str]:
    from profilegen.upload.auth import AuthorizedSession, JamfClientCredentials, JamfUserToken, TokenProvider
    from profilegen.upload.credentials import ClientCredentials, jamf_credentials
    from profilegen.upload.jamf import JamfClient, JamfTarget

    base = check_url(url, option="--url")
    credentials = jamf_credentials(env, dry_run=connection.dry_run is not None)
    target = JamfTarget(name=name or source.display_name, category=category, site=site,
                        distribution=distribution, level=level, redeploy=redeploy)
    with connection.transport() as http:
        tokens: TokenProvider
        if isinstance(credentials, ClientCredentials):
            tokens = JamfClientCredentials(base, credentials.client_id, credentials.client_secret, http)
        else:
            tokens = JamfUserToken(base, credentials.username, credentials.password, http)
        result = JamfClient(base, AuthorizedSession(http, tokens)).upload(source.data, target, source=source.ref)
    lines = [result.line()]
    if result.action == "dry-run":
        lines.append("dry run: shown as if no profile of that name exists; if one does, profilegen reads it "
                     "and sends PUT .../id/{id} with its PayloadUUID and PayloadIdentifier instead")
    return lines


def upload_intune(source: Source, *, tenant: str, name: str | None, channel: str, preference_file: bool,
                  authority_url: str, graph_url: str, env: Mapping[str, str],
                  connection: Connection) -> list[str]:
    from profilegen.upload.auth import AuthorizedSession, EntraClientCredentials
    from profilegen.upload.checks import refuse_other_payloads, refuse_signed, settings_from_profile
    from profilegen.upload.credentials import intune_credentials
    from profilegen.upload.intune import IntuneClient, custom_configuration, preference_files

    authority = check_url(authority_url, option="--authority-url")
    graph = check_url(graph_url, option="--graph-url")
    display_name = name or source.display_name
    if preference_file:
        settings = source.settings
        if settings is None:
            refuse_signed(source.data, source.ref, "Intune")
            settings = settings_from_profile(source.data, source.ref)
        refuse_other_payloads(source.data, source.ref)
        configurations = preference_files(settings, name=display_name, source=source.ref)
    else:
        configurations = [custom_configuration(source.data, name=display_name, file_stem=source.stem,
                                               channel=channel, source=source.ref)]
    credentials = intune_credentials(env, dry_run=connection.dry_run is not None)
    with connection.transport() as http:
        tokens = EntraClientCredentials(authority, tenant, graph_url=graph, client_id=credentials.client_id,
                                        client_secret=credentials.client_secret, transport=http)
        client = IntuneClient(graph, AuthorizedSession(http, tokens))
        results = [client.upload(c) for c in configurations]
    lines = [r.line() for r in results]
    if any(r.action == "dry-run" for r in results):
        lines.append("dry run: shown as if no configuration of that name exists; if one does, profilegen "
                     "sends PATCH .../deviceConfigurations/{id} instead")
    return lines
