"""SARIF output: each rule carries what is known of it (helpUri, name, shortDescription), the tools' own
fixes come out as SARIF `fixes`, and the whole log is valid SARIF 2.1.0.

No SARIF schema ships with any package installed here, so `SARIF_SUBSET` below is the part of the SARIF
2.1.0 schema (OASIS, sarif-schema-2.1.0.json) this output uses, written from it: for each object, its
required properties, the types and bounds of the properties we write, and `additionalProperties: false`
as the schema has it, so a misspelt or invented property fails too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema  # type: ignore[import-untyped]
import pytest

from emitter import rule_docs
from emitter.outputs import sarif_out
from emitter.redact import REDACTED, Redactor
from emitter.report import Report
from emitter.rule_docs import rule_doc
from tests.emitter.outputs.sample import ENV, ENV_SECRET, record, report
from tests.helpers.fixtures import FIXTURES

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
NO_SECRETS = Redactor()


def _obj(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": properties,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


def _array(item: dict[str, Any], least: int = 0, unique: bool = False) -> dict[str, Any]:
    return {"type": "array", "items": item, "minItems": least, "uniqueItems": unique}


STRING = {"type": "string"}
LINE = {"type": "integer", "minimum": 1}
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    **_obj(
        ("version", "runs"),
        **{"$schema": STRING, "version": {"enum": ["2.1.0"]}, "runs": _array(_ref("run"))},
    ),
    "definitions": {
        "run": _obj(
            ("tool",),
            tool=_ref("tool"),
            invocations=_array(_ref("invocation")),
            results=_array(_ref("result")),
            automationDetails=_obj(id=STRING),
        ),
        "tool": _obj(("driver",), driver=_ref("toolComponent")),
        "toolComponent": _obj(("name",), name=STRING, rules=_array(_ref("reportingDescriptor"), unique=True)),
        "reportingDescriptor": _obj(
            ("id",),
            id=STRING,
            name=STRING,
            shortDescription=_ref("multiformatMessageString"),
            helpUri={"type": "string", "format": "uri"},
        ),
        "multiformatMessageString": _obj(("text",), text=STRING),
        "message": _obj(text=STRING),
        "invocation": _obj(
            ("executionSuccessful",),
            executionSuccessful={"type": "boolean"},
            exitCode={"type": "integer"},
            commandLine=STRING,
        ),
        "result": _obj(
            ("message",),
            ruleId=STRING,
            ruleIndex={"type": "integer", "minimum": -1},
            level={"enum": ["none", "note", "warning", "error"]},
            message=_ref("message"),
            locations=_array(_ref("location")),
            partialFingerprints={"type": "object", "additionalProperties": STRING},
            fixes=_array(_ref("fix"), unique=True),
            properties={"type": "object"},  # a property bag: anything
        ),
        "location": _obj(
            physicalLocation=_obj(artifactLocation=_ref("artifactLocation"), region=_ref("region")),
            logicalLocations=_array(_obj(fullyQualifiedName=STRING, kind=STRING), unique=True),
        ),
        "artifactLocation": _obj(uri={"type": "string", "format": "uri-reference"}, uriBaseId=STRING),
        "region": _obj(startLine=LINE, startColumn=LINE, endLine=LINE, endColumn=LINE),
        "fix": _obj(
            ("artifactChanges",),
            description=_ref("message"),
            artifactChanges=_array(_ref("artifactChange"), least=1, unique=True),
        ),
        "artifactChange": _obj(
            ("artifactLocation", "replacements"),
            artifactLocation=_ref("artifactLocation"),
            replacements=_array(_ref("replacement"), least=1),
        ),
        "replacement": _obj(
            ("deletedRegion",), deletedRegion=_ref("region"), insertedContent=_obj(text=STRING)
        ),
    },
}


def check_sarif(log: dict[str, Any]) -> None:
    jsonschema.Draft7Validator.check_schema(SARIF_SUBSET)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft7Validator(SARIF_SUBSET).iter_errors(log)
    ]
    assert errors == []
    for run in log["runs"]:
        rules = run["tool"]["driver"]["rules"]
        for rule in rules:
            assert rule["shortDescription"]["text"] and "\n" not in rule["shortDescription"]["text"]
            if "helpUri" in rule:
                parts = urlsplit(rule["helpUri"])
                assert parts.scheme == "https" and parts.netloc, rule
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def rules_of(log: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (run["tool"]["driver"]["name"], rule["id"]): rule
        for run in log["runs"]
        for rule in run["tool"]["driver"]["rules"]
    }


# --- rules ---------------------------------------------------------------------------------------------------


def test_rules_get_help_uri_name_and_short_description() -> None:
    rep = report(
        record(tool="ruff", file="a.py", line=1, rule="F401", message="`os` imported but unused"),
        record(tool="ruff", file="b.py", line=1, rule="F401", message="`sys` imported but unused"),
        record(
            tool="pylint",
            file="a.py",
            line=1,
            rule="C0114",
            severity="note",
            message="Missing module docstring (missing-module-docstring)",
        ),
        record(tool="bandit", file="a.py", line=6, rule="B101", type="security", message="Use of assert."),
        record(tool="flake8", file="a.py", line=9, rule="E711", message="comparison to None"),
        record(tool="tsc", file="a.ts", line=2, rule="TS2304", message="Cannot find name 'x'."),
        record(tool="pytest", file="t.py", line=3, type="test_failure", test="t.py::test_x", message="E\nF"),
    )
    log = sarif_out.build_log([rep], NO_SECRETS)
    check_sarif(log)
    rules = rules_of(log)
    assert rules["ruff", "F401"] == {
        "id": "F401",
        "shortDescription": {"text": "`os` imported but unused"},  # what ruff said the first time
        "helpUri": "https://docs.astral.sh/ruff/rules/F401",
    }
    assert rules["pylint", "C0114"] == {
        "id": "C0114",
        "name": "missing-module-docstring",
        "shortDescription": {"text": "Missing module docstring (missing-module-docstring)"},
        "helpUri": "https://pylint.readthedocs.io/en/stable/user_guide/messages/convention/missing-module-docstring.html",
    }
    assert rules["bandit", "B101"]["name"] == "assert_used"
    assert rules["bandit", "B101"]["helpUri"].endswith("/plugins/b101_assert_used.html")
    assert (
        rules["flake8", "E711"]["helpUri"] == "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes"
    )
    assert rules["tsc", "TS2304"] == {"id": "TS2304", "shortDescription": {"text": "Cannot find name 'x'."}}
    assert rules["pytest", "test_failure"] == {
        "id": "test_failure",
        "shortDescription": {"text": "A test failed"},
    }


@pytest.mark.parametrize(
    ("tool", "rule", "message", "url", "name"),
    [
        ("ruff", "unused-import", "", "https://docs.astral.sh/ruff/rules/unused-import", None),
        ("flake8", "F401", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html", None),
        ("flake8", "C901", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html", None),
        ("flake8", "W291", "", "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes", None),
        ("pycodestyle", "E501", "", "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes", None),
        ("pyflakes", "F821", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html", None),
        ("flake8", "B006", "", None, None),  # a plugin's code: the plugin documents it
        ("pycodestyle", "F401", "", None, None),
        (
            "pylint",
            "W0611",
            "Unused import os (unused-import)",
            rule_docs.PYLINT + "warning/unused-import.html",
            "unused-import",
        ),
        ("mypy", "return-value", "", rule_docs.MYPY + "return-value", None),
        ("eslint", "no-undef", "", "https://eslint.org/docs/latest/rules/no-undef", None),
        ("tsc", "TS2304", "", None, None),
        ("shellcheck", "SC2086", "", "https://www.shellcheck.net/wiki/SC2086", None),
        ("hadolint", "DL3008", "", "https://github.com/hadolint/hadolint/wiki/DL3008", None),
        ("clippy", "clippy::needless_return", "", rule_docs.CLIPPY + "needless_return", None),
        ("rustc", "E0425", "", "https://doc.rust-lang.org/error_codes/E0425.html", None),
        ("go-vet", "printf", "", rule_docs.GO_PASSES + "printf", None),
        ("yamllint", "trailing-spaces", "", rule_docs.YAMLLINT + "trailing_spaces", None),
        ("ansible-lint", "fqcn[action-core]", "", rule_docs.ANSIBLE_LINT + "fqcn/", None),
        ("bandit", "B324", "", rule_docs.BANDIT + "plugins/b324_hashlib.html", "hashlib_insecure_functions"),
        (
            "bandit",
            "B404",
            "",
            rule_docs.BANDIT + "blacklists/blacklist_imports.html#b404-import-subprocess",
            "import_subprocess",
        ),
    ],
)
def test_rule_docs_per_tool(tool: str, rule: str, message: str, url: str | None, name: str | None) -> None:
    assert rule_doc(tool, rule, message) == (url, name)


def test_bandit_names_and_pages_are_bandits_own() -> None:
    from bandit.core import docs_utils, extension_loader  # type: ignore[import-untyped]

    manager = extension_loader.MANAGER
    names = {plugin.plugin._test_id: plugin.name for plugin in manager.plugins}
    names |= {code: entry["name"] for code, entry in manager.blacklist_by_id.items()}
    assert names == rule_docs.BANDIT_NAMES
    for code in names:
        theirs = urlsplit(docs_utils.get_url(code))
        page = theirs.path.split("/", 3)[3] + (f"#{theirs.fragment}" if theirs.fragment else "")
        assert rule_doc("bandit", code).url == rule_docs.BANDIT + page, code


def test_a_hostile_rule_or_message_gives_no_help_uri_and_secrets_stay_out() -> None:
    rep = report(
        record(tool="ruff", rule="F401](javascript:x)", message="m"),
        record(tool="pylint", rule="C0114", message="x (a)](javascript:y)"),
        record(tool="ruff", rule="E501", message=f"token {ENV_SECRET} in a line"),
        record(tool="pylint", rule="C0103", message=f"name {ENV_SECRET} (invalid-name)"),
    )
    log = sarif_out.build_log([rep], Redactor.from_env(ENV))
    check_sarif(log)
    rules = rules_of(log)
    assert "helpUri" not in rules["ruff", "F401](javascript:x)"]
    assert "helpUri" not in rules["pylint", "C0114"] and "name" not in rules["pylint", "C0114"]
    assert rules["ruff", "E501"]["shortDescription"]["text"] == f"token {REDACTED} in a line"
    assert rules["pylint", "C0103"]["shortDescription"]["text"] == f"name {REDACTED} (invalid-name)"
    assert rules["pylint", "C0103"]["name"] == "invalid-name"
    assert ENV_SECRET not in json.dumps(log)


def test_a_long_or_multi_line_first_message_gives_one_short_line() -> None:
    rep = report(record(tool="mypy", rule="misc", message="\n  first   line\nsecond line " + "x" * 1000))
    [rule] = sarif_out.build_log([rep], NO_SECRETS)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["shortDescription"] == {"text": "first line"}
    long = report(record(tool="mypy", rule="misc", message="y" * 1000))
    [rule] = sarif_out.build_log([long], NO_SECRETS)["runs"][0]["tool"]["driver"]["rules"]
    assert len(rule["shortDescription"]["text"]) == sarif_out.MAX_SHORT_DESCRIPTION


def test_every_record_type_has_a_description() -> None:
    from emitter.report import RecordType

    assert set(sarif_out.TYPE_DESCRIPTIONS) == {t.value for t in RecordType}


# --- fixes -----------------------------------------------------------------------------------------------------


def test_fixes_and_fix_commands_make_a_valid_log() -> None:
    edits = [
        {"file": "src/a.py", "start_line": 3, "start_column": 1, "end_line": 4, "end_column": 1, "text": ""},
        {"file": "src/a.py", "start_line": 1, "end_line": 1, "text": "# header\n"},
        {"file": "src/b.py", "start_line": 2, "start_column": 5, "end_line": 2, "end_column": 9, "text": "x"},
    ]
    rep = report(
        record(
            file="src/a.py", line=3, rule="F401", message="m", fix={"description": "Remove", "edits": edits}
        ),
        record(
            file="src/a.py", line=5, rule="I001", message="m", fix={"command": ["ruff", "check", "--fix"]}
        ),
        record(file="/abs/outside.py", line=1, rule="F821", message="m", fix={"edits": edits[:1]}),
    )
    log = sarif_out.build_log([rep], NO_SECRETS)
    check_sarif(log)
    first, command_only, outside = log["runs"][0]["results"]
    assert [len(change["replacements"]) for change in first["fixes"][0]["artifactChanges"]] == [2, 1]
    assert "fixes" not in command_only
    assert command_only["properties"]["selfheal"]["fixCommand"] == ["ruff", "check", "--fix"]
    assert outside["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"] == "src/a.py"


# --- real tools --------------------------------------------------------------------------------------------------

BROKEN_PY = """\
import os
import subprocess


