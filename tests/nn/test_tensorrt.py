"""TensorRT engine recipes and cache logic, tested without TensorRT; the build and run itself is
marked ``trt`` and runs wherever TensorRT and a GPU exist."""

from __future__ import annotations

import importlib.util
import json
import logging

import numpy as np
import pytest

from fastiesi.errors import InputError, MissingDependencyError
from fastiesi.nn.tensorrt import (
    RECIPE_DIR,
    EngineMeta,
    Recipe,
    cache_dir,
    engine_paths,
    ensure_engine,
    load_recipe,
    stale_reason,
)


class FakeBuilder:
    """Stands in for TensorRT's builder: records its calls, returns distinct plan bytes."""

    def __init__(self, plan: bytes = b"plan") -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.plan = plan

    def __call__(self, model, recipe, timing_cache) -> bytes:
        self.calls.append((model.name, recipe.name, timing_cache.name))
        timing_cache.write_bytes(b"timings")
        return self.plan + bytes([len(self.calls)])


@pytest.fixture
def model(tmp_path):
    p = tmp_path / "yolov8n.onnx"
    p.write_bytes(b"\x08\x0a fake onnx bytes")
    return p


class TestRecipes:
    @pytest.mark.parametrize("name", ["yolov8", "sam_encoder", "sam_decoder"])
    def test_shipped_recipes_load(self, name):
        r = load_recipe(name)
        assert r.name == name and r.precision in ("fp16", "fp32") and r.inputs
        for p in r.inputs:
            assert all(a <= b <= c for a, b, c in zip(p.min, p.opt, p.max))

    def test_yolo_profile_has_a_dynamic_batch(self):
        (p,) = load_recipe("yolov8").inputs
        assert p.name == "images" and p.min[0] == 1 and p.max[0] > p.min[0] and p.min[1:] == p.max[1:]

    def test_sam_decoder_image_size_is_a_shape_tensor_with_value_ranges(self):
        (size,) = [p for p in load_recipe("sam_decoder").inputs if p.name == "orig_im_size"]
        assert size.values == ((64, 64), (600, 800), (4096, 4096))

    def test_unknown_name_lists_the_known(self):
        with pytest.raises(InputError, match="yolov8"):
            load_recipe("resnet")

    @pytest.mark.parametrize("body, message", [
        ('name = "x"\nprecision = "int4"\n[[inputs]]\nname="a"\nmin=[1]\nopt=[1]\nmax=[1]\n', "precision"),
        ('name = "x"\nprecision = "fp16"\n[[inputs]]\nname="a"\nmin=[2]\nopt=[1]\nmax=[4]\n', "min <= opt <= max"),
        ('name = "x"\nprecision = "fp16"\n', "lacks the key 'inputs'"),
        ('name = "x\n', "not valid TOML"),
    ])
    def test_bad_recipe_names_the_file(self, tmp_path, body, message):
        f = tmp_path / "r.toml"
        f.write_text(body)
        with pytest.raises(InputError, match=message) as e:
            Recipe.from_toml(f)
        assert "r.toml" in str(e.value)


