"""The help texts' epilogs: formats and examples, one per subcommand (shown verbatim)."""

from __future__ import annotations

from nmbrs_client.workflows.permissions import PROFILES

DEFAULT_URL = "http://127.0.0.1:8080/soap/v3/"

MAIN = f"""\
credentials come from the flags or from the environment:
  NMBRS_BASE_URL  NMBRS_USERNAME  NMBRS_TOKEN  NMBRS_DOMAIN
--url defaults to the local mock ({DEFAULT_URL}) so that nothing reaches a
real payroll by accident; pass --url production or --url sandbox for Nmbrs.

exit status: 0 done; 1 done, but something needs attention (rights missing,
employees skipped); 2 error (the message says what, and what was sent).

examples:
  nmbrs --url sandbox -u me@example.nl -t $TOKEN check-permissions
  nmbrs import-employees --company 10000 --format csv --output team.csv
  nmbrs export-hours hours.csv --period 2026-11 --dry-run
  nmbrs pull-documents ./documents --year 2026
"""

IMPORT_EMPLOYEES = """\
output: JSON {"employees": [...], "skipped": [...]} or CSV with the columns
  company_id,employee_id,number,first_name,last_name,email,active,contract_start

examples:
  nmbrs import-employees
  nmbrs import-employees --company 10000 --format csv --output team.csv
"""

EXPORT_HOURS = """\
CSV (header row; ',' or ';' separated): employee_id,hour_code,hours[,comment][,days]
  employee_id,hour_code,hours,comment,days
  100000,1,8.00,monday,1
  100000,3,4.5,sick,
`days` (days worked) are added up per employee; without a days column no days are
sent. Employees that are not in the CSV are not touched.

examples:
  nmbrs export-hours hours.csv --period 2026-11 --dry-run
  nmbrs export-hours hours.csv --company 10000   (its current period; hour codes checked)
  nmbrs export-hours hours.csv --period 2026-10 --unprotected
"""

EXPORT_TIMECARDS = """\
CSV: employee_id,date,hours[,hour_code][,meals][,payment][,comment]
  employee_id,date,hours,hour_code,meals,payment,comment
  100000,2026-11-03,7.5,,1,,
  100000,2026-11-04,6,10,,25.00,late shift
Periods count from --first-period-start, the first day of wage period 1 of the year.
Every run adds components: export each card once.

examples:
  nmbrs export-timecards cards.csv --period-type monthly --first-period-start 2026-01-01 \\
      --meal-code 120 --payment-code 130
  nmbrs export-timecards cards.csv --period-type four-weekly \\
      --first-period-start 2025-12-29 --dry-run
"""

SYNC_FLEX = """\
CSV: company_id,employee_id,hour_code,hours[,days]
  company_id,employee_id,hour_code,hours,days
  10000,100000,10,12.5,2
Employees with fixed hours or a salary not paid by the hour are skipped (process
them in Nmbrs).

examples:
  nmbrs sync-flex flex.csv --dry-run
  nmbrs sync-flex flex.csv --company 10000 --company 10001
"""

PULL_DOCUMENTS = """\
layout:
  FOLDER/<company>/<year>/run-<id>/payslips.pdf, sepa.xml
  FOLDER/<company>/<year>/wage-tax/<declaration>-period-<n>.xml
  FOLDER/<company>/<year>/annual/<document>.pdf     (from the last locked run)
  FOLDER/manifest.json                               (path, sha256, bytes, kind, ids)
Files already there are not fetched again.

examples:
  nmbrs pull-documents ./docs --year 2026
  nmbrs pull-documents ./docs --year 2026 --company 10000 --run 1234 --kind payslips --kind sepa
  nmbrs pull-documents ./docs --year 2026 --status locked --status sent
"""

CHECK_PERMISSIONS = f"""\
profiles: {", ".join(PROFILES)}
Each operation gets one harmless call (an empty request: ids 0, which no write can act on).

examples:
  nmbrs check-permissions
  nmbrs check-permissions --profile keeping --profile mijnkantoor

exit status 1 when a right is missing.
"""
