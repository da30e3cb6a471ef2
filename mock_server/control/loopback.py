"""Who counts as a local caller of the admin API."""

from __future__ import annotations

import ipaddress


def is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def is_loopback_host(host: str) -> bool:
    """Whether a --host to listen on reaches loopback callers only."""
    return host.strip("[]").lower() == "localhost" or is_loopback(host.strip("[]"))
