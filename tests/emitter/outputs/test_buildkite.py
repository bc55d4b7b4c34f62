from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.markdown import Forge, code_span, fenced, forge, link
from emitter.outputs import buildkite
from emitter.outputs.buildkite import FIRST_SCREEN, annotation_context, annotation_style, render
from emitter.redact import Redactor
from emitter.report import CI, Record
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
        "- `3:8` **error** [`F401`](https://docs.astral.sh/ruff/rules/F401) `` `os` imported but unused `` — ruff\n"
        "- `9:1` warning [`E501`](https://docs.astral.sh/ruff/rules/E501) `Line too long` — ruff\n"
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
    assert "**`src/<odd>&name.py`** — 10 errors\n" in body  # the first screen: a code span shows it literally
    assert "<summary><code>src/&lt;odd&gt;&amp;name.py</code> — 15 errors (continued)</summary>" in body
    assert body.count("<details>") == body.count("</details>") == 1


def test_many_records_are_folded_per_file_files_with_errors_first() -> None:
    records = [record(file="b_warn.py", line=i + 1, severity="warning", message=f"w{i}") for i in range(15)]
    records += [record(file="c_err.py", line=i + 1, message=f"e{i}") for i in range(15)]
    body = render(report(*records), NO_SECRETS)
    summaries = re.findall(r"<summary>(.*)</summary>", body)
    assert summaries == [
        "<code>c_err.py</code> — 5 errors (continued)",
        "<code>b_warn.py</code> — 15 warnings",
    ]


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
        f"_… {3000 - shown} more records not shown here._ "
        "See the full report in the job's artifacts: `.selfheal/lint.json`\n"
    )
    assert body.count("<details>") == body.count("</details>")


def test_a_tiny_budget_still_yields_a_valid_body() -> None:
    records = [record(file="a.py", line=i + 1, message="m" * 300) for i in range(10)]
    body = render(report(*records), NO_SECRETS, max_bytes=2048)
    assert len(body.encode()) < 2048
    shown = body.count("\n- ")
    assert 0 < shown < 10
    assert body.endswith(
        f"_… {10 - shown} more records not shown here._ "
        "See the full report in the job's artifacts: `.selfheal/lint.json`\n"
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


# --- links to the forge and to rule documentation --------------------------------------------------------

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("remote", "kind", "base"),
    [
        ("git@github.com:org/repo.git", "github", "https://github.com/org/repo"),
        ("https://github.com/org/repo.git", "github", "https://github.com/org/repo"),
        ("https://github.com/org/repo", "github", "https://github.com/org/repo"),
        ("ssh://git@github.com/org/repo.git", "github", "https://github.com/org/repo"),
        ("ssh://git@ssh.github.com:443/org/repo.git", "github", "https://github.com/org/repo"),
        ("https://x-access-token:s3cr3t@github.com/org/repo.git", "github", "https://github.com/org/repo"),
        ("git@gitlab.com:group/sub/proj.git", "gitlab", "https://gitlab.com/group/sub/proj"),
        ("https://gitlab.com/group/proj", "gitlab", "https://gitlab.com/group/proj"),
        ("ssh://git@gitlab.corp.example:2222/g/p.git", "gitlab", "https://gitlab.corp.example/g/p"),
        ("https://gitlab.corp.example:8443/g/p.git", "gitlab", "https://gitlab.corp.example:8443/g/p"),
        ("http://gitlab.internal/g/p", "gitlab", "http://gitlab.internal/g/p"),
        ("git@bitbucket.org:ws/repo.git", "bitbucket", "https://bitbucket.org/ws/repo"),
        ("https://user@bitbucket.org/ws/repo.git", "bitbucket", "https://bitbucket.org/ws/repo"),
    ],
)
def test_forge_of_every_remote_form(remote: str, kind: str, base: str) -> None:
    assert forge(remote) == Forge(kind, base)


@pytest.mark.parametrize(
    "remote",
    [
        None,
        "",
        "/srv/git/repo.git",
        "file:///srv/git/repo.git",
        "../repo",
        "C:\\src\\repo",
        "git@git.example.test:org/repo.git",  # unknown host
        "https://gitea.example.test/org/repo.git",
        "https://github.com/org",  # not a repository
        "https://github.com/org/repo/tree/main",  # a page, not a repository
        "https://gitlab.com/group/proj/-/tree/main",
        "https://github.com/org/re po.git",
        "https://github.com/org/repo)](javascript:alert(1))",
        "https://github.com/../../etc",
    ],
)
def test_no_forge_for_unknown_hosts_local_paths_and_junk(remote: str | None) -> None:
    assert forge(remote) is None


