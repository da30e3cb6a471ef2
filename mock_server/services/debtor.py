"""DebtorService operations that act on entities rather than on period-based records."""

from __future__ import annotations

from typing import Any

from mock_server.domain.model import Debtor
from mock_server.services.call import Call, handles

SERVICE = "DebtorService"


def debtor_wire(debtor: Debtor) -> dict[str, Any]:
    return {"Id": debtor.id, "Number": debtor.number, "Name": debtor.name}


@handles(SERVICE, "List_GetAll")
def list_all(call: Call) -> list[dict[str, Any]]:
    """Lists the debtors the user may see."""
    return [debtor_wire(d) for d in call.tenant.debtors()]


@handles(SERVICE, "List_GetByNumber")
def list_by_number(call: Call) -> list[dict[str, Any]]:
    """Lists the debtors with this number (a string)."""
    number = (call.args.get("Number") or "").strip()
    return [debtor_wire(d) for d in call.tenant.debtors() if d.number == number]


@handles(SERVICE, "Debtor_Get")
def get(call: Call) -> dict[str, Any]:
    """Returns one debtor (2009 if unknown)."""
    return debtor_wire(call.tenant.debtor(call.args["DebtorId"]))


@handles(SERVICE, "Debtor_Insert")
def insert(call: Call) -> int:
    """Creates a debtor; returns the new id."""
    wire = call.args.get("Debtor") or {}
    debtor = Debtor(call.tenant.next_id("debtor", 1000), wire.get("Number") or "", wire.get("Name") or "")
    call.tenant.save(debtor)
    return debtor.id


@handles(SERVICE, "Debtor_Update")
def update(call: Call) -> None:
    """Changes a debtor's number and name."""
    wire = call.args.get("Debtor") or {}
    debtor = call.tenant.debtor(wire.get("Id") or 0)
    number, name = wire.get("Number"), wire.get("Name")
    debtor.number = str(number) if number is not None else debtor.number
    debtor.name = str(name) if name is not None else debtor.name
    call.tenant.save(debtor)


@handles(SERVICE, "Environment_Get")
def environment(call: Call) -> dict[str, Any]:
    """Returns the environment's Domain and SubDomain (takes `AuthHeader`, no Domain)."""
    name = call.tenant.name
    return {"Domain": f"{name}.nmbrs.nl", "SubDomain": name}


@handles(SERVICE, "Debtor_IsOwner")
def is_owner(call: Call) -> bool:
    """True for a login that sees every debtor (a master login)."""
    user = call.tenant.user
    return user is None or user.debtor_ids is None
