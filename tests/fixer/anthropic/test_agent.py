"""The agent loop end to end: the real SDK, a loopback Messages API, a real git repository, a real verify."""

from __future__ import annotations

from typing import Any

import pytest

from fixer.config import Config, DiffGuardConfig
from fixer.engines.anthropic.agent import AnthropicEngine
from fixer.stages import changes, diffguard, tree
from tests.helpers.anthropic_server import (
    AnthropicServer,
    Reply,
    Request,
    Step,
    bad_request,
    edit,
    message,
    overloaded,
    text,
    tool_use,
    usage,
)
from tests.helpers.repos import Repo

from .conftest import BROKEN, FIXED, base_env, config_with, make_ctx, status

FIX = edit("str_replace", "calc.py", old_str="return a + c", new_str="return a + b")


def finish_if_verified(request: Request) -> dict[str, Any]:
    """Ends the turn only when the client's last tool result says verify passed, as a model would."""
    results = request.tool_results()
    if results and str(results[-1]["content"]).startswith("PASSED"):
        return message(text("Fixed add(): it used the undefined name c instead of b."))
    return message(text("run_verify did not pass; giving up."))


def test_a_good_fix_comes_back_as_a_patch_of_the_working_tree(repo: Repo) -> None:
    script: list[Step] = [
        message(text("Let me look."), edit("view", "calc.py")),
        message(FIX),
        message(tool_use("run_verify", {})),
        finish_if_verified,
    ]
    with AnthropicServer(script) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    patch = attempt.patch
    assert patch is not None, attempt.reason
    assert attempt.engine == patch.engine == "anthropic"
    assert patch.files == ["calc.py"]
    assert "-    return a + c\n+    return a + b\n" in repo.git("diff")
    assert (repo.path / "calc.py").read_text() == FIXED  # the fix stays applied for the loop to validate
    assert patch.summary == ["Fixed add(): it used the undefined name c instead of b."]
    assert attempt.tokens == 4 * 150  # four responses of 100 input + 50 output tokens
    assert attempt.dollars == pytest.approx(4 * (100 * 3.0 + 50 * 15.0) / 1e6)
    assert attempt.reason == "model ended its turn after 4 turn(s); last run_verify: passed"
    assert attempt.notes == ()

    # what reached the wire: the file as the editor showed it, the edit, and the verify verdict
    view, replace, verified = (r.tool_results()[0] for r in server.requests[1:])
    assert "5:     return a + c" in view["content"] and not view["is_error"]
    assert "5:     return a + b" in replace["content"] and not replace["is_error"]
    assert verified["content"].startswith("PASSED")
    assert [r.body["model"] for r in server.requests] == [
        Config().anthropic.model
    ] * 4  # the configured default
    assert all(r.body["max_tokens"] == 8192 for r in server.requests)


def test_a_failing_verify_is_reported_to_the_model_as_records_not_log(repo: Repo) -> None:
    wrong = edit("str_replace", "calc.py", old_str="return a + c", new_str="return a + d")
    script = [message(wrong), message(tool_use("run_verify", {})), message(text("Could not fix it."))]
    with AnthropicServer(script) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    result = server.requests[2].tool_results()[0]["content"]
    assert result.startswith("FAILED: 1 error(s) remain.")
    assert "<untrusted_log>\ntask check: exit 1\n" in result
    assert "name 'd' is not defined" in result
    # the parsed records (their format is pinned in test_tools), never the raw traceback
    assert "Traceback" not in result and "return a + d" not in result
    # the engine still hands back what changed; the loop's own verify rejects it
    assert attempt.patch is not None and "still failing" in attempt.reason


