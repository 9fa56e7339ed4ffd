"""The country, nationality and place names the affiliation reader uses, precomputed (see build.py).

One gzip-compressed JSON object: {"countries": {name: country}, "nationalities": {demonym: country},
"places": {region or province: country}}, every key case-folded, every country its common name.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

FILE = Path(__file__).resolve().parent / "names.json.gz"


def decode(data: bytes) -> dict[str, dict[str, str]]:
    """The three tables of a names file's bytes."""
    return json.loads(gzip.decompress(data).decode("utf-8"))


def load(path: Path = FILE) -> dict[str, dict[str, str]]:
    """The three tables of the names file."""
    return decode(path.read_bytes())
