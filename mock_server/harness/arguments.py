"""The `contract-test` command line, apart from the harness so that building the CLI parser (for
`nmbrs-mock serve` too) imports neither Hypothesis nor the harness."""

from __future__ import annotations

import argparse
from pathlib import Path

PROFILE_NAMES = ("deep", "quick")  # mock_server.harness.profiles.PROFILES (a test keeps them equal)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("target (default: an in-process mock with a fresh environment)")
    where.add_argument(
        "--target", metavar="URL", help="a running mock (or, on an Nmbrs host, the real service)"
    )
    where.add_argument(
        "--sandbox",
        action="store_true",
        help="the real service named by NMBRS_BASE_URL, NMBRS_USERNAME, NMBRS_TOKEN, NMBRS_DOMAIN",
    )
    where.add_argument(
        "--username", help="user of the target (default: a fresh environment's, or the demo user)"
    )
    where.add_argument("--token", help="API token of that user")
    where.add_argument("--domain", help="sub-domain of that user's environment")
    where.add_argument("--admin-token", help="bearer token of the mock's admin API when it needs one")
    safety = parser.add_argument_group("real targets (reads only unless both are given)")
    safety.add_argument("--allow-writes", action="store_true", help="also run write operations")
    safety.add_argument("--company", type=int, metavar="ID", help="the only company writes may touch")
    safety.add_argument(
        "--allow-bursts", action="store_true", help="do not pace calls below the 150/s throttle"
    )
    run_group = parser.add_argument_group("run")
    run_group.add_argument("--profile", choices=PROFILE_NAMES, default="quick", help="quick (CI) or deep")
    run_group.add_argument(
        "--seed", type=int, help="seed (default: 0 for quick, random and printed for deep)"
    )
    run_group.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="glob on Service.Operation or Operation (repeatable)",
    )
    run_group.add_argument(
        "--examples", type=int, metavar="N", help="examples per operation (profile's default)"
    )
    run_group.add_argument(
        "--database", metavar="DIR", help="Hypothesis example database folder, or 'none' (profile's default)"
    )
    run_group.add_argument("--no-stateful", action="store_true", help="skip the state machines")
    run_group.add_argument("--report", type=Path, metavar="FILE", help="write JSON (or JUnit XML for *.xml)")
    run_group.add_argument("--quiet", action="store_true", help="print only failing rows and the summary")
