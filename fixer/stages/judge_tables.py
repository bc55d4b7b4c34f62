"""The judge's tables of paths: which files decide whether a check passes, by their names alone.

Each entry is a regex searched in the repo-relative POSIX path and the line a human reads: which tool or
CI reads the file (the detail is the entry's comment; a `#` comment adds why where the name does not). Names are
matched at any depth unless anchored with `^`: a monorepo's `web/.eslintrc.json` judges `web/` as surely
as the root one judges the root, and a false hit only hands a fix to a human.
"""

from __future__ import annotations

import re

_Table = tuple[tuple[str, str], ...]


def _name(rx: str) -> str:
    """A file name (regex) at any depth."""
    return rf"(^|/)(?:{rx})$"


def _dir(rx: str) -> str:
    """Everything inside a folder (regex for its name) at any depth."""
    return rf"(^|/)(?:{rx})/"


SELFHEAL_CONFIG: _Table = (
    (_name(r"\.selfheal\.ya?ml"), "selfheal's own policy (read by `selfheal fix`)"),
    (_dir(r"\.selfheal"), "selfheal's reports (read by `selfheal fix`)"),
)

VCS_CONFIG: _Table = (
    (_name(r"\.gitignore"), "git: ignore rules (decide what a commit and a fresh clone contain)"),
    (_name(r"\.gitattributes"), "git: attributes (filters, diff drivers, export rules)"),
    (_name(r"\.gitmodules"), "git: submodules"),
    (_name(r"\.lfsconfig"), "git-lfs configuration"),
)

CI_CONFIG: _Table = (
    (_name(r"([^/]*\.)?gitlab-ci\.ya?ml"), "GitLab CI pipeline"),
    (_dir(r"\.gitlab(-ci)?"), "GitLab CI configuration folder"),
    (_dir(r"\.buildkite"), "Buildkite pipeline and hooks"),
    (_name(r"\.?buildkite\.(ya?ml|json)"), "Buildkite pipeline"),
    (r"^buildkite/", "Buildkite pipeline folder"),  # root only: `buildkite/` deeper is often source code
    (_dir(r"\.github"), "GitHub Actions and repository settings"),
    (_dir(r"\.(gitea|forgejo)"), "Gitea/Forgejo Actions"),
    (_name(r"Jenkinsfile[^/]*|[^/]*\.[Jj]enkinsfile"), "Jenkins pipeline"),
    (r"^\.?jenkins/", "Jenkins pipeline folder"),
    (_dir(r"\.circleci"), "CircleCI pipeline"),
    (_name(r"azure-pipelines[^/]*\.ya?ml|\.vsts-ci\.ya?ml"), "Azure Pipelines pipeline"),
    (_dir(r"\.(azure-pipelines|azuredevops|pipelines)"), "Azure Pipelines folder"),
    (_name(r"bitbucket-pipelines\.ya?ml"), "Bitbucket Pipelines"),
    (_name(r"\.travis\.ya?ml"), "Travis CI"),
    (_name(r"\.?appveyor\.ya?ml"), "AppVeyor"),
    (_name(r"\.drone\.(ya?ml|jsonnet|star)"), "Drone CI"),
    (_name(r"\.woodpecker\.ya?ml") + "|" + _dir(r"\.woodpecker"), "Woodpecker CI"),
    (_name(r"cloudbuild[^/]*\.(ya?ml|json)"), "Google Cloud Build"),
    (_name(r"buildspec[^/]*\.ya?ml"), "AWS CodeBuild"),
    (_name(r"\.cirrus\.(ya?ml|star)"), "Cirrus CI"),
    (_dir(r"\.semaphore"), "Semaphore CI"),
    (_name(r"codemagic\.ya?ml"), "Codemagic"),
    (_name(r"bitrise\.ya?ml"), "Bitrise"),
    (_dir(r"\.tekton"), "Tekton pipelines"),
    (_dir(r"\.teamcity"), "TeamCity Kotlin DSL"),
    (_name(r"\.build\.ya?ml") + "|" + _dir(r"\.builds"), "SourceHut builds"),
    (_name(r"wercker\.ya?ml|\.screwdriver\.ya?ml"), "Wercker/Screwdriver CI"),
    (_dir(r"\.harness"), "Harness pipelines"),
    (_name(r"Earthfile"), "Earthly: builds and checks CI runs"),
    (_name(r"\.pre-commit-(config|hooks)\.ya?ml"), "pre-commit hooks (run as checks in CI and locally)"),
    (_dir(r"\.husky|\.githooks"), "git hooks run as checks (husky, core.hooksPath)"),
    (_name(r"\.?lefthook(-local)?\.(ya?ml|toml|json)"), "lefthook git hooks"),
    (_name(r"[Dd]angerfile(\.[a-z]+)?|dangerfile\.[jt]s"), "Danger: review checks CI runs"),
    (r"^ci/|" + _dir(r"\.ci"), "CI scripts folder (what the pipeline runs)"),
    (_name(r"\.?codecov\.ya?ml|\.coveralls\.ya?ml"), "coverage gate reported to CI (Codecov/Coveralls)"),
)

