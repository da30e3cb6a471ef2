"""Environment snapshots as bytes: the environment's rows exactly as stored, gzip-compressed JSON.

A snapshot holds an environment's logins and templates and its current entities, records and id
counters; restoring it gives byte-identical answers to every read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mock_server import __version__
from mock_server.control.errors import Invalid
from mock_server.storage.sqlite_store import DATA_TABLES

FORMAT = "nmbrs-mock snapshot 1"


@dataclass(frozen=True)
class Snapshot:
    environment: str
    spec: dict[str, Any]  # EnvironmentSpec.to_dict()
    tables: dict[str, list[list[Any]]]

    def encode(self) -> bytes:
        document = {
            "format": FORMAT,
            "version": __version__,
            "environment": self.environment,
            "spec": self.spec,
            "tables": self.tables,
        }
        return gzip.compress(json.dumps(document, separators=(",", ":")).encode(), mtime=0)

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.tables, separators=(",", ":")).encode()).hexdigest()[:16]


def decode(data: bytes) -> Snapshot:
    """A snapshot from bytes; `Invalid` says what is wrong with them."""
    try:
        document = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError) as error:
        raise Invalid(f"not a nmbrs-mock snapshot (expected gzip-compressed JSON): {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid(f"not a nmbrs-mock snapshot: the format must be {FORMAT!r}")
    tables, spec = document.get("tables"), document.get("spec")
    if not isinstance(tables, dict) or set(tables) != set(DATA_TABLES) or not isinstance(spec, dict):
        raise Invalid(f"a damaged snapshot: it needs 'spec' and the tables {', '.join(DATA_TABLES)}")
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise Invalid(f"a damaged snapshot: table {name!r} must be a list of rows")
    return Snapshot(str(document.get("environment", "")), spec, tables)


def write_private(path: str, data: bytes) -> int:
    """Write `data` to `path` readable by its owner only (mode 0600); the number of bytes."""
    target = Path(path)
    if not target.parent.is_dir():
        raise Invalid(f"cannot write the snapshot: folder {str(target.parent)!r} does not exist")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(data)
    except OSError as error:
        raise Invalid(f"cannot write the snapshot to {path!r}: {error.strerror}") from None
    return len(data)


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise Invalid(f"cannot read the snapshot {path!r}: {error.strerror}") from None
