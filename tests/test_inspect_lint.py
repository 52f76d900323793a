"""`validate` rules: one hand-made broken profile per rule, each finding asserted with its line."""

from __future__ import annotations

import plistlib
import re
import subprocess
from pathlib import Path

import pytest

from profilegen.catalog import Catalog, load_catalog
from profilegen.inspect.findings import RULES
from profilegen.inspect.lint import lint_path
from profilegen.inspect.presetlint import lint_preset
from tests.conftest import REPO

DATA = REPO / "tests" / "data"
BROKEN = DATA / "broken"
VERSION = "16.30"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(root=DATA / "catalog")


# file stem -> the findings it must produce: (rule, severity, line); line None = the whole file.
EXPECTED: dict[str, list[tuple[str, str, int | None]]] = {
    "plist-grammar": [("plist-grammar", "error", 18)],
    "duplicate-key": [("duplicate-key", "error", 19)],
    "required-key": [("required-key", "error", 7)],
    "key-type": [("key-type", "error", 44)],
    "unknown-top-level-key": [("unknown-top-level-key", "warning", 38)],
    "payload-type": [("payload-type", "error", 41)],
    "payload-version": [("payload-version", "error", 31)],
    "uuid-form": [("uuid-form", "error", 29)],
    # a payload reusing the profile's identifier installs (Microsoft's Defender and MAU profiles): a warning
    "duplicate-identifier": [("duplicate-identifier", "warning", 25)],
    "duplicate-uuid": [("duplicate-uuid", "error", 29)],
    "scope-value": [("scope-value", "warning", 39)],
    "empty-profile": [("empty-profile", "warning", 6)],
    "mcx-shape": [("mcx-shape", "error", 12)],
    "mcx-one-domain": [("mcx-one-domain", "warning", 23), ("unknown-domain", "info", 30)],
    "mixed-style": [("mixed-style", "error", 24)],
    "intune-xml": [("intune-xml", "warning", None)],
    "intune-encoding": [("intune-encoding", "warning", 1)],
    "jamf-unsigned-custom": [("jamf-unsigned-custom", "warning", 7)],
    "unknown-domain": [("unknown-domain", "info", 17)],
    "unknown-key": [("unknown-key", "warning", 19)],
    "value-type": [("value-type", "error", 19)],
    "value-allowed": [("value-allowed", "error", 19)],
    "deprecated-value": [("deprecated-value", "info", 19)],
    "catalog-versions": [
        ("key-retired", "warning", 19),
        ("key-deprecated", "info", 21),
        ("version-too-old", "warning", 23),
    ],
}


def test_the_valid_profile_has_no_finding(catalog: Catalog) -> None:
    assert lint_path(DATA / "valid.mobileconfig", catalog, VERSION) == []


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_broken_profile_gives_exactly_its_findings(stem: str, catalog: Catalog) -> None:
    path = BROKEN / f"{stem}.mobileconfig"
    findings = lint_path(path, catalog, VERSION)
    assert [(f.rule, f.severity, f.line) for f in findings] == EXPECTED[stem]
    for item in findings:
        assert item.file == str(path)
        assert item.message and item.fix, item


def test_messages_name_the_key_and_the_fix(catalog: Catalog) -> None:
    def only(stem: str) -> str:
        (item,) = lint_path(BROKEN / f"{stem}.mobileconfig", catalog, VERSION)
        return item.render()

    assert only("duplicate-key").endswith(
        "duplicate-key.mobileconfig:19: error: key 'Enabled' appears twice in this <dict> "
        "(first on line 17); plistlib and macOS silently keep the last value [duplicate-key]\n"
        "  fix: remove one of the two 'Enabled' entries"
    )
    assert "did you mean 'PayloadScope'?" in only("unknown-top-level-key")
    assert "write 'System' (case matters)" in only("scope-value")
    assert "'Often'; only 'Forced' and 'Set-Once' are allowed" in only("mcx-shape")
    assert "com.example.app:Interval = 500 is not allowed" in only("value-allowed")
    assert "use an integer from 1 to 100" in only("value-allowed")
    assert "did you mean 'Enabled'?" in only("unknown-key")
    assert "<integer> does not hold a valid integer" in only("plist-grammar")


