"""Where each tool documents one of its rules, and the rule's name: `rule_doc(tool, rule, message)`.

One table for every output that links or names a rule (the Buildkite annotation's links, SARIF's `helpUri`
and `name`). A URL is given only when the tool publishes a page (or an anchor, or one table of its codes)
for the rule, and only for a rule of the exact shape the tool uses, so a rule name from a hostile log can
never become part of a URL. Each scheme below was checked against the tool's own docs or code (the link the
tool itself prints, where it prints one):

| tool                | rule shape             | documentation                                                     |
|---------------------|------------------------|-------------------------------------------------------------------|
| ruff                | F401 / unused-import   | docs.astral.sh/ruff/rules/<code-or-name> (codes redirect, PR 8636)  |
| flake8, pyflakes    | F401, C901             | flake8.pycqa.org/en/latest/user/error-codes.html (one table, no anchor per code) |
| flake8, pycodestyle | E501, W291             | pycodestyle.pycqa.org/en/latest/intro.html#error-codes (one table)  |
| mypy                | attr-defined           | mypy.readthedocs.io/en/stable/_refs.html#code-<code> (PR 15435)     |
| pylint              | C0114 + "(symbol)"     | pylint.readthedocs.io/en/stable/user_guide/messages/<kind>/<symbol> |
| eslint              | no-undef, @typescript-eslint/x | eslint.org/docs/latest/rules/<rule>, typescript-eslint.io/rules/<x> |
| shellcheck          | SC2086                 | www.shellcheck.net/wiki/SC2086                                    |
| hadolint            | DL3008 (SC… as above)  | github.com/hadolint/hadolint/wiki/DL3008                          |
| rustc, cargo, clippy| E0425, clippy::lint    | doc.rust-lang.org/error_codes/E0425.html, rust-clippy/master/#lint |
| bandit              | B105                   | bandit.readthedocs.io/en/latest/<page> (bandit's docs_utils table)  |
| yamllint            | line-length            | yamllint.readthedocs.io/en/stable/rules.html#module-yamllint.rules.x |
| ansible-lint        | fqcn[action-core]      | docs.ansible.com/projects/lint/rules/<id>/ (ansible-lint's RULE_DOC_URL) |
| go-vet              | printf, copylocks      | pkg.go.dev/golang.org/x/tools/go/analysis/passes/<package>        |
| stylelint           | color-hex-length       | stylelint.io/user-guide/rules/<rule> (the rules' own meta.url)    |
| standard            | no-var (eslint's)      | as eslint                                                         |
| pydocstyle          | D103                   | www.pydocstyle.org/en/stable/error_codes.html (one table)         |
| rubocop             | Layout/EmptyLines      | docs.rubocop.org/rubocop/cops_<dept>.html#<deptcop>, core departments only |

Not linked, on purpose: tsc's TS2304 codes (TypeScript publishes no page per code; the sites that do are
third parties covering some codes), pyright (its rules share one page with no stable anchor), rustc lints (the
page depends on the lint's default level), golangci-lint (a linter name, not a rule; its docs have no
per-linter anchor that has stayed put), gcc/clang flags, flake8 plugins' codes (each plugin documents its own).

Names, where the tool gives one beside an opaque code: pylint's symbol (printed last in its message) and
bandit's test name (`[B101:assert_used]`; the table below is bandit's own, checked against the installed bandit
by tests/emitter/outputs/test_sarif_rules.py). Everywhere else the rule id already is the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

RUFF = "https://docs.astral.sh/ruff/rules/"
FLAKE8 = "https://flake8.pycqa.org/en/latest/user/error-codes.html"
PYCODESTYLE = "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes"
MYPY = "https://mypy.readthedocs.io/en/stable/_refs.html#code-"
PYLINT = "https://pylint.readthedocs.io/en/stable/user_guide/messages/"
ESLINT = "https://eslint.org/docs/latest/rules/"
TYPESCRIPT_ESLINT = "https://typescript-eslint.io/rules/"
SHELLCHECK = "https://www.shellcheck.net/wiki/"
HADOLINT = "https://github.com/hadolint/hadolint/wiki/"
RUST_ERRORS = "https://doc.rust-lang.org/error_codes/"
CLIPPY = "https://rust-lang.github.io/rust-clippy/master/index.html#"
BANDIT = "https://bandit.readthedocs.io/en/latest/"
YAMLLINT = "https://yamllint.readthedocs.io/en/stable/rules.html#module-yamllint.rules."
ANSIBLE_LINT = "https://docs.ansible.com/projects/lint/rules/"
GO_PASSES = "https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/"
STYLELINT = "https://stylelint.io/user-guide/rules/"
PYDOCSTYLE = "https://www.pydocstyle.org/en/stable/error_codes.html"
RUBOCOP = "https://docs.rubocop.org/rubocop/"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_RUFF_CODE = re.compile(r"[A-Z]{1,6}[0-9]{1,4}")
_RUFF_PSEUDO = frozenset({"invalid-syntax", "unformatted"})  # ruff's own labels, not rules with a page
_PYFLAKES_CODE = re.compile(r"F[0-9]{3}|C901")  # flake8's codes for pyflakes, and mccabe's one
_PYCODESTYLE_CODE = re.compile(r"(?!E999)[EW][0-9]{3}")  # E999 is flake8's own syntax error
_PYLINT_CODE = re.compile(r"[CRWEFI][0-9]{4}")
_PYLINT_SYMBOL = re.compile(r"\(([a-z][a-z0-9-]*)\)\s*\Z")  # the symbol pylint prints last: "(unused-import)"
_PYLINT_KINDS = {
    "C": "convention",
    "R": "refactor",
    "W": "warning",
    "E": "error",
    "F": "fatal",
    "I": "information",
}
_TS_ESLINT = re.compile(r"@typescript-eslint/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")
_SHELLCHECK = re.compile(r"SC[0-9]{4}")
_HADOLINT = re.compile(r"DL[0-9]{4}")
_RUST_ERROR = re.compile(r"E[0-9]{4}")
_CLIPPY = re.compile(r"clippy::([a-z][a-z0-9_]*)")
_ANSIBLE = re.compile(r"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:\[[a-z0-9-]+\])?")
_YAMLLINT_RULES = _words(
    "anchors braces brackets colons commas comments comments-indentation document-end document-start "
    "empty-lines empty-values float-values hyphens indentation key-duplicates key-ordering line-length "
    "new-line-at-end-of-file new-lines octal-values quoted-strings trailing-spaces truthy"
)
# go vet's analyzers (cmd/vet) by name; the package path differs from the name for two of them
_GO_VET = _words(
    "appends asmdecl assign atomic bools buildtag cgocall composites copylocks defers directive errorsas "
    "framepointer hostport httpresponse ifaceassert loopclosure lostcancel nilfunc printf shift sigchanyzer "
    "slog stdmethods stdversion stringintconv structtag testinggoroutine tests timeformat unmarshal "
    "unreachable unsafeptr unusedresult waitgroup"
)
_GO_PACKAGE = {"composites": "composite", "copylocks": "copylock"}
_PYDOCSTYLE_CODE = re.compile(r"D[0-9]{3}")
# RuboCop's own departments; Rails/, RSpec/… cops are documented by their extensions, elsewhere
_RUBOCOP_COP = re.compile(
    r"(Bundler|Gemspec|Layout|Lint|Metrics|Migration|Naming|Security|Style)/([A-Z][A-Za-z0-9]*)"
)
# bandit's docs_utils.get_url, flattened: plugin pages, and the blacklists' anchors (B3xx calls, B4xx imports)
_BANDIT_PLUGINS = (
    "B101 assert_used B102 exec_used B103 set_bad_file_permissions B104 hardcoded_bind_all_interfaces "
    "B105 hardcoded_password_string B106 hardcoded_password_funcarg B107 hardcoded_password_default "
    "B108 hardcoded_tmp_directory B110 try_except_pass B112 try_except_continue B113 request_without_timeout "
    "B201 flask_debug_true B202 tarfile_unsafe_members B324 hashlib B501 request_with_no_cert_validation "
    "B502 ssl_with_bad_version B503 ssl_with_bad_defaults B504 ssl_with_no_version "
    "B505 weak_cryptographic_key B506 yaml_load B507 ssh_no_host_key_verification "
    "B508 snmp_insecure_version_check B509 snmp_crypto_check B601 paramiko_calls "
    "B602 subprocess_popen_with_shell_equals_true B603 subprocess_without_shell_equals_true "
    "B604 any_other_function_with_shell_equals_true B605 start_process_with_a_shell "
    "B606 start_process_with_no_shell B607 start_process_with_partial_path B608 hardcoded_sql_expressions "
    "B609 linux_commands_wildcard_injection B610 django_extra_used B611 django_rawsql_used "
    "B612 logging_config_insecure_listen B613 trojansource B614 pytorch_load B615 huggingface_unsafe_download "
    "B701 jinja2_autoescape_false B702 use_of_mako_templates B703 django_mark_safe B704 markupsafe_markup_xss"
)
_BANDIT_BLACKLIST = (
    "B301 b301-pickle B302 b302-marshal B303 b303-md5 B304 b304-b305-ciphers-and-modes "
    "B305 b304-b305-ciphers-and-modes B306 b306-mktemp-q B307 b307-eval B308 b308-mark-safe "
    "B310 b310-urllib-urlopen B311 b311-random B312 b312-telnetlib B313 b313-b320-xml-bad-celementtree "
    "B314 b313-b320-xml-bad-elementtree B315 b313-b320-xml-bad-expatreader "
    "B316 b313-b320-xml-bad-expatbuilder B317 b313-b320-xml-bad-sax B318 b313-b320-xml-bad-minidom "
    "B319 b313-b320-xml-bad-pulldom B321 b321-ftplib B323 b323-unverified-context "
    "B401 b401-import-telnetlib B402 b402-import-ftplib B403 b403-import-pickle B404 b404-import-subprocess "
    "B405 b405-import-xml-etree B406 b406-import-xml-sax B407 b407-import-xml-expat "
    "B408 b408-import-xml-minidom B409 b409-import-xml-pulldom B411 b411-import-xmlrpclib "
    "B412 b412-import-httpoxy B413 b413-import-pycrypto B415 b415-import-pyghmi"
)

# bandit's test names where they differ from the words of the plugin's page above, and the blacklists' names
_BANDIT_RENAMED = "B324 hashlib_insecure_functions B508 snmp_insecure_version B509 snmp_weak_cryptography"
_BANDIT_BLACKLIST_NAMES = (
    "B301 pickle B302 marshal B303 md5 B304 ciphers B305 cipher_modes B306 mktemp_q B307 eval "
    "B308 mark_safe B310 urllib_urlopen B311 random B312 telnetlib B313 xml_bad_cElementTree "
    "B314 xml_bad_ElementTree B315 xml_bad_expatreader B316 xml_bad_expatbuilder B317 xml_bad_sax "
    "B318 xml_bad_minidom B319 xml_bad_pulldom B321 ftplib B323 unverified_context B401 import_telnetlib "
    "B402 import_ftplib B403 import_pickle B404 import_subprocess B405 import_xml_etree B406 import_xml_sax "
    "B407 import_xml_expat B408 import_xml_minidom B409 import_xml_pulldom B411 import_xmlrpclib "
    "B412 import_httpoxy B413 import_pycrypto B415 import_pyghmi"
)


class RuleDoc(NamedTuple):
    """What the tool publishes about a rule: its page, and its name when the rule id is an opaque code."""

    url: str | None = None
    name: str | None = None


def _pairs(text: str) -> dict[str, str]:
    words = text.split()
    return dict(zip(words[::2], words[1::2], strict=True))


_BANDIT = {code: f"plugins/{code.lower()}_{name}.html" for code, name in _pairs(_BANDIT_PLUGINS).items()}
_BANDIT |= {
    code: f"blacklists/blacklist_{'calls' if code.startswith('B3') else 'imports'}.html#{anchor}"
    for code, anchor in _pairs(_BANDIT_BLACKLIST).items()
}
BANDIT_NAMES = _pairs(_BANDIT_PLUGINS) | _pairs(_BANDIT_RENAMED) | _pairs(_BANDIT_BLACKLIST_NAMES)


def _ruff(rule: str, message: str) -> str | None:
    if _RUFF_CODE.fullmatch(rule) or (_KEBAB.fullmatch(rule) and rule not in _RUFF_PSEUDO):
        return RUFF + rule
    return None


def _flake8(rule: str, message: str) -> str | None:
    if _PYFLAKES_CODE.fullmatch(rule):
        return FLAKE8
    return PYCODESTYLE if _PYCODESTYLE_CODE.fullmatch(rule) else None


def _pycodestyle(rule: str, message: str) -> str | None:
    return PYCODESTYLE if _PYCODESTYLE_CODE.fullmatch(rule) else None


def _pyflakes(rule: str, message: str) -> str | None:
    return FLAKE8 if _PYFLAKES_CODE.fullmatch(rule) else None


def _mypy(rule: str, message: str) -> str | None:
    return MYPY + rule if _KEBAB.fullmatch(rule) else None


def _pylint_symbol(rule: str, message: str) -> str | None:
    symbol = _PYLINT_SYMBOL.search(message)
    return symbol.group(1) if symbol and _PYLINT_CODE.fullmatch(rule) else None


def _pylint(rule: str, message: str) -> str | None:
    symbol = _pylint_symbol(rule, message)
    return f"{PYLINT}{_PYLINT_KINDS[rule[0]]}/{symbol}.html" if symbol else None


def _eslint(rule: str, message: str) -> str | None:
    if _KEBAB.fullmatch(rule):
        return ESLINT + rule
    plugin = _TS_ESLINT.fullmatch(rule)
    return TYPESCRIPT_ESLINT + plugin.group(1) if plugin else None


def _shellcheck(rule: str, message: str) -> str | None:
    return SHELLCHECK + rule if _SHELLCHECK.fullmatch(rule) else None


def _hadolint(rule: str, message: str) -> str | None:
    return HADOLINT + rule if _HADOLINT.fullmatch(rule) else _shellcheck(rule, message)


def _rust(rule: str, message: str) -> str | None:
    if _RUST_ERROR.fullmatch(rule):
        return f"{RUST_ERRORS}{rule}.html"
    lint = _CLIPPY.fullmatch(rule)
    return CLIPPY + lint.group(1) if lint else None


def _bandit(rule: str, message: str) -> str | None:
    page = _BANDIT.get(rule)
    return BANDIT + page if page else None


def _yamllint(rule: str, message: str) -> str | None:
    return YAMLLINT + rule.replace("-", "_") if rule in _YAMLLINT_RULES else None


def _ansible_lint(rule: str, message: str) -> str | None:
    found = _ANSIBLE.fullmatch(rule)
    return f"{ANSIBLE_LINT}{found.group(1)}/" if found else None


def _go_vet(rule: str, message: str) -> str | None:
    return GO_PASSES + _GO_PACKAGE.get(rule, rule) if rule in _GO_VET else None


def _stylelint(rule: str, message: str) -> str | None:
    return STYLELINT + rule if _KEBAB.fullmatch(rule) else None  # not a plugin's `scss/x`, nor CssSyntaxError


def _pydocstyle(rule: str, message: str) -> str | None:
    return PYDOCSTYLE if _PYDOCSTYLE_CODE.fullmatch(rule) else None


def _rubocop(rule: str, message: str) -> str | None:
    cop = _RUBOCOP_COP.fullmatch(rule)
    if cop is None:
        return None
    department = cop.group(1).lower()
    return f"{RUBOCOP}cops_{department}.html#{department}{cop.group(2).lower()}"


Lookup = Callable[[str, str], str | None]

TOOLS: dict[str, Lookup] = {
    "ruff": _ruff,
    "flake8": _flake8,
    "pycodestyle": _pycodestyle,
    "pyflakes": _pyflakes,
    "mypy": _mypy,
    "pylint": _pylint,
    "eslint": _eslint,
    "shellcheck": _shellcheck,
    "hadolint": _hadolint,
    "rustc": _rust,
    "cargo": _rust,
    "clippy": _rust,
    "bandit": _bandit,
    "yamllint": _yamllint,
    "ansible-lint": _ansible_lint,
    "go-vet": _go_vet,
    "stylelint": _stylelint,
    "standard": _eslint,  # standard's rules are eslint's (plugins' `n/x`, `import/x` are not linked)
    "pydocstyle": _pydocstyle,
    "rubocop": _rubocop,
}


NAMES: dict[str, Lookup] = {
    "pylint": _pylint_symbol,
    "bandit": lambda rule, _message: BANDIT_NAMES.get(rule),
}


def rule_doc(tool: str, rule: str | None, message: str = "") -> RuleDoc:
    """The page documenting `rule` of `tool` and the rule's name, each None when the tool gives none.

    `message` matters only where the rule id alone does not name the page (pylint prints the symbol last).
    """
    key = tool.lower()
    if not rule or len(rule) > 100:
        return RuleDoc()
    url, name = TOOLS.get(key), NAMES.get(key)
    return RuleDoc(url(rule, message) if url else None, name(rule, message) if name else None)


def doc_url(tool: str, rule: str | None, message: str = "") -> str | None:
    """The page documenting `rule` of `tool`, or None when the tool publishes none or the rule is unknown."""
    return rule_doc(tool, rule, message).url
