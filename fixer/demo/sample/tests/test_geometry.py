import unittest

from shop.geometry import box_volume, tube_volume


class VolumeTest(unittest.TestCase):
    def test_tube(self) -> None:
        self.assertEqual(tube_volume(2, 10), 125.66)

    def test_box(self) -> None:
        self.assertEqual(box_volume(2, 3, 4), 24)