def test_versions_are_checked_only_with_office_version(catalog: Catalog) -> None:
    findings = lint_path(BROKEN / "catalog-versions.mobileconfig", catalog, None)
    assert findings == []


def test_intune_size_limit(tmp_path: Path, catalog: Catalog) -> None:
    profile = plistlib.loads((DATA / "valid.mobileconfig").read_bytes())
    profile["PayloadDescription"] = "x" * 1_000_000
    path = tmp_path / "big.mobileconfig"
    path.write_bytes(plistlib.dumps(profile))
    findings = lint_path(path, catalog)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("intune-size", "warning", None)]
    assert f"{path.stat().st_size:,} bytes" in findings[0].message


def test_grammar_break_in_a_nested_dict(tmp_path: Path, catalog: Catalog) -> None:
    text = (
        (DATA / "valid.mobileconfig")
        .read_text()
        .replace("\t\t\t\t\t\t\t\t<true/>\n", "\t\t\t\t\t\t\t\t<key>Other</key>\n")
    )
    path = tmp_path / "key-without-value.mobileconfig"
    path.write_text(text)
    findings = lint_path(path, catalog)
    assert [(f.rule, f.line, f.message) for f in findings] == [
        ("plist-grammar", 17, "<key>Enabled</key> has no value"),
        ("plist-grammar", 18, "Did not expect element key there"),
    ]


def test_unreadable_file_is_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "nope.mobileconfig"
    (item,) = lint_path(path)
    assert (item.rule, item.severity, item.line, item.message) == (
        "unreadable",
        "error",
        None,
        "no such file",
    )


