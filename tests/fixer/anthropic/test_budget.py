"""Per-attempt limits (rule 2): turns, tokens with cache traffic, dollars from the price table, wall time."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fixer.config import DEFAULT_PRICES, AnthropicConfig, Price
from fixer.engines.anthropic.budget import Budget, price_for


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),  # dated ids
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),  # Bedrock ids
        ("claude-sonnet-4@20250514", "claude-sonnet-4"),  # Vertex ids
        ("claude-haiku-4-5", "claude-haiku-4-5"),
    ],
)
def test_models_find_their_familys_price(model: str, family: str) -> None:
    assert price_for(model, dict(DEFAULT_PRICES)) == (DEFAULT_PRICES[family], None)


def test_an_unknown_model_costs_the_most_expensive_known_price() -> None:
    price, note = price_for("claude-next", dict(DEFAULT_PRICES))
    assert price == DEFAULT_PRICES["claude-opus-4-1"]
    assert (
        note
        == "no price for model 'claude-next': charged at claude-opus-4-1 prices (the most expensive known)"
    )


def test_cache_writes_and_reads_are_charged_as_tokens_and_dollars() -> None:
    budget = Budget(AnthropicConfig())  # Sonnet 4.5: $3 in, $15 out, $3.75 cache write, $0.30 cache read
    budget.charge(Usage(1_000_000, 100_000, 200_000, 2_000_000))
    assert budget.tokens == 3_300_000
    assert budget.dollars == pytest.approx(3.0 + 1.5 + 0.75 + 0.6)


def test_cache_prices_default_to_the_published_multipliers() -> None:
    config = AnthropicConfig(model="m", prices={"m": Price(input=10.0, output=20.0)})
    budget = Budget(config)
    budget.charge(Usage(0, 0, 1_000_000, 1_000_000))
    assert budget.dollars == pytest.approx(12.5 + 1.0)


def test_each_limit_gives_its_own_reason() -> None:
    clock = Clock()
    config = AnthropicConfig(max_turns=2, max_tokens=10_000, max_dollars=1.0, max_wall_s=60)
    budget = Budget(config, clock=clock)
    assert budget.exhausted() is None

    budget.start_turn()
    budget.start_turn()
    assert budget.exhausted() == "turn budget exhausted: 2 model turns (max 2)"

    budget = Budget(config, clock=clock)
    budget.charge(Usage(9_000, 500, cache_read_input_tokens=500))
    assert budget.exhausted() == "token budget exhausted: 10000 tokens (max 10000)"

    budget = Budget(config.model_copy(update={"max_tokens": 10**9}), clock=clock)
    budget.charge(Usage(0, 70_000))  # $1.05 of output
    assert budget.exhausted() == "dollar budget exhausted: $1.0500 (max $1.00)"

    budget = Budget(config, clock=clock)
    clock.now += 59
    assert budget.exhausted() is None and budget.remaining_wall() == pytest.approx(1)
    clock.now += 1
    assert budget.exhausted() == "wall-time budget exhausted: 60s (max 60s)"
