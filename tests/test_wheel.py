"""The wheel carries the catalogue and presets: installed into a fresh virtual environment, it builds a
shipped preset by name, from a folder that has no source checkout in it."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.cli import REPO


def test_wheel_installs_into_a_fresh_venv_and_builds_a_shipped_preset(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels), str(REPO)],
                   check=True, capture_output=True, text=True)
    (wheel,) = wheels.glob("profilegen-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # This environment's pip installs the wheel into the new one (`pip --python`: no ensurepip, seconds
    # saved); its dependencies are lent from this test environment's site-packages (PYTHONPATH does not run
    # their .pth files, so no editable install leaks in).
    site = sysconfig.get_paths()["purelib"]
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                    "--no-index", str(wheel)], check=True, capture_output=True, text=True)
    env = {**os.environ, "PYTHONPATH": site}
    env.pop("PROFILEGEN_CATALOG", None)
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import profilegen; print(profilegen.__file__)"],
                           cwd=work, env=env, check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(env_dir)), where
    done = subprocess.run([str(env_dir / "bin" / "profilegen"), "build", "office-telemetry-off", "--out", "dist"],
                          cwd=work, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    profile = plistlib.loads((work / "dist" / "office-telemetry-off.mobileconfig").read_bytes())
    assert profile["PayloadIdentifier"] == "org.profilegen.office.telemetry-off"
    # Apple's payload schemas ship too: a PPPC payload is checked against them
    pppc = {"PayloadType": "Configuration", "PayloadIdentifier": "com.example.w", "PayloadVersion": 1,
            "PayloadUUID": "00000000-0000-4000-8000-000000000001",
            "PayloadContent": [{"PayloadType": "com.apple.TCC.configuration-profile-policy", "PayloadVersion": 1,
                                "PayloadIdentifier": "com.example.w.tcc",
                                "PayloadUUID": "00000000-0000-4000-8000-000000000002",
                                "Services": {"Camera": [{"Identifier": "a", "IdentifierType": "bundleID",
                                                         "CodeRequirement": "anchor apple", "Allowed": True}]}}]}
    (work / "pppc.mobileconfig").write_bytes(plistlib.dumps(pppc))
    checked = subprocess.run([str(env_dir / "bin" / "profilegen"), "validate", "pppc.mobileconfig"], cwd=work, env=env,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 1 and "(rule pppc-deny-only)" in checked.stdout, checked.stdout + checked.stderr
    listed = subprocess.run([str(env_dir / "bin" / "profilegen"), "presets"], cwd=work, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert "office-privacy-zero" in listed
