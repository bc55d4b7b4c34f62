"""Builds the search index."""


def index(titles: list[str]) -> dict[str, str]:
    return {slugify(t): t for t in titles}


if __name__ == "__main__":
    print(index(["Hello World", "Über uns"]))
