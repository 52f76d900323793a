"""The README tells the truth: its shell lines run, its presets build under --strict.

The rule, so that a line added to the README is checked without touching this file:

- A *shell block* is a fenced block marked ``sh``, ``bash``, ``shell``, ``console`` or nothing; in ``console``
  and ``text`` blocks only the lines after a ``$ `` prompt are commands. Lines ending in ``\\`` continue.
- A *profilegen line* is one whose command (after ``VAR=value`` words) is ``profilegen``; in ``a && b`` each
  part counts on its own. Other commands (pip, git, squid, echo...) are not run.
- A profilegen line **runs** in a fresh copy of the README's world (below), through bash and this checkout's
  ``profilegen``. It must exit 0 (``diff`` and ``validate`` may exit 1, their documented "different" /
  "findings") and print no traceback. In a ``console`` block, a command whose shown output holds
  ``profilegen: error: ...`` lines is an example of a refusal: it must fail, and print each of those lines.
- ``profilegen new NAME`` writes a new preset: it runs without the world's ``NAME.toml``.
- The lines of one block run in order in one folder (a later line can use what an earlier one wrote),
  unless the block follows the line ``<!-- readme: each line alone -->`` (a list of independent examples:
  each line gets a fresh copy).
- A profilegen line that cannot run here is **checked against --help** instead: its subcommand must exist
  and every option it writes must be one the command lists. These lines are: a synopsis (a placeholder
  such as ``FILE`` or ``PRESET|PROFILE``, i.e. an ALL-CAPS word other than the app letters of
  ``--app WXPO``, ``[optional]`` parts, ``...``); ``wizard`` (it needs a terminal: the pseudo-terminal tests
  drive it); ``upload`` without ``--dry-run`` (it needs a server); a line that writes to an absolute path
  (``> /etc/...``); and the lines of a block that follows ``<!-- readme: not run -->`` (circumstances a
  sandbox cannot make, such as a full disk).

The world: the files the README's examples name (``my-org.toml`` is the README's own preset example,
``Office.mobileconfig`` and its siblings are the suite's samples, ``signer.pem`` and the rest come from the
test PKI, ``ProfileManifests/`` and ``device-management/`` are the suite's own small checkouts in those
repositories' layouts), made by :func:`world`. A new example that needs a file the world lacks fails here,
naming it: add the file to :func:`world`.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.samples import BASIC, MANIFEST_ROOT, sign_with_openssl
from tests.signing_pki import P12_PASSWORD, shared_pki
from tests.test_apple_convert import PPPC_LIKE, checkout

README = REPO / "README.md"
SHELL_INFOS = {"", "sh", "bash", "shell", "console"}
PROMPTED_INFOS = {"console", "text"}
ALLOWED_ONE = {"diff", "validate"}  # exit 1 is their documented "different" / "findings"


ALONE = "<!-- readme: each line alone -->"
NOT_RUN = "<!-- readme: not run -->"


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    info: str
    lines: tuple[tuple[int, str], ...]
    alone: bool = False  # each line runs in a fresh world (the block follows ALONE)
    not_run: bool = False  # the lines are only checked against --help (the block follows NOT_RUN)


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    current: list[tuple[int, str]] | None = None
    start, info, before, marker = 0, "", "", ""
    for number, line in enumerate(text.splitlines(), 1):
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence and current is None:
            current, start, info, marker = [], number, fence.group(1), before
        elif line.startswith("```") and current is not None:
            found.append(Block(start, info, tuple(current), marker == ALONE, marker == NOT_RUN))
            current = None
        elif current is not None:
            current.append((number, line))
        elif line.strip():
            before = line.strip()
    return found


def commands(block: Block) -> list[tuple[int, str]]:
    """The shell lines of a block, continuations joined, prompts removed, with their README line."""
    prompted = block.info in PROMPTED_INFOS
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for at, raw in block.lines:
        number = at
        if pending is not None:
            line = pending[1] + " " + raw.strip()
            number = pending[0]
        elif prompted:
            if not raw.startswith("$ "):
                continue
            line = raw[2:]
        else:
            line = raw
        if line.rstrip().endswith("\\"):
            pending = (number, line.rstrip()[:-1].rstrip())
            continue
        pending = None
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((number, line.strip()))
    return out


def shown_errors(block: Block, number: int) -> list[str]:
    """The `profilegen: error:` lines a console block shows after its command at README line ``number``."""
    if block.info != "console":
        return []
    after = [line for at, line in block.lines if at > number]
    shown = after[:next((i for i, line in enumerate(after) if line.startswith("$ ")), len(after))]
    return [line for line in shown if line.startswith("profilegen: error: ")]


def words(part: str) -> list[str]:
    try:
        tokens = shlex.split(part, comments=True)
    except ValueError:
        tokens = part.split()
    while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", tokens[0]):
        tokens = tokens[1:]
    return tokens


def profilegen_parts(line: str) -> list[str]:
    return [part.strip() for part in line.split("&&") if words(part)[:1] == ["profilegen"]]


PLACEHOLDER = re.compile(r"^\[|\]$|\.\.\.|^[A-Z][A-Z0-9_]*(\.[a-z]+)?(\|[A-Z][A-Z0-9_]*)*$|^\w[\w-]*\|")


def why_not_run(part: str) -> str | None:
    """Why a profilegen line is checked against --help instead of run (None: it runs)."""
    tokens = words(part)
    if tokens[1:2] == ["wizard"]:
        return "needs a terminal"
    if tokens[1:2] == ["upload"] and "--dry-run" not in tokens:
        return "needs a server"
    if re.search(r">>?\s*/(?!dev/null)", part):
        return "writes outside the folder"
    # An ALL-CAPS word is a placeholder (FILE, PRESET), except the app letters given to --app (WXPO).
    if any(PLACEHOLDER.search(token) and previous != "--app" for previous, token in itertools.pairwise(tokens)):
        return "synopsis"
    return None


def command_paths(tokens: list[str]) -> list[list[str]]:
    """The subcommand words of a line (alternatives `a|b` expanded), e.g. [['export', 'jamf-schema'], ...]."""
    paths: list[list[str]] = [[]]
    for token in tokens[1:]:
        if not re.fullmatch(r"[a-z][a-z0-9.-]*(\|[a-z][a-z0-9.-]*)*", token):
            break
        paths = [[*path, choice] for path in paths for choice in token.split("|")]
    return paths


def options(tokens: list[str]) -> list[str]:
    names = []
    for token in tokens[1:]:
        for piece in token.strip("[]").split("|"):
            if re.fullmatch(r"--?[a-z][a-z0-9-]*(=.*)?", piece):
                names.append(piece.split("=")[0])
    return names


def readme_cases() -> list[tuple[Block, list[tuple[int, str]]]]:
    cases = []
    for block in blocks(README.read_text(encoding="utf-8")):
        if block.info not in SHELL_INFOS | PROMPTED_INFOS:
            continue
        lines = [(n, line) for n, line in commands(block) if profilegen_parts(line)]
        if lines:
            cases.append((block, lines))
    return cases


CASES = readme_cases()


# ------------------------------------------------------------------------------------------ the world


def _write_shim(folder: Path) -> Path:
    """`profilegen` on PATH: this checkout's code, run by the interpreter running the tests."""
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "profilegen"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH={shlex.quote(str(REPO))} exec {shlex.quote(sys.executable)} '
                    '-m profilegen "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return bin_dir


