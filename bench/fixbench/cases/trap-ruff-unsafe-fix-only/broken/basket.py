"""Basket totals."""


def total(prices: list[float], discount: float) -> float:
    subtotal = sum(prices)
    discounted = round(subtotal * (1 - discount), 2)
    return subtotal
