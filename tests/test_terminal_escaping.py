"""Forged terminal output (issue 13, defect 2): keys and values from input are printed escaped.

A profile whose keys and values hold ESC sequences, a carriage return, newlines and bidirectional
overrides goes through every command that prints it; the text output holds none of those characters
raw (a newline only between profilegen's own lines), no forged line, and the escapes are visible.
JSON output stays valid JSON that gives back the exact strings.
"""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest

from profilegen.printable import UNSAFE_CODES, json_text, printable, quoted
from tests.cli import run_cli
from tests.signing_pki import key_pem, make_cert, pem, rsa_key
from tests.upload_helpers import mcx_profile

CLEAR = "\x1b[2J\x1b]0;pwned\x07"  # clear the screen, set the window title
FORGED_KEY = "Harmless\ninfo: all good [ok]"  # a key that prints a whole line of its own
OVERPRINT = "bad value\rFAKE: verified  "  # a value that overprints its own line
BIDI = "txt.\u202eexe.sh"  # shows as "txt.hs.exe"
C1 = "\x9b31mred\x7f"  # CSI in its one-byte form, and DEL

SETTINGS: dict[str, dict[str, Any]] = {
    "com.example.app": {
        f"Title{CLEAR}": "plain",
        FORGED_KEY: 1,
        "Overprint": OVERPRINT,
        BIDI: C1,
        "Nested": {f"in{CLEAR}ner": [f"item{CLEAR}"]},
    },
}
FORGED_LINES = ("info: all good", "FAKE: verified")


def hostile_profile(folder: Path, name: str = "hostile.mobileconfig",
                    settings: dict[str, dict[str, Any]] | None = None) -> Path:
    """A binary plist (XML cannot carry ESC) with hostile keys and values, display name included."""
    settings = settings or SETTINGS
    profile = plistlib.loads(mcx_profile({domain: {"Placeholder": 1} for domain in settings}))
    for payload in profile["PayloadContent"]:
        (domain, content), = payload["PayloadContent"].items()
        content["Forced"][0]["mcx_preference_settings"] = settings[domain]
    profile["PayloadDisplayName"] = f"Office{CLEAR}\nprofilegen: error: none"
    path = folder / name
    path.write_bytes(plistlib.dumps(profile, fmt=plistlib.FMT_BINARY))
    return path


def assert_safe(text: str) -> None:
    raw = sorted({f"U+{ord(c):04X}" for c in text if ord(c) in UNSAFE_CODES and c != "\n"})
    assert raw == [], text
    for line in text.splitlines():
        assert not line.lstrip().startswith(FORGED_LINES), line
        assert not line.startswith("profilegen: error: none"), line


def test_printable_escapes_controls_and_bidi_visibly_and_keeps_the_rest() -> None:
    assert printable("a\x1b[2Jb\rc\nd\te\x00\x7f\x9b\u202e\u2066\u2028") == \
        "a\\x1b[2Jb\\rc\\nd\\te\\x00\\x7f\\x9b\\u202e\\u2066\\u2028"
    assert printable("Café — 日本語 😀 back\\slash") == "Café — 日本語 😀 back\\slash"
    assert printable("one\ntwo\x1b", lines=True) == "one\ntwo\\x1b"
    assert quoted("a\nb") == "'a\\nb'"
    data = {"k\x1b\u202e": ["v\x9b\x7f", "é"]}
    text = json_text(data)
    assert json.loads(text) == data
    assert_safe(text)
    assert "é" in text


@pytest.mark.parametrize("fmt", ["table", "text"])
def test_show_escapes_keys_and_values(tmp_path: Path, fmt: str) -> None:
    done = run_cli("show", str(hostile_profile(tmp_path)), "--format", fmt)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert_safe(out)
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in out
    assert "Harmless\\ninfo: all good [ok]" in out
    assert "bad value\\rFAKE: verified" in out
    assert "txt.\\u202eexe.sh" in out and "\\x9b31mred\\x7f" in out
    if fmt == "text":
        assert "com.example.app Nested.in\\x1b[2J\\x1b]0;pwned\\x07ner[0] = " in out


