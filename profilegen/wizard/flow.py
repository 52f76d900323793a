"""The wizard's state: the questions in order, the answers so far, and the preset they make.

Questions are built from the catalogue and the answers given so far (the license decides which options
are offered, the organization the identifier's default), so a changed answer changes later questions.
With a base preset (`--from`), every default is the preset's answer.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from profilegen.catalog import Catalog, KeySpec
from profilegen.naming import default_identifier, slug
from profilegen.plisttypes import PlistValue
from profilegen.preset import Fleet, Preset, ProfileMeta
from profilegen.wizard.questions import (
    REMOVAL_ALLOWED,
    REMOVAL_DISALLOWED,
    Answer,
    AnswerError,
    Question,
    Skipped,
    choice_question,
    display_name_question,
    identifier_question,
    license_question,
    organization_question,
    removal_question,
    scope_question,
    style_question,
    version_question,
)
from profilegen.wizard.raw import (
    SETTINGS_STEP,
    Checked,
    RawSettings,
    check_value,
    domain_question,
    key_question,
    more_question,
    remove_question,
    value_question,
)

CHOICE_PREFIX = "choice:"
BEFORE_CHOICES = ("license", "office_version")
AFTER_CHOICES = ("display_name", "organization", "identifier", "scope", "payload_style", "removal")
DEFAULT_DISPLAY_NAME = "Office for Mac settings"


if TYPE_CHECKING:
    from profilegen.preset_payloads import PresetPayload

class Wizard:
    """Answers to the wizard's questions, and the preset they make."""

    def __init__(self, catalog: Catalog, base: Preset | None = None, *, name: str | None = None) -> None:
        self.catalog = catalog
        self.base = base
        self.fixed_name = name or (base.name if base is not None else None)
        self.answers: dict[str, Answer] = {}
        # raw settings, a base preset's first (kept unless removed): [settings."domain"] of the preset
        self.settings: RawSettings = copy.deepcopy({d: dict(k) for d, k in base.settings.items()}) if base else {}
        self.payloads: list[PresetPayload] = list(base.payloads) if base else []  # [[payloads]], added ones last

    # -- the questions ----------------------------------------------------------------------------
    def steps(self) -> list[str]:
        return [*BEFORE_CHOICES, *(CHOICE_PREFIX + name for name in self.catalog.choice_names()),
                SETTINGS_STEP, *AFTER_CHOICES]

    def question(self, key: str) -> Question | Skipped:
        default = self.value(key)
        if key == "license":
            return license_question(default)
        if key == "office_version":
            return version_question(self.catalog, default)
        if key.startswith(CHOICE_PREFIX):
            choice = self.catalog.choice(key.removeprefix(CHOICE_PREFIX))
            if choice is None:
                raise KeyError(key)
            return choice_question(self.catalog, choice, self.fleet, default, key)
        if key == SETTINGS_STEP:
            return more_question(self.settings)
        text = default or ""
        builders = {"display_name": display_name_question, "organization": organization_question,
                    "identifier": identifier_question}
        if key in builders:
            return builders[key](text)
        others = {"scope": scope_question, "payload_style": style_question, "removal": removal_question}
        if key in others:
            return others[key](default)
        raise KeyError(key)

    def answer(self, key: str, value: Answer) -> Answer:
        """Record an answer after the question has validated it (AnswerError otherwise)."""
        question = self.question(key)
        if isinstance(question, Skipped):
            raise AnswerError(f"{question.prompt!r} is not asked: {question.reason}")
        self.answers[key] = question.accept(value)
        return self.answers[key]

    def skip(self, key: str) -> None:
        self.answers[key] = None

    def misfit(self, key: str) -> str | None:
        """Why the current answer no longer fits its question (after an earlier answer changed), or None."""
        question = self.question(key)
        if isinstance(question, Skipped) or key == SETTINGS_STEP:  # raw settings: checked as they are set
            return None
        try:
            question.accept(self.value(key))
        except AnswerError as error:
            return str(error)
        return None

    # -- other settings (raw keys of any catalogue domain) ---------------------------------------
    def domain_question(self, default: Answer = None) -> Question:
        return domain_question(self.catalog, default)

    def key_question(self, domain: str) -> Question:
        return key_question(self.catalog, domain, self.settings, self._set_by_choices())

    def value_question(self, domain: str, key: str) -> Question:
        return value_question(self.catalog, self.fleet, self._spec(domain, key), self.settings.get(domain, {}).get(key))

    def remove_question(self) -> Question:
        return remove_question(self.settings)

    def set_setting(self, domain: str, key: str, text: str) -> Checked:
        """Set a key from its text (as `--set` reads it); AnswerError with the reason when it does not fit."""
        checked = check_value(self.catalog, self.fleet, self._spec(domain, key), text)
        self.settings.setdefault(domain, {})[key] = checked.value
        return checked

    def remove_setting(self, domain: str, key: str) -> PlistValue:
        keys = self.settings.get(domain, {})
        if key not in keys:
            raise AnswerError(f"{domain}:{key} is not set")
        value = keys.pop(key)
        if not keys:
            del self.settings[domain]
        return value

    def _spec(self, domain: str, key: str) -> KeySpec:
        spec = self.catalog.key(domain, key)
        if spec is None:
            raise AnswerError(f"{domain}:{key} is not a key of the catalogue")
        return spec

    def _set_by_choices(self) -> dict[tuple[str, str], str]:
        """(domain, key) -> the chosen option that sets it: the key list marks them."""
        found: dict[tuple[str, str], str] = {}
        for name in self.catalog.choice_names():
            option_name = self.value(CHOICE_PREFIX + name)
            choice = self.catalog.choice(name) if option_name is not None else None
            option = choice.options.get(option_name) if choice is not None and option_name else None
            if option is not None:
                found.update({(effect.domain, effect.key): f"choice {option.label}" for effect in option.sets})
        return found

    # -- answers and defaults ---------------------------------------------------------------------
    def value(self, key: str) -> Answer:
        """The answer given, else the default (the base preset's answer, else a derived one)."""
        if key in self.answers:
            return self.answers[key]
        return self._default(key)

    def _default(self, key: str) -> Answer:
        base = self.base
        meta = base.profile if base is not None else None
        if key == "license":
            return base.fleet.license if base is not None else None
        if key == "office_version":
            return base.fleet.office_version if base is not None else None
        if key.startswith(CHOICE_PREFIX):
            return base.choices.get(key.removeprefix(CHOICE_PREFIX)) if base is not None else None
        if meta is None:
            derived: dict[str, Answer] = {
                "display_name": DEFAULT_DISPLAY_NAME, "organization": "", "scope": "System",
                "payload_style": "mcx", "removal": REMOVAL_ALLOWED}
            if key == "identifier":  # without an organization, no com.example default: the admin types one
                organization = self.value("organization") or ""
                return default_identifier(organization, self.name) if organization.strip() else ""
            return derived.get(key)
        return {"display_name": meta.display_name, "organization": meta.organization,
                "identifier": meta.identifier, "scope": meta.scope, "payload_style": meta.payload_style,
                "removal": REMOVAL_DISALLOWED if meta.removal_disallowed else REMOVAL_ALLOWED}.get(key)

    @property
    def fleet(self) -> Fleet:
        # not asked (the wizard asks the Office version only): kept from --from
        mau_version = self.base.fleet.mau_version if self.base is not None else None
        macos_version = self.base.fleet.macos_version if self.base is not None else None
        return Fleet(license=self.value("license"), office_version=self.value("office_version"),
                     mau_version=mau_version, macos_version=macos_version)

    @property
    def name(self) -> str:
        """The preset's name: the file it is saved as, and the stem of every output."""
        if self.fixed_name:
            return self.fixed_name
        return slug(self.value("display_name") or "") or "office"

    # -- the preset -------------------------------------------------------------------------------
    def preset(self) -> Preset:
        """The preset the answers make; what a base preset holds that the wizard does not ask is kept."""
        base = self.base
        kept = copy.deepcopy(base.profile) if base is not None else None
        meta = ProfileMeta(
            display_name=self.value("display_name") or DEFAULT_DISPLAY_NAME,
            identifier=self.value("identifier") or "",
            organization=self.value("organization") or "",
            description=kept.description if kept else "",
            scope=self.value("scope") or "System",
            removal_disallowed=self.value("removal") == REMOVAL_DISALLOWED,
            payload_style=self.value("payload_style") or "mcx",
            uuid=kept.uuid if kept else None,
            consent_text=kept.consent_text if kept else {},
            payloads=kept.payloads if kept else {},
            keys=kept.keys if kept else {},
        )
        choices: dict[str, str] = {}
        asked = set(self.catalog.choice_names())
        ordered = [*(base.choices if base is not None else ()), *self.catalog.choice_names()]
        for name in dict.fromkeys(ordered):  # a base preset's order first: its diff in git stays small
            if name not in asked:  # a choice the catalogue does not know stays, for the resolver to report
                if base is not None:
                    choices[name] = base.choices[name]
                continue
            option = self.value(CHOICE_PREFIX + name)
            if option is not None:
                choices[name] = option
        settings = {domain: copy.deepcopy(keys) for domain, keys in self.settings.items() if keys}
        return Preset(name=self.name, path=None, profile=meta, fleet=self.fleet, choices=choices,
                      settings=settings, payloads=tuple(self.payloads),
                      allow_unknown=dict(base.allow_unknown) if base is not None else {})
