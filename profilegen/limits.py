"""What Apple's profile format and the MDMs accept (FACTS sections 2 and 5), in one place for the
renderers, the linter and the upload checks; and the bounds profilegen keeps to itself."""

from __future__ import annotations

MCX_TYPE = "com.apple.ManagedClient.preferences"  # the "mcx" preference payload
MCX_MODES = ("Forced", "Set-Once")  # the only levels Apple's schema allows in it
INTUNE_MAX_BYTES = 1_000_000  # Intune's custom profile
UTF8_BOM = b"\xef\xbb\xbf"  # Intune refuses a profile that starts with it
PROFILE_MAX_BYTES = 10 * 1024 * 1024  # every profile read (ten times what Intune takes); larger is refused unread
CREDENTIAL_MAX_BYTES = 1_000_000  # certificates, keys, PKCS#12 files
MAX_DEPTH = 256  # plist nesting: libxml2's own limit without huge_tree; binary plists and presets get the same
MAX_REQUESTED_JOBS = 64  # validate --jobs (profilegen.inspect.fanout): more is a typo, and would be a fork bomb
# Keys every payload may carry that are about the payload, not settings.
PAYLOAD_KEYS = frozenset({"PayloadIdentifier", "PayloadUUID", "PayloadType", "PayloadVersion", "PayloadDisplayName",
                          "PayloadDescription", "PayloadOrganization", "PayloadEnabled"})
