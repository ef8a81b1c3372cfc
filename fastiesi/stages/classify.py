"""Area-based object classes per depth region (paper section 3.2, Table 1).

Areas are pixel counts on the 800x600 frame. An area below the smallest interval of its region
is ``"noise"``; above the largest it is ``"background"`` (walls, floor: too big to be an object).
"""

from __future__ import annotations

from typing import Literal

from ..config import DEFAULT_CONFIG, REGIONS, ClassifyConfig, ObjectClass, Region
from ..errors import InputError

Classification = ObjectClass | Literal["noise", "background"]


def classify_area(area: float, region: Region, *, config: ClassifyConfig | None = None,
                  scale: float = 1.0) -> Classification:
    """Class of an object of ``area`` pixels whose placement is ``region`` (Table 1).

    Parameters
    ----------
    area : float
        Object area in pixels of the analysed image.
    region : {"near", "central", "far"}
    config : ClassifyConfig, optional
    scale : float, keyword-only
        Linear scale from the analysed image to the 800x600 frame Table 1 is defined on
        (1.0 after the pipeline's resize); areas are multiplied by ``scale**2``.
    """
    if region not in REGIONS:
        raise InputError(f"region must be one of {', '.join(REGIONS)}, got {region!r}")
    if area < 0:
        raise InputError(f"area must be non-negative, got {area}")
    if scale <= 0:
        raise InputError(f"scale must be positive, got {scale}")
    a = area * scale * scale
    row = (config or DEFAULT_CONFIG.classify).for_region(region)
    first_lo = row.small_objects.lo
    for name, interval in row.items():
        if interval.contains(a):
            return name
    return "noise" if a < first_lo else "background"
