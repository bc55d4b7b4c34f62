"""Budgets hold inside a turn (checked before each tool call), and a human watching the job sees each turn."""

from __future__ import annotations

from anthropic.types import ToolUseBlock

from fixer.context import VerifyResult
from fixer.engines.anthropic.agent import AnthropicEngine, run_tools
from fixer.engines.anthropic.budget import Budget
from fixer.engines.anthropic.tools import Toolbox
from fixer.paths import FilePolicy
from tests.helpers.anthropic_server import AnthropicServer, edit, message, text, tool_use, usage
from tests.helpers.repos import Repo

from .conftest import BROKEN, base_env, config_with, make_ctx, status

WALL = "wall-time budget exhausted: 1000s (max 1000s)"


class SlowCheck:
    """A verify that takes 100 s of the engine's (fake) clock per run and records the cap it was given."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timeouts: list[float | None] = []

    def clock(self) -> float:
        return self.now

    def __call__(self, timeout: float | None) -> VerifyResult:
        self.timeouts.append(timeout)
        self.now += 100
        return VerifyResult(ok=False, exit_code=1, command=["check"], detail="exit 1")


def test_twenty_verify_calls_in_one_turn_stop_at_the_wall_time_budget(repo: Repo) -> None:
    check = SlowCheck()
    fix = edit("str_replace", "calc.py", old_str="return a + c", new_str="return a + b")
    calls = [fix] + [tool_use("run_verify", {}) for _ in range(20)]
    lines: list[str] = []
    tokens = usage(input_tokens=1_000, output_tokens=100)
    script = [message(*calls, tokens=tokens), message(text("should never be asked"))]
    with AnthropicServer(script) as server:
        config = config_with(max_wall_s=1000)
        ctx = make_ctx(repo.path, base_env(server.url), config=config, verify=check, progress=lines.append)
        attempt = AnthropicEngine(clock=check.clock).fix(ctx)

    assert attempt.patch is None and attempt.reason == WALL
    # ten runs of 100 s fit in 1000 s; each was capped at what was left of the attempt's wall time
    assert check.timeouts == [1000.0 - 100 * i for i in range(10)]
    assert len(server.requests) == 1  # no model call after the budget ran out
    assert status(repo) == "" and (repo.path / "calc.py").read_text() == BROKEN  # the edit was undone
    assert lines == [
        "anthropic: turn 1/25 · 1,100 tokens · $0.0045 · str_replace_based_edit_tool, run_verify ×20",
        f"anthropic: no patch: {WALL}",
    ]


def test_calls_after_the_budget_ran_out_are_answered_not_run(repo: Repo) -> None:
    check = SlowCheck()
    budget = Budget(config_with(max_wall_s=1000).anthropic, clock=check.clock)
    box = Toolbox(repo.path, FilePolicy(), lambda: check(budget.remaining_wall()), lambda s: s)
    uses = [
        ToolUseBlock(type="tool_use", id=f"toolu_{i:02d}", name="run_verify", input={}) for i in range(20)
    ]

    results, halted = run_tools(uses, box, budget)

    assert halted == WALL and box.verify_runs == len(check.timeouts) == 10
    assert [r["tool_use_id"] for r in results] == [u.id for u in uses]  # every call is answered, in order
    assert all(not r["is_error"] and str(r["content"]).startswith("FAILED") for r in results[:10])
    assert all(r["is_error"] and r["content"] == f"Not run: {WALL}" for r in results[10:])


def test_a_budget_check_only_between_turns_would_have_run_them_all(repo: Repo) -> None:
    """Control: the same turn with a budget that never runs out runs all twenty (the bound is the check)."""
    check = SlowCheck()
    budget = Budget(config_with(max_wall_s=3_600).anthropic, clock=check.clock)
    box = Toolbox(repo.path, FilePolicy(), lambda: check(budget.remaining_wall()), lambda s: s)
    uses = [
        ToolUseBlock(type="tool_use", id=f"toolu_{i:02d}", name="run_verify", input={}) for i in range(20)
    ]
    assert run_tools(uses, box, budget)[1] is None and box.verify_runs == 20


def test_each_turn_and_the_end_of_the_attempt_show_one_progress_line(repo: Repo) -> None:
    tokens = usage(input_tokens=1_000, output_tokens=100)  # $0.0045 a turn at Sonnet prices
    fix = edit("str_replace", "calc.py", old_str="return a + c", new_str="return a + b")
    script = [
        message(edit("view", "calc.py"), tokens=tokens),
        message(fix, edit("view", "calc.py", view_range=[5, 5]), tool_use("run_verify", {}), tokens=tokens),
        message(text("Fixed add()."), tokens=tokens),
    ]
    lines: list[str] = []
    with AnthropicServer(script) as server:
        ctx = make_ctx(repo.path, base_env(server.url), progress=lines.append)
        attempt = AnthropicEngine().fix(ctx)

    assert attempt.patch is not None
    assert lines == [
        "anthropic: turn 1/25 · 1,100 tokens · $0.0045 · str_replace_based_edit_tool",
        "anthropic: turn 2/25 · 2,200 tokens · $0.0090 · str_replace_based_edit_tool ×2, run_verify",
        "anthropic: turn 3/25 · 3,300 tokens · $0.0135 · no tool calls (end_turn)",
        "anthropic: patch of 1 file(s): model ended its turn after 3 turn(s); last run_verify: passed",
    ]


def test_an_attempt_that_cannot_start_says_why_in_one_line(repo: Repo) -> None:
    lines: list[str] = []
    attempt = AnthropicEngine().fix(make_ctx(repo.path, base_env(None), progress=lines.append))
    assert lines == ["anthropic: no patch: ANTHROPIC_API_KEY is not set"]
    assert attempt.reason == "ANTHROPIC_API_KEY is not set"
