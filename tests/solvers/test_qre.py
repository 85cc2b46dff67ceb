"""Logit QRE principal branch: fixed-point equations along the path, known limits."""

from __future__ import annotations

import numpy as np

from sim.solvers.equilibria import solve
from sim.solvers.qre import limit_profile, logit_qre_path
from sim.solvers.verify import is_nash, pure_values

# Asymmetric matching pennies with payoff 9 in the top-left cell (Goeree and Holt 2001): the
# Nash equilibrium is row (1/2, 1/2), column (1/10, 9/10); along the QRE branch the row player
# plays Top more than half the time (the "own-payoff effect"), tending to 1/2 as lambda grows.
AMP = np.array([[[9, 0], [0, 1]], [[0, 1], [1, 0]]], dtype=float)


def logit_residual(payoffs, lam, profile):
    worst = 0.0
    for i, sigma in enumerate(profile):
        v = lam * pure_values(payoffs[i], profile, i)
        expected = np.exp(v - v.max()) / np.exp(v - v.max()).sum()
        worst = max(worst, float(np.abs(expected - sigma).max()))
    return worst


def test_every_point_solves_the_logit_equations():
    path = logit_qre_path(AMP)
    assert path.converged
    assert path.lambdas[0] == 0
    assert np.all(np.diff(path.lambdas) > 0)
    for lam, profile in zip(path.lambdas, path.profiles, strict=True):
        assert logit_residual(AMP, lam, profile) < 1e-8


def test_asymmetric_matching_pennies_limit_and_own_payoff_effect():
    path = logit_qre_path(AMP)
    tops = np.array([p[0][0] for p in path.profiles])
    assert (tops[1:] > 0.5).all()
    np.testing.assert_allclose(path.profiles[-1][0], [0.5, 0.5], atol=2e-3)
    np.testing.assert_allclose(path.profiles[-1][1], [0.1, 0.9], atol=1e-6)
    result = solve(AMP, method="qre")
    assert not result.complete
    np.testing.assert_allclose(result.equilibria[0].strategies[1], [0.1, 0.9])


def test_matching_pennies_stays_at_the_centre():
    A = np.array([[1, -1], [-1, 1]], dtype=float)
    path = logit_qre_path(np.array([A, -A]))
    for profile in path.profiles:
        np.testing.assert_allclose(profile[0], [0.5, 0.5], atol=1e-12)


def test_three_player_limit_is_a_nash_equilibrium():
    payoffs = np.random.default_rng(3).integers(0, 10, (3, 2, 2, 2)).astype(float)
    path = logit_qre_path(payoffs)
    limit = limit_profile(path, payoffs)
    assert limit is not None
    assert is_nash(payoffs, limit, tol=1e-9)


def test_plot_writes_a_png(tmp_path):
    from sim.plots.qre import plot_qre_path

    out = plot_qre_path(logit_qre_path(AMP, lambda_max=50), ["Row", "Column"],
                        [["Top", "Bottom"], ["Left", "Right"]], tmp_path / "qre.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
