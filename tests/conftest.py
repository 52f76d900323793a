"""Shared test fixtures: where the repository is, and the optional third-party corpus.

The suite owns its fixtures (tests/data, tests/samples.py, tests/signing_pki.py): a fresh clone with nothing
beside it passes. Tests that check profilegen against real files nobody here wrote (Microsoft's sample
profiles, the ProfileManifests catalogue, Microsoft's articles) are the *corpus* layer: marked
``@pytest.mark.corpus``, they read the corpus through the constants below and are skipped, in one summary
line, when no corpus is found.

- ``PROFILEGEN_CORPUS=DIR``: the corpus, a folder holding ``fixtures/`` and ``reference/``. Unset: a
  ``shared/`` folder beside the repository, or one level higher (worktrees), when there is one.
- ``PROFILEGEN_REQUIRE_CORPUS=1`` (set by .ci/run): a missing corpus stops the run before collection
  (exit code 4), instead of skipping the corpus tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS_VARIABLE = "PROFILEGEN_CORPUS"
REQUIRE_VARIABLE = "PROFILEGEN_REQUIRE_CORPUS"


def _is_corpus(folder: Path) -> bool:
    return (folder / "fixtures").is_dir() and (folder / "reference").is_dir()


def find_corpus() -> Path | None:
    """The corpus folder, or None. An explicit PROFILEGEN_CORPUS is the only candidate when it is set."""
    explicit = os.environ.get(CORPUS_VARIABLE)
    candidates = [Path(explicit)] if explicit else [REPO.parent / "shared", REPO.parent.parent / "shared"]
    return next((folder.resolve() for folder in candidates if _is_corpus(folder)), None)


CORPUS = find_corpus()
# The names corpus tests use. They are paths even without a corpus (then they do not exist), so test
# modules import and collect on a fresh clone; the corpus tests among them are skipped before they read.
SHARED = CORPUS or Path(os.environ.get(CORPUS_VARIABLE) or REPO.parent / "shared")
FIXTURES = SHARED / "fixtures"
MICROSOFT_PROFILES = FIXTURES / "profiles" / "microsoft"
PROFILEMANIFESTS = FIXTURES / "profilemanifests"
REFERENCE = SHARED / "reference"

MISSING = (
    f"corpus tests need the third-party corpus: set {CORPUS_VARIABLE}=DIR, a folder holding fixtures/ and "
    "reference/ (the project's shared/ folder), to run them"
)


def corpus_files(folder: Path, pattern: str) -> list[Path]:
    """Files of the corpus to parametrize over; without a corpus, one placeholder the corpus skip stops."""
    return sorted(folder.glob(pattern)) if CORPUS is not None else [folder / pattern]


def pytest_report_header(config: pytest.Config) -> str:
    return f"corpus: {CORPUS}" if CORPUS is not None else f"corpus: none ({CORPUS_VARIABLE} unset or not a corpus)"


def pytest_configure(config: pytest.Config) -> None:
    # Before collection, in the main process (pytest-xdist's workers collect; an error there is an INTERNALERROR).
    if CORPUS is None and os.environ.get(REQUIRE_VARIABLE) == "1":
        raise pytest.UsageError(f"{REQUIRE_VARIABLE}=1, but no corpus: {MISSING}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Raised here, not by a skip mark, so every corpus skip has this one location: `-ra` folds them into one line.
    if CORPUS is None and item.get_closest_marker("corpus"):
        pytest.skip(MISSING)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def corpus() -> Path:
    """The corpus folder (corpus tests only: the others never see it)."""
    assert CORPUS is not None
    return CORPUS


@pytest.fixture(scope="session")
def signed_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The BASIC sample profile, signed by openssl with the test PKI's leaf: the suite's own signed profile."""
    from tests.samples import BASIC, sign_with_openssl
    from tests.signing_pki import shared_pki

    pki = shared_pki(tmp_path_factory)
    target = tmp_path_factory.mktemp("signed") / "office-basic-diagnostics.signed.mobileconfig"
    return sign_with_openssl(BASIC, target, pki.leaf, pki.leaf_key, pki.inter)


@pytest.fixture(autouse=True)
def _no_ambient_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs fit `COLUMNS` when it is set (README); pytest-xdist sets it to 80 in its workers. Tests see
    output as piped unless they give COLUMNS themselves."""
    monkeypatch.delenv("COLUMNS", raising=False)
