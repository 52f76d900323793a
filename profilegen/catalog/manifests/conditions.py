"""pfm_exclude / pfm_conditionals as sentences for ``x-notes``.

ProfileManifests' conditions are ProfileCreator's editor rules ("hide this key when ProxyMode is
pac_script", "require it when X is true"); they may point at keys in other dictionaries by dotted path.
profilegen keeps them as text an admin can read rather than half-expressing them as validation.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from profilegen.plisttypes import base64_text, date_text


def describe_value(value: Any) -> str:
    """A plist value as an admin reads it: strings quoted, booleans lower-case, lists bracketed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, datetime.datetime):
        return date_text(value)
    if isinstance(value, bytes):
        return base64_text(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(describe_value(item) for item in value) + "]"
    return str(value)


def _one_of(values: Any) -> str:
    if isinstance(values, list | tuple) and len(values) == 1:
        return describe_value(values[0])
    return "one of " + describe_value(values)


def _describe_condition(condition: Mapping[str, Any], count_unknown: Callable[[str], None]) -> str:
    target = str(condition.get("pfm_target", "?"))
    parts: list[str] = []
    for key, value in sorted(condition.items()):
        if key == "pfm_target":
            continue
        if key == "pfm_present":
            parts.append(f"{target} is set" if value else f"{target} is not set")
        elif key == "pfm_range_list":
            parts.append(f"{target} is {_one_of(value)}")
        elif key == "pfm_n_range_list":
            parts.append(f"{target} is not {_one_of(value)}")
        elif key == "pfm_contains_any":
            parts.append(f"{target} contains any of {describe_value(value)}")
        elif key == "pfm_n_contains_any":
            parts.append(f"{target} contains none of {describe_value(value)}")
        elif key == "pfm_value_empty":
            parts.append(f"{target} is empty" if value else f"{target} is not empty")
        elif key == "pfm_platforms":
            parts.append(f"the platform is {_one_of(value)}")
        elif key == "pfm_n_platforms":
            parts.append(f"the platform is not {_one_of(value)}")
        else:
            count_unknown(key)
            parts.append(f"{target} {key} {describe_value(value)}")
    return " and ".join(parts) if parts else f"{target} (condition without a test)"


def _describe_rules(rules: Any, count_unknown: Callable[[str], None]) -> list[str]:
    """Each rule is a dict holding pfm_target_conditions; the rule holds when all its conditions do."""
    sentences: list[str] = []
    if not isinstance(rules, list):
        return sentences
    for rule in rules:
        if not isinstance(rule, Mapping):
            continue
        conditions: Sequence[Any] = rule.get("pfm_target_conditions") or []
        described = [
            _describe_condition(condition, count_unknown) for condition in conditions if isinstance(condition, Mapping)
        ]
        for key in rule:
            if key not in {"pfm_target_conditions", "pfm_require"}:
                count_unknown(key)
        if described:
            sentences.append(" and ".join(described))
    return sentences


def exclusion_note(rules: Any, count_unknown: Callable[[str], None]) -> str | None:
    """pfm_exclude: when the key is left out of the payload."""
    sentences = _describe_rules(rules, count_unknown)
    if not sentences:
        return None
    return "ProfileManifests leaves this key out when " + "; or when ".join(sentences) + "."


def conditional_note(rules: Any, count_unknown: Callable[[str], None]) -> str | None:
    """pfm_conditionals: when the key becomes required."""
    sentences = _describe_rules(rules, count_unknown)
    if not sentences:
        return None
    return "Required when " + "; or when ".join(sentences) + "."
