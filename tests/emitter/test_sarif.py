"""emitter.sarif: real logs (ruff, ESLint's SARIF formatter), a handwritten CodeQL log, the SARIF rules a
reader must honour (level defaults, suppressions, baselines, base URIs, message strings, fixes) and broken
or hostile files that must end in a warning, never an exception.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.parsers.base import Hit
from emitter.report import Fix
from emitter.sarif import read_sarif
from tests.emitter.test_junit import check_report
from tests.helpers.fixtures import FIXTURES

LIVE = ("ruff", "eslint")
HANDWRITTEN = ("codeql",)


@pytest.mark.parametrize("name", LIVE + HANDWRITTEN)
def test_recorded(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_report("sarif", name, tmp_path, monkeypatch, live=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", LIVE)
def test_live(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_report("sarif", name, tmp_path, monkeypatch, live=True)


def test_every_fixture_is_tested() -> None:
    assert {p.name for p in (FIXTURES / "sarif").iterdir() if p.is_dir()} == set(LIVE + HANDWRITTEN)
    assert all((FIXTURES / "sarif" / name / "HANDWRITTEN").is_file() for name in HANDWRITTEN)


# --- the SARIF rules ---------------------------------------------------------------------------------------


def sarif(tmp_path: Path, *runs: dict[str, Any], name: str = "report.sarif") -> tuple[list[Hit], str | None]:
    path = tmp_path / name
    path.write_text(json.dumps({"version": "2.1.0", "runs": list(runs)}), encoding="utf-8")
    return read_sarif(str(path))


def run(*results: dict[str, Any], **extra: Any) -> dict[str, Any]:
    tool = extra.pop("tool", {"driver": {"name": "Demo Scanner", "rules": extra.pop("rules", [])}})
    return {"tool": tool, "results": list(results), **extra}


def result(rule_id: str | None = "R1", text: str = "problem", **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"message": {"text": text}, **extra}
    if rule_id is not None:
        found["ruleId"] = rule_id
    found.setdefault(
        "locations",
        [{"physicalLocation": {"artifactLocation": {"uri": "src/a.py"}, "region": {"startLine": 3}}}],
    )
    return found


def test_level_defaults(tmp_path: Path) -> None:
    rules = [
        {"id": "R1", "defaultConfiguration": {"level": "error"}},
        {"id": "R2", "defaultConfiguration": {"level": "note"}},
        {"id": "R3"},
    ]
    extension = {"name": "pack", "rules": [{"id": "X1", "defaultConfiguration": {"level": "none"}}]}
    tool = {"driver": {"name": "Demo", "rules": rules}, "extensions": [extension]}
    hits, warning = sarif(
        tmp_path,
        run(
            result("R1", "explicit level wins", level="warning"),
            result("R1", "rule default by id"),
            result(None, "rule default by index", ruleIndex=1),
            result("R3", "no default: warning"),
            result("X1", "by extension", rule={"id": "X1", "index": 0, "toolComponent": {"index": 0}}),
            result("R1", "not a failure", kind="review"),
            result("R1", "unknown level word", level="catastrophic"),
            result("UNKNOWN", "unknown rule"),
            tool=tool,
        ),
    )
    assert warning is None
    assert [(h.message, h.rule, h.severity) for h in hits] == [
        ("explicit level wins", "R1", "warning"),
        ("rule default by id", "R1", "error"),
        ("rule default by index", "R2", "note"),
        ("no default: warning", "R3", "warning"),
        ("by extension", "X1", "none"),
        ("not a failure", "R1", "note"),
        ("unknown level word", "R1", "warning"),
        ("unknown rule", "UNKNOWN", "warning"),
    ]
    records = merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records
    assert [r.severity for r in records] == [
        "warning",
        "error",
        "note",
        "warning",
        "note",
        "note",
        "warning",
        "warning",
    ]


def test_skipped_results(tmp_path: Path) -> None:
    hits, _ = sarif(
        tmp_path,
        run(
            result(text="no suppressions (ESLint writes an empty list)", suppressions=[]),
            result(text="suppressed in source", suppressions=[{"kind": "inSource"}]),
            result(text="accepted", suppressions=[{"kind": "external", "status": "accepted"}]),
            result(text="under review", suppressions=[{"kind": "external", "status": "underReview"}]),
            result(text="rejected", suppressions=[{"kind": "external", "status": "rejected"}]),
            result(
                text="accepted and rejected", suppressions=[{"status": "accepted"}, {"status": "rejected"}]
            ),
            result(text="gone since baseline", baselineState="absent"),
            result(text="new since baseline", baselineState="new"),
            result(text="a pass", kind="pass"),
            result(text="not applicable", kind="notApplicable"),
            result(text="open question", kind="open"),
        ),
    )
    assert [(h.message, h.severity) for h in hits] == [
        ("no suppressions (ESLint writes an empty list)", "warning"),
        ("under review", "warning"),
        ("rejected", "warning"),
        ("accepted and rejected", "warning"),
        ("new since baseline", "warning"),
        ("open question", "note"),
    ]


def test_message_strings_and_arguments(tmp_path: Path) -> None:
    rules = [
        {"id": "R1", "messageStrings": {"default": {"text": "'{0}' is used {1} times {{literally}} {5}"}}}
    ]
    tool = {"driver": {"name": "Demo", "rules": rules, "globalMessageStrings": {"g": {"text": "global {0}"}}}}
    hits, _ = sarif(
        tmp_path,
        run(
            result("R1", "", message={"id": "default", "arguments": ["x", 3]}),
            result("R2", "", message={"id": "g", "arguments": ["fallback"]}),
            result("R1", "", message={"text": "text with {0}", "arguments": ["an argument"]}),
            result("R1", "", message={"markdown": "only **markdown**"}),
            result("R1", "", message={"id": "missing"}),
            tool=tool,
        ),
    )
    assert [h.message for h in hits] == [
        "'x' is used 3 times {literally} {5}",
        "global fallback",
        "text with an argument",
        "only **markdown**",
    ]  # a result with no message at all says nothing a reader could act on: skipped


def location(uri: str, base: str | None = None, **region: int) -> list[dict[str, Any]]:
    artifact: dict[str, Any] = {"uri": uri} if uri else {}
    if base:
        artifact["uriBaseId"] = base
    return [{"physicalLocation": {"artifactLocation": artifact, "region": region}}]


def test_uris_and_regions(tmp_path: Path) -> None:
    bases = {
        "SRC": {"uri": "project/", "uriBaseId": "ROOT"},
        "ROOT": {"uri": "file:///home/ci/"},
        "LOOP": {"uri": "x/", "uriBaseId": "LOOP"},
    }
    artifacts = [{"location": {"uri": "lib/b.js", "uriBaseId": "SRC"}}]
    hits, _ = sarif(
        tmp_path,
        run(
            result(text="file uri", locations=location("file:///home/ci/project/a%20b.py", startLine=2)),
            result(
                text="windows", locations=location("file:///C:/ci/app/Main.cs", startLine=4, startColumn=5)
            ),
            result(text="chained base", locations=location("src/c.py", "SRC", startLine=1, endColumn=9)),
            result(text="unknown base", locations=location("src/d.py", "%SRCROOT%", startLine=7)),
            result(text="cyclic base", locations=location("e.py", "LOOP", startLine=1)),
            result(
                text="artifact index",
                locations=[
                    {"physicalLocation": {"artifactLocation": {"index": 0}, "region": {"startLine": 9}}}
                ],
            ),
            result(
                text="multi-line region",
                locations=location("f.py", startLine=3, startColumn=2, endLine=5, endColumn=1),
            ),
            result(text="no location", locations=[]),
            result(text="logical only", locations=[{"logicalLocations": [{"fullyQualifiedName": "a.b"}]}]),
            originalUriBaseIds=bases,
            artifacts=artifacts,
        ),
    )
    assert [(h.message, h.file, h.line, h.column, h.end_line, h.end_column) for h in hits] == [
        ("file uri", "/home/ci/project/a b.py", 2, None, None, None),
        ("windows", "C:/ci/app/Main.cs", 4, 5, None, None),
        ("chained base", "/home/ci/project/src/c.py", 1, None, 1, 9),
        ("unknown base", "src/d.py", 7, None, None, None),
        ("cyclic base", "x/e.py", 1, None, None, None),  # expanded once, then the cycle is cut
        ("artifact index", "/home/ci/project/lib/b.js", 9, None, None, None),
        ("multi-line region", "f.py", 3, 2, 5, 1),
        ("no location", None, None, None, None, None),
        ("logical only", None, None, None, None, None),
    ]


def test_fixes(tmp_path: Path) -> None:
    def change(uri: str, *replacements: dict[str, Any]) -> dict[str, Any]:
        return {"artifactLocation": {"uri": uri}, "replacements": list(replacements)}

    region = {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 9}
    good = {
        "description": {"text": "Use the new name"},
        "artifactChanges": [
            change("src/a.py", {"deletedRegion": region, "insertedContent": {"text": "name"}}),
            change("src/b.py", {"deletedRegion": {"startLine": 1, "endColumn": 3}}),  # delete two characters
        ],
    }
    offsets = {"artifactChanges": [change("src/a.py", {"deletedRegion": {"charOffset": 3, "charLength": 2}})]}
    whole_line = {"artifactChanges": [change("src/a.py", {"deletedRegion": {"startLine": 4}})]}
    hits, _ = sarif(
        tmp_path,
        run(
            result(text="first usable fix is kept", fixes=[offsets, good]),
            result(text="no usable fix", fixes=[offsets, whole_line]),
            result(text="half a fix is no fix", fixes=[{**good, "artifactChanges": [*good["artifactChanges"],
                                                                                   *offsets["artifactChanges"]]}]),
        ),
    )  # fmt: skip
    assert hits[0].fix == {
        "description": "Use the new name",
        "edits": [
            {
                "file": "src/a.py",
                "start_line": 2,
                "start_column": 5,
                "end_line": 2,
                "end_column": 9,
                "text": "name",
            },
            {
                "file": "src/b.py",
                "start_line": 1,
                "start_column": 1,
                "end_line": 1,
                "end_column": 3,
                "text": "",
            },
        ],
    }
    Fix.model_validate(hits[0].fix)  # the report's own model takes it as is
    assert [h.fix for h in hits[1:]] == [None, None]


@pytest.mark.parametrize(
    ("name", "tags", "message", "kind"),
    [
        ("CodeQL", ["security", "external/cwe/cwe-089"], "m", "security"),
        ("CodeQL", ["maintainability"], "m", "lint"),
        ("Semgrep OSS", ["Security"], "m", "security"),
        ("gosec", [], "m", "security"),
        ("Trivy", [], "m", "security"),
        ("Bandit", [], "m", "security"),
        ("Prettier", [], "m", "format"),
        ("ESLint", [], "Parsing error: Unexpected token", "syntax_error"),
        ("ruff", [], "m", "lint"),
    ],
)
def test_type_from_tool_and_tags(tmp_path: Path, name: str, tags: list[str], message: str, kind: str) -> None:
    rules = [{"id": "R1", "properties": {"tags": tags}}]
    hits, _ = sarif(tmp_path, run(result("R1", message), tool={"driver": {"name": name, "rules": rules}}))
    assert [(h.tool, h.type) for h in hits] == [(name.lower().split()[0], kind)]


def test_security_severity_and_result_tags_count_as_security(tmp_path: Path) -> None:
    rules = [{"id": "R1", "properties": {"security-severity": "7.5"}}, {"id": "R2"}]
    hits, _ = sarif(
        tmp_path,
        run(result("R1"), result("R2", properties={"tags": ["security"]}), result("R2"), rules=rules),
    )
    assert [h.type for h in hits] == ["security", "security", "lint"]


def test_several_runs_and_error_notifications(tmp_path: Path) -> None:
    notification = {
        "level": "error",
        "message": {"text": "Parsing error: Unexpected token ("},
        "locations": location("file:///w/broken.js", startLine=1, startColumn=10),
        "descriptor": {"id": "ESL0999"},
    }
    hits, _ = sarif(
        tmp_path,
        run(result("A", "from the first run"), tool={"driver": {"name": "One"}}),
        run(
            result("B", "from the second run"),
            tool={"driver": {"name": "Two"}},
            invocations=[
                {
                    "toolConfigurationNotifications": [notification],
                    "toolExecutionNotifications": [{"message": {"text": "a warning-level note"}}],
                }
            ],
        ),
    )
    assert [(h.tool, h.type, h.rule, h.message, h.file, h.line, h.column) for h in hits] == [
        ("one", "lint", "A", "from the first run", "src/a.py", 3, None),
        ("two", "lint", "B", "from the second run", "src/a.py", 3, None),
        ("two", "syntax_error", "ESL0999", "Parsing error: Unexpected token (", "/w/broken.js", 1, 10),
    ]
    assert all(h.source == "sarif" for h in hits)


def test_wrong_shapes_are_skipped_not_fatal(tmp_path: Path) -> None:
    hits, warning = sarif(
        tmp_path,
        {"tool": "not an object", "results": "not a list"},
        run(
            "not a result",  # type: ignore[arg-type]
            {"ruleId": 5, "message": {"text": "odd ids"}, "locations": [5, {"physicalLocation": "x"}]},
            {"message": {"text": "bad region"}, "locations": location("a.py", startLine=0, startColumn=-1)},
            {"message": {"text": "bool line"}, "locations": location("a.py", startLine=True)},
            {"message": {"text": "fix of wrong shape"}, "fixes": [None, {"artifactChanges": "x"}, 3]},
            {"message": "not an object"},
            tool={"driver": {"name": 7, "rules": [None, {"id": 3}]}},
        ),
    )
    assert warning is None
    assert [(h.tool, h.rule, h.message, h.file, h.line, h.fix) for h in hits] == [
        ("sarif", None, "odd ids", None, None, None),
        ("sarif", None, "bad region", "a.py", None, None),
        ("sarif", None, "bool line", "a.py", None, None),
        ("sarif", None, "fix of wrong shape", None, None, None),
    ]


def test_relative_uris_are_anchored_beside_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "svc" / "src").mkdir(parents=True)
    (tmp_path / "svc" / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "svc" / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc" / "scan.sarif").write_text(json.dumps({"version": "2.1.0", "runs": [run(result())]}))
    hits, _ = read_sarif("svc/scan.sarif")
    record = merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records[0]
    assert (record.file, record.line, record.source) == ("svc/src/a.py", 3, "sarif")


# --- broken and hostile files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"version": "2.1.0", "runs": [{"results": [', "not valid JSON"),
        (b"<?xml version='1.0'?><sarif/>", "not valid JSON"),
        (b"[1, 2, 3]", "not a SARIF log"),
        (b'{"version": "2.1.0"}', "not a SARIF log"),
        (b'{"runs": {"0": {}}}', "not a SARIF log"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
)
def test_unreadable_files_give_a_warning(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "report.sarif"
    path.write_bytes(content)
    hits, warning = read_sarif(str(path))
    assert hits == []
    assert warning is not None and says in warning and str(path) in warning and "\n" not in warning


def test_missing_file_and_directory_give_a_warning(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.sarif", tmp_path):
        hits, warning = read_sarif(str(path))
        assert hits == [] and warning is not None and str(path) in warning


def test_bom_and_huge_messages(tmp_path: Path) -> None:
    path = tmp_path / "bom.sarif"
    log = {"version": "2.1.0", "runs": [run(result(text="ü" + "x" * 10_000_000))]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(log).encode())
    hits, warning = read_sarif(str(path))
    assert warning is None and len(hits) == 1 and hits[0].message.startswith("üxx")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KEYS = [  # the names the reader looks for, so that the fuzzer reaches past the first lookup
    "runs", "results", "tool", "driver", "name", "rules", "id", "ruleId", "ruleIndex", "rule", "index",
    "toolComponent", "extensions", "level", "kind", "message", "text", "arguments", "messageStrings",
    "markdown", "locations", "physicalLocation", "artifactLocation", "uri", "uriBaseId", "originalUriBaseIds",
    "region", "startLine", "startColumn", "endLine", "endColumn", "fixes", "artifactChanges", "replacements",
    "deletedRegion", "insertedContent", "description", "suppressions", "status", "baselineState",
    "properties", "tags", "artifacts", "location", "defaultConfiguration", "invocations",
    "toolExecutionNotifications", "descriptor", "globalMessageStrings",
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=40,
)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.sarif"
    path.write_bytes(data)
    hits, warning = read_sarif(str(path))
    assert isinstance(hits, list) and (warning is None or isinstance(warning, str))


@FUZZ
@given(JSON)
def test_fuzz_sarif_shaped_json(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "fuzz.sarif"
    for document in (value, {"runs": [value]}, {"runs": [{"results": [value], "tool": value}]}):
        path.write_text(json.dumps(document))
        hits, warning = read_sarif(str(path))
        assert isinstance(hits, list) and (warning is None or isinstance(warning, str))
        for hit in hits:
            if hit.fix is not None:
                Fix.model_validate(hit.fix)
        merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path)))  # every hit makes a valid record


@FUZZ
@given(st.integers(0, 2000))
def test_fuzz_truncated_log(tmp_path: Path, cut: int) -> None:
    text = (FIXTURES / "sarif" / "codeql" / "report.sarif").read_bytes()
    path = tmp_path / "cut.sarif"
    path.write_bytes(text[: len(text) * cut // 2000])
    hits, warning = read_sarif(str(path))
    assert (hits == [] and warning is not None) or (warning is None and len(hits) == 6)
