"""The sampling rule (抽查不少于 10%) and the reproducible draw, as pure functions.

The draw does not depend on the order the population is read in: each record id is ranked by
SHA-256 of ``"<seed>:<id>"`` and the ``size`` lowest ranks are the sample. Whoever has the seed and the ids
redraws exactly the same sample; a record added to or removed from the population later changes at most
its own place, never the rest of the draw. The population's digest (``population_digest``) says whether it
is still the one the sample was drawn from.
"""

import hashlib
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal, InvalidOperation


def sample_size(n: int, ratio) -> int:
    """How many of ``n`` records to check at ``ratio`` (0 < ratio ≤ 1): ``ceil(ratio × n)``, at least 1 when
    ``n > 0``, 0 when ``n == 0``, never more than ``n``. Computed in decimals: 10% of 30 is 3, not 4."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("记录数应为非负整数")
    try:
        share = Decimal(str(ratio))
    except (InvalidOperation, ValueError):
        raise ValueError("抽查比例应为数字") from None
    if not share.is_finite() or not Decimal(0) < share <= Decimal(1):
        raise ValueError("抽查比例应大于 0 且不超过 100%")
    if n == 0:
        return 0
    size = int((share * n).to_integral_value(rounding=ROUND_CEILING))
    return min(n, max(1, size))


def _rank(seed: str, pk: int) -> bytes:
    return hashlib.sha256(f"{seed}:{pk}".encode()).digest()


def draw(ids: Iterable[int], size: int, seed: str) -> list[int]:
    """The ``size`` ids of ``ids`` with the lowest rank under ``seed``, in rank order (the checking order)."""
    unique = {int(pk) for pk in ids}
    if size <= 0 or not unique:
        return []
    return sorted(unique, key=lambda pk: _rank(seed, pk))[:size]


def population_digest(ids: Iterable[int]) -> str:
    """SHA-256 of the sorted ids: the same population gives the same digest, whatever the reading order."""
    body = ",".join(str(pk) for pk in sorted({int(pk) for pk in ids}))
    return hashlib.sha256(body.encode()).hexdigest()


def accuracy(sampled: int, wrong: int) -> float | None:
    """信息准确性 = 1 − wrong ÷ sampled (of the records checked); None before any record is checked."""
    if sampled <= 0:
        return None
    return max(0.0, 1 - wrong / sampled)

