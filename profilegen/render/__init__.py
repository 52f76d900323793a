"""Renderers: pure functions from the resolved model to bytes or text."""