def f(x):
    assert x
    subprocess.call("ls", shell=True)
    return x == None


def g() -> int:
    return "x"
"""


def selfheal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "GITLAB", "CI"))}
    env |= {"PYTHONPATH": str(ROOT), "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "fixer.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text(BROKEN_PY)
    (tmp_path / "c.yml").write_text("key: value   \nother:  [1,2]\n")
    return tmp_path


def test_real_linters_rules_in_the_sarif_output(repo: Path) -> None:
    """flake8, pylint, bandit, mypy and yamllint run for real; their rules come out named and linked."""
    script = "flake8 a.py; pylint --persistent=n a.py; bandit -q a.py; mypy --no-incremental --strict a.py; yamllint c.yml"
    done = selfheal(repo, "run", "--task", "lint", "--format", "sarif=out.sarif", "--", "sh", "-c", script)
    assert done.returncode == 1, done.stderr
    log = json.loads((repo / "out.sarif").read_text())
    check_sarif(log)
    rules = rules_of(log)
    expected = {
        ("flake8", "F401"): (rule_docs.FLAKE8, None),
        ("flake8", "E711"): (rule_docs.PYCODESTYLE, None),
        ("pylint", "C0114"): (
            rule_docs.PYLINT + "convention/missing-module-docstring.html",
            "missing-module-docstring",
        ),
        ("pylint", "W0611"): (rule_docs.PYLINT + "warning/unused-import.html", "unused-import"),
        ("bandit", "B101"): (rule_docs.BANDIT + "plugins/b101_assert_used.html", "assert_used"),
        ("bandit", "B602"): (
            rule_docs.BANDIT + "plugins/b602_subprocess_popen_with_shell_equals_true.html",
            "subprocess_popen_with_shell_equals_true",
        ),
        ("mypy", "return-value"): (rule_docs.MYPY + "return-value", None),
        ("yamllint", "trailing-spaces"): (rule_docs.YAMLLINT + "trailing_spaces", None),
    }
    for key, (url, name) in expected.items():
        assert key in rules, sorted(rules)
        assert (rules[key].get("helpUri"), rules[key].get("name")) == (url, name), key
    assert rules["flake8", "F401"]["shortDescription"] == {"text": "'os' imported but unused"}


def test_a_tools_sarif_fixes_come_back_out_valid(repo: Path) -> None:
    """ruff's own SARIF (with its fixes) read by `selfheal parse` and written again as SARIF."""
    ruff = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "--select", "F401", "--output-format", "sarif", "a.py"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    (repo / "ruff.sarif").write_text(ruff.stdout)
    done = selfheal(
        repo, "parse", "--sarif", "ruff.sarif", "--report", "r.json", "--format", "sarif=out.sarif"
    )
    assert done.returncode == 0, done.stderr
    log = json.loads((repo / "out.sarif").read_text())
    check_sarif(log)
    [result] = log["runs"][0]["results"]
    [fix] = result["fixes"]
    assert fix["description"] == {"text": "Remove unused import: `os`"}
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "a.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 2, "endColumn": 1}}
    ]
    assert rules_of(log)["ruff", "F401"]["helpUri"] == "https://docs.astral.sh/ruff/rules/F401"
    assert Report.load(str(repo / "r.json")).records[0].fix is not None


