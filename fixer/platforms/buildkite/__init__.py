"""Buildkite: the plugin's hooks (`hook.py` and the modules it calls) and the fix step's platform adapter."""
