"""javac, Maven, Gradle and Kotlin: real javac output, hand-written Maven/Gradle/Kotlin logs (see their
HANDWRITTEN files), and the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

RECORDED = ("javac", "maven", "gradle", "kotlin")
LIVE = ("javac",)


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


JAVAC_TABS = (
    "T.java:3: error: incompatible types: String cannot be converted to int\n"
    '\t\tint y = "x";\n'
    "\t\t        ^\n"
    "T.java:9: warning: [deprecation] old() in Lib has been deprecated\n"
    "        Lib.old();\n"
    "           ^\n"
    "1 error\n"
    "1 warning\n"
)


def test_javac_column_counts_a_tab_as_one_character_and_lint_key_is_the_rule(tmp_path: Path) -> None:
    assert essentials(parse_log(JAVAC_TABS, tmp_path)) == [
        {
            "tool": "javac",
            "type": "type_error",
            "file": "T.java",
            "line": 3,
            "column": 11,
            "severity": "error",
            "message": "incompatible types: String cannot be converted to int",
        },
        {
            "tool": "javac",
            "type": "lint",
            "file": "T.java",
            "line": 9,
            "column": 12,
            "severity": "warning",
            "rule": "deprecation",
            "message": "old() in Lib has been deprecated",
        },
    ]


JAVAC_WINDOWS = (
    "C:\\ci\\app\\src\\Main.java:4: error: cannot find symbol\n"
    "        helper();\n"
    "        ^\n"
    "  symbol:   method helper()\n"
    "  location: class Main\n"
    "Note: Some input files use unchecked or unsafe operations.\n"
    "1 error\n"
)


def test_javac_windows_path_and_symbol_location_in_the_message(tmp_path: Path) -> None:
    [record] = parse_log(JAVAC_WINDOWS, tmp_path)
    assert (record.file, record.line, record.column) == ("C:/ci/app/src/Main.java", 4, 9)
    assert record.message == "cannot find symbol\nsymbol:   method helper()\nlocation: class Main"
    assert record.type == "compile_error"


def test_javac_syntax_and_missing_package_kinds(tmp_path: Path) -> None:
    log = (
        "src/A.java:1: error: package org.acme.util does not exist\n"
        "import org.acme.util.Strings;\n"
        "                    ^\n"
        "src/A.java:5: error: ';' expected\n"
        "        int x = 1\n"
        "                 ^\n"
    )
    kinds = [(r.line, r.column, r.type) for r in parse_log(log, tmp_path)]
    assert kinds == [(1, 21, "import_error"), (5, 18, "syntax_error")]


MAVEN_TWICE = (
    "[ERROR] COMPILATION ERROR : \n"
    "[INFO] -------------------------------------------------------------\n"
    "[ERROR] /ci/shop/src/main/java/a/App.java:[10,9] cannot find symbol\n"
    "  symbol:   method foo()\n"
    "  location: class a.App\n"
    "[INFO] 1 error\n"
    "[INFO] -------------------------------------------------------------\n"
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile "
    "(default-compile) on project demo: Compilation failure\n"
    "[ERROR] /ci/shop/src/main/java/a/App.java:[10,9] cannot find symbol\n"
    "[ERROR]   symbol:   method foo()\n"
    "[ERROR]   location: class a.App\n"
    "[ERROR] -> [Help 1]\n"
)


def test_maven_prints_compiler_errors_twice_and_both_parse_identically(tmp_path: Path) -> None:
    from emitter.scan import scan_bytes

    hits = [h for h in scan_bytes(MAVEN_TWICE.encode()) if h.tool == "maven"]
    assert len(hits) == 2
    assert hits[0] == hits[1]
    assert hits[0].message == "cannot find symbol\nsymbol:   method foo()\nlocation: class a.App"
    [record] = parse_log(MAVEN_TWICE, tmp_path)
    assert (record.file, record.line, record.column, record.type) == (
        "/ci/shop/src/main/java/a/App.java",
        10,
        9,
        "compile_error",
    )


def test_maven_unresolvable_plugin_is_kept_and_network_failures_are_infra(tmp_path: Path) -> None:
    log = (
        "[ERROR] Failed to execute goal on project calc: Could not resolve dependencies for project "
        "com.example:calc:jar:1.0: Could not find artifact org.acme:money:jar:2.0 in internal "
        "(https://nexus.example.com/repository/maven-public/) -> [Help 1]\n"
        "[ERROR] Plugin org.apache.maven.plugins:maven-surefire-plugin:3.5.2 or one of its dependencies "
        "could not be resolved: Could not transfer artifact org.codehaus.plexus:plexus-utils:jar:1.1 "
        "from/to internal "
        "(https://nexus.example.com/repository/maven-public/): Unknown host nexus.example.com -> [Help 1]\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.tool, r.type) for r in records] == [("maven", "dependency"), ("maven", "infra")]
    assert records[0].message == (
        "Could not resolve dependencies for project com.example:calc:jar:1.0: Could not find artifact "
        "org.acme:money:jar:2.0 in internal (https://nexus.example.com/repository/maven-public/)"
    )


def test_surefire_2_layout_and_results_section_merge_into_one_record_per_test(tmp_path: Path) -> None:
    log = (
        "[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! "
        "- in a.FooTest\n"
        "[ERROR] testBar(a.FooTest)  Time elapsed: 0.01 s  <<< FAILURE!\n"
        "java.lang.AssertionError: expected:<1> but was:<2>\n"
        "\tat a.FooTest.testBar(FooTest.java:12)\n"
        "\n"
        "[INFO] Results:\n"
        "[ERROR] Failures: \n"
        "[ERROR]   FooTest.testBar:12 expected:<1> but was:<2>\n"
        "[INFO] \n"
        "[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0\n"
    )
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "maven",
            "type": "test_failure",
            "severity": "error",
            "message": "java.lang.AssertionError: expected:<1> but was:<2>",
            "test": "a.FooTest.testBar",
        }
    ]


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
    [record] = parse_log(GRADLE_WHERE, tmp_path)
    assert (record.tool, record.type, record.file, record.line) == (
        "gradle",
        "unknown",
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


KOTLIN_OLD = """\
e: /ci/proj/src/main/kotlin/A.kt: (3, 5): Unresolved reference: foo
w: C:\\ci\\proj\\src\\main\\kotlin\\B.kt: (7, 13): Parameter 'x' is never used
e: /ci/proj/build.gradle.kts: (2, 1): Expecting an element
"""


def test_kotlin_before_1_8_form_with_windows_path(tmp_path: Path) -> None:
    got = [(r.file, r.line, r.column, r.severity, r.type, r.message) for r in parse_log(KOTLIN_OLD, tmp_path)]
    assert got == [
        ("/ci/proj/src/main/kotlin/A.kt", 3, 5, "error", "compile_error", "Unresolved reference: foo"),
        ("C:/ci/proj/src/main/kotlin/B.kt", 7, 13, "warning", "lint", "Parameter 'x' is never used"),
        ("/ci/proj/build.gradle.kts", 2, 1, "error", "syntax_error", "Expecting an element"),
    ]


def test_kotlin_uri_with_encoded_space(tmp_path: Path) -> None:
    src = tmp_path / "my app" / "A.kt"
    src.parent.mkdir()
    src.write_text("fun main() {}\n")
    log = f"e: file://{tmp_path}/my%20app/A.kt:1:5 Unresolved reference 'mian'.\n\nBUILD FAILED in 1s\n"
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column) == ("my app/A.kt", 1, 5)
    assert record.message == "Unresolved reference 'mian'."


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
    assert (record.tool, record.type, record.file, record.line) == (
        "gradle",
        "compile_error",
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


def test_kotlin_before_1_8_line_seen_by_its_anchor_and_in_the_tail_is_one_record(tmp_path: Path) -> None:
    # The old form has no location anchor: the tail shows it; a message saying "Error" is seen as well.
    log = (
        "e: /ci/proj/src/main/kotlin/A.kt: (3, 9): Unresolved reference: TimeoutError\n\nBUILD FAILED in 2s\n"
    )
    got = [(r.tool, r.file, r.line, r.column, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("kotlin", "/ci/proj/src/main/kotlin/A.kt", 3, 9, "Unresolved reference: TimeoutError")]
