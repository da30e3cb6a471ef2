"""`nmbrs-mock`: serve the mock, regenerate the contract, export the served WSDLs."""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import time
from dataclasses import replace
from pathlib import Path

from mock_server import __version__
from mock_server.control.journal import (
    DEFAULT_BODY_BYTES,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    JournalSettings,
)
from mock_server.control.loopback import is_loopback_host
from mock_server.domain.periods import PeriodFormat
from mock_server.domain.throttle import ThrottleSettings
from mock_server.scenario import ScenarioError
from mock_server.settings import DEFAULT_MAX_REQUEST_BYTES, ConnectionLimits, MockSettings
from mock_server.storage.seed_cache import VARIABLE as SEED_CACHE_VARIABLE

DEFAULT_REFERENCE = Path("../shared/reference")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, KeyError, ScenarioError, sqlite3.Error) as error:
        print(f"nmbrs-mock: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmbrs-mock", description="A faithful mock of the Nmbrs SOAP API v3."
    )
    parser.add_argument("--version", action="version", version=f"nmbrs-mock {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    seed_cache_folder = os.environ.get(SEED_CACHE_VARIABLE) or None

    serve = commands.add_parser("serve", help="start the mock with its demo environment or a scenario")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    serve.add_argument("--state", metavar="PATH", help="SQLite file that keeps state across restarts")
    serve.add_argument(
        "--seed-cache",
        default=seed_cache_folder,
        metavar="DIR",
        help="folder that keeps seeded environments between runs: the same shape is copied back in "
        "seconds (default: $NMBRS_MOCK_SEED_CACHE, else none)",
    )
    serve.add_argument("--no-throttle", action="store_true", help="answer every call at once")
    serve.add_argument("--employees", type=int, help="employees in the demo environment (default 40)")
    serve.add_argument("--seed", type=int, help="seed of the demo environment's data (default 1)")
    serve.add_argument(
        "--scenario",
        type=Path,
        metavar="FILE",
        help="serve the environments of a TOML scenario file, no demo",
    )
    behaviour = serve.add_argument_group("behaviour (INFERRED Nmbrs facts, see README)")
    behaviour.add_argument("--throttle-rate", type=float, default=150.0, help="calls/s before delays (150)")
    behaviour.add_argument(
        "--throttle-delay", type=float, default=0.5, help="delay in seconds beyond it (0.5)"
    )
    behaviour.add_argument(
        "--throttle-scope",
        choices=("environment", "user", "global"),
        default="environment",
        help="whose calls share one budget (environment)",
    )
    behaviour.add_argument(
        "--legacy-twk-fault",
        action="store_true",
        help="writes into a protected period fail with 9999 (2017-era) instead of 2011",
    )
    behaviour.add_argument(
        "--four-weekly-suffix",
        choices=("W4", "4W"),
        default="W4",
        help="period type text of four-weekly periods",
    )
    behaviour.add_argument(
        "--require-soap-action",
        action="store_true",
        help="refuse SOAP 1.1 requests without SOAPAction (the .NET default) instead of routing by body",
    )
    control = serve.add_argument_group("test control (admin API under /__admin/, request journal)")
    control.add_argument(
        "--admin-token",
        default=os.environ.get("NMBRS_MOCK_ADMIN_TOKEN") or None,
        metavar="TOKEN",
        help="token the admin API requires (Authorization: Bearer TOKEN); required with a non-loopback "
        "--host (default: $NMBRS_MOCK_ADMIN_TOKEN, else loopback callers only)",
    )
    control.add_argument("--no-journal", action="store_true", help="record no calls (for load runs)")
    control.add_argument(
        "--journal-max-entries",
        type=int,
        default=DEFAULT_MAX_ENTRIES,
        metavar="N",
        help="calls kept, oldest dropped first (10000)",
    )
    control.add_argument(
        "--journal-max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="BYTES",
        help="bytes kept, oldest dropped first (64 MiB)",
    )
    control.add_argument(
        "--journal-body-bytes",
        type=int,
        default=DEFAULT_BODY_BYTES,
        metavar="BYTES",
        help="request/response bytes kept per call (65536; 0 keeps none)",
    )
    _add_limit_arguments(serve)
    output = serve.add_argument_group("output")
    output.add_argument(
        "--log", action="store_true", help="one line per call: operation, environment, status, ms, delay"
    )
    output.add_argument(
        "--verbose", action="store_true", help="--log with fault texts; seeding progress even without a TTY"
    )
    serve.set_defaults(run=_serve)

    generate = commands.add_parser(
        "generate", help="regenerate contract modules and wsdl/ from the reference"
    )
    generate.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="shared/reference folder")
    generate.add_argument("--root", type=Path, default=Path("."), help="project root (default: here)")
    generate.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    generate.set_defaults(run=_generate)

    export = commands.add_parser(
        "export", help="write the served WSDLs to wsdl/ and the coverage table to README.md"
    )
    export.add_argument("--out", type=Path, default=Path("wsdl"), help="folder (default wsdl/)")
    export.add_argument(
        "--readme", type=Path, default=Path("README.md"), help="README with the coverage table"
    )
    export.add_argument("--check", action="store_true", help="fail if the files differ from what is served")
    export.set_defaults(run=_export)

    seeds = commands.add_parser(
        "seed-cache", help="list (or --clear) the environments a --seed-cache folder keeps"
    )
    seeds.add_argument(
        "folder",
        nargs="?",
        default=seed_cache_folder,
        help="the folder (default: $NMBRS_MOCK_SEED_CACHE)",
    )
    seeds.add_argument("--clear", action="store_true", help="remove every cache file in it")
    seeds.set_defaults(run=_seed_cache)

    contract = commands.add_parser(
        "contract-test", help="check a target (this mock, a mock at a URL, or Nmbrs) against the contract"
    )
    from mock_server.harness.arguments import add_arguments

    add_arguments(contract)
    contract.set_defaults(run=_contract_test)
    return parser


