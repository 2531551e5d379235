"""Rewrite the message catalogs in a stable form (sorted, no source locations, fixed dates),
so that catalogs changed on two branches merge without conflicts in unrelated lines."""

import sys
from datetime import datetime
from pathlib import Path

from babel.messages.pofile import read_po, write_po

FIXED = datetime(2026, 1, 1)


def normalize(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    catalog.creation_date = FIXED
    catalog.revision_date = FIXED
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True)


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "ppkl/translations")
    for po in [root / "messages.pot", *sorted(root.glob("*/LC_MESSAGES/messages.po"))]:
        normalize(po)
