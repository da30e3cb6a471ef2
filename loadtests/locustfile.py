"""Locust load tests of the mock: the seed workloads, each one user class.

    nmbrs-mock serve --port 8080 &
    locust -f loadtests/locustfile.py --headless -u 10 -r 5 -t 60s --host http://127.0.0.1:8080 \
        --csv out/run --html out/run.html [CLASS ...]

Classes (all run, by weight, when none is named):

    MonthEndHourExport    seed 000: month-end hour export for N employees in batches
    TimecardExport        seed 001: workforce sync, timecard and wage-component export
    FlexPayrollSync       seed 002: flexible payroll clear-and-insert over every company
    PayrollDocumentSync   seed 004: the hourly payroll-document sync
    ReadHeavyIntegrator   a mixed read-heavy integrator
    SmallCallCapacity     capacity: prepared envelopes in a closed loop (FastHttpUser)

Before the run the environments are made fresh through the mock's admin API (`--nmbrs-employees`,
`--nmbrs-environments`, `--nmbrs-scenario`, ...; `locust -f loadtests/locustfile.py --help` lists
them). Every SOAP call is a request named `Service.Operation`; an Nmbrs fault is a failure reading
`Nmbrs <code>: <text>`; throttle delays are rows of type THROTTLE.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # loadtests is not an installed package
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from loadtests.scenarios import environments, throttle_report  # noqa: E402,F401  (event listeners)
from loadtests.scenarios.capacity import SmallCallCapacity  # noqa: E402
from loadtests.scenarios.documents import PayrollDocumentSync  # noqa: E402
from loadtests.scenarios.flex_payroll import FlexPayrollSync  # noqa: E402
from loadtests.scenarios.integrator import ReadHeavyIntegrator  # noqa: E402
from loadtests.scenarios.month_end import MonthEndHourExport  # noqa: E402
from loadtests.scenarios.timecards import TimecardExport  # noqa: E402

__all__ = [
    "FlexPayrollSync",
    "MonthEndHourExport",
    "PayrollDocumentSync",
    "ReadHeavyIntegrator",
    "SmallCallCapacity",
    "TimecardExport",
]
