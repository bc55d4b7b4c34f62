import unittest

from shop.pricing import with_vat


class PricingTest(unittest.TestCase):
    def test_vat(self) -> None:
        self.assertEqual(with_vat(10.0), 12.0)