TEST_CONFIG: _Table = (
    (_name(r"conftest\.py"), "pytest conftest (fixtures and hooks for every test below it)"),
    (_name(r"\.?pytest\.(ini|toml)"), "pytest configuration"),
    (_name(r"tox\.ini"), "tox and pytest configuration"),
    (_name(r"noxfile\.py"), "nox sessions"),
    (_name(r"setup\.cfg"), "pytest/flake8/mypy/coverage configuration (setup.cfg)"),
    (_name(r"pyproject\.toml"), "pyproject.toml ([tool.pytest] and every tool's settings)"),
    (_name(r"\.coveragerc|\.?coverage\.(ini|toml)"), "coverage.py configuration"),
    (_name(r"(site|user)customize\.py"), "imported by Python at start-up, before any test"),
    (_name(r"jest[\w.-]*\.(c|m)?[jt]s(on)?"), "Jest configuration or setup"),
    (_name(r"vitest[\w.-]*\.(c|m)?[jt]s(on)?"), "Vitest configuration or setup"),
    (_name(r"vite\.config\.[\w.]+"), "Vite configuration (Vitest reads its `test` key)"),
    (_name(r"\.mocharc[\w.]*|mocha\.opts"), "Mocha configuration"),
    (_name(r"(karma|protractor)\.conf[\w.]*|karma\.config\.[\w.]+"), "Karma/Protractor configuration"),
    (_name(r"playwright[\w.-]*\.config\.[\w.]+"), "Playwright configuration"),
    (_name(r"cypress\.(config\.[\w.]+|json)"), "Cypress configuration"),
    (
        _name(r"ava\.config\.[\w.]+|\.taprc|wdio[\w.-]*\.conf\.[\w.]+|nightwatch\.conf\.[\w.]+"),
        "AVA/tap/WebdriverIO/Nightwatch configuration",
    ),
    (_name(r"jasmine\.json"), "Jasmine configuration"),
    (_name(r"\.nycrc[\w.]*|\.c8rc[\w.]*"), "nyc/c8 coverage thresholds"),
    (
        _name(r"(babel\.config\.[\w.]+|\.babelrc[\w.]*|\.swcrc)"),
        "Babel/SWC (Jest transforms every test through it)",
    ),
    (_name(r"setup-?[Tt]ests\.[\w.]+|test[-_]?setup\.[\w.]+"), "test setup file (Jest setupFiles, CRA)"),
    (_name(r"package\.json"), "npm package.json (`scripts`, `jest` keys)"),
    (_name(r"phpunit[\w.-]*\.xml(\.dist)?|phpunit\.dist\.xml"), "PHPUnit configuration"),
    (_name(r"\.rspec[\w-]*|spec_helper\.rb|rails_helper\.rb|\.simplecov"), "RSpec/SimpleCov configuration"),
    (_name(r"test_helper\.[\w.]+"), "test helper loaded by every test (minitest, ExUnit, …)"),
    (_name(r"Cargo\.toml"), "Cargo manifest ([lints], [profile.test], test targets)"),
    (_dir(r"\.cargo"), "Cargo configuration (rustflags, aliases)"),
    (_name(r"nextest\.toml"), "cargo-nextest configuration"),
    (_name(r"[^/]+\.(runsettings|testsettings)|xunit\.runner\.json"), ".NET test run settings"),
    (_name(r"testng[\w.-]*\.xml|junit-platform\.properties"), "TestNG/JUnit Platform configuration"),
    (_name(r"cucumber\.(js|ya?ml|json)|behave\.ini|\.behaverc"), "Cucumber/behave configuration"),
    (_name(r"\.env\.test[\w.]*"), "test environment values"),
)

