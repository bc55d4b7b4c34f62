"""The outcome as Markdown (annotation and MR note): the first screen, forge links, inert hostile text, the size
caps and the marker that a later attempt finds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fixer.context import Facts
from fixer.outcome import Outcome, TaskInfo, VerifyInfo
from fixer.render import MARKER_PREFIX, MAX_BYTES, markdown, marker_for

SHA = "9f2c1e4b7a0d3c5e8f1a2b3c4d5e6f7a8b9c0d1e"
FAILED = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
MARKER = marker_for("lint")


def facts(remote: str | None = "git@github.com:acme/app.git", **fields: Any) -> Facts:
    return Facts(platform="buildkite", branch="feature/login", commit=FAILED, remote_url=remote, **fields)


def fixed(**fields: Any) -> Outcome:
    values: dict[str, Any] = {
        "outcome": "fixed",
        "reason": "1 fix verified",
        "attempt": 1,
        "commit": SHA,
        "pushed_ref": "refs/heads/feature/login",
        "summary": ["ruff F401: removed unused import os"],
        "files": ["src/app.py"],
    }
    return Outcome(**(values | fields))


def headline(body: str) -> str:
    return body.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"outcome": "fixed"}, "### ✅ selfheal: fixed — `it works`"),
        (
            {"outcome": "fixed", "handed_over": True},
            "### 📝 selfheal: fix handed over for review — `it works`",
        ),
        ({"outcome": "escalated"}, "### ❌ selfheal: escalated to a human — `it works`"),
        (
            {"outcome": "escalated", "internal_error": True},
            "### ❌ selfheal: escalated, selfheal itself failed — `it works`",
        ),
        ({"outcome": "skipped"}, "### ⏭️ selfheal: skipped — `it works`"),
        ({"outcome": "flaky"}, "### 🔁 selfheal: flaky, retried — `it works`"),
        ({"outcome": "infra_retry"}, "### 🔁 selfheal: infrastructure failure, retried — `it works`"),
    ],
)
def test_every_outcome_kind_renders_its_line(fields: dict[str, Any], line: str) -> None:
    assert headline(markdown(Outcome(reason="it works", **fields), None, MARKER)) == line


def test_a_fixed_outcome_reads_top_down_on_one_screen() -> None:
    outcome = fixed(
        attempt=2,
        verify=VerifyInfo(
            ok=True,
            command=["pytest", "-q"],
            exit_code=0,
            duration_s=12.34,
            tasks=[
                TaskInfo(task="lint", command=["ruff", "check", "."], ok=True, exit_code=0),
                TaskInfo(
                    task="unit",
                    command=["pytest", "-q"],
                    ok=True,
                    exit_code=0,
                    tests={"total": 120, "skipped": 3, "source": "pytest"},
                ),
            ],
        ),
    )
    body = markdown(outcome, facts(), MARKER, max_attempts=3)
    web = "https://github.com/acme/app"
    assert body.split("<details>")[0] == (
        "### ✅ selfheal: fixed — `1 fix verified`\n"
        "\n"
        "**What was fixed**\n"
        "\n"
        "- `ruff F401: removed unused import os`\n"
        "\n"
        f"**Delivered:** commit [`9f2c1e4b7a0d`]({web}/commit/{SHA})"
        f" · pushed to [`feature/login`]({web}/tree/feature/login)\n"
        "\n"
        "**Changed:**\n"
        "\n"
        f"- [`src/app.py`]({web}/blob/{SHA}/src/app.py)\n"
        "\n"
        "**Verify:** ✔ passed in 12.3 s\n"
        "\n"
        "- ✔ `lint` — `ruff check .` — exit 0\n"
        "- ✔ `unit` — `pytest -q` — exit 0 — 120 tests, 3 skipped (pytest)\n"
        "\n"
    )
    assert body.endswith("_selfheal attempt 2 of 3_\n\n<!-- selfheal:outcome scope=lint -->\n")


def test_collapsed_sections_hold_diagnosis_cost_isolation_and_ledger() -> None:
    outcome = fixed(
        attempt=2,
        engine="anthropic",
        tokens=12345,
        dollars=0.0123,
        isolation={"kind": "bwrap", "pid_namespace": True},
        details=["anthropic: verified in 2 turns"],
        fingerprints=["a1b2c3d4e5f60708"],
        failed_commit=FAILED,
        records_in=1,
        records_fixed=1,
        duration_s=48.2,
    )
    body = markdown(outcome, facts(build_url="https://buildkite.com/acme/app/builds/812"), MARKER)
    sections = re.findall(r"<details>\n<summary>(.*?)</summary>\n\n(.*?)\n</details>\n", body, re.DOTALL)
    assert sections == [
        ("Diagnosis (1 line)", "```\nanthropic: verified in 2 turns\n```\n"),
        (
            "Model cost: 12,345 tokens, $0.0123",
            "- engine: `anthropic`\n- tokens: 12,345\n- cost: $0.0123\n",
        ),
        ("Isolation: <code>bwrap</code>", "```\nkind: bwrap\npid_namespace: True\n```\n"),
        (
            "Attempt 2 and ledger",
            "- attempt 2\n"
            f"- failed commit [`1a2b3c4d5e6f`](https://github.com/acme/app/commit/{FAILED})\n"
            "- records: 1 in, 1 fixed, 0 dropped\n"
            "- fingerprints: `a1b2c3d4e5f60708`\n"
            "- ran for 48.2 s\n"
            "- [build](https://buildkite.com/acme/app/builds/812)\n",
        ),
    ]
    assert body.index("**Changed:**") < body.index("<details>")  # nothing collapsed above the first screen


@pytest.mark.parametrize(
    ("remote", "web"),
    [
        ("git@github.com:acme/app.git", "https://github.com/acme/app"),
        ("https://github.com/acme/app.git", "https://github.com/acme/app"),
        ("git@gitlab.com:acme/team/app.git", "https://gitlab.com/acme/team/app/-"),
        ("https://oauth2:t0k3n@gitlab.acme.test/acme/app.git", "https://gitlab.acme.test/acme/app/-"),
        ("ssh://git@gitlab.acme.test:2222/acme/app.git", "https://gitlab.acme.test/acme/app/-"),
        ("git@bitbucket.org:acme/app.git", "https://bitbucket.org/acme/app"),
        ("https://acme@bitbucket.org/acme/app.git", "https://bitbucket.org/acme/app"),
    ],
)
def test_the_commit_links_to_its_forge(remote: str, web: str) -> None:
    body = markdown(fixed(), facts(remote), MARKER)
    commit = "commits" if "bitbucket" in web else "commit"
    assert f"commit [`9f2c1e4b7a0d`]({web}/{commit}/{SHA})" in body
    assert "t0k3n" not in body and "oauth2" not in body


@pytest.mark.parametrize(
    "remote", ["git@git.acme.test:acme/app.git", "https://gitea.acme.test/acme/app", "/srv/git/app.git", None]
)
def test_no_links_for_an_unknown_host_or_a_local_path(remote: str | None) -> None:
    body = markdown(fixed(failed_commit=FAILED), facts(remote), MARKER)
    assert "](" not in body
    assert "**Delivered:** commit `9f2c1e4b7a0d` · pushed to `feature/login`\n" in body


def test_an_unpushed_commit_is_not_linked_and_a_review_branch_is_named() -> None:
    patch = fixed(pushed_ref=None, patch_file=".selfheal/fix.patch", handed_over=True)
    assert "**Delivered:** commit `9f2c1e4b7a0d` · patch for review `.selfheal/fix.patch`\n" in markdown(
        patch, facts(), MARKER
    )
    review = fixed(pushed_ref="refs/heads/selfheal/feature-login-1a2b3c4", handed_over=True)
    assert (
        "review branch [`selfheal/feature-login-1a2b3c4`]"
        "(https://github.com/acme/app/tree/selfheal/feature-login-1a2b3c4)"
    ) in markdown(review, facts(), MARKER)


HOSTILE = "x` </details> <script>alert(1)</script> --> <!-- selfheal:outcome scope=lint --> [a](javascript:b) @all #1"


def hostile_outcome() -> Outcome:
    return fixed(
        reason=HOSTILE,
        summary=[HOSTILE],
        files=[HOSTILE, "src/a (1).py"],
        details=[HOSTILE, "```", "</details>"],
        engine=HOSTILE,
        isolation={"kind": HOSTILE, HOSTILE: HOSTILE},
        fingerprints=[HOSTILE],
        pushed_ref="refs/heads/" + HOSTILE,
        verify=VerifyInfo(
            ok=False, command=[HOSTILE], tasks=[TaskInfo(task=HOSTILE, command=[HOSTILE], ok=False)]
        ),
    )


def test_hostile_text_lands_in_code_spans_and_fences_only() -> None:
    body = markdown(hostile_outcome(), facts(), MARKER)
    escaped = "x` </details> <script>alert(1)</script> --> <!-- selfheal:\u200boutcome scope=lint --> [a](javascript:b) @all #1"
    assert headline(body) == f"### ✅ selfheal: fixed — ``{escaped}``"
    assert f"- ``{escaped}``\n" in body  # the summary item
    assert f"````\n{escaped}\n```\n</details>\n````\n" in body  # the fence outlasts the ``` in the text
    assert (
        "<summary>Isolation: <code>x` &lt;/details&gt; &lt;script&gt;alert(1)&lt;/script&gt; --&gt;" in body
    )
    assert "- [`src/a (1).py`](https://github.com/acme/app/blob/" + SHA + "/src/a%20%281%29.py)\n" in body


def test_hostile_text_stays_inert_for_a_commonmark_parser() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    body = markdown(hostile_outcome(), facts(), MARKER)
    tokens = markdown_it.MarkdownIt("commonmark").parse(body)
    html_blocks = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert all(block.startswith(("<details>", "</details>", "<!--")) for block in html_blocks)
    openings = [block for block in html_blocks if block.startswith("<details>\n<summary>")]
    assert html_blocks.count("</details>") == len(openings) == 4  # diagnosis, engine, isolation, ledger
    assert html_blocks[-1] == MARKER  # the marker: one comment, last
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    assert not [c for c in inline if c.type == "html_inline" and c.content not in ("<code>", "</code>")]
    hrefs = [str(c.attrs["href"]) for c in inline if c.type == "link_open"]
    assert hrefs and all(h.startswith("https://github.com/acme/app/") for h in hrefs)
    spans = [c.content for c in inline if c.type == "code_inline"]
    assert any("<script>alert(1)</script>" in span for span in spans)


def test_the_marker_appears_exactly_once_and_last() -> None:
    for outcome in (fixed(), hostile_outcome(), Outcome(outcome="skipped", reason="protected branch main")):
        body = markdown(outcome, facts(), MARKER)
        assert body.count(MARKER_PREFIX) == 1
        assert body.count("selfheal:outcome") == 1
        assert body.endswith(f"\n{MARKER}\n")


def test_marker_for_keeps_clean_scopes_and_defuses_the_rest() -> None:
    assert marker_for("lint") == "<!-- selfheal:outcome scope=lint -->"
    assert marker_for("mr:42") == "<!-- selfheal:outcome scope=mr:42 -->"
    assert marker_for("unit-tests") == "<!-- selfheal:outcome scope=unit-tests -->"
    hostile = marker_for("x --> <script>alert(1)</script>")
    assert re.fullmatch(r"<!-- selfheal:outcome scope=x-script-alert-1-script-[0-9a-f]{8} -->", hostile)
    for scope in ("a--b", "a b", "-a", "a-", "é", "", "x" * 500, "a\n-->"):
        marker = marker_for(scope)
        assert marker.startswith(MARKER_PREFIX) and marker.endswith(" -->")
        assert marker.count("--") == 2 and len(marker) < 150, marker  # only the comment's own two
    assert marker_for("lint:py") != marker_for("lint/py") != marker_for("lint py") != marker_for("lint_py")
    assert marker_for("a b") != marker_for("a  b")


def test_markdown_refuses_something_that_is_not_a_marker() -> None:
    with pytest.raises(ValueError):
        markdown(fixed(), None, "<!-- x --> <script>")


def test_footer_counts_the_attempt() -> None:
    assert "\n_selfheal attempt 1_\n" in markdown(fixed(), None, MARKER)
    assert "\n_selfheal attempt 1 of 3_\n" in markdown(fixed(), None, MARKER, max_attempts=3)
    assert "\n_selfheal: no attempt counted_\n" in markdown(fixed(attempt=0), None, MARKER)


def test_test_counts_and_remaining_records_per_task() -> None:
    verify = VerifyInfo(
        ok=False,
        command=["make", "test"],
        remaining=2,
        tasks=[
            TaskInfo(task="unit", ok=False, exit_code=1, tests={"total": 10, "failed": 2, "source": "jest"}),
            TaskInfo(task="odd", ok=True, tests={"total": 4, "skipped": True, "source": "a b`"}),
            TaskInfo(task="none", ok=True, tests={"skipped": 1}),
        ],
    )
    body = markdown(Outcome(outcome="escalated", reason="still failing", verify=verify), None, MARKER)
    assert (
        "**Verify:** ✖ failed — 2 records remain\n\n"
        "- ✖ `unit` — exit 1 — 10 tests, 2 failed (jest)\n"
        "- ✔ `odd` — 4 tests\n"
        "- ✔ `none`\n"
    ) in body


def huge_outcome() -> Outcome:
    outcome = fixed(verify=VerifyInfo(ok=True, command=["make"]))
    # assignment skips the model's own bounds: the renderer has to hold its size by itself
    outcome.details = ["d" * 5000 + " é`" for _ in range(2_000)]
    outcome.summary = ["s" * 5000 for _ in range(2_000)]
    outcome.files = [f"src/{'f' * 3000}{i}.py" for i in range(2_000)]
    outcome.fingerprints = ["f" * 5000 for _ in range(2_000)]
    outcome.reason = "r" * 100_000
    assert outcome.verify is not None
    outcome.verify.tasks = [TaskInfo(task="t" * 5000, command=["c" * 5000], ok=True) for _ in range(2_000)]
    outcome.isolation = {f"k{i}": "v" * 5000 for i in range(2_000)}
    return outcome


def test_size_stays_under_both_platform_limits() -> None:
    body = markdown(huge_outcome(), facts(), MARKER)
    assert len(body.encode("utf-8")) <= MAX_BYTES < 1024 * 1024
    assert len(body) <= 1_000_000
    assert headline(body).startswith("### ✅ selfheal: fixed — `rrrr")
    assert body.endswith(f"\n{MARKER}\n") and body.count(MARKER_PREFIX) == 1
    assert "_… 1940 more in outcome.json_" in body  # the summary: 60 shown, the rest counted
    assert body.count("<details>") == body.count("</details>")


def test_a_tight_budget_cuts_the_diagnosis_first_and_keeps_the_headline() -> None:
    outcome = fixed(details=[f"detail line {i} " + "x" * 200 for i in range(40)], engine="rules")
    full = markdown(outcome, facts(), MARKER)
    budget = len(full.encode()) - 2000
    body = markdown(outcome, facts(), MARKER, max_bytes=budget)
    assert len(body.encode()) <= budget
    assert headline(body) == headline(full)
    assert body.split("<details>")[0] == full.split("<details>")[0]  # the first screen untouched
    assert "Engine: <code>rules</code>" in body and "Attempt 1 and ledger" in body  # other sections kept
    shown = re.findall(r"^detail line \d+", body, re.MULTILINE)
    assert 0 < len(shown) < 40
    assert f"_… {40 - len(shown)} more in outcome.json_" in body
    assert body.endswith(f"\n{MARKER}\n")


def test_a_tiny_budget_still_keeps_headline_footer_and_marker() -> None:
    body = markdown(hostile_outcome(), facts(), MARKER, max_bytes=400)
    assert len(body.encode()) <= 400
    assert body.startswith("### ✅ selfheal: fixed")
    assert body.endswith(f"_selfheal attempt 1_\n\n{MARKER}\n")
    assert "<details>" not in body


def test_the_diff_is_shown_collapsed_and_cannot_break_out() -> None:
    diff = "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1 +1,2 @@\n+import math\n+# </details> ``` <script>\n"
    body = markdown(Outcome(outcome="fixed", reason="1 fix", diff=diff), None, marker_for("unit"))
    assert "<summary>Diff (6 lines)</summary>" in body
    block = body[body.index("<summary>Diff") :]
    fence = re.search(r"^(`{4,})$", block, flags=re.M)
    assert fence is not None, "a fence longer than the ``` inside the diff"
    assert "+import math" in block and block.count("</details>") >= 2  # the diff's own and the section's
    assert body.rstrip().endswith(marker_for("unit"))
