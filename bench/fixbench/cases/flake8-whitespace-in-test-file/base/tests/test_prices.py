from prices import gross, net


def test_gross_adds_vat() -> None:
    assert gross(100.0, 0.2) == 120.0


def test_net_removes_vat() -> None:
    assert round(net(120.0, 0.2), 6) == 100.0
