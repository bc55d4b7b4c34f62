"""Per-attempt limits of the agent (rule 2): model turns, tokens, dollars and wall time.

A budget is charged from each response's `usage` (cache writes and reads included: they are billed input)
and asked before every model call, and again before every tool call of a turn, whether anything has run
out: one turn can ask for many slow run_verify calls, and the wall-time limit must hold across them.
Prices come from the configured table in US dollars per million tokens; a model missing from the table is
charged at the most expensive known price, so an unknown name can never make an attempt look cheaper
than it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from ...config import AnthropicConfig, Price

# Anthropic's published multipliers on the input price, used when the table gives no cache price.
CACHE_WRITE_FACTOR = 1.25
CACHE_READ_FACTOR = 0.10


class UsageLike(Protocol):
    """The fields of `anthropic.types.Usage` that cost money."""

    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...

    @property
    def cache_creation_input_tokens(self) -> int | None: ...

    @property
    def cache_read_input_tokens(self) -> int | None: ...


def price_for(model: str, prices: dict[str, Price]) -> tuple[Price, str | None]:
    """The price of `model`, and a note when it had to be guessed.

    Names match by the longest table key the model id contains, so dated ids (`claude-sonnet-4-5-20250929`),
    Bedrock ids (`us.anthropic.claude-sonnet-4-5-…-v1:0`) and Vertex ids (`claude-sonnet-4-5@…`) all find
    their family's price.
    """
    known = sorted((key for key in prices if key and key in model), key=len, reverse=True)
    if known:
        return prices[known[0]], None
    if not prices:
        raise ValueError("anthropic.prices is empty: no price to charge the model at")
    dearest = max(prices, key=lambda key: (prices[key].output, prices[key].input))
    note = f"no price for model {model!r}: charged at {dearest} prices (the most expensive known)"
    return prices[dearest], note


class Budget:
    def __init__(self, config: AnthropicConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.price, self.note = price_for(config.model, dict(config.prices))
        self._clock = clock
        self.started = clock()
        self.turns = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.cache_write_tokens = 0
        self.cache_read_tokens = 0
        self.dollars = 0.0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_write_tokens + self.cache_read_tokens

    def elapsed(self) -> float:
        return self._clock() - self.started

    def remaining_wall(self) -> float:
        return max(0.0, self.config.max_wall_s - self.elapsed())

    def start_turn(self) -> None:
        self.turns += 1

    def charge(self, usage: UsageLike) -> None:
        write = usage.cache_creation_input_tokens or 0
        read = usage.cache_read_input_tokens or 0
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_write_tokens += write
        self.cache_read_tokens += read
        price = self.price
        write_price = price.cache_write if price.cache_write is not None else price.input * CACHE_WRITE_FACTOR
        read_price = price.cache_read if price.cache_read is not None else price.input * CACHE_READ_FACTOR
        cost = (
            usage.input_tokens * price.input
            + usage.output_tokens * price.output
            + write * write_price
            + read * read_price
        )
        self.dollars += cost / 1_000_000

    def status(self) -> str:
        """Where the attempt stands, for the progress line shown after each turn."""
        return f"turn {self.turns}/{self.config.max_turns} · {self.tokens:,} tokens · ${self.dollars:.4f}"

    def exhausted(self) -> str | None:
        """Why no further model call may be made, or None while every limit holds."""
        cfg = self.config
        if self.turns >= cfg.max_turns:
            return f"turn budget exhausted: {self.turns} model turns (max {cfg.max_turns})"
        if self.tokens >= cfg.max_tokens:
            return f"token budget exhausted: {self.tokens} tokens (max {cfg.max_tokens})"
        if self.dollars >= cfg.max_dollars:
            return f"dollar budget exhausted: ${self.dollars:.4f} (max ${cfg.max_dollars:.2f})"
        if self.elapsed() >= cfg.max_wall_s:
            return f"wall-time budget exhausted: {self.elapsed():.0f}s (max {cfg.max_wall_s:.0f}s)"
        return None
