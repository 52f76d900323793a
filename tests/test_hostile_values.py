"""Preset values no plist (or no `defaults` script) can carry: `validate` and `build` refuse them alike.

Each hostile preset once passed `validate` and then crashed `build` (OverflowError, ValueError from the
plist writer, RecursionError from tomllib), or built a profile and a script that disagreed (dates).
"""

from __future__ import annotations

import datetime
import plistlib
from pathlib import Path

import pytest

from profilegen.writable import DATE_MAX, DATE_MIN, INT_MAX, INT_MIN, value_problem
from tests.cli import run_cli
from tests.defaults_replay import profile_settings, replay, run_script

HEAD = 'format = 1\n[profile]\nidentifier = "com.example.hostile"\n'
UNKNOWN = '[settings."org.example.unknown"]\n'  # a domain outside the catalogue: no schema checks types


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


HOSTILE = {
    "integer-over-unsigned-64": (UNKNOWN + "Big = 18446744073709551616\n", "org.example.unknown:Big",
                                 "outside the signed 64-bit integers"),
    "integer-over-signed-64": (UNKNOWN + "Big = 9223372036854775808\n", "org.example.unknown:Big",
                               "outside the signed 64-bit integers"),
    "integer-under-signed-64": (UNKNOWN + "Small = -9223372036854775809\n", "org.example.unknown:Small",
                                "outside the signed 64-bit integers"),
    "integer-in-an-array": (UNKNOWN + "List = [1, [2, 99999999999999999999]]\n", "org.example.unknown:List",
                            "outside the signed 64-bit integers"),
    "nan": (UNKNOWN + "Ratio = nan\n", "org.example.unknown:Ratio", "is not a finite number"),
    "infinity": (UNKNOWN + "Ratio = -inf\n", "org.example.unknown:Ratio", "is not a finite number"),
    "nan-in-a-table": (UNKNOWN + "Table = { a = { b = inf } }\n", "org.example.unknown:Table",
                       "is not a finite number"),
    "date-year-one": (UNKNOWN + "When = 0001-01-01T00:00:00Z\n", "org.example.unknown:When",
                      "0001-01-01T00:00:00Z is outside the dates profilegen writes"),
    "date-before-1970-in-utc": (UNKNOWN + "When = 1970-01-01T00:30:00+01:00\n", "org.example.unknown:When",
                                "1969-12-31T23:30:00Z is outside the dates"),
    "control-in-display-name": ('display_name = "Office\\u0007"\n', "profile.display_name", "U+0007"),
    "escape-in-description": ('description = "\\u001b[2J cleared"\n', "profile.description", "U+001B"),
    "control-in-organization": ('organization = "Example\\u0000"\n', "profile.organization", "U+0000"),
    "control-in-consent-text": ('consent_text = { default = "I agree\\u0008" }\n',
                                "profile.consent_text.default", "U+0008"),
    "nested-beyond-the-plist-bound": (UNKNOWN + f"Deep = {_deep(300)}\n", "org.example.unknown:Deep",
                                      "nests deeper than 256 levels"),
}


def _preset(tmp_path: Path, body: str, name: str = "hostile.toml") -> Path:
    # Profile fields go under [profile]; settings tables start with their own header.
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_and_build_refuse_the_same_value_with_the_same_line(tmp_path: Path, case: str) -> None:
    body, where, why = HOSTILE[case]
    preset = _preset(tmp_path, body)
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert built.returncode == 4, built.stderr
    assert "Traceback" not in built.stderr
    assert not (tmp_path / "dist").exists()
    (line,) = built.stderr.splitlines()
    assert line.startswith(f"profilegen: error: {preset}: {where}")
    assert why in line
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    message = line.removeprefix(f"profilegen: error: {preset}: ")
    assert message in checked.stdout  # one finding, the same words


def test_toml_nested_past_what_tomllib_can_read_is_an_input_error(tmp_path: Path) -> None:
    preset = _preset(tmp_path, UNKNOWN + f"Deep = {_deep(2000)}\n")
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert built.returncode == 3, built.stderr
    assert "Traceback" not in built.stderr and "RecursionError" not in built.stderr
    assert f"{preset}: the TOML nests arrays or inline tables too deeply" in built.stderr
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 1
    assert "Traceback" not in checked.stdout + checked.stderr
    assert "nests arrays or inline tables too deeply" in checked.stdout
    assert not (tmp_path / "dist").exists()


