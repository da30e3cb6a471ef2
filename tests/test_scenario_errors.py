"""Scenario files: every problem is a `ScenarioError` naming its file, line and what is wrong."""

from __future__ import annotations

import pytest

from mock_server.scenario import ScenarioError, load_scenario

USER = '\n[[environments.users]]\nusername = "u@x.test"\ntoken = "t"\n'  # lines +1..+4

# -- errors: every problem names its line ------------------------------------------------------------

ERRORS = [
    pytest.param('[[environments]]\nname = "acme"\nemployees = 12 3\n', 3, "invalid TOML: ", id="syntax"),
    pytest.param('seed = 1\n[[environments]\nname = "acme"\n', 2, "invalid TOML: ", id="syntax-header"),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployes = 120\n' + USER,
        3,
        "unknown key 'employes' in [[environments]]; did you mean 'employees'?",
        id="unknown-key",
    ),
    pytest.param(
        'seeds = 4\n[[environments]]\nname = "acme"\n' + USER,
        1,
        "unknown key 'seeds' in the top level; did you mean 'seed'?",
        id="unknown-top-key",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + 'tokn = "x"\n',
        7,
        "unknown key 'tokn' in [[environments.users]]; did you mean 'token'?",
        id="unknown-user-key",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployees = "120"\n' + USER,
        3,
        "'employees' must be an integer, not a string ('120')",
        id="wrong-type",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nseed = true\n' + USER,
        3,
        "'seed' must be an integer, not a boolean (True)",
        id="bool-is-not-int",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\nemployees = -1\n' + USER,
        4,
        "'employees' must be between 0 and 100000, not -1",
        id="employees-negative",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployees = 100_001\n' + USER,
        3,
        "'employees' must be between 0 and 100000, not 100001",
        id="employees-too-many",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = []\n' + USER,
        3,
        "'companies' is empty: list one period type (M, W4 or W1) per company",
        id="companies-empty",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = [\n  "M",\n  "W2",\n]\n' + USER,
        5,
        "company period type 'W2' is not one of M, W4, W1",
        id="companies-bad-type",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = ["M", "W4"]\ndebtors = 3\n' + USER,
        4,
        "'debtors' must be between 1 and 2, not 3",
        id="more-debtors-than-companies",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ndebtors = 0\n' + USER,
        3,
        "'debtors' must be between 1 and 4, not 0",
        id="no-debtors",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + '\n[[environments]]\nname = "acme"\n' + USER,
        9,
        "duplicate environment name 'acme'",
        id="duplicate-environment",
    ),
    pytest.param(
        '[[environments]]\nname = "Acme Corp"\n' + USER,
        2,
        "environment name 'Acme Corp' is not a valid sub-domain: use lowercase letters, digits and '-' "
        "(e.g. 'acme-corp')",
        id="bad-name",
    ),
    pytest.param(
        "[[environments]]\nemployees = 3\n" + USER,
        1,
        "environment without a name",
        id="missing-name",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + USER.replace("u@x", "U@X"),
        9,
        "duplicate username 'U@X.test' in this environment",
        id="duplicate-username",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER.replace('token = "t"', 'token = "  "'),
        6,
        "empty token: a login needs one",
        id="empty-token",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER.replace('token = "t"', 'token = "t "'),
        6,
        "token 't ' has spaces around it: the mock strips them from the header, so it would never match",
        id="token-with-spaces",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\n[[environments.users]]\nusername = "u@x.test"\n',
        4,
        "user without a token: add token = ",
        id="missing-token",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + 'template = "time-tracking"\n',
        7,
        "unknown template 'time-tracking'; did you mean 'time-tracking-export'?",
        id="unknown-template",
    ),
    pytest.param(
        '[templates]\nmine = ["CompanyService.List_GetAll"]\n[[environments]]\nname = "acme"\n'
        + USER
        + 'template = "yours"\n',
        9,
        "unknown template 'yours'; known: full, time-tracking-export",
        id="unknown-template-lists-known",
    ),
    pytest.param(
        '[templates]\nmine = [\n  "CompanyService.List_*",\n  "CompanyService.List_GetAl",\n]\n',
        4,
        "template 'mine': pattern 'CompanyService.List_GetAl' matches no served operation; "
        "did you mean 'CompanyService.List_GetAll'?",
        id="pattern-typo",
    ),
    pytest.param(
        '[templates]\nmine = ["List_GetAll"]\n',
        2,
        "template 'mine': pattern 'List_GetAll' matches no served operation; write Service.Operation",
        id="pattern-without-service",
    ),
    pytest.param(
        '[templates]\nfull = ["CompanyService.*"]\n',
        2,
        "template 'full' would hide the builtin of that name",
        id="template-shadows-builtin",
    ),
    pytest.param(
        "[templates]\nnothing = []\n",
        2,
        "template 'nothing' has no patterns, so it would allow nothing",
        id="template-empty",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ndebtors = 2\n' + USER + "debtors = [1, 3]\n",
        8,
        "debtor position 3 is not one of 1..2 (the environment's debtors, in order)",
        id="debtor-position",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + "debtors = []\n",
        7,
        "'debtors' is empty, so this login would see nothing; omit it to see all",
        id="debtor-positions-empty",
    ),
    pytest.param("seed = 3\n", 1, "no [[environments]] table: add at least one", id="no-environment"),
    pytest.param("seed = 3\nenvironments = []\n", 2, "'environments' is empty", id="empty-environments"),
    pytest.param(
        'seed = 3\n\n[[environments]]\nname = "acme"\n',
        3,
        "no [[environments.users]] table: add at least one",
        id="no-user",
    ),
    pytest.param(
        '[environments]\nname = "acme"\n',
        1,
        "'environments' must be an array of tables: write [[environments]] (double brackets)",
        id="single-brackets",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\n[environments.users]\nusername = "u"\ntoken = "t"\n',
        4,
        "'users' must be an array of tables: write [[environments.users]] (double brackets)",
        id="single-brackets-users",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nusers = [\n  {username = "a", token = "t"},\n'
        '  {username = "b", token = ""},\n]\n',
        3,  # inline tables have no header of their own: the line of their array's key
        "empty token: a login needs one",
        id="inline-users",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), ERRORS)
def test_errors_name_file_line_and_problem(tmp_path, text, line, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert (raised.value.file, raised.value.line) == (str(path), line), str(raised.value)
    assert str(raised.value).startswith(f"{path}:{line}: {problem}"), str(raised.value)


def test_errors_in_the_second_environment_point_into_it(tmp_path):
    text = '[[environments]]\nname = "a"\n' + USER + '\n[[environments]]\nname = "b"\nemployees = -5\n' + USER
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(
        ScenarioError, match=r"two\.toml:10: 'employees' must be between 0 and 100000, not -5"
    ):
        load_scenario(path)


def test_a_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"missing\.toml: cannot read the scenario: No such file"):
        load_scenario(tmp_path / "missing.toml")


def test_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"seed = 1\n# caf\xe9\n")
    with pytest.raises(ScenarioError, match=r"latin1\.toml:2: not UTF-8 text"):
        load_scenario(path)


def test_multi_line_strings_do_not_confuse_the_line_index(tmp_path):
    text = '[[environments]]\nname = "acme"\n' + USER + 'template = """\nemployees = 3\n"""\nbogus = 1\n'
    path = tmp_path / "ml.toml"
    path.write_text(text)
    with pytest.raises(
        ScenarioError, match=r"ml\.toml:10: unknown key 'bogus' in \[\[environments\.users\]\]"
    ):
        load_scenario(path)
