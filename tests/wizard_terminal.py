"""The wizard in a real pseudo-terminal (pexpect), answering the terminal's cursor-position requests as a
terminal emulator does, so that prompt_toolkit never waits for them.

With ``screen=True`` the output is also played into a pyte VT100 screen of the pty's size, and the cursor
position reported is the emulated one: what a person would see once the redrawing is done (the byte
stream keeps every frame, including text later erased).
"""

from __future__ import annotations

import io
import os
import re
import sys
import tomllib
from pathlib import Path

import pexpect
import pyte

from tests.cli import REPO

TIMEOUT = 30
CPR_REQUEST = r"\x1b\[6n"
UP, DOWN, ENTER, ESCAPE, CTRL_C, CTRL_U = "\x1b[A", "\x1b[B", "\r", "\x1b", "\x03", "\x15"
ROWS, COLUMNS = 50, 140
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r")


def shipped_choices(schemas: Path = REPO / "schemas") -> dict[str, list[str]]:
    """Choice name -> its option names, in file order: the order the wizard asks and lists them."""
    data = tomllib.loads((schemas / "choices.toml").read_text(encoding="utf-8"))
    return {name: list(body.get("options", {})) for name, body in data.items()}


def step_count(schemas: Path = REPO / "schemas") -> int:
    # license and version, the choices, "other settings", six profile questions
    return 2 + len(shipped_choices(schemas)) + 1 + 6


def moves(options: list[str], default: str | None, target: str | None) -> str:
    """Arrow keys from the default to the target in a choice's list (options, then "leave unmanaged")."""
    order: list[str | None] = [*options, None]
    steps = order.index(target) - order.index(default)
    return (DOWN if steps > 0 else UP) * abs(steps)


class Terminal:
    def __init__(self, *args: str, cwd: Path, env: dict[str, str] | None = None, screen: bool = False,
                 size: tuple[int, int] = (ROWS, COLUMNS)) -> None:
        environment = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", **(env or {})}
        environment.pop("PROFILEGEN_CATALOG", None)
        environment.pop("PROMPT_TOOLKIT_NO_CPR", None)
        self.log = io.StringIO()
        self.child = pexpect.spawn(sys.executable, ["-m", "profilegen", "wizard", *args], cwd=str(cwd),
                                   env=environment, dimensions=size, encoding="utf-8",
                                   codec_errors="replace", timeout=TIMEOUT)
        self.child.logfile_read = self.log
        self.child.delaybeforesend = 0.01
        self.screen = pyte.Screen(size[1], size[0]) if screen else None
        self._stream = pyte.Stream(self.screen) if self.screen is not None else None

    def _shown(self, text: object) -> None:
        """Output read so far (up to the match) played into the emulated screen."""
        if self._stream is not None and isinstance(text, str):
            self._stream.feed(text)

    def _answer_cpr(self) -> None:
        self._shown(self.child.before)
        self._shown(self.child.after)
        if self.screen is None:
            self.child.send("\x1b[1;1R")
        else:
            self.child.send(f"\x1b[{self.screen.cursor.y + 1};{self.screen.cursor.x + 1}R")

    def lines(self) -> list[str]:
        """The emulated screen's rows as shown now, trailing blanks removed (needs ``screen=True``)."""
        assert self.screen is not None, "Terminal(..., screen=True) keeps a screen"
        return [line.rstrip() for line in self.screen.display]

    def settle(self, quiet: float = 0.5) -> None:
        """Read output until none arrives for ``quiet`` seconds (the last redraw played into the screen)."""
        while True:
            index = self.child.expect([CPR_REQUEST, pexpect.EOF, pexpect.TIMEOUT], timeout=quiet)
            if index == 0:
                self._answer_cpr()
                continue
            self._shown(self.child.before)
            if index == 2:  # a timeout leaves what it read in the buffer: played already, so dropped
                self.child.buffer = self.child.string_type()
            return

    def text(self) -> str:
        """Everything shown so far, without escape sequences."""
        return _ANSI.sub("", self.log.getvalue())

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> None:
        """Wait for ``pattern`` (a regex), answering cursor-position requests meanwhile."""
        while True:
            index = self.child.expect([CPR_REQUEST, pattern, pexpect.EOF, pexpect.TIMEOUT], timeout=timeout)
            if index == 0:
                self._answer_cpr()
                continue
            self._shown(self.child.before)
            if index == 1:
                self._shown(self.child.after)
                return
            what = "the wizard exited" if index == 2 else "timed out"
            raise AssertionError(f"waiting for {pattern!r}: {what}; the screen so far:\n{self.text()[-4000:]}")

    def see(self, phrase: str) -> None:
        """Wait for a phrase, whatever line breaks the wizard's wrapping puts between its words."""
        self.expect(r"\s+".join(map(re.escape, phrase.split())))

    def flat_text(self) -> str:
        """Everything shown so far, each run of whitespace (line breaks of wrapped text) as one space."""
        return " ".join(self.text().split())

    def question(self, number: int) -> None:
        self.expect(rf"\({number}/\d+\) ")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def answer(self, number: int, keys: str = "") -> None:
        """Wait for question ``number``, then press ``keys`` and Enter."""
        self.question(number)
        self.send(keys + ENTER)

    def finish(self) -> int:
        """Wait for the wizard to exit; its exit status."""
        while True:
            index = self.child.expect([CPR_REQUEST, pexpect.EOF], timeout=TIMEOUT)
            if index == 0:
                self._answer_cpr()
                continue
            self._shown(self.child.before)
            break
        self.child.close()
        assert self.child.exitstatus is not None, self.text()[-2000:]
        return int(self.child.exitstatus)
