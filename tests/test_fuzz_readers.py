"""Fuzzing every command that reads a profile (show, validate, diff, import, verify, unsign, export, upload
--dry-run), bounded for CI: mutated bytes of profiles in each form (XML, binary, DER-signed) and generated
plists with hostile strings. Each run must end with a documented exit code, print no traceback and at most
a few error lines, and write nothing outside its output folder. `python -m benchmarks.fuzz_readers` runs
the same checks for longer."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli import REPO
from tests.fuzz_readers import COMMANDS, Command, Harness, Outcome, encodings, hostile_profiles, judge, mutate

FORMS = ("xml", "binary", "signed")
CI = settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Three commands per input keeps CI to a few seconds; over the examples every command gets its turn.
SOME_COMMANDS = st.lists(st.sampled_from(COMMANDS), min_size=3, max_size=3, unique_by=lambda c: c.name)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(tmp_path_factory.mktemp("fuzz"))


def test_the_seeds_pass_every_command(harness: Harness) -> None:
    """Without this the fuzz tests would pass on a harness whose commands always fail the same way."""
    for form in FORMS:
        assert harness.check(harness.seeds[form]) == []
    outcome = harness.invoke(["show", str(harness.valid)])
    assert outcome.code == 0 and "SendAllTelemetryEnabled" in outcome.stdout


@CI
@given(form=st.sampled_from(FORMS), rng=st.randoms(use_true_random=False), commands=SOME_COMMANDS)
def test_mutated_profiles(harness: Harness, form: str, rng: random.Random, commands: list[Command]) -> None:
    problems = harness.check(mutate(harness.seeds[form], rng), commands)
    assert not problems, "\n".join(map(str, problems))


@CI
@given(profile=hostile_profiles(), commands=SOME_COMMANDS)
def test_generated_profiles_with_hostile_strings(
    harness: Harness, profile: dict[str, Any], commands: list[Command]
) -> None:
    for data in encodings(profile):
        problems = harness.check(data, commands)
        assert not problems, "\n".join(map(str, problems))


def test_the_harness_sees_a_traceback_and_a_stray_write(harness: Harness) -> None:
    """The judge itself: a crash and a file written beside the output folder are both reported."""
    crash = Outcome(-1, "", "", "Traceback (most recent call last):\nValueError: boom")
    assert [p.kind for p in judge(COMMANDS[0], crash, b"")] == ["traceback"]
    stray = harness.out.parent / "stray"
    command = COMMANDS[0]
    escape = type(command)(command.name, lambda i, o, v: ["show", str(i)], command.codes)
    original = harness.invoke

    def writing(argv: Any) -> Outcome:
        stray.write_text("x")
        return original(argv)

    harness.invoke = writing  # type: ignore[method-assign]
    try:
        problems = harness.check(harness.seeds["xml"], [escape])
    finally:
        harness.invoke = original  # type: ignore[method-assign]
    assert [p.kind for p in problems] == ["wrote outside"] and not stray.exists()


# A handful through the real command line: the same judge, with profilegen's own error handling.
REAL = ("show", "verify", "upload-jamf")


@pytest.mark.parametrize("name", REAL)
def test_mutated_profiles_through_the_real_command_line(harness: Harness, tmp_path: Path, name: str) -> None:
    command = next(c for c in COMMANDS if c.name == name)
    rng = random.Random(name)
    target = tmp_path / "input.mobileconfig"
    target.write_bytes(mutate(harness.seeds[rng.choice(FORMS)], rng))
    out, cwd = tmp_path / "out", tmp_path / "cwd"
    out.mkdir()
    cwd.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_")}
    done = subprocess.run(
        [sys.executable, "-m", "profilegen", *command.argv(target, out, harness.valid)], cwd=cwd,
        capture_output=True, text=True, timeout=60, check=False, env={**environment, "PYTHONPATH": str(REPO)},
    )
    problems = judge(command, Outcome(done.returncode, done.stdout, done.stderr), target.read_bytes())
    assert not problems, "\n".join(map(str, problems))
    assert not any(cwd.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "input.mobileconfig", "out"]
