"""diff compares a domain set in one <dict> through that dict's own value, and merges a domain set in several
places: both must give exactly the changes of the plain rule (each side's settings as one map, the later value
winning, a Set-Once value a different deployment of it), on profiles of every shape the model reads."""

from __future__ import annotations

import plistlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.inspect.canon import canonical
from profilegen.inspect.diff import diff
from profilegen.inspect.model import Profile, extract
from profilegen.inspect.read import load_bytes
from profilegen.limits import MCX_TYPE

KEYS = ["A", "B", "C", "PayloadType", "PayloadDisplayName", "D"]
VALUES = st.sampled_from([True, False, 1, 0, 1.0, "1", "x", [1], [True], {"k": 1}, {"k": True}, b"\x01",
                          {"k": 1, "j": 2}, {"j": 2, "k": 1}])
DOMAINS = ["com.example.one", "com.example.two", "com.apple.dock"]
PAYLOAD_KEYS_OF_ONE = {"PayloadIdentifier": "p", "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000009",
                       "PayloadVersion": 1}


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    keys = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5)
    if draw(st.booleans()):  # an mcx payload: one or two items per mode, of one or two domains
        content = {
            domain: {mode: [{"mcx_preference_settings": draw(keys)} for _ in range(draw(st.integers(1, 2)))]
                     for mode in draw(st.lists(st.sampled_from(["Forced", "Set-Once"]), min_size=1, unique=True))}
            for domain in draw(st.lists(st.sampled_from(DOMAINS), min_size=1, max_size=2, unique=True))
        }
        return {**PAYLOAD_KEYS_OF_ONE, "PayloadType": MCX_TYPE, "PayloadContent": content}
    return {**draw(keys), **PAYLOAD_KEYS_OF_ONE, "PayloadType": draw(st.sampled_from(DOMAINS)),
            "PayloadIdentifier": draw(st.sampled_from(["p1", "p2"]))}


def profile(content: list[dict[str, Any]]) -> Profile:
    document = {"PayloadContent": content, "PayloadIdentifier": "com.example.profile", "PayloadType": "Configuration",
                "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1}
    # (keys in the order given: two dicts of the same keys in another order are the same plist)
    return extract(load_bytes(plistlib.dumps(document, sort_keys=False), "p.mobileconfig"), strict=True)


def plain_rule(a: Profile, b: Profile) -> list[tuple[str | None, str, Any, Any]]:
    """The changes as the rule says: each side's settings merged into one map per domain (an Apple payload
    type given twice in a profile is told apart by identifier), compared key by key."""
    def merged(side: Profile, several: set[str]) -> dict[str, dict[str, Any]]:
        names = {p.index: f"{p.payload_type} ({p.identifier})" for p in side.payloads
                 if p.style == "apple" and p.payload_type in several and p.identifier}
        found: dict[str, dict[str, Any]] = {}
        for s in side.settings:
            domain = found.setdefault(names.get(s.payload, s.domain), {})
            domain[s.key] = (s.mode == "Set-Once", s.value)
        return found

    several: set[str] = set()
    for side in (a, b):
        types = [p.payload_type for p in side.payloads if p.style == "apple"]
        several |= {t for t in types if t is not None and types.count(t) > 1}
    left, right = merged(a, several), merged(b, several)
    changes: list[tuple[str | None, str, Any, Any]] = []
    for domain in sorted(left.keys() | right.keys()):
        old, new = left.get(domain, {}), right.get(domain, {})
        for key in sorted(old.keys() | new.keys()):
            if key not in old or key not in new or (old[key][0], canonical(old[key][1])) != (
                    new[key][0], canonical(new[key][1])):
                changes.append((domain, key, shown(old.get(key)), shown(new.get(key))))
    return changes


def shown(setting: tuple[bool, Any] | None) -> Any:
    if setting is None:
        return None
    once, value = setting
    return {"Set-Once": value} if once else value


@settings(max_examples=400, deadline=None)
@given(st.lists(payloads(), max_size=3), st.lists(payloads(), max_size=3))
def test_diff_gives_the_plain_rules_changes(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> None:
    a, b = profile(left), profile(right)
    got = [(c.domain, c.key, c.old, c.new) for c in diff(a, b) if c.area == "setting"]
    want = plain_rule(a, b)
    assert [(d, k) for d, k, _, _ in got] == [(d, k) for d, k, _, _ in want]
    assert [(canonical(o), canonical(n)) for _, _, o, n in got] == [(canonical(o), canonical(n)) for _, _, o, n in want]


def test_a_domain_in_one_dict_is_compared_through_that_dict_not_a_copy() -> None:
    """The usual shape (one mcx item a domain): the views are the <dict>s' own values."""
    content = [{**PAYLOAD_KEYS_OF_ONE, "PayloadType": MCX_TYPE, "PayloadContent": {
        "com.example.one": {"Forced": [{"mcx_preference_settings": {"A": 1, "B": 2}}]}}}]
    a = profile(content)
    b = profile([{**content[0], "PayloadContent": {
        "com.example.one": {"Set-Once": [{"mcx_preference_settings": {"A": 1, "C": 3}}]}}}])
    changes = [(c.key, c.old, c.new) for c in diff(a, b) if c.area == "setting"]
    # Forced -> Set-Once is a change of every key, with the same value
    assert changes == [("A", 1, {"Set-Once": 1}), ("B", 2, None), ("C", None, {"Set-Once": 3})]
    (origin,) = a.origins
    assert origin.complete and origin.node.value == {"A": 1, "B": 2}


def test_a_set_once_dict_in_a_merged_domain_is_compared_blind_to_key_order() -> None:
    """A domain set Forced and Set-Once is merged; its Set-Once dict is the same plist in any key order."""
    def side(value: dict[str, int]) -> Profile:
        return profile([{**PAYLOAD_KEYS_OF_ONE, "PayloadType": MCX_TYPE, "PayloadContent": {"com.example.one": {
            "Forced": [{"mcx_preference_settings": {"A": 1}}],
            "Set-Once": [{"mcx_preference_settings": {"B": value}}]}}}])

    assert [c for c in diff(side({"k": 1, "j": 2}), side({"j": 2, "k": 1})) if c.area == "setting"] == []
    (change,) = [c for c in diff(side({"k": 1}), side({"k": 2})) if c.area == "setting"]
    assert (change.key, change.old, change.new) == ("B", {"Set-Once": {"k": 1}}, {"Set-Once": {"k": 2}})
