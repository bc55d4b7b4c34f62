import unittest

from shop.geometry import circle_area


class CircleTest(unittest.TestCase):
    def test_unit_circle(self) -> None:
        self.assertAlmostEqual(circle_area(1.0), 3.14159, places=4)
