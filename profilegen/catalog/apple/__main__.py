"""`python -m profilegen.catalog.apple CHECKOUT [OUT]`: regenerate schemas/payloads/ from Apple's device-management."""

from __future__ import annotations

import sys
from pathlib import Path

from profilegen.catalog.apple.write import write_schemas
from profilegen.errors import ProfilegenError


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or len(argv) > 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[3] / "schemas" / "payloads"
    try:
        report = write_schemas(Path(argv[0]), out)
    except ProfilegenError as error:
        print(f"profilegen: error: {error.render()}", file=sys.stderr)
        return error.exit_code
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
