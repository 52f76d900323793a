"""The wizard's "Add a payload" in a real pseudo-terminal: a PPPC payload typed by filter, its keys required
first, an array of tables one entry at a time; the preset it writes builds the same profile."""

from __future__ import annotations

import plistlib
import tomllib
from pathlib import Path
from typing import Any

from tests.test_wizard_terminal import FIRST_PROFILE_STEP, SETTINGS_STEP, STEPS, rebuilt_matches
from tests.wizard_terminal import CTRL_U, DOWN, ENTER, Terminal

PPPC = "com.apple.TCC.configuration-profile-policy"
CODE = 'identifier "com.example.agent" and anchor apple generic'


def test_add_a_pppc_payload_in_the_terminal(tmp_path: Path) -> None:
    term = Terminal(cwd=tmp_path)
    for number in range(1, SETTINGS_STEP):
        term.answer(number)  # the defaults: nothing managed
    term.answer(SETTINGS_STEP, DOWN + DOWN)  # "Add an Apple payload"
    term.see("Which payload type?")
    term.send("Privacy Preferences" + ENTER)  # typing filters the list by title
    term.see("Which key of the payload?")
    term.send(ENTER)  # the required key first: Services
    term.see("Which key of Services?")
    term.send("SystemPolicyAllFiles" + ENTER)
    term.see("Add an entry to Services.SystemPolicyAllFiles? (0 so far)")
    term.send(ENTER)  # yes
    term.see("Which key of Services.SystemPolicyAllFiles[0]?")
    term.send(ENTER)  # Identifier (required, first)
    term.see("Value of Services.SystemPolicyAllFiles[0].Identifier")
    term.send("com.example.agent" + ENTER)
    term.see("Which key of Services.SystemPolicyAllFiles[0]?")
    term.send(ENTER)  # IdentifierType: the next missing required key is the default
    term.see("Value of Services.SystemPolicyAllFiles[0].IdentifierType")
    term.send(ENTER)  # bundleID
    term.see("Which key of Services.SystemPolicyAllFiles[0]?")
    term.send(ENTER)  # CodeRequirement
    term.see("Value of Services.SystemPolicyAllFiles[0].CodeRequirement")
    term.send(CODE + ENTER)
    term.see("Which key of Services.SystemPolicyAllFiles[0]?")
    term.send("Authorization" + ENTER)
    term.see("Value of Services.SystemPolicyAllFiles[0].Authorization")
    term.send(ENTER)  # Allow
    term.see("Which key of Services.SystemPolicyAllFiles[0]?")
    term.send("Done" + ENTER)
    term.see("Add an entry to Services.SystemPolicyAllFiles? (1 so far)")
    term.send(ENTER)  # no (the default once there is one)
    term.see("Which key of Services?")
    term.send("Done" + ENTER)
    term.see("Which key of the payload?")
    term.send(ENTER)  # every required key is set: Done is the default
    term.see("Name of this payload")
    term.send("full-disk-access" + ENTER)
    term.see("Added a Privacy Preferences Policy Control payload")
    term.answer(SETTINGS_STEP)  # asked again: no more
    term.question(FIRST_PROFILE_STEP)
    term.send(CTRL_U + "Agent" + ENTER)
    for number in range(FIRST_PROFILE_STEP + 1, STEPS + 1):  # no organization: the identifier is typed
        term.answer(number, "com.example.pppc" if number == FIRST_PROFILE_STEP + 2 else "")
    term.see("Payloads: " + PPPC)
    term.see("What now")
    term.send(ENTER)
    assert term.finish() == 0
    preset = tmp_path / "agent.toml"
    written = tomllib.loads(preset.read_text())
    assert written["payloads"] == [{"type": PPPC, "name": "full-disk-access", "Services": {"SystemPolicyAllFiles": [
        {"Identifier": "com.example.agent", "IdentifierType": "bundleID", "CodeRequirement": CODE,
         "Authorization": "Allow"}]}}]
    profile = plistlib.loads((tmp_path / "dist" / "agent.mobileconfig").read_bytes())
    assert [p["PayloadType"] for p in profile["PayloadContent"]] == [PPPC]
    rebuilt_matches(preset, tmp_path / "dist", tmp_path)


def test_payload_questions_without_a_terminal() -> None:
    import pytest

    from profilegen.catalog import load_catalog
    from profilegen.preset import Fleet
    from profilegen.preset_payloads import PresetPayload
    from profilegen.secrets import SecretRef
    from profilegen.wizard import payload as questions
    from profilegen.wizard.questions import AnswerError

    catalog = load_catalog()
    assert "com.apple.wifi.managed" in [p.value for p in questions.type_question(catalog).picks]
    def key(kind: str, path: str) -> Any:
        schema = catalog.payloads.schema(kind)
        assert schema is not None
        found = schema.key(path) if path else schema.root
        assert found is not None
        return found

    entry = key(PPPC, "Services.Accessibility[0]")
    asked = questions.next_key_question(entry, "Services.Accessibility[0]", {})
    assert [p.name for p in asked.picks[:3]] == ["Identifier", "IdentifierType", "CodeRequirement"]  # required
    assert asked.default == "Identifier" and asked.picks[-1].unavailable == (
        "set Identifier, IdentifierType, CodeRequirement first (required)")
    done = questions.next_key_question(entry, "x", {"Identifier": "a", "IdentifierType": "bundleID",
                                                    "CodeRequirement": "anchor apple"})
    assert done.default == questions.DONE and done.picks[-1].unavailable is None
    wifi = key("com.apple.wifi.managed", "")
    with pytest.raises(AnswerError, match="is a secret: give env:NAME or file:PATH"):
        questions.parse_value(wifi.child("Password"), "Password", "hunter2")
    assert questions.parse_value(wifi.child("Password"), "Password", "env:WIFI") == SecretRef("env", "WIFI")
    notify = key("com.apple.notificationsettings", "NotificationSettings[0]")
    with pytest.raises(AnswerError, match="'two' is not one of 0, 1, 2"):
        questions.parse_value(notify.child("AlertType"), "AlertType", "two")
    bad = PresetPayload(type=PPPC, keys={"Services": {"Accessibility": [{"Identifier": "a"}]}}, origin="payloads[0]")
    problems = questions.check_payload(catalog, Fleet(), bad)
    assert any("payloads[0].Services.Accessibility[0] has no IdentifierType" in line for line in problems)