def test_a_fix_that_deletes_an_assertion_is_returned_and_the_diff_guard_rejects_it(repo: Repo) -> None:
    weaken = edit("str_replace", "tests/test_calc.py", old_str="    assert add(-1, 1) == 0\n", new_str="")
    script = [message(weaken), message(text("Removed the failing assertion."))]
    with AnthropicServer(script) as server:
        patch = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url))).patch

    assert patch is not None
    assert patch.files == ["tests/test_calc.py"]
    candidate = changes.changes(repo.path, tree.candidate(repo.path))
    problems = diffguard.check(repo.path, candidate, DiffGuardConfig(), patch.files)
    assert any("fewer assertions in tests/test_calc.py" in p for p in problems), problems


def test_editing_gitlab_ci_is_refused_and_the_file_stays_as_it_was(repo: Repo) -> None:
    ci = (repo.path / ".gitlab-ci.yml").read_text()
    script = [
        message(edit("str_replace", ".gitlab-ci.yml", old_str="pytest", new_str="true")),
        message(edit("create", ".github/workflows/ci.yml", file_text="on: push\n")),
        message(text("I could not change the pipeline.")),
    ]
    with AnthropicServer(script) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    for request in server.requests[1:]:
        result = request.tool_results()[0]
        assert result["is_error"] is True
        assert "protected path" in result["content"]
    assert (repo.path / ".gitlab-ci.yml").read_text() == ci
    assert not (repo.path / ".github").exists()
    assert attempt.patch is None
    assert attempt.reason == "the model made no change: I could not change the pipeline."
    assert status(repo) == ""


def test_extra_protected_paths_are_refused_too(repo: Repo) -> None:
    config = config_with()
    config = config.model_copy(update={"diff": DiffGuardConfig(extra_protected_paths=["calc.py"])})
    script = [message(FIX), message(text("done"))]
    with AnthropicServer(script) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url), config=config))
    assert server.requests[1].tool_results()[0]["is_error"] is True
    assert attempt.patch is None
    assert (repo.path / "calc.py").read_text() == BROKEN


def test_a_model_that_never_stops_is_ended_by_the_turn_budget_and_the_tree_is_reset(repo: Repo) -> None:
    replies = iter([message(FIX)])

    def forever(request: Request) -> Reply:
        if len(server.requests) > 10:  # a broken turn limit ends the test here, not after 15 minutes
            return bad_request("the model was never stopped")
        return next(replies, None) or message(edit("view", "calc.py"))

    with AnthropicServer(forever) as server:
        attempt = AnthropicEngine().fix(
            make_ctx(repo.path, base_env(server.url), config=config_with(max_turns=4))
        )

    assert attempt.patch is None
    assert attempt.reason == "turn budget exhausted: 4 model turns (max 4)"
    assert len(server.requests) == 4
    assert attempt.tokens == 4 * 150
    assert status(repo) == ""  # the edit made on the way was thrown away
    assert (repo.path / "calc.py").read_text() == BROKEN


def test_the_token_budget_stops_the_loop_before_the_turn_is_acted_on(repo: Repo) -> None:
    big = usage(input_tokens=4_000, output_tokens=500, cache_write=400, cache_read=200)
    with AnthropicServer([message(FIX, tokens=big)] * 5) as server:
        attempt = AnthropicEngine().fix(
            make_ctx(repo.path, base_env(server.url), config=config_with(max_tokens=5_000))
        )

    assert attempt.patch is None
    assert attempt.reason == "token budget exhausted: 5100 tokens (max 5000)"  # cache tokens count
    assert len(server.requests) == 1
    assert status(repo) == ""


def test_the_dollar_budget_stops_the_loop(repo: Repo) -> None:
    pricey = usage(input_tokens=2_000, output_tokens=1_000)  # $0.006 + $0.015 at Sonnet prices
    with AnthropicServer([message(edit("view", "calc.py"), tokens=pricey)] * 5) as server:
        attempt = AnthropicEngine().fix(
            make_ctx(repo.path, base_env(server.url), config=config_with(max_dollars=0.05))
        )

    assert attempt.patch is None
    assert attempt.reason.startswith("dollar budget exhausted: $0.0630")
    assert len(server.requests) == 3
    assert attempt.dollars == pytest.approx(0.063)


