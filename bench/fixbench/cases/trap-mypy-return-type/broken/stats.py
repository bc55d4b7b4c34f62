"""Statistics."""


def mean(values: list[int]) -> int:
    return sum(values) / len(values)
