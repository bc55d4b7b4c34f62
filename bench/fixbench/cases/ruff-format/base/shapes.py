"""Shapes."""

from dataclasses import dataclass


@dataclass
class Box:
    width: float
    height: float
    depth: float

    def volume(self) -> float:
        return self.width * self.height * self.depth


def largest(boxes: list[Box]) -> Box:
    return max(boxes, key=lambda b: b.volume())
