"""A secret value that never shows itself: not in repr, str, f-strings, logs or tracebacks."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import NoReturn
from urllib.parse import quote, quote_plus

REDACTED = "***"


class Secret:
    """Wraps a credential or token; ``reveal()`` is the only way to the value (grep for it)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret('{REDACTED}')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


class Redactor:
    """Scrubs every known secret, in each form it may take on the wire, from text shown to the user."""

    def __init__(self) -> None:
        self._secrets: list[Secret] = []

    def add(self, *secrets: Secret) -> None:
        for secret in secrets:
            if secret and secret not in self._secrets:
                self._secrets.append(secret)

    def _forms(self) -> Iterable[str]:
        for secret in self._secrets:
            value = secret.reveal()
            yield from (value, quote(value, safe=""), quote_plus(value))
            yield base64.b64encode(value.encode()).decode("ascii")

    def __call__(self, text: str) -> str:
        # Longest first, so a secret inside another (user:password in Basic) is caught whole.
        for form in sorted({f for f in self._forms() if len(f) >= 4}, key=len, reverse=True):
            text = text.replace(form, REDACTED)
        return text