def test_the_wall_time_budget_stops_the_loop(repo: Repo) -> None:
    now = [0.0]

    def slow(request: Request) -> dict[str, Any]:
        now[0] += 400  # each model call takes 400 s on the engine's clock
        return message(edit("view", "calc.py"))

    engine = AnthropicEngine(clock=lambda: now[0])
    with AnthropicServer(slow) as server:
        attempt = engine.fix(make_ctx(repo.path, base_env(server.url), config=config_with(max_wall_s=1000)))
    assert attempt.patch is None
    assert attempt.reason == "wall-time budget exhausted: 1200s (max 1000s)"
    assert len(server.requests) == 3


def test_an_unknown_model_is_charged_at_the_dearest_price_and_says_so(repo: Repo) -> None:
    with AnthropicServer([message(text("nothing to do"))]) as server:
        config = config_with(model="claude-future-9")
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url), config=config))
    assert attempt.notes == (
        "no price for model 'claude-future-9': charged at claude-opus-4-1 prices (the most expensive known)",
    )
    assert attempt.dollars == pytest.approx((100 * 15.0 + 50 * 75.0) / 1e6)


def test_an_overloaded_api_is_retried_then_given_up_with_the_reason(repo: Repo) -> None:
    with AnthropicServer([overloaded()] * 3) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    assert attempt.patch is None
    assert attempt.reason == "Anthropic API error 529 (overloaded_error): Overloaded"
    assert len(server.requests) == 3  # the first try and the SDK's two retries
    assert status(repo) == ""


def test_a_bad_request_is_not_retried_and_the_edits_so_far_are_undone(repo: Repo) -> None:
    with AnthropicServer([message(FIX), bad_request("prompt is too long: 210000 tokens")]) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    assert attempt.patch is None
    assert (
        attempt.reason == "Anthropic API error 400 (invalid_request_error): prompt is too long: 210000 tokens"
    )
    assert len(server.requests) == 2
    assert status(repo) == ""


def test_an_overload_that_passes_is_invisible(repo: Repo) -> None:
    script: list[Step] = [overloaded(), message(FIX), message(text("Fixed."))]
    with AnthropicServer(script) as server:
        patch = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url))).patch
    assert patch is not None and patch.files == ["calc.py"]
    assert len(server.requests) == 3


def test_an_unreachable_endpoint_is_a_reason_not_a_crash(repo: Repo) -> None:
    with AnthropicServer([]) as server:
        url = server.url  # the server is gone after the block: nothing listens there any more
    attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(url)))
    assert attempt.patch is None
    assert attempt.reason.startswith("could not reach the Anthropic API")


def test_a_tool_call_cut_off_by_the_output_limit_is_not_run(repo: Repo) -> None:
    script = [message(FIX, stop_reason="max_tokens"), message(text("ok"))]
    with AnthropicServer(script) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    result = server.requests[1].tool_results()[0]
    assert result["is_error"] is True and "output token limit" in result["content"]
    assert attempt.patch is None and (repo.path / "calc.py").read_text() == BROKEN


def test_several_tool_calls_in_one_turn_run_in_order_and_are_answered_in_one_message(repo: Repo) -> None:
    calls = [edit("view", "calc.py", view_range=[4, 5]), FIX, tool_use("run_verify", {})]
    with AnthropicServer([message(*calls), message(text("Fixed."))]) as server:
        attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    results = server.requests[1].tool_results()
    assert [r["tool_use_id"] for r in results] == [c["id"] for c in calls]
    assert results[0]["content"] == (
        "calc.py, lines 4-5 of 9:\n<source_code>\n4: def add(a, b):\n5:     return a + c\n</source_code>"
    )
    assert results[2]["content"].startswith("PASSED")
    assert attempt.patch is not None
