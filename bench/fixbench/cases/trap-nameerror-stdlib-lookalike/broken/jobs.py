"""A tiny job list."""


def submit(name: str) -> int:
    queue.append(name)
    return len(queue)


if __name__ == "__main__":
    print(submit("build"), submit("test"))
