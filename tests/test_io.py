"""Input validation: every bad input named with its problem, usable inputs converted and noted."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from fastiesi import InputError, InputTypeError
from fastiesi.io import load_frame, load_pair, read_image, to_working_size


class TestBadFiles:
    def test_missing(self, tmp_path: Path):
        with pytest.raises(InputError, match="file not found") as e:
            read_image(tmp_path / "pre.jpg")
        assert e.value.path.endswith("pre.jpg")

    def test_directory(self, tmp_path: Path):
        with pytest.raises(InputError, match="is a directory"):
            read_image(tmp_path)

    def test_empty_file(self, tmp_path: Path):
        p = tmp_path / "empty.jpg"
        p.write_bytes(b"")
        with pytest.raises(InputError, match="empty"):
            read_image(p)

    def test_not_an_image(self, tmp_path: Path):
        p = tmp_path / "notes.png"
        p.write_text("these are not pixels\n" * 20)
        with pytest.raises(InputError, match="not a readable image"):
            read_image(p)

    def test_truncated_jpeg(self, tmp_path: Path, textured_image):
        ok, buf = cv2.imencode(".jpg", textured_image)
        p = tmp_path / "cut.jpg"
        p.write_bytes(buf.tobytes()[:200])
        with pytest.raises(InputError, match="not a readable image"):
            read_image(p)

    def test_tiny(self, image_file):
        with pytest.raises(InputError, match="too small"):
            read_image(image_file("tiny.png", np.zeros((40, 300, 3), np.uint8)))


class TestConvertedInputs:
    def test_grayscale(self, image_file, textured_image):
        f = read_image(image_file("g.png", textured_image[..., 0]))
        assert f.image.shape == (600, 800, 3) and "grayscale converted to BGR" in f.notes

    def test_alpha(self, image_file, textured_image):
        f = read_image(image_file("a.png", np.dstack([textured_image, np.full((600, 800), 255, np.uint8)])))
        assert f.image.shape[2] == 3 and "alpha channel dropped" in f.notes
        np.testing.assert_array_equal(f.image, textured_image)

    def test_16_bit(self, image_file, textured_image):
        f = read_image(image_file("w.png", textured_image.astype(np.uint16) * 257))
        assert f.image.dtype == np.uint8 and any("16-bit" in n for n in f.notes)
        np.testing.assert_array_equal(f.image, textured_image)

    def test_float_array(self, textured_image):
        f = load_frame(textured_image / 255.0, name="pre")
        assert np.abs(f.image.astype(int) - textured_image).max() <= 1

    def test_uniform_image_is_noted(self):
        f = load_frame(np.full((100, 100, 3), 7, np.uint8), name="post")
        assert any("uniform" in n for n in f.notes)


class TestBadArrays:
    @pytest.mark.parametrize("array,match", [
        (np.zeros((100, 100, 3), bool), "boolean"),
        (np.zeros((100, 100, 2), np.uint8), "2 channels"),
        (np.zeros((100, 100, 3), np.int64), "unsupported sample type"),
        (np.full((100, 100), 2.0), r"\[0, 1\]"),
        (np.full((100, 100), np.nan), "NaN"),
        (np.zeros((2, 100, 100, 3), np.uint8), "2-D"),
        (np.zeros((0, 100), np.uint8), "empty"),
    ])
    def test_rejected(self, array, match):
        with pytest.raises(InputError, match=match):
            load_frame(array, name="pre")

    def test_wrong_type(self):
        with pytest.raises(InputTypeError, match="pre: expected a path or a NumPy image"):
            load_frame([[1, 2], [3, 4]], name="pre")  # type: ignore[arg-type]


class TestPairs:
    def test_working_size_and_scale(self, textured_image):
        big = cv2.resize(textured_image, (1600, 1200))
        pair = load_pair(big, big)
        assert pair.pre.shape == (600, 800, 3) and pair.scale_xy == (0.5, 0.5)

    def test_same_view_other_resolution_is_noted(self, textured_image):
        pair = load_pair(textured_image, cv2.resize(textured_image, (640, 480)))
        assert pair.post.shape == pair.pre.shape
        assert any("differs from pre" in n for n in pair.notes)

    def test_different_aspect_ratio_is_an_error(self, image_file, textured_image):
        pre = image_file("pre.png")
        post = image_file("post.png", cv2.resize(textured_image, (800, 450)))
        with pytest.raises(InputError, match="different aspect ratios") as e:
            load_pair(pre, post)
        assert "post.png" in str(e.value)

    def test_to_working_size_is_identity_at_800x600(self, textured_image):
        assert to_working_size(textured_image) is textured_image
