"""The forms of text presets and profiles name things in: identifiers, UUIDs, versions, domains.

Checked with character sets rather than regular expressions: compiling the expressions cost every
build more than the checks themselves, and their ``$`` and ``\\d`` let a trailing newline and other
scripts' digits through.
"""

from __future__ import annotations

ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
DIGITS = frozenset("0123456789")
_IDENTIFIER_CHARS = ASCII_ALNUM | {"-", "_"}
_DOMAIN_CHARS = ASCII_ALNUM | {".", "_", "-"}
_HEX = frozenset("0123456789ABCDEFabcdef")
_UUID_GROUPS = [8, 4, 4, 4, 12]


def is_identifier(text: str) -> bool:
    """Dot-separated parts of letters, digits, '-' and '_', each beginning and ending with a letter or digit.

    Reverse DNS is recommended, not required: profiles deployed by Jamf carry a bare UUID as their
    identifier, and an imported preset must keep it for a rebuild to replace the deployed profile.
    """
    return all(part and part[0] in ASCII_ALNUM and part[-1] in ASCII_ALNUM and _IDENTIFIER_CHARS.issuperset(part)
               for part in text.split("."))


def is_uuid(text: str) -> bool:
    """8-4-4-4-12 hex digits, either case."""
    return [len(group) for group in text.split("-")] == _UUID_GROUPS and _HEX.issuperset(text.replace("-", ""))


GLOBAL_DOMAIN = ".GlobalPreferences"  # Apple's global domain (`defaults -g`), in Apple's catalogue as a payload


def is_domain(text: str) -> bool:
    """A preference domain a shell and `defaults` take as one word: letters, digits, '.', '_', '-',
    beginning with a letter or digit; or Apple's global domain, .GlobalPreferences."""
    return text == GLOBAL_DOMAIN or (bool(text) and text[0] in ASCII_ALNUM and _DOMAIN_CHARS.issuperset(text))


def dotted_numbers(text: str) -> list[str] | None:
    """The dot-separated ASCII numbers of ``text``, or None when it is anything else."""
    parts = text.split(".")
    return parts if all(part and DIGITS.issuperset(part) for part in parts) else None


def is_version(text: str) -> bool:
    """A version as a preset states it: one to four dot-separated numbers, e.g. 16.28."""
    parts = dotted_numbers(text)
    return parts is not None and len(parts) <= 4
