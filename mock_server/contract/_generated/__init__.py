"""GENERATED contract modules; see mock_server/codegen. Do not edit by hand."""
