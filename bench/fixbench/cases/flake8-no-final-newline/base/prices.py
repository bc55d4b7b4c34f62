"""Prices with and without VAT."""


def net(price: float, vat: float) -> float:
    return price / (1 + vat)


def gross(price: float, vat: float) -> float:
    return price * (1 + vat)
