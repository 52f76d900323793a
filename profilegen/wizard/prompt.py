"""Asking the wizard's questions in a terminal: the only module that imports questionary.

Ctrl-C, Escape and "Abort" raise KeyboardInterrupt; the command turns it into exit code 130 with
nothing written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys

from profilegen.errors import ProfilegenError
from profilegen.plisttypes import display
from profilegen.wizard.flow import Wizard
from profilegen.wizard.plan import Plan, make_plan, summary_text
from profilegen.wizard.questions import Answer, AnswerError, Question, Skipped
from profilegen.wizard.raw import MORE_NO, MORE_REMOVE, SETTINGS_STEP, removal_target, settings_lines

_WRITE, _CHANGE, _ABORT, _BACK = "write", "change", "abort", "__back__"
# questionary matches a select's answer by value, and None means "no value": stand-in for None answers.
_NONE = "__none__"
_DESCRIPTION_LABEL = "  Description: "


def _cancellable(question: questionary.Question) -> questionary.Question:
    """Escape cancels like Ctrl-C (questionary binds only Ctrl-C)."""
    bindings = KeyBindings()

    @bindings.add(Keys.Escape, eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    application = question.application
    application.key_bindings = merge_key_bindings([application.key_bindings or KeyBindings(), bindings])
    return question


def _wrapped(text: str) -> str:
    """questionary shows a description on one line, cut at the terminal's width: wrap it under its label."""
    width = max(30, shutil.get_terminal_size().columns - len(_DESCRIPTION_LABEL) - 2)
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return ("\n" + " " * len(_DESCRIPTION_LABEL)).join(lines)


def _filled(text: str, indent: str = "") -> str:
    width = max(30, shutil.get_terminal_size().columns - 1)
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False)


def _fitted(text: str) -> str:
    """Long lines of a block (the summary) wrapped at the terminal's width, under their own indentation."""
    width = max(30, shutil.get_terminal_size().columns - 1)
    lines = []
    for line in text.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(textwrap.fill(line, width=width, subsequent_indent=indent + "    ",
                                                   break_long_words=False, break_on_hyphens=False) if len(line) > width
                     else line)
    return "\n".join(lines)


def _say(text: str = "", style: str | None = None) -> None:
    questionary.print(text, style=style)


def _select(message: str, choices: list[questionary.Choice], default: str | None, search: bool = False) -> Any:
    """A list; with ``search``, typed letters filter it by title (long lists: a domain's keys)."""
    instruction = "(arrow keys or type to filter, Enter; Esc cancels)" if search else "(arrow keys, Enter; Esc cancels)"
    question = questionary.select(message, choices=choices, default=default, use_shortcuts=False,
                                  use_jk_keys=not search, use_search_filter=search,
                                  show_description=True, instruction=instruction)
    return _cancellable(question).unsafe_ask()


def ask(question: Question, number: str = "", *, search: bool = False) -> Answer:
    """One question in the terminal; the answer is validated by the question before it returns."""
    message = f"{number}{question.prompt}"
    if question.explanation:
        _say("\n" + _filled(question.explanation), style="italic")
    if question.typed:
        text = question.default or ""
        while True:  # an answer the question refuses is asked again, after the reason
            text = str(_cancellable(questionary.text(message, default=text)).unsafe_ask())
            try:
                return question.accept(text)
            except AnswerError as error:
                _say(_filled(str(error), "  "), style="fg:ansired")
                text = ""  # asked again in an empty field: the reason quotes what was refused
    for pick in question.picks:
        if pick.unavailable:
            _say(_filled(f"Not offered: {pick.title}: {pick.unavailable}", "  "), style="fg:ansiyellow")
    choices = []
    for pick in question.picks:
        notes = [pick.description] if pick.description else []
        notes += [f"Warning: {warning}" for warning in pick.warnings]
        choices.append(questionary.Choice(
            title=pick.title + (" (!)" if pick.warnings and not pick.unavailable else ""),
            value=_NONE if pick.value is None else pick.value,
            disabled="not offered" if pick.unavailable else None,
            description=_wrapped(" ".join(notes)) if notes else None))
    default = _NONE if question.default is None else question.default
    chosen = _select(message, choices, default, search)
    value = question.accept(None if chosen == _NONE else chosen)
    for warning in question.pick(value).warnings:
        _say(_filled(f"Warning: {warning}", "  "), style="fg:ansiyellow")
    return value


