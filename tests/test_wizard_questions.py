"""The wizard's question model without a terminal: questions from the catalogue, parsing, validation, the preset."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from profilegen.catalog import load_catalog
from profilegen.naming import default_identifier, reverse_dns
from profilegen.pipeline import build_preset
from profilegen.preset import dumps_preset, load_preset, shipped_presets
from profilegen.wizard.flow import CHOICE_PREFIX, Wizard
from profilegen.wizard.plan import make_plan, summary_text
from profilegen.wizard.questions import (
    AnswerError,
    Question,
    Skipped,
)
from tests.cli import REPO

CATALOG = load_catalog([])


def asked(wizard: Wizard, key: str) -> Question:
    question = wizard.question(key)
    assert isinstance(question, Question), question
    return question


def test_every_catalogue_choice_is_a_question_with_its_option_titles_and_leave_unmanaged() -> None:
    wizard = Wizard(CATALOG)
    data = tomllib.loads((REPO / "schemas" / "choices.toml").read_text(encoding="utf-8"))
    steps = wizard.steps()
    assert steps[:2] == ["license", "office_version"]
    assert steps[2:-7] == [CHOICE_PREFIX + name for name in data]
    assert steps[-7] == "settings"
    assert steps[-6:] == ["display_name", "organization", "identifier", "scope", "payload_style", "removal"]
    for name, body in data.items():
        question = asked(wizard, CHOICE_PREFIX + name)
        assert question.prompt == body["title"]
        assert question.explanation == body["description"]
        titles = [pick.title for pick in question.picks]
        assert titles == [option["title"] for option in body["options"].values()] + ["Leave unmanaged (no setting)"]
        assert question.default is None
        assert question.parse("") is None and question.parse("unmanaged") is None


def test_option_warnings_travel_with_the_option() -> None:
    question = asked(Wizard(CATALOG), "choice:update-checks")
    manual = question.pick("manual")
    assert any("deprecated but still honoured" in warning for warning in manual.warnings)
    assert question.pick("automatic-download").warnings == ()


def test_a_volume_only_option_is_not_offered_for_subscription_and_says_why() -> None:
    wizard = Wizard(CATALOG)
    wizard.answer("license", "subscription")
    question = asked(wizard, "choice:cloud-sign-in")
    disabled = question.pick("disabled")
    assert disabled.unavailable is not None and "needs a volume license" in disabled.unavailable
    assert [pick.name for pick in question.offered] == ["enabled", "unmanaged"]
    with pytest.raises(AnswerError, match="needs a volume license"):
        question.parse("disabled")
    with pytest.raises(AnswerError, match="needs a volume license"):
        wizard.answer("choice:cloud-sign-in", "disabled")


def test_unknown_license_offers_the_option_with_a_warning_and_volume_without_one() -> None:
    wizard = Wizard(CATALOG)
    unknown = asked(wizard, "choice:cloud-sign-in").pick("disabled")
    assert unknown.unavailable is None
    assert any("volume-license installs only" in warning for warning in unknown.warnings)
    wizard.answer("license", "volume")
    volume = asked(wizard, "choice:cloud-sign-in").pick("disabled")
    assert volume.unavailable is None
    assert volume.warnings == ("Also blocks online product activation: use it only on volume-license installs.",)


def test_the_fleet_version_flags_options_outside_their_range() -> None:
    wizard = Wizard(CATALOG)
    versions = asked(wizard, "office_version")
    assert [pick.value for pick in versions.picks] == ["15.25", "16.17", "16.27", "16.28", None]
    assert "last version for usage-telemetry" in versions.pick("16.27").description
    wizard.answer("office_version", "16.28")
    telemetry = asked(wizard, "choice:usage-telemetry").pick("off")
    assert any("works up to Office for Mac 16.27" in warning for warning in telemetry.warnings)
    wizard.answer("office_version", "16.17")
    diagnostic = asked(wizard, "choice:diagnostic-data").pick("none")
    assert any("needs Office for Mac 16.28 or later" in warning for warning in diagnostic.warnings)


def test_a_choice_whose_every_option_fails_is_skipped_with_the_reason(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    with (schemas / "choices.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[volume-only]\ntitle = "Only for volume licenses"\n\n[volume-only.options.on]\n'
                     'title = "On"\nrequires-license = "volume"\n'
                     'sets = [{ domain = "com.microsoft.office", key = "OfficeAutoSignIn", value = false }]\n')
    wizard = Wizard(load_catalog([], root=schemas))
    assert wizard.steps()[-8] == "choice:volume-only"
    assert isinstance(wizard.question("choice:volume-only"), Question)
    wizard.answer("license", "subscription")
    skipped = wizard.question("choice:volume-only")
    assert isinstance(skipped, Skipped)
    assert skipped.prompt == "Only for volume licenses" and "needs a volume license" in skipped.reason


def test_a_choice_added_to_a_catalogue_becomes_a_question(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    with (schemas / "choices.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[channel-test]\ntitle = "Channel, for the test"\ndescription = "Why."\n\n'
                     '[channel-test.options.beta]\ntitle = "Beta"\n'
                     'sets = [{ domain = "com.microsoft.autoupdate2", key = "ChannelName", value = "Beta" }]\n')
    wizard = Wizard(load_catalog([], root=schemas))
    question = asked(wizard, "choice:channel-test")
    assert (question.prompt, [pick.title for pick in question.picks]) == (
        "Channel, for the test", ["Beta", "Leave unmanaged (no setting)"])
    wizard.answer("choice:channel-test", question.parse("beta"))
    assert wizard.preset().choices == {"channel-test": "beta"}


@pytest.mark.parametrize("text", ["my office profile", "com..example", "com.example.", "-com.example", "com.exa$mple"])
def test_an_invalid_identifier_is_refused_with_the_preset_reason(text: str) -> None:
    question = asked(Wizard(CATALOG), "identifier")
    with pytest.raises(AnswerError, match=r"is not a valid identifier.*e\.g\. com\.example\.office"):
        question.parse(text)


def test_typed_answers_are_stripped_and_checked() -> None:
    wizard = Wizard(CATALOG)
    assert wizard.answer("identifier", "  com.example.office ") == "com.example.office"
    with pytest.raises(AnswerError, match="display name is needed"):
        asked(wizard, "display_name").accept("   ")
    assert asked(wizard, "organization").parse("") == ""


@pytest.mark.parametrize(("organization", "expected"), [
    ("example.com", "com.example"), ("Example Corp", "com.example-corp"), ("Büro Müller GmbH", "com.buro-muller-gmbh"),
    ("IT.Example.org", "org.example.it")])
def test_the_identifier_default_is_the_organization_in_reverse_dns(organization: str, expected: str) -> None:
    assert reverse_dns(organization) == expected
    assert default_identifier(organization, "Office lockdown") == f"{expected}.office-lockdown"
    wizard = Wizard(CATALOG)
    wizard.answer("display_name", "Office lockdown")
    wizard.answer("organization", organization)
    assert asked(wizard, "identifier").default == f"{expected}.office-lockdown"
    assert wizard.name == "office-lockdown"


def test_without_an_organization_the_identifier_has_no_com_example_default() -> None:
    wizard = Wizard(CATALOG)
    wizard.answer("display_name", "Office lockdown")
    wizard.answer("organization", "")
    question = asked(wizard, "identifier")
    assert question.default == ""
    assert "No organization was given, so there is no default" in question.explanation
    with pytest.raises(AnswerError, match="is not a valid identifier"):
        question.accept("")
    assert wizard.answer("identifier", "com.contoso.office") == "com.contoso.office"


def test_list_answers_take_names_or_titles_and_refuse_others() -> None:
    question = asked(Wizard(CATALOG), "scope")
    assert question.parse("user") == "User"
    assert question.parse("System: every user of the Mac") == "System"
    assert question.parse("") == "System"
    with pytest.raises(AnswerError, match="use one of System, User"):
        question.parse("device")


@pytest.mark.parametrize("name", sorted(shipped_presets()))
def test_from_a_preset_every_default_is_its_answer(name: str) -> None:
    base = load_preset(name)
    wizard = Wizard(CATALOG, base)
    assert asked(wizard, "license").default == base.fleet.license
    assert asked(wizard, "identifier").default == base.profile.identifier
    for choice, option in base.choices.items():
        assert asked(wizard, CHOICE_PREFIX + choice).default == option
    assert wizard.name == name
    assert dumps_preset(wizard.preset()) == dumps_preset(base)


def test_changing_the_license_makes_a_later_answer_misfit() -> None:
    wizard = Wizard(CATALOG, load_preset("office-volume-license-lockdown"))
    assert wizard.misfit("choice:cloud-sign-in") is None
    wizard.answer("license", "subscription")
    reason = wizard.misfit("choice:cloud-sign-in")
    assert reason is not None and "needs a volume license" in reason
    assert asked(wizard, "choice:cloud-sign-in").default is None


def test_the_plan_builds_the_saved_text_with_builds_code(tmp_path: Path) -> None:
    wizard = Wizard(CATALOG, load_preset("office-telemetry-off"))
    wizard.answer("choice:update-checks", "manual")
    plan = make_plan(wizard, tmp_path / "mine.toml", tmp_path / "dist")
    assert plan.preset_text.startswith("# Written by `profilegen wizard`")
    (tmp_path / "mine.toml").write_text(plan.preset_text)
    again = build_preset(load_preset(str(tmp_path / "mine.toml")), CATALOG)
    assert [(a.filename, a.data, a.mode) for a in again.artifacts] == [
        (a.filename, a.data, a.mode) for a in plan.result.artifacts]
    assert list(plan.files) == [tmp_path / "mine.toml", *(tmp_path / "dist" / a.filename for a in again.artifacts)]
    assert plan.existing() == [tmp_path / "mine.toml"]
    summary = summary_text(plan)
    assert "  com.microsoft.autoupdate2\n" in summary
    assert "    HowToCheck = Manual    (choice update-checks = 'manual')\n" in summary
    assert f"{tmp_path / 'mine.toml'}    (exists)" in summary
    assert "Stops only 'Usage' telemetry" in summary


def test_from_preset_keeps_the_mau_version_the_wizard_does_not_ask(tmp_path: Path) -> None:
    from profilegen.catalog import load_catalog
    from profilegen.preset import load_preset
    from profilegen.wizard.flow import Wizard

    path = tmp_path / "mau.toml"
    path.write_text('format = 1\n[profile]\nidentifier = "com.example.mau"\n[fleet]\nmau_version = "4.20"\n')
    wizard = Wizard(load_catalog(), load_preset(str(path)), name="mau")
    assert wizard.fleet.mau_version == "4.20"
