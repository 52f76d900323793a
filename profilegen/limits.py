"""What Apple's profile format and the MDMs accept (FACTS sections 2 and 5), in one place for the
renderers, the linter and the upload checks."""

from __future__ import annotations

MCX_TYPE = "com.apple.ManagedClient.preferences"  # the "mcx" preference payload
MCX_MODES = ("Forced", "Set-Once")  # the only levels Apple's schema allows in it
INTUNE_MAX_BYTES = 1_000_000  # Intune's custom profile
UTF8_BOM = b"\xef\xbb\xbf"  # Intune refuses a profile that starts with it
MAX_DEPTH = 256  # plist nesting: libxml2's own limit without huge_tree; binary plists and presets get the same
