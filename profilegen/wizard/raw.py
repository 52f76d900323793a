"""Other settings: raw keys of any catalogue domain (shipped or imported), as questions without a terminal.

A typed value is read by `values.parse_text` with the key's KeySpec, as `--set` reads it, then checked by
resolving a preset that holds only that setting: the JSON Schema validator gives the reason a preset file
would get. Conflicts with the choices are left to the summary (the whole preset's resolution), so a value
is never refused for what another answer sets.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping

from profilegen.catalog import Catalog, KeySpec
from profilegen.errors import ProfilegenError, ValidationError
from profilegen.plisttypes import PlistValue, display, to_json
from profilegen.preset import Fleet, Preset, ProfileMeta
from profilegen.record import Record
from profilegen.resolve import resolve
from profilegen.values import ValueTypeError, parse_text
from profilegen.wizard.questions import CHECK_IDENTIFIER, Answer, AnswerError, Pick, Question

SETTINGS_STEP = "settings"
MORE_NO, MORE_ADD, MORE_REMOVE = "no", "add", "remove"

RawSettings = dict[str, dict[str, PlistValue]]


class Checked(Record):
    """A value that passed the checks, and what the resolver noted about it (versions, deprecations)."""

    value: PlistValue
    notes: tuple[str, ...]


def value_text(value: PlistValue) -> str:
    """The text `parse_text` reads back as ``value`` for a key of the value's type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.datetime | bytes):  # ISO 8601 text, base64 text
        return str(to_json(value))
    return json.dumps(to_json(value), ensure_ascii=False)


def check_value(catalog: Catalog, fleet: Fleet, spec: KeySpec, text: str) -> Checked:
    """``text`` as the key's value, through `--set`'s parser and the resolver; AnswerError with the reason."""
    try:
        value = parse_text(text, spec)
    except ValueTypeError as error:
        raise AnswerError(f"{text!r} {error} ({spec.domain}:{spec.name} takes {spec.allowed()})") from None
    probe = Preset(name="wizard", path=None, profile=ProfileMeta("wizard", CHECK_IDENTIFIER), fleet=fleet,
                   settings={spec.domain: {spec.name: value}})
    try:
        resolution = resolve(probe, catalog)
    except ValidationError as error:
        raise AnswerError(error.message) from None
    notes = tuple(f"{finding.severity}: {finding.message}" for finding in resolution.findings
                  if finding.key == spec.name)
    return Checked(value, notes)


def more_question(settings: RawSettings) -> Question:
    picks = [Pick(MORE_NO, MORE_NO, "No, go on"),
             Pick(MORE_ADD, MORE_ADD, "Yes, add (or change) a setting",
                  "Pick a domain of the catalogue, one of its keys, then the value.")]
    if any(settings.values()):
        picks.append(Pick(MORE_REMOVE, MORE_REMOVE, "Remove a setting"))
    picks.append(Pick("payload", "payload", "Add an Apple payload (privacy permissions, system extensions, login "
                      "items...)", "Pick a payload type of Apple's catalogue, then its keys, required ones first."))
    return Question(SETTINGS_STEP, "Add a setting for another preference domain?",
                    "Keys no choice covers can be set directly, in any domain of the catalogue, including "
                    "domains imported from ProfileManifests (--catalog).", tuple(picks), MORE_NO)


def settings_lines(settings: RawSettings) -> list[str]:
    return [f"{domain}:{key} = {display(value)}" for domain, keys in settings.items() for key, value in keys.items()]


def domain_question(catalog: Catalog, default: Answer = None) -> Question:
    picks = []
    for name in catalog.domains():
        try:
            schema = catalog.domain(name)
        except ProfilegenError as error:
            picks.append(Pick(name, name, name, unavailable=error.render()))
            continue
        if schema is None or not schema.keys:
            continue
        about = [schema.description] if schema.description else []
        if schema.imported_from:
            about.append(f"Imported from {schema.imported_from} ({schema.path}).")
        about.append(f"{len(schema.keys)} keys.")
        picks.append(Pick(name, name, f"{schema.title} ({name})" if schema.title != name else name, " ".join(about)))
    usable = [pick.value for pick in picks if pick.unavailable is None]
    back = Pick("back", None, "Back: add nothing")
    return Question("settings:domain", "Which preference domain?", "", (*picks, back),
                    default if default in usable else (usable[0] if usable else None))