TOOL_CONFIG: _Table = (
    (_name(r"\.?ruff\.toml"), "Ruff configuration"),
    (
        _name(r"\.flake8|\.pycodestyle|\.pep8|\.pydocstyle[\w.]*"),
        "flake8/pycodestyle/pydocstyle configuration",
    ),
    (_name(r"\.?pylintrc[\w.]*"), "Pylint configuration"),
    (
        _name(r"\.?mypy\.ini|pyrightconfig\.json|\.pyre_configuration[\w.]*|ty\.toml|pyrefly\.toml"),
        "type checker configuration (mypy, pyright, pyre, ty)",
    ),
    (
        _name(r"\.isort\.cfg|\.style\.yapf|\.yapfignore|\.importlinter|\.darglint"),
        "isort/yapf/import-linter configuration",
    ),
    (_name(r"\.bandit|bandit[\w.-]*\.ya?ml"), "Bandit configuration"),
    (_name(r"\.yamllint[\w.]*"), "yamllint configuration"),
    (_name(r"\.shellcheckrc"), "ShellCheck configuration"),
    (_name(r"\.hadolint\.ya?ml"), "Hadolint configuration"),
    (
        _name(r"\.golangci[\w.]*|\.?revive\.toml|staticcheck\.conf"),
        "golangci-lint/revive/staticcheck configuration",
    ),
    (_name(r"\.?clippy\.toml|\.?rustfmt\.toml|deny\.toml"), "Clippy/rustfmt/cargo-deny configuration"),
    (_name(r"\.eslintrc[\w.]*|eslint\.config\.[\w.]+|\.eslintignore"), "ESLint configuration"),
    (_name(r"\.prettierrc[\w.]*|prettier\.config\.[\w.]+|\.prettierignore"), "Prettier configuration"),
    (_name(r"\.stylelintrc[\w.]*|stylelint\.config\.[\w.]+|\.stylelintignore"), "Stylelint configuration"),
    (_name(r"\.?biome\.jsonc?|\.?dprint\.jsonc?|\.oxlintrc\.json"), "Biome/dprint/oxlint configuration"),
    (_name(r"deno\.jsonc?"), "Deno configuration (lint, fmt, check, test)"),
    (_name(r"[tj]sconfig[\w.-]*\.json"), "TypeScript compiler options (strictness)"),
    (_name(r"tslint\.json|\.jshintrc|\.jshintignore|\.jscsrc"), "TSLint/JSHint/JSCS configuration"),
    (
        _name(r"\.lintstagedrc[\w.]*|lint-staged\.config\.[\w.]+|\.?commitlint(rc)?[\w.]*"),
        "lint-staged/commitlint configuration",
    ),
    (
        _name(r"\.?knip\.[\w.]+|\.dependency-cruiser\.[\w.]+|\.size-limit[\w.]*"),
        "knip/dependency-cruiser/size-limit configuration",
    ),
    (_name(r"\.editorconfig"), "EditorConfig (read by ktlint, shfmt, .NET analyzers, editorconfig-checker)"),
    (_name(r"\.globalconfig|[^/]+\.ruleset|stylecop\.json"), ".NET analyzer severities"),
    (
        _name(r"Directory\.Build\.(props|targets|rsp)"),
        "MSBuild settings for every project (warnings as errors, NoWarn)",
    ),
    (
        _name(r"\.clang-(tidy|format)|\.clangd|CPPLINT\.cfg|[^/]*\.supp"),
        "clang-tidy/clang-format/cpplint/sanitizer suppressions",
    ),
    (_name(r"[\w.-]*(checkstyle|pmd|spotbugs|findbugs)[\w.-]*\.xml"), "Checkstyle/PMD/SpotBugs rules"),
    (
        _name(r"detekt[\w.-]*\.ya?ml|lint\.xml|\.?scalafmt\.conf|\.?scalafix\.conf|scalastyle[\w.-]*\.xml"),
        "detekt/Android lint/Scala linter configuration",
    ),
    (
        _name(
            r"\.rubocop[\w.-]*\.ya?ml|\.standard[\w.-]*\.ya?ml|\.reek\.ya?ml|\.(erb|haml|slim)[-_]lint\.ya?ml"
        ),
        "RuboCop/Standard/Reek configuration",
    ),
    (_name(r"\.ansible-lint[\w.]*") + "|" + _dir(r"\.config"), "ansible-lint and tools reading .config/"),
    (
        _name(r"\.tflint\.hcl|\.checkov\.ya?ml|\.?trivy(ignore)?[\w.]*|\.terraform-docs\.ya?ml")
        + "|"
        + _dir(r"\.tfsec"),
        "Terraform linters and scanners",
    ),
    (
        _name(r"\.markdownlint[\w.-]*|\.mdlrc|\.remarkrc[\w.]*|\.textlintrc[\w.]*|\.vale\.ini"),
        "Markdown/prose linter configuration",
    ),
    (_dir(r"\.vale|\.cspell"), "Vale/cspell styles and dictionaries"),
    (
        _name(
            r"\.?typos\.toml|_typos\.toml|\.codespellrc|\.?cspell[\w.-]*\.(json|ya?ml)|cspell\.config\.[\w.]+"
        ),
        "spell checker configuration",
    ),
    (_name(r"\.swiftlint\.ya?ml|\.swiftformat|\.swift-format"), "SwiftLint/SwiftFormat configuration"),
    (
        _name(
            r"phpstan[\w.-]*\.neon(\.dist)?|psalm[\w.-]*\.xml(\.dist)?|\.?phpcs\.xml(\.dist)?|phpmd[\w.-]*\.xml|\.php[-_]cs[\w.-]*|rector\.php|ecs\.php|grumphp\.ya?ml|infection\.json[\w.]*"
        ),
        "PHP analyser/style configuration",
    ),
    (_name(r"\.semgrep[\w.-]*") + "|" + _dir(r"\.semgrep"), "Semgrep rules and ignores"),
    (
        _name(
            r"\.gitleaks(\.toml|ignore)|\.secrets\.baseline|\.snyk|\.grype\.ya?ml|osv-scanner\.toml|\.safety-policy\.ya?ml"
        ),
        "secret/dependency scanner configuration",
    ),
    (
        _name(r"sonar-project\.properties|\.sonarcloud\.properties|\.codeclimate\.ya?ml|\.deepsource\.toml"),
        "Sonar/Code Climate/DeepSource configuration",
    ),
    (_name(r"\.luacheckrc|\.?stylua\.toml|selene\.toml|\.luarc\.json"), "Lua linter/formatter configuration"),
    (
        _name(r"\.credo\.exs|\.formatter\.exs|\.dialyzer_ignore\.exs"),
        "Credo/mix format/Dialyzer configuration",
    ),
    (
        _name(
            r"\.perlcriticrc|\.perltidyrc|\.htmlhintrc|\.jscpd\.json|\.ls-lint\.ya?ml|\.mega-linter\.ya?ml"
        ),
        "other linters' configuration",
    ),
    (_name(r"trunk\.yaml") + "|" + _dir(r"\.trunk"), "Trunk Check (runs and configures linters)"),
    # which version of the tool judges: pinning an older one is a way around a new lint or a stricter compiler
    (
        _name(r"\.(python|node|ruby|go|java|terraform)-version|\.nvmrc|\.tool-versions|\.sdkmanrc"),
        "toolchain version pin",
    ),
    (_name(r"rust-toolchain(\.toml)?|\.?mise(\.[\w-]+)?\.toml|global\.json"), "toolchain version pin"),
)

