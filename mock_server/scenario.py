"""Scenario files: the environments, logins and permission templates a mock serves, in TOML.

`nmbrs-mock serve --scenario FILE` serves exactly the environments of FILE (no demo environment).
The format (a commented example ships as `mock_server/scenarios/example.toml`):

    seed = 7                          # optional: seed of every environment without its own (default 1)

    [templates]                       # optional: your own permission templates, name = [patterns]
    readonly = ["CompanyService.List_*", "EmployeeService.*_Get*"]

    [[environments]]                  # one or more
    name = "acme"                     # the sub-domain clients send as <Domain>: a-z, 0-9 and "-"
    employees = 120                   # optional, 0..100000 (default 40)
    companies = ["M", "W4", "W1"]     # optional: a period type per company (default M, W4, M, W1)
    debtors = 2                       # optional: 1..number of companies (default 2, or 1 for one company)
    seed = 3                          # optional: overrides the top-level seed
    unsent_declarations = 2           # optional: the newest wage-tax declarations left unsent (default 2)

      [[environments.users]]          # one or more per environment
      username = "office@acme.test"   # unique within the environment (case-insensitive)
      token = "office-token"          # not empty
      template = "full"               # optional: a builtin, an alias or a [templates] name (default full)
      debtors = [1]                   # optional: the debtors this login sees, by position (default: all)

Debtor positions count from 1 in creation order; the seeder gives the debtor at position n the id
999 + n (1000, 1001, ...) and the same number as a string. Every problem is reported as a `ScenarioError`
whose message is `<file>:<line>: <problem>`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from difflib import get_close_matches
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, NoReturn

from mock_server.contract import SERVICES, load_contract
from mock_server.domain.demo import FIRST_DEBTOR_ID, EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.permissions import ALIASES, BUILTIN_TEMPLATES

MAX_EMPLOYEES = 100_000
PERIOD_TYPES = ("M", "W4", "W1")
DEFAULT_SHAPE = EnvironmentShape()
SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

TOP_KEYS: dict[str, type] = {"seed": int, "templates": dict, "environments": list}
ENVIRONMENT_KEYS: dict[str, type] = {"name": str, "employees": int, "companies": list, "debtors": int}
ENVIRONMENT_KEYS |= {"seed": int, "unsent_declarations": int, "users": list}
USER_KEYS: dict[str, type] = {"username": str, "token": str, "template": str, "debtors": list}
TOML_TYPES = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array"}
TOML_TYPES[dict] = "a table"

KeyPath = tuple[str | int, ...]  # ("environments", 0, "users", 1): where a table sits in the document


class ScenarioError(Exception):
    """A problem in a scenario file; the message is `<file>:<line>: <problem>`."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}:{line}: {problem}" if line is not None else f"{file}: {problem}")


