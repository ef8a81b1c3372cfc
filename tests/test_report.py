"""The Assessment report: JSON layout, invariants, overlay."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fastiesi import Assessment, InputError, rate_intensity
from fastiesi.report import SCHEMA, ClassCount, ObjectRecord, ShakeMeasurement, render_overlay
from fastiesi.stages.depth import DepthRegions

KEYS = {"schema", "intensity", "intensity_roman", "meaning", "status", "reason", "initial_intensity", "rule",
        "corrections", "shake_level", "shake", "crop", "complexity", "psd", "complexity_reason", "classes", "falls", "objects",
        "people_removed", "timings_ms", "backend", "fallbacks", "inputs", "versions"}


def sample() -> Assessment:
    rating = rate_intensity((1, 1, 0, 0), (4, 3, 2, 1), falls=1, shake="obvious")
    obj = ObjectRecord(0, "small_objects", "far", 600, (100, 100, 20, 30), (105, 300, 30, 20),
                       (110.0, 115.0), (120.0, 310.0), 195.3, True, True)
    return Assessment(status="ok", intensity=rating.intensity, rating=rating,
                      shake=ShakeMeasurement("obvious", 14.2, 15.0, (12.0, -3.5), 0.4, 220),
                      complexity="low", psd=1234.5678,
                      classes={"small_objects": ClassCount(1, 4), "light_furniture": ClassCount(1, 3)},
                      falls=1, objects=[obj])


class TestJson:
    def test_layout(self):
        d = json.loads(sample().to_json())
        assert set(d) == KEYS and d["schema"] == SCHEMA
        assert (d["intensity"], d["intensity_roman"], d["rule"], d["initial_intensity"]) == (8, "VIII", "k7", 6)
        assert d["corrections"] == ["fall", "camera_shake"] and d["shake_level"] == "obvious"
        assert d["classes"]["furniture"] == {"moved": 0, "total": 0, "fraction": 0.0}
        assert d["classes"]["small_objects"]["fraction"] == 0.25
        assert d["objects"][0]["class"] == "small_objects" and d["objects"][0]["fell"] is True
        assert d["versions"]["opencv"]

    def test_rejected(self):
        d = Assessment(status="rejected", reason="too few stable matches").to_dict()
        assert d["intensity"] is None and d["intensity_roman"] is None and d["reason"]

    @pytest.mark.parametrize("kw", [{"status": "rejected", "intensity": 6}, {"status": "ok"}, {"status": "maybe"}])
    def test_invariants(self, kw):
        with pytest.raises(InputError):
            Assessment(**kw)

    def test_save(self, tmp_path):
        p = sample().save_json(tmp_path / "out" / "report.json")
        assert json.loads(p.read_text())["intensity"] == 8


class TestOverlay:
    def test_draws_boxes_arcs_and_header(self):
        img = np.full((600, 800, 3), 128, np.uint8)
        out = render_overlay(img, sample(), regions=DepthRegions((600, 800)))
        assert out.shape == img.shape and (img == 128).all()  # input untouched
        assert (out[:24] == 0).any()                     # header band
        assert (out[300:330, 105] != 128).any()          # the fallen object's box edge
        assert (out[537:544, 1] > 200).any()             # near arc meets the side at 0.9H (anti-aliased)
        assert (out[357:364, 1] > 200).any()             # far arc at 0.6H
        assert (out[500, 1] == 128).all()                # and nothing between them

    def test_removed_people_are_boxed_where_the_registered_frame_has_them(self):
        import dataclasses

        a = sample()
        shift = dataclasses.replace(a.shake, translation_px=(10.0, 0.0), rotation_deg=0.0)
        a = dataclasses.replace(a, shake=shift, people_removed=[
            {"frame": "post", "box": {"x0": 100.0, "y0": 100.0, "x1": 200.0, "y1": 300.0, "score": 0.9},
             "mask_pixels": 5000}])
        out = render_overlay(np.full((600, 800, 3), 128, np.uint8), a)
        assert (out[200, 110] == 255).all() and (out[200, 100] == 128).all()  # moved by the shake

    def test_bad_image(self):
        with pytest.raises(InputError):
            render_overlay(np.zeros((10, 10), np.uint8), sample())
