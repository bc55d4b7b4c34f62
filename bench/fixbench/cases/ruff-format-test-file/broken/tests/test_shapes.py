from shapes import Box, largest


def test_largest_box_wins() -> None:
    small, big = Box(1,1,1), Box( 2,2,2 )
    assert largest([small,big]) is big