class TestCache:
    def test_cache_dir_follows_the_environment(self, monkeypatch, tmp_path):
        monkeypatch.setenv("FASTIESI_ENGINE_CACHE", str(tmp_path / "c"))
        assert cache_dir() == tmp_path / "c"
        monkeypatch.delenv("FASTIESI_ENGINE_CACHE")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
        assert cache_dir() == tmp_path / "x" / "fastiesi" / "engines"

    def test_paths_key_on_recipe_content_and_precision(self, tmp_path):
        r = load_recipe("yolov8")
        a = engine_paths(tmp_path, "ab" * 32, r)
        assert a.plan.name == f"yolov8-{'ab' * 8}-fp16.plan" and a.sidecar.suffix == ".json"
        assert engine_paths(tmp_path, "cd" * 32, r).plan != a.plan

    def test_build_once_then_reuse(self, model, tmp_path):
        fake = FakeBuilder()
        r = load_recipe("yolov8")
        kw = dict(cache=tmp_path / "cache", compute_capability="9.0", tensorrt_version="10.3.0", build=fake)
        plan = ensure_engine(model, r, **kw)
        assert plan.read_bytes() == b"plan\x01" and len(fake.calls) == 1
        assert fake.calls[0] == ("yolov8n.onnx", "yolov8", "timing.cache")
        meta = json.loads(plan.with_suffix(".json").read_text())
        assert meta["compute_capability"] == "9.0" and meta["tensorrt_version"] == "10.3.0"
        assert meta["model_sha256"] == __import__("hashlib").sha256(model.read_bytes()).hexdigest()
        assert meta["recipe"]["inputs"][0]["max"] == [16, 3, 640, 640]
        assert ensure_engine(model, r, **kw) == plan and len(fake.calls) == 1  # up to date: reused

    @pytest.mark.parametrize("change, reason", [
        ({"compute_capability": "8.6"}, "GPU compute capability: built for '9.0', now '8.6'"),
        ({"tensorrt_version": "10.4.0"}, "TensorRT version: built for '10.3.0', now '10.4.0'"),
    ])
    def test_mismatch_rebuilds_with_one_log_line(self, model, tmp_path, caplog, change, reason):
        fake = FakeBuilder()
        r = load_recipe("yolov8")
        kw = dict(cache=tmp_path, compute_capability="9.0", tensorrt_version="10.3.0", build=fake)
        ensure_engine(model, r, **kw)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="fastiesi.nn.tensorrt"):
            plan = ensure_engine(model, r, **{**kw, **change})
        assert len(fake.calls) == 2 and plan.read_bytes() == b"plan\x02"
        assert len(caplog.records) == 1 and reason in caplog.records[0].getMessage()

    def test_changed_model_gets_its_own_engine(self, model, tmp_path):
        fake = FakeBuilder()
        kw = dict(cache=tmp_path, compute_capability="9.0", tensorrt_version="10.3.0", build=fake)
        first = ensure_engine(model, load_recipe("yolov8"), **kw)
        model.write_bytes(b"other weights")
        second = ensure_engine(model, load_recipe("yolov8"), **kw)
        assert first != second and len(fake.calls) == 2

    def test_changed_recipe_rebuilds(self, model, tmp_path):
        fake = FakeBuilder()
        kw = dict(cache=tmp_path, compute_capability="9.0", tensorrt_version="10.3.0", build=fake)
        r = load_recipe("yolov8")
        ensure_engine(model, r, **kw)
        wider = Recipe(r.name, r.role, r.precision, r.workspace_mb * 2, r.inputs)
        ensure_engine(model, wider, **kw)
        assert len(fake.calls) == 2

    def test_unreadable_sidecar_rebuilds(self, model, tmp_path, caplog):
        fake = FakeBuilder()
        kw = dict(cache=tmp_path, compute_capability="9.0", tensorrt_version="10.3.0", build=fake)
        plan = ensure_engine(model, load_recipe("yolov8"), **kw)
        plan.with_suffix(".json").write_text("{not json")
        with caplog.at_level(logging.WARNING, logger="fastiesi.nn.tensorrt"):
            ensure_engine(model, load_recipe("yolov8"), **kw)
        assert len(fake.calls) == 2 and "sidecar JSON is unreadable" in caplog.text

    def test_no_plan_yet(self, tmp_path):
        paths = engine_paths(tmp_path, "0" * 64, load_recipe("yolov8"))
        assert stale_reason(paths, EngineMeta("m", "0" * 64, {}, "fp16", "9.0", "10")) == "no engine built yet"

    def test_failed_build_is_an_error(self, model, tmp_path):
        with pytest.raises(InputError, match="could not build"):
            ensure_engine(model, load_recipe("yolov8"), cache=tmp_path, compute_capability="9.0",
                          tensorrt_version="10", build=lambda *a: b"")

    def test_missing_model(self, tmp_path):
        with pytest.raises(InputError, match="not found"):
            ensure_engine(tmp_path / "none.onnx", load_recipe("yolov8"), cache=tmp_path)


@pytest.mark.skipif(importlib.util.find_spec("tensorrt") is not None, reason="TensorRT is installed here")
def test_without_tensorrt_the_error_says_what_to_install(model, tmp_path):
    with pytest.raises(MissingDependencyError, match=r"fastiesi\[trt\]"):
        ensure_engine(model, load_recipe("yolov8"), cache=tmp_path)


def test_recipe_dir_is_the_repositorys_engines():
    assert (RECIPE_DIR / "README.md").is_file()


@pytest.mark.trt
@pytest.mark.gpu
def test_tensorrt_engine_matches_onnxruntime(tmp_path):
    """Build the tiny YOLOv8 graph as an engine and compare its output with ONNX Runtime's."""
    pytest.importorskip("tensorrt")
    pytest.importorskip("cupy")
    pytest.importorskip("onnxruntime")
    from fastiesi.nn.onnx_session import OnnxModel
    from fastiesi.nn.tensorrt import TrtModel

    from .onnx_graphs import yolov8_graph

    rows = np.zeros((8, 84), np.float32)
    rows[0, :5] = (320, 320, 100, 200, 0.9)
    onnx_path = yolov8_graph(tmp_path / "y.onnx", rows, size=640)
    plan = ensure_engine(onnx_path, load_recipe("yolov8"), cache=tmp_path / "engines")
    x = np.random.default_rng(0).random((2, 3, 640, 640), dtype=np.float32)
    trt_out = TrtModel(plan, role="YOLOv8 detector").run({"images": x})[0]
    ort_out = OnnxModel(onnx_path, role="YOLOv8 detector").run({"images": x})[0]
    np.testing.assert_allclose(trt_out, ort_out, atol=1e-2)