# The principle, for the tools no entry names: a file in a configuration format (CONFIG_FORMAT) whose name
# says lint, baseline or suppress is a linter's settings or its list of accepted findings, and one whose name
# says words, dictionary or allowlist is what a spelling or secret checker accepts.
TOOL_PRINCIPLES: _Table = (
    (r"(^|/)[^/]*(lint|baseline|suppress)[^/]*$", "linter settings or accepted-findings baseline"),
    (
        r"(^|/)[^/]*([-_.]words|dictionary|wordlist|allowlist|whitelist)[^/]*$",
        "accepted words or findings list",
    ),
)

# Configuration formats, for the principle entries above (a source file named `lint.py` is code, not config).
CONFIG_FORMAT = re.compile(
    r"(^|/)(\.[^/.]+|[^/.]+|[^/]+\.(json[c5]?|ya?ml|toml|ini|cfg|conf|xml|properties|hcl|neon|rc|txt|dic))$"
)

# Test files beyond the diff guard's TEST_PATHS (which this module imports, never copies).
TEST_PATHS: _Table = (
    (
        # unit-tests/, test-utils/, and .NET's MyApp.Tests/ or Java's Test/ (any case)
        r"(^|/)[\w.-]*[-_.](?i:tests?|specs?)/|(^|/)(?i:tests?|specs?)([-_.][\w.-]*)?/",
        "in a test folder",
    ),
    (
        _dir(r"(e2e|testing|__mocks__|cypress|playwright|step_definitions)") + r"|^t/|(^|/)src/it/",
        "in a test folder",
    ),
    (_name(r"tests?\.py|tests?_[^/]+\.\w+|[^/]+_tests\.\w+"), "test file (Django tests.py, *_tests.*)"),
    (
        _name(r"(Test[A-Z]\w*|\w+(Tests?|TestCase))\.(java|kt|groovy|scala|cs|php|cpp|cc|cxx|m|mm|dart)"),
        "test class (JUnit/NUnit/gtest naming)",
    ),
    (
        _name(r"(IT[A-Z]\w*|\w+IT(Case)?)\.(java|kt|groovy|scala)"),
        "integration test class (Maven Failsafe naming)",
    ),
    (r"\.(test|spec)\.[A-Za-z0-9]+$|\.(t|feature|robot)$", "test file (*.test.*, Perl .t, Gherkin, Robot)"),
)

