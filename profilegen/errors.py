"""One error hierarchy; the CLI turns each into one line on stderr and a documented exit code.

Messages are written for the admin who must fix the input: they name the file, the key and the fix.
Nothing below the CLI calls ``sys.exit`` or prints.
"""

from __future__ import annotations

from pathlib import Path

from profilegen.printable import printable


class ExitCode:
    """Exit codes, documented in the README."""

    OK = 0
    DIFFERENT = 1  # `diff`: inputs differ; `validate`: findings at error level
    USAGE = 2  # bad option or argument (click uses 2 as well)
    INPUT = 3  # missing, unreadable or malformed input file, unknown preset
    INVALID = 4  # values, conflicts, preconditions; warnings under --strict
    OUTPUT = 5  # output exists (without --force) or cannot be written
    SIGNING = 6  # signing or verification failed
    REMOTE = 7  # upload: network, authentication or server failure
    INTERRUPTED = 130


class ProfilegenError(Exception):
    """Base of every error the user can cause and fix."""

    exit_code: int = 1

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """One line per problem, each naming the file when there is one; control characters escaped.

        The message's own lines are kept (split on newlines only): input quoted in a message is
        quoted with `printable.quoted` (or repr), so a newline from input cannot start a line here.
        """
        lines = [printable(line) for line in self.message.rstrip("\n").split("\n")]
        if self.hint:
            lines[-1] += f" ({printable(self.hint)})"
        path = printable(self.path) if self.path else None
        return "\n".join(f"{path}: {line}" if path else line for line in lines)


class UsageError(ProfilegenError):
    exit_code = ExitCode.USAGE


class InputError(ProfilegenError):
    """A file is missing, unreadable, too large or not in the expected format."""

    exit_code = ExitCode.INPUT


class ValidationError(ProfilegenError):
    """Settings break the catalogue: wrong type or value, conflict, failed precondition."""

    exit_code = ExitCode.INVALID


class OutputError(ProfilegenError):
    """An output exists and --force was not given, or cannot be written."""

    exit_code = ExitCode.OUTPUT


class Interrupted(ProfilegenError):
    """Ctrl-C or SIGTERM stopped a command; the message says what was written."""

    exit_code = ExitCode.INTERRUPTED


class SigningError(ProfilegenError):
    exit_code = ExitCode.SIGNING


class RemoteError(ProfilegenError):
    """An upload failed: network, authentication or the server's answer."""

    exit_code = ExitCode.REMOTE
