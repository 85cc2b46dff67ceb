"""Analyses: a scenario or game plus options -> results, with no printing, files or typer.

:mod:`sim.analyses.settings` resolves every setting the analyses share (discount factor,
truce timing, named profiles and their indices) in one place.
"""
