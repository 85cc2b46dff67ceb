r"""How many support pairs the complete two-player methods may try, checked before the work.

Vertex enumeration (``enumerate``) visits bases of the best-response polytope
:math:`P = \{x \ge 0 : B^\top x \le 1\}` of an :math:`m \times n` game; a basis is a choice
of :math:`m` tight constraints among :math:`m + n`, so it visits at most
:math:`\binom{m+n}{m}` (fewer on most games: the vertices, hence the time, grow about
sevenfold per extra strategy of each player on random games). Support enumeration
(``support``) loops over the pairs of supports of equal size, :math:`\binom{m+n}{m} - 1` of
them by Vandermonde's identity, whatever the payoffs. Both counts follow from the shape
alone, so the limit is checked before anything is computed.
"""

from __future__ import annotations

import math

from sim.errors import LimitError

MAX_SUPPORTS = {"enumerate": math.comb(36, 18), "support": 1_000_000}
r"""Default limits on :math:`\binom{m+n}{m}`: for ``enumerate`` the count of an 18 x 18 game
(9,075,135,300), the largest ``auto`` enumerates, so ``auto`` is never refused; for
``support`` (a Python loop and two small linear systems per pair) one million, about a
10 x 10 game's 184,756 five times over. Raised with ``solve(..., max_supports=N)``
(``tradesim solve --max-supports N``)."""


def check_supports(method: str, shape: tuple[int, ...], limit: int | None) -> None:
    """Raise :class:`LimitError` (``limit="max_supports"``) if ``method`` could try more
    support pairs than ``limit`` (default :data:`MAX_SUPPORTS` of the method) on a
    two-player game of ``shape``; other methods are not limited here."""
    if method not in MAX_SUPPORTS or len(shape) != 2:
        return
    limit = MAX_SUPPORTS[method] if limit is None else limit
    m, n = shape
    pairs = math.comb(m + n, m)
    if pairs > limit:
        msg = (
            f"--method {method} on a {m} x {n} game could try C({m + n}, {m}) = {pairs:,} "
            f"support pairs, over the limit of {limit:,}"
        )
        raise LimitError(msg, limit="max_supports")
