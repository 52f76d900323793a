"""What `build` adds beside the profile and scripts on request: signed copies, the endpoint report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from profilegen.catalog import Catalog
from profilegen.pipeline import PROFILE_SUFFIX, Artifact, BuildResult

if TYPE_CHECKING:
    from profilegen.signing.identity import SignerIdentity

SIGNED_SUFFIX = ".signed.mobileconfig"


def signed_profiles(result: BuildResult, signer: SignerIdentity, *, allow_expired: bool) -> list[Artifact]:
    """`<stem>.signed.mobileconfig` beside each profile; the unsigned one stays for Jamf's API and Intune."""
    from profilegen.signing.sign import sign

    return [
        Artifact(artifact.filename.removesuffix(PROFILE_SUFFIX) + SIGNED_SUFFIX,
                 sign(artifact.data, signer, allow_expired=allow_expired, source=artifact.filename))
        for artifact in result.artifacts
        if artifact.filename.endswith(PROFILE_SUFFIX)
    ]


def endpoint_report(result: BuildResult, catalog: Catalog) -> Artifact:
    """`<name>.endpoints.csv`: each Office endpoint, contacted, silenced or unknown under this preset."""
    from profilegen.commands.endpoints import endpoints_csv

    return Artifact(f"{result.preset.name}.endpoints.csv", endpoints_csv(result.resolution, catalog))
