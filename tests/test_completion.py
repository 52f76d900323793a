"""Shell completion, through the real scripts: bash runs the function `profilegen completion bash` defines,
with the words bash itself would split (at ':' and '=' too), and gets profilegen's answers back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import REPO, run_cli

BASH = shutil.which("bash")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """`profilegen` on PATH as a user has it: a command that runs this checkout."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "profilegen"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m profilegen "$@"\n')
    script.chmod(0o755)
    return folder


def complete(bin_dir: Path, line: str, *bash_words: str) -> list[str]:
    """COMPREPLY for ``line`` typed so far, with ``bash_words`` as bash splits it into COMP_WORDS."""
    words = " ".join(f"'{w}'" for w in bash_words)
    program = (f'source <(profilegen completion bash) && COMP_LINE="{line}" && COMP_POINT=${{#COMP_LINE}} && '
               f'COMP_WORDS=({words}) && COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )) && '
               '_profilegen_completion profilegen && printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run([str(BASH), "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(bin_dir)}, cwd=bin_dir, timeout=60,
                          check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]


pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def test_commands_and_preset_names(bin_dir: Path) -> None:
    assert complete(bin_dir, "profilegen bu", "profilegen", "bu") == ["build"]
    assert complete(bin_dir, "profilegen co", "profilegen", "co") == ["completion"]
    presets = complete(bin_dir, "profilegen build office-p", "profilegen", "build", "office-p")
    assert presets == ["office-privacy-zero"]
    (bin_dir / "mine.toml").write_text("")
    assert "mine.toml" in complete(bin_dir, "profilegen build ", "profilegen", "build", "")
    assert complete(bin_dir, "profilegen presets show office-m", "profilegen", "presets", "show",
                    "office-m") == ["office-manual-updates"]
    assert "--identifier" in complete(bin_dir, "profilegen build --id", "profilegen", "build", "--id")


def test_set_completes_domain_then_key_then_value_across_bash_word_breaks(bin_dir: Path) -> None:
    domains = complete(bin_dir, "profilegen build --set com.microsoft.autoup", "profilegen", "build", "--set",
                       "com.microsoft.autoup")
    assert domains == ["com.microsoft.autoupdate.fba:", "com.microsoft.autoupdate2:"]
    keys = complete(bin_dir, "profilegen build --set com.microsoft.autoupdate2:Chan", "profilegen", "build",
                    "--set", "com.microsoft.autoupdate2", ":", "Chan")
    assert keys == ["ChannelName="]  # replaces "Chan", bash's own current word
    values = complete(bin_dir, "profilegen build --set com.microsoft.autoupdate2:ChannelName=Pr", "profilegen",
                      "build", "--set", "com.microsoft.autoupdate2", ":", "ChannelName", "=", "Pr")
    assert values == ["Preview", "Production"]
    booleans = complete(bin_dir, "profilegen build --set com.microsoft.errorreporting:IsMerpEnabled=",
                        "profilegen", "build", "--set", "com.microsoft.errorreporting", ":", "IsMerpEnabled", "=")
    assert booleans == ["=true", "=false"]  # bash's current word is the "=" itself


def test_catalog_domains_keys_and_payload_types(bin_dir: Path) -> None:
    first = complete(bin_dir, "profilegen catalog com.microsoft.Wo", "profilegen", "catalog", "com.microsoft.Wo")
    assert first == ["com.microsoft.Word"]
    assert "search" in complete(bin_dir, "profilegen catalog s", "profilegen", "catalog", "s")
    assert complete(bin_dir, "profilegen catalog com.microsoft.Word UseO", "profilegen", "catalog",
                    "com.microsoft.Word", "UseO") == ["UseOnlineContent"]
    assert "com.apple.TCC.configuration-profile-policy" in complete(
        bin_dir, "profilegen catalog show com.apple.TC", "profilegen", "catalog", "show", "com.apple.TC")
    assert "com.apple.wifi.managed" in complete(bin_dir, "profilegen catalog payloads com.apple.wif",
                                                "profilegen", "catalog", "payloads", "com.apple.wif")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_shell_gets_a_script_naming_the_completion_variable(shell: str) -> None:
    done = run_cli("completion", shell)
    assert done.returncode == 0, done.stderr
    assert "_PROFILEGEN_COMPLETE=complete_" + shell in done.stdout
    assert "profilegen" in done.stdout


def test_an_unknown_shell_is_refused() -> None:
    done = run_cli("completion", "tcsh")
    assert done.returncode == 2 and "no completion for 'tcsh'" in done.stderr and "bash, zsh or fish" in done.stderr

