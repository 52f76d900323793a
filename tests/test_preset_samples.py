"""Each shipped preset against Microsoft's sample profiles of the same intent, key by key (a corpus test:
the samples are Microsoft's files in ../shared/fixtures/profiles/microsoft, pbowden-msft/MobileConfigs).

For every preset: the keys both set carry the same value and plist type; what the samples set and the preset
leaves out, and what the preset sets beyond the samples, are listed here one by one, so any drift shows.
"""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

import pytest

from tests.cli import REPO, run_cli
from tests.conftest import MICROSOFT_PROFILES
from tests.defaults_replay import profile_settings

WORD, EXCEL, PPT = "com.microsoft.Word", "com.microsoft.Excel", "com.microsoft.Powerpoint"
OUTLOOK, ONENOTE, O365 = "com.microsoft.Outlook", "com.microsoft.onenote.mac", "com.microsoft.Office365ServiceV2"
MAU, OFFICE, ERR = "com.microsoft.autoupdate2", "com.microsoft.office", "com.microsoft.errorreporting"
APPS = (WORD, EXCEL, PPT, OUTLOOK, ONENOTE)
Where = tuple[str, str]

DISABLE_TELEMETRY = [f"DisableTelemetry_Disable-{app}-Telemetry" for app in
                     ("Word", "Excel", "PowerPoint", "Outlook", "OneNote", "AutoUpdate")]
ATTACHMENTS = {(ERR, "IsAttachFilesEnabled"), (ERR, "IsAttachedEnabled")}  # no Microsoft sample sets them
NO_ONLINE_CONTENT = {(d, "UseOnlineContent") for d in (WORD, EXCEL, PPT)}  # the 2018 page; no sample
# What the 2019 DisableTelemetry samples add to the 2018 page's telemetry switch: the presets built on the
# 2018 page keep to it (other choices set these: send-a-smile, first-run-consent, crash-reports-when-...).
SAMPLES_BEYOND_2018 = {
    *[(d, k) for d in APPS for k in (
        "SendASmileEnabled", "kFRETelemetryConsentKey", "kFREEnterpriseTelemetryInfoKey",
        "kFREIntelligenceServicesConsentV2Key", "SendCrashReportsEvenWithTelemetryDisabled",
        "DiagnosticDataTypePreference")],
    (MAU, "SendASmileEnabled"), (MAU, "SendCrashReportsEvenWithTelemetryDisabled"),
}

# preset -> (Microsoft samples of the same intent, sample keys the preset leaves out, preset keys beyond them)
SAME_INTENT: dict[str, tuple[list[str], set[Where], set[Where]]] = {
    "office-privacy-zero": (
        ["16.28+_Telemetry-Zero-Exhaust", "16.28+_Disable-Analyzing-Content-Experiences",
         "16.28+_Disable-Downloading-Content-Experiences", "16.28+_Disable-Most-Connnected-Experiences",
         "16.28+_Disable-Optional-Connected-Experiences", "16.28+_Disable-MAU-Required-Data-Dialog"],
        set(),
        {(OFFICE, "DiagnosticDataTypePreference")},  # ZeroDiagnosticData, from Microsoft's privacy page
    ),
    "office-telemetry-off-current": (["16.28+_Telemetry-Basic-Only"], set(), ATTACHMENTS),
    "office-volume-license-lockdown-current": (
        ["16.28+_Telemetry-Basic-Only", "16.28+_Disable-Most-Connnected-Experiences",
         "16.28+_Disable-VL-Privacy-Dialog"],
        set(),
        {*ATTACHMENTS, *NO_ONLINE_CONTENT, (MAU, "HowToCheck")},
    ),
    "office-telemetry-off": (
        DISABLE_TELEMETRY,
        SAMPLES_BEYOND_2018,
        {*ATTACHMENTS, (O365, "SendAllTelemetryEnabled"), (ERR, "IsMerpEnabled")},
    ),
    "office-volume-license-lockdown": (
        DISABLE_TELEMETRY,
        SAMPLES_BEYOND_2018,
        {*ATTACHMENTS, *NO_ONLINE_CONTENT, (O365, "SendAllTelemetryEnabled"), (ERR, "IsMerpEnabled"),
         (MAU, "HowToCheck")},
    ),
}
NO_SAMPLE = {"office-manual-updates"}  # Microsoft publishes no sample of manual updates
# Apple-payload presets: compared with Microsoft's Defender profiles by tests/test_payload_presets.py, and the
# PPPC template is for the admin's own app.
NO_SAMPLE |= {"defender-endpoint-macos", "pppc-own-app"}


def _sample(name: str) -> dict[Where, Any]:
    profile = plistlib.loads((MICROSOFT_PROFILES / f"{name}.mobileconfig").read_bytes())
    return {(d, k): v for d, keys in profile_settings(profile).items() for k, v in keys.items()}


def _built(preset: str, out: Path) -> dict[Where, Any]:
    done = run_cli("build", preset, "--out", str(out))
    assert done.returncode == 0, done.stderr
    profile = plistlib.loads((out / f"{preset}.mobileconfig").read_bytes())
    return {(d, k): v for d, keys in profile_settings(profile).items() for k, v in keys.items()}


def test_every_shipped_preset_is_compared_or_has_no_sample() -> None:
    shipped = {p.stem for p in (REPO / "presets").glob("*.toml")}
    assert shipped == set(SAME_INTENT) | NO_SAMPLE


@pytest.mark.corpus
@pytest.mark.parametrize("preset", sorted(SAME_INTENT))
def test_preset_matches_microsofts_sample_of_the_same_intent_key_by_key(preset: str, tmp_path: Path) -> None:
    samples, left_out, beyond = SAME_INTENT[preset]
    expected: dict[Where, Any] = {}
    for name in samples:
        for where, value in _sample(name).items():
            assert where not in expected or expected[where] == value, f"{name} disagrees with another sample on {where}"
            expected[where] = value
    built = _built(preset, tmp_path)
    for where in sorted(set(expected) & set(built)):
        assert type(built[where]) is type(expected[where]) and built[where] == expected[where], (
            f"{preset}: {where[0]}:{where[1]} = {built[where]!r}, Microsoft's sample: {expected[where]!r}")
    assert set(expected) - set(built) == left_out, f"{preset}: sample keys it leaves out"
    assert set(built) - set(expected) == beyond, f"{preset}: keys it sets beyond the samples"
