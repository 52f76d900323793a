"""`build --sign` and `build --endpoints`: extra outputs beside the profile, checked with real tools."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.signing_pki import Pki, shared_pki

LOCKDOWN = "office-volume-license-lockdown"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return shared_pki(tmp_path_factory)


def test_build_sign_writes_a_signed_copy_openssl_verifies(pki: Pki, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    done = run_cli("build", LOCKDOWN, "office-privacy-zero", "--split", "--sign", "--cert", str(pki.leaf),
                   "--key", str(pki.leaf_key), "--chain", str(pki.inter), "--out", str(out))
    assert done.returncode == 0, done.stderr
    unsigned = sorted(out.glob("*.mobileconfig"))
    signed = [p for p in unsigned if p.name.endswith(".signed.mobileconfig")]
    plain = [p for p in unsigned if not p.name.endswith(".signed.mobileconfig")]
    assert len(signed) == len(plain) > 2
    for path in plain:
        twin = path.with_name(path.name.removesuffix(".mobileconfig") + ".signed.mobileconfig")
        extracted = tmp_path / "extracted"
        check = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", str(twin),
                                "-CAfile", str(pki.ca), "-out", str(extracted)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        assert extracted.read_bytes() == path.read_bytes()
        assert f"wrote {twin}" in done.stdout


def test_build_sign_with_a_wrong_key_writes_nothing(pki: Pki, tmp_path: Path) -> None:
    done = run_cli("build", LOCKDOWN, "--sign", "--cert", str(pki.leaf), "--key", str(pki.other_key),
                   "--out", str(tmp_path / "dist"))
    assert done.returncode == 6
    assert "does not match" in done.stderr
    assert not (tmp_path / "dist").exists()


def test_identity_options_need_sign(pki: Pki, tmp_path: Path) -> None:
    done = run_cli("build", LOCKDOWN, "--cert", str(pki.leaf), "--out", str(tmp_path / "dist"))
    assert done.returncode == 2 and "go with --sign" in done.stderr
    assert not (tmp_path / "dist").exists()


def test_build_endpoints_writes_the_report(tmp_path: Path) -> None:
    done = run_cli("build", LOCKDOWN, "--endpoints", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / f"{LOCKDOWN}.endpoints.csv").read_text())))
    report = run_cli("endpoints", LOCKDOWN, "--format", "csv")
    assert report.returncode == 0
    assert rows == list(csv.DictReader(io.StringIO(report.stdout)))
    statuses = {(r["host"], r["apps"], r["status"]) for r in rows}
    assert any(host == "nexus.officeapps.live.com" and status == "contacted" for host, _, status in statuses)
    assert any(status == "silenced" for _, _, status in statuses)
