"""The GitLab CI/CD component (templates/selfheal.yml) and this project's own .gitlab-ci.yml: both valid for
GitLab's CI schema (the one bundled in check-jsonschema), the component's promises kept in its YAML, its
shell scripts clean for shellcheck, and both run for real by gitlab-ci-local."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.helpers import gitlab_ci_local
from tests.helpers.repos import Repo, make_repo

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "templates" / "selfheal.yml"
PIPELINE = ROOT / ".gitlab-ci.yml"
README = ROOT / "README.md"
INPUT = re.compile(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]")
INPUT_TYPES: dict[str, type | tuple[type, ...]] = {"boolean": bool, "string": str, "number": (int, float)}
MR_PIPELINE = {
    "CI_PIPELINE_SOURCE": "merge_request_event",
    "CI_MERGE_REQUEST_IID": "7",
    "CI_MERGE_REQUEST_PROJECT_ID": "42",
    "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42",
}


class _Loader(yaml.SafeLoader):
    """GitLab's YAML: `!reference [job, key]` read as the list it names (as check-jsonschema's transform)."""


def _reference(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> list[Any]:
    return loader.construct_sequence(node)


_Loader.add_constructor("!reference", _reference)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def schema() -> dict[str, Any]:
    text = (files("check_jsonschema.builtin_schemas.vendor") / "gitlab-ci.json").read_text()
    return dict(json.loads(text))


def errors(document: Any, subschema: dict[str, Any] | None = None) -> list[str]:
    full = schema()
    target = full if subschema is None else {**subschema, "definitions": full["definitions"]}
    validator = jsonschema.Draft7Validator(target)
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def component_parts() -> tuple[str, str]:
    """The component's two documents as text: the `spec:` header and the body, split at `---`."""
    header, sep, body = COMPONENT.read_text().partition("\n---\n")
    assert sep, "the component needs a spec header, then `---`, then the body"
    return header, body


def spec_inputs() -> dict[str, dict[str, Any]]:
    return dict(load(component_parts()[0])["spec"]["inputs"])


def defaults() -> dict[str, Any]:
    return {name: spec["default"] for name, spec in spec_inputs().items()}


def render(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def interpolate(text: str, values: dict[str, Any]) -> str:
    return INPUT.sub(lambda m: render(values[m.group(1)]), text)


def body(**given: Any) -> dict[str, Any]:
    """The component's body as GitLab builds it from `given` inputs (the rest at their defaults)."""
    return dict(load(interpolate(component_parts()[1], {**defaults(), **given})))


INPUT_SETS = [
    {},
    {"split": True, "mode": "branch", "engine": "rules", "max_attempts": "2", "verify": "make check"},
    {"merge_requests_only": False, "stage": "heal", "job_name": "fix it", "deliver_job_name": "ship_it"},
]


# --- the schema -------------------------------------------------------------------------------------------


def test_the_schema_is_the_one_check_jsonschema_bundles_and_it_rejects_nonsense() -> None:
    assert "spec" in schema()["properties"]
    assert errors({"job": {"script": ["x"], "when": "sometimes"}})
    assert errors({"job": {"script": ["x"], "rules": [{"if": "$X", "when": "on_failure", "bogus": 1}]}})


def test_the_component_header_is_a_spec_with_inputs_only() -> None:
    header = load(component_parts()[0])
    assert set(header) == {"spec"}
    assert errors(header) == []  # the header is a document of its own, valid as such
    assert errors(header["spec"], schema()["properties"]["spec"]) == []


def test_every_input_has_a_description_and_a_default_that_its_own_rules_accept() -> None:
    for name, spec in spec_inputs().items():
        assert spec.get("description"), name
        assert "default" in spec, f"{name}: `include: local:` without inputs needs every default"
        assert isinstance(spec["default"], INPUT_TYPES[spec.get("type", "string")]), name
        if "options" in spec:
            assert spec["default"] in spec["options"], name
        if "regex" in spec:
            assert re.search(str(spec["regex"]), str(spec["default"])), name


def test_the_inputs_are_the_documented_ones_and_each_is_used() -> None:
    assert set(spec_inputs()) == {
        *("stage", "job_name", "deliver_job_name", "image", "install", "fix_install", "engine", "mode"),
        "max_attempts",
        *("verify", "token_variable", "merge_requests_only", "split", "environment", "junit"),
    }
    used = set(INPUT.findall(component_parts()[1]))
    assert used == set(spec_inputs())


@pytest.mark.parametrize("given", INPUT_SETS, ids=["defaults", "split", "branch-pipelines"])
def test_the_component_body_validates_raw_and_with_inputs(given: dict[str, Any]) -> None:
    assert errors(load(component_parts()[1])) == []  # as written, placeholders and all
    assert errors(body(**given)) == []


def test_check_jsonschema_itself_accepts_both_files(tmp_path: Path) -> None:
    header, rest = component_parts()
    (tmp_path / "spec.yml").write_text(header)
    (tmp_path / "body.yml").write_text(rest)
    args = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci"]
    args += ["--data-transform", "gitlab-ci"]
    done = subprocess.run(
        [*args, str(tmp_path / "spec.yml"), str(tmp_path / "body.yml"), str(PIPELINE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- what the component promises --------------------------------------------------------------------------


def test_the_hidden_job_keeps_reports_whatever_happens() -> None:
    hidden = body()[".selfheal"]
    assert hidden["artifacts"]["when"] == "always"
    assert ".selfheal/" in hidden["artifacts"]["paths"]
    assert hidden["artifacts"]["reports"] == {
        "junit": ".selfheal/junit/*.xml",
        "codequality": "gl-code-quality.json",
    }
    assert body(junit="reports/*.xml")[".selfheal"]["artifacts"]["reports"]["junit"] == "reports/*.xml"
    install = "\n".join(hidden["before_script"])
    assert "command -v selfheal" in install and '"$_SELFHEAL_INSTALL"' in install
    # a wrapped job needs the emitter only; the fix job, which extends it, the fixer's extra too
    assert hidden["variables"]["_SELFHEAL_INSTALL"] == "ci-selfheal"
    assert body()["selfheal-fix"]["variables"]["_SELFHEAL_INSTALL"] == "ci-selfheal[fix]"
    assert "script" not in hidden  # the job that extends it brings its own


def test_the_fix_job_runs_on_failure_in_post_for_merge_requests_one_at_a_time() -> None:
    job = body()["selfheal-fix"]
    assert job["stage"] == ".post"
    assert job["interruptible"] is False
    assert job["allow_failure"] is True
    assert job["resource_group"] == "selfheal-$CI_COMMIT_REF_SLUG"
    assert job["rules"][-1] == {"when": "on_failure"}
    guards = job["rules"][:-1]
    assert all(rule["when"] == "never" for rule in guards)
    conditions = [rule["if"] for rule in guards]
    assert any("$SELFHEAL_DISABLED" in c for c in conditions)
    assert "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID != $CI_MERGE_REQUEST_PROJECT_ID" in conditions
    assert '"true" == "true" && $CI_PIPELINE_SOURCE != "merge_request_event"' in conditions
    assert '"false" == "true"' in " ".join(
        r["if"] for r in body(merge_requests_only=False)["selfheal-fix"]["rules"][:-1]
    )
    assert job["artifacts"]["when"] == "always"
    assert ".selfheal/outcome.json" in job["artifacts"]["paths"]
    assert job["variables"]["SELFHEAL_GITLAB_TOKEN_ENV"] == "SELFHEAL_GITLAB_TOKEN"
    assert job["before_script"] == [".selfheal", "before_script"]  # !reference: the same install
    assert job["image"] == "python:3.12-bookworm"


def test_the_deliver_job_exists_only_when_split_and_runs_no_repository_code() -> None:
    jobs = body(split=True, token_variable="MY_TOKEN")
    fix, deliver = jobs["selfheal-fix"], jobs["selfheal-deliver"]
    assert deliver["stage"] == fix["stage"]
    assert deliver["needs"] == [{"job": "selfheal-fix", "artifacts": True}]
    # every guard of the fix job, then the split switch: a job it needs is never missing
    assert deliver["rules"][: len(fix["rules"]) - 1] == fix["rules"][:-1]
    assert deliver["rules"][-2:] == [{"if": '"true" != "true"', "when": "never"}, {"when": "on_success"}]
    assert body()["selfheal-deliver"]["rules"][-2]["if"] == '"false" != "true"'  # not split: never
    assert "before_script" not in deliver and "after_script" not in deliver
    assert deliver["inherit"] == {"default": ["tags"]}
    assert deliver["variables"]["GIT_STRATEGY"] == "clone"
    assert deliver["variables"]["SELFHEAL_GITLAB_TOKEN_ENV"] == "MY_TOKEN"
    assert deliver["environment"] == {"name": "selfheal", "action": "access"}
    assert deliver["resource_group"] == fix["resource_group"]
    assert deliver["interruptible"] is False and deliver["allow_failure"] is True
    script = "\n".join(deliver["script"])
    assert "selfheal fix" not in script and "set -- deliver --platform gitlab" in script
    assert "(cd / && " in script  # pip never builds the checkout here
    assert "--mode patch" in "\n".join(fix["script"])


def test_job_names_and_stage_follow_the_inputs() -> None:
    jobs = body(job_name="heal", deliver_job_name="ship", stage="repair", split=True)
    assert {"heal", "ship"} <= set(jobs)
    assert jobs["heal"]["stage"] == jobs["ship"]["stage"] == "repair"
    assert jobs["ship"]["needs"][0]["job"] == "heal"


def shell_blocks(jobs: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, job in jobs.items():
        for key in ("before_script", "script", "after_script"):
            lines = job.get(key) if isinstance(job, dict) else None
            if lines == [".selfheal", "before_script"]:  # a !reference: checked where it points
                continue
            if isinstance(lines, list) and all(isinstance(line, str) for line in lines):
                yield f"{name}.{key}", "\n".join(lines) + "\n"


@pytest.mark.parametrize("given", INPUT_SETS, ids=["defaults", "split", "branch-pipelines"])
def test_the_scripts_are_clean_posix_shell(given: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (scripts/install-tools.sh installs it)")
    for where, text in shell_blocks(body(**given)):
        script = tmp_path / "script.sh"
        script.write_text(text)
        done = subprocess.run(
            ["shellcheck", "--shell=sh", "--exclude=SC2016", str(script)], capture_output=True, text=True
        )
        assert done.returncode == 0, f"{where}:\n{done.stdout}"


# --- this project's own pipeline --------------------------------------------------------------------------


def project_pipeline() -> dict[str, Any]:
    return dict(load(PIPELINE.read_text()))


def test_the_project_pipeline_is_valid_and_includes_the_component_with_known_inputs() -> None:
    pipeline = project_pipeline()
    assert errors(pipeline) == []
    [include] = pipeline["include"]
    assert include["local"] == "templates/selfheal.yml"
    assert set(include["inputs"]) <= set(spec_inputs())
    assert (include["inputs"]["install"], include["inputs"]["fix_install"]) == (".", ".[fix]")
    merged = {**body(**include["inputs"]), **{k: v for k, v in pipeline.items() if k != "include"}}
    assert errors(merged) == []
    assert "selfheal-fix" in merged


def test_the_project_tests_run_wrapped_on_python_3_11() -> None:
    test = project_pipeline()["test"]
    assert test["extends"] == ".selfheal"
    assert test["image"] == "python:3.11-bookworm"
    [command] = test["script"]
    assert command.startswith("selfheal run ") and command.endswith(" -- make test")


# --- the README's GitLab example --------------------------------------------------------------------------


def readme_gitlab_examples() -> list[str]:
    """```yaml blocks with an `include:`/`component:` under a README heading (or a parent heading) that
    names GitLab."""
    headings: dict[int, str] = {}
    found: list[str] = []
    block: list[str] | None = None  # the lines of the fenced block being read; None outside one
    is_yaml = False
    for line in README.read_text().splitlines():
        if block is not None:
            if not line.startswith("```"):
                block.append(line)
                continue
            text = "\n".join(block) + "\n"
            in_gitlab = any("gitlab" in h.lower() for h in headings.values())
            if is_yaml and in_gitlab and re.search(r"^\s*(-\s+)?(component|include):", text, flags=re.M):
                found.append(text)
            block = None
        elif line.startswith("```"):
            block, is_yaml = [], bool(re.fullmatch(r"```\s*ya?ml\s*", line))
        elif heading := re.match(r"(#+) ", line):
            level = len(heading.group(1))
            headings = {k: v for k, v in headings.items() if k < level} | {level: line}
    return found


def test_the_readme_gitlab_example_is_valid_and_uses_known_inputs() -> None:
    examples = readme_gitlab_examples()
    if not examples:
        pytest.skip("README.md has no GitLab section with an include example yet")
    for example in examples:
        document = load(example)
        assert errors(document) == [], example
        includes = document.get("include", []) if isinstance(document, dict) else []
        for include in includes if isinstance(includes, list) else [includes]:
            if isinstance(include, dict) and "selfheal" in str(
                include.get("component", include.get("local"))
            ):
                assert set(include.get("inputs") or {}) <= set(spec_inputs()), example


# --- for real: the component run by gitlab-ci-local -------------------------------------------------------


@pytest.fixture
def gcl() -> None:
    reason = gitlab_ci_local.unavailable()
    if reason:
        pytest.skip(reason)


STUB = """#!/bin/sh
# selfheal for these tests: `run` is the real one, anything else is only recorded
if [ "$1" = run ]; then exec {real} "$@"; fi
echo "stub-selfheal $*"
printf '%s\\n' "$*" >> {calls}
mkdir -p .selfheal
if [ "$1" = fix ]; then echo patch > .selfheal/fix.patch; fi
echo '{{"outcome": "skipped"}}' > .selfheal/outcome.json
"""


def component_project(tmp_path: Path, ci: str) -> tuple[Repo, dict[str, str], Path]:
    """A repository with the component in templates/ and `ci` as its .gitlab-ci.yml, and an environment
    whose `selfheal` is a stub (the real `selfheal run`), so the component's wiring is what is tested."""
    real = shutil.which("selfheal", path=str(Path(sys.executable).parent)) or shutil.which("selfheal")
    calls = tmp_path / "calls.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "selfheal"
    stub.write_text(STUB.format(real=real or "false", calls=calls))
    stub.chmod(0o755)
    repo = make_repo(
        tmp_path,
        {"templates/selfheal.yml": COMPONENT.read_text(), ".gitlab-ci.yml": ci, "check.sh": "exit 1\n"},
    )
    path = f"{bin_dir}:{gitlab_ci_local.base_env().get('PATH', '')}"
    return repo, {"PATH": path}, calls


WRAPPED = """include:
  - local: templates/selfheal.yml
    inputs:
      split: {split}
unit:
  extends: .selfheal
  script:
    - selfheal run --task unit --format codequality=gl-code-quality.json -- sh check.sh
"""


@pytest.mark.slow
def test_a_failing_wrapped_job_starts_the_fix_job_with_its_report(gcl: None, tmp_path: Path) -> None:
    repo, env, calls = component_project(tmp_path, WRAPPED.format(split="false"))
    result = gitlab_ci_local.run(repo.path, variables=MR_PIPELINE, env=env)
    assert result.status("unit") == "failed", result.output
    assert result.status("selfheal-fix") == "passed", result.output
    assert not result.ran("selfheal-deliver")
    assert calls.read_text() == "fix --platform gitlab\n"
    report = json.loads((result.workspace("selfheal-fix") / ".selfheal" / "unit.json").read_text())
    assert report["task"] == "unit" and report["exit_code"] == 1
    assert (result.artifacts("selfheal-fix") / ".selfheal" / "outcome.json").is_file()
    assert (result.artifacts("unit") / ".selfheal" / "unit.json").is_file()


@pytest.mark.slow
def test_split_the_fix_job_makes_a_patch_and_the_deliver_job_delivers_it(gcl: None, tmp_path: Path) -> None:
    # gitlab-ci-local never starts an on_success job that needs a job of a pipeline that failed (GitLab
    # does): the test's own YAML lets the deliver job run always, as GitLab would run it here
    ci = WRAPPED.format(split="true") + "selfheal-deliver:\n  rules:\n    - when: always\n"
    repo, env, calls = component_project(tmp_path, ci)
    result = gitlab_ci_local.run(repo.path, variables=MR_PIPELINE, env=env)
    assert result.status("selfheal-fix") == "passed", result.output
    assert result.status("selfheal-deliver") == "passed", result.output
    assert calls.read_text() == "fix --platform gitlab --mode patch\ndeliver --platform gitlab\n"
    assert (result.workspace("selfheal-deliver") / ".selfheal" / "fix.patch").read_text() == "patch\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variables", "why"),
    [
        ({}, "a push pipeline"),
        ({**MR_PIPELINE, "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "99"}, "a fork's merge request"),
        ({**MR_PIPELINE, "SELFHEAL_DISABLED": "true"}, "the kill switch"),
    ],
)
def test_no_fix_job_for(gcl: None, tmp_path: Path, variables: dict[str, str], why: str) -> None:
    repo, env, calls = component_project(tmp_path, WRAPPED.format(split="false"))
    result = gitlab_ci_local.run(repo.path, variables=variables, env=env)
    assert result.status("unit") == "failed", why
    assert not result.ran("selfheal-fix"), why
    assert not calls.exists()


@pytest.mark.slow
def test_a_green_merge_request_pipeline_has_no_fix_job(gcl: None, tmp_path: Path) -> None:
    repo, env, calls = component_project(tmp_path, WRAPPED.format(split="true"))
    repo.commit({"check.sh": "exit 0\n"})
    result = gitlab_ci_local.run(repo.path, variables=MR_PIPELINE, env=env)
    assert result.exit_code == 0, result.output
    assert result.statuses == {"unit": "passed"}
    assert not calls.exists()


@pytest.mark.slow
def test_the_rules_as_gitlab_ci_local_evaluates_them(gcl: None, tmp_path: Path) -> None:
    plain = "include: templates/selfheal.yml\n" + WRAPPED[WRAPPED.index("unit:") :]  # no inputs at all
    repo, env, _ = component_project(tmp_path, plain)

    def whens(**variables: str) -> dict[str, str]:
        return {name: job["when"] for name, job in gitlab_ci_local.jobs(repo.path, variables, env).items()}

    assert whens(**MR_PIPELINE) == {
        "unit": "on_success",
        "selfheal-fix": "on_failure",
        "selfheal-deliver": "never",
    }
    assert whens(**MR_PIPELINE, SELFHEAL_DISABLED="false")["selfheal-fix"] == "on_failure"
    assert whens(**MR_PIPELINE, SELFHEAL_DISABLED="1")["selfheal-fix"] == "never"
    assert whens(CI_PIPELINE_SOURCE="push")["selfheal-fix"] == "never"
    repo.commit(
        {
            ".gitlab-ci.yml": WRAPPED.format(split="true").replace(
                "split: true", "split: true\n      merge_requests_only: false"
            )
        }
    )
    assert whens(CI_PIPELINE_SOURCE="push") == {
        "unit": "on_success",
        "selfheal-fix": "on_failure",
        "selfheal-deliver": "on_success",
    }


@pytest.mark.slow
def test_the_project_pipeline_runs_its_tests_wrapped_and_the_fix_job_on_failure(
    gcl: None, tmp_path: Path
) -> None:
    """This project's own .gitlab-ci.yml, with a `make test` that fails: the test job is wrapped, the
    component comes from templates/ through `include: local:`, and the fix job runs in .post."""
    repo, env, calls = component_project(tmp_path, PIPELINE.read_text())
    repo.commit({"Makefile": "test:\n\t@echo 'app.py:1:1: E999 SyntaxError: invalid syntax'; exit 2\n"})
    result = gitlab_ci_local.run(repo.path, variables=MR_PIPELINE, env=env)
    assert result.status("test") == "failed", result.output
    assert "$ selfheal run --task test" in result.log("test")
    assert result.status("selfheal-fix") == "passed", result.output
    assert calls.read_text() == "fix --platform gitlab\n"
    assert (result.workspace("selfheal-fix") / ".selfheal" / "test.json").is_file()


STUB_MODULE = """import os, sys
def main():
    args = sys.argv[1:]
    print("installed-selfheal", *args)
    os.makedirs(".selfheal", exist_ok=True)
    if args[:1] == ["fix"]:
        open(".selfheal/fix.patch", "w").write("patch")
    return 1 if args[:1] == ["run"] else 0
"""


def stub_wheel(where: Path) -> Path:
    """A wheel whose console script `selfheal` only says how it was called (pip installs it offline)."""
    info = "selfheal_stub-0.1.dist-info"
    members = {
        "selfheal_stub.py": STUB_MODULE,
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: selfheal-stub\nVersion: 0.1\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": "[console_scripts]\nselfheal = selfheal_stub:main\n",
    }
    record = []
    for name, text in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    members[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    wheel = where / "selfheal_stub-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return wheel


@pytest.mark.slow
def test_jobs_install_selfheal_when_it_is_not_on_path(gcl: None, tmp_path: Path) -> None:
    """The install step for real: a virtualenv per job, only `selfheal` added to PATH (the job's python3
    stays the image's), and the deliver job installing from outside the checkout."""
    wheel = stub_wheel(tmp_path)
    ci = f"""include:
  - local: templates/selfheal.yml
    inputs:
      install: {wheel}
      fix_install: {wheel}
      split: true
unit:
  extends: .selfheal
  script:
    - echo "python3=$(command -v python3)"
    - selfheal run -- sh check.sh
selfheal-deliver:
  rules:
    - when: always
"""
    repo = make_repo(tmp_path, {"templates/selfheal.yml": COMPONENT.read_text(), ".gitlab-ci.yml": ci})
    dirs = gitlab_ci_local.base_env().get("PATH", "").split(os.pathsep)
    path = os.pathsep.join(d for d in dirs if d and not (Path(d) / "selfheal").exists())
    result = gitlab_ci_local.run(repo.path, variables=MR_PIPELINE, env={"PATH": path})
    assert result.statuses == {"unit": "failed", "selfheal-fix": "passed", "selfheal-deliver": "passed"}, (
        result.output
    )
    python3 = shutil.which("python3", path=path)
    assert f"python3={python3}" in result.log("unit")
    assert "installed-selfheal run -- sh check.sh" in result.log("unit")
    assert "installed-selfheal fix --platform gitlab --mode patch" in result.log("selfheal-fix")
    assert "(from outside the checkout)" in result.log("selfheal-deliver")
    assert "installed-selfheal deliver --platform gitlab" in result.log("selfheal-deliver")
