"""`nmbrs`: parse, build the client, run the subcommand, turn every failure into one clear line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from nmbrs_client import ClientSettings, NmbrsClient, NmbrsCredentials
from nmbrs_client.cli.commands import HANDLERS
from nmbrs_client.cli.errors import EXIT_ERROR, CliError, message_for
from nmbrs_client.cli.parser import build_parser
from nmbrs_client.workflows.common import PartialWrite
from nmbrs_client.workflows.progress import for_stream


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if not args.username or not args.token:
            raise CliError(
                "no credentials: pass --username and --token (or set NMBRS_USERNAME and NMBRS_TOKEN)"
            )
        credentials = NmbrsCredentials(args.username, args.token, args.domain)
        settings = ClientSettings(retries=max(args.retries, 0))
        client = NmbrsClient(args.url, credentials, timeout=args.timeout, settings=settings)
        progress = for_stream(sys.stderr, enabled=not args.no_progress)
        return HANDLERS[args.command](client, args, progress)
    except KeyboardInterrupt:
        print("nmbrs: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            raise
        print(f"nmbrs: error: {describe(error, args.url)}", file=sys.stderr)
        return EXIT_ERROR


def describe(error: Exception, url: str) -> str:
    if isinstance(error, PartialWrite):
        return (
            f"{describe(error.error, url)}. {error.calls} write calls had gone through before: {error.advice}"
        )
    message = message_for(error, url)
    if message is None:
        return f"unexpected {type(error).__name__}: {error} (re-run with --debug for the traceback)"
    return message
