"""The Pareto front: designs no other design beats on every objective."""

from __future__ import annotations

import numpy as np

__all__ = ["dominates", "pareto_front"]


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether objective vector ``a`` dominates ``b`` (all minimised): no worse in every
    objective and better in one."""
    return bool(np.all(a <= b) and np.any(a < b))


def pareto_front(objectives: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated rows of ``objectives`` (shape (n, k), all minimised;
    negate a figure to maximise it), in the order of the first objective.

    Rows are taken in lexicographic order, so a row can only be dominated by rows before
    it (or by equal rows, which do not dominate); each row is compared with the front so
    far: O(n × front).
    """
    obj = np.asarray(objectives, dtype=float)
    if obj.ndim != 2:
        raise ValueError("objectives must be a 2-D array (designs x objectives)")
    order = np.lexsort(obj.T[::-1])
    front: list[int] = []
    for i in order:
        row = obj[i]
        if front:
            f = obj[front]
            if np.any(np.all(f <= row, axis=1) & np.any(f < row, axis=1)):
                continue
        front.append(int(i))
    return np.asarray(front, dtype=int)