def test_forge_pages_per_kind() -> None:
    github = Forge("github", "https://github.com/o/r")
    gitlab = Forge("gitlab", "https://gitlab.com/g/s/p")
    bitbucket = Forge("bitbucket", "https://bitbucket.org/w/r")
    assert github.blob(SHA, "src/a.py", 12) == f"https://github.com/o/r/blob/{SHA}/src/a.py#L12"
    assert gitlab.blob(SHA, "src/a.py", 12) == f"https://gitlab.com/g/s/p/-/blob/{SHA}/src/a.py#L12"
    assert bitbucket.blob(SHA, "src/a.py", 12) == f"https://bitbucket.org/w/r/src/{SHA}/src/a.py#lines-12"
    assert github.commit(SHA) == f"https://github.com/o/r/commit/{SHA}"
    assert gitlab.commit(SHA) == f"https://gitlab.com/g/s/p/-/commit/{SHA}"
    assert bitbucket.commit(SHA) == f"https://bitbucket.org/w/r/commits/{SHA}"
    assert github.tree("refs/heads/selfheal/x-1") == "https://github.com/o/r/tree/selfheal/x-1"
    assert gitlab.tree("feature/a b") == "https://gitlab.com/g/s/p/-/tree/feature/a%20b"
    assert bitbucket.tree("main") == "https://bitbucket.org/w/r/branch/main"
    assert github.commit("HEAD") is None and github.blob("HEAD", "a.py", 1) is None
    assert github.blob(SHA, "../outside.py", 1) is None and github.blob(SHA, "/etc/passwd", 1) is None


def _linked(repository: str | None, *records: Record, commit: str | None = SHA) -> str:
    ci = CI(provider="buildkite", repository=repository, commit=commit)
    return render(report(*records, ci=ci), NO_SECRETS)


