"""Where each tool documents one of its rules: `doc_url(tool, rule, message)` → a URL or None.

One table for every output that links a rule (the Buildkite annotation now, SARIF `helpUri` later). A URL is
given only when the tool publishes a page (or an anchor) per rule, and only for a rule of the exact shape the
tool uses, so a rule name from a hostile log can never become part of a URL. Each scheme below was checked
against the tool's own docs or code (the link the tool itself prints, where it prints one):

| tool                | rule shape             | documentation                                                     |
|---------------------|------------------------|-------------------------------------------------------------------|
| ruff                | F401 / unused-import   | docs.astral.sh/ruff/rules/<code-or-name> (codes redirect, PR 8636)  |
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

Not linked, on purpose: flake8/pycodestyle and tsc (no page per code), pyright (its rules share one page with
no stable anchor), rustc lints (the page depends on the lint's default level), golangci-lint (a linter name,
not a rule; its docs have no per-linter anchor that has stayed put), gcc/clang flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable

RUFF = "https://docs.astral.sh/ruff/rules/"
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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_RUFF_CODE = re.compile(r"[A-Z]{1,6}[0-9]{1,4}")
_RUFF_PSEUDO = frozenset({"invalid-syntax", "unformatted"})  # ruff's own labels, not rules with a page
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


def _pairs(text: str) -> dict[str, str]:
    words = text.split()
    return dict(zip(words[::2], words[1::2], strict=True))


_BANDIT = {code: f"plugins/{code.lower()}_{name}.html" for code, name in _pairs(_BANDIT_PLUGINS).items()}
_BANDIT |= {
    code: f"blacklists/blacklist_{'calls' if code.startswith('B3') else 'imports'}.html#{anchor}"
    for code, anchor in _pairs(_BANDIT_BLACKLIST).items()
}


def _ruff(rule: str, message: str) -> str | None:
    if _RUFF_CODE.fullmatch(rule) or (_KEBAB.fullmatch(rule) and rule not in _RUFF_PSEUDO):
        return RUFF + rule
    return None


def _mypy(rule: str, message: str) -> str | None:
    return MYPY + rule if _KEBAB.fullmatch(rule) else None


def _pylint(rule: str, message: str) -> str | None:
    symbol = _PYLINT_SYMBOL.search(message)
    if not (_PYLINT_CODE.fullmatch(rule) and symbol):
        return None
    return f"{PYLINT}{_PYLINT_KINDS[rule[0]]}/{symbol.group(1)}.html"


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


TOOLS: dict[str, Callable[[str, str], str | None]] = {
    "ruff": _ruff,
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
}


def doc_url(tool: str, rule: str | None, message: str = "") -> str | None:
    """The page documenting `rule` of `tool`, or None when the tool publishes none or the rule is unknown.

    `message` matters only where the rule id alone does not name the page (pylint prints the symbol last).
    """
    lookup = TOOLS.get(tool.lower())
    if lookup is None or not rule or len(rule) > 100:
        return None
    return lookup(rule, message)