def test_show_json_stays_json_and_gives_back_the_exact_strings(tmp_path: Path) -> None:
    done = run_cli("show", str(hostile_profile(tmp_path)), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert_safe(done.stdout)
    (shown,) = json.loads(done.stdout)["profiles"]
    keys = {setting["key"]: setting["value"] for setting in shown["settings"]}
    assert keys[FORGED_KEY] == 1 and keys["Overprint"] == OVERPRINT and keys[BIDI] == C1
    assert shown["metadata"]["PayloadDisplayName"].startswith(f"Office{CLEAR}")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_escapes_findings(tmp_path: Path, fmt: str) -> None:
    settings = {"com.microsoft.Word": {f"Unknown{CLEAR}": 1, FORGED_KEY: OVERPRINT, BIDI: 2}}
    done = run_cli("validate", str(hostile_profile(tmp_path, settings=settings)), "--format", fmt)
    assert "Traceback" not in done.stderr
    assert_safe(done.stdout + done.stderr)
    if fmt == "json":
        messages = " ".join(finding["message"] for finding in json.loads(done.stdout)["findings"])
        assert f"com.microsoft.Word:Unknown{CLEAR} is not a known key" in messages
    else:
        assert "\\x1b[2J" in done.stdout


def test_diff_escapes_keys_as_well_as_values(tmp_path: Path) -> None:
    left = hostile_profile(tmp_path, "a.mobileconfig")
    right = tmp_path / "b.mobileconfig"
    right.write_bytes(mcx_profile({"com.example.app": {"Overprint": "fine"}}))
    done = run_cli("diff", str(left), str(right))
    assert done.returncode == 1, done.stderr
    assert_safe(done.stdout + done.stderr)
    assert "- com.example.app: Harmless\\ninfo: all good [ok] = 1" in done.stdout
    assert '~ com.example.app: Overprint: "bad value\\rFAKE: verified  " -> "fine"' in done.stdout
    assert "Title\\x1b[2J" in done.stdout and "txt.\\u202eexe.sh" in done.stdout


def test_import_report_and_saved_preset(tmp_path: Path) -> None:
    profile = plistlib.loads(hostile_profile(tmp_path).read_bytes())
    profile["PayloadScope"] = f"system{CLEAR}"  # reported as a note
    path = tmp_path / "scoped.mobileconfig"
    path.write_bytes(plistlib.dumps(profile, fmt=plistlib.FMT_BINARY))
    done = run_cli("import", str(path), "--save", str(tmp_path / "imported.toml"))
    assert "Traceback" not in done.stderr
    assert_safe(done.stdout + done.stderr)


XML_SAFE = "tab\there \x85next\u2028line \u202eexe.sh \u2066iso\u2069 \u200fmark \x9b31m"  # XML carries these


def test_an_imported_preset_is_printable_text_and_reads_back_the_same(tmp_path: Path) -> None:
    """tomli_w writes C1, bidi and line separators raw: the preset has each as a \\uXXXX escape instead."""
    import tomllib

    source = hostile_profile(tmp_path)
    done = run_cli("import", str(source), "--save", str(tmp_path / "esc.toml"))
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "esc.toml").read_text(encoding="utf-8")
    assert_safe(text)
    assert "txt.\\u202eexe.sh" in text and "\\u009b31mred" in text
    settings = tomllib.loads(text)["settings"]["com.example.app"]
    assert settings[BIDI] == C1 and settings["Overprint"] == OVERPRINT and settings[FORGED_KEY] == 1
    assert settings["Nested"] == {f"in{CLEAR}ner": [f"item{CLEAR}"]}
    plain = tmp_path / "plain.mobileconfig"  # what an XML profile can hold: the rebuild is the same profile
    plain.write_bytes(mcx_profile({"com.example.app": {f"Key{XML_SAFE}": XML_SAFE, "List": [XML_SAFE]}}))
    assert run_cli("import", str(plain), "--save", str(tmp_path / "plain.toml")).returncode == 0
    text = (tmp_path / "plain.toml").read_text(encoding="utf-8")
    assert_safe(text)  # a tab as well
    assert tomllib.loads(text)["settings"]["com.example.app"][f"Key{XML_SAFE}"] == XML_SAFE
    compared = run_cli("diff", str(plain), str(tmp_path / "plain.toml"))
    assert compared.returncode == 0, compared.stdout + compared.stderr


