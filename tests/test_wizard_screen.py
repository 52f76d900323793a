"""What the wizard leaves on the screen (a pyte VT100 emulator fed by the real pty), not in the byte stream."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wizard_terminal import DOWN, ENTER, ESCAPE, Terminal, shipped_choices

SETTINGS_STEP = 3 + len(shipped_choices())  # "Add a setting for another preference domain?"


@pytest.mark.parametrize("size", [(50, 140), (24, 80)], ids=["50x140", "24x80"])
def test_type_to_filter_leaves_only_the_answered_question_on_the_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    """Issue 17: after a filtered pick, no `/ Outlook...` line stays under the answered question.

    The byte stream keeps every frame, the erased filter line too (a transcript of it shows the line); the
    screen after the pick must not: the answered question with its value, and the next question below. In 24
    rows Outlook's 34 keys fill the screen and scroll the answered domain out of it; the key's answer stays.
    """
    rows = size[0]
    term = Terminal(cwd=tmp_path, screen=True, size=size)
    for number in range(1, SETTINGS_STEP):
        term.answer(number)
    term.answer(SETTINGS_STEP, DOWN)  # yes, add a setting
    term.see("Which preference domain?")
    term.send("Outlook")
    term.settle()  # the filter is shown while typing
    assert any(line.lstrip().startswith("/ Outlook...") for line in term.lines()), "\n".join(term.lines())
    term.send(ENTER)
    term.see("Which key of Microsoft Outlook?")
    term.settle()
    lines = term.lines()
    shown = "\n".join(lines)
    assert not any(line.lstrip().startswith("/ ") for line in lines), shown
    answered = [line for line in lines if "Which preference domain?" in line]
    if rows >= 50:
        assert len(answered) == 1, shown
        assert "Microsoft Outlook" in answered[0], shown
        assert "type to filter" not in answered[0], shown  # the instruction goes with the list
    term.send("SendAllTelemetry")
    term.settle()
    term.send(ENTER)
    term.see("Value for com.microsoft.Outlook:SendAllTelemetryEnabled")
    term.settle()
    lines = term.lines()
    shown = "\n".join(lines)
    assert not any(line.lstrip().startswith("/ ") for line in lines), shown
    answered = [line for line in lines if "Which key of Microsoft Outlook?" in line]
    assert len(answered) == 1 and "SendAllTelemetryEnabled" in answered[0], shown
    term.send(ESCAPE)
    assert term.finish() == 130
