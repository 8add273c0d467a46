"""How large a rise this many contacts could see: read off the same null distribution the test uses.

If contacts multiplied the strikes in their windows by ρ, the observed total would be ρ times a draw from the
null, and the test would find it when that exceeds the null's critical value. The smallest ρ found with
probability `power` is therefore critical ÷ the null's (1 − power) quantile; no model, no normal approximation.
"""

from __future__ import annotations

import numpy as np


def detectable_ratio(null: np.ndarray, alpha: float, power: float) -> float | None:
    """The smallest rate ratio found with probability `power` by a one-sided test at level `alpha`."""
    if len(null) == 0:
        return None
    critical, typical = np.quantile(null, [1 - alpha, 1 - power])
    return float(critical / typical) if typical > 0 else None


def power_at(null: np.ndarray, alpha: float, ratio: float) -> float:
    """How often a true ratio `ratio` would be found by a one-sided test at level `alpha`."""
    if len(null) == 0 or ratio <= 0:
        return 0.0
    critical = np.quantile(null, 1 - alpha)
    return float(np.mean(null * ratio > critical))
