"""Parcel sizes for shipping quotes."""

import math


def tube_volume(radius_cm: float, length_cm: float) -> float:
    return round(math.pi * radius_cm**2 * length_cm, 2)


def box_volume(width_cm: float, height_cm: float, depth_cm: float) -> float:
    return width_cm * height_cm * depth_cm
