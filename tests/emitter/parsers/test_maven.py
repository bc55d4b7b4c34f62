"""Maven: a hand-written log (see its HANDWRITTEN file) and the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_recorded, essentials, parse_log

RECORDED = ("maven",)


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


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
    source = tmp_path / "src" / "main" / "java" / "a" / "App.java"  # the checkout at /ci/shop is this one
    source.parent.mkdir(parents=True)
    source.write_text("package a;\nclass App {}\n")
    [record] = parse_log(MAVEN_TWICE, tmp_path)
    assert (record.file, record.raw_file, record.line, record.column, record.type) == (
        "src/main/java/a/App.java",
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
    source = tmp_path / "src" / "test" / "java" / "a" / "FooTest.java"
    source.parent.mkdir(parents=True)
    source.write_text("package a;\n")
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "maven",
            "type": "test_failure",
            "file": "src/test/java/a/FooTest.java",  # the class's source, found under the test roots
            "line": 12,
            "severity": "error",
            "message": "java.lang.AssertionError: expected:<1> but was:<2>",
            "test": "a.FooTest.testBar",
        }
    ]
