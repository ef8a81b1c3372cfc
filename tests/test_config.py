"""The config tree: the paper's values, provenance on every field, TOML and overrides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fastiesi import Config, ConfigError


class TestDefaults:
    def test_papers_constants(self):
        c = Config()
        assert (c.frame.width, c.frame.height) == (800, 600)
        assert c.enhance.clahe_tiles == (4, 4) and c.enhance.bilateral_diameter == 5
        assert c.enhance.saliency_threshold == 100 and c.quality.knn_ratio == 0.8
        assert (c.quality.no_shake_max_px, c.quality.slight_shake_max_px) == (2.229, 12.229)
        assert c.quality.head_fraction == 0.8
        assert (c.complexity.psd_low_max, c.complexity.psd_high_min) == (1540, 1950)
        assert (c.movement.min_object_length_px, c.movement.max_line_width_px) == (17, 13)
        assert (c.movement.density_binarize, c.movement.saliency_diff_binarize) == (57, 25)
        assert c.classify.near.heavy_furniture.hi == 129167
        assert [r.name for r in c.intensity.rules] == [f"k{i}" for i in range(1, 10)]

    def test_every_leaf_names_its_source(self):
        leaves = list(Config().sources())
        assert len(leaves) > 40
        for name, _, source in leaves:
            assert source.startswith(("paper", "choice:", "calibrated:")), name

    def test_frozen(self):
        with pytest.raises(AttributeError):
            Config().quality.knn_ratio = 0.5  # type: ignore[misc]


class TestToml:
    def test_load_partial_file(self, tmp_path: Path):
        p = tmp_path / "site.toml"
        p.write_text("[quality]\nknn_ratio = 0.7\n[classify.far]\nsmall_objects = [100, 1131]\n")
        c = Config.from_toml(p)
        assert c.quality.knn_ratio == 0.7 and c.quality.iqr_k == 1.5
        assert (c.classify.far.small_objects.lo, c.classify.far.small_objects.hi) == (100, 1131)

    @pytest.mark.parametrize("text,match", [
        ("[quality]\nknn_rato = 0.7\n", "unknown config key 'quality.knn_rato'"),
        ("[quality]\nknn_ratio = 'high'\n", "expected a number"),
        ("[movement]\nmin_object_length_px = 1.5\n", "expected an integer"),
        ("[quality\n", "not valid TOML"),
        ("[enhance]\nclahe_tiles = [4]\n", "expected 2 values"),
    ])
    def test_bad_files_name_the_file_and_key(self, tmp_path: Path, text, match):
        p = tmp_path / "bad.toml"
        p.write_text(text)
        with pytest.raises(ConfigError, match=match) as e:
            Config.from_toml(p)
        assert str(p) in str(e.value)

    def test_missing_file_and_directory(self, tmp_path: Path):
        with pytest.raises(ConfigError, match="not found"):
            Config.from_toml(tmp_path / "nope.toml")
        with pytest.raises(ConfigError, match="directory"):
            Config.from_toml(tmp_path)


class TestOverrides:
    def test_dotted_strings_and_dicts(self):
        c = Config().with_overrides(["quality.knn_ratio=0.75", "intensity.fall_floor=8"])
        assert c.quality.knn_ratio == 0.75 and c.intensity.fall_floor == 8
        assert Config().with_overrides({"depth.tall_verticality": 0.8}).depth.tall_verticality == 0.8

    @pytest.mark.parametrize("item,match", [
        ("quality.nope=1", "unknown config key"), ("knn_ratio", "form section.field=value"),
        ("quality.knn_ratio=true", "expected a number"),
    ])
    def test_bad_overrides(self, item, match):
        with pytest.raises(ConfigError, match=match):
            Config().with_overrides([item])

    def test_round_trip_through_dict(self):
        d = Config().to_dict()
        assert d["quality"]["knn_ratio"] == 0.8 and d["intensity"]["rules"][0]["name"] == "k1"


def test_interval_whole_number_bounds_agree_with_exact_fractions():
    from fractions import Fraction

    from fastiesi.config import Interval

    rng = np.random.default_rng(0)
    for lo, hi, lc, hc in [(120, 1540, True, False), (0, 300, False, True), (2000, float("inf"), True, False)]:
        iv = Interval(lo, hi, lc, hc)
        values = [lo, hi if not np.isinf(hi) else 1e9, lo - 0.5, lo + 0.5, *rng.uniform(lo - 50, lo + 2000, 50)]
        for v in values:
            assert iv.contains(float(v)) == iv.contains(Fraction(float(v))), (iv, v)
            assert iv.contains(int(v)) == iv.contains(Fraction(int(v))), (iv, v)
