"""The corpus layer: skipped in one line without a corpus, a collection error where CI requires it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

# The nested runs take this module's three corpus tests (two functions) and one plain test: small, and skips
# from two places that must fold into one line.


def run_pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PROFILEGEN_", "PYTEST_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-k",
                           "corpus_holds or ci_script", "tests/test_corpus_layer.py", *args],
                          capture_output=True, text=True, cwd=REPO, env={**clean, **env}, check=False, timeout=300)


def test_without_a_corpus_the_corpus_tests_are_skipped_in_one_line_that_says_how_to_run_them(tmp_path: Path) -> None:
    done = run_pytest(env={"PROFILEGEN_CORPUS": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "corpus: none (PROFILEGEN_CORPUS unset or not a corpus)" in done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped
    assert re.match(r"SKIPPED \[3\] tests/conftest.py:\d+: corpus tests need the third-party corpus", skipped[0])
    assert "set PROFILEGEN_CORPUS=DIR, a folder holding fixtures/ and reference/" in skipped[0]
    assert re.search(r"1 passed, 3 skipped", done.stdout.splitlines()[-1])


@pytest.mark.parametrize("workers", ["0", "2"])  # with pytest-xdist, the main process stops it
def test_a_required_corpus_that_is_missing_stops_the_run_before_collection(tmp_path: Path, workers: str) -> None:
    done = run_pytest("-n", workers, env={"PROFILEGEN_CORPUS": str(tmp_path), "PROFILEGEN_REQUIRE_CORPUS": "1"})
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "ERROR: PROFILEGEN_REQUIRE_CORPUS=1, but no corpus: corpus tests need the third-party corpus: set " \
           "PROFILEGEN_CORPUS=DIR" in done.stderr
    assert "INTERNALERROR" not in done.stdout + done.stderr
    assert " passed" not in done.stdout


def test_ci_requires_the_corpus() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "PROFILEGEN_REQUIRE_CORPUS=1 python -m pytest" in script


@pytest.mark.corpus
@pytest.mark.parametrize("folder", ["fixtures/profiles/microsoft", "fixtures/profilemanifests"])
def test_corpus_holds_the_fixtures(corpus: Path, folder: str) -> None:
    assert any((corpus / folder).iterdir()), folder


@pytest.mark.corpus
def test_corpus_holds_the_article(corpus: Path) -> None:
    assert (corpus / "reference" / "office-for-mac-network-requests.md").is_file()


def test_ci_script_is_executable_bash() -> None:
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