def test_a_control_character_in_the_preset_file_name(tmp_path: Path) -> None:
    preset = _preset(tmp_path, "", name="office\x01.toml")  # no display_name: the file name is used
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert built.returncode == 4, built.stderr
    assert "Traceback" not in built.stderr
    assert "the preset's file name (the profile's display name by default) holds the character U+0001" \
        in built.stderr
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 1 and "preset's file name" in checked.stdout
    assert not (tmp_path / "dist").exists()
    # Naming the profile fixes the display name, but the outputs are still named after the file: the
    # output-name guard refuses that name and says to rename the file, which is the way out.
    preset.write_text(HEAD + 'display_name = "Office"\n', encoding="utf-8")
    named = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert named.returncode == 3 and "rename the preset file" in named.stderr, named.stderr
    assert not (tmp_path / "dist").exists()
    renamed = preset.rename(tmp_path / "office.toml")
    assert run_cli("build", str(renamed), "--out", str(tmp_path / "dist")).returncode == 0


def test_hostile_set_values_are_refused_like_preset_values(tmp_path: Path) -> None:
    preset = _preset(tmp_path, 'display_name = "x"\n')
    for value, why in (("nan", "is not a finite number"), ("18446744073709551616", "signed 64-bit"),
                       ("0001-01-01T00:00:00Z", "outside the dates"), ("[inf]", "is not a finite number")):
        done = run_cli("build", str(preset), "--set", f"org.example.unknown:K={value}", "--out",
                       str(tmp_path / "dist"))
        assert done.returncode == 4, (value, done.stderr)
        assert why in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "dist").exists()


def test_offset_dates_are_one_instant_in_the_profile_and_the_script(tmp_path: Path) -> None:
    preset = _preset(tmp_path, UNKNOWN + "T = 1979-05-27T00:32:00-07:00\n"
                     "Late = 9999-12-31T23:59:59Z\nHalf = 2030-01-01T05:00:00.750+05:30\n"
                     "Nested = [1979-05-27T00:32:00-07:00]\nDay = 2026-01-31\n")
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "dist" / "hostile.mobileconfig").read_text()
    assert "<date>1979-05-27T07:32:00Z</date>" in text  # the instant, not the clock time with a Z
    assert "<date>9999-12-31T23:59:59Z</date>" in text
    script = (tmp_path / "dist" / "hostile.sh").read_text()
    assert "-date '1979-05-27 07:32:00 +0000'" in script
    assert "-date '9999-12-31 23:59:59 +0000'" in script
    in_profile = profile_settings(plistlib.loads((tmp_path / "dist" / "hostile.mobileconfig").read_bytes()))
    run = run_script(tmp_path / "dist" / "hostile.sh", tmp_path)
    assert run.returncode == 0, run.stderr
    assert replay(run.calls) == in_profile
    assert in_profile["org.example.unknown"]["Half"] == datetime.datetime(2029, 12, 31, 23, 30)
    assert in_profile["org.example.unknown"]["Day"] == datetime.datetime(2026, 1, 31)


def test_the_bounds_themselves_are_written() -> None:
    assert value_problem([INT_MIN, INT_MAX, DATE_MIN, DATE_MAX, 1.5e308, -0.0, "tab\tand\r\nline"]) is None
    assert value_problem(INT_MAX + 1) and value_problem(INT_MIN - 1)
    assert value_problem(DATE_MIN - datetime.timedelta(seconds=1))
    aware = datetime.datetime(1970, 1, 1, 0, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert value_problem(aware)  # 1969-12-31T23:59Z
    assert value_problem({"key\x1b]0;title\x07": 1}) == "has a key that holds the character U+001B, " \
        "which a plist cannot carry; remove it"
    assert value_problem("\ud800")  # a lone surrogate cannot be UTF-8


def test_depth_is_checked_without_recursion() -> None:
    deep: list[object] = []
    for _ in range(50_000):  # far past the interpreter's recursion limit
        deep = [deep]
    assert value_problem(deep) == "nests deeper than 256 levels, more than a plist reader takes"


def test_a_control_character_in_a_user_catalogue_title(tmp_path: Path) -> None:
    folder = tmp_path / "catalog" / "domains"
    folder.mkdir(parents=True)
    schema = folder / "org.example.titled.json"
    schema.write_text('{"type": "object", "title": "Evil\\u0007", "properties": {"K": {"type": "integer"}}}')
    preset = _preset(tmp_path, '[settings."org.example.titled"]\nK = 1\n')
    for args in (["build", str(preset), "--out", str(tmp_path / "dist")], ["validate", str(preset)]):
        done = run_cli(*args, "--catalog", str(tmp_path / "catalog"))
        shown = done.stdout + done.stderr
        assert done.returncode in (1, 4), shown
        assert "Traceback" not in shown
        assert "org.example.titled: the catalogue's title of the domain holds the character U+0007" in shown
        assert str(schema) in shown
    assert not (tmp_path / "dist").exists()
