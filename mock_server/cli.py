"""`nmbrs-mock`: serve the mock, regenerate the contract, export the served WSDLs."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from mock_server import __version__
from mock_server.domain.periods import PeriodFormat
from mock_server.domain.throttle import ThrottleSettings
from mock_server.scenario import ScenarioError
from mock_server.settings import MockSettings

DEFAULT_REFERENCE = Path("../shared/reference")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, KeyError, ScenarioError) as error:
        print(f"nmbrs-mock: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmbrs-mock", description="A faithful mock of the Nmbrs SOAP API v3."
    )
    parser.add_argument("--version", action="version", version=f"nmbrs-mock {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the mock with its demo environment or a scenario")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    serve.add_argument("--state", metavar="PATH", help="SQLite file that keeps state across restarts")
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
    return parser


def _serve(args: argparse.Namespace) -> int:
    from gevent import signal_handler

    from mock_server.app import MockApp
    from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
    from mock_server.scenario import load_scenario, summary
    from mock_server.server import listen, make_server

    if args.scenario is not None and (args.employees is not None or args.seed is not None):
        raise ValueError("--employees and --seed shape the demo environment; set them in the --scenario file")
    if args.employees is not None and args.employees < 0:
        raise ValueError("--employees must be 0 or more")
    started = time.perf_counter()
    settings = _settings(args)
    if args.scenario is not None:
        environments = load_scenario(args.scenario)
        app = MockApp(settings, demo=None, environments=environments)
        credentials = "\n".join(summary(environments))
    else:
        demo = EnvironmentShape()
        demo = replace(
            demo,
            employees=demo.employees if args.employees is None else args.employees,
            seed=demo.seed if args.seed is None else args.seed,
        )
        app = MockApp(settings, demo)
        credentials = f"  Username: {DEMO_USER}\n  Token:    {DEMO_TOKEN}\n  Domain:   {DEMO_DOMAIN}"
    sock = listen(args.host, args.port)
    host, port = sock.getsockname()[:2]
    server = make_server(app, sock)
    signal_handler(15, server.stop)
    print(
        f"nmbrs-mock {__version__} listening on http://{host}:{port}/soap/v3/ "
        f"(ready in {time.perf_counter() - started:.2f} s)"
    )
    print(credentials)
    print(f"  WSDL:     http://{host}:{port}/soap/v3/EmployeeService.asmx?WSDL", flush=True)
    server.serve_forever()
    return 0


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
        throttle=throttle,
        require_soap_action=args.require_soap_action,
        protected_period_code=9999 if args.legacy_twk_fault else 2011,
        period_format=PeriodFormat(four_weekly=args.four_weekly_suffix),
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
