"""nmbrs-mock: a faithful, stateful, fast mock of the Nmbrs payroll SOAP API v3."""

__version__ = "0.1.0"
