"""Hostile input for every command that reads a profile: the engine of tests/test_fuzz_readers.py and of
benchmarks/fuzz_readers.py (the long run).

Seeds are made here, never read from ../shared: profiles built from shipped presets, each as XML, as a
binary plist and signed (DER, with a throwaway EC identity). An input is a seed with bytes mutated, or a
plist with hostile strings and values; each reading command runs on it in-process through the same error
handling as ``profilegen.cli.main``. A run passes when it ends with a code the README documents for that
command, prints no traceback (and at most a few error lines), and writes nothing outside its output
folder.
"""

from __future__ import annotations

import datetime
import os
import plistlib
import random
import shutil
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from hypothesis import strategies as st
from typer.testing import CliRunner

from profilegen.commands import inspect, mdm, signing
from profilegen.errors import ProfilegenError

PROFILE = "input.mobileconfig"
MAX_ERROR_LINES = 4

# Command -> (argv after the command name, the exit codes the README documents for it).
Argv = Callable[[Path, Path, Path], list[str]]  # (input, output folder, a valid profile) -> argv


@dataclass(frozen=True)
class Command:
    name: str
    argv: Argv
    codes: frozenset[int]


COMMANDS: tuple[Command, ...] = (
    Command("show", lambda i, o, v: ["show", str(i)], frozenset({0, 3})),
    Command("show-json", lambda i, o, v: ["show", "--format", "json", str(i)], frozenset({0, 3})),
    Command("validate", lambda i, o, v: ["validate", str(i)], frozenset({0, 1})),
    Command("diff", lambda i, o, v: ["diff", str(i), str(v)], frozenset({0, 1, 2})),
    Command("import", lambda i, o, v: ["import", str(i), "--save", str(o / "imported.toml")],
            frozenset({0, 3, 4, 6})),
    Command("verify", lambda i, o, v: ["verify", str(i), "--extract", str(o / "extracted.mobileconfig")],
            frozenset({0, 3, 6})),
    Command("unsign", lambda i, o, v: ["unsign", str(i), "-o", str(o / "plain.mobileconfig")],
            frozenset({0, 3, 6})),
    Command("export", lambda i, o, v: ["export", "intune-plist", str(i), "-o", str(o / "intune")],
            frozenset({0, 3, 4})),
    Command("upload-jamf", lambda i, o, v: ["upload", "jamf", str(i), "--url", "https://127.0.0.1:9",
                                             "--dry-run"], frozenset({0, 2, 3, 4})),
    Command("upload-intune", lambda i, o, v: ["upload", "intune", str(i), "--tenant", "t", "--dry-run",
                                               "--preference-file", "--graph-url", "https://127.0.0.1:9",
                                               "--authority-url", "https://127.0.0.1:9"],
            frozenset({0, 2, 3, 4})),
)


def make_app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    for module in (inspect, signing, mdm):
        module.register(app)
    return app


@dataclass
class Problem:
    command: str
    kind: str  # "traceback" | "exit code" | "output" | "wrote outside"
    detail: str
    data: bytes

    def __str__(self) -> str:
        return f"{self.command}: {self.kind}: {self.detail} (input: {self.data[:120]!r}...)"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    crash: str | None = None  # the traceback of an exception that is no ProfilegenError


@dataclass
class Harness:
    """A workspace (in/, out/, cwd) and the seeds; ``check(data)`` runs every command on ``data``."""

    root: Path
    seeds: dict[str, bytes] = field(default_factory=dict)
    runs: int = 0
    app: typer.Typer = field(default_factory=make_app)

    def __post_init__(self) -> None:
        # out/../../ is still inside root: a name that climbs out of the output folder is seen
        self.inputs, self.out = self.root / "in", self.root / "deep" / "er" / "out"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.out.mkdir(parents=True, exist_ok=True)
        self.runner = CliRunner(env={name: None for name in os.environ if name.startswith("PROFILEGEN_")})
        if not self.seeds:
            self.seeds = make_seeds()
        self.valid = self.inputs / "valid.mobileconfig"
        self.valid.write_bytes(self.seeds["xml"])
        ABSOLUTE[0] = str(self.root / "absolute")

    def invoke(self, argv: Sequence[str]) -> Outcome:
        """One command as ``profilegen.cli.main`` runs it: a ProfilegenError is one line per message line."""
        self.runs += 1
        result = self.runner.invoke(self.app, list(argv), catch_exceptions=True)
        error = result.exception
        if error is None or isinstance(error, SystemExit):
            return Outcome(result.exit_code, result.stdout, result.stderr)
        if isinstance(error, ProfilegenError):
            lines = "".join(f"profilegen: error: {line}\n" for line in error.render().splitlines())
            return Outcome(error.exit_code, result.stdout, result.stderr + lines)
        assert result.exc_info is not None
        crash = "".join(traceback.format_exception(*result.exc_info))
        return Outcome(-1, result.stdout, result.stderr, crash)

    def empty_out(self) -> None:
        """A fresh output folder for the next run."""
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir()

    def check(self, data: bytes, commands: Sequence[Command] = COMMANDS) -> list[Problem]:
        """Every problem the commands show with ``data`` as the profile."""
        target = self.inputs / PROFILE
        target.write_bytes(data)
        problems: list[Problem] = []
        for command in commands:
            self.empty_out()
            before = _listing(self.root, self.out)
            outcome = self.invoke(command.argv(target, self.out, self.valid))
            problems += judge(command, outcome, data)
            after = _listing(self.root, self.out)
            if after != before:
                problems.append(Problem(command.name, "wrote outside", f"{sorted(after ^ before)}", data))
                for name in sorted(after - before, reverse=True):  # so that the next run starts clean
                    stray = self.root / name
                    shutil.rmtree(stray) if stray.is_dir() else stray.unlink()
        return problems


