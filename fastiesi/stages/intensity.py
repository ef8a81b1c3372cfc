"""Seismic intensity from object movement (paper section 4.4, Tables 2 and 3).

The initial intensity is the first Table 3 rule (k1..k9) whose conditions hold for the moved
fractions of the four object classes; then two corrections: a fall lifts an intensity below VII
to VII, and visible (obvious) camera shake adds one degree, capped at IX.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Sequence

from ..config import DEFAULT_CONFIG, OBJECT_CLASSES, IntensityConfig, Interval, Rule
from ..errors import InputError, InputTypeError

ShakeLevel = Literal["none", "slight", "obvious"]
SHAKE_LEVELS: tuple[ShakeLevel, ...] = ("none", "slight", "obvious")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


@dataclass(frozen=True)
class Rating:
    """The outcome of the rules for one set of counts.

    ``initial`` is the Table 3 intensity, ``rule`` the row that fired, ``corrections`` the names
    of the corrections applied in order (``"fall"``, ``"camera_shake"``), ``intensity`` the final.
    ``nothing_moved`` marks the V that means "V or lower": the method cannot see below V.
    """

    intensity: int
    initial: int
    rule: str
    corrections: tuple[str, ...]
    fractions: tuple[float, float, float, float]
    nothing_moved: bool

    @property
    def roman(self) -> str:
        return ROMAN[self.intensity]

    @property
    def meaning(self) -> str:
        if self.nothing_moved and self.intensity == 5:
            return "V or lower (no object movement seen; the method does not resolve below V)"
        return f"{self.roman}"


def _validate_counts(name: str, values: Sequence[int]) -> tuple[int, int, int, int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InputTypeError(f"{name} must be four integers (small objects, light furniture, "
                             f"furniture, heavy furniture), got {values!r}")
    if len(values) != 4:
        raise InputError(f"{name} must have 4 counts (small objects, light furniture, furniture, "
                         f"heavy furniture), got {len(values)}")
    out = []
    for cls, raw in zip(OBJECT_CLASSES, values):
        if isinstance(raw, bool):
            raise InputTypeError(f"{name}: count of {cls} must be an integer, got {raw!r}")
        try:
            v = operator.index(raw)  # int and NumPy integers; rejects floats and strings
        except TypeError:
            raise InputTypeError(f"{name}: count of {cls} must be an integer, got {raw!r}") from None
        if v < 0:
            raise InputError(f"{name}: count of {cls} is negative ({v})")
        out.append(v)
    return out[0], out[1], out[2], out[3]


def _fraction(moved: int, total: int) -> Fraction:
    # A class with no objects has fraction 0 (nothing of it can have moved).
    return Fraction(moved, total) if total else Fraction(0)


def _quantities(moved: tuple[int, int, int, int], total: tuple[int, int, int, int]) -> dict[str, Fraction]:
    n1, n2, n3, n4 = moved
    n5, n6, n7, n8 = total
    return {
        "heavy_moved": Fraction(n4),
        "furniture": _fraction(n3, n7),
        "light": _fraction(n2, n6),
        "small": _fraction(n1, n5),
        "light_and_furniture": _fraction(n2 + n3, n6 + n7),
    }


def first_matching_rule(quantities: dict[str, Fraction], rules: Sequence[Rule]) -> Rule | None:
    """The first rule all of whose conditions hold, or None."""
    for rule in rules:
        if all(c.interval.contains(quantities[c.quantity]) for c in rule.conditions):
            return rule
    return None


def rate_intensity(
    moved: Sequence[int],
    total: Sequence[int],
    *,
    falls: int = 0,
    shake: ShakeLevel = "none",
    config: IntensityConfig | None = None,
) -> Rating:
    """Rate the seismic intensity from moved/total object counts (paper 4.4, Table 3).

    Parameters
    ----------
    moved : sequence of 4 int
        Moved objects per class (N1..N4): small objects, light furniture, furniture, heavy furniture.
    total : sequence of 4 int
        All objects per class (N5..N8) in the pre-earthquake frame.
    falls : int, keyword-only
        Objects whose vertical displacement exceeds 3x their length (paper 4.4 correction 1).
    shake : {"none", "slight", "obvious"}, keyword-only
        Camera shake level (paper 2.2); "obvious" adds one degree (correction 2).
    config : IntensityConfig, optional
        Rules and corrections; defaults to the paper's.

    Returns
    -------
    Rating
    """
    cfg = config or DEFAULT_CONFIG.intensity
    m = _validate_counts("moved", moved)
    t = _validate_counts("total", total)
    for cls, a, b in zip(OBJECT_CLASSES, m, t):
        if a > b:
            raise InputError(f"moved {cls} ({a}) exceeds the total of {cls} ({b})")
    if isinstance(falls, bool) or not isinstance(falls, int) or falls < 0:
        raise InputError(f"falls must be a non-negative integer, got {falls!r}")
    if shake not in SHAKE_LEVELS:
        raise InputError(f"shake must be one of {', '.join(SHAKE_LEVELS)}, got {shake!r}")

    q = _quantities(m, t)
    rule = first_matching_rule(q, cfg.rules)
    if rule is None:  # only reachable with a user-edited rule table that leaves a gap
        raise InputError(
            "no Table 3 rule matches these counts with the configured rules: "
            + ", ".join(f"{k}={float(v):.3f}" for k, v in q.items())
        )
    intensity = rule.intensity
    corrections: list[str] = []
    if falls > 0 and intensity < cfg.fall_floor:
        intensity = cfg.fall_floor
        corrections.append("fall")
    if shake == "obvious":
        raised = min(intensity + cfg.shake_increment, cfg.max_intensity)
        if raised != intensity:
            corrections.append("camera_shake")
        intensity = raised
    fractions = tuple(float(_fraction(a, b)) for a, b in zip(m, t))
    return Rating(
        intensity=intensity,
        initial=rule.intensity,
        rule=rule.name,
        corrections=tuple(corrections),
        fractions=fractions,  # type: ignore[arg-type]
        nothing_moved=sum(m) == 0 and falls == 0,
    )


def describe_fraction(fraction: float, *, config: IntensityConfig | None = None) -> tuple[str, ...]:
    """The scale's quantity words that fit a moved fraction (paper 4.4 (a)-(e)); ranges overlap."""
    d = (config or DEFAULT_CONFIG.intensity).descriptors
    words: list[tuple[str, Interval]] = [
        ("few", d.few), ("some", d.some), ("many", d.many), ("most", d.most), ("nearly all", d.nearly_all)
    ]
    return tuple(w for w, iv in words if iv.contains(fraction) and fraction > 0)
