"""`validate` of 1,000 realistic profiles in one call against a process that only runs plistlib.loads on each.

Goal (issue 18): within 1.5x, with Apple's catalogue in use. The profiles are made by profilegen itself, a
mix of the kinds real deployments carry: preference payloads (`profilegen build` of every shipped preset,
under new identifiers), Apple payloads (one to four of the twenty kinds of bench_payloads), and a share of
both signed with profilegen's own signer, the way an organisation signs: a throwaway RSA-2048 identity
issued by a throwaway intermediate and root, the intermediate carried in each signature (as Apple's
developer certificates and Jamf's are). With PROFILEGEN_CORPUS pointing at the corpus (the folder holding
fixtures/), its real profiles (fixtures/profiles/**.mobileconfig, Microsoft's, one of them signed by a real
Apple developer certificate) take the first places, once each. Both sides are cold processes, interleaved;
medians; the output says the mix and the load. Run from the repository root:
python -m benchmarks.bench_validate_many [--count N] [--rounds R] [--before DIR] [--keep DIR]

``--keep DIR`` makes the profiles in DIR (kept afterwards, for profiling one call in-process) or, when DIR
already holds them from an earlier run with the same ``--count``, times those again.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import plistlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.bench_payloads import apple_payloads
from benchmarks.common import PYTHON, corpus, environment, interleaved_rss
from profilegen.preset import shipped_presets

GOAL = 1.5
LOADS = ("import plistlib, sys\nfrom pathlib import Path\n"
         "for name in sorted(Path(sys.argv[1]).iterdir()):\n"
         "    data = name.read_bytes()\n"
         "    if data[:1] == b'0':  # signed: the plist sits inside; plistlib cannot find it, so take it out\n"
         "        data = data[data.find(b'<?xml'):data.rfind(b'</plist>') + 8]\n"
         "    plistlib.loads(data)")


def identity() -> object:
    """A throwaway signing identity (profilegen's SignerIdentity): an RSA-2048 leaf issued by an intermediate
    issued by a root, the intermediate travelling in the signature."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    from profilegen.signing.identity import SignerIdentity

    now = datetime.datetime.now(datetime.UTC)

    def issue(subject: str, key: rsa.RSAPrivateKey, issuer: x509.Name | None, signer: rsa.RSAPrivateKey | None,
              ca: bool) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "profilegen bench")])
        builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        return builder.sign(signer or key, hashes.SHA256())

    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3)]
    root = issue("bench root", keys[0], None, None, True)
    intermediate = issue("bench intermediate", keys[1], root.subject, keys[0], True)
    leaf = issue("bench signer", keys[2], intermediate.subject, keys[1], False)
    return SignerIdentity(leaf, keys[2], chain=(intermediate,))


def real_profiles() -> list[Path]:
    """The corpus's real profiles, when PROFILEGEN_CORPUS names it (benchmarks.common.corpus says where)."""
    folder = corpus("real profiles in the mix") if os.environ.get("PROFILEGEN_CORPUS") else None
    return sorted((folder / "fixtures" / "profiles").rglob("*.mobileconfig")) if folder else []


