"""Basket totals."""


def total(prices: list[float], discount: float) -> float:
    subtotal = sum(prices)
    return round(subtotal * (1 - discount), 2)
