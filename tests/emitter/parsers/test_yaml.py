"""yamllint, PyYAML and ansible-lint: real-tool fixtures, then the lines that are easy to get wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from emitter.report import Record
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log


def test_yamllint_recorded(tmp_path: Path) -> None:
    check_recorded("yamllint", tmp_path)


def test_yamllint_live(tmp_path: Path) -> None:
    check_live("yamllint", tmp_path)


def test_pyyaml_recorded(tmp_path: Path) -> None:
    check_recorded("pyyaml", tmp_path)


def test_pyyaml_live(tmp_path: Path) -> None:
    check_live("pyyaml", tmp_path)


def test_ansible_lint_recorded(tmp_path: Path) -> None:
    check_recorded("ansible-lint", tmp_path)


def test_ansible_lint_live(tmp_path: Path) -> None:
    check_live("ansible-lint", tmp_path)


# -- yamllint ---------------------------------------------------------------------------------------------
def test_yamllint_standard_block_names_the_file_once(tmp_path: Path) -> None:
    log = (
        "config/app.yaml\n"
        "  3:1       error    wrong indentation: expected 2 but found 4  (indentation)\n"
        "  5:81      warning  line too long (95 > 80 characters)  (line-length)\n"
        "\n"
        "config/db.yml\n"
        "  2:1       error    syntax error: mapping values are not allowed here (syntax)\n"
    )
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "yamllint",
            "type": "lint",
            "file": "config/app.yaml",
            "line": 3,
            "column": 1,
            "severity": "error",
            "rule": "indentation",
            "message": "wrong indentation: expected 2 but found 4",
        },
        {
            "tool": "yamllint",
            "type": "lint",
            "file": "config/app.yaml",
            "line": 5,
            "column": 81,
            "severity": "warning",
            "rule": "line-length",
            "message": "line too long (95 > 80 characters)",
        },
        {
            "tool": "yamllint",
            "type": "syntax_error",
            "file": "config/db.yml",
            "line": 2,
            "column": 1,
            "severity": "error",
            "rule": "syntax",
            "message": "syntax error: mapping values are not allowed here",
        },
    ]


def test_yamllint_colored_is_the_standard_format_once_ansi_is_gone(tmp_path: Path) -> None:
    log = (
        "\x1b[4mci/pipeline.yaml\x1b[0m\n"
        "  \x1b[2m7:3\x1b[0m       \x1b[31merror\x1b[0m    too many spaces after hyphen  "
        "\x1b[2m(hyphens)\x1b[0m\n\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column, record.rule) == ("ci/pipeline.yaml", 7, 3, "hyphens")
    assert record.message == "too many spaces after hyphen"


def test_a_path_line_that_is_not_followed_by_problems_gives_nothing(tmp_path: Path) -> None:
    log = "Rendering templates into\ndeploy/values.yaml\nDone in 2.1s\n"
    assert parse_log(log, tmp_path) == []


def test_yamllint_parsable_with_a_parenthesis_in_the_message(tmp_path: Path) -> None:
    [record] = parse_log(
        "a b/c.yaml:1:81: [error] line too long (122 > 80 characters) (line-length)\n", tmp_path
    )
    assert (record.file, record.line, record.column) == ("a b/c.yaml", 1, 81)
    assert (record.rule, record.message) == ("line-length", "line too long (122 > 80 characters)")


def test_yamllint_github_format_keeps_tool_and_rule(tmp_path: Path) -> None:
    log = "::error file=k8s/app.yaml,line=3,col=8::3:8 [brackets] too many spaces inside brackets\n"
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.rule, record.type) == ("yamllint", "brackets", "lint")
    assert (record.file, record.line, record.column) == ("k8s/app.yaml", 3, 8)
    assert record.message == "too many spaces inside brackets"


# -- PyYAML -----------------------------------------------------------------------------------------------
def test_pyyaml_context_and_problem_marks_use_the_problem_location(tmp_path: Path) -> None:
    log = (
        "while parsing a block mapping\n"
        '  in "deploy.yaml", line 1, column 1\n'
        "expected <block end>, but found '-'\n"
        '  in "deploy.yaml", line 4, column 3\n'
    )
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.type, record.file, record.line, record.column) == (
        "pyyaml",
        "syntax_error",
        "deploy.yaml",
        4,
        3,
    )
    assert record.message == "while parsing a block mapping\nexpected <block end>, but found '-'"


def test_pyyaml_mark_with_a_snippet_from_a_string_stream(tmp_path: Path) -> None:
    log = (
        "mapping values are not allowed here\n"
        '  in "<unicode string>", line 2, column 4:\n'
        "      b: 2\n"
        "       ^\n"
        "next: line of output\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column) == ("<unicode string>", 2, 4)
    assert record.message == "mapping values are not allowed here"


def test_pyyaml_message_alone_after_a_prefix_free_exception_line(tmp_path: Path) -> None:
    log = (
        "yaml.constructor.ConstructorError: could not determine a constructor for the tag '!vault'\n"
        '  in "vars.yml", line 2, column 7\n'
    )
    records = [r for r in parse_log(log, tmp_path) if r.tool == "pyyaml"]
    assert [(r.file, r.line, r.column, r.message) for r in records] == [
        ("vars.yml", 2, 7, "could not determine a constructor for the tag '!vault'")
    ]


def test_pyyaml_like_words_without_a_mark_leave_the_next_line_to_others(tmp_path: Path) -> None:
    log = (
        "while parsing the settings file\n"
        "settings.ini:3: error: unknown key 'colour'\n"
        "expected 3, but got 4\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.tool, r.file, r.line) for r in records] == [("generic", "settings.ini", 3)]


def test_pyyaml_context_marks_with_snippets_and_the_composer_s_own_contexts(tmp_path: Path) -> None:
    """str() of PyYAML's errors on string streams: every mark ends in ':' and shows the source line."""
    import yaml

    docs = ["a: 1\nb\nc: 2\n", 'key: "abc\n', "--- a\n--- b\n", "a: &x 1\nb: &x 2\n"]
    texts = []
    for doc in docs:
        try:
            yaml.compose(doc)
        except yaml.YAMLError as error:
            texts.append(str(error))
    log = "\n".join(texts) + "\nDone.\n"
    got = [(r.line, r.column, r.message) for r in parse_log(log, tmp_path) if r.tool == "pyyaml"]
    assert got == [
        (3, 1, "while scanning a simple key\ncould not find expected ':'"),
        (2, 1, "while scanning a quoted scalar\nfound unexpected end of stream"),
        (2, 1, "expected a single document in the stream\nbut found another document"),
        (2, 4, "found duplicate anchor 'x'; first occurrence\nsecond occurrence"),
    ]


