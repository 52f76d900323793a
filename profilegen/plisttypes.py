"""The value types of a property list, and the resolved settings built from them."""

from __future__ import annotations

import datetime

PlistValue = (
    bool | int | float | str | bytes | datetime.datetime | list["PlistValue"] | dict[str, "PlistValue"]
)
Settings = dict[str, dict[str, PlistValue]]  # domain -> key -> value