def _seed_cache(args: argparse.Namespace) -> int:
    from mock_server.storage import seed_cache

    if not args.folder:
        raise ValueError("seed-cache: name the folder (or set NMBRS_MOCK_SEED_CACHE)")
    folder = Path(args.folder)
    if not folder.is_dir():
        raise ValueError(f"seed-cache: {folder} is not a folder")
    if args.clear:
        count, size = seed_cache.clear(folder)
        print(f"removed {count} cache file{'s' if count != 1 else ''} ({size / 2**20:,.0f} MB) from {folder}")
        return 0
    files = seed_cache.cache_files(folder)
    for file in files:
        print(file.describe())
    total = sum(file.size for file in files)
    print(f"{len(files)} cache file{'s' if len(files) != 1 else ''} in {folder}, {total / 2**20:,.0f} MB")
    return 0


def _contract_test(args: argparse.Namespace) -> int:
    from mock_server.harness.command import main as contract_test

    return contract_test(args)


def _serve(args: argparse.Namespace) -> int:
    from gevent import signal_handler

    from mock_server.app import MockApp
    from mock_server.console import (
        CallLog,
        SeedProgress,
        check_port,
        check_seed_cache,
        check_state_path,
        seed_cache_line,
        state_line,
    )
    from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
    from mock_server.scenario import load_scenario, summary
    from mock_server.server import listen, make_server

    if args.scenario is not None and (args.employees is not None or args.seed is not None):
        raise ValueError("--employees and --seed shape the demo environment; set them in the --scenario file")
    if args.employees is not None and args.employees < 0:
        raise ValueError("--employees must be 0 or more")
    if args.admin_token is None and not is_loopback_host(args.host):
        raise ValueError(
            f"--host {args.host} is not a loopback address: the admin API then needs --admin-token TOKEN"
        )
    check_port(args.port)
    if args.state:
        check_state_path(args.state)
    if args.seed_cache:
        check_seed_cache(args.seed_cache)
    started = time.perf_counter()
    settings = _settings(args)
    try:  # before seeding: a port in use is told at once
        sock = listen(args.host, args.port)
    except OSError as error:
        raise OSError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    progress = SeedProgress() if args.verbose or sys.stderr.isatty() else None
    if args.scenario is not None:
        environments = load_scenario(args.scenario)
        app = MockApp(settings, demo=None, environments=environments, progress=progress)
        credentials = "\n".join(summary(environments))
    else:
        demo = EnvironmentShape()
        demo = replace(
            demo,
            employees=demo.employees if args.employees is None else args.employees,
            seed=demo.seed if args.seed is None else args.seed,
        )
        app = MockApp(settings, demo, progress=progress)
        credentials = f"  Username: {DEMO_USER}\n  Token:    {DEMO_TOKEN}\n  Domain:   {DEMO_DOMAIN}"
    if args.log or args.verbose:
        app.pipeline.listeners.append(CallLog(verbose=args.verbose))
    host, port = sock.getsockname()[:2]
    gc.collect()
    gc.freeze()  # what startup made lives as long as the process: the collector no longer walks it
    server = make_server(app, sock)
    server.start()  # accepting before the banner: a SIGTERM right after it stops the server cleanly
    signal_handler(15, server.stop)
    print(
        f"nmbrs-mock {__version__} listening on http://{host}:{port}/soap/v3/ "
        f"(ready in {time.perf_counter() - started:.2f} s)"
    )
    print(credentials)
    print(state_line(args.state, app.origins))
    if args.seed_cache:
        print(seed_cache_line(args.seed_cache, app.backend.sources, app.backend.cache_written))
    print(f"  WSDL:     http://{host}:{port}/soap/v3/EmployeeService.asmx?WSDL")
    guard = "token required" if args.admin_token else "loopback callers only"
    print(f"  Admin:    http://{host}:{port}/__admin/ ({guard}; API: /__admin/openapi.json)", flush=True)
    server.serve_forever()
    return 0