def _crash_on(tmp_path: Path, name: str, text: str) -> bytes:
    """What a script that loads a broken YAML file prints: PyYAML's error as the traceback's last lines."""
    (tmp_path / name).write_text(text)
    code = f"import yaml; yaml.safe_load(open({name!r}))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, check=False)
    assert proc.returncode == 1, proc.stderr
    return proc.stderr


def _locations(records: list[Record], file: str) -> set[tuple[int | None, int | None]]:
    return {(r.line, r.column) for r in records if r.file == file}


def test_pyyaml_in_a_traceback_keeps_the_yaml_location_of_a_tab(tmp_path: Path) -> None:
    """python_tb owns tracebacks and runs first; the YAML file's position must still reach a record."""
    output = _crash_on(tmp_path, "pipeline.yaml", "build:\n  image: x\n\tscript: make\n")
    assert b"found character" in output
    assert (3, 1) in _locations(parse_log(output, tmp_path), "pipeline.yaml")


def test_pyyaml_in_a_traceback_keeps_the_yaml_location_of_a_one_line_error(tmp_path: Path) -> None:
    """Here the mark directly follows the exception line, indented like a continuation of its message."""
    output = _crash_on(tmp_path, "pipeline.yaml", "name: app\n  version: 2\n")
    assert b"mapping values are not allowed here" in output
    assert (2, 10) in _locations(parse_log(output, tmp_path), "pipeline.yaml")


