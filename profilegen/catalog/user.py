"""Where the user catalogue lives: --catalog DIR, else $PROFILEGEN_CATALOG, else the user data folder.

A catalogue folder holds ``domains/<domain>.json`` (the layout of schemas/); ``catalog import-manifests``
writes there. platformdirs is imported only when the default is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from profilegen.catalog import Catalog

ENV_VAR = "PROFILEGEN_CATALOG"


def default_user_catalog() -> Path:
    """platformdirs' user data folder; on macOS and Linux worked out directly (importing platformdirs costs
    a validate that meets an Apple payload a fifth of its run; a test holds the two answers equal)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "profilegen" / "catalog"
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "profilegen" / "catalog"
    import platformdirs

    return Path(platformdirs.user_data_dir("profilegen")) / "catalog"


def user_catalog_dir(cli_value: Path | None = None) -> Path:
    """The user catalogue folder, whether or not it exists yet: where an import writes."""
    if cli_value is not None:
        return cli_value.expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return default_user_catalog()


def user_catalog_dirs(cli_value: Path | None) -> list[Path]:
    """The user catalogue folders to read, for ``load_catalog(extra_dirs=...)``.

    A folder named on the command line or in the environment is returned as given; the default one only
    once it exists (after a first import).
    """
    if cli_value is not None or os.environ.get(ENV_VAR, "").strip():
        return [user_catalog_dir(cli_value)]
    default = default_user_catalog()
    return [default] if default.is_dir() else []


def open_catalog(cli_value: Path | None) -> Catalog:
    """The shipped catalogue, with the user catalogue consulted only for domains it does not ship."""
    from profilegen.catalog import load_catalog

    return load_catalog(lambda: user_catalog_dirs(cli_value))