def ask_step(wizard: Wizard, key: str, number: str = "") -> None:
    if key == SETTINGS_STEP:
        _other_settings(wizard, number)
        return
    question = wizard.question(key)
    if isinstance(question, Skipped):
        _say("\n" + _filled(f"{number}{question.prompt}: not asked: {question.reason}"), style="fg:ansiyellow")
        wizard.skip(key)
        return
    wizard.answer(key, ask(question, number))


def _other_settings(wizard: Wizard, number: str) -> None:
    """Raw settings of any catalogue domain, added, changed or removed until the admin says no more."""
    first = True
    while True:
        lines = settings_lines(wizard.settings)
        if lines:
            _say("\nOther settings now:\n" + "\n".join(_filled(line, "  ") for line in lines))
        question = wizard.question(SETTINGS_STEP)
        assert isinstance(question, Question)
        action = ask(question if first else dataclasses.replace(question, explanation=""), number)
        first = False
        if action == MORE_NO:
            return
        if action == MORE_REMOVE:
            target = ask(wizard.remove_question())
            if target is not None:
                domain, key = removal_target(target)
                wizard.remove_setting(domain, key)
                _say(f"  Removed {domain}:{key}", style="fg:ansigreen")
        elif action == "payload":
            _add_payload(wizard)
        else:
            _add_setting(wizard)


def _add_setting(wizard: Wizard) -> None:
    """Domain, key, value; "back" from a key returns to the domains, from a value to the loop's question."""
    domain: Answer = None
    while True:
        domain = ask(wizard.domain_question(domain), search=True)
        if domain is None:
            return
        key = ask(wizard.key_question(domain), search=True)
        if key is not None:
            break
    question = wizard.value_question(domain, key)
    while True:
        text = ask(question)
        if text is None:
            return
        try:
            checked = wizard.set_setting(domain, key, text)
        except AnswerError as error:  # a listed value the schema refuses: shown, and the list again
            _say(_filled(str(error), "  "), style="fg:ansired")
            continue
        for note in checked.notes:
            _say(_filled(note, "  "), style="fg:ansiyellow")
        _say(f"  Set {domain}:{key} = {display(checked.value)}", style="fg:ansigreen")
        return


def _add_payload(wizard: Wizard) -> None:
    """A payload type, its keys (required first, arrays of tables one entry at a time), a name; checked whole."""
    from profilegen.preset_payloads import PresetPayload
    from profilegen.wizard import payload as questions

    kind = ask(questions.type_question(wizard.catalog), search=True)
    if kind is None:
        return
    schema = wizard.catalog.payloads.schema(kind)
    assert schema is not None
    keys = _ask_table(schema.root, "")
    used = {p.name for p in wizard.payloads if p.type == kind and p.name}
    name = ask(questions.name_question(used)) or None
    made = PresetPayload(type=kind, keys=keys, name=name, origin=f"payloads[{len(wizard.payloads)}]")
    problems = questions.check_payload(wizard.catalog, wizard.fleet, made)
    if problems:
        for line in problems:
            _say(_filled(line, "  "), style="fg:ansired")
        _say("  The payload was not added.", style="fg:ansired")
        return
    wizard.payloads.append(made)
    _say(f"  Added a {schema.title} payload ({kind}{', ' + name if name else ''})", style="fg:ansigreen")


def _ask_table(key: Any, where: str) -> dict[str, Any]:
    """A dict's keys, one at a time, until "Done"; a dict that takes any key asks the key's name first."""
    from profilegen.wizard import payload as questions

    table: dict[str, Any] = {}
    if key.any_key is not None and not key.schema.get("properties"):
        while True:
            name = (ask(questions.any_key_question(where or "the payload")) or "").strip()
            if not name:
                return table
            child = key.child(name)
            path = f"{where}.{name}" if where else name
            table[name] = _ask_value(child, path) if child is not None else ask(
                questions.value_question(key, path))
    while True:
        picked = ask(questions.next_key_question(key, where, table), search=True)
        if picked is None or picked == questions.DONE:
            return table
        table[picked] = _ask_value(key.child(picked), f"{where}.{picked}" if where else picked)


