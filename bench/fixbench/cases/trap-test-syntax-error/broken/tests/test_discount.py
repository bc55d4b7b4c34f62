from discount import discounted


def test_ten_percent_off() -> None
    assert discounted(50.0, 10) == 45.0
