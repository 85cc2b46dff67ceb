"""Figures: one module per analysis, each result -> PNG (matplotlib imported lazily)."""
