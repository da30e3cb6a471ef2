"""The integrations of the Nmbrs guides (shared/seeds) as functions returning result dataclasses.

    from nmbrs_client.workflows import export_hours, import_employees
    result = import_employees.import_employees(client, companies=[10000])
    print(result.summary())

Each module is one workflow; `nmbrs_client.cli` makes each a subcommand of `nmbrs`.
"""
