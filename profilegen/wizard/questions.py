"""Questions: what the wizard asks, the answers it offers, and how an answer is parsed and validated.

An answer is a string (an option name, a license, a typed identifier) or None ("leave unmanaged",
"don't know"). Nothing here touches a terminal. Typed answers are checked by parsing them as part of a
preset with the preset code, and options by resolving a one-choice preset with the resolver: the reasons
the wizard gives are the ones a preset file or `--set` would get.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from profilegen.catalog import Catalog, Choice, Option
from profilegen.errors import ValidationError
from profilegen.forms import is_version
from profilegen.preset import (
    LICENSES,
    SCOPES,
    STYLES,
    Fleet,
    Preset,
    ProfileMeta,
    parse_preset,
)
from profilegen.resolve import resolve
from profilegen.versions import version_key

Answer = str | None

UNMANAGED = "unmanaged"
UNKNOWN = "unknown"
REMOVAL_ALLOWED = "allowed"
REMOVAL_DISALLOWED = "disallowed"
CHECK_IDENTIFIER = "com.example.profilegen-wizard"


class AnswerError(ValueError):
    """An answer the question does not take; the message says why and what it takes."""


@dataclass(frozen=True)
class Pick:
    """One answer offered in a list."""

    name: str  # how a typed answer names it: the option name, "volume", "unmanaged"
    value: Answer
    title: str
    description: str = ""
    warnings: tuple[str, ...] = ()
    unavailable: str | None = None  # why it cannot be picked (shown beside it)


@dataclass(frozen=True)
class Question:
    """A question: a list of picks, or typed text checked by ``check`` (which returns the normalised text)."""

    key: str
    prompt: str
    explanation: str = ""
    picks: tuple[Pick, ...] = ()
    default: Answer = None
    check: Callable[[str], str] | None = None

    @property
    def typed(self) -> bool:
        return not self.picks

    @property
    def offered(self) -> list[Pick]:
        return [pick for pick in self.picks if pick.unavailable is None]

    def pick(self, value: Answer) -> Pick:
        for pick in self.picks:
            if pick.value == value:
                return pick
        raise AnswerError(f"{value!r} is not an answer to {self.prompt!r}: use one of {self._names()}")

    def accept(self, value: Answer) -> Answer:
        """The answer, validated and normalised; AnswerError with the reason when the question does not take it."""
        if self.typed:
            if value is None or self.check is None:
                raise AnswerError(f"{self.prompt!r} needs a typed answer")
            return self.check(value)
        pick = self.pick(value)
        if pick.unavailable is not None:
            raise AnswerError(f"{pick.title!r} cannot be chosen: {pick.unavailable}")
        return pick.value

    def parse(self, text: str) -> Answer:
        """A typed answer: an answer's name or title for a list; empty text takes the default."""
        text = text.strip()
        if self.typed:
            return self.accept(text or (self.default or ""))
        if not text:
            return self.accept(self.default)
        for pick in self.picks:
            if text.lower() in (pick.name.lower(), pick.title.lower()):
                return self.accept(pick.value)
        raise AnswerError(f"{text!r} is not an answer to {self.prompt!r}: use one of {self._names()}")

    def describe(self, value: Answer) -> str:
        """How the summary shows an answer."""
        if self.typed:
            return value or "(empty)"
        try:
            return self.pick(value).title
        except AnswerError:
            return str(value)

    def _names(self) -> str:
        return ", ".join(pick.name for pick in self.offered)


@dataclass(frozen=True)
class Skipped:
    """A question not asked, and why: every answer it could take fails a precondition."""

    key: str
    prompt: str
    reason: str


# -- typed answers, checked by the preset code --------------------------------------------------------

def _through_preset(profile: dict[str, object]) -> ProfileMeta:
    try:
        return parse_preset({"profile": {"identifier": CHECK_IDENTIFIER, **profile}}, name="wizard").profile
    except ValidationError as error:
        raise AnswerError(error.render()) from None


def check_display_name(text: str) -> str:
    value = text.strip()
    if not value:
        raise AnswerError("a display name is needed: it is what System Settings shows for the profile")
    return _through_preset({"display_name": value}).display_name


def check_organization(text: str) -> str:
    return _through_preset({"organization": text.strip()}).organization


def check_identifier(text: str) -> str:
    return _through_preset({"identifier": text.strip()}).identifier


# -- derived defaults ---------------------------------------------------------------------------------

# -- the questions --------------------------------------------------------------------------------

def license_question(default: Answer) -> Question:
    titles = {"volume": "Volume license (perpetual Office, e.g. Office LTSC)",
              "subscription": "Subscription (Microsoft 365)"}
    descriptions = {"volume": "Allows the choices that block online activation, such as turning cloud sign-in off.",
                    "subscription": "Choices that block online activation are not offered: they would stop "
                                    "Office from activating."}
    picks = tuple(Pick(name, name, titles.get(name, name), descriptions.get(name, "")) for name in LICENSES)
    unknown = Pick(UNKNOWN, None, "Don't know", "Choices for one license only are offered with a warning.")
    return Question("license", "Which Office license do the Macs use?",
                    "The license decides which choices are safe: some block online activation.",
                    (*picks, unknown), default if default in LICENSES else None)