def preset_examples() -> list[tuple[int, str]]:
    """The README's preset files: its ```toml blocks that are presets (a `format` and a [profile] table)."""
    found = []
    for block in blocks(README.read_text(encoding="utf-8")):
        text = "\n".join(line for _, line in block.lines) + "\n"
        if block.info == "toml" and "[profile]" in text and "format" in tomllib.loads(text):
            found.append((block.line, text))
    return found


# The broken presets the README's payload errors come from (each error it shows is checked, word for word).
AGENT = """format = 1
[profile]
identifier = "com.example.agent"
[[payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "full-disk-access"
[[payloads.Services.SystemPolicyAllFiles]]
Identifier = "com.example.agent"
IdentifierType = "bundleID"
Authorization = "Allow"
[[payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "accessibility"
[[payloads.Services.Accessibility]]
Identifier = "com.example.agent"
IdentifierType = "bundleID"
CodeRequirement = 42
Authorization = "Allow"
[[payloads]]
type = "com.apple.homescreenlayout"
"""
OLD_MACS = """format = 1
[profile]
identifier = "com.example.agent"
[fleet]
macos_version = "12.0"
[[payloads]]
type = "com.apple.servicemanagement"
name = "agent"
[[payloads.Rules]]
RuleType = "TeamIdentifier"
RuleValue = "ABCDE12345"
"""


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme-world")
    pki = shared_pki(tmp_path_factory)
    (root / "presets").mkdir()
    for preset in sorted((REPO / "presets").glob("*.toml")):
        shutil.copy(preset, root / "presets")
    example = next(text for _, text in preset_examples() if "Contoso" in text)  # the "Preset format" example
    for name in ("my-org.toml", "my-fleet.toml", "presets/office.toml"):
        (root / name).write_text(example, encoding="utf-8")
    (root / "profiles").mkdir()
    for name in ("Office.mobileconfig", "deployed.mobileconfig", "in.mobileconfig", "profiles/Office.mobileconfig"):
        shutil.copy(BASIC, root / name)
    for name, source in (("signer.pem", pki.leaf), ("signer.key", pki.leaf_key), ("intermediate.pem", pki.inter),
                         ("enterprise-root.pem", pki.ca), ("signing.p12", pki.p12)):
        shutil.copy(source, root / name)
    for name in ("signed.mobileconfig", "out.mobileconfig"):
        sign_with_openssl(BASIC, root / name, pki.leaf, pki.leaf_key, pki.inter)
    shutil.copytree(MANIFEST_ROOT, root / "ProfileManifests")
    checkout(root, **{"com.example.policy": PPPC_LIKE})  # device-management/: a small checkout in Apple's layout
    (root / "agent.toml").write_text(AGENT, encoding="utf-8")
    (root / "old-macs.toml").write_text(OLD_MACS, encoding="utf-8")
    (root / "home").mkdir()
    _write_shim(root)
    return root


