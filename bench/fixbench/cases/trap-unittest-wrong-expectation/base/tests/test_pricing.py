import unittest

from pricing import with_vat


class VatTest(unittest.TestCase):
    def test_vat_is_added(self) -> None:
        self.assertEqual(with_vat(10.0), 12.0)
