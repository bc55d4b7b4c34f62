"""Shipping."""


def shipping(weight_kg: float) -> float:
    if weight_kg <= 2:
        return 4.5
    return 4.5 + (weight_kg - 2) * 1.2