def _env(root: Path, bin_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
    return {**keep, "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "HOME": str(root / "home"),
            "XDG_DATA_HOME": str(root / "home" / "data"), "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb",
            "P12_PASSWORD": P12_PASSWORD, "PROFILE_P12_PASSWORD": P12_PASSWORD}


@functools.cache
def _help(path: tuple[str, ...], world: Path) -> tuple[int, str]:
    done = _run(shlex.join(["profilegen", *path, "--help"]), world)
    return done.returncode, done.stdout


def _run(part: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", part], cwd=folder, env=_env(folder, folder / ".bin"), capture_output=True,
                          text=True, check=False, timeout=120, stdin=subprocess.DEVNULL)


# ------------------------------------------------------------------------------------------ the tests


def test_the_readme_has_lines_of_every_kind() -> None:
    """The extraction finds what the README documents: runnable lines and --help-checked ones."""
    parts = [part for _, lines in CASES for _, line in lines for part in profilegen_parts(line)]
    reasons = {why_not_run(part) for part in parts}
    assert {None, "synopsis", "needs a terminal", "needs a server", "writes outside the folder"} <= reasons
    run = [words(part)[1] for part in parts if why_not_run(part) is None]
    for command in ("build", "show", "validate", "diff", "import", "catalog", "presets", "endpoints", "export",
                    "sign", "verify", "unsign"):
        assert command in run, f"no runnable `profilegen {command}` line found in the README"


@pytest.mark.parametrize(("block", "lines"), CASES, ids=[f"README.md:{b.line}" for b, _ in CASES])
def test_readme_block_runs(block: Block, lines: list[tuple[int, str]], world: Path, tmp_path: Path) -> None:
    folder = tmp_path / "w"
    shutil.copytree(world, folder, symlinks=True)
    for index, (number, line) in enumerate(lines):
        if block.alone:
            folder = tmp_path / f"w{index}"
            shutil.copytree(world, folder, symlinks=True)
        for part in profilegen_parts(line):
            where = f"README.md:{number}: {part}"
            reason = "not run, by the README's marker" if block.not_run else why_not_run(part)
            if reason is None:
                if words(part)[1:2] == ["new"] and len(words(part)) > 2:
                    (folder / f"{words(part)[2]}.toml").unlink(missing_ok=True)  # `new` writes it
                done = _run(part, folder)
                assert "Traceback" not in done.stderr, f"{where}\n{done.stderr}"
                refusal = shown_errors(block, number)
                if refusal:
                    assert done.returncode not in (0, 1), f"{where}: shown as a refusal, but exit {done.returncode}"
                    for error in refusal:
                        assert error in done.stderr.splitlines(), f"{where}: does not print\n{error}\n{done.stderr}"
                    continue
                allowed = {0, 1} if words(part)[1] in ALLOWED_ONE else {0}
                assert done.returncode in allowed, f"{where}\nexit {done.returncode}\n{done.stderr}{done.stdout}"
                continue
            tokens = words(part)
            for path in command_paths(tokens):
                code, text = _help(tuple(path), world)
                assert code == 0, f"{where} ({reason}): `profilegen {' '.join(path)}` has no help"
                for option in options(tokens):
                    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), (
                        f"{where} ({reason}): `profilegen {' '.join(path)}` has no option {option}")


@pytest.mark.parametrize(("line", "text"), preset_examples(), ids=[f"README.md:{n}" for n, _ in preset_examples()])
def test_readme_preset_builds_under_strict(line: int, text: str, world: Path, tmp_path: Path) -> None:
    folder = tmp_path / "w"
    shutil.copytree(world, folder, symlinks=True)
    (folder / "example.toml").write_text(text, encoding="utf-8")
    done = _run("profilegen build example.toml --strict --out strict", folder)
    assert done.returncode == 0, f"README.md:{line}: the preset fails --strict\n{done.stderr}"
    assert "warning" not in done.stdout + done.stderr
    assert (folder / "strict" / "example.mobileconfig").is_file()