def load_scenario(path: Path) -> list[EnvironmentSetup]:
    """The environments a scenario file describes, or a `ScenarioError` naming the line at fault."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError(str(path), None, f"cannot read the scenario: {error.strerror}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(str(path), line, "not UTF-8 text (save the file as UTF-8)") from error
    return parse_scenario(text, str(path))


def parse_scenario(text: str, file: str = "<scenario>") -> list[EnvironmentSetup]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, file) from error
    return _Checker(file, _LineIndex(text)).scenario(data)


def summary(setups: list[EnvironmentSetup]) -> list[str]:
    """Lines for the startup banner: each environment with its logins."""
    lines = []
    for setup in setups:
        shape = setup.shape
        sizes = f"{shape.employees} employees, {len(shape.period_types)} companies, {shape.debtors} debtors"
        lines.append(f"  Domain: {setup.spec.name}  ({sizes}, seed {shape.seed})")
        for user in setup.spec.users:
            seen = "" if user.debtor_ids is None else f"  Debtor ids: {', '.join(map(str, user.debtor_ids))}"
            lines.append(
                f"    Username: {user.username}  Token: {user.token}  Template: {user.template}{seen}"
            )
    return lines


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, file: str) -> ScenarioError:
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        problem = f"{message[: found.start()]} (column {found[2]})"
        return ScenarioError(file, int(found[1]), f"invalid TOML: {problem}")
    problem = message.replace(" (at end of document)", " at the end of the file")
    return ScenarioError(file, max(len(text.splitlines()), 1), f"invalid TOML: {problem}")


# -- where things are: a line index of table headers and keys ------------------------------------------
HEADER = re.compile(r"""\s*(\[\[?)\s*([\w"'. -]+?)\s*\]\]?\s*(?:#.*)?$""")
KEY = re.compile(r"""\s*("[^"]*"|'[^']*'|[\w-]+)\s*(?:\.\s*(?:"[^"]*"|'[^']*'|[\w-]+)\s*)*=""")
KEY_PART = re.compile(r""""([^"]*)"|'([^']*)'|([\w-]+)""")


@dataclass
class _Block:
    line: int  # of the table's header
    keys: dict[str, int] = field(default_factory=dict)  # key (or sub-table) -> line


class _LineIndex:
    """The line of every table header and key, by the path of the table in the parsed document."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.blocks: dict[KeyPath, _Block] = {(): _Block(1)}
        self.structural: set[int] = set()  # lines holding a header or a key
        self._counts: dict[KeyPath, int] = {}
        current: KeyPath = ()
        for number, line in self._code_lines():
            if header := HEADER.match(line):
                current = self._open(header[1] == "[[", _key_parts(header[2]), number)
            elif key := KEY.match(line):
                self.blocks[current].keys.setdefault(_key_parts(key[1])[0], number)
                self.structural.add(number)

    def _code_lines(self) -> list[tuple[int, str]]:
        """Lines outside multi-line strings."""
        code, inside = [], False
        for number, line in enumerate(self.lines, 1):
            if not inside:
                code.append((number, line))
            if (line.count('"""') + line.count("'''")) % 2:
                inside = not inside
        return code

    def _open(self, is_array: bool, parts: list[str], number: int) -> KeyPath:
        path: KeyPath = ()
        for position, part in enumerate(parts):
            path += (part,)
            if position == len(parts) - 1 and is_array:
                self._counts[path] = self._counts.get(path, 0) + 1
                path += (self._counts[path] - 1,)
            elif path in self._counts:
                path += (self._counts[path] - 1,)
        parent = path[:-2] if is_array else path[:-1]
        self.blocks.setdefault(parent, _Block(number)).keys.setdefault(parts[-1], number)
        self.blocks.setdefault(path, _Block(number))
        self.structural.add(number)
        return path

    def line(self, path: KeyPath, key: str | None = None) -> int:
        """The line of `key` in the table at `path`; of the table itself when the key is absent."""
        block = self.blocks.get(path)
        if block is not None:
            return block.keys.get(key, block.line) if key is not None else block.line
        if isinstance(path[-1], int):  # an inline table in an array: the line of the array's key
            return self.line(path[:-2], str(path[-2]))
        return self.line(path[:-1], str(path[-1]))

    def value_line(self, path: KeyPath, key: str, value: object) -> int:
        """The line of one item of an array (which may span lines), else the line of its key."""
        start = self.line(path, key)
        needles = (f'"{value}"', f"'{value}'") if isinstance(value, str) else (str(value),)
        for number in range(start, len(self.lines) + 1):
            if number != start and number in self.structural:
                break
            if any(needle in self.lines[number - 1] for needle in needles):
                return number
        return start


def _key_parts(dotted: str) -> list[str]:
    return [next(part for part in match.groups() if part is not None) for match in KEY_PART.finditer(dotted)]


# -- what is allowed -----------------------------------------------------------------------------------
def _served_operations() -> list[str]:
    return [f"{service}.{name}" for service in SERVICES for name in load_contract(service).operations]


def _table_name(path: KeyPath) -> str:
    names = [part for part in path if isinstance(part, str)]
    is_array = bool(path) and isinstance(path[-1], int)
    return "the top level" if not names else ("[[{}]]" if is_array else "[{}]").format(".".join(names))


class _Checker:
    def __init__(self, file: str, index: _LineIndex) -> None:
        self.file = file
        self.index = index

    def fail(self, problem: str, path: KeyPath, key: str | None = None, line: int | None = None) -> NoReturn:
        raise ScenarioError(self.file, line or self.index.line(path, key), problem)

    def scenario(self, data: dict[str, Any]) -> list[EnvironmentSetup]:
        self.keys(data, TOP_KEYS, ())
        seed = data.get("seed", DEFAULT_SHAPE.seed)
        templates = self.templates(data.get("templates", {}))
        environments = self.tables(data, "environments", (), "[[environments]]")
        setups = [
            self.environment(env, ("environments", n), seed, templates) for n, env in enumerate(environments)
        ]
        seen: set[str] = set()
        for n, setup in enumerate(setups):
            if setup.spec.name.lower() in seen:
                self.fail(f"duplicate environment name {setup.spec.name!r}", ("environments", n), "name")
            seen.add(setup.spec.name.lower())
        return setups

    def keys(self, table: dict[str, Any], known: dict[str, type], path: KeyPath) -> None:
        for key, value in table.items():
            if key not in known:
                close = get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
                self.fail(f"unknown key {key!r} in {_table_name(path)}; {hint}", path, key)
            self.check_type(value, known[key], path, key)

    def check_type(self, value: object, kind: type, path: KeyPath, key: str) -> None:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return
        actual = next((name for t, name in TOML_TYPES.items() if isinstance(value, t)), type(value).__name__)
        if key in ("environments", "users") and isinstance(value, dict):
            header = _table_name((*path, key, 0))
            self.fail(f"{key!r} must be an array of tables: write {header} (double brackets)", path, key)
        self.fail(f"{key!r} must be {TOML_TYPES[kind]}, not {actual} ({value!r})", path, key)

    def tables(self, table: dict[str, Any], key: str, path: KeyPath, header: str) -> list[dict[str, Any]]:
        """An array of tables that must hold at least one table."""
        if key not in table:
            self.fail(f"no {header} table: add at least one", path)
        items: list[dict[str, Any]] = table[key]
        if not items:
            self.fail(f"{key!r} is empty: add at least one {header} table", path, key)
        if not all(isinstance(item, dict) for item in items):
            self.fail(f"{key!r} must be an array of tables: write {header} (double brackets)", path, key)
        return items

    def int_in(
        self, table: dict[str, Any], key: str, path: KeyPath, default: int, bounds: tuple[int, int]
    ) -> int:
        value: int = table.get(key, default)
        low, high = bounds
        if not low <= value <= high:
            self.fail(f"{key!r} must be between {low} and {high}, not {value}", path, key)
        return value

    def templates(self, table: dict[str, Any]) -> dict[str, list[str]]:
        path: KeyPath = ("templates",)
        operations = _served_operations()
        for name, patterns in table.items():
            if name in BUILTIN_TEMPLATES or name in ALIASES:
                self.fail(
                    f"template {name!r} would hide the builtin of that name; choose another name", path, name
                )
            self.check_type(patterns, list, path, name)
            if not patterns:
                self.fail(f"template {name!r} has no patterns, so it would allow nothing", path, name)
            for pattern in patterns:
                self.pattern(pattern, operations, path, name)
        return dict(table)

    def pattern(self, pattern: object, operations: list[str], path: KeyPath, name: str) -> None:
        if not isinstance(pattern, str):
            self.fail(f"template {name!r}: patterns must be strings, not {pattern!r}", path, name)
        if any(fnmatchcase(operation, pattern) for operation in operations):
            return
        close = get_close_matches(pattern, operations, n=1, cutoff=0.8)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "write Service.Operation, e.g. 'CompanyService.List_*'"
        )
        line = self.index.value_line(path, name, pattern)
        self.fail(
            f"template {name!r}: pattern {pattern!r} matches no served operation; {hint}", path, line=line
        )

    def environment(
        self, data: dict[str, Any], path: KeyPath, seed: int, templates: dict[str, list[str]]
    ) -> EnvironmentSetup:
        self.keys(data, ENVIRONMENT_KEYS, path)
        name = self.name(data, path)
        companies = self.companies(data, path)
        debtors = self.int_in(
            data, "debtors", path, min(DEFAULT_SHAPE.debtors, len(companies)), (1, len(companies))
        )
        shape = EnvironmentShape(
            employees=self.int_in(data, "employees", path, DEFAULT_SHAPE.employees, (0, MAX_EMPLOYEES)),
            period_types=companies,
            debtors=debtors,
            seed=data.get("seed", seed),
            unsent_declarations=self.int_in(
                data, "unsent_declarations", path, DEFAULT_SHAPE.unsent_declarations, (0, 10_000)
            ),
        )
        users = [
            self.user(user, (*path, "users", n), debtors, templates)
            for n, user in enumerate(self.tables(data, "users", path, "[[environments.users]]"))
        ]
        self.unique_usernames(users, path)
        return EnvironmentSetup(EnvironmentSpec(name, users, dict(templates), shape.seed), shape)

    def name(self, data: dict[str, Any], path: KeyPath) -> str:
        if "name" not in data:
            self.fail('environment without a name: add name = "..." (the sub-domain clients send)', path)
        name: str = data["name"]
        if not SUBDOMAIN.fullmatch(name):
            suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "acme"
            self.fail(
                f"environment name {name!r} is not a valid sub-domain: use lowercase letters, digits "
                f"and '-' (e.g. {suggestion!r})",
                path,
                "name",
            )
        return name

    def companies(self, data: dict[str, Any], path: KeyPath) -> tuple[str, ...]:
        companies = data.get("companies", list(DEFAULT_SHAPE.period_types))
        if not companies:
            self.fail(
                "'companies' is empty: list one period type (M, W4 or W1) per company", path, "companies"
            )
        for kind in companies:
            if kind not in PERIOD_TYPES:
                line = self.index.value_line(path, "companies", kind)
                self.fail(f"company period type {kind!r} is not one of M, W4, W1", path, line=line)
        return tuple(companies)

    def user(
        self, data: dict[str, Any], path: KeyPath, debtors: int, templates: dict[str, list[str]]
    ) -> ApiUser:
        self.keys(data, USER_KEYS, path)
        self.credential(data, "username", path)
        self.credential(data, "token", path)
        template = data.get("template", "full")
        if template not in templates and ALIASES.get(template, template) not in BUILTIN_TEMPLATES:
            known = [*BUILTIN_TEMPLATES, *ALIASES, *templates]
            close = get_close_matches(template, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            self.fail(f"unknown template {template!r}; {hint}", path, "template")
        return ApiUser(data["username"], data["token"], template, self.debtor_ids(data, path, debtors))

    def credential(self, data: dict[str, Any], key: str, path: KeyPath) -> None:
        if key not in data:
            self.fail(f'user without a {key}: add {key} = "..."', path)
        value: str = data[key]
        if not value.strip():
            self.fail(f"empty {key}: a login needs one", path, key)
        if value != value.strip():
            problem = "has spaces around it: the mock strips them from the header, so it would never match"
            self.fail(f"{key} {value!r} {problem}", path, key)

    def debtor_ids(self, data: dict[str, Any], path: KeyPath, debtors: int) -> list[int] | None:
        if "debtors" not in data:
            return None
        positions = data["debtors"]
        if not positions:
            self.fail(
                "'debtors' is empty, so this login would see nothing; omit it to see all", path, "debtors"
            )
        for position in positions:
            if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= debtors:
                line = self.index.value_line(path, "debtors", position)
                problem = f"is not one of 1..{debtors} (the environment's debtors, in order)"
                self.fail(f"debtor position {position!r} {problem}", path, line=line)
        return sorted(FIRST_DEBTOR_ID + position - 1 for position in set(positions))

    def unique_usernames(self, users: list[ApiUser], path: KeyPath) -> None:
        seen: set[str] = set()
        for n, user in enumerate(users):
            if user.username.lower() in seen:
                self.fail(
                    f"duplicate username {user.username!r} in this environment",
                    (*path, "users", n),
                    "username",
                )
            seen.add(user.username.lower())
