"""Real payroll documents produced by the mock: payslip and annual PDFs, SEPA and wage-tax XML."""
