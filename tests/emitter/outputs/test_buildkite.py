from __future__ import annotations

import re
from pathlib import Path

from emitter.outputs import buildkite
from emitter.outputs.buildkite import annotation_context, annotation_style, code_span, fenced, render
from emitter.redact import Redactor
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()


def test_small_report_renders_header_groups_and_items() -> None:
    body = render(
        report(
            record(
                file="src/app.py", line=9, column=1, severity="warning", rule="E501", message="Line too long"
            ),
            record(file="src/app.py", line=3, column=8, rule="F401", message="`os` imported but unused"),
            record(
                tool="pytest",
                type="test_failure",
                file="tests/test_x.py",
                line=10,
                test="tests/test_x.py::test_add",
                message="assert 1 == 2\n  where 1 = f()",
            ),
            record(tool="infra", type="infra", message="Could not resolve host: example.test"),
        ),
        NO_SECRETS,
    )
    assert body == (
        "#### selfheal: `lint` failed — 3 errors, 1 warning\n"
        "\n"
        "`ruff check .` exited with code 1 · [job log](https://ci.example.test/org/p/builds/7#job-1)\n"
        "\n"
        "**`src/app.py`** — 1 error, 1 warning\n"
        "\n"
        "- `3:8` **error** `F401` `` `os` imported but unused `` — ruff\n"
        "- `9:1` warning `E501` `Line too long` — ruff\n"
        "\n"
        "**`tests/test_x.py`** — 1 error\n"
        "\n"
        "- `10` **FAILED** `tests/test_x.py::test_add` — pytest\n"
        "  ```\n"
        "  assert 1 == 2\n"
        "    where 1 = f()\n"
        "  ```\n"
        "\n"
        "**Other** — 1 error\n"
        "\n"
        "- **error** `Could not resolve host: example.test` — infra\n"
        "\n"
    )


def test_code_span_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert code_span("a ``b`` c") == "```a ``b`` c```"
    assert code_span("`x`") == "`` `x` ``"
    assert code_span("multi\nline   text") == "`multi line text`"
    assert code_span("  ") == ""


def test_fenced_block_cannot_be_closed_by_its_content() -> None:
    block = fenced("before\n````\nafter", indent="  ")
    assert block == "  `````\n  before\n  ````\n  after\n  `````\n"


def test_markup_in_messages_stays_inert() -> None:
    body = render(
        report(record(file="a.py", line=1, message="<script>alert(1)</script> | **bold** [x](y) `tick`")),
        NO_SECRETS,
    )
    item = next(line for line in body.splitlines() if line.startswith("- "))
    assert item == "- `1` **error** `` <script>alert(1)</script> | **bold** [x](y) `tick` `` — ruff"


def test_file_names_in_details_summaries_are_html_escaped() -> None:
    records = [record(file="src/<odd>&name.py", line=i + 1, message=f"m{i}") for i in range(25)]
    body = render(report(*records), NO_SECRETS)
    assert "<summary><code>src/&lt;odd&gt;&amp;name.py</code> — 25 errors</summary>" in body
    assert body.count("<details>") == body.count("</details>") == 1


def test_many_records_are_folded_per_file_files_with_errors_first() -> None:
    records = [record(file="b_warn.py", line=i + 1, severity="warning", message=f"w{i}") for i in range(15)]
    records += [record(file="c_err.py", line=i + 1, message=f"e{i}") for i in range(10)]
    body = render(report(*records), NO_SECRETS)
    summaries = re.findall(r"<summary>(.*)</summary>", body)
    assert summaries == ["<code>c_err.py</code> — 10 errors", "<code>b_warn.py</code> — 15 warnings"]


def test_within_a_file_errors_come_first_then_line_order() -> None:
    body = render(
        report(
            record(file="a.py", line=1, severity="note", message="n1"),
            record(file="a.py", line=20, message="e20"),
            record(file="a.py", line=5, severity="warning", message="w5"),
            record(file="a.py", line=2, message="e2"),
        ),
        NO_SECRETS,
    )
    assert re.findall(r"`([enw]\d+)`", body) == ["e2", "e20", "w5", "n1"]