def _add_limit_arguments(serve: argparse.ArgumentParser) -> None:
    defaults = ConnectionLimits()
    limits = serve.add_argument_group("limits (hostile or slow clients; 0 switches a time limit off)")
    limits.add_argument(
        "--max-request-bytes",
        type=int,
        default=DEFAULT_MAX_REQUEST_BYTES,
        metavar="BYTES",
        help=f"larger requests get a 413 fault, unread ({DEFAULT_MAX_REQUEST_BYTES}: 16 MiB)",
    )
    for name, help_text in (
        ("idle-timeout", "seconds a connection may wait for its next request"),
        ("header-timeout", "seconds a request's headers may take to arrive (then 408)"),
        ("body-timeout", "seconds a request body may take to arrive (then a 408 fault)"),
    ):
        default = getattr(defaults, name.replace("-", "_"))
        limits.add_argument(
            f"--{name}", type=float, default=default, metavar="S", help=f"{help_text} ({default:g})"
        )
    limits.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        metavar="N",
        help=f"connections served at once ({defaults.max_connections})",
    )


def _limits(args: argparse.Namespace) -> ConnectionLimits:
    if args.max_request_bytes < 1:
        raise ValueError(f"--max-request-bytes must be 1 or more, not {args.max_request_bytes}")
    return ConnectionLimits(
        idle_timeout=args.idle_timeout,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        max_connections=args.max_connections,
    )


def _settings(args: argparse.Namespace) -> MockSettings:
    throttle = ThrottleSettings(
        enabled=not args.no_throttle,
        rate_per_second=args.throttle_rate,
        delay_seconds=args.throttle_delay,
        scope=args.throttle_scope,
    )
    return MockSettings(
        host=args.host,
        port=args.port,
        state_path=args.state,
        seed_cache=args.seed_cache,
        throttle=throttle,
        require_soap_action=args.require_soap_action,
        protected_period_code=9999 if args.legacy_twk_fault else 2011,
        period_format=PeriodFormat(four_weekly=args.four_weekly_suffix),
        journal=JournalSettings(
            enabled=not args.no_journal,
            max_entries=args.journal_max_entries,
            max_bytes=args.journal_max_bytes,
            body_bytes=args.journal_body_bytes,
        ),
        admin_token=args.admin_token,
        max_request_bytes=args.max_request_bytes,
        limits=_limits(args),
    )


def _generate(args: argparse.Namespace) -> int:
    from mock_server.codegen.run import generate

    report = generate(args.reference, args.root, check=args.check)
    for path in report.drifted:
        print(f"out of date: {path} (run: nmbrs-mock generate)")
    for note in report.notes:
        print(f"note: {note}")
    for path in report.written:
        print(f"wrote {path}")
    if not report.drifted and not report.written:
        print("generated files are up to date")
    return 1 if report.drifted else 0


def _export(args: argparse.Namespace) -> int:
    from mock_server.contract import SERVICES, wsdl_bytes
    from mock_server.coverage import update_readme

    files = {args.out / f"{service}.wsdl": wsdl_bytes(service) for service in SERVICES}
    readme = args.readme.read_text() if args.readme.is_file() else "# nmbrs-mock\n"
    files[args.readme] = update_readme(readme).encode()
    stale = [path for path, content in files.items() if not (path.is_file() and path.read_bytes() == content)]
    for path in stale:
        if args.check:
            print(f"out of date: {path} (run: nmbrs-mock export)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"wrote {path}")
    if not stale:
        print("the WSDLs and the coverage table match what the mock serves")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
