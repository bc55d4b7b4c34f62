"""The fixer: reads emitter reports and runs the bounded, verified fix loop."""
