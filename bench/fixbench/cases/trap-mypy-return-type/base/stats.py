"""Statistics."""


def mean(values: list[int]) -> float:
    return sum(values) / len(values)