def _ask_value(key: Any, where: str) -> Any:
    from profilegen.wizard import payload as questions

    if key.plist_type == "dict":
        return _ask_table(key, where)
    if key.plist_type == "array":
        items: list[Any] = []
        while ask(questions.entry_question(where, len(items))) == questions.YES:
            item = key.child(len(items))
            items.append(_ask_value(item, f"{where}[{len(items)}]") if item is not None else
                         ask(questions.value_question(key, where)))
        return items
    question = questions.value_question(key, where)
    text = ask(question)
    return questions.parse_value(key, where, text or "")


def _recheck_after(wizard: Wizard, changed: str) -> None:
    """Answers after a changed one that no longer fit (an option the new license forbids) are asked again."""
    steps = wizard.steps()
    for key in steps[steps.index(changed) + 1:]:
        reason = wizard.misfit(key)
        if reason is not None:
            _say("\n" + _filled(f"The answer below no longer fits: {reason}"), style="fg:ansiyellow")
            ask_step(wizard, key)


def _change(wizard: Wizard) -> None:
    choices = []
    for key in wizard.steps():
        question = wizard.question(key)
        if key == SETTINGS_STEP:
            count = len(settings_lines(wizard.settings))
            answer = f"{count} setting(s)" if count else "none"
        else:
            answer = "not asked" if isinstance(question, Skipped) else question.describe(wizard.value(key))
        choices.append(questionary.Choice(title=f"{question.prompt}: {answer}", value=key))
    choices.append(questionary.Choice(title="Back to the summary", value=_BACK))
    key = _select("Which answer do you want to change?", choices, _BACK)
    if key != _BACK:
        ask_step(wizard, key)
        _recheck_after(wizard, key)


def _overwrite_ok(plan: Plan, force: bool) -> bool:
    existing = plan.existing()
    if force or not existing:
        return True
    _say("\nThese files exist: " + ", ".join(map(str, existing)), style="fg:ansiyellow")
    answer = _select("Overwrite them?", [questionary.Choice("No, back to the summary", value="no"),
                                         questionary.Choice("Yes, overwrite", value="yes")], "no")
    return bool(answer == "yes")


@contextlib.contextmanager
def _typeahead_kept() -> Iterator[None]:
    """The terminal stays raw between questions, as it is during each one.

    Otherwise keys typed before the next question is drawn (a corrected answer, Enter held down to take
    the defaults) reach the terminal's own line editing: echoed, Ctrl-U taken as "kill line". Raw, they
    wait for the next question, which reads them as typed.
    """
    if not sys.stdin.isatty():
        yield
        return
    from prompt_toolkit.input.vt100 import raw_mode

    with raw_mode(sys.stdin.fileno()):
        yield


def walk(wizard: Wizard, *, save: Path | None, out: Path, force: bool) -> Plan:
    """Ask every question, then the summary until the admin confirms; the plan to write."""
    with _typeahead_kept():
        return _walk(wizard, save=save, out=out, force=force)


def _walk(wizard: Wizard, *, save: Path | None, out: Path, force: bool) -> Plan:
    steps = wizard.steps()
    for index, key in enumerate(steps, start=1):
        ask_step(wizard, key, f"({index}/{len(steps)}) ")
    while True:
        plan: Plan | None
        try:
            plan = make_plan(wizard, save, out)
        except ProfilegenError as error:
            plan = None
            _say("\nThese answers do not build:\n" + _fitted(error.render()), style="fg:ansired")
        else:
            _say("\n" + _fitted(summary_text(plan)))
        actions = [questionary.Choice("Write the preset and build it", value=_WRITE)] if plan else []
        actions += [questionary.Choice("Go back and change an answer", value=_CHANGE),
                    questionary.Choice("Abort: write nothing", value=_ABORT)]
        action = _select("What now?", actions, _WRITE if plan else _CHANGE)
        if action == _ABORT:
            raise KeyboardInterrupt
        if action == _CHANGE:
            _change(wizard)
        elif plan is not None and _overwrite_ok(plan, force):
            return plan
