"""Where the user's own catalogue lives (imported domains): ``<dir>/domains/<domain>.json``.

Chosen by ``--catalog DIR`` (or ``--into`` for an import), else ``$PROFILEGEN_CATALOG``, else the
platform's user data folder (``platformdirs.user_data_dir("profilegen") / "catalog"``, imported lazily).
"""

from __future__ import annotations

import os
from pathlib import Path

from profilegen.errors import InputError

ENV_VAR = "PROFILEGEN_CATALOG"
DOMAINS = "domains"


def default_catalog_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("profilegen", appauthor=False)) / "catalog"


def user_catalog_dir(cli_value: Path | None = None) -> Path:
    """The user catalogue folder, whether or not it exists yet (where an import writes)."""
    if cli_value is not None:
        return cli_value.expanduser()
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    return default_catalog_dir()


def user_catalog_dirs(cli_value: Path | None = None) -> list[Path]:
    """The catalogue folders to read besides the shipped schemas, for ``load_catalog(extra_dirs=...)``.

    Each returned folder holds ``domains/<domain>.json`` (the layout of schemas/). A folder given with
    ``--catalog`` must exist; one from the environment or the default is simply absent until an import.
    """
    folder = user_catalog_dir(cli_value)
    if (folder / DOMAINS).is_dir():
        return [folder]
    if cli_value is not None:
        raise InputError(
            f"catalogue folder {folder} has no domains/ folder",
            hint="import into it first: profilegen catalog import-manifests DIR --into " + str(folder),
        )
    return []
