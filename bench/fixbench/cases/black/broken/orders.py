'''Orders.'''

from typing import NamedTuple


class Line(NamedTuple):
    sku: str
    quantity: int
    unit_price: float


def order_total(lines: list[Line], discount: float=0.0) -> float:
    subtotal = sum(line.quantity * line.unit_price for line in lines)
    return round(subtotal*(1-discount),2)
