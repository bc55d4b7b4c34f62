"""Rule documentation links: the page each tool publishes per rule, and nothing for a rule of another shape."""

from __future__ import annotations

import re

import pytest

from emitter.rule_docs import TOOLS, doc_url


@pytest.mark.parametrize(
    ("tool", "rule", "message", "url"),
    [
        ("ruff", "F401", "", "https://docs.astral.sh/ruff/rules/F401"),
        ("ruff", "ASYNC100", "", "https://docs.astral.sh/ruff/rules/ASYNC100"),
        ("ruff", "unused-import", "", "https://docs.astral.sh/ruff/rules/unused-import"),
        ("mypy", "attr-defined", "", "https://mypy.readthedocs.io/en/stable/_refs.html#code-attr-defined"),
        # flake8's one table of pyflakes' F codes and mccabe's C901; pycodestyle's one table of E/W codes
        ("flake8", "F401", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html"),
        ("flake8", "C901", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html"),
        ("pyflakes", "F821", "", "https://flake8.pycqa.org/en/latest/user/error-codes.html"),
        ("flake8", "E302", "", "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes"),
        ("flake8", "W291", "", "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes"),
        ("pycodestyle", "E501", "", "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes"),
        (
            "pylint",
            "C0114",
            "Missing module docstring (missing-module-docstring)",
            "https://pylint.readthedocs.io/en/stable/user_guide/messages/convention/missing-module-docstring.html",
        ),
        (
            "pylint",
            "E0602",
            "Undefined variable 'x' (undefined-variable)",
            "https://pylint.readthedocs.io/en/stable/user_guide/messages/error/undefined-variable.html",
        ),
        (
            "pylint",
            "I1101",
            "Module 'lxml' has no 'etree' member (c-extension-no-member)",
            "https://pylint.readthedocs.io/en/stable/user_guide/messages/information/c-extension-no-member.html",
        ),
        ("eslint", "no-unused-vars", "", "https://eslint.org/docs/latest/rules/no-unused-vars"),
        ("ESLint", "eqeqeq", "", "https://eslint.org/docs/latest/rules/eqeqeq"),
        (
            "eslint",
            "@typescript-eslint/no-explicit-any",
            "",
            "https://typescript-eslint.io/rules/no-explicit-any",
        ),
        ("shellcheck", "SC2086", "", "https://www.shellcheck.net/wiki/SC2086"),
        ("hadolint", "DL3008", "", "https://github.com/hadolint/hadolint/wiki/DL3008"),
        ("hadolint", "SC2046", "", "https://www.shellcheck.net/wiki/SC2046"),
        ("rustc", "E0425", "", "https://doc.rust-lang.org/error_codes/E0425.html"),
        ("cargo", "E0308", "", "https://doc.rust-lang.org/error_codes/E0308.html"),
        (
            "clippy",
            "clippy::needless_return",
            "",
            "https://rust-lang.github.io/rust-clippy/master/index.html#needless_return",
        ),
        (
            "bandit",
            "B105",
            "",
            "https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html",
        ),
        (
            "bandit",
            "B301",
            "",
            "https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b301-pickle",
        ),
        (
            "bandit",
            "B404",
            "",
            "https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html#b404-import-subprocess",
        ),
        (
            "yamllint",
            "line-length",
            "",
            "https://yamllint.readthedocs.io/en/stable/rules.html#module-yamllint.rules.line_length",
        ),
        ("ansible-lint", "fqcn[action-core]", "", "https://docs.ansible.com/projects/lint/rules/fqcn/"),
        (
            "ansible-lint",
            "no-changed-when",
            "",
            "https://docs.ansible.com/projects/lint/rules/no-changed-when/",
        ),
        ("go-vet", "printf", "", "https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/printf"),
        ("go-vet", "copylocks", "", "https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/copylock"),
        # the URL stylelint's own rule carries in its meta (tests/js/node_modules/stylelint/lib/rules/*)
        ("stylelint", "color-hex-length", "", "https://stylelint.io/user-guide/rules/color-hex-length"),
        ("standard", "no-var", "", "https://eslint.org/docs/latest/rules/no-var"),
        ("pydocstyle", "D103", "", "https://www.pydocstyle.org/en/stable/error_codes.html"),
        (
            "rubocop",
            "Layout/EmptyLines",
            "",
            "https://docs.rubocop.org/rubocop/cops_layout.html#layoutemptylines",
        ),
    ],
)
def test_each_tool_links_its_rule_page(tool: str, rule: str, message: str, url: str) -> None:
    assert doc_url(tool, rule, message) == url


@pytest.mark.parametrize(
    ("tool", "rule", "message"),
    [
        ("ruff", None, ""),
        ("ruff", "", ""),
        ("ruff", "invalid-syntax", ""),  # ruff's own label, no page
        ("ruff-format", "unformatted", ""),
        ("flake8", "B950", ""),  # a plugin's code (flake8-bugbear): the plugin documents it
        ("flake8", "N802", ""),  # pep8-naming's
        ("flake8", "E3021", ""),
        ("pycodestyle", "F401", ""),  # not a pycodestyle code
        ("pyflakes", "E501", ""),  # not a pyflakes code
        ("tsc", "TS2304", ""),
        ("pyright", "reportArgumentType", ""),
        ("gcc", "-Wformat", ""),
        ("pytest", "AssertionError", ""),
        ("unknown-tool", "X1", ""),
        ("pylint", "C0114", "Missing module docstring"),  # no symbol, no page name
        ("pylint", "missing-module-docstring", ""),
        ("eslint", "react/jsx-key", ""),  # a plugin's rule: not eslint's page
        ("rustc", "unused_variables", ""),
        ("bandit", "B999", ""),
        ("yamllint", "syntax", ""),
        ("go-vet", "somelinter", ""),
        ("mypy", "Attr Defined", ""),
        ("stylelint", "scss/at-rule-no-unknown", ""),  # a plugin's rule
        ("stylelint", "CssSyntaxError", ""),
        ("rubocop", "Rails/Output", ""),  # an extension's department: documented elsewhere
        ("pydocstyle", "D1", ""),
    ],
)
def test_no_link_where_the_tool_publishes_no_page(tool: str, rule: str | None, message: str) -> None:
    assert doc_url(tool, rule, message) is None


HOSTILE_RULES = [
    "F401](javascript:alert(1))",
    "F401)",
    "F401 ",
    "no-undef)[x](y",
    "attr-defined#x",
    "SC2086/../../evil",
    "clippy::x)<script>",
    "fqcn[action-core](x)",
    "E0425.html?x",
    "@typescript-eslint/x y",
    "line-length\n",
    "`x`",
    "a" * 500,
]


@pytest.mark.parametrize("rule", HOSTILE_RULES)
@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_a_rule_of_any_other_shape_gets_no_url(tool: str, rule: str) -> None:
    assert doc_url(tool, rule, "Message (symbol) ) [x](javascript:y) (evil)") is None


def test_a_hostile_pylint_message_cannot_pick_the_page_name() -> None:
    assert doc_url("pylint", "C0114", "x (a)](javascript:y)") is None
    assert doc_url("pylint", "C0114", "x (../../evil)") is None


def test_every_url_is_https_and_safe_inside_a_markdown_link() -> None:
    samples = {
        "ruff": "E501",
        "flake8": "E501",
        "pycodestyle": "W605",
        "pyflakes": "F841",
        "mypy": "misc",
        "eslint": "semi",
        "shellcheck": "SC1009",
        "hadolint": "DL4006",
        "rustc": "E0583",
        "cargo": "clippy::len_zero",
        "clippy": "clippy::ptr_arg",
        "bandit": "B304",
        "yamllint": "new-line-at-end-of-file",
        "ansible-lint": "name[casing]",
        "go-vet": "composites",
        "stylelint": "color-no-invalid-hex",
        "standard": "eqeqeq",
        "pydocstyle": "D100",
        "rubocop": "Style/StringLiterals",
    }
    assert set(samples) | {"pylint"} == set(TOOLS)
    urls = [doc_url(tool, rule) for tool, rule in samples.items()]
    urls.append(doc_url("pylint", "R0903", "Too few public methods (1/2) (too-few-public-methods)"))
    for url in urls:
        assert url is not None and re.fullmatch(r"https://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+", url), url