def test_signed_profile_findings(tmp_path: Path, catalog: Catalog) -> None:
    """Signed here with the real openssl (SHA-256, a current certificate): no expiry, no weak digest."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "30",
            "-subj",
            "/CN=Profile Signer Test/O=profilegen tests",
        ],
        check=True,
        capture_output=True,
    )
    signed = tmp_path / "signed.mobileconfig"
    subprocess.run(
        [
            "openssl",
            "smime",
            "-sign",
            "-signer",
            cert,
            "-inkey",
            key,
            "-nodetach",
            "-binary",
            "-outform",
            "der",
            "-md",
            "sha256",
            "-in",
            DATA / "valid.mobileconfig",
            "-out",
            signed,
        ],
        check=True,
        capture_output=True,
    )
    findings = lint_path(signed, catalog)
    assert [(f.rule, f.severity) for f in findings] == [
        ("intune-xml", "warning"),
        ("jamf-signed", "info"),
    ]


def test_broken_preset_is_reported_with_its_line(catalog: Catalog) -> None:
    path = BROKEN / "preset-invalid.toml"
    (item,) = lint_preset(path, catalog)
    assert (item.rule, item.severity, item.line) == ("preset-invalid", "error", 9)
    assert "com.example.app:Interval = 500" in item.message


def test_preset_warning_keeps_resolve_rule(catalog: Catalog) -> None:
    (item,) = lint_preset(DATA / "preset-warnings.toml", catalog)
    assert (item.rule, item.severity, item.line) == ("unknown-key", "warning", 9)


def test_every_rule_is_documented() -> None:
    readme = (REPO / "README.md").read_text()
    start = readme.index("## Reading existing profiles")
    text = readme[start: readme.index("\n## ", start + 1)]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, flags=re.MULTILINE))
    assert documented == set(RULES)


def test_every_rule_id_of_build_is_documented() -> None:
    """A preset's findings carry resolve's rule ids: each is in the rule table or named beside it."""
    readme = (REPO / "README.md").read_text()
    start = readme.index("## Reading existing profiles")
    text = readme[start: readme.index("\n## ", start + 1)]
    source = (REPO / "profilegen" / "resolve.py").read_text()
    emitted = set(re.findall(r'note\("(?:info|warning|error)", "([a-z0-9-]+)"', source))
    assert {"version-too-new", "version-too-old", "license-unknown"} <= emitted
    for rule in emitted:
        assert f"`{rule}`" in text, f"rule {rule} of build is not in the README's rule table"


@pytest.mark.parametrize(("first", "last", "expected"), [(500, 50, []), (50, 500, [29]), (500, 700, [29])])
def test_a_key_set_in_forced_and_set_once_is_judged_by_its_last_value(
        catalog: Catalog, tmp_path: Path, first: int, last: int, expected: list[int]) -> None:
    """Forced then Set-Once of one key: the later value is the one checked, as a dict of the domain's
    settings keeps it, and its finding names that value and its line."""
    text = (BROKEN / "value-allowed.mobileconfig").read_text()
    once = ("\t\t\t\t\t<key>Set-Once</key>\n\t\t\t\t\t<array>\n\t\t\t\t\t\t<dict>\n"
            "\t\t\t\t\t\t\t<key>mcx_preference_settings</key>\n\t\t\t\t\t\t\t<dict>\n"
            f"\t\t\t\t\t\t\t\t<key>Interval</key>\n\t\t\t\t\t\t\t\t<integer>{last}</integer>\n"
            "\t\t\t\t\t\t\t</dict>\n\t\t\t\t\t\t</dict>\n\t\t\t\t\t</array>\n")
    text = text.replace("<integer>500</integer>", f"<integer>{first}</integer>")
    text = text.replace("\t\t\t\t\t</array>\n\t\t\t\t</dict>\n", "\t\t\t\t\t</array>\n" + once + "\t\t\t\t</dict>\n", 1)
    path = tmp_path / "twice.mobileconfig"
    path.write_text(text)
    found = [f for f in lint_path(path, catalog, VERSION) if f.rule == "value-allowed"]
    assert [f.line for f in found] == expected
    if found:
        assert f"com.example.app:Interval = {last} is not allowed" in found[0].render()


def test_an_unknown_domain_is_counted_and_placed_at_its_first_key(tmp_path: Path, catalog: Catalog) -> None:
    """The unknown-domain finding counts the keys of every place the domain is set (never a custom payload's
    own Payload* keys, nor an unreadable value) and stands at the first of them; an empty domain says nothing."""
    def payload(body: str, kind: str = "com.apple.ManagedClient.preferences") -> str:
        return (f"<dict><key>PayloadIdentifier</key><string>p.{len(body)}</string><key>PayloadType</key>"
                f"<string>{kind}</string><key>PayloadUUID</key><string>0A1B2C3D-0000-4000-8000-{len(body):012d}"
                f"</string><key>PayloadVersion</key><integer>1</integer>\n{body}</dict>\n")
    mcx = ("<key>PayloadContent</key><dict><key>com.example.unknown</key><dict>\n"
           "<key>Forced</key><array><dict><key>mcx_preference_settings</key><dict/></dict></array>\n"
           "<key>Set-Once</key><array><dict><key>mcx_preference_settings</key><dict>\n"
           "<key>A</key><true/>\n<key>B</key><integer>x</integer>\n<key>C</key><string>c</string>\n"
           "</dict></dict></array></dict>\n"
           "<key>com.example.empty</key><dict><key>Forced</key><array><dict><key>mcx_preference_settings</key>"
           "<dict/></dict></array></dict></dict>\n")
    custom = "<key>PayloadDisplayName</key><string>d</string>\n<key>Z</key><true/>\n<key>Y</key><false/>\n"
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n<key>PayloadContent</key>'
            f"<array>\n{payload(mcx)}{payload(custom, 'com.example.custom')}</array>\n"
            "<key>PayloadIdentifier</key><string>com.example.p</string><key>PayloadType</key>"
            "<string>Configuration</string><key>PayloadUUID</key><string>0A1B2C3D-0000-4000-8000-000000000000"
            "</string><key>PayloadVersion</key><integer>1</integer>\n</dict>\n</plist>\n")
    path = tmp_path / "unknown.mobileconfig"
    path.write_text(text)
    lines = text.splitlines()
    found = [(f.line, f.message) for f in lint_path(path, catalog) if f.rule == "unknown-domain"]
    unchecked = "is not in the catalogue: its 2 key(s) are not checked"
    assert found == [(lines.index("<key>A</key><true/>") + 1, f"com.example.unknown {unchecked}"),
                     (lines.index("<key>Z</key><true/>") + 1, f"com.example.custom {unchecked}")]
    assert "plist-grammar" in {f.rule for f in lint_path(path, catalog)}  # B's value is unreadable