def _items(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize(
    ("repository", "url"),
    [
        ("git@github.com:org/repo.git", f"https://github.com/org/repo/blob/{SHA}/src/app.py#L3"),
        ("https://github.com/org/repo.git", f"https://github.com/org/repo/blob/{SHA}/src/app.py#L3"),
        ("git@gitlab.com:g/sub/p.git", f"https://gitlab.com/g/sub/p/-/blob/{SHA}/src/app.py#L3"),
        ("https://gitlab.example.test/g/p", f"https://gitlab.example.test/g/p/-/blob/{SHA}/src/app.py#L3"),
        ("git@bitbucket.org:ws/repo.git", f"https://bitbucket.org/ws/repo/src/{SHA}/src/app.py#lines-3"),
        ("https://bitbucket.org/ws/repo", f"https://bitbucket.org/ws/repo/src/{SHA}/src/app.py#lines-3"),
    ],
)
def test_each_location_links_to_its_line_at_the_builds_commit(repository: str, url: str) -> None:
    body = _linked(repository, record(file="src/app.py", line=3, column=8, rule="F401", message="unused"))
    assert _items(body) == [
        f"- [`3:8`]({url}) **error** [`F401`](https://docs.astral.sh/ruff/rules/F401) `unused` — ruff"
    ]


@pytest.mark.parametrize(
    ("repository", "commit"),
    [
        ("git@git.example.test:org/repo.git", SHA),  # unknown host
        ("/var/lib/buildkite/repo.git", SHA),  # local path
        (None, SHA),
        ("git@github.com:org/repo.git", "HEAD"),  # Buildkite's unresolved commit
        ("git@github.com:org/repo.git", None),
    ],
)
def test_no_forge_or_no_commit_leaves_the_location_plain(repository: str | None, commit: str | None) -> None:
    body = _linked(repository, record(file="src/app.py", line=3, column=8, message="unused"), commit=commit)
    assert _items(body) == ["- `3:8` **error** `unused` — ruff"]


def test_hostile_file_names_are_quoted_into_the_link_or_not_linked() -> None:
    body = _linked(
        "git@github.com:org/repo.git",
        record(file="src/a (1).py", line=1, message="m1"),
        record(file="x](javascript:alert(1))<b>.py", line=2, message="m2"),
        record(file="dir/#frag?q=1 `tick`.py", line=3, message="m3"),
        record(file="../outside.py", line=4, message="m4"),
    )
    base = f"https://github.com/org/repo/blob/{SHA}"
    assert sorted(_items(body)) == sorted(
        [
            f"- [`1`]({base}/src/a%20%281%29.py#L1) **error** `m1` — ruff",
            f"- [`2`]({base}/x%5D%28javascript%3Aalert%281%29%29%3Cb%3E.py#L2) **error** `m2` — ruff",
            f"- [`3`]({base}/dir/%23frag%3Fq%3D1%20%60tick%60.py#L3) **error** `m3` — ruff",
            "- `4` **error** `m4` — ruff",
        ]
    )


def test_hostile_rules_stay_code_spans_and_known_rules_link_their_page() -> None:
    body = _linked(
        None,
        record(file="a.py", line=1, rule="F401](javascript:alert(1))", message="m1"),
        record(file="a.py", line=2, rule="`x`)<script>", message="m2"),
        record(tool="eslint", file="a.js", line=3, rule="no-undef", message="m3"),
        record(tool="shellcheck", file="a.sh", line=4, rule="SC2086", message="m4"),
        record(tool="gcc", file="a.c", line=5, rule="-Wformat", message="m5"),
    )
    assert _items(body) == [  # files in name order: a.c, a.js, a.py, a.sh
        "- `5` **error** `-Wformat` `m5` — gcc",
        "- `3` **error** [`no-undef`](https://eslint.org/docs/latest/rules/no-undef) `m3` — eslint",
        "- `1` **error** `F401](javascript:alert(1))` `m1` — ruff",
        "- `2` **error** `` `x`)<script> `` `m2` — ruff",
        "- `4` **error** [`SC2086`](https://www.shellcheck.net/wiki/SC2086) `m4` — shellcheck",
    ]


def test_link_refuses_urls_that_could_end_the_markdown_link() -> None:
    assert link("`x`", "https://example.test/a(b)") == "`x`"
    assert link("`x`", "javascript:alert(1)") == "`x`"
    assert link("`x`", "https://example.test/a b") == "`x`"
    assert link("`x`", None) == "`x`"
    assert link("`x`", "https://example.test/a%20b#L1") == "[`x`](https://example.test/a%20b#L1)"


# --- the first screen and the truncation line ------------------------------------------------------------


def test_the_first_screen_shows_the_first_errors_with_their_messages_before_any_collapsed_file() -> None:
    records = [record(file=f"src/f{i % 4}.py", line=i + 1, message=f"problem number {i}") for i in range(30)]
    body = render(report(*records), NO_SECRETS)
    first_screen = body.split("<details>")[0]
    assert first_screen.startswith("#### selfheal: `lint` failed — 30 errors\n")
    shown = _items(first_screen)
    assert len(shown) == FIRST_SCREEN
    assert all(re.fullmatch(r"- `\d+` \*\*error\*\* `problem number \d+` — ruff", line) for line in shown)
    assert re.findall(r"<summary>(.*)</summary>", body) == [
        "<code>src/f1.py</code> — 6 errors (continued)",
        "<code>src/f2.py</code> — 7 errors",
        "<code>src/f3.py</code> — 7 errors",
    ]
    assert body.count("\n- ") == 30  # every record once, none lost between the screens


def test_truncation_line_names_the_report_written_beside_the_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    records = [record(file="a.py", line=i + 1, message="m" * 1900) for i in range(1000)]
    buildkite.write(report(*records, task="unit tests"), ".selfheal/unit-tests.annotation.md", NO_SECRETS)
    body = (tmp_path / ".selfheal" / "unit-tests.annotation.md").read_text(encoding="utf-8")
    assert len(body.encode()) < 1024 * 1024
    last = body.splitlines()[-1]
    assert re.fullmatch(
        r"_… \d+ more records not shown here\._ "
        r"See the full report in the job's artifacts: `\.selfheal/unit-tests\.json`",
        last,
    )
    absolute = tmp_path / "out" / "unit-tests.annotation.md"
    buildkite.write(report(*records), str(absolute), NO_SECRETS)
    assert absolute.read_text(encoding="utf-8").endswith("artifacts: `out/unit-tests.json`\n")


def test_no_truncation_line_when_everything_fits() -> None:
    body = render(report(*[record(file="a.py", line=i + 1, message="m") for i in range(30)]), NO_SECRETS)
    assert "more records not shown" not in body and "artifacts" not in body
