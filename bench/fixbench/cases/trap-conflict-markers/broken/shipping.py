"""Shipping."""


def shipping(weight_kg: float) -> float:
<<<<<<< HEAD
    if weight_kg <= 2:
        return 4.5
=======
    if weight_kg < 3:
        return 3.9
>>>>>>> feature/cheap-parcels
    return 4.5 + (weight_kg - 2) * 1.2
