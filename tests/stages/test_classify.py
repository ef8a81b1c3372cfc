"""Table 1 classes per depth region (paper 3.2), at every boundary of the table."""

from __future__ import annotations

import pytest

from fastiesi import InputError
from fastiesi.stages.classify import classify_area

TABLE1 = {  # region: (small lo, light lo, furniture lo, heavy lo, heavy hi]  -- paper Table 1
    "far": (141, 1131, 3741, 9281, 37291),
    "central": (434, 2443, 6646, 16023, 95396),
    "near": (236, 3529, 9386, 28823, 129167),
}
CLASSES = ("small_objects", "light_furniture", "furniture", "heavy_furniture")


class TestTable1:
    @pytest.mark.parametrize("region", TABLE1)
    def test_every_boundary(self, region):
        b = TABLE1[region]
        assert classify_area(b[0] - 1, region) == "noise"
        for i, cls in enumerate(CLASSES):
            assert classify_area(b[i], region) == cls           # lower bounds closed
            assert classify_area(b[i + 1] - 1, region) == cls   # upper bounds open...
        assert classify_area(b[4], region) == "heavy_furniture"  # ...except heavy's, closed
        assert classify_area(b[4] + 1, region) == "background"

    def test_same_area_differs_by_region(self):
        # 3000 px: light furniture far away, light furniture centred, small object near.
        assert [classify_area(3000, r) for r in ("far", "central", "near")] == [
            "light_furniture", "light_furniture", "small_objects"]

    def test_scale_to_reference_frame(self):
        # At 400x300 an object of 1000 px covers 4000 px of the 800x600 frame Table 1 is defined on.
        assert classify_area(1000, "far", scale=2.0) == "furniture"

    @pytest.mark.parametrize("kw,match", [
        ({"area": 10, "region": "middle"}, "region"),
        ({"area": -1, "region": "far"}, "non-negative"),
        ({"area": 10, "region": "far", "scale": 0}, "scale"),
    ])
    def test_bad_arguments(self, kw, match):
        with pytest.raises(InputError, match=match):
            classify_area(**kw)
