"""YOLOv8 decoding, letterboxing and batching through ONNX Runtime on tiny generated graphs."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from fastiesi.errors import InputError  # noqa: E402
from fastiesi.nn.yolo import YoloV8Detector, decode_yolov8, letterbox  # noqa: E402

from .onnx_graphs import yolov8_graph  # noqa: E402


def _rows(*boxes: tuple[float, float, float, float, int, float], anchors: int = 6) -> np.ndarray:
    rows = np.zeros((anchors, 84), np.float32)
    for i, (cx, cy, w, h, cls, score) in enumerate(boxes):
        rows[i, :4] = (cx, cy, w, h)
        rows[i, 4 + cls] = score
    return rows


class TestLetterbox:
    def test_wide_image_is_padded_top_and_bottom(self):
        img = np.full((100, 200, 3), 255, np.uint8)
        x, lb = letterbox(img, 64)
        assert x.shape == (3, 64, 64) and x.dtype == np.float32
        assert lb.scale == pytest.approx(0.32) and lb.pad_x == 0 and lb.pad_y == 16
        assert x[:, 0, 0] == pytest.approx(114 / 255) and x[:, 32, 32] == pytest.approx(1.0)

    def test_inverse_maps_back(self):
        _, lb = letterbox(np.zeros((300, 100, 3), np.uint8), 64)
        corner = lb.to_image(np.array([lb.pad_x + 10 * lb.scale, lb.pad_y + 20 * lb.scale], np.float32))
        np.testing.assert_allclose(corner, [10, 20], atol=1e-4)

    def test_bgr_becomes_rgb(self):
        img = np.zeros((64, 64, 3), np.uint8)
        img[..., 0] = 255  # blue in BGR
        x, _ = letterbox(img, 64)
        assert x[2].mean() == pytest.approx(1.0) and x[0].mean() == 0.0


class TestDecode:
    def test_person_only_threshold_and_nms(self):
        rows = _rows((30, 30, 10, 20, 0, 0.9), (31, 30, 10, 20, 0, 0.8),  # same person twice
                     (50, 50, 8, 8, 2, 0.95),  # a car
                     (10, 10, 4, 4, 0, 0.1))  # too weak
        (corners, scores), = decode_yolov8(rows.T[None], conf=0.25, iou=0.45)
        np.testing.assert_allclose(corners, [[25, 20, 35, 40]])
        np.testing.assert_allclose(scores, [0.9])

    def test_both_layouts_agree(self):
        rows = _rows((30, 30, 10, 20, 0, 0.9), (10, 40, 6, 12, 0, 0.7))
        a = decode_yolov8(rows.T[None])[0]
        b = decode_yolov8(rows[None])[0]
        np.testing.assert_allclose(a[0], b[0])
        np.testing.assert_allclose(a[1], b[1])
        np.testing.assert_allclose(a[1], [0.9, 0.7])

    def test_bad_shapes(self):
        with pytest.raises(InputError, match="3-D"):
            decode_yolov8(np.zeros((84, 10)))
        with pytest.raises(InputError, match="84 channels"):
            decode_yolov8(np.zeros((1, 50, 10)))


class TestYoloV8Detector:
    @pytest.mark.parametrize("transposed", [False, True])
    def test_boxes_in_image_pixels_batched(self, tmp_path, transposed):
        model = yolov8_graph(tmp_path / "y.onnx", _rows((32, 32, 20, 30, 0, 0.9)), transposed=transposed)
        det = YoloV8Detector(model)
        img = np.zeros((120, 200, 3), np.uint8)  # scale 0.32, 13 px padding top (64 - 38) / 2
        out = det.detect([img, img, img])
        assert len(out) == 3 and all(len(b) == 1 for b in out)
        b = out[0][0]
        assert (b.x0, b.x1) == pytest.approx((68.75, 131.25))
        assert (b.y0, b.y1) == pytest.approx(((17 - 13) / 0.32, (47 - 13) / 0.32))
        assert b.score == pytest.approx(0.9)

    def test_fixed_batch_model_runs_each_frame(self, tmp_path):
        model = yolov8_graph(tmp_path / "y1.onnx", _rows((32, 32, 20, 30, 0, 0.9)), dynamic_batch=False)
        det = YoloV8Detector(model)
        assert det.model.batch_dim() == 1
        assert [len(b) for b in det.detect([np.zeros((64, 64, 3), np.uint8)] * 2)] == [1, 1]

    def test_missing_file(self, tmp_path):
        with pytest.raises(InputError, match="not found") as e:
            YoloV8Detector(tmp_path / "nope.onnx")
        assert "nope.onnx" in str(e.value)

    def test_not_onnx(self, tmp_path):
        bad = tmp_path / "bad.onnx"
        bad.write_bytes(b"this is not a protobuf")
        with pytest.raises(InputError, match="not a loadable ONNX model") as e:
            YoloV8Detector(bad)
        assert "bad.onnx" in str(e.value)

    def test_empty_file(self, tmp_path):
        bad = tmp_path / "empty.onnx"
        bad.write_bytes(b"")
        with pytest.raises(InputError, match="empty"):
            YoloV8Detector(bad)

    def test_wrong_signature(self, tmp_path):
        from .onnx_graphs import sam_encoder_graph

        enc = sam_encoder_graph(tmp_path / "enc.onnx")  # rank-4 output: not a YOLO head
        with pytest.raises(InputError, match="wrong signature"):
            YoloV8Detector(enc)

    def test_bad_thresholds(self, tmp_path):
        with pytest.raises(InputError, match="conf"):
            YoloV8Detector(tmp_path / "x.onnx", conf=1.5)
