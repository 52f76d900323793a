"""`profilegen wizard` in a real pseudo-terminal: arrow keys and Enter in, preset and outputs out."""

from __future__ import annotations

import os
import plistlib
import pty
import shutil
import subprocess
import sys
import termios
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.cli import REPO, run_cli
from tests.defaults_replay import profile_settings
from tests.samples import MANIFESTS
from tests.wizard_terminal import (
    CTRL_C,
    CTRL_U,
    DOWN,
    ENTER,
    ESCAPE,
    UP,
    Terminal,
    moves,
    shipped_choices,
    step_count,
)

CHOICES = shipped_choices()
STEPS = step_count()
SETTINGS_STEP = 3 + len(CHOICES)  # "Add a setting for another preference domain?"
FIRST_PROFILE_STEP = SETTINGS_STEP + 1  # display name
LOCKDOWN = "office-volume-license-lockdown"
EDGE = "com.microsoft.Edge"


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def answer_choices(term: Terminal, wanted: Mapping[str, str | None], defaults: Mapping[str, str] | None = None) -> None:
    for number, (name, options) in enumerate(CHOICES.items(), start=3):
        default = (defaults or {}).get(name)
        term.answer(number, moves(options, default, wanted.get(name, default)))


def rebuilt_matches(preset: Path, written: Path, tmp_path: Path) -> None:
    """`profilegen build` of the saved preset gives the same bytes as the wizard wrote."""
    done = run_cli("build", preset.name, "--out", "rebuilt", cwd=preset.parent)
    assert done.returncode == 0, done.stderr
    assert files_in(preset.parent / "rebuilt") == files_in(written)
    assert files_in(written), "the wizard wrote no outputs"


def test_full_walk_through_writes_the_preset_and_outputs_build_reproduces(tmp_path: Path) -> None:
    term = Terminal(cwd=tmp_path)
    term.answer(1, UP + UP)  # "Don't know" -> volume license
    term.answer(2, UP)  # "Don't know" -> 16.28 or later
    wanted = {"cloud-sign-in": "disabled", "crash-report-attachments": "never", "update-checks": "manual",
              "diagnostic-data": "none"}
    answer_choices(term, wanted)
    term.answer(SETTINGS_STEP)  # no other settings: Enter takes "No"
    term.question(FIRST_PROFILE_STEP)
    term.send(CTRL_U + "Lockdown for Example" + ENTER)
    term.answer(FIRST_PROFILE_STEP + 1, "example.com")  # organization
    term.answer(FIRST_PROFILE_STEP + 2)  # identifier: the default, from the organization
    term.answer(FIRST_PROFILE_STEP + 3, DOWN)  # scope: User
    term.answer(FIRST_PROFILE_STEP + 4)  # payload style: mcx
    term.answer(FIRST_PROFILE_STEP + 5, DOWN)  # removal disallowed
    term.see("Files to write")
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    screen = term.flat_text()
    assert "Warning: Also blocks online product activation" in screen  # shown where it is picked
    assert "UseOnlineContent = 0" in screen and "com.microsoft.errorreporting" in screen  # the summary
    assert "wrote dist/lockdown-for-example.mobileconfig" in screen

    preset = tmp_path / "lockdown-for-example.toml"
    assert tomllib.loads(preset.read_text()) == {
        "format": 1,
        "profile": {"display_name": "Lockdown for Example", "identifier": "com.example.lockdown-for-example",
                    "organization": "example.com", "scope": "User", "removal_disallowed": True,
                    "payload_style": "mcx"},
        "fleet": {"license": "volume", "office_version": "16.28"},
        "choices": {"cloud-sign-in": "disabled", "crash-report-attachments": "never", "update-checks": "manual",
                    "diagnostic-data": "none"},
    }
    dist = tmp_path / "dist"
    assert sorted(files_in(dist)) == ["lockdown-for-example.mobileconfig", "lockdown-for-example.sh",
                                      "lockdown-for-example.undo.sh"]
    profile = plistlib.loads((dist / "lockdown-for-example.mobileconfig").read_bytes())
    assert profile["PayloadScope"] == "User" and profile["PayloadRemovalDisallowed"] is True
    settings = profile_settings(profile)
    assert settings["com.microsoft.Word"] == {"UseOnlineContent": 0}
    assert settings["com.microsoft.autoupdate2"] == {"HowToCheck": "Manual"}
    assert settings["com.microsoft.office"] == {"DiagnosticDataTypePreference": "ZeroDiagnosticData"}
    assert settings["com.microsoft.errorreporting"] == {"IsAttachFilesEnabled": False, "IsAttachedEnabled": False}
    rebuilt_matches(preset, dist, tmp_path)