# Test data: folders of fixtures, snapshots and golden files, whatever their format.
TEST_DATA: _Table = (
    (
        _dir(r"(test[-_]?(data|fixtures|files|resources)|__fixtures__|__snapshots__|__data__)"),
        "in a test-data folder",
    ),
    (r"\.(snap|golden|expected)$|\.(approved|received)\.[^/]+$", "snapshot or approved output"),
)
# Folder names that are test data for data files only: `src/snapshots/service.py` is a feature's code.
TEST_DATA_NOT_CODE: _Table = (
    (
        _dir(r"(fixtures|snapshots|golden|goldens|expected|expectations|(vcr_)?cassettes)"),
        "fixture/golden data",
    ),
)

# Source code, never "data a test reads" by mention (a test that names `app.py` runs it, it doesn't compare it).
CODE_SUFFIXES = frozenset(
    f".{suffix}"
    for line in (
        "py pyi pyx js jsx ts tsx mjs cjs mts cts vue svelte go rs java kt kts groovy scala c h cc cpp cxx",
        "hh hpp hxx m mm cs fs vb swift rb php pl pm lua ex exs erl hrl hs ml mli clj cljs dart r jl sh bash",
        "zsh fish ps1 bat cmd nim zig sol elm",
    )
    for suffix in line.split(" ")
)
