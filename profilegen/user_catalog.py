"""Where the user catalogue lives: --catalog DIR, else $PROFILEGEN_CATALOG, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path


def default_user_catalog() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("profilegen")) / "catalog"


def user_catalog_dirs(cli_value: Path | None) -> list[Path]:
    if cli_value is not None:
        return [cli_value]
    env = os.environ.get("PROFILEGEN_CATALOG")
    if env:
        return [Path(env)]
    default = default_user_catalog()
    return [default] if default.is_dir() else []
