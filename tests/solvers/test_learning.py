"""Learning dynamics: textbook limits, our n-player code against nashpy for two players."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import InputError
from sim.solvers import learning, nashpy_learning
from sim.solvers.equilibria import solve


def hawk_dove(V: float, C: float) -> np.ndarray:
    # Maynard Smith (1982): hawks split V fighting at cost C; the ESS plays hawk with V / C.
    return np.array([[(V - C) / 2, V], [0.0, V / 2]])


@pytest.mark.parametrize(("V", "C"), [(2.0, 3.0), (1.0, 4.0)])
def test_replicator_converges_to_the_hawk_dove_ess_share(V, C):
    A = hawk_dove(V, C)
    for start in ([0.9, 0.1], [0.1, 0.9]):
        ours = learning.symmetric_replicator(A, np.array(start), t_end=400)
        np.testing.assert_allclose(ours.final[0], [V / C, 1 - V / C], atol=1e-4)
        theirs = nashpy_learning.replicator(A, np.array(start), np.linspace(0, 400, 400))
        np.testing.assert_allclose(theirs.final[0], [V / C, 1 - V / C], atol=1e-4)


# A 2x2 zero-sum game without a saddle point: value (ad - bc) / (a + d - b - c) = 1/7, the row
# player mixing 3/7 on the first row (von Neumann and Morgenstern 1944; any textbook).
ZERO_SUM = np.array([[3.0, -1.0], [-2.0, 1.0]])


def value_bounds(A: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """min_j (x A)_j <= value <= max_i (A y)_i for any mixed x, y."""
    return float((x @ A).min()), float((A @ y).max())


@pytest.mark.parametrize("A", [ZERO_SUM, np.array([[0.0, -1, 1], [1, 0, -1], [-1, 1, 0]])],
                         ids=["2x2", "rock-paper-scissors"])
def test_fictitious_play_reaches_the_value_of_zero_sum_games(A):
    # Robinson (1951): the empirical frequencies' guaranteed payoffs converge to the value.
    value = 1 / 7 if A.shape == (2, 2) else 0.0
    ours = learning.fictitious_play(np.array([A, -A]), 20_000)
    theirs = nashpy_learning.fictitious_play(A, -A, 20_000, seed=3)
    for run in (ours, theirs):
        x, y = run.final
        lo, hi = value_bounds(A, x, y)
        assert lo <= value + 1e-12 <= hi + 2e-12
        assert hi - lo < 0.02
    # and the gap shrinks over time
    early = value_bounds(A, ours.profiles[0][5], ours.profiles[1][5])
    assert hi - lo < early[1] - early[0]


def test_stochastic_fictitious_play_is_reproducible_and_near_the_mixed_equilibrium():
    A = ZERO_SUM
    a = learning.stochastic_fictitious_play(np.array([A, -A]), 5000,
                                            rng=np.random.default_rng(7), eta=0.02)
    b = learning.stochastic_fictitious_play(np.array([A, -A]), 5000,
                                            rng=np.random.default_rng(7), eta=0.02)
    np.testing.assert_array_equal(a.profiles[0], b.profiles[0])
    np.testing.assert_allclose(a.final[0], [3 / 7, 4 / 7], atol=0.05)
    c = nashpy_learning.stochastic_fictitious_play(A, -A, 2000, seed=5)
    d = nashpy_learning.stochastic_fictitious_play(A, -A, 2000, seed=5)
    np.testing.assert_array_equal(c.profiles[0], d.profiles[0])


def test_nashpy_wrapper_leaves_the_global_generator_alone():
    np.random.seed(123)  # noqa: NPY002
    before = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    nashpy_learning.fictitious_play(ZERO_SUM, -ZERO_SUM, 50, seed=1)
    assert np.random.random() == before  # noqa: NPY002


def test_our_asymmetric_replicator_matches_nashpy():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    B = np.array([[2.0, 1.0], [0.0, 4.0]])
    x0, y0 = np.array([0.3, 0.7]), np.array([0.6, 0.4])
    # we divide payoffs by their range (here 5), so our time 10 is nashpy's time 2
    ours = learning.replicator(np.array([A, B]), [(x0, y0)], t_end=10.0, points=5)[0]
    theirs = nashpy_learning.asymmetric_replicator(A, B, x0, y0, np.linspace(0, 2.0, 5))
    for a, b in zip(ours.profiles, theirs.profiles, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_stag_hunt_basins_split_at_the_mixed_equilibrium():
    # Stag hunt, stag 4 if both hunt stag else 0, hare 3: the mixed equilibrium hunts stag with
    # probability 3/4. On the diagonal x = y of the two-population replicator, starts above
    # 3/4 go to (stag, stag), below to (hare, hare).
    A = np.array([[4.0, 0.0], [3.0, 3.0]])
    payoffs = np.array([A, A.T])
    eqs = [eq.strategies for eq in solve(payoffs).equilibria
           if all(s.max() == 1 for s in eq.strategies)]
    starts = [(np.array([p, 1 - p]), np.array([p, 1 - p])) for p in (0.6, 0.7, 0.8, 0.9)]
    found = learning.basins(payoffs, eqs, starts)
    stag = next(k for k, e in enumerate(eqs) if e[0][0] == 1)
    hare = 1 - stag
    assert found.labels.tolist() == [hare, hare, stag, stag]
    np.testing.assert_allclose(found.shares(), [0.5, 0.5, 0.0])


def test_three_player_replicator_rests_at_strict_equilibria():
    # McKelvey-McLennan's 2x2x2 game: the strict pure equilibria attract nearby starts, and
    # every equilibrium is a rest point of the field.
    payoffs = np.zeros((3, 2, 2, 2))
    for cell, values in {(0, 0, 0): (9, 8, 12), (1, 1, 0): (9, 8, 2), (1, 0, 1): (3, 4, 6),
                         (0, 1, 1): (3, 4, 6)}.items():
        payoffs[(slice(None), *cell)] = values
    equilibria = solve(payoffs).equilibria
    for eq in equilibria:
        field = learning.replicator_field(payoffs, [s[None, :] for s in eq.strategies])
        assert max(np.abs(f).max() for f in field) < 1e-9
    near = (np.array([0.95, 0.05]),) * 3
    end = learning.replicator(payoffs, [near], t_end=200)[0].final
    for s in end:
        np.testing.assert_allclose(s, [1.0, 0.0], atol=1e-3)


def test_grid_starts_are_interior_and_complete():
    starts = learning.grid_starts((2, 3), 4)
    assert len(starts) == 3 * 3  # 3 interior points on an edge, 3 in a triangle
    for profile in starts:
        for s in profile:
            assert (s > 0).all()
            assert s.sum() == pytest.approx(1)


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="rounds"):
        learning.fictitious_play(np.zeros((2, 2, 2)), 0)
    with pytest.raises(InputError, match="eta"):
        learning.stochastic_fictitious_play(np.zeros((2, 2, 2)), 5,
                                            rng=np.random.default_rng(0), eta=0)
