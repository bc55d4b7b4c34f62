import unittest

from shop import settings


class SettingsTest(unittest.TestCase):
    def test_shipping_rates(self) -> None:
        config = settings.load()
        self.assertEqual(config["shipping"]["box_rate"], 0.002)
