"""Shared test fixtures: where the repository and the shared fixtures are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_shared() -> Path:
    explicit = os.environ.get("PROFILEGEN_SHARED")
    candidates = [Path(explicit)] if explicit else []
    # CI clones next to a copy of shared/; developer worktrees may sit one level deeper.
    candidates += [REPO.parent / "shared", REPO.parent.parent / "shared"]
    for candidate in candidates:
        if (candidate / "fixtures").is_dir():
            return candidate
    raise RuntimeError(f"shared/ with fixtures not found beside {REPO}; set PROFILEGEN_SHARED")


SHARED = _find_shared()
FIXTURES = SHARED / "fixtures"
MICROSOFT_PROFILES = FIXTURES / "profiles" / "microsoft"
PROFILEMANIFESTS = FIXTURES / "profilemanifests"
REFERENCE = SHARED / "reference"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def _no_ambient_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs fit `COLUMNS` when it is set (README); pytest-xdist sets it to 80 in its workers. Tests see
    output as piped unless they give COLUMNS themselves."""
    monkeypatch.delenv("COLUMNS", raising=False)