def fleet_versions(catalog: Catalog) -> dict[str, tuple[list[str], list[str]]]:
    """Version -> (choices that start working there, choices that stop after it), from the options' ranges."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for choice in catalog.choices().values():
        for option in choice.options.values():
            for bound, index in ((option.app_min, 0), (option.app_max, 1)):
                if bound and is_version(bound):
                    names = found.setdefault(bound, ([], []))[index]
                    if choice.name not in names:
                        names.append(choice.name)
    return dict(sorted(found.items(), key=lambda item: version_key(item[0])))


def version_question(catalog: Catalog, default: Answer) -> Question:
    versions = fleet_versions(catalog)
    if default is not None and is_version(default) and default not in versions:
        versions[default] = ([], [])
        versions = dict(sorted(versions.items(), key=lambda item: version_key(item[0])))
    picks = []
    for version, (starts, stops) in versions.items():
        parts = []
        if starts:
            parts.append("first version for " + ", ".join(starts))
        if stops:
            parts.append("last version for " + ", ".join(stops))
        picks.append(Pick(version, version, f"{version} or later", "; ".join(parts)))
    unknown = Pick(UNKNOWN, None, "Don't know", "No version checks: every choice is offered.")
    return Question("office_version", "What is the oldest Office for Mac version on the Macs?",
                    "Choices and keys outside the fleet's versions are flagged where you pick them.",
                    (*picks, unknown), default if default in versions else None)


def _option_pick(catalog: Catalog, option: Option, fleet: Fleet) -> Pick:
    """The option as a pick: unavailable when resolving it alone fails, its warnings otherwise."""
    probe = Preset(name="wizard", path=None, profile=ProfileMeta("wizard", CHECK_IDENTIFIER), fleet=fleet,
                   choices={option.choice: option.name})
    warnings: list[str] = [option.warning] if option.warning else []
    try:
        resolution = resolve(probe, catalog)
    except ValidationError as error:
        reason = error.message.removeprefix(option.label + " ")
        return Pick(option.name, option.name, option.title, option.description, tuple(warnings), reason)
    about_keys: list[str] = []
    for finding in resolution.findings:
        if finding.rule == "license-unknown":
            warnings.append(f"for {option.requires_license}-license installs only (the license was not given)")
        elif finding.severity == "warning" and finding.message.startswith(option.label + " "):
            warnings.append(finding.message.removeprefix(option.label + " "))
        elif finding.severity == "warning":
            about_keys.append(finding.message)
    if about_keys and len(warnings) == (1 if option.warning else 0):  # the summary lists every key's warning
        more = len(about_keys) - 1
        warnings.append(about_keys[0] + (f" (and {more} more key(s))" if more else ""))
    return Pick(option.name, option.name, option.title, option.description, tuple(warnings))


def choice_question(catalog: Catalog, choice: Choice, fleet: Fleet, default: Answer, key: str) -> Question | Skipped:
    picks = [_option_pick(catalog, option, fleet) for option in choice.options.values()]
    if picks and all(pick.unavailable for pick in picks):
        reasons = list(dict.fromkeys(pick.unavailable for pick in picks if pick.unavailable))
        return Skipped(key, choice.title, "; ".join(reasons))
    unmanaged = Pick(UNMANAGED, None, "Leave unmanaged (no setting)", "The profile does not set these keys.")
    usable = {pick.value for pick in picks if pick.unavailable is None}
    return Question(key, choice.title, choice.description, (*picks, unmanaged),
                    default if default in usable else None)


def display_name_question(default: str) -> Question:
    return Question("display_name", "Profile display name",
                    "What System Settings and the MDM show for the profile.", default=default,
                    check=check_display_name)


def organization_question(default: str) -> Question:
    return Question("organization", "Organization",
                    "Shown with the profile; the identifier's default is made from it.", default=default,
                    check=check_organization)


def identifier_question(default: str) -> Question:
    explanation = "Keep it stable: installing a profile with the same identifier replaces the old one."
    if not default:
        explanation += (" No organization was given, so there is no default: type your own in reverse DNS, "
                        "e.g. com.yourcompany.office (a com.example one on many Macs would replace others).")
    return Question("identifier", "Profile identifier (reverse-DNS)", explanation, default=default,
                    check=check_identifier)


def scope_question(default: Answer) -> Question:
    titles = {"System": "System: every user of the Mac", "User": "User: the user who installs it"}
    picks = tuple(Pick(scope, scope, titles.get(scope, scope)) for scope in SCOPES)
    return Question("scope", "Profile scope", "", picks, default if default in SCOPES else SCOPES[0])


def style_question(default: Answer) -> Question:
    titles = {"mcx": "mcx: com.apple.ManagedClient.preferences (Jamf, Microsoft's samples)",
              "custom": "custom: the domain as the payload type"}
    descriptions = {"mcx": "The safe default; Jamf Pro needs it.",
                    "custom": "Shown better in System Settings; Jamf strips it from unsigned uploads."}
    picks = tuple(Pick(style, style, titles.get(style, style), descriptions.get(style, "")) for style in STYLES)
    return Question("payload_style", "Payload style", "", picks, default if default in STYLES else STYLES[0])


def removal_question(default: Answer) -> Question:
    picks = (Pick(REMOVAL_ALLOWED, REMOVAL_ALLOWED, "Yes: users may remove the profile"),
             Pick(REMOVAL_DISALLOWED, REMOVAL_DISALLOWED, "No: removal disallowed"))
    return Question("removal", "May users remove the profile?", "", picks,
                    default if default in (REMOVAL_ALLOWED, REMOVAL_DISALLOWED) else REMOVAL_ALLOWED)