def test_suggestion_and_fix_are_shown_under_the_item() -> None:
    body = render(
        report(
            record(
                file="a.py",
                line=1,
                message="import sorted wrongly",
                suggestion="use isort",
                fix={"command": ["ruff", "check", "--fix", "a.py"]},
            )
        ),
        NO_SECRETS,
    )
    assert "  - suggestion: `use isort`\n  - fix available: `ruff check --fix a.py`\n" in body


def test_body_stays_under_one_mebibyte_and_counts_what_was_left_out() -> None:
    long_message = "x" * 1900 + " `tick` é"
    records = [
        record(file=f"src/f{i % 40}.py", line=i + 1, message=f"{i} {long_message}") for i in range(3000)
    ]
    body = render(report(*records), NO_SECRETS)
    size = len(body.encode("utf-8"))
    assert size < 1024 * 1024
    shown = body.count("\n- ")
    assert 400 < shown < 3000
    assert body.endswith(
        f"_… {3000 - shown} more records not shown here; the full list is in the report artifact._\n"
    )
    assert body.count("<details>") == body.count("</details>")


def test_a_tiny_budget_still_yields_a_valid_body() -> None:
    records = [record(file="a.py", line=i + 1, message="m" * 300) for i in range(10)]
    body = render(report(*records), NO_SECRETS, max_bytes=2048)
    assert len(body.encode()) < 2048
    shown = body.count("\n- ")
    assert 0 < shown < 10
    assert body.endswith(
        f"_… {10 - shown} more records not shown here; the full list is in the report artifact._\n"
    )


def test_failed_run_without_records_shows_the_end_of_the_log() -> None:
    lines = [f"line {i}" for i in range(60)]
    body = render(report(log_tail=lines), NO_SECRETS)
    assert "#### selfheal: `lint` failed — no error lines recognised\n" in body
    assert body.endswith(
        "The output ended with:\n\n```\n" + "".join(f"line {i}\n" for i in range(20, 60)) + "```\n"
    )


def test_header_notes_dropped_records_and_partial_parsing() -> None:
    body = render(report(record(message="m"), records_dropped=12, partial=True), NO_SECRETS)
    assert "_12 more records were dropped by the report's cap._\n" in body
    assert "_Part of the output could not be parsed; see the report's warnings._\n" in body


def test_job_link_is_percent_encoded_and_only_http() -> None:
    body = render(report(ci={"job_url": "https://ci.example.test/a (b)/job"}), NO_SECRETS)
    assert "[job log](https://ci.example.test/a%20%28b%29/job)" in body
    assert "job log" not in render(report(ci={"job_url": "javascript:alert(1)"}), NO_SECRETS)


def test_annotation_context_is_stable_short_and_distinct() -> None:
    assert annotation_context("lint") == "selfheal-lint"
    assert annotation_context("lint:py") == annotation_context("lint:py")
    assert annotation_context("lint:py") != annotation_context("lint/py")
    assert annotation_context("lint:py").startswith("selfheal-lint-py-")
    long_one = annotation_context("Build & Test " * 20)
    assert len(long_one) <= 100
    assert re.fullmatch(r"selfheal-[a-z0-9._-]+-[0-9a-f]{8}", long_one)


def test_annotation_style_follows_the_worst_outcome() -> None:
    assert annotation_style(report(record(message="m"))) == "error"
    assert annotation_style(report(record(severity="warning", message="m"), status="passed")) == "warning"
    assert annotation_style(report(status="passed")) == "success"
    assert annotation_style(report(status="parsed")) == "info"


def test_write_creates_the_annotation_file(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "lint.annotation.md"
    buildkite.write(report(record(message="m")), str(dest), NO_SECRETS)
    assert dest.read_text(encoding="utf-8").startswith("#### selfheal: `lint` failed — 1 error\n")
