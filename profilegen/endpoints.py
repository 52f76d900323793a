"""Office for Mac network endpoints and what a configuration does to them.

The data is schemas/endpoints.toml: every row of Microsoft's "Network requests in Office for Mac", its
sections, and rules. Which option silences which section or host is said by the options themselves
(``silences`` in choices.toml); the rules in endpoints.toml add what a plain list cannot say (heartbeat
telemetry is never silenced, crash reports stop with telemetry unless kept on, and "unknown" where an
option changes related behaviour but no source says whether the endpoint goes quiet).

Evaluation is per endpoint and per app: a choice that sets keys only in Word's, Excel's and PowerPoint's
domains (UseOnlineContent) changes nothing for Outlook or OneNote, so a sign-in endpoint used by all five
apps is silenced for three and still contacted by two.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn, Protocol

from profilegen.errors import InputError
from profilegen.paths import schemas_dir

APP_LETTERS = ("W", "P", "X", "O", "N")  # the document's order
STATUSES = ("contacted", "silenced", "unknown")
TYPES = ("ST", "SS", "CS")
LICENSES = ("all", "subscription")
FLEET_LICENSES = ("volume", "subscription")

_OPTION_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*=[a-z0-9]+(?:-[a-z0-9]+)*$")
_SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://(?P<host>[A-Za-z0-9*.-]+)(?:/.*)?$")
HOST_PREFIX = "host:"


# --- the data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class App:
    letter: str
    name: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    licenses: str
    licenses_note: str | None = None
    apps_note: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """One row of one table of the document."""

    url: str
    host: str
    apps: tuple[str, ...]
    type: str
    description: str
    section: str
    licenses: str
    note: str | None = None


@dataclass(frozen=True)
class Rule:
    """What the option ``when`` (unless one of ``unless`` is also chosen) does to ``targets``."""

    when: str
    targets: tuple[str, ...]
    status: str
    reason: str
    unless: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class EndpointData:
    path: Path
    source: str  # the public URL of the document the rows come from
    apps: dict[str, App]
    sections: tuple[Section, ...]
    endpoints: tuple[Endpoint, ...]
    rules: tuple[Rule, ...]
    title: str = ""
    date: str = ""

    def citation(self) -> str:
        """The document as a reader can find it: title, date and URL (never a file of this repository)."""
        named = f'"{self.title}"' if self.title else ""
        dated = f"{named} ({self.date})" if self.date else named
        return f"{dated}, {self.source}" if dated else self.source

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def app_for_domain(self, domain: str) -> str | None:
        """The one app a preference domain belongs to, or None for a shared domain (reaches every app)."""
        for app in self.apps.values():
            if domain in app.domains:
                return app.letter
        return None


def host_of(url: str) -> str | None:
    match = _URL.match(url)
    return match.group("host").lower() if match else None


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".+".join(re.escape(part) for part in pattern.lower().split("*")) + "$")


def host_matches(pattern: str, host: str) -> bool:
    """Whether a host pattern as written in the document covers ``host``.

    ``*`` stands for one or more characters, dots included: ``*.firstpartyapps.oaspapps.com`` covers
    ``wikipedia.firstpartyapps.oaspapps.com``. A pattern also covers an identical pattern, and a pattern
    that only names hosts it covers (``*.office.net`` covers ``*-contentstorage.osi.office.net``).
    """
    return pattern.lower() == host.lower() or bool(_pattern_regex(pattern).match(host.lower()))


def target_matches(target: str, endpoint: Endpoint) -> bool:
    """A ``silences`` or rule target: a section id, or ``host:<pattern>``."""
    if target.startswith(HOST_PREFIX):
        return host_matches(target[len(HOST_PREFIX):], endpoint.host)
    return target == endpoint.section


# --- loading ----------------------------------------------------------------------------------------


def default_path() -> Path:
    return schemas_dir() / "endpoints.toml"


def load_endpoints(path: Path | None = None) -> EndpointData:
    """Read and check schemas/endpoints.toml (or ``path``); raises InputError naming the key and the fix."""
    from profilegen.inputfile import read_input

    path = path or default_path()
    try:
        raw = read_input(path, what="endpoints catalogue")
    except InputError as error:
        raise InputError(f"cannot read the endpoints catalogue: {error.message}", path=path) from None
    return parse_endpoints(raw.decode("utf-8", errors="replace"), path)


class _Reader:
    """Typed access to one TOML table, with errors that name the file and the key."""

    def __init__(self, path: Path, where: str, table: object, allowed: Collection[str]) -> None:
        self.path = path
        self.where = where
        if not isinstance(table, dict):
            self.fail("", "must be a table")
        self.table: dict[str, Any] = table
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            self.fail(unknown[0], "is not a known key", f"known keys: {', '.join(sorted(allowed))}")

    def fail(self, key: str, problem: str, hint: str | None = None) -> NoReturn:
        name = f"{self.where}.{key}" if key and self.where else (key or self.where)
        raise InputError(f"{name} {problem}", path=self.path, hint=hint)

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return str(value)

    def req(self, key: str) -> str:
        return str(self.text(key))

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.req(key)
        if value not in allowed:
            self.fail(key, f"is {value!r}", f"use one of {', '.join(allowed)}")
        return value

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.table.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            self.fail(key, "must be a list of non-empty strings")
        if required and not value:
            self.fail(key, "must not be empty")
        return tuple(value)

    def array(self, key: str) -> list[Any]:
        value = self.table.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "must be an array of tables", f"write [[{key}]]")
        return value


_TOP_KEYS = ("format", "source", "title", "date", "apps", "sections", "endpoints", "rules")
_SECTION_KEYS = ("id", "title", "intro", "licenses", "licenses-note", "apps-note", "note")
_ENDPOINT_KEYS = ("url", "host", "apps", "type", "description", "section", "licenses", "note")
_RULE_KEYS = ("when", "unless", "targets", "status", "reason", "sources")


def parse_endpoints(text: str, path: Path) -> EndpointData:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=path) from None
    top = _Reader(path, "", document, _TOP_KEYS)
    if document.get("format") != 1:
        top.fail("format", f"is {document.get('format')!r}", "this profilegen reads format = 1")
    apps_reader = _Reader(path, "apps", document.get("apps", {}), APP_LETTERS)
    apps = {letter: _app(_Reader(path, f"apps.{letter}", value, ("name", "domains")), letter)
            for letter, value in apps_reader.table.items()}
    sections: list[Section] = []
    for index, value in enumerate(top.array("sections")):
        sections.append(_section(_Reader(path, f"sections[{index}]", value, _SECTION_KEYS), sections))
    endpoints = tuple(_endpoint(_Reader(path, f"endpoints[{index}]", value, _ENDPOINT_KEYS), sections)
                      for index, value in enumerate(top.array("endpoints")))
    rules = tuple(_rule(_Reader(path, f"rules[{index}]", value, _RULE_KEYS), endpoints)
                  for index, value in enumerate(top.array("rules")))
    return EndpointData(path, top.req("source"), apps, tuple(sections), endpoints, rules,
                        title=top.text("title", required=False) or "", date=top.text("date", required=False) or "")


def _app(reader: _Reader, letter: str) -> App:
    return App(letter, reader.req("name"), reader.strings("domains"))


def _section(reader: _Reader, earlier: Sequence[Section]) -> Section:
    section_id = reader.req("id")
    if not _SECTION_ID.match(section_id):
        reader.fail("id", f"is {section_id!r}", "use lower-case kebab-case")
    if any(section.id == section_id for section in earlier):
        reader.fail("id", f"repeats {section_id!r}", "section ids must be unique")
    return Section(section_id, reader.req("title"), reader.req("intro"), reader.choice("licenses", LICENSES),
                   licenses_note=reader.text("licenses-note", required=False),
                   apps_note=reader.text("apps-note", required=False),
                   note=reader.text("note", required=False))


def _endpoint(reader: _Reader, sections: Sequence[Section]) -> Endpoint:
    url = reader.req("url")
    host = reader.req("host")
    if host_of(url) != host:
        reader.fail("host", f"is {host!r} but the url's host is {host_of(url)!r}",
                    "host is the url without scheme and path")
    letters = reader.strings("apps")
    if any(letter not in APP_LETTERS for letter in letters) or len(set(letters)) != len(letters):
        reader.fail("apps", f"is {list(letters)!r}", f"use each of {', '.join(APP_LETTERS)} at most once")
    return Endpoint(url, host, letters, reader.choice("type", TYPES), reader.req("description"),
                    reader.choice("section", [section.id for section in sections]),
                    reader.choice("licenses", LICENSES), reader.text("note", required=False))


def _rule(reader: _Reader, endpoints: Sequence[Endpoint]) -> Rule:
    refs = [reader.req("when"), *reader.strings("unless", required=False)]
    for ref in refs:
        if not _OPTION_REF.match(ref):
            reader.fail("when" if ref == refs[0] else "unless", f"has {ref!r}",
                        "write choice=option, e.g. usage-telemetry=off")
    targets = reader.strings("targets")
    for target in targets:
        if not any(target_matches(target, endpoint) for endpoint in endpoints):
            reader.fail("targets", f"has {target!r}, which names no endpoint",
                        "use a section id or host:<pattern as in the document>")
    return Rule(refs[0], targets, reader.choice("status", STATUSES), reader.req("reason"),
                unless=tuple(refs[1:]), sources=reader.strings("sources", required=False))


# --- evaluation -------------------------------------------------------------------------------------


class EffectLike(Protocol):
    @property
    def domain(self) -> str: ...


class OptionLike(Protocol):
    """What evaluation needs of profilegen.catalog.Option."""

    @property
    def choice(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def silences(self) -> tuple[str, ...]: ...
    @property
    def sets(self) -> Sequence[EffectLike]: ...


def label(option: OptionLike) -> str:
    return f"{option.choice}={option.name}"


def option_apps(option: OptionLike, data: EndpointData) -> frozenset[str]:
    """The apps an option reaches, from the domains it sets: a shared domain (or none) reaches all."""
    owners: set[str] = set()
    for effect in option.sets:
        owner = data.app_for_domain(effect.domain)
        if owner is None:
            return frozenset(APP_LETTERS)
        owners.add(owner)
    return frozenset(owners) if owners else frozenset(APP_LETTERS)


@dataclass(frozen=True)
class EndpointStatus:
    """One endpoint for the apps that share one verdict."""

    endpoint: Endpoint
    apps: tuple[str, ...]
    status: str
    by: tuple[str, ...]  # "choice=option" that decided the status
    reason: str
    silenceable_by: tuple[str, ...] = ()  # catalogue options known to silence it


@dataclass(frozen=True)
class Report:
    rows: tuple[EndpointStatus, ...]
    data: EndpointData
    preset: str | None
    license: str | None
    apps: tuple[str, ...]
    left_out: tuple[Endpoint, ...]  # not applicable to the license

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for row in self.rows if row.status == status) for status in STATUSES}


@dataclass(frozen=True)
class _Active:
    option: OptionLike
    label: str
    apps: frozenset[str]


NO_EFFECT = "No chosen option is known to affect this endpoint."
DEFAULT_CONFIGURATION = "Default configuration: no preset given."


def evaluate(
    data: EndpointData,
    chosen: Mapping[str, OptionLike],
    *,
    license: str | None = None,
    apps: Collection[str] = (),
    catalogue: Iterable[OptionLike] = (),
    preset: str | None = None,
) -> Report:
    """Mark every endpoint contacted, silenced or unknown under the chosen options.

    ``license`` "volume" leaves out the endpoints the document says apply to subscriptions only; ``apps``
    keeps the endpoints (and the part of each) used by those apps; ``catalogue`` lists every option, to
    say which could silence each endpoint.
    """
    if license is not None and license not in FLEET_LICENSES:
        raise ValueError(f"license must be one of {FLEET_LICENSES}, not {license!r}")
    wanted = tuple(letter for letter in APP_LETTERS if not apps or letter in apps)
    active = [_Active(option, label(option), option_apps(option, data)) for option in chosen.values()]
    candidates = [_Active(option, label(option), option_apps(option, data)) for option in catalogue]
    default = NO_EFFECT if preset is not None or chosen else DEFAULT_CONFIGURATION

    rows: list[EndpointStatus] = []
    left_out: list[Endpoint] = []
    for endpoint in data.endpoints:
        used_by = [letter for letter in endpoint.apps if letter in wanted]
        if not used_by:
            continue
        if license == "volume" and endpoint.licenses == "subscription":
            left_out.append(endpoint)
            continue
        groups: dict[tuple[str, tuple[str, ...], str], list[str]] = {}
        for letter in used_by:
            groups.setdefault(_verdict(data, endpoint, letter, active, default), []).append(letter)
        for (status, by, reason), letters in groups.items():
            silencers = _silenceable_by(data, endpoint, frozenset(letters), candidates)
            rows.append(EndpointStatus(endpoint, tuple(letters), status, by, reason, silencers))
    return Report(tuple(rows), data, preset, license, wanted, tuple(left_out))


def _section_words(data: EndpointData, target: str) -> str:
    if target.startswith(HOST_PREFIX):
        return f"host {target[len(HOST_PREFIX):]}"
    return f"the '{data.section(target).title}' section"


def _verdict(data: EndpointData, endpoint: Endpoint, app: str, active: Sequence[_Active],
             default: str) -> tuple[str, tuple[str, ...], str]:
    found: dict[str, list[tuple[str, str]]] = {status: [] for status in STATUSES}
    reaching = {item.label: item for item in active if app in item.apps}
    for item in reaching.values():
        for target in item.option.silences:
            if target_matches(target, endpoint):
                words = f"{item.label} ({item.option.title}) silences {_section_words(data, target)}."
                found["silenced"].append((item.label, words))
                break
    for rule in data.rules:
        if rule.when not in reaching or any(ref in reaching for ref in rule.unless):
            continue
        if any(target_matches(target, endpoint) for target in rule.targets):
            found[rule.status].append((rule.when, rule.reason))
    for status in ("silenced", "unknown", "contacted"):
        if found[status]:
            by = tuple(dict.fromkeys(who for who, _ in found[status]))
            reason = " ".join(dict.fromkeys(f"{who}: {why}" if not why.startswith(who) else why
                                            for who, why in found[status]))
            return status, by, reason
    return "contacted", (), default


def _silenceable_by(data: EndpointData, endpoint: Endpoint, apps: frozenset[str],
                    candidates: Sequence[_Active]) -> tuple[str, ...]:
    names: list[str] = []
    for item in candidates:
        if apps & item.apps and any(target_matches(t, endpoint) for t in item.option.silences):
            names.append(item.label)
    for rule in data.rules:
        if rule.status == "silenced" and any(target_matches(t, endpoint) for t in rule.targets):
            names.append(rule.when)
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class HostStatus:
    """A host over all its rows: contacted if any row is, else unknown if any is, else silenced."""

    host: str
    status: str
    rows: tuple[EndpointStatus, ...]


_PRECEDENCE = {"contacted": 0, "unknown": 1, "silenced": 2}


def host_statuses(rows: Iterable[EndpointStatus]) -> list[HostStatus]:
    grouped: dict[str, list[EndpointStatus]] = {}
    for row in rows:
        grouped.setdefault(row.endpoint.host, []).append(row)
    return [HostStatus(host, min((r.status for r in items), key=_PRECEDENCE.__getitem__), tuple(items))
            for host, items in grouped.items()]


def check_options(data: EndpointData, options: Iterable[OptionLike]) -> list[str]:
    """Disagreements between the catalogue's options and this data; empty when they agree."""
    options = list(options)
    known = {label(option) for option in options}
    choices = {option.choice for option in options}
    problems: list[str] = []
    for index, rule in enumerate(data.rules):
        for ref in (rule.when, *rule.unless):
            if ref not in known:
                kind = "option" if ref.split("=")[0] in choices else "choice"
                problems.append(f"rules[{index}] names {ref!r}: no such {kind} in choices.toml")
    for option in options:
        for target in option.silences:
            matched = [e for e in data.endpoints if target_matches(target, e)]
            if not matched:
                problems.append(f"{label(option)} silences {target!r}, which names no endpoint")
            for rule in data.rules:
                if rule.when == label(option) and rule.status == "contacted" and any(
                        target_matches(t, e) for t in rule.targets for e in matched):
                    problems.append(f"{label(option)} silences {target!r}, but a rule says it is contacted")
    return problems
