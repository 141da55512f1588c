"""Engines run stage functions over inputs; they know nothing about Chinese."""
