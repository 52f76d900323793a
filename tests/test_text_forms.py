"""The set-based checks that replaced regular expressions on the build path accept exactly what the
expressions meant, and refuse the trailing newline and non-ASCII digits that ``$`` and ``\\d`` let through."""

from __future__ import annotations

import re
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.forms import is_domain, is_identifier, is_uuid, is_version
from profilegen.render.script import quote
from profilegen.versions import parse_version

IDENTIFIER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*")
UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}")
DOMAIN = re.compile(r"\.GlobalPreferences|[A-Za-z0-9][A-Za-z0-9._-]*")  # and Apple's global domain
PARSED_VERSION = re.compile(r"\s*([0-9]+(?:\.[0-9]+)*)(?:\s*\[[0-9]+\])?\s*")

# Mostly the characters that matter, so that valid forms come up often; now and then anything.
form_text = st.text(st.sampled_from("aZ09-_.fF[] \n\t") | st.characters(), max_size=40)


@settings(max_examples=500)
@given(form_text)
def test_identifier_uuid_version_and_domain_checks_match_their_patterns(text: str) -> None:
    assert is_identifier(text) == bool(IDENTIFIER.fullmatch(text))
    assert is_uuid(text) == bool(UUID.fullmatch(text))
    assert is_version(text) == bool(VERSION.fullmatch(text))
    assert is_domain(text) == bool(DOMAIN.fullmatch(text))


@settings(max_examples=500)
@given(form_text)
def test_parse_version_matches_its_pattern(text: str) -> None:
    match = PARSED_VERSION.fullmatch(text)
    expected = tuple(int(p) for p in match.group(1).split(".")) if match else None
    assert parse_version(text) == expected


@pytest.mark.parametrize("text", ["com.example.office", "7A1F3C2E-0000-4000-8000-000000000001", "a", "A-b_c.d9"])
def test_good_identifiers(text: str) -> None:
    assert is_identifier(text)


@pytest.mark.parametrize("text", ["", ".com", "com.", "com..x", "-com", "com-", "com.example\n", "com.exämple"])
def test_bad_identifiers(text: str) -> None:
    assert not is_identifier(text)


def test_forms_refuse_a_trailing_newline_and_other_scripts_digits() -> None:
    assert not is_uuid("7A1F3C2E-0000-4000-8000-000000000001\n")
    assert not is_version("16.28\n")
    assert not is_version("١٦.٢٨")  # Arabic-Indic digits: \d matched them
    assert parse_version("16.28 [160726]") == (16, 28)
    assert parse_version("16.28[1] ") == (16, 28)
    assert parse_version("16.28 []") is None
    assert parse_version("16.²") is None


@settings(max_examples=600)
@given(st.text(st.sampled_from("a'\" $`\\;@%+=:,./-_\n") | st.characters(), max_size=30))
def test_quote_is_shlex_quote(word: str) -> None:
    assert quote(word) == shlex.quote(word)
