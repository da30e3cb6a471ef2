"""The `nmbrs` command line over the workflows in `nmbrs_client.workflows`."""

from nmbrs_client.cli.main import main

__all__ = ["main"]
