"""Prices with VAT."""


def with_vat(net: float, rate: float = 0.2) -> float:
    return round(net * (1 + rate), 2)