def judge(command: Command, outcome: Outcome, data: bytes) -> list[Problem]:
    """What is wrong with one run: a traceback, an undocumented code, a flood of error lines."""
    if outcome.crash is not None:
        return [Problem(command.name, "traceback", outcome.crash.strip().splitlines()[-1], data)]
    found = []
    text = outcome.stdout + outcome.stderr
    if "Traceback" in text:
        found.append(Problem(command.name, "traceback", "printed", data))
    if outcome.code not in command.codes:
        detail = f"exit {outcome.code}, not one of {sorted(command.codes)}: {outcome.stderr.strip()[:200]}"
        found.append(Problem(command.name, "exit code", detail, data))
    errors = [line for line in outcome.stderr.splitlines() if line.startswith("profilegen: error:")]
    if len(errors) > MAX_ERROR_LINES:
        found.append(Problem(command.name, "output", f"{len(errors)} error lines", data))
    if outcome.code not in (0, 1) and not errors:
        found.append(Problem(command.name, "output", f"exit {outcome.code} without an error line", data))
    return found


def _listing(root: Path, out: Path) -> set[str]:
    """Every path under ``root`` but inside ``out`` (which a command may fill)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if out not in p.parents and p != out}


# -- seeds ---------------------------------------------------------------------------------------------

def make_seeds() -> dict[str, bytes]:
    """A profile built from a shipped preset, in each form a reader meets: XML, binary, signed (DER)."""
    from profilegen.pipeline import PROFILE_SUFFIX, build

    result = build("office-telemetry-off")
    xml = next(a.data for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    binary = plistlib.dumps(plistlib.loads(xml), fmt=plistlib.FMT_BINARY)
    return {"xml": xml, "binary": binary, "signed": sign(xml)}


_IDENTITY: list[Any] = []


def identity() -> Any:
    """A throwaway EC signing identity (certificate from tests/signing_pki.py), made once per process."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from profilegen.signing.identity import SignerIdentity
    from tests.signing_pki import make_cert

    if not _IDENTITY:
        key = ec.generate_private_key(ec.SECP256R1())
        _IDENTITY.append(SignerIdentity(make_cert("Fuzz Signer", key, None), key))
    return _IDENTITY[0]


def identity_files(folder: Path) -> tuple[Path, Path]:
    """The identity as PEM files (certificate, key) in ``folder``, for `sign --cert --key`."""
    from tests.signing_pki import key_pem, pem

    cert, key = folder / "signer.pem", folder / "signer.key"
    cert.write_bytes(pem(identity().certificate))
    key.write_bytes(key_pem(identity().private_key))
    return cert, key


def sign(content: bytes) -> bytes:
    """``content`` signed (DER CMS, attached) by the throwaway identity."""
    from profilegen.signing.sign import sign as sign_profile

    return sign_profile(content, identity())


# -- mutations -----------------------------------------------------------------------------------------

TOKENS = (
    b"<!DOCTYPE plist [<!ENTITY a 'b'>]>", b"&a;", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"</dict>",
    b"<dict>" * 300, b"<array>" * 300, b"<key>PayloadContent</key><string>x</string>",
    b"<integer>99999999999999999999999999</integer>", b"<integer>-0x8000000000000001</integer>",
    b"<real>nan</real>", b"<real>1e999</real>", b"<date>0001-01-01T00:00:00Z</date>",
    b"<data>!!!</data>", b"<string>\x1b[2J\r\n</string>", b"<key>../../escaped</key>",
    b"bplist00", b"\x30\x80", b"\x30\x82\xff\xff", b"<?xml version='1.0' encoding='UTF-16'?>",
)