# -- ansible-lint -----------------------------------------------------------------------------------------
def test_ansible_lint_pep8_format_strips_rich_markup_and_reads_warning(tmp_path: Path) -> None:
    log = (
        "playbook.yml:3: fqcn[action-core]: Use FQCN for builtin module actions (copy).\n"
        "playbook.yml:9:13: name[casing][/]: All names should start with an uppercase letter.\n"
        "roles/web/tasks/main.yaml:4:14: jinja[spacing][/]: Jinja2 spacing could be improved: "
        "{{x}} -> {{ x }} (warning)\n"
        "broken.yml:4:7: syntax-check[specific][/]: conflicting action statements: "
        "ansible.builtin.debug, foo\n"
    )
    got = [(r.file, r.line, r.column, r.rule, r.severity, r.type) for r in parse_log(log, tmp_path)]
    assert got == [
        ("playbook.yml", 3, None, "fqcn[action-core]", "error", "lint"),
        ("playbook.yml", 9, 13, "name[casing]", "error", "lint"),
        ("roles/web/tasks/main.yaml", 4, 14, "jinja[spacing]", "warning", "lint"),
        ("broken.yml", 4, 7, "syntax-check[specific]", "error", "syntax_error"),
    ]
    assert parse_log(log, tmp_path)[2].message == "Jinja2 spacing could be improved: {{x}} -> {{ x }}"


def test_ansible_lint_quiet_pep8_has_only_the_rule(tmp_path: Path) -> None:
    [record] = parse_log("site.yml:5: package-latest\n", tmp_path)
    assert (record.tool, record.file, record.line, record.rule, record.message) == (
        "ansible-lint",
        "site.yml",
        5,
        "package-latest",
        "package-latest",
    )


def test_ansible_lint_old_format(tmp_path: Path) -> None:
    log = "main.yml:2: [E206] Variables should have spaces before and after: {{ var_name }}\n"
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.rule, record.line, record.type) == ("ansible-lint", "E206", 2, "lint")
    assert record.message == "Variables should have spaces before and after: {{ var_name }}"


def test_ansible_lint_full_format_after_an_unbracketed_first_rule(tmp_path: Path) -> None:
    log = (
        "no-changed-when: Commands should not change things if nothing needs doing.\n"
        "playbook.yml:8 Task/Handler: shell echo hi\n"
        "\n"
        "risky-file-permissions: File permissions unset or incorrect.\n"
        "playbook.yml:4 Task/Handler: copy a file\n"
    )
    with_hint = parse_log(log, tmp_path, hint="ansible-lint playbook.yml")
    # The location line is the trigger and reads the rule line above it, so the first finding, which
    # used to be lost (its rule line came before any block), is found too.
    assert [(r.rule, r.line, r.message) for r in with_hint] == [
        (
            "no-changed-when",
            8,
            "Commands should not change things if nothing needs doing.\nTask/Handler: shell echo hi",
        ),
        ("risky-file-permissions", 4, "File permissions unset or incorrect.\nTask/Handler: copy a file"),
    ]
    # without a hint, the ids themselves say ansible-lint (hyphenated ids, its one-word ids): ansible-lint
    # prints its listing header on stderr, so a wrapped `make lint` shows the findings alone
    assert [(r.rule, r.line) for r in parse_log(log, tmp_path)] == [
        ("no-changed-when", 8),
        ("risky-file-permissions", 4),
    ]
    custom = log.replace("no-changed-when:", "custom:").replace("risky-file-permissions:", "other:")
    assert parse_log(custom, tmp_path) == []  # words that are no ansible-lint id look like any `word: text`


def test_ansible_lint_full_format_unbracketed_rules_inside_a_listing(tmp_path: Path) -> None:
    """Without a hint, an unbracketed rule counts under the listing header or right after a finding."""
    log = (
        "WARNING  Listing 3 violation(s) that are fatal\n"
        "no-changed-when: Commands should not change things if nothing needs doing.\n"
        "playbook.yml:8 Task/Handler: shell echo hi\n"
        "\n"
        "risky-file-permissions: File permissions unset or incorrect.\n"
        "playbook.yml:4 Task/Handler: copy a file\n"
        "\n"
        "Some text between findings\n"
        "custom: Result of the command may vary on subsequent runs.\n"
        "playbook.yml:12 Task/Handler: git clone\n"
    )
    assert [(r.rule, r.line) for r in parse_log(log, tmp_path)] == [
        ("no-changed-when", 8),
        ("risky-file-permissions", 4),
    ]


def test_ansible_lint_rules_do_not_take_compiler_lines(tmp_path: Path) -> None:
    log = (
        "values.yaml:3: error: mapping values are not allowed\n"
        "ok: [localhost]\n"
        "fatal: [web1]: FAILED! => {}\n"
    )
    assert all(r.tool != "ansible-lint" for r in parse_log(log, tmp_path))
