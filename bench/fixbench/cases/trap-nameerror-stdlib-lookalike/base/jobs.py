"""A tiny job list."""

queue: list[str] = []


def submit(name: str) -> int:
    queue.append(name)
    return len(queue)


if __name__ == "__main__":
    print(submit("build"), submit("test"))
