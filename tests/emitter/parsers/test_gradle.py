"""Gradle's report and test lines: a hand-written log (see its HANDWRITTEN file) and the lines that are
easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_recorded, essentials, parse_log

RECORDED = ("gradle",)


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


GRADLE_WHERE = """\
FAILURE: Build failed with an exception.

* Where:
Build file '/ci/proj/app/build.gradle' line: 12

* What went wrong:
A problem occurred evaluating project ':app'.
> Could not find method implementaion() for arguments [org.acme:lib:1.0] on object of type \
org.gradle.api.internal.artifacts.dsl.dependencies.DefaultDependencyHandler.

* Try:
> Run with --stacktrace option to get the stack trace.
"""


def test_gradle_where_gives_the_build_script_location(tmp_path: Path) -> None:
    # the build ran in a checkout at /ci/proj: the script is the repository's app/build.gradle
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "build.gradle").write_text("dependencies {}\n")
    [record] = parse_log(GRADLE_WHERE, tmp_path)
    assert (record.tool, record.type, record.file, record.raw_file, record.line) == (
        "gradle",
        "unknown",
        "app/build.gradle",
        "/ci/proj/app/build.gradle",
        12,
    )
    assert record.message.startswith(
        "A problem occurred evaluating project ':app'.\n> Could not find method implementaion()"
    )


def test_gradle_full_exception_format_keeps_the_message_not_the_frames(tmp_path: Path) -> None:
    log = (
        "com.acme.CartTest > totals() FAILED\n"
        "    org.opentest4j.AssertionFailedError: expected: <3> but was: <2>\n"
        "        at app//org.junit.jupiter.api.Assertions.fail(Assertions.java:138)\n"
        "        at app//com.acme.CartTest.totals(CartTest.java:20)\n"
        "\n"
        "1 test completed, 1 failed\n"
    )
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "gradle",
            "type": "test_failure",
            "severity": "error",
            "message": "org.opentest4j.AssertionFailedError: expected: <3> but was: <2>",
            "test": "com.acme.CartTest > totals()",
        }
    ]


KOTLIN_DSL_SCRIPT = """\
FAILURE: Build failed with an exception.

* Where:
Build file '/ci/proj/build.gradle.kts' line: 5

* What went wrong:
Script compilation error:

  Line 05:     implementaion("org.acme:lib:1.0")
               ^ Unresolved reference: implementaion

1 error

* Try:
> Run with --stacktrace option to get the stack trace.

BUILD FAILED in 1s
"""


def test_gradle_script_compilation_error_keeps_its_excerpt_across_blank_lines(tmp_path: Path) -> None:
    [record] = parse_log(KOTLIN_DSL_SCRIPT, tmp_path)
    assert (record.tool, record.type, record.file, record.raw_file, record.line) == (
        "gradle",
        "compile_error",
        None,  # no build.gradle.kts in this repository: the path stays the tool's only
        "/ci/proj/build.gradle.kts",
        5,
    )
    assert record.message == (
        "Script compilation error:\n"
        "\n"
        '  Line 05:     implementaion("org.acme:lib:1.0")\n'
        "               ^ Unresolved reference: implementaion\n"
        "\n"
        "1 error"
    )


def test_gradle_report_on_a_stream_without_build_failed_lets_go_of_what_follows(tmp_path: Path) -> None:
    # Gradle's report has no anchor but its FAILURE line; when `BUILD FAILED` went to the other stream,
    # the block must still end at the first line that is not the report's.
    log = (
        "FAILURE: Build failed with an exception.\n"
        "\n"
        "* What went wrong:\n"
        "Execution failed for task ':app:compileJava'.\n"
        "> Could not find org.acme:lib:1.0.\n"
        "\n"
        "* Try:\n"
        "> Run with --stacktrace option to get the stack trace.\n"
        "\n"
        "src/A.java:3: error: cannot find symbol\n"
        "        foo();\n"
        "        ^\n"
    )
    got = [(r.tool, r.type, r.file, r.line, r.column, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        (
            "gradle",
            "dependency",
            None,
            None,
            None,
            "Execution failed for task ':app:compileJava'.\n> Could not find org.acme:lib:1.0.",
        ),
        ("javac", "compile_error", "src/A.java", 3, 9, "cannot find symbol"),
    ]


def test_gradle_stacktrace_and_deprecation_notice_do_not_hide_the_failure(tmp_path: Path) -> None:
    log = (
        "FAILURE: Build failed with an exception.\n"
        "\n"
        "* What went wrong:\n"
        "A problem occurred configuring root project 'shop'.\n"
        "> Could not resolve all artifacts for configuration ':classpath'.\n"
        "\n"
        "* Exception is:\n"
        "org.gradle.api.ProjectConfigurationException: A problem occurred configuring root project 'shop'.\n"
        "\tat org.gradle.configuration.project.LifecycleProjectEvaluator.wrapException"
        "(LifecycleProjectEvaluator.java:84)\n"
        "Caused by: org.gradle.api.internal.artifacts.ivyservice.TypedResolveException: boom\n"
        "\t... 12 more\n"
        "\n"
        "* Get more help at https://help.gradle.org\n"
        "\n"
        "Deprecated Gradle features were used in this build, making it incompatible with Gradle 9.0.\n"
        "\n"
        "BUILD FAILED in 3s\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.type, record.file) == ("gradle", "dependency", None)
    assert record.message == (
        "A problem occurred configuring root project 'shop'.\n"
        "> Could not resolve all artifacts for configuration ':classpath'."
    )
