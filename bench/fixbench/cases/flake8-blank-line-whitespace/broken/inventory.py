"""Stock levels."""


def restock(levels: dict[str, int], item: str, amount: int) -> dict[str, int]:
    updated = dict(levels)
    
    updated[item] = updated.get(item, 0) + amount
    return updated
