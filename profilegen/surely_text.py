"""``pattern`` and ``format: date-time`` judged in Python, where Python's answer is certainly the validator's.

A JSON Schema pattern is an ECMA-262 regular expression; jsonschema-rs runs it with a linear-time engine,
Python's ``re`` backtracks. Both read the same on a small subset, for text of printable ASCII: literals,
``. ^ $``, classes, ``\\d \\w \\s`` and their negations, escaped punctuation, groups and alternation. Within
that subset a pattern is judged only when backtracking stays linear (at most one variable quantifier, the
pattern anchored by ``^`` and without ``|`` when it has one; a quantified group holds exact counts only)
and the text is short. Anything else is None (not sure): the conforming validator decides.
tests/test_surely_text.py compares both on every pattern of the shipped catalogue and on generated ones.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

MAX_TEXT = 1024  # longer strings go to the validator
MAX_COUNT = 100  # {n} larger than this: not judged
_ESCAPES = r"\\[dDwWsS.\\/\-^$|?*+()\[\]{}]"
_TOKEN = re.compile(
    rf"(?P<atom>{_ESCAPES}|\[\^?(?:\\[dDwWsS.\\/\-^\[\]]|[ -Z^-~])+\]|[ -#%-',\-/->@-Z_-z~]|[.])"
    r"|(?P<exact>\{[0-9]{1,3}\})|(?P<vary>[*+?]|\{[0-9]{1,3},(?:[0-9]{1,3})?\})"
    r"|(?P<open>\((?:\?:)?)|(?P<close>\))|(?P<anchor>[\^$])|(?P<bar>\|)"
)
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


@functools.lru_cache(maxsize=256)
def judgeable(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern when Python judges it exactly and in linear time, else None."""
    if not pattern.isascii() or not pattern.isprintable() or len(pattern) > 500:
        return None
    position = 0
    varying = 0
    depth = 0
    group_varies: list[bool] = []  # per open group: holds a variable quantifier or an alternation
    last = ""  # kind of the previous token ("atom", "close", or something a quantifier cannot follow)
    closed_varies = False
    while position < len(pattern):
        token = _TOKEN.match(pattern, position)
        if token is None:
            return None
        kind, text = token.lastgroup or "", token.group()
        position = token.end()
        if kind in ("exact", "vary"):
            if last not in ("atom", "close"):
                return None  # nothing to repeat, a quantifier on a quantifier (lazy, possessive, **)
            if kind == "exact" and int(text[1:-1]) > MAX_COUNT:
                return None
            if last == "close" and (kind == "vary" or closed_varies):
                return None  # a variable count of a group, or a group that varies repeated: may backtrack
            if kind == "vary":
                varying += 1
                for index in range(len(group_varies)):
                    group_varies[index] = True
            last = "quantifier"
        elif kind == "open":
            depth += 1
            group_varies.append(False)
            last = "open"
        elif kind == "close":
            if not group_varies:
                return None
            depth -= 1
            closed_varies = group_varies.pop()
            last = "close"
        elif kind == "bar":
            for index in range(len(group_varies)):
                group_varies[index] = True
            last = "bar"
        else:
            last = kind
        if "[" in text and any(pair in text for pair in ("--", "&&", "~~", "||")):
            return None  # set operations to come in Python: a warning now
    if depth or varying > 1 or (varying and (not pattern.startswith("^") or "|" in pattern)):
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


def pattern_judgement(pattern: Any, value: Any) -> bool | None:
    """``pattern`` met (True), not met (False) or not sure (None); it constrains strings only."""
    if not isinstance(value, str):
        return True
    if not isinstance(pattern, str) or len(value) > MAX_TEXT or not (value.isascii() and value.isprintable()):
        return None
    compiled = judgeable(pattern)
    if compiled is None:
        return None
    return compiled.search(value) is not None


def format_judgement(name: Any, value: Any) -> bool | None:
    """``format`` met (True) or not sure (None); only ``date-time`` is judged, as a plist writes dates."""
    if not isinstance(value, str):
        return True
    if name != "date-time" or _DATE_TIME.fullmatch(value) is None:
        return None
    try:
        datetime.datetime(int(value[0:4]), int(value[5:7]), int(value[8:10]),
                          int(value[11:13]), int(value[14:16]), int(value[17:19]))
    except ValueError:
        return None  # a leap second, year 0: the validator knows
    return True
