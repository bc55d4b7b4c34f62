"""The model engine: a Messages API tool-use agent (agent.py) with a confined editor and run_verify (tools.py),
a fenced, capped first message (prompt.py) and per-attempt limits (budget.py).

Kept empty of imports: `anthropic` is heavy and is loaded only when this engine actually runs.
"""
