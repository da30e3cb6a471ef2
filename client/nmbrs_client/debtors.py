"""DebtorService: the login's environment and its debtors."""

from __future__ import annotations

import builtins

from nmbrs_client.group import Group
from nmbrs_client.models import items
from nmbrs_client.models_payroll import Debtor, Environment


class Debtors(Group):
    service = "DebtorService"

    def environment(self) -> Environment:
        """Domain and sub-domain of the login (`Environment_Get`, sent with `AuthHeader`)."""
        return Environment.from_zeep(self._call("Environment_Get"))

    def list(self) -> builtins.list[Debtor]:
        return [Debtor.from_zeep(d) for d in items(self._call("List_GetAll"), "Debtor")]

    def get(self, debtor_id: int) -> Debtor:
        return Debtor.from_zeep(self._call("Debtor_Get", DebtorId=debtor_id))
