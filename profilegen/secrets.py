"""Secret references in presets (``{ env = "NAME" }``, ``{ file = "PATH" }``) and MDM variables.

A preset never holds a secret: a sensitive payload key (Apple's Wi-Fi password, SCEP challenge, PKCS#12
password...; ``x-sensitive`` in schemas/payloads/) takes a reference, resolved when the profile is built and
never printed. MDM variables (Jamf's ``$EMAIL``, Intune's ``{{username}}``) are left for the server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from profilegen.errors import ValidationError
from profilegen.record import Record

SOURCES = ("env", "file")
MASK = "********"
REDACTED = "***"  # what a dry run's profile holds in place of each secret
MAX_SECRET_BYTES = 64 * 1024
# Jamf Pro payload variables ($EMAIL, $SERIALNUMBER, $COMPUTERNAME...) and Intune tokens ({{username}}...).
_MDM_VARIABLE = re.compile(r"\$[A-Z][A-Z0-9_]{2,}\b|\{\{[A-Za-z][A-Za-z0-9_.]*\}\}|%[A-Za-z][A-Za-z0-9_]*%")


class SecretRef(Record):
    """Where a secret comes from at build time; its text form names the source, never the value."""

    source: str  # "env" | "file"
    target: str

    def text(self) -> str:
        return f'{{ {self.source} = "{self.target}" }}'

    def reveal(self, where: str, base: Path | None, label: str | None = None) -> str:
        """The secret; a missing variable or unreadable file is one error naming ``where``."""
        if self.source == "env":
            value = os.environ.get(self.target)
            if value is None:
                raise ValidationError(f"{where}: the environment variable {self.target} is not set", path=label,
                                      hint=f"export {self.target} before the build; the preset names the "
                                      "variable, never the secret")
            return value
        path = Path(self.target).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        from profilegen.errors import InputError
        from profilegen.inputfile import read_input

        try:  # regular files only: a FIFO or a device named here would block the build or never end
            data = read_input(path, what="secret file", limit=MAX_SECRET_BYTES)
        except InputError as error:
            raise ValidationError(f"{where}: cannot read the secret file {self.target}: {error.message}",
                                  path=label, hint="check the path (relative paths start at the preset's folder); "
                                  "a secret file holds the secret only") from None
        try:
            return data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise ValidationError(f"{where}: the secret file {self.target} is not UTF-8 text", path=label) from None


def as_ref(value: object) -> SecretRef | None:
    """A TOML inline table ``{ env = "NAME" }`` or ``{ file = "PATH" }`` as a reference, else None."""
    if isinstance(value, Mapping) and len(value) == 1:
        (source, target), = value.items()
        if source in SOURCES and isinstance(target, str) and target:
            return SecretRef(str(source), target)
    return None


def has_refs(value: object) -> bool:
    if isinstance(value, SecretRef):
        return True
    if isinstance(value, list):
        return any(map(has_refs, value))
    if isinstance(value, Mapping):
        return any(map(has_refs, value.values()))
    return False


def reveal_all(value: Any, where: str, base: Path | None, label: str | None = None, *, redact: bool = False) -> Any:
    """``value`` with every reference replaced by its secret (for the profile's bytes only), or by
    ``REDACTED`` with ``redact`` (a dry run: nothing is read)."""
    if isinstance(value, SecretRef):
        return REDACTED if redact else value.reveal(where, base, label)
    if isinstance(value, list):
        return [reveal_all(item, f"{where}[{i}]", base, label, redact=redact) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {k: reveal_all(v, f"{where}.{k}", base, label, redact=redact) for k, v in value.items()}
    return value


def mdm_variables(value: object) -> list[str]:
    """The MDM variables a text holds ($EMAIL, {{serialnumber}}...), which the server substitutes."""
    return _MDM_VARIABLE.findall(value) if isinstance(value, str) and ("$" in value or "{{" in value
                                                                      or "%" in value) else []
