"""Discounts."""


def discounted(price: float, percent: float) -> float:
    return round(price * (1 - percent / 100), 2)
