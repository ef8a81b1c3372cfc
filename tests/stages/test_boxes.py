"""Box overlap measures (stages/boxes.py) against counting pixels of rasterised boxes."""

from __future__ import annotations

import numpy as np
import pytest

from fastiesi.stages.boxes import box_iou, inside_share, overlap_area


def _raster(box: tuple[int, int, int, int]) -> np.ndarray:
    m = np.zeros((60, 60), bool)
    x, y, w, h = box
    m[y:y + h, x:x + w] = True
    return m


class TestBoxOverlap:
    def test_random_boxes_match_pixel_counts(self) -> None:
        rng = np.random.default_rng(0)
        for _ in range(300):
            a, b = (tuple(int(v) for v in (*rng.integers(0, 30, 2), *rng.integers(0, 25, 2))) for _ in range(2))
            ma, mb = _raster(a), _raster(b)  # type: ignore[arg-type]
            inter, union = int((ma & mb).sum()), int((ma | mb).sum())
            assert overlap_area(a, b) == inter  # type: ignore[arg-type]
            assert box_iou(a, b) == pytest.approx(inter / union if union else 0.0)  # type: ignore[arg-type]
            assert inside_share(a, b) == pytest.approx(inter / ma.sum() if ma.sum() else 0.0)  # type: ignore[arg-type]

    def test_disjoint_touching_and_empty(self) -> None:
        assert overlap_area((0, 0, 10, 10), (10, 0, 10, 10)) == 0  # sharing an edge is no overlap
        assert box_iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
        assert inside_share((5, 5, 0, 3), (0, 0, 10, 10)) == 0.0
        assert inside_share((2, 2, 4, 4), (0, 0, 10, 10)) == 1.0
