"""How to cite the tracker and under which licence its data is published: one text for the
methodology page, the CSV sidecar (/claims.csv.cite) and the CSV responses' Link header."""

from __future__ import annotations

import datetime as dt

from tracker import __version__

TITLE = "NK–Russia claims tracker"
DATA_LICENCE = "CC BY 4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENCE = "MIT"


def citation_text(*, url: str, accessed: dt.date) -> str:
    """The citation of what was read at `url` on `accessed`: title, version, address, access
    date and the data licence."""
    return (
        f"{TITLE}, version {__version__}. {url} (accessed {accessed.isoformat()}). "
        f"Data licensed under {DATA_LICENCE} ({DATA_LICENCE_URL})."
    )
