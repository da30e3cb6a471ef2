"""The contract-test harness: property-based checks of a Nmbrs SOAP v3 target (the mock or the real one).

Modules: `target` (where calls go), `strategies*` (requests generated from the contract), `checks`
(named checks on every response), `runner` / `report` / `repro` / `profiles` (the `contract-test` command).
"""
