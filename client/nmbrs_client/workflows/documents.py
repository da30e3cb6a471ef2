"""Pull payroll documents (seed 004, Mijn Kantoor) into a folder, with a sha256 manifest.

For each company and the runs of a year (or one run): all payslips in one PDF
(`SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2`) and the SEPA file (`SalaryDocuments_GetSEPA`,
payment date = the run date unless given); the year's wage-tax declarations with the wanted statuses
(`locked` by default, `WageTax_GetList` + `WageTax_GetXML`); and, for the last locked run, the annual
documents (every `SalaryDocuments_AnnualDocument_*`). Layout:

    <folder>/<company>/<year>/run-<run id>/payslips.pdf, sepa.xml
    <folder>/<company>/<year>/wage-tax/<declaration id>-period-<n>.xml
    <folder>/<company>/<year>/annual/<document>.pdf
    <folder>/manifest.json   {"files": [{"path", "sha256", "bytes", "kind", "company_id", ...}]}

A file that is already there is not downloaded again (its checksum is recomputed for the manifest).
Files are written to a temporary name and renamed, so an interrupted pull leaves no half files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from nmbrs_client import NmbrsClient
from nmbrs_client.models_payroll import Document
from nmbrs_client.workflows.common import company_ids
from nmbrs_client.workflows.progress import Progress, quiet

ANNUAL_DOCUMENTS = (
    "AnualStatement",  # sic
    "WageTaxDeclarationOverviewCumulative",
    "WageTaxDeclarationOverviewByPeriod",
    "SentWageTaxDeclarations",
    "PaymentListCumulative",
    "PayrollRegisterSummaryCumulative",
    "JournalEntriesEmployeeCumulative",
    "JournalEntriesDepartmentCumulative",
    "JournalEntriesCostCenterCumulative",
    "JournalEntriesCompanyrCumulative",  # sic
    "CompanyWageComponentsCumulative",
    "PayrollRegister",
    "PayrollRegisterAllEmployees",
    "ReservationSaldos",
    "LeaveSaldos",
)
ANNUAL_PREFIX = "SalaryDocuments_AnnualDocument_"
KINDS = ("payslips", "sepa", "wage-tax", "annual")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # relative to the folder, with /
    sha256: str
    bytes: int
    kind: str
    company_id: int
    year: int
    run_id: int | None = None
    declaration_id: int | None = None
    status: str | None = None


@dataclass
class PullResult:
    folder: Path
    downloaded: list[ManifestEntry] = field(default_factory=list)
    skipped: list[ManifestEntry] = field(default_factory=list)

    def summary(self) -> str:
        size = sum(e.bytes for e in self.downloaded)
        return (
            f"{len(self.downloaded)} documents downloaded ({size} bytes), {len(self.skipped)} already there; "
            f"manifest {self.folder / MANIFEST}"
        )


@dataclass(frozen=True)
class PullRequest:
    year: int
    companies: tuple[int, ...] = ()
    run_id: int | None = None
    statuses: tuple[str, ...] = ("locked",)  # wage-tax statuses; () = every status
    kinds: tuple[str, ...] = KINDS
    payment_date: date | None = None


class _Puller:
    def __init__(self, client: NmbrsClient, folder: Path, result: PullResult) -> None:
        self.client, self.folder, self.result = client, folder, result

    def fetch(self, relative: str, download: Callable[[], bytes], **meta: Any) -> None:
        """Writes `download()` to `relative` unless that file is already there."""
        target = self.folder / relative
        if target.exists():
            self.result.skipped.append(_entry(relative, target.read_bytes(), **meta))
            return
        data = download()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial_file = target.with_name(target.name + ".part")
        partial_file.write_bytes(data)
        os.replace(partial_file, target)
        self.result.downloaded.append(_entry(relative, data, **meta))


def _entry(relative: str, data: bytes, **meta: Any) -> ManifestEntry:
    return ManifestEntry(relative, hashlib.sha256(data).hexdigest(), len(data), **meta)


def _payslips(client: NmbrsClient, company_id: int, run_id: int, year: int) -> bytes:
    return client.documents.payslips(company_id, run_id, year).content


def _sepa(client: NmbrsClient, company_id: int, run_id: int, year: int, paid: date) -> bytes:
    return client.documents.sepa(company_id, run_id, year, paid).encode("utf-8")


def _declaration(client: NmbrsClient, company_id: int, declaration_id: int) -> bytes:
    return client.wage_tax.xml(company_id, declaration_id).encode("utf-8")


def _annual(client: NmbrsClient, operation: str, company_id: int, run_id: int, year: int) -> bytes:
    result = client.company.call(operation, CompanyId=company_id, RunId=run_id, Year=year)
    return Document.from_zeep(result).content


def pull_documents(
    client: NmbrsClient, folder: str | Path, request: PullRequest, progress: Progress = quiet
) -> PullResult:
    root = Path(folder)
    result = PullResult(root)
    puller = _Puller(client, root, result)
    ids = company_ids(client, request.companies)
    bar = progress("Pulling documents", len(ids))
    for company_id in ids:
        _pull_company(puller, company_id, request)
        bar.advance()
    bar.close()
    write_manifest(root, result)
    return result


def _pull_company(puller: _Puller, company_id: int, request: PullRequest) -> None:
    client, year = puller.client, request.year
    runs = client.runs.list(company_id, year)
    if request.run_id is not None:
        runs = [run for run in runs if run.id == request.run_id]
    base = f"{company_id}/{year}"
    meta = {"company_id": company_id, "year": year}
    for run in runs:
        folder, run_meta = f"{base}/run-{run.id}", {**meta, "run_id": run.id}
        if "payslips" in request.kinds:
            download = partial(_payslips, client, company_id, run.id, year)
            puller.fetch(f"{folder}/payslips.pdf", download, kind="payslips", **run_meta)
        if "sepa" in request.kinds:
            paid = request.payment_date or (run.run_at.date() if run.run_at else date(year, 12, 31))
            download = partial(_sepa, client, company_id, run.id, year, paid)
            puller.fetch(f"{folder}/sepa.xml", download, kind="sepa", **run_meta)
    if "wage-tax" in request.kinds:
        _pull_wage_tax(puller, company_id, request, base)
    locked = [r for r in runs if r.locked]
    if "annual" in request.kinds and locked:
        last = max(locked, key=lambda r: (r.period_end, r.id))
        for name in ANNUAL_DOCUMENTS:
            download = partial(_annual, client, ANNUAL_PREFIX + name, company_id, last.id, year)
            puller.fetch(f"{base}/annual/{name}.pdf", download, kind="annual", run_id=last.id, **meta)


def _pull_wage_tax(puller: _Puller, company_id: int, request: PullRequest, base: str) -> None:
    wanted = {s.lower() for s in request.statuses}
    for declaration in puller.client.wage_tax.list(company_id, request.year):
        status = declaration.status.lower()
        if wanted and status not in wanted:
            continue
        puller.fetch(
            f"{base}/wage-tax/{declaration.id}-period-{declaration.period}.xml",
            partial(_declaration, puller.client, company_id, declaration.id),
            kind="wage-tax",
            company_id=company_id,
            year=request.year,
            declaration_id=declaration.id,
            status=status,
        )


def write_manifest(root: Path, result: PullResult) -> Path:
    """manifest.json: this pull's files plus earlier entries whose files are still there."""
    path = root / MANIFEST
    entries = {e.path: asdict(e) for e in result.downloaded + result.skipped}
    for old in read_manifest(root):
        if old.get("path") not in entries and (root / str(old.get("path"))).is_file():
            entries[str(old["path"])] = old
    root.mkdir(parents=True, exist_ok=True)
    document = {"files": [entries[p] for p in sorted(entries)]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def read_manifest(root: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = document.get("files") if isinstance(document, dict) else None
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []
