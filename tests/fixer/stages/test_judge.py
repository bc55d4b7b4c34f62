"""The judge is not edited by the defendant: every file that decides whether the check passes is found in a
candidate fix's changes, whatever shape the weakening takes, and nothing else is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from fixer.context import Change
from fixer.stages import changes as tree_changes
from fixer.stages import judge
from fixer.stages.judge import KINDS, Finding, check
from tests.helpers.repos import make_repo, run_git, write_files


class Head:
    """An in-memory HeadTree that records what the judge read."""

    def __init__(self, files: Mapping[str, str] | None = None) -> None:
        self.files = dict(files or {})
        self.reads: list[str] = []

    def paths(self) -> list[str]:
        return list(self.files)

    def read(self, path: str) -> bytes | None:
        self.reads.append(path)
        text = self.files.get(path)
        return None if text is None else text.encode()


class GitHead:
    """HeadTree over a real repository's HEAD, as the caller's git reads it."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo

    def paths(self) -> list[str]:
        return [p for p in run_git(self.repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0") if p]

    def read(self, path: str) -> bytes | None:
        return (
            run_git(self.repo, "cat-file", "blob", f"HEAD:{path}").encode() if path in self.paths() else None
        )


def edit(
    path: str,
    added: Sequence[str] = (),
    removed: Sequence[str] = (),
    status: str = "M",
    old: str | None = None,
) -> Change:
    return Change(path=path, status=status, old_path=old, added=tuple(added), removed=tuple(removed))


def run(
    changes: Sequence[Change],
    files: Mapping[str, str] | None = None,
    commands: Sequence[Sequence[str]] = (),
    preserving: frozenset[str] = frozenset(),
) -> list[Finding]:
    found = check(changes, commands, Head(files), preserving)
    assert all(f.kind in KINDS and f.detail for f in found)
    return found


def kinds(found: list[Finding]) -> dict[str, str]:
    return {f.path: f.kind for f in found}


APP = {"src/app.py": "def add(a, b):\n    return a + b\n"}


# -- by path ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("tests/test_calc.py", "test"),
        ("pkg/calc_test.go", "test"),
        ("web/src/button.spec.tsx", "test"),
        ("unit-tests/calc.py", "test"),
        ("src/Shop.Tests/Helpers.cs", "test"),
        ("e2e/login.ts", "test"),
        ("app/tests.py", "test"),
        ("src/main/java/CalcTest.java", "test"),
        ("src/it/java/CalcIT.java", "test"),
        ("t/basic.t", "test"),
        ("features/login.feature", "test"),
        ("pkg/testdata/input.txt", "test_data"),
        ("web/__snapshots__/button.snap", "test_data"),
        ("src/snapshots/backup.json", "test_data"),
        ("fixtures/users.yaml", "test_data"),
        ("golden/report.txt", "test_data"),
        ("render.approved.txt", "test_data"),
        ("conftest.py", "test_config"),
        ("pytest.ini", "test_config"),
        ("pytest.toml", "test_config"),
        ("tox.ini", "test_config"),
        ("setup.cfg", "test_config"),
        ("pyproject.toml", "test_config"),
        ("noxfile.py", "test_config"),
        (".coveragerc", "test_config"),
        ("web/jest.config.ts", "test_config"),
        ("jest-e2e.json", "test_config"),
        ("vitest.config.mts", "test_config"),
        ("vite.config.js", "test_config"),
        (".mocharc.yml", "test_config"),
        ("karma.conf.js", "test_config"),
        ("playwright.config.ts", "test_config"),
        ("cypress.config.ts", "test_config"),
        ("spec/support/jasmine.json", "test_config"),
        ("phpunit.xml.dist", "test_config"),
        (".rspec", "test_config"),
        ("spec/spec_helper.rb", "test_config"),
        ("src/setupTests.ts", "test_config"),
        ("crates/core/Cargo.toml", "test_config"),
        (".cargo/config.toml", "test_config"),
        ("tests.runsettings", "test_config"),
        ("testng.xml", "test_config"),
        ("package.json", "test_config"),
        ("sitecustomize.py", "test_config"),
        (".gitlab-ci.yml", "ci_config"),
        (".gitlab/ci/test.yml", "ci_config"),
        (".buildkite/pipeline.yml", "ci_config"),
        (".buildkite/hooks/pre-command", "ci_config"),
        ("buildkite.yaml", "ci_config"),
        (".github/workflows/ci.yml", "ci_config"),
        ("Jenkinsfile", "ci_config"),
        ("ci/release.jenkinsfile", "ci_config"),
        (".circleci/config.yml", "ci_config"),
        ("azure-pipelines.yml", "ci_config"),
        ("bitbucket-pipelines.yml", "ci_config"),
        (".travis.yml", "ci_config"),
        ("appveyor.yml", "ci_config"),
        (".drone.yml", "ci_config"),
        (".woodpecker/test.yml", "ci_config"),
        ("cloudbuild.yaml", "ci_config"),
        ("buildspec.yml", "ci_config"),
        (".cirrus.yml", "ci_config"),
        (".semaphore/semaphore.yml", "ci_config"),
        ("codemagic.yaml", "ci_config"),
        ("bitrise.yml", "ci_config"),
        (".tekton/pr.yaml", "ci_config"),
        (".pre-commit-config.yaml", "ci_config"),
        (".husky/pre-push", "ci_config"),
        ("lefthook.yml", "ci_config"),
        ("Earthfile", "ci_config"),
        (".teamcity/settings.kts", "ci_config"),
        ("ruff.toml", "tool_config"),
        (".flake8", "tool_config"),
        (".pylintrc", "tool_config"),
        ("mypy.ini", "tool_config"),
        ("pyrightconfig.json", "tool_config"),
        (".golangci.yml", "tool_config"),
        ("clippy.toml", "tool_config"),
        (".eslintrc.cjs", "tool_config"),
        ("eslint.config.mjs", "tool_config"),
        (".prettierignore", "tool_config"),
        ("biome.jsonc", "tool_config"),
        ("tsconfig.build.json", "tool_config"),
        (".editorconfig", "tool_config"),
        (".clang-tidy", "tool_config"),
        ("config/checkstyle/checkstyle.xml", "tool_config"),
        (".rubocop_todo.yml", "tool_config"),
        ("phpstan.neon.dist", "tool_config"),
        (".swiftlint.yml", "tool_config"),
        ("sonar-project.properties", "tool_config"),
        ("Directory.Build.props", "tool_config"),
        (".config/ansible-lint.yml", "tool_config"),
        ("detekt-baseline.xml", "tool_config"),  # the principle: a lint baseline, whatever the tool
        (".htmllintrc", "tool_config"),  # and a linter no entry names
        ("project-words.txt", "tool_config"),  # a spelling checker's accepted words
        (".python-version", "tool_config"),  # which version of the tool judges
        ("rust-toolchain.toml", "tool_config"),
        ("web/.gitignore", "vcs_config"),
        (".gitattributes", "vcs_config"),
        (".gitmodules", "vcs_config"),
        (".selfheal.yml", "selfheal_config"),
        (".selfheal/lint.json", "selfheal_config"),
        (".lfsconfig", "vcs_config"),
        ("buildkite/pipeline.yml", "ci_config"),
        (".gitea/workflows/ci.yml", "ci_config"),
        ("jenkins/build.groovy", "ci_config"),
        (".azure-pipelines/ci.yml", "ci_config"),
        (".builds/alpine.yml", "ci_config"),
        (".screwdriver.yaml", "ci_config"),
        (".harness/pipeline.yaml", "ci_config"),
        ("Dangerfile", "ci_config"),
        ("ci/run_tests.sh", "ci_config"),
        ("codecov.yml", "ci_config"),
        ("ava.config.js", "test_config"),
        (".nycrc.json", "test_config"),
        ("babel.config.js", "test_config"),
        ("lib/test_helper.rb", "test_config"),
        (".config/nextest.toml", "test_config"),
        ("cucumber.js", "test_config"),
        (".env.test", "test_config"),
        ("app/TestCalc.java", "test"),
        ("app/CalcITCase.java", "test"),
        (".isort.cfg", "tool_config"),
        (".bandit", "tool_config"),
        (".shellcheckrc", "tool_config"),
        (".hadolint.yaml", "tool_config"),
        ("deno.json", "tool_config"),
        ("knip.json", "tool_config"),
        ("app/rules.ruleset", "tool_config"),
        ("detekt.yml", "tool_config"),
        (".vale.ini", "tool_config"),
        (".vale/styles/house.yml", "tool_config"),
        ("_typos.toml", "tool_config"),
        (".swiftformat", "tool_config"),
        (".semgrep.yml", "tool_config"),
        (".gitleaks.toml", "tool_config"),
        (".luacheckrc", "tool_config"),
        (".credo.exs", "tool_config"),
        (".perlcriticrc", "tool_config"),
        (".trunk/trunk.yaml", "tool_config"),
    ],
)
def test_a_judge_file_is_found_by_its_path(path: str, kind: str) -> None:
    assert kinds(run([edit(path)])) == {path: kind}


def test_a_gitignore_in_a_subfolder_is_vcs_configuration() -> None:
    found = run([edit("web/build/.gitignore", ["*.log", "dist/"])])
    assert [(f.path, f.kind) for f in found] == [("web/build/.gitignore", "vcs_config")]


def test_the_branchs_own_selfheal_policy_is_the_judge() -> None:
    found = run([edit(".selfheal.yml", ["max_attempts: 100"], ["max_attempts: 3"])])
    assert [(f.path, f.kind) for f in found] == [(".selfheal.yml", "selfheal_config")]


@pytest.mark.parametrize(
    "path",
    [
        "src/app.py",
        "README.md",
        "docs/linting.md",
        "src/lint_rules.py",
        "fixer/platforms/buildkite/env.py",
        "data/x.json",
        "emitter/parsers/lint_py.py",
        "src/snapshots/service.py",
        "ansible/roles/web/tasks/main.yml",
        "deploy/k8s.yaml",
        "Dockerfile",
        "pkg/server.go",
        "web/src/components/Button.tsx",
        "docs/test-plan.md",
        "poetry.toml",  # ends like ty.toml, is not it
        "src/notes.pep8.py",
    ],
)
def test_a_plain_source_or_document_change_is_not_the_judge(path: str) -> None:
    assert run([edit(path, ["x = 1"], ["x = 0"])], {**APP, "tests/test_app.py": "def test_add(): ..."}) == []


# -- the shapes a weakened test takes -----------------------------------------------------------------------


def test_an_assertion_loosened_in_a_test_is_the_test() -> None:
    change = edit("tests/test_calc.py", ["    assert add(1, 2)"], ["    assert add(1, 2) == 3"])
    assert kinds(run([change])) == {"tests/test_calc.py": "test"}


def test_a_test_body_wrapped_in_if_false_is_the_test() -> None:
    change = edit(
        "tests/test_calc.py",
        ["    if False:", "        assert add(1, 2) == 3"],
        ["    assert add(1, 2) == 3"],
    )
    assert kinds(run([change])) == {"tests/test_calc.py": "test"}


def test_deselecting_a_test_in_pytest_ini_is_test_configuration() -> None:
    change = edit("pytest.ini", ["addopts = -k 'not test_total'"], ["addopts = -q"])
    assert run([change]) == [Finding("pytest.ini", "test_config", "pytest configuration")]


def test_a_monkeypatch_added_to_conftest_is_test_configuration() -> None:
    added = [
        "@pytest.fixture(autouse=True)",
        "def _fake(monkeypatch):",
        "    monkeypatch.setattr(app, 'add', lambda a, b: 3)",
    ]
    assert kinds(run([edit("tests/conftest.py", added)])) == {"tests/conftest.py": "test_config"}


def test_a_new_conftest_hook_that_skips_tests_is_test_configuration() -> None:
    added = ["def pytest_collection_modifyitems(items):", "    items.clear()"]
    found = run([edit("src/conftest.py", added, status="A")])
    assert kinds(found) == {"src/conftest.py": "test_config"}
    assert found[0].detail.endswith("(added)")


def test_a_test_file_renamed_away_counts_for_its_old_path() -> None:
    found = run([edit("src/calc_check.py.bak", status="R100", old="tests/test_calc.py")])
    assert kinds(found) == {"tests/test_calc.py": "test"}
    assert found[0].detail == "test file (renamed to src/calc_check.py.bak)"


def test_a_deleted_judge_file_counts() -> None:
    assert run([edit("pytest.ini", status="D")]) == [
        Finding("pytest.ini", "test_config", "pytest configuration (deleted)")
    ]


# -- test data ------------------------------------------------------------------------------------------------

READS_DATA = {
    **APP,
    "tests/test_report.py": "def test_report():\n    assert render() == (DATA / 'expected_totals.csv').read_text()\n",
    "data/expected_totals.csv": "a,1\n",
    "data/unrelated.csv": "b,2\n",
}


def test_a_data_file_a_test_names_is_test_data() -> None:
    found = run([edit("data/expected_totals.csv", ["a,3"], ["a,1"])], READS_DATA)
    assert found == [Finding("data/expected_totals.csv", "test_data", "named by tests/test_report.py")]


def test_a_data_file_no_test_names_is_not_test_data() -> None:
    assert run([edit("data/unrelated.csv", ["b,3"], ["b,2"])], READS_DATA) == []


@pytest.mark.parametrize(
    "reads",
    [
        'open(f"data/{name}.csv")',
        "load('data/' + name)",
    ],
)
def test_a_data_file_in_a_folder_a_test_names_as_a_path_is_test_data(reads: str) -> None:
    files = {
        "tests/test_report.py": f"def test_report(name):\n    check({reads})\n",
        "data/unrelated.csv": "",
    }
    assert kinds(run([edit("data/unrelated.csv", ["b,3"])], files)) == {"data/unrelated.csv": "test_data"}


@pytest.mark.parametrize(
    "test", ["assert reply['data'] == []", '(tmp_path / "data").mkdir()', "run('command')"]
)
def test_a_name_as_a_plain_word_is_not_a_mention(test: str) -> None:
    files = {
        "tests/test_api.py": f"def test_api():\n    {test}\n",
        "data/unrelated.csv": "",
        "hooks/command": "",
    }
    changes = [edit("data/unrelated.csv", ["b,3"]), edit("hooks/command", ["exit 0"])]
    assert run(changes, files) == []


def test_a_file_without_extension_a_test_opens_is_test_data() -> None:
    files = {
        "tests/test_version.py": "def test_version():\n    assert open('VERSION').read()\n",
        "VERSION": "1",
    }
    assert kinds(run([edit("VERSION", ["2"], ["1"])], files)) == {"VERSION": "test_data"}


def test_a_data_file_the_checks_script_names_is_test_data() -> None:
    files = {
        "ci/check.sh": "./build.sh > out.txt && python3 tools/compare.py out.txt reference/output.txt\n",
        "reference/output.txt": "ok\n",
    }
    found = run([edit("reference/output.txt", ["anything"])], files, [["bash", "ci/check.sh"]])
    assert found == [Finding("reference/output.txt", "test_data", "named by ci/check.sh")]


def test_the_scan_for_data_a_test_names_is_bounded() -> None:
    files = {f"tests/test_{i}.py": "def test(): pass\n" for i in range(judge.MAX_SCAN_FILES * 2)}
    head = Head({**files, "data/x.json": "{}"})
    assert check([edit("data/x.json", ["{}"])], [], head) == []
    assert len(head.reads) <= judge.MAX_SCAN_FILES


def test_a_doctest_is_a_test_wherever_it_lives() -> None:
    files = {"src/app.py": 'def add(a, b):\n    """\n    >>> add(2, 2)\n    4\n    """\n    return a + b\n'}
    expected_changed = edit("src/app.py", ["    5"], ["    4"])
    assert kinds(run([expected_changed], files)) == {"src/app.py": "test"}
    assert kinds(run([edit("src/app.py", ["    >>> add(1, 1)", "    2"])], files)) == {"src/app.py": "test"}
    assert run([edit("src/app.py", ["    return b + a"], ["    return a + b"])], files) == []


# -- formatters ---------------------------------------------------------------------------------------------


def test_a_formatter_may_touch_a_test_and_its_data() -> None:
    changes = [
        edit("tests/test_calc.py", ['x = "a"'], ["x = 'a'"]),
        edit("data/expected_totals.csv", ["a,1 "]),
    ]
    formatted = frozenset({"tests/test_calc.py", "data/expected_totals.csv"})
    assert run(changes, READS_DATA, preserving=formatted) == []


def test_a_formatter_may_not_touch_test_configuration() -> None:
    found = run(
        [edit("pytest.ini", ["addopts = -q "], ["addopts = -q"])], preserving=frozenset({"pytest.ini"})
    )
    assert kinds(found) == {"pytest.ini": "test_config"}


def test_a_preserving_fix_may_touch_the_program_the_failed_command_runs() -> None:
    files = {"summary.py": "print(json.dumps({}))\n", "Makefile": "check:\n\tpython summary.py \n"}
    fix = [edit("summary.py", ["import json"])]
    assert run(fix, files, [["python", "summary.py"]], preserving=frozenset({"summary.py"})) == []
    # the same edit from anything that does not promise to keep the meaning is the judge's
    assert kinds(run(fix, files, [["python", "summary.py"]])) == {"summary.py": "build_file"}


@pytest.mark.parametrize(
    ("command", "path", "files"),
    [
        (["make", "check"], "Makefile", {"Makefile": "check:\n\tpython summary.py \n"}),
        (["sh", "ci/check.sh"], "ci/check.sh", {"ci/check.sh": "pytest -q \n"}),
    ],
    ids=["a build description", "a shell script"],
)
def test_a_preserving_fix_may_not_touch_what_the_command_runs_when_it_is_no_program_source(
    command: list[str], path: str, files: dict[str, str]
) -> None:
    found = run([edit(path, ["x"], ["x "])], files, [command], preserving=frozenset({path}))
    assert kinds(found) == {path: "build_file"}


def test_a_formatter_may_not_add_a_suppression_to_a_test() -> None:
    found = run(
        [edit("tests/test_calc.py", ["import os  # noqa"])], preserving=frozenset({"tests/test_calc.py"})
    )
    assert kinds(found) == {"tests/test_calc.py": "suppression"}


# -- CI configuration that another CI file names -------------------------------------------------------------

GITLAB = {
    ".gitlab-ci.yml": (
        "include:\n  - local: /pipelines/base.yml\n  - remote: https://example.com/x.yml\n"
        "test:\n  script:\n    - !reference [.setup, script]\n    - make test\n"
    ),
    "pipelines/base.yml": "include: 'pipelines/jobs/*.yml'\n.setup:\n  script: [echo]\n",
    "pipelines/jobs/unit.yml": "unit:\n  trigger:\n    include:\n      - local: pipelines/child.yml\n",
    "pipelines/child.yml": "child:\n  script: [pytest]\n",
    "pipelines/unused.yml": "nothing: {}\n",
}


@pytest.mark.parametrize("path", ["pipelines/base.yml", "pipelines/jobs/unit.yml", "pipelines/child.yml"])
def test_gitlab_local_includes_are_ci_configuration_nested_and_globbed(path: str) -> None:
    found = run([edit(path, ["  script: [true]"])], GITLAB)
    assert kinds(found) == {path: "ci_config"}
    assert "include" in found[0].detail


def test_a_yaml_file_nothing_includes_is_not_ci_configuration() -> None:
    assert run([edit("pipelines/unused.yml", ["x: 1"])], GITLAB) == []


@pytest.mark.parametrize(
    "include",
    [
        "include: extra/jobs.yml",
        "include: [extra/jobs.yml]",
        "include:\n  - extra/jobs.yml",
        "include:\n  local: /extra/jobs.yml",
        "include:\n  - local: extra/jobs.yml\n    rules:\n      - if: $CI",
        "include:\n  - local: extra/$JOBS_FILE",
        "include:\n  - project: group/this\n    file: [/extra/jobs.yml]",
    ],
)
def test_every_shape_of_gitlab_include(include: str) -> None:
    files = {".gitlab-ci.yml": include + "\n", "extra/jobs.yml": "job: {}\n"}
    assert kinds(run([edit("extra/jobs.yml", ["x: 1"])], files)) == {"extra/jobs.yml": "ci_config"}


def test_a_component_of_this_project_is_ci_configuration() -> None:
    files = {
        ".gitlab-ci.yml": "include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/fix@$CI_COMMIT_SHA\n"
    }
    found = run([edit("templates/fix.yml", ["spec: {}"])], files)
    assert kinds(found) == {"templates/fix.yml": "ci_config"}


def test_an_alias_bomb_in_gitlab_ci_is_walked_within_a_budget() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    assert run([edit("extra/jobs.yml", ["x: 1"])], {".gitlab-ci.yml": bomb, "extra/jobs.yml": ""}) == []


def test_a_pipeline_buildkite_uploads_is_ci_configuration() -> None:
    files = {
        ".buildkite/pipeline.yml": "steps:\n  - command: buildkite-agent pipeline upload tools/ci/steps.yml\n"
    }
    found = run([edit("tools/ci/steps.yml", ["steps: []"])], files)
    assert found == [
        Finding("tools/ci/steps.yml", "ci_config", "Buildkite pipeline uploaded by .buildkite/pipeline.yml")
    ]


# -- suppressions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "line", "marker"),
    [
        ("src/app.py", "import os  # noqa: F401", "# noqa: F401"),
        ("src/app.py", "x: int = 'a'  # type: ignore[assignment]", "# type: ignore[assignment]"),
        ("src/app.py", "x = f()  # pyright: ignore[reportGeneralTypeIssues]", "# pyright: ignore"),
        ("src/app.py", "# mypy: ignore-errors", "# mypy: ignore-errors"),
        ("src/app.py", "def f():  # pylint: disable=too-many-locals", "# pylint: disable"),
        ("src/app.py", "subprocess.call(cmd, shell=True)  # nosec B602", "# nosec"),
        ("src/app.py", "if debug:  # pragma: no cover", "# pragma: no cover"),
        ("src/app.py", "# fmt: off", "# fmt: off"),
        ("src/app.py", "import b, a  # isort: skip", "# isort: skip"),
        ("src/app.py", "warnings.filterwarnings('ignore')", "filterwarnings"),
        ("web/app.ts", "// eslint-disable-next-line no-explicit-any", "// eslint-disable-next-line"),
        ("web/app.ts", "/* eslint-disable */", "/* eslint-disable"),
        ("web/app.ts", "// @ts-ignore", "// @ts-ignore"),
        ("web/app.ts", "// @ts-expect-error", "// @ts-expect-error"),
        ("web/app.ts", "// @ts-nocheck", "// @ts-nocheck"),
        ("web/app.ts", "// prettier-ignore", "// prettier-ignore"),
        ("web/app.ts", "// biome-ignore lint/style: reason", "// biome-ignore"),
        ("web/app.ts", "// deno-lint-ignore no-explicit-any", "// deno-lint-ignore"),
        ("web/app.ts", "/* istanbul ignore next */", "/* istanbul ignore next"),
        ("web/app.ts", "/* c8 ignore next 3 */", "/* c8 ignore"),
        ("src/lib.rs", "#[allow(dead_code)]", "#[allow(dead_code)]"),
        ("src/lib.rs", "#![allow(clippy::all)]", "#![allow(clippy::all)]"),
        ("src/lib.rs", "#[cfg_attr(test, allow(unused))]", "#[cfg_attr(test, allow(unused))]"),
        ("pkg/x.go", "x := f() //nolint:errcheck", "//nolint:errcheck"),
        ("pkg/x.go", "//lint:ignore SA1019 old api", "//lint:ignore"),
        ("pkg/x_impl.go", "//go:build ignore", "//go:build ignore"),
        ("src/x.cpp", "int x = f(); // NOLINT(bugprone-unused-return-value)", "// NOLINT"),
        ("src/x.cpp", '#pragma GCC diagnostic ignored "-Wunused"', "#pragma GCC diagnostic ignored"),
        ("src/X.cs", "#pragma warning disable CS0168", "#pragma warning disable"),
        ("src/X.cs", '[SuppressMessage("Style", "IDE0051")]', "SuppressMessage"),
        ("src/X.java", '@SuppressWarnings("unchecked")', "@SuppressWarnings"),
        ("src/X.kt", '@Suppress("UNUSED")', "@Suppress"),
        ("src/X.java", "//noinspection unchecked", "//noinspection"),
        ("run.sh", "# shellcheck disable=SC2086", "# shellcheck disable=SC2086"),
        ("Dockerfile", "# hadolint ignore=DL3008", "# hadolint ignore=DL3008"),
        ("deploy.yml", "# yamllint disable-line rule:line-length", "# yamllint disable"),
        ("lib/x.rb", "def f # rubocop:disable Metrics/AbcSize", "# rubocop:disable"),
        ("src/X.php", "// phpcs:ignore Generic.Files", "// phpcs:ignore"),
        ("src/X.php", "/** @phpstan-ignore-next-line */", "@phpstan-ignore-next-line"),
        ("main.tf", "# tflint-ignore: terraform_unused", "# tflint-ignore"),
        ("main.tf", "#checkov:skip=CKV_AWS_20: public", "#checkov:skip"),
        ("src/X.java", 'String key = "x"; // NOSONAR', "// NOSONAR"),
        ("docs/x.md", "<!-- markdownlint-disable MD013 -->", "<!-- markdownlint-disable MD013"),
    ],
)
def test_an_added_suppression_is_found_in_any_file(path: str, line: str, marker: str) -> None:
    found = run([edit(path, ["x = 1", line])])
    assert kinds(found) == {path: "suppression"}
    assert found[0].detail.startswith(f"adds `{marker}")


def test_a_suppression_is_shown_as_its_comment() -> None:
    assert run([edit("src/app.py", ["import os  # noqa: F401"])]) == [
        Finding("src/app.py", "suppression", "adds `# noqa: F401`")
    ]


def test_a_suppression_that_was_already_there_is_not_added() -> None:
    moved = edit("src/app.py", ["import os, sys  # noqa: F401"], ["import os  # noqa: F401"])
    assert run([moved]) == []


@pytest.mark.parametrize(
    "line",
    [
        "allowance = 3",
        "notice = 'x'",
        "kind: str = 'ignore'",
        "def nosecret(): ...",
        "// ignore the cache",
        "typed = True",
    ],
)
def test_a_line_that_only_looks_like_a_suppression_is_not_one(line: str) -> None:
    assert run([edit("src/app.py", [line])]) == []


# -- what the failed command runs, names and is defined by --------------------------------------------------


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (["bash", "ci/check.sh"], "ci/check.sh"),
        (["python", "check.py"], "check.py"),
        (["sh", "-c", "./run-tests.sh --fast"], "run-tests.sh"),
        (["bash", "-ec", "cd web && ./check --strict"], "web/check"),
        (["python3", "-m", "tools.check"], "tools/check.py"),
        (["python", "-m", "pytest"], "pytest.py"),  # a module of that name in the checkout shadows pytest
        (["pytest", "-c", "ci/pytest-ci.ini"], "ci/pytest-ci.ini"),
        (["pylint", "--rcfile=lint/pylintrc", "src"], "lint/pylintrc"),
        (["uv", "run", "python", "scripts/verify.py"], "scripts/verify.py"),
        (["env", "STRICT=1", "timeout", "60", "./gate"], "gate"),
        (["selfheal", "run", "--task", "lint", "--", "bash", "ci/check.sh"], "ci/check.sh"),
        (["node", "--require", "./setup.js", "scripts/lint.mjs"], "scripts/lint.mjs"),
        (["node", "--require", "./setup.js", "scripts/lint.mjs"], "setup.js"),
        (["/builds/acme/shop/ci/check.sh"], "ci/check.sh"),
        (["bash", "-c", "python judge.py < expected.txt"], "expected.txt"),
    ],
)
def test_a_file_the_failed_command_names_is_its_build_file(command: list[str], path: str) -> None:
    files = {"ci/check.sh": "", "check.py": "", "tools/check.py": "", "web/check": "", "gate": ""}
    found = run([edit(path, ["exit 0"])], files, [command])
    assert [(f.path, f.kind) for f in found] == [(path, "build_file")]
    assert "the failed command `" in found[0].detail


def test_the_expectation_the_failed_command_compares_against_is_test_data() -> None:
    found = run(
        [edit("reference/report.txt", ["a,2"])],
        {},
        [["sh", "-c", "./report > out.txt && diff -u reference/report.txt out.txt"]],
    )
    assert found == [
        Finding(
            "reference/report.txt",
            "test_data",
            "compared by the failed command `./report > out.txt && diff -u reference/report.txt out.txt`",
        )
    ]


def test_the_detail_quotes_the_failed_command() -> None:
    found = run([edit("ci/check.sh", ["exit 0"])], {"ci/check.sh": "pytest\n"}, [["bash", "ci/check.sh"]])
    assert found == [Finding("ci/check.sh", "build_file", "named by the failed command `bash ci/check.sh`")]


def test_what_the_checks_shell_script_runs_is_the_judge_too() -> None:
    files = {"ci/check.sh": "#!/bin/sh\nset -e\nsource ci/env.sh\npython tools/verify.py --strict\n"}
    changes = [edit("tools/verify.py", ["sys.exit(0)"]), edit("ci/env.sh", ["exit 0"])]
    found = run(changes, files, [["bash", "ci/check.sh"]])
    assert kinds(found) == {"tools/verify.py": "build_file", "ci/env.sh": "build_file"}
    assert found[0].detail == "named by the failed command `bash ci/check.sh` (through ci/check.sh)"


def test_a_missing_script_the_fix_adds_is_still_the_judge() -> None:
    found = run([edit("run-tests.sh", ["exit 0"], status="A")], {}, [["sh", "-c", "./run-tests.sh --fast"]])
    assert kinds(found) == {"run-tests.sh": "build_file"}


def test_the_files_a_linter_checks_are_not_its_judge() -> None:
    assert run([edit("src/app.py", ["x = 1"])], APP, [["ruff", "check", "src/app.py"]]) == []


def test_a_test_the_runner_names_is_a_test_wherever_it_lives() -> None:
    change = edit("checks/verify_totals.py", ["    if False:"])
    found = run(
        [change],
        {"checks/verify_totals.py": ""},
        [["python", "-m", "pytest", "checks/verify_totals.py::test_a"]],
    )
    assert kinds(found) == {"checks/verify_totals.py": "test"}


MAKEFILE = (
    "PYTHON ?= python3\n.PHONY: test lint deploy\n"
    "test: lint\n\t@$(PYTHON) -m pytest -q\n\t./scripts/smoke.sh\n"
    "lint:\n\t$(PYTHON) tools/lint_gate.py\n"
    "deploy:\n\t./scripts/deploy.sh\n"
)


@pytest.mark.parametrize("path", ["Makefile", "mk/common.mk", "scripts/smoke.sh", "tools/lint_gate.py"])
def test_make_test_is_judged_by_its_makefile_and_what_the_target_runs(path: str) -> None:
    found = run([edit(path, ["\ttrue"])], {"Makefile": MAKEFILE}, [["make", "test"]])
    assert kinds(found) == {path: "build_file"}


def test_a_make_target_the_failed_command_never_reaches_is_not_its_judge() -> None:
    assert run([edit("scripts/deploy.sh", ["true"])], {"Makefile": MAKEFILE}, [["make", "test"]]) == []


def test_a_tasks_working_directory_passed_as_env_dash_c() -> None:
    files = {"web/package.json": '{"scripts": {"test": "node check.js"}}'}
    found = run(
        [edit("web/check.js", ["x"]), edit("package.json", ["{}"])],
        files,
        [["env", "-C", "web", "npm", "test"]],
    )
    assert kinds(found) == {"web/check.js": "build_file", "package.json": "test_config"}


def test_a_target_from_an_included_makefile_is_followed() -> None:
    files = {"Makefile": "include mk/*.mk\n", "mk/lint.mk": "lint:\n\t./tools/lint-gate\n"}
    found = run([edit("tools/lint-gate", ["exit 0"])], files, [["make", "lint"]])
    assert kinds(found) == {"tools/lint-gate": "build_file"}


def test_make_dash_c_reads_the_makefile_in_that_folder() -> None:
    files = {"backend/Makefile": "check:\n\tbash gate.sh\n"}
    found = run([edit("backend/gate.sh", ["exit 0"])], files, [["make", "-C", "backend", "check"]])
    assert kinds(found) == {"backend/gate.sh": "build_file"}


PACKAGE = '{"scripts": {"pretest": "node scripts/prepare.js", "test": "jest -c jest.ci.js && node scripts/verify.js", "deploy": "node scripts/deploy.js"}}'


@pytest.mark.parametrize(
    "path", ["package.json", ".npmrc", "scripts/prepare.js", "scripts/verify.js", "jest.ci.js"]
)
def test_npm_test_is_judged_by_package_json_and_its_scripts(path: str) -> None:
    found = run([edit(path, ["x"])], {"package.json": PACKAGE}, [["npm", "test"]])
    assert kinds(found) == {path: "build_file"}


def test_an_npm_script_the_failed_command_never_runs_is_not_its_judge() -> None:
    assert run([edit("scripts/deploy.js", ["x"])], {"package.json": PACKAGE}, [["npm", "test"]]) == []


def test_npm_run_all_runs_the_scripts_its_patterns_name() -> None:
    files = {"package.json": '{"scripts": {"lint": "run-s lint:*", "lint:js": "node tools/js-gate.mjs"}}'}
    found = run([edit("tools/js-gate.mjs", ["x"])], files, [["pnpm", "run", "lint"]])
    assert kinds(found) == {"tools/js-gate.mjs": "build_file"}


def test_tox_runs_its_environments_commands() -> None:
    files = {"tox.ini": "[testenv]\ncommands =\n    {envpython} tools/gate.py {posargs}\n"}
    found = run([edit("tools/gate.py", ["x"])], files, [["tox", "-e", "py311"]])
    assert kinds(found) == {"tools/gate.py": "build_file"}


# -- the whole thing, on a real repository ------------------------------------------------------------------


def test_a_real_repository_tree_to_tree(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "app/report.py": "def render():\n    return 'a,1\\n'\n",
            "tests/test_report.py": "def test_render():\n    assert render() == read('report_expected.txt')\n",
            "checks/report_expected.txt": "a,1\n",
            "Makefile": "test:\n\tpython -m pytest -q\n\t./scripts/smoke.sh\n",
            "scripts/smoke.sh": "#!/bin/sh\ntest -s app/report.py\n",
            ".gitlab-ci.yml": "include:\n  - local: ci-jobs/test.yml\n",
            "ci-jobs/test.yml": "test:\n  script: [make test]\n",
        },
    )
    write_files(
        repo.path,
        {
            "app/report.py": "def render():\n    return 'a,2\\n'\n",
            "checks/report_expected.txt": "a,2\n",
            "scripts/smoke.sh": "#!/bin/sh\nexit 0\n",
            "ci-jobs/test.yml": "test:\n  script: [true]\n",
        },
    )
    repo.git("add", "-A")
    candidate = repo.git("write-tree").strip()
    found = check(tree_changes.changes(repo.path, candidate), [["make", "test"]], GitHead(repo.path))
    assert kinds(found) == {
        "checks/report_expected.txt": "test_data",
        "scripts/smoke.sh": "build_file",
        "ci-jobs/test.yml": "ci_config",
    }
