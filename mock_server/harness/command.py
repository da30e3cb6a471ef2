"""`nmbrs-mock contract-test`: choose the target, run the harness, print the table, write the report."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from urllib.parse import urlparse

from mock_server.harness.discovery import DiscoveryError
from mock_server.harness.report import render_summary, render_table, write_report
from mock_server.harness.repro import reproduction
from mock_server.harness.results import Result, RunReport
from mock_server.harness.runner import RunOptions, run
from mock_server.harness.target import (
    Credentials,
    Target,
    TargetError,
    in_process_target,
    real_target,
    sandbox_target_from_env,
    url_target,
)

REAL_HOSTS = ("nmbrs.nl", "nmbrs.com")


def _credentials(args: argparse.Namespace) -> Credentials | None:
    if args.username is None and args.token is None:
        return None
    if not (args.username and args.token):
        raise TargetError("--username and --token go together")
    return Credentials(args.username, args.token, args.domain)


def build_target(args: argparse.Namespace) -> Target:
    credentials = _credentials(args)
    if args.sandbox:
        target = sandbox_target_from_env(
            dict(os.environ),
            allow_writes=args.allow_writes,
            company_id=args.company,
            allow_bursts=args.allow_bursts,
        )
        if target is None:
            raise TargetError(
                "--sandbox needs NMBRS_BASE_URL, NMBRS_USERNAME and NMBRS_TOKEN (and NMBRS_DOMAIN)"
            )
        return target
    if args.target is None:
        if args.allow_writes or args.company is not None:
            raise TargetError("--allow-writes and --company are for real targets")
        logging.getLogger("nmbrs_mock").setLevel(logging.CRITICAL)  # its crashes show up as 9999 checks
        return in_process_target()
    host = (urlparse(args.target).hostname or "").lower()
    if host.endswith(REAL_HOSTS):
        if credentials is None:
            raise TargetError(f"{args.target} is a real Nmbrs host: give --username, --token and --domain")
        return real_target(
            args.target,
            credentials,
            allow_writes=args.allow_writes,
            company_id=args.company,
            allow_bursts=args.allow_bursts,
        )
    return url_target(args.target, credentials, allow_bursts=args.allow_bursts, admin_token=args.admin_token)


def main(args: argparse.Namespace) -> int:
    try:
        target = build_target(args)
    except TargetError as error:
        print(f"nmbrs-mock contract-test: {error}", file=sys.stderr)
        return 2
    with target:
        options = RunOptions(
            profile=args.profile,
            seed=args.seed,
            only=args.only,
            database=args.database,
            examples=args.examples,
            stateful=not args.no_stateful,
            progress=_progress,
        )
        try:
            report = run(target, options)
        except (TargetError, DiscoveryError) as error:
            print(f"\nnmbrs-mock contract-test: {error}", file=sys.stderr)
            return 2
        print(file=sys.stderr)
        shown = report if not args.quiet else _only_failing(report)
        print(render_table(shown))
        reproductions = {r.key: reproduction(r, target) for r in report.failures()}
        for text in reproductions.values():
            print("\n" + text)
        print("\n" + render_summary(report))
        if args.report is not None:
            write_report(report, args.report, reproductions)
            print(f"report: {args.report}")
    return 0 if report.ok else 1


def _only_failing(report: RunReport) -> RunReport:
    return replace(report, results=report.failures())


def _progress(result: Result) -> None:
    sys.stderr.write("." if result.ok else "F")
    sys.stderr.flush()
