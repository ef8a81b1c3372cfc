"""People removal (2.4) end to end: a person present in one frame only is not a moved object."""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np
import pytest

from fastiesi import assess
from fastiesi.errors import InputError
from fastiesi.nn.base import Image, PersonBox
from fastiesi.nn.inpaint import PyramidInpainter
from fastiesi.nn.opencv_default import GrabCutSegmenter
from fastiesi.stages.people import PeopleRemover
from fastiesi.synth import SceneSpec, render_pair


class KnownBoxes:
    """A Detector whose boxes the test knows: the rendered people, frame by frame."""

    name = "known-boxes"

    def __init__(self, per_frame: Sequence[Sequence[tuple[int, int, int, int]]]) -> None:
        self.per_frame = per_frame
        self.calls = 0

    def detect(self, images: Sequence[Image]) -> list[list[PersonBox]]:
        self.calls += 1
        assert len(images) == len(self.per_frame)
        return [[PersonBox(x, y, x + w, y + h, 1.0) for x, y, w, h in boxes] for boxes in self.per_frame]


@pytest.fixture(scope="module")
def walker():
    """A still room (nothing moved) with a person standing in the post frame only."""
    pair = render_pair(SceneSpec(seed=4, initial_intensity=None, people=(0, 1)))
    assert pair.truth.people_post and not pair.truth.people_pre and sum(pair.truth.moved) == 0
    return pair


class TestPersonInOneFrame:
    def test_counts_as_moved_without_removal(self, walker):
        a = assess(walker.pre, walker.post)
        assert sum(o.moved for o in a.objects) >= 1
        assert any("people removal (2.4) off" in f for f in a.fallbacks)

    def test_no_moved_object_with_removal(self, walker):
        det = KnownBoxes([[], walker.truth.people_post])
        remover = PeopleRemover(det, GrabCutSegmenter(), PyramidInpainter())
        a = assess(walker.pre, walker.post, people=remover)
        assert det.calls == 1  # both frames in one detector call
        assert not any(o.moved for o in a.objects) and a.intensity == 5
        assert [p["frame"] for p in a.people_removed] == ["post"]
        assert a.inputs["people_models"] == {"detector": "known-boxes", "segmenter": "opencv-grabcut",
                                             "inpainter": "pyramid-telea"}
        assert {"people", "people_detect", "people_segment", "people_inpaint"} <= set(a.timings_ms)
        assert not any("people" in f for f in a.fallbacks)
        report = json.loads(a.to_json())
        assert report["people_removed"][0]["box"]["x0"] == walker.truth.people_post[0][0]


    def test_reference_with_people_gives_the_same_report(self, walker):
        from fastiesi.pipeline import Reference

        def remover():
            return PeopleRemover(KnownBoxes([walker.truth.people_post]), GrabCutSegmenter(), PyramidInpainter())

        plain = assess(walker.pre, walker.post, people=PeopleRemover(
            KnownBoxes([[], walker.truth.people_post]), GrabCutSegmenter(), PyramidInpainter()))
        ref = Reference.from_frame(walker.pre, people=PeopleRemover(KnownBoxes([[]]), GrabCutSegmenter(),
                                                                     PyramidInpainter()))
        cached = assess(ref, walker.post, people=remover())
        assert cached.intensity == plain.intensity and cached.objects == plain.objects
        assert cached.people_removed == plain.people_removed

    def test_reference_without_people_says_so(self, walker):
        from fastiesi.pipeline import Reference

        ref = Reference.from_frame(walker.pre)
        a = assess(ref, walker.post, people=PeopleRemover(KnownBoxes([walker.truth.people_post]),
                                                          GrabCutSegmenter(), PyramidInpainter()))
        assert any("skipped for the pre frame" in f for f in a.fallbacks)


class TestFromModels:
    def test_sam_needs_both_files(self, tmp_path):
        with pytest.raises(InputError, match="both"):
            PeopleRemover.from_models(segmenter_encoder=tmp_path / "e.onnx")

    def test_default_needs_no_files(self):
        r = PeopleRemover.default()
        assert r.models == {"detector": "opencv-hog", "segmenter": "opencv-grabcut", "inpainter": "pyramid-telea"}

    def test_onnx_models_end_to_end(self, walker, tmp_path):
        pytest.importorskip("onnxruntime")
        pytest.importorskip("onnx")
        from tests.nn.onnx_graphs import sam_decoder_graph, sam_encoder_graph, yolov8_graph

        # A YOLOv8 head that reports the rendered person (letterbox 800x600 -> 640: scale 0.8,
        # 80 px of padding above), and the SAM graphs that return the prompt box as the mask.
        x, y, w, h = walker.truth.people_post[0]
        rows = np.zeros((8, 84), np.float32)
        rows[0, :4] = ((x + w / 2) * 0.8, (y + h / 2) * 0.8 + 80, w * 0.8, h * 0.8)
        rows[0, 4] = 0.9
        r = PeopleRemover.from_models(detector=yolov8_graph(tmp_path / "y.onnx", rows, size=640),
                                      segmenter_encoder=sam_encoder_graph(tmp_path / "e.onnx"),
                                      segmenter_decoder=sam_decoder_graph(tmp_path / "d.onnx"))
        a = assess(walker.pre, walker.post, people=r)
        assert not any(o.moved for o in a.objects)
        assert len(a.people_removed) == 2  # the constant head reports the box in both frames
        assert a.inputs["people_models"]["detector"] == "yolov8-onnx:y.onnx"


def test_cli_runs_people_removal_with_onnx_files(walker, tmp_path, capsys):
    pytest.importorskip("onnxruntime")
    import cv2

    from fastiesi.cli import main
    from tests.nn.onnx_graphs import sam_decoder_graph, sam_encoder_graph, yolov8_graph

    pre, post = tmp_path / "pre.png", tmp_path / "post.png"
    cv2.imwrite(str(pre), walker.pre)
    cv2.imwrite(str(post), walker.post)
    rows = np.zeros((4, 84), np.float32)
    det = yolov8_graph(tmp_path / "y.onnx", rows, size=640)  # finds nobody
    args = ["assess", str(pre), str(post), "--json", "--detector", str(det),
            "--segmenter-encoder", str(sam_encoder_graph(tmp_path / "e.onnx")),
            "--segmenter-decoder", str(sam_decoder_graph(tmp_path / "d.onnx"))]
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["people_removed"] == [] and report["inputs"]["people_models"]["detector"] == "yolov8-onnx:y.onnx"


def test_cli_bad_model_file(tmp_path, capsys):
    import cv2

    from fastiesi.cli import main

    img = np.full((600, 800, 3), 120, np.uint8)
    cv2.imwrite(str(tmp_path / "a.png"), img)
    bad = tmp_path / "model.onnx"
    bad.write_text("not a model")
    with pytest.raises(SystemExit) as e:
        main(["assess", str(tmp_path / "a.png"), str(tmp_path / "a.png"), "--detector", str(bad)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "model.onnx" in err and "not a loadable ONNX model" in err and "Traceback" not in err