def test_a_new_preset_with_a_line_separator_in_a_value_stays_one_toml_line(tmp_path: Path) -> None:
    """`new` comments its preset line by line: a raw U+2028 once split a string in two (invalid TOML)."""
    import tomllib

    done = run_cli("new", "sep", "--set", f"org.example.app:Text={XML_SAFE}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "sep.toml").read_text(encoding="utf-8")
    assert_safe(text)
    assert tomllib.loads(text)["settings"]["org.example.app"]["Text"] == XML_SAFE


def test_a_hostile_signer_name_is_escaped_by_verify_and_show(tmp_path: Path) -> None:
    key = rsa_key()
    cert = make_cert(f"Evil{CLEAR}\nResult:     FORGED", key, None)
    (tmp_path / "cert.pem").write_bytes(pem(cert))
    (tmp_path / "key.pem").write_bytes(key_pem(key))
    plain = tmp_path / "plain.mobileconfig"
    plain.write_bytes(mcx_profile())
    signed = tmp_path / "signed.mobileconfig"
    done = run_cli("sign", str(plain), "--out", str(signed), "--cert", str(tmp_path / "cert.pem"),
                   "--key", str(tmp_path / "key.pem"))
    assert done.returncode == 0, done.stderr
    assert_safe(done.stdout)
    for command in (["verify", str(signed)], ["show", str(signed)], ["show", str(signed), "--format", "text"],
                    ["diff", str(signed), str(plain)]):
        done = run_cli(*command)
        assert "Traceback" not in done.stderr
        text = done.stdout + done.stderr
        assert_safe(text)
        assert "Evil\\x1b[2J" in text, command
        assert not any(line.startswith("Result:     FORGED") for line in text.splitlines())


def test_an_error_quoting_input_is_escaped(tmp_path: Path) -> None:
    preset = tmp_path / "p.toml"
    preset.write_text('[profile]\nidentifier = "com.example.p"\n"bad\\u001b[2J\\nprofilegen: error: none" = 1\n')
    done = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert_safe(done.stderr)
    assert "Traceback" not in done.stderr


def test_a_catalogue_import_report_is_escaped(tmp_path: Path) -> None:
    manifests = tmp_path / "Manifests"
    manifests.mkdir()
    manifest = {
        "pfm_domain": "com.example.hostile",
        "pfm_title": f"Hostile{CLEAR}",
        "pfm_format_version": 1,
        "pfm_platforms": ["macOS"],
        "pfm_subkeys": [{"pfm_name": f"Key{CLEAR}\ninfo: all good [ok]", "pfm_type": "data"},
                        {"pfm_name": "Fine", "pfm_type": "string", "pfm_title": "Fine"}],
    }
    (manifests / "com.example.hostile.plist").write_bytes(plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY))
    (manifests / f"broken{CLEAR}.plist").write_bytes(b"not a plist")
    done = run_cli("catalog", "import-manifests", str(manifests), "--into", str(tmp_path / "catalog"))
    assert "Traceback" not in done.stderr
    assert_safe(done.stdout + done.stderr)
    assert "broken\\x1b[2J" in done.stderr


USAGE_ERRORS = {  # click escapes C0 and C1 in some of these at most: bidi and line separators went out raw
    "no such command": ([f"bu{BIDI}ild\u2028info: all good"], "No such command 'bu"),
    "no such option": (["catalog", "choices", f"--nope{BIDI}"], "No such option: --nope"),
    "root option": ([f"--bad\u2028{BIDI}"], "No such option: --bad"),
    "extra arguments": (["catalog", "choices", f"x{BIDI}", f"\x9b31m{BIDI}"], "Got unexpected extra argument"),
    "bad value": (["build", "--script-target", f"x{CLEAR}{BIDI}"], "Invalid value for '--script-target'"),
}


@pytest.mark.parametrize("case", list(USAGE_ERRORS))
def test_usage_errors_are_escaped(case: str) -> None:
    args, start = USAGE_ERRORS[case]
    done = run_cli(*args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert_safe(done.stdout + done.stderr)
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert error.startswith(f"Error: {start}") and "\\u202e" in error


def test_usage_errors_are_escaped_on_a_real_terminal() -> None:
    """On a terminal click keeps ANSI sequences it strips from a pipe: the error line is escaped all the same."""
    import sys

    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "profilegen", "catalog", "choices", f"--x{CLEAR}{BIDI}"],
                          encoding="utf-8", timeout=20)
    child.expect(pexpect.EOF)
    transcript = child.before or ""
    child.close()
    assert child.exitstatus == 2, transcript
    assert "\x1b" not in transcript and "\u202e" not in transcript
    assert "No such option: --x\\x1b[2J\\x1b]0;pwned\\x07txt.\\u202eexe.sh" in transcript
