"""Family conventions: how every operation without a hand-written handler behaves.

Reads (`conventions_read`) return the stored records of the family that hold in the period asked for;
writes (`conventions_write`) change them, so what one call writes, the others read. Owners and
periods are checked in `scope`.
"""

from __future__ import annotations

from typing import Any

from mock_server.services.call import Call
from mock_server.services.conventions_read import read
from mock_server.services.conventions_write import write
from mock_server.services.shape import shape_of


def handle(call: Call) -> Any:
    shape = shape_of(call.service, call.name)
    return read(call, shape) if shape.is_read else write(call, shape)
