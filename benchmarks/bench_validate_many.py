"""`validate` of 1,000 realistic profiles in one call against a process that only runs plistlib.loads on each.

Goal (issue 18): within 1.5x, with Apple's catalogue in use. The profiles are made by profilegen itself, a
mix of the kinds real deployments carry: preference payloads (`profilegen build` of every shipped preset,
under new identifiers), Apple payloads (the twenty kinds of bench_payloads), and a share of both signed
with profilegen's own signer (a throwaway certificate made here). Both sides are cold processes,
interleaved; medians. Run from the repository root: python -m benchmarks.bench_validate_many [--count N]
"""

from __future__ import annotations

import argparse
import datetime
import plistlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.bench_payloads import apple_payloads
from benchmarks.common import PYTHON, environment, interleaved_rss
from profilegen.preset import shipped_presets

GOAL = 1.5
LOADS = ("import plistlib, sys\nfrom pathlib import Path\n"
         "for name in sorted(Path(sys.argv[1]).iterdir()):\n"
         "    data = name.read_bytes()\n"
         "    if data[:1] == b'0':  # signed: the plist sits inside; plistlib cannot find it, so take it out\n"
         "        data = data[data.find(b'<?xml'):data.rfind(b'</plist>') + 8]\n"
         "    plistlib.loads(data)")


def identity() -> object:
    """A throwaway self-signed signing identity (profilegen's SignerIdentity)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from profilegen.signing.identity import SignerIdentity

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "profilegen bench")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return SignerIdentity(certificate, key)


def make(work: Path, count: int) -> Path:
    """``count`` profiles in ``work/profiles``: 55% preference, 30% Apple payloads, 15% signed (of both)."""
    from profilegen.signing.sign import sign

    presets = work / "presets"
    presets.mkdir()
    for index, (name, path) in enumerate(sorted(shipped_presets().items())):
        text = path.read_text(encoding="utf-8")
        (presets / f"{index:02d}-{name}.toml").write_text(text.replace('identifier = "', 'identifier = "bench.', 1))
    built = work / "built"
    subprocess.run([PYTHON, "-m", "profilegen", "build", "--out", str(built), *map(str, sorted(presets.iterdir()))],
                   cwd=work, env=environment(), check=True, stdout=subprocess.DEVNULL)
    preference = [plistlib.loads(p.read_bytes()) for p in sorted(built.glob("*.mobileconfig"))]
    apple = apple_payloads()
    signer = identity()
    out = work / "profiles"
    out.mkdir()
    for index in range(count):
        if index % 20 < 11:
            value = dict(preference[index % len(preference)], PayloadUUID=f"00000000-0000-4000-8000-{index:012d}",
                         PayloadIdentifier=f"bench.profile.{index}")
        else:
            start = index % len(apple)
            chosen = [apple[(start + k) % len(apple)] for k in range(1 + index % 4)]  # one to four payloads
            value = {"PayloadType": "Configuration", "PayloadIdentifier": f"bench.apple.{index}",
                     "PayloadUUID": f"00000000-0000-4000-9000-{index:012d}", "PayloadVersion": 1,
                     "PayloadDisplayName": f"Apple {index}", "PayloadContent": chosen}
        data = plistlib.dumps(value)
        if index % 20 >= 17:
            data = sign(data, signer)  # type: ignore[arg-type]
        (out / f"p{index:04d}.mobileconfig").write_bytes(data)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an earlier source tree, timed alongside (git archive)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        folder = make(work, options.count)
        files = [str(p) for p in sorted(folder.iterdir())]
        commands = {"plistlib.loads": [PYTHON, "-c", LOADS, str(folder)],
                    "validate": [PYTHON, "-m", "profilegen", "validate", *files]}
        if options.before:
            commands["before"] = ["env", f"PYTHONPATH={options.before}", PYTHON, "-m", "profilegen", "validate", *files]
        results = interleaved_rss(commands, work, options.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (loads, loads_peak, loads_cpu), (validate, peak, cpu) = results["plistlib.loads"], results["validate"]
    ratio = validate / loads
    print(f"{options.count} profiles, median wall time of {options.rounds} interleaved cold runs")
    print(f"  plistlib.loads of each   {loads * 1000:7.0f} ms  {loads_peak:4.0f} MiB")
    print(f"  validate, one call       {validate * 1000:7.0f} ms  {peak:4.0f} MiB  {ratio:.2f}x "
          f"(goal {GOAL}x): {'ok' if ratio <= GOAL else 'OVER'}; CPU {cpu / loads_cpu:.2f}x")
    if "before" in results:
        before, before_peak, before_cpu = results["before"]
        print(f"  before (--before tree)   {before * 1000:7.0f} ms  {before_peak:4.0f} MiB  {before / loads:.2f}x; "
              f"CPU {before_cpu / loads_cpu:.2f}x")


if __name__ == "__main__":
    main()