def test_from_a_shipped_preset_enter_enter_change_enter(tmp_path: Path) -> None:
    shipped = tomllib.loads((REPO / "presets" / f"{LOCKDOWN}.toml").read_text())
    term = Terminal("--from", LOCKDOWN, "--out", "out", cwd=tmp_path)
    term.answer(1)
    term.answer(2)
    answer_choices(term, {"update-channel": "preview"}, defaults=shipped["choices"])
    for number in range(SETTINGS_STEP, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    written = tomllib.loads((tmp_path / f"{LOCKDOWN}.toml").read_text())
    assert written == {**shipped, "choices": {**shipped["choices"], "update-channel": "preview"}}
    settings = profile_settings(plistlib.loads((tmp_path / "out" / f"{LOCKDOWN}.mobileconfig").read_bytes()))
    assert settings["com.microsoft.autoupdate2"] == {"HowToCheck": "Manual", "ChannelName": "Preview",
                                                     "SendAllTelemetryEnabled": False}
    rebuilt_matches(tmp_path / f"{LOCKDOWN}.toml", tmp_path / "out", tmp_path)


def test_invalid_identifier_is_asked_again_with_the_reason(tmp_path: Path) -> None:
    term = Terminal("--from", "office-manual-updates", "--save", "mine.toml", cwd=tmp_path)
    for number in range(1, FIRST_PROFILE_STEP + 2):
        term.answer(number)
    term.question(FIRST_PROFILE_STEP + 2)
    term.send(CTRL_U + "my office profile" + ENTER)
    term.see("is not a valid identifier")
    term.see("e.g. com.example.office")  # the fix, as a preset file would be told
    term.send("com.example.mine" + ENTER)  # asked again in an empty field: no Ctrl-U needed
    for number in range(FIRST_PROFILE_STEP + 3, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    preset = tomllib.loads((tmp_path / "mine.toml").read_text())
    assert preset["profile"]["identifier"] == "com.example.mine"
    profile = plistlib.loads((tmp_path / "dist" / "mine.mobileconfig").read_bytes())
    assert profile["PayloadIdentifier"] == "com.example.mine"


def test_the_terminal_stays_raw_between_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Between two questions the terminal must not echo keys or take Ctrl-U as "kill line" (a refused
    answer's correction typed before it is asked again was lost that way); afterwards it is as it was."""
    from profilegen.wizard import prompt

    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "r", closefd=False) as terminal:
            monkeypatch.setattr(sys, "stdin", terminal)
            before = termios.tcgetattr(follower)
            with prompt._typeahead_kept():
                between = termios.tcgetattr(follower)
            after = termios.tcgetattr(follower)
    finally:
        os.close(leader)
        os.close(follower)
    local_modes = 3
    assert before[local_modes] & termios.ECHO and before[local_modes] & termios.ICANON
    assert not between[local_modes] & (termios.ECHO | termios.ICANON | termios.ISIG)
    assert after == before


def test_keys_typed_ahead_wait_for_the_next_question(tmp_path: Path) -> None:
    """A refused answer and its correction sent at once, and Enter pressed ahead for every remaining
    question: the terminal stays raw between questions, so each key reaches the question it was meant for."""
    term = Terminal("--from", "office-manual-updates", "--save", "mine.toml", cwd=tmp_path)
    for number in range(1, FIRST_PROFILE_STEP + 2):
        term.answer(number)
    term.question(FIRST_PROFILE_STEP + 2)
    remaining = STEPS - (FIRST_PROFILE_STEP + 2)
    term.send(CTRL_U + "my office profile" + ENTER + CTRL_U + "com.example.ahead" + ENTER + ENTER * remaining)
    term.see("is not a valid identifier")
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    assert tomllib.loads((tmp_path / "mine.toml").read_text())["profile"]["identifier"] == "com.example.ahead"
    assert "com.example.ahead" not in term.text().split("is not a valid identifier")[0]  # not echoed early


@pytest.mark.parametrize(("where", "key"), [("question", CTRL_C), ("question", ESCAPE), ("text", ESCAPE),
                                            ("summary", ESCAPE)])
def test_cancel_midway_exits_130_and_leaves_the_folder_as_it_was(tmp_path: Path, where: str, key: str) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"{LOCKDOWN}.sh").write_text("old output\n")
    (tmp_path / f"{LOCKDOWN}.toml").write_text("# an older preset\n")
    before = files_in(tmp_path)
    term = Terminal("--from", LOCKDOWN, cwd=tmp_path)
    last = {"question": 5, "text": FIRST_PROFILE_STEP}.get(where, STEPS)
    for number in range(1, last + 1):
        term.answer(number, DOWN if number == 3 else "")
    if where == "summary":
        term.see("What now")
    else:
        term.question(last + 1)
    term.send(key)
    assert term.finish() == 130
    assert "wizard cancelled: nothing written" in term.flat_text()
    assert files_in(tmp_path) == before


def test_summary_goes_back_to_change_an_answer_and_later_answers_are_rechecked(tmp_path: Path) -> None:
    """Changing the license to subscription: the volume-only option is re-asked, not offered, and says why."""
    term = Terminal("--from", LOCKDOWN, "--save", "changed.toml", cwd=tmp_path)
    for number in range(1, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(DOWN + ENTER)  # go back and change an answer
    term.see("Which answer do you want to change")
    term.send(DOWN + ENTER)  # the list wraps: from "Back to the summary" to the first, the license
    term.see("Which Office license")
    term.send(DOWN + ENTER)  # volume -> subscription
    term.see("no longer fits")
    term.see("needs a volume license")
    term.see("Cloud sign-in and Office add-ins")
    term.send(ENTER)  # the default is now "leave unmanaged"
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    screen = term.flat_text()
    assert ("Not offered: Disable cloud sign-in, Office add-ins, Smart Lookup and online activation: "
            "needs a volume license" in screen)
    preset = tomllib.loads((tmp_path / "changed.toml").read_text())
    assert preset["fleet"] == {"license": "subscription", "office_version": "16.16"}  # the version kept from --from
    assert "cloud-sign-in" not in preset["choices"]
    settings = profile_settings(plistlib.loads((tmp_path / "dist" / "changed.mobileconfig").read_bytes()))
    assert "UseOnlineContent" not in settings["com.microsoft.Word"]
    rebuilt_matches(tmp_path / "changed.toml", tmp_path / "dist", tmp_path)


def test_answers_that_do_not_build_are_shown_and_can_be_changed(tmp_path: Path) -> None:
    """A raw setting of the --from preset conflicts with a choice: the summary shows build's error, no write."""
    (tmp_path / "raw.toml").write_text('format = 1\n[profile]\nidentifier = "com.example.raw"\n'
                                       '[settings."com.microsoft.autoupdate2"]\nHowToCheck = "AutomaticDownload"\n')
    term = Terminal("--from", "raw.toml", "--out", "out", cwd=tmp_path)
    for number in range(1, STEPS + 1):
        term.answer(number, moves(CHOICES["update-checks"], None, "manual") if number == 7 else "")
    term.see("These answers do not build")
    term.see('HowToCheck is set to "Manual" by choice update-checks = \'manual\' '
             'and to "AutomaticDownload" by settings')
    term.see("What now")
    assert "Write the preset and build it" not in term.flat_text().rsplit("These answers do not build", 1)[1]
    term.send(ENTER)  # the default is now "go back and change an answer"
    term.see("Which answer do you want to change")
    term.send(DOWN * 7 + ENTER)  # from "Back to the summary", round to the 7th question
    term.see("How Microsoft AutoUpdate checks for updates")
    term.send(moves(CHOICES["update-checks"], "manual", None) + ENTER)
    term.see("Files to write")
    term.see("What now")
    term.send(ENTER)
    term.see("Overwrite them")  # the preset is saved where it came from: editing in place is asked for
    term.send(DOWN + ENTER)
    assert term.finish() == 0
    written = tomllib.loads((tmp_path / "raw.toml").read_text())
    assert "choices" not in written
    assert written["settings"] == {"com.microsoft.autoupdate2": {"HowToCheck": "AutomaticDownload"}}
    rebuilt_matches(tmp_path / "raw.toml", tmp_path / "out", tmp_path)


def test_existing_files_are_not_overwritten_without_asking(tmp_path: Path) -> None:
    (tmp_path / "office-manual-updates.toml").write_text("# keep me\n")
    term = Terminal("--from", "office-manual-updates", cwd=tmp_path)
    for number in range(1, STEPS + 1):
        term.answer(number)
    term.see("exists")  # the summary marks it
    term.see("What now")
    term.send(ENTER)
    term.see("These files exist: office-manual-updates.toml")
    term.see("Overwrite them")
    term.send(ENTER)  # "No, back to the summary"
    term.see("What now")
    assert (tmp_path / "office-manual-updates.toml").read_text() == "# keep me\n"
    assert not (tmp_path / "dist").exists()
    term.send(ENTER)
    term.see("Overwrite them")
    term.send(DOWN + ENTER)  # yes
    assert term.finish() == 0
    assert tomllib.loads((tmp_path / "office-manual-updates.toml").read_text())["choices"] == {
        "update-checks": "manual"}


def test_force_overwrites_without_asking(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "office-manual-updates.sh").write_text("old\n")
    term = Terminal("--from", "office-manual-updates", "--force", cwd=tmp_path)
    for number in range(1, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    assert "Overwrite them" not in term.flat_text()
    assert (tmp_path / "dist" / "office-manual-updates.sh").read_text().startswith("#!")


def test_without_a_terminal_it_refuses_at_once(tmp_path: Path) -> None:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "profilegen", "wizard"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, cwd=tmp_path, timeout=30, check=False,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert time.monotonic() - start < 15
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "profilegen build PRESET" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_choice_added_to_the_catalogue_is_asked(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    with (schemas / "choices.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[weekly-channel-test]\ntitle = "A test-only choice of update channel"\n'
                     'description = "Added by the test."\n\n'
                     '[weekly-channel-test.options.beta]\ntitle = "Beta channel, from the test"\n'
                     'warning = "Only for testers."\n'
                     'sets = [{ domain = "com.microsoft.autoupdate2", key = "ChannelName", value = "Beta" }]\n')
    work = tmp_path / "work"
    work.mkdir()
    term = Terminal("--schemas-root", str(schemas), "--save", "added.toml", cwd=work)
    steps = STEPS + 1
    for number in range(1, len(CHOICES) + 3):
        term.answer(number)
    term.question(len(CHOICES) + 3)
    term.see("A test-only choice of update channel")
    term.see("Beta channel, from the test")
    term.send(UP + ENTER)
    term.see("Warning: Only for testers.")
    for number in range(len(CHOICES) + 4, steps + 1):  # no organization: the identifier is typed
        term.answer(number, "com.example.added" if number == FIRST_PROFILE_STEP + 3 else "")
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    assert tomllib.loads((work / "added.toml").read_text())["choices"] == {"weekly-channel-test": "beta"}
    settings = profile_settings(plistlib.loads((work / "dist" / "added.mobileconfig").read_bytes()))
    assert settings == {"com.microsoft.autoupdate2": {"ChannelName": "Beta"}}


def test_save_must_name_a_toml_file(tmp_path: Path) -> None:
    done = run_cli("wizard", "--save", "office.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert "--save office.txt: a preset is a .toml file (e.g. --save office.toml)" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_setting_of_an_imported_domain_is_added_checked_and_built(tmp_path: Path) -> None:
    """Edge, imported from its ProfileManifests manifest: a boolean picked, an integer typed (refused twice)."""
    catalog = tmp_path / "catalog"
    done = run_cli("catalog", "import-manifests", str(MANIFESTS / f"{EDGE}.plist"), "--into", str(catalog))
    assert done.returncode == 0, done.stderr
    term = Terminal("--catalog", str(catalog), "--save", "edge.toml", cwd=tmp_path)
    for number in range(1, SETTINGS_STEP):
        term.answer(number)
    term.answer(SETTINGS_STEP, DOWN)  # yes, add a setting
    term.see("Which preference domain?")
    term.send("Microsoft Edge" + ENTER)  # typing filters the list by title
    term.see("Which key of Microsoft Edge?")
    term.send("(AllowSurfGame)" + ENTER)
    term.see(f"Value for {EDGE}:AllowSurfGame")
    term.send(DOWN + ENTER)  # from the schema's default, true, to false
    term.see(f"Set {EDGE}:AllowSurfGame = false")
    term.see(f"{EDGE}:AllowSurfGame = false")  # listed under "Other settings now"
    term.answer(SETTINGS_STEP, DOWN)  # asked again: add another
    term.see("Which preference domain?")
    term.send("(com.microsoft.Edge)" + ENTER)
    term.see("Which key of Microsoft Edge?")
    term.send("(PolicyRefreshRate)" + ENTER)
    term.see(f"Value for {EDGE}:PolicyRefreshRate")
    term.send("soon" + ENTER)
    term.see("'soon' is not an integer")
    term.see(f"Value for {EDGE}:PolicyRefreshRate")  # asked again: keys sent sooner would reach no prompt
    term.send(CTRL_U + "5" + ENTER)
    term.see("5 is less than the minimum of 1800000")
    term.see(f"Value for {EDGE}:PolicyRefreshRate")
    term.send(CTRL_U + "3600000" + ENTER)
    term.see(f"Set {EDGE}:PolicyRefreshRate = 3600000")
    term.answer(SETTINGS_STEP)  # Enter: no more
    for number in range(FIRST_PROFILE_STEP, STEPS + 1):  # no organization: the identifier is typed
        term.answer(number, "com.example.edge" if number == FIRST_PROFILE_STEP + 2 else "")
    term.see("Files to write")
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    screen = term.flat_text()
    assert f"Other settings: {EDGE}:AllowSurfGame, {EDGE}:PolicyRefreshRate" in screen  # the summary
    assert "PolicyRefreshRate = 3600000 (settings)" in screen

    preset = tomllib.loads((tmp_path / "edge.toml").read_text())
    assert preset["settings"] == {EDGE: {"AllowSurfGame": False, "PolicyRefreshRate": 3600000}}
    assert "choices" not in preset
    settings = profile_settings(plistlib.loads((tmp_path / "dist" / "edge.mobileconfig").read_bytes()))
    assert settings == {EDGE: {"AllowSurfGame": False, "PolicyRefreshRate": 3600000}}
    rebuilt = run_cli("build", "edge.toml", "--catalog", str(catalog), "--out", "rebuilt", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert files_in(tmp_path / "rebuilt") == files_in(tmp_path / "dist")


def test_settings_of_the_from_preset_are_listed_kept_and_one_removed(tmp_path: Path) -> None:
    (tmp_path / "raw.toml").write_text('format = 1\n[profile]\nidentifier = "com.example.raw"\n'
                                       '[settings."com.microsoft.autoupdate2"]\nChannelName = "Preview"\n'
                                       'UpdateCheckInterval = 240\n')
    term = Terminal("--from", "raw.toml", "--save", "kept.toml", cwd=tmp_path)
    for number in range(1, SETTINGS_STEP):
        term.answer(number)
    term.see("Other settings now: com.microsoft.autoupdate2:ChannelName = Preview "
             "com.microsoft.autoupdate2:UpdateCheckInterval = 240")
    term.answer(SETTINGS_STEP, DOWN + DOWN)  # remove a setting
    term.see("Which setting do you want to remove?")
    term.send(UP + UP + ENTER)  # from "Back: remove nothing" up to the first, ChannelName
    term.see("Removed com.microsoft.autoupdate2:ChannelName")
    term.answer(SETTINGS_STEP)  # no more
    for number in range(FIRST_PROFILE_STEP, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    written = tomllib.loads((tmp_path / "kept.toml").read_text())
    assert written["settings"] == {"com.microsoft.autoupdate2": {"UpdateCheckInterval": 240}}
    settings = profile_settings(plistlib.loads((tmp_path / "dist" / "kept.mobileconfig").read_bytes()))
    assert settings == {"com.microsoft.autoupdate2": {"UpdateCheckInterval": 240}}
    rebuilt_matches(tmp_path / "kept.toml", tmp_path / "dist", tmp_path)


def test_without_an_organization_the_identifier_is_asked_and_a_refused_answer_is_cleared(tmp_path: Path) -> None:
    term = Terminal("--save", "mine.toml", cwd=tmp_path)
    for number in range(1, FIRST_PROFILE_STEP + 2):  # every default; the organization left empty
        term.answer(number)
    term.see("No organization was given, so there is no default")
    term.question(FIRST_PROFILE_STEP + 2)
    assert "com.example." not in term.flat_text().rsplit("Profile identifier", 1)[-1]
    term.send("my office" + ENTER)  # refused: spaces
    term.see("is not a valid identifier")
    term.send("com.contoso.mine" + ENTER)  # no Ctrl-U: the refused text is no longer in the field
    for number in range(FIRST_PROFILE_STEP + 3, STEPS + 1):
        term.answer(number)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    assert tomllib.loads((tmp_path / "mine.toml").read_text())["profile"]["identifier"] == "com.contoso.mine"
