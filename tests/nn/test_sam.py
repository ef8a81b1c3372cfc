"""SAM box prompting through ONNX Runtime on tiny generated encoder/decoder graphs."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from fastiesi.errors import InputError  # noqa: E402
from fastiesi.nn.base import PersonBox  # noqa: E402
from fastiesi.nn.sam import SamSegmenter, sam_input  # noqa: E402

from .onnx_graphs import sam_decoder_graph, sam_encoder_graph, yolov8_graph  # noqa: E402


@pytest.fixture(scope="module")
def sam(tmp_path_factory) -> SamSegmenter:
    d = tmp_path_factory.mktemp("sam")
    return SamSegmenter(sam_encoder_graph(d / "enc.onnx"), sam_decoder_graph(d / "dec.onnx"))


class TestSamInput:
    def test_resize_normalise_pad(self):
        img = np.full((300, 600, 3), (103, 116, 123), np.uint8)  # BGR of about SAM's RGB mean
        x, scale = sam_input(img)
        assert x.shape == (1, 3, 1024, 1024) and scale == pytest.approx(1024 / 600)
        assert np.abs(x[0, :, :512, :]).max() < 0.02  # the image: near zero after normalising
        assert (x[0, :, 520:, :] == 0).all()  # padding below it


class TestSamSegmenter:
    def test_each_box_gets_its_best_mask(self, sam):
        img = np.zeros((240, 320, 3), np.uint8)
        boxes = [PersonBox(40, 30, 100, 200, 0.9), PersonBox(200, 50, 260, 230, 0.8)]
        masks = sam.segment(img, boxes)
        assert len(masks) == 2 and all(m.shape == (240, 320) and m.dtype == bool for m in masks)
        for m, b in zip(masks, boxes):
            ys, xs = np.nonzero(m)
            assert (xs.min(), xs.max() + 1, ys.min(), ys.max() + 1) == (b.x0, b.x1, b.y0, b.y1)

    def test_no_boxes_no_masks(self, sam):
        assert sam.segment(np.zeros((50, 50, 3), np.uint8), []) == []

    def test_wrong_decoder_signature(self, tmp_path):
        enc = sam_encoder_graph(tmp_path / "enc.onnx")
        not_a_decoder = yolov8_graph(tmp_path / "y.onnx", np.zeros((4, 84), np.float32))
        with pytest.raises(InputError, match="SAM decoder") as e:
            SamSegmenter(enc, not_a_decoder)
        assert "y.onnx" in str(e.value)

    def test_bad_image(self, sam):
        with pytest.raises(InputError, match="uint8 BGR"):
            sam.segment(np.zeros((50, 50), np.uint8), [PersonBox(1, 1, 5, 5, 1.0)])
