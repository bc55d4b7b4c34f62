"""The `anthropic` engine: a Messages API tool-use loop through the official SDK.

One attempt: the first message (prompt.py) → the model views and edits files and calls run_verify (tools.py)
→ it ends its turn → the files git sees changed are the Patch. The loop runs the diff guard and verify again
on its own; nothing here is trusted just because the model said so. The attempt stops early, leaving the
tree clean, when a budget runs out (budget.py: checked before every model call and every tool call), the
API fails, or the model changes nothing. Either way `fix` returns an Attempt saying why and what it cost,
and one progress line per turn (and one at the end) tells a human watching the job where it stands.

The client is built from `ctx.env` only (never os.environ), with few retries and a timeout: a CI job must
not hang on an unreachable endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import anthropic
from anthropic import Anthropic, AnthropicBedrock, AnthropicVertex
from anthropic.types import (
    ContentBlock,
    ContentBlockParam,
    MessageParam,
    ToolResultBlockParam,
    ToolUseBlock,
    ToolUseBlockParam,
)

from ... import git
from ...config import AnthropicConfig
from ...context import Attempt, Patch
from .. import FixContext
from . import prompt
from .availability import get as _get
from .availability import unavailable
from .budget import Budget
from .tools import Toolbox, ToolResult, definitions

MAX_RETRIES = 2  # the SDK retries 408/409/429/5xx/529 with backoff; more would only burn wall time
REQUEST_TIMEOUT_S = 300.0
DEFAULT_BASE_URL = "https://api.anthropic.com"
TRUNCATED = (
    "Not run: your reply hit the output token limit, so this call may be incomplete. "
    "Repeat it with a smaller edit."
)
CONTINUE = "Your reply hit the output token limit. Continue, more briefly."

Client = Anthropic | AnthropicBedrock | AnthropicVertex


def build_client(config: AnthropicConfig, env: Mapping[str, str]) -> Client:
    retries, timeout = MAX_RETRIES, REQUEST_TIMEOUT_S
    if config.provider == "bedrock":
        bearer = _get(env, "AWS_BEARER_TOKEN_BEDROCK")

        def aws(name: str) -> str | None:  # the SDK refuses a bearer token together with AWS keys
            return None if bearer else _get(env, name)

        return AnthropicBedrock(
            api_key=bearer,
            aws_region=_get(env, "AWS_REGION", "AWS_DEFAULT_REGION"),
            aws_access_key=aws("AWS_ACCESS_KEY_ID"),
            aws_secret_key=aws("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=aws("AWS_SESSION_TOKEN"),
            aws_profile=aws("AWS_PROFILE"),
            base_url=_get(env, "ANTHROPIC_BEDROCK_BASE_URL"),
            max_retries=retries,
            timeout=timeout,
        )
    if config.provider == "vertex":
        return AnthropicVertex(
            region=env["CLOUD_ML_REGION"],
            project_id=env["ANTHROPIC_VERTEX_PROJECT_ID"],
            base_url=_get(env, "ANTHROPIC_VERTEX_BASE_URL"),
            max_retries=retries,
            timeout=timeout,
        )
    base_url = _get(env, "ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
    key = _get(env, "ANTHROPIC_API_KEY")
    if key:  # the SDK takes exactly one credential; an explicit one stops it reading os.environ
        return Anthropic(api_key=key, base_url=base_url, max_retries=retries, timeout=timeout)
    token = _get(env, "ANTHROPIC_AUTH_TOKEN")
    return Anthropic(auth_token=token, base_url=base_url, max_retries=retries, timeout=timeout)


def describe_error(exc: Exception) -> str:
    if isinstance(exc, anthropic.APIStatusError):
        kind = exc.type or "error"
        detail = exc.api_message or exc.message
        return f"Anthropic API error {exc.status_code} ({kind}): {' '.join(str(detail).split())[:300]}"
    if isinstance(exc, anthropic.APIConnectionError):
        return f"could not reach the Anthropic API: {exc.message}"
    return f"model request failed: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def _redact_value(value: object, redact: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, redact) for v in value]
    return value


def echo(blocks: list[ContentBlock], redact: Callable[[str], str]) -> list[ContentBlockParam]:
    """The model's reply as it must be sent back in the next request (text and tool calls)."""
    out: list[ContentBlockParam] = []
    for block in blocks:
        if block.type == "text" and block.text:
            out.append({"type": "text", "text": redact(block.text)})
        elif block.type == "tool_use":
            use: ToolUseBlockParam = {
                "type": "tool_use",
                "id": block.id,
                "name": block.name,
                "input": {key: _redact_value(value, redact) for key, value in block.input.items()},
            }
            out.append(use)
    return out or [{"type": "text", "text": "(no text)"}]


def _one_line(text: str) -> str:
    return next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")[:200]


def _calls(uses: list[ToolUseBlock], stop: str | None) -> str:
    """What a turn asked for, as `str_replace_based_edit_tool ×2, run_verify` (or how it ended)."""
    counts: dict[str, int] = {}
    for use in uses:
        name = use.name[:64]  # the model names the tool: keep a made-up name from flooding the job log
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return f"no tool calls ({stop or 'no stop reason'})"
    return ", ".join(name + (f" ×{n}" if n > 1 else "") for name, n in counts.items())


