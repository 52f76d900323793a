"""The wizard's "other settings" without a terminal: raw keys of any catalogue domain, typed and checked as `--set`."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest

from profilegen.catalog import Catalog, load_catalog
from profilegen.catalog.user import open_catalog
from profilegen.errors import UsageError, ValidationError
from profilegen.pipeline import build_preset
from profilegen.plisttypes import PlistValue
from profilegen.preset import load_preset
from profilegen.resolve import resolve
from profilegen.values import parse_text
from profilegen.wizard.flow import Wizard
from profilegen.wizard.plan import make_plan, summary_text
from profilegen.wizard.questions import AnswerError, Question
from profilegen.wizard.raw import SETTINGS_STEP, removal_target, value_text
from tests.cli import run_cli
from tests.samples import MANIFESTS

EDGE = "com.microsoft.Edge"
SHIPPED = load_catalog([])


@pytest.fixture(scope="module")
def user_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Edge manifest imported by the real command into a user catalogue."""
    folder = tmp_path_factory.mktemp("catalog")
    done = run_cli("catalog", "import-manifests", str(MANIFESTS / f"{EDGE}.plist"), "--into", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def catalog(user_catalog: Path) -> Catalog:
    return open_catalog(user_catalog)


def test_the_settings_step_sits_between_the_choices_and_the_profile_and_defaults_to_no() -> None:
    wizard = Wizard(SHIPPED)
    steps = wizard.steps()
    assert steps[steps.index(SETTINGS_STEP) - 1].startswith("choice:")
    assert steps[steps.index(SETTINGS_STEP) + 1] == "display_name"
    question = wizard.question(SETTINGS_STEP)
    assert isinstance(question, Question)
    assert question.prompt == "Add a setting for another preference domain?"
    assert question.default == "no" and [pick.value for pick in question.picks] == ["no", "add", "payload"]
    assert wizard.misfit(SETTINGS_STEP) is None


def test_every_catalogue_domain_is_offered_by_title_including_an_imported_one(catalog: Catalog) -> None:
    question = Wizard(catalog).domain_question()
    titles = {pick.value: pick.title for pick in question.picks}
    assert list(titles)[:-1] == catalog.domains()
    assert titles[EDGE] == "Microsoft Edge (com.microsoft.Edge)"
    assert titles["com.microsoft.Word"] == "Microsoft Word (com.microsoft.Word)"
    assert "Imported from ProfileManifests" in question.pick(EDGE).description
    assert titles[None].startswith("Back")
    assert EDGE not in {pick.value for pick in Wizard(SHIPPED).domain_question().picks}


def test_keys_are_listed_by_title_with_the_ones_already_set_marked(catalog: Catalog) -> None:
    wizard = Wizard(catalog)
    wizard.answer("choice:update-checks", "manual")
    wizard.set_setting(EDGE, "AllowSurfGame", "false")
    edge = wizard.key_question(EDGE)
    assert edge.pick("AllowSurfGame").title == "Allow Surf Game (AllowSurfGame)  [set: false]"
    assert edge.pick("PolicyRefreshRate").title == "Policy Refresh Rate (PolicyRefreshRate)"
    assert "Takes an integer from" in edge.pick("PolicyRefreshRate").description
    assert len(edge.picks) == len(catalog.domain(EDGE).keys) + 1  # type: ignore[union-attr]  # and "back"
    mau = wizard.key_question("com.microsoft.autoupdate2")
    assert mau.pick("HowToCheck").title.endswith("[set by choice update-checks = 'manual']")


def test_bool_and_enum_keys_are_lists_of_their_values_with_the_enum_titles(catalog: Catalog) -> None:
    wizard = Wizard(catalog)
    surf = wizard.value_question(EDGE, "AllowSurfGame")
    assert [pick.value for pick in surf.picks] == ["true", "false", None]
    assert surf.default == "true"  # the schema's default
    ads = wizard.value_question(EDGE, "AdsSettingForIntrusiveAdsSites")
    assert [pick.title for pick in ads.picks][:2] == ["Allow ads on every site (1)",
                                                      "Block ads on sites with intrusive ads (2)"]
    assert wizard.set_setting(EDGE, "AdsSettingForIntrusiveAdsSites", str(ads.accept("2"))).value == 2
    assert wizard.set_setting(EDGE, "AllowSurfGame", str(surf.accept("false"))).value is False
    assert wizard.preset().settings == {EDGE: {"AdsSettingForIntrusiveAdsSites": 2, "AllowSurfGame": False}}
    assert wizard.value_question(EDGE, "AdsSettingForIntrusiveAdsSites").default == "2"  # the value set


@pytest.mark.parametrize(("text", "override_error"), [("soon", UsageError), ("5", ValidationError)])
def test_a_typed_value_is_refused_with_the_reason_set_gives(catalog: Catalog, text: str,
                                                            override_error: type[Exception]) -> None:
    wizard = Wizard(catalog)
    question = wizard.value_question(EDGE, "PolicyRefreshRate")
    assert question.typed and question.default == ""
    with pytest.raises(AnswerError) as refused:
        question.accept(text)
    with pytest.raises(override_error) as by_set:
        resolve(load_preset("office-telemetry-off"), catalog, [f"{EDGE}:PolicyRefreshRate={text}"])
    said = str(refused.value)
    assert said.replace("(from settings)", "(from --set)") in str(by_set.value)
    assert "is not an integer" in said if text == "soon" else "less than the minimum of 1800000" in said
    assert EDGE not in wizard.settings  # nothing set by a refused value
    assert wizard.set_setting(EDGE, "PolicyRefreshRate", " 3600000 ").value == 3600000


def test_values_of_every_type_read_back_through_set_s_parser(catalog: Catalog) -> None:
    edge = catalog.domain(EDGE)
    assert edge is not None
    by_type = {spec.plist_type: spec for spec in edge.keys.values() if spec.enum is None}
    samples: dict[str, PlistValue] = {"bool": False, "integer": 7, "string": " spaced ", "array": ["a", "b"],
                                      "dict": {"k": [1, True]}}
    for kind, value in samples.items():
        assert parse_text(value_text(value), by_type[kind]) == value
    assert value_text(datetime.datetime(2026, 1, 31)) == "2026-01-31T00:00:00Z"
    assert value_text(b"\x00\x01") == "AAE="
    assert value_text(1.5) == "1.5"


def test_settings_of_the_from_preset_are_kept_shown_as_defaults_and_removable(tmp_path: Path,
                                                                              catalog: Catalog) -> None:
    (tmp_path / "raw.toml").write_text('format = 1\n[profile]\nidentifier = "com.example.raw"\n'
                                       f'[settings."{EDGE}"]\nPolicyRefreshRate = 3600000\nAllowSurfGame = false\n'
                                       '[settings."com.example.unknown"]\nKey = "kept"\n')
    wizard = Wizard(catalog, load_preset(str(tmp_path / "raw.toml")))
    assert wizard.value_question(EDGE, "PolicyRefreshRate").default == "3600000"
    assert wizard.value_question(EDGE, "AllowSurfGame").default == "false"
    more = wizard.question(SETTINGS_STEP)
    assert isinstance(more, Question) and more.default == "no"
    assert [pick.value for pick in more.picks] == ["no", "add", "remove", "payload"]
    remove = wizard.remove_question()
    assert [pick.title for pick in remove.picks] == [f"{EDGE}:PolicyRefreshRate = 3600000",
                                                     f"{EDGE}:AllowSurfGame = false",
                                                     "com.example.unknown:Key = kept", "Back: remove nothing"]
    assert remove.default is None
    wizard.remove_setting(*removal_target(remove.picks[0].value or ""))
    wizard.remove_setting("com.example.unknown", "Key")
    assert wizard.preset().settings == {EDGE: {"AllowSurfGame": False}}
    with pytest.raises(AnswerError, match="is not set"):
        wizard.remove_setting(EDGE, "PolicyRefreshRate")


def test_the_plan_writes_the_settings_table_and_build_gives_the_same_bytes(tmp_path: Path,
                                                                           user_catalog: Path) -> None:
    catalog = open_catalog(user_catalog)
    wizard = Wizard(catalog, load_preset("office-telemetry-off"))
    wizard.set_setting(EDGE, "AllowSurfGame", "false")
    wizard.set_setting(EDGE, "PolicyRefreshRate", "3600000")
    plan = make_plan(wizard, tmp_path / "mine.toml", tmp_path / "dist")
    written = tomllib.loads(plan.preset_text)
    assert written["settings"] == {EDGE: {"AllowSurfGame": False, "PolicyRefreshRate": 3600000}}
    assert written["choices"] == dict(load_preset("office-telemetry-off").choices)
    summary = summary_text(plan)
    assert f"Other settings: {EDGE}:AllowSurfGame, {EDGE}:PolicyRefreshRate" in summary
    assert (f"  {EDGE}\n    AllowSurfGame = false    (settings)\n"
            "    PolicyRefreshRate = 3600000    (settings)") in summary
    (tmp_path / "mine.toml").write_text(plan.preset_text)
    again = build_preset(load_preset(str(tmp_path / "mine.toml")), open_catalog(user_catalog))
    assert [(a.filename, a.data, a.mode) for a in again.artifacts] == [
        (a.filename, a.data, a.mode) for a in plan.result.artifacts]


def test_a_conflict_with_a_choice_is_accepted_here_and_reported_by_the_summary_s_build() -> None:
    wizard = Wizard(SHIPPED)
    wizard.answer("identifier", "com.example.conflict")
    wizard.answer("choice:update-checks", "manual")
    assert wizard.set_setting("com.microsoft.autoupdate2", "HowToCheck", "AutomaticDownload").value == (
        "AutomaticDownload")
    with pytest.raises(ValidationError, match="HowToCheck is set to \"Manual\" by choice update-checks = 'manual' "
                                              "and to \"AutomaticDownload\" by settings; keep one of them"):
        make_plan(wizard, Path("x.toml"), Path("dist"))


def test_a_key_the_catalogue_does_not_know_cannot_be_asked(catalog: Catalog) -> None:
    with pytest.raises(AnswerError, match="is not a key of the catalogue"):
        Wizard(catalog).value_question(EDGE, "NoSuchKey")
