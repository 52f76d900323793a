"""Where the shipped catalogue and presets live: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache  # asked once per preset in a build of thousands; where the package lives does not change
def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def schemas_dir() -> Path:
    return _data_dir("schemas")


def presets_dir() -> Path:
    return _data_dir("presets")
