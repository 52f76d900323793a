"""What a profile and its `defaults` script can both carry: one check for every value a build writes.

``resolve`` runs it on every setting and on the profile's own text, so `validate` and `build` refuse the
same values with the same line, before any renderer sees them. The rules (README, "Values"):

- text: no control character XML 1.0 cannot hold (tab, LF and CR are fine), no lone surrogate;
- integers: signed 64-bit. `defaults -integer` reads a signed 64-bit number (a larger one is clamped),
  so a profile holding 2**63 and its script would disagree;
- reals: finite. `defaults -float` reads its number with CoreFoundation's scanner, which knows digits,
  sign, point and exponent only, so ``nan`` and ``inf`` would reach the script as 0 while the profile
  says NaN; JSON (the catalogue validator's view) has no NaN or infinity either;
- dates: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in UTC. `defaults -date` takes
  ``YYYY-MM-DD HH:MM:SS +0000`` with a four-digit year, and macOS reads dates before the Gregorian
  reform (1582) in the Julian calendar where the profile's ``<date>`` is proleptic Gregorian: the range
  is kept where every reader surely sees the same instant;
- nesting: at most ``MAX_DEPTH`` levels, the bound the plist readers use.
"""

from __future__ import annotations

import datetime
import math

from profilegen.limits import MAX_DEPTH
from profilegen.plisttypes import date_text, utc

INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1
DATE_MIN = datetime.datetime(1970, 1, 1)
DATE_MAX = datetime.datetime(9999, 12, 31, 23, 59, 59)
# Characters XML 1.0 cannot hold (tab, LF and CR can), and the two non-characters plists refuse.
_NOT_XML = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r"} | {"\ufffe", "\uffff"}


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be plist text, or None."""
    if text.isprintable():  # the common case: nothing to look for
        return None
    bad = next((c for c in text if c in _NOT_XML), None)
    if bad is None:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate
            bad = text[error.start]
    if bad is None:
        return None
    return f"holds the character U+{ord(bad):04X}, which a plist cannot carry; remove it"


def value_problem(value: object) -> str | None:
    """Why ``value`` cannot be written alike into a profile and a `defaults` script, or None.

    Iterative, so that no nesting depth can exhaust the interpreter's stack while looking.
    """
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nests deeper than {MAX_DEPTH} levels, more than a plist reader takes"
        problem = _scalar_problem(item)
        if problem:
            return problem
        if isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and (problem := text_problem(key)):
                    return f"has a key that {problem}"
                stack.append((inner, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((inner, depth + 1) for inner in item)
    return None


def _scalar_problem(value: object) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if INT_MIN <= value <= INT_MAX:
            return None
        return (f"= {value} is outside the signed 64-bit integers a plist and `defaults -integer` take "
                f"({INT_MIN} to {INT_MAX})")
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return (f"= {value} is not a finite number: `defaults -float` cannot write it and a preference "
                "has no use for it; use a finite number")
    if isinstance(value, datetime.datetime):
        moment = utc(value)
        if DATE_MIN <= moment <= DATE_MAX:
            return None
        return (f"= {date_text(moment)} is outside the dates profilegen writes "
                "(1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, where `defaults -date` and the "
                "profile read the same instant)")
    return None