def test_a_wrapped_tools_own_fixes_come_out_as_sarif_fixes(tmp_path: Path) -> None:
    """`selfheal run -- shellcheck -f json1`: its JSON on stdout is read with its fixes, and the SARIF output
    carries them as artifactChanges whose replacements, applied, are what shellcheck proposes."""
    (tmp_path / ".git").mkdir()
    script = FIXTURES / "inputs" / "shellcheck" / "deploy.sh"
    (tmp_path / "deploy.sh").write_bytes(script.read_bytes())
    done = selfheal(
        tmp_path, "run", "--no-summary", "--format", "sarif=out.sarif", "--",
        "shellcheck", "-f", "json1", "deploy.sh",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    log = json.loads((tmp_path / "out.sarif").read_text())
    check_sarif(log)
    [run] = log["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["SC2086"]["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"
    assert rules["SC2086"]["shortDescription"]["text"].startswith("Double quote to prevent globbing")
    fixed = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r
        for r in run["results"]
        if "fixes" in r
    }
    assert sorted(fixed) == [3, 4, 5]  # SC2086 twice and SC2164: the ones shellcheck can fix
    lines = (tmp_path / "deploy.sh").read_text().split("\n")
    for number, result in fixed.items():
        [fix] = result["fixes"]
        [change] = fix["artifactChanges"]
        assert change["artifactLocation"] == {"uri": "deploy.sh", "uriBaseId": "%SRCROOT%"}
        line = lines[number - 1]
        for replacement in sorted(change["replacements"], key=lambda r: -r["deletedRegion"]["startColumn"]):
            region = replacement["deletedRegion"]
            assert region["startLine"] == region["endLine"] == number
            start, end = region["startColumn"] - 1, region["endColumn"] - 1
            line = line[:start] + replacement.get("insertedContent", {}).get("text", "") + line[end:]
        lines[number - 1] = line
    assert lines[2:5] == [
        'echo Deploying to "$target"',
        'if [ "$target" == "prod" ]; then',
        "  cd /srv/app || exit",
    ]