# SEQUENCE, SET, context tags [0]-[3] (constructed and primitive), INTEGER, OCTET STRING, OID, NULL.
DER_TAGS = bytes([0x30, 0x31, 0xA0, 0xA1, 0xA2, 0xA3, 0x80, 0x81, 0x82, 0x83, 0x02, 0x04, 0x06, 0x05])


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` with one to four random edits: flips, cuts, insertions, repeats, spliced tokens."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buffer:
            buffer += rng.choice(TOKENS)
            continue
        at = rng.randrange(len(buffer))
        edit = rng.randrange(8)
        if edit == 0:
            buffer[at] ^= 1 << rng.randrange(8)
        elif edit == 1:
            buffer[at] = rng.randrange(256)
        elif edit == 2:
            del buffer[at : at + rng.randint(1, 64)]
        elif edit == 3:
            buffer[at:at] = rng.choice(TOKENS)
        elif edit == 4:
            end = min(len(buffer), at + rng.randint(1, 200))
            buffer[at:at] = buffer[at:end] * rng.randint(1, 4)
        elif edit == 5:
            del buffer[at:]
        elif edit == 6:
            buffer[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:  # retag: one DER tag made another, so a structure parses as a different choice
            found = [i for i in range(at, min(len(buffer), at + 400)) if buffer[i] in DER_TAGS]
            if found:
                buffer[rng.choice(found)] = rng.choice(DER_TAGS)
    return bytes(buffer)


# -- generated plists ----------------------------------------------------------------------------------

# Where an absolute name read from a profile would land: inside the harness's workspace, so that a write
# there is caught (and nothing lands in /Library while the fuzzer runs).
ABSOLUTE = ["/nonexistent-profilegen-fuzz"]
HOSTILE_TEXT = (
    st.sampled_from(
        ["", "../../escaped", "../../../escaped", "a/b", ".", "..", "\x1b]0;title\x07", "\x1b[2J", "x\rFAKE",
         "k\ninfo: all good [ok]", "\u202eevil", "\u2066x\u2069", "\x7f", "\x85", "\x00", "\ud800", "\uffff",
         "Payload", "Forced", "Set-Once", "mcx_preference_settings", "com.apple.ManagedClient.preferences",
         "x" * 300, "com.example.app"]
    )
    | st.builds(lambda: ABSOLUTE[0] + "/escaped")
    | st.text(max_size=12)
)
SCALARS = (
    HOSTILE_TEXT
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.binary(max_size=16)
    | st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31))
    | st.builds(plistlib.UID, st.integers(0, 2**32))  # binary plists only: keyed-archive references
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=12,
)


def _often(draw: st.DrawFn, likely: Any, other: st.SearchStrategy[Any]) -> Any:
    """``likely`` four times in five, else a draw from ``other``: the shape mostly right, so that hostile
    names and values reach the code behind the shape checks."""
    return likely if draw(st.integers(0, 4)) else draw(other)


@st.composite
def hostile_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A plist shaped like a profile, with hostile keys, strings and shapes where a reader expects more."""
    prefs = draw(st.dictionaries(HOSTILE_TEXT, VALUES, max_size=3))
    mode = draw(st.sampled_from(["Forced", "Set-Once"]))
    levels = _often(draw, {mode: [{"mcx_preference_settings": prefs}]}, st.one_of(
        VALUES,
        st.dictionaries(st.sampled_from(["Forced", "Set-Once"]), VALUES, max_size=2),
        st.builds(lambda v: {"Forced": [v]}, VALUES),
        st.builds(lambda v: {"Forced": [{"mcx_preference_settings": v}]}, VALUES),
    ))
    domains = draw(st.lists(HOSTILE_TEXT, min_size=1, max_size=2))
    mcx = {"PayloadType": "com.apple.ManagedClient.preferences", "PayloadIdentifier": "com.example.fuzz.p",
           "PayloadUUID": "00000000-0000-0000-0000-000000000002",
           "PayloadContent": _often(draw, dict.fromkeys(domains, levels), VALUES)}
    custom = {"PayloadType": draw(HOSTILE_TEXT), **prefs}
    payloads = draw(st.lists(st.sampled_from([mcx, mcx, custom]), min_size=1, max_size=2))
    return {
        "PayloadType": _often(draw, "Configuration", HOSTILE_TEXT),
        "PayloadIdentifier": _often(draw, "com.example.fuzz", HOSTILE_TEXT),
        "PayloadUUID": _often(draw, "00000000-0000-0000-0000-000000000001", HOSTILE_TEXT),
        "PayloadDisplayName": draw(HOSTILE_TEXT),
        "PayloadContent": _often(draw, payloads, VALUES),
    }


def encodings(profile: dict[str, Any]) -> list[bytes]:
    """The forms plistlib can write ``profile`` in (XML refuses some strings; binary keeps them)."""
    forms = []
    for fmt in (plistlib.FMT_XML, plistlib.FMT_BINARY):
        try:
            forms.append(plistlib.dumps(profile, fmt=fmt, sort_keys=False))
        except (ValueError, OverflowError, TypeError):
            continue
    return forms