def make(work: Path, count: int, real: list[Path]) -> tuple[Path, dict[str, int]]:
    """``count`` profiles in ``work/profiles``: ``real`` ones first, then of every twenty made, eleven of
    preference payloads, nine of Apple payloads, three of those twenty signed. Returns the folder and the mix."""
    from profilegen.signing.sign import sign

    presets = work / "presets"
    presets.mkdir()
    for index, (name, path) in enumerate(sorted(shipped_presets().items())):
        text = path.read_text(encoding="utf-8")
        (presets / f"{index:02d}-{name}.toml").write_text(text.replace('identifier = "', 'identifier = "bench.', 1))
    built = work / "built"
    subprocess.run([PYTHON, "-m", "profilegen", "build", "--out", str(built), *map(str, sorted(presets.iterdir()))],
                   cwd=work, env=environment(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    preference = [plistlib.loads(p.read_bytes()) for p in sorted(built.glob("*.mobileconfig"))]
    apple = apple_payloads()
    signer = identity()
    out = work / "profiles"
    out.mkdir()
    mix = {"real (corpus)": 0, "preference": 0, "Apple": 0, "signed": 0}
    for index in range(count):
        target = out / f"p{index:04d}.mobileconfig"
        if index < len(real):
            data = real[index].read_bytes()
            target.write_bytes(data)
            mix["real (corpus)"] += 1
            mix["signed"] += data[:1] == b"0"
            continue
        if index % 20 < 11:
            value = dict(preference[index % len(preference)], PayloadUUID=f"00000000-0000-4000-8000-{index:012d}",
                         PayloadIdentifier=f"bench.profile.{index}")
            mix["preference"] += 1
        else:
            start = index % len(apple)
            chosen = [apple[(start + k) % len(apple)] for k in range(1 + index % 4)]  # one to four payloads
            value = {"PayloadType": "Configuration", "PayloadIdentifier": f"bench.apple.{index}",
                     "PayloadUUID": f"00000000-0000-4000-9000-{index:012d}", "PayloadVersion": 1,
                     "PayloadDisplayName": f"Apple {index}", "PayloadContent": chosen}
            mix["Apple"] += 1
        data = plistlib.dumps(value)
        if index % 20 >= 17:
            data = sign(data, signer)  # type: ignore[arg-type]
            mix["signed"] += 1
        target.write_bytes(data)
    return out, mix


def kept(work: Path, count: int) -> tuple[Path, dict[str, int]]:
    """The profiles of an earlier ``--keep`` run in ``work`` (its mix read back from mix.json), or new ones
    made there when it holds none of ``count``."""
    record = work / "mix.json"
    if record.is_file():
        saved = json.loads(record.read_text(encoding="utf-8"))
        if saved["count"] == count:
            return work / "profiles", dict(saved["mix"])
        shutil.rmtree(work)  # an earlier run's, of another count
    elif work.exists() and any(work.iterdir()):
        raise SystemExit(f"--keep {work}: a folder that holds other files; name a new or empty one")
    work.mkdir(parents=True, exist_ok=True)
    folder, mix = make(work, count, real_profiles())
    record.write_text(json.dumps({"count": count, "mix": mix}), encoding="utf-8")
    return folder, mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an earlier source tree, timed alongside (git archive)")
    parser.add_argument("--keep", type=Path, help="make the profiles here and keep them, or reuse them")
    options = parser.parse_args()
    work = options.keep.resolve() if options.keep else Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    load_before = os.getloadavg()
    try:
        folder, mix = kept(work, options.count) if options.keep else make(work, options.count, real_profiles())
        files = [str(p) for p in sorted(folder.iterdir())]
        commands = {"plistlib.loads": [PYTHON, "-c", LOADS, str(folder)],
                    "validate": [PYTHON, "-m", "profilegen", "validate", *files],
                    "one process": [PYTHON, "-m", "profilegen", "validate", "--jobs", "1", *files]}
        if options.before:
            commands["before"] = ["env", f"PYTHONPATH={options.before}", PYTHON, "-m", "profilegen", "validate", *files]
        results = interleaved_rss(commands, work, options.rounds)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    (loads, loads_peak, loads_cpu), (validate, peak, cpu) = results["plistlib.loads"], results["validate"]
    ratio = validate / loads
    load_after = os.getloadavg()
    print(f"{options.count} profiles, median wall time of {options.rounds} interleaved cold runs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)")
    print("  mix: " + ", ".join(f"{n} {kind}" for kind, n in mix.items() if n)
          + " (each signed one is also counted in its kind; made ones: RSA-2048, an intermediate carried)")
    if not mix["real (corpus)"]:
        print("  no real profile in the mix: set PROFILEGEN_CORPUS to the corpus (the folder holding fixtures/)")
    print(f"  plistlib.loads of each   {loads * 1000:7.0f} ms  {loads_peak:4.0f} MiB")
    print(f"  validate, one call       {validate * 1000:7.0f} ms  {peak:4.0f} MiB  {ratio:.2f}x "
          f"(goal {GOAL}x): {'ok' if ratio <= GOAL else 'OVER'}; CPU {cpu / loads_cpu:.2f}x "
          f"(all its processes; peak memory is the largest one's)")
    alone, alone_peak, alone_cpu = results["one process"]
    print(f"  the same, --jobs 1       {alone * 1000:7.0f} ms  {alone_peak:4.0f} MiB  {alone / loads:.2f}x; "
          f"CPU {alone_cpu / loads_cpu:.2f}x (what one CPU does; the default uses {os.cpu_count()} here)")
    if "before" in results:
        before, before_peak, before_cpu = results["before"]
        print(f"  before (--before tree)   {before * 1000:7.0f} ms  {before_peak:4.0f} MiB  {before / loads:.2f}x; "
              f"CPU {before_cpu / loads_cpu:.2f}x")


if __name__ == "__main__":
    main()