def run_tools(
    uses: list[ToolUseBlock], box: Toolbox, budget: Budget, truncated: bool = False
) -> tuple[list[ToolResultBlockParam], str | None]:
    """Runs one turn's tool calls in order, asking the budget before each: a turn of twenty run_verify
    calls must not outlast the wall time. Once a budget has run out, the remaining calls are answered
    "Not run" (the API wants every tool_use answered) and the reason is returned: the attempt ends there.
    Calls of a reply cut off by the output limit are never run (`truncated`): their input may be partial."""
    results: list[ToolResultBlockParam] = []
    halted: str | None = None
    for use in uses:
        halted = halted or budget.exhausted()
        if halted:
            done = ToolResult(f"Not run: {halted}", True)
        elif truncated:
            done = ToolResult(TRUNCATED, True)
        else:
            done = box.run(use.name, use.input)
        results.append(
            {"type": "tool_result", "tool_use_id": use.id, "content": done.text, "is_error": done.is_error}
        )
    return results, halted


class AnthropicEngine:
    name = "anthropic"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock  # the wall-time budget's clock; the engine keeps no state between attempts

    def available(self, ctx: FixContext) -> str | None:
        return unavailable(ctx.config.anthropic, ctx.env)

    def fix(self, ctx: FixContext) -> Attempt:
        config = ctx.config.anthropic
        reason = self.available(ctx)
        if reason:
            return self._stop(ctx, reason, None)
        budget = Budget(config, clock=self.clock)
        # each run_verify may use what is left of the attempt's wall time, never more
        box = Toolbox(ctx.repo, ctx.files, lambda: ctx.verify(budget.remaining_wall()), ctx.redact)
        try:
            client = build_client(config, ctx.env)
        except (ValueError, anthropic.AnthropicError) as exc:
            return self._stop(ctx, f"cannot build the {config.provider} client: {exc}", budget)
        return self._converse(ctx, client, budget, box)

    def _converse(self, ctx: FixContext, client: Client, budget: Budget, box: Toolbox) -> Attempt:
        config = ctx.config.anthropic
        system, tools = prompt.system_blocks(), definitions()
        messages: list[MessageParam] = [{"role": "user", "content": prompt.first_message(ctx, box)}]
        final_text = ""
        while True:
            reason = budget.exhausted()
            if reason:
                return self._stop(ctx, reason, budget)
            budget.start_turn()
            try:
                response = client.messages.create(
                    model=config.model,
                    system=system,
                    tools=tools,
                    messages=messages,
                    max_tokens=config.max_output_tokens,
                    timeout=max(5.0, min(REQUEST_TIMEOUT_S, budget.remaining_wall())),
                )
            except Exception as exc:  # APIError, and credential providers' own errors
                return self._stop(ctx, describe_error(exc), budget)
            budget.charge(response.usage)
            messages.append({"role": "assistant", "content": echo(response.content, ctx.redact)})
            final_text = next(
                (b.text for b in reversed(response.content) if b.type == "text" and b.text.strip()),
                final_text,
            )
            uses = [b for b in response.content if b.type == "tool_use"]
            stop = response.stop_reason
            ctx.progress(ctx.redact(f"{self.name}: {budget.status()} · {_calls(uses, stop)}"))
            if stop in ("refusal", "model_context_window_exceeded"):
                return self._stop(ctx, f"the model stopped: {stop}", budget)
            if not uses:
                if stop == "max_tokens":
                    messages.append({"role": "user", "content": CONTINUE})
                    continue
                if stop == "pause_turn":
                    continue  # a long turn paused by the API: sending it back lets it go on
                return self._finish(ctx, budget, box, final_text)
            results, reason = run_tools(uses, box, budget, truncated=stop == "max_tokens")
            messages.append({"role": "user", "content": results})
            if reason:
                return self._stop(ctx, reason, budget)

    def _attempt(self, ctx: FixContext, patch: Patch | None, reason: str, budget: Budget | None) -> Attempt:
        reason = ctx.redact(reason)
        ended = f"patch of {len(patch.files)} file(s)" if patch else "no patch"
        ctx.progress(f"{self.name}: {ended}: {reason}")
        if budget is None:
            return Attempt(self.name, patch, reason)
        notes = (budget.note,) if budget.note else ()
        return Attempt(self.name, patch, reason, notes, budget.tokens, round(budget.dollars, 6))

    def _stop(self, ctx: FixContext, reason: str, budget: Budget | None) -> Attempt:
        """Ends the attempt without a patch: the tree goes back to HEAD, the reason is kept."""
        git.reset_hard(ctx.repo)
        return self._attempt(ctx, None, reason, budget)

    def _finish(self, ctx: FixContext, budget: Budget, box: Toolbox, final_text: str) -> Attempt:
        summary = ctx.redact(_one_line(final_text))
        files = git.changed_files(ctx.repo)
        if not files or box.edits == 0:  # git's word, and the editor's: nothing the model did is left
            return self._stop(ctx, "the model made no change" + (f": {summary}" if summary else ""), budget)
        verified = box.last_verify
        state = "not called" if verified is None else ("passed" if verified.ok else "still failing")
        if verified is not None and box.edits > box.edits_at_verify:
            state += ", then more edits"
        reason = f"model ended its turn after {budget.turns} turn(s); last run_verify: {state}"
        patch = Patch(engine=self.name, files=files, summary=[summary or f"edited {len(files)} file(s)"])
        return self._attempt(ctx, patch, reason, budget)
