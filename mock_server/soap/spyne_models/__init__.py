"""GENERATED Spyne models and services; see mock_server/codegen. Do not edit by hand."""