def key_question(catalog: Catalog, domain: str, settings: RawSettings,
                 by_choices: Mapping[tuple[str, str], str]) -> Question:
    """The domain's keys by title; a key set here or by a chosen option says so beside its title."""
    schema = catalog.domain(domain)
    if schema is None:
        raise AnswerError(f"{domain} is not in the catalogue")
    current = settings.get(domain, {})
    picks = []
    for name, spec in schema.keys.items():
        title = f"{spec.title} ({name})" if spec.title and spec.title != name else name
        if name in current:
            title += f"  [set: {display(current[name])}]"
        elif (domain, name) in by_choices:
            title += f"  [set by {by_choices[(domain, name)]}]"
        picks.append(Pick(name, name, title, key_description(spec)))
    back = Pick("back", None, "Back: another domain")
    return Question("settings:key", f"Which key of {schema.title}?", "", (*picks, back),
                    picks[0].value if picks else None)


def key_description(spec: KeySpec) -> str:
    parts = [spec.description.strip()] if spec.description.strip() else []
    parts.append(f"Takes {spec.allowed()}.")
    if spec.app_min:
        parts.append(f"From version {spec.app_min}.")
    if spec.app_max:
        parts.append(f"Up to version {spec.app_max}.")
    if spec.deprecated_in:
        parts.append(f"Deprecated in {spec.deprecated_in}.")
    return " ".join(parts)


def value_picks(spec: KeySpec) -> tuple[Pick, ...] | None:
    """A bool or enum key's values as picks (their text, as `--set` takes it); None for a typed key."""
    enum = spec.enum
    if enum is not None:
        titles = spec.enum_titles or ()
        picks = []
        for index, item in enumerate(enum):
            text = value_text(item)
            title = titles[index] if index < len(titles) and titles[index] else text
            picks.append(Pick(text, text, f"{title} ({display(item)})" if title != text else title))
        return tuple(picks)
    if spec.plist_type == "bool":
        return (Pick("true", "true", "true (Yes)"), Pick("false", "false", "false (No)"))
    return None


def value_question(catalog: Catalog, fleet: Fleet, spec: KeySpec, current: PlistValue | None) -> Question:
    """The value: a list for bool and enum keys (with a way back), typed text otherwise."""
    prompt = f"Value for {spec.domain}:{spec.name}"
    explanation = key_description(spec)
    picks = value_picks(spec)
    if picks is not None:
        known = current if current is not None else spec.default
        default = value_text(known) if known is not None else None
        values = [pick.value for pick in picks]
        return Question("settings:value", prompt, explanation,
                        (*picks, Pick("back", None, "Back: leave it as it was")),
                        default if default in values else values[0])
    if spec.plist_type in ("array", "dict"):
        explanation += " Write it as JSON."
    text = value_text(current) if current is not None else ""

    def check(typed: str) -> str:
        return value_text(check_value(catalog, fleet, spec, typed).value)

    return Question("settings:value", prompt, explanation, default=text, check=check)


def remove_question(settings: RawSettings) -> Question:
    picks = [Pick(line, json.dumps([domain, key]), line)
             for domain, keys in settings.items() for key, line in
             ((key, f"{domain}:{key} = {display(value)}") for key, value in keys.items())]
    return Question("settings:remove", "Which setting do you want to remove?", "",
                    (*picks, Pick("back", None, "Back: remove nothing")), None)


def removal_target(answer: str) -> tuple[str, str]:
    domain, key = json.loads(answer)
    return str(domain), str(key)
