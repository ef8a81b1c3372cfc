"""TensorRT engines built from the user's ONNX files, cached per model, recipe, GPU and version.

A recipe (``engines/*.toml``) names the dynamic inputs with their optimisation profile
(min / opt / max shapes), the precision and the workspace. :func:`ensure_engine` returns the plan
for a model: it is rebuilt, with one log line saying why, when the cached plan's sidecar JSON
(model sha256, recipe, precision, GPU compute capability, TensorRT version) differs from what is
asked for. The builder's timing cache is persisted next to the plans, so a rebuild after a
version change or for a second model reuses the kernel timings.

:class:`TrtModel` runs a plan with the same ``inputs`` / ``run(feeds)`` interface as
:class:`~fastiesi.nn.onnx_session.OnnxModel`, so the YOLOv8 and SAM wrappers take either. Its
device buffers are CuPy arrays handed to TensorRT by pointer (no second CUDA wrapper); output
buffers are reused between calls of the same shape.

TensorRT and CuPy are optional (``fastiesi[trt]``, ``fastiesi[cu12|cu13]``), imported on first use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np

from .._optional import optional_module
from ..backend.kernels import cupy
from ..errors import InputError
from .onnx_session import ModelSignature, TensorSpec

log = logging.getLogger(__name__)

Precision = Literal["fp16", "fp32"]
RECIPE_DIR = Path(__file__).resolve().parents[2] / "engines"  # the repository's engines/


def tensorrt() -> Any:
    return optional_module("tensorrt", extra="trt", purpose="building and running TensorRT engines")




# --------------------------------------------------------------------------------------------
# Recipes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputProfile:
    """One dynamic input's optimisation profile; ``name`` "*" means the model's only input.

    A shape tensor (an input whose values set other tensors' shapes, like SAM's
    ``orig_im_size``) also needs the range of its values: ``values`` = (min, opt, max).
    """

    name: str
    min: tuple[int, ...]
    opt: tuple[int, ...]
    max: tuple[int, ...]
    values: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None = None


@dataclass(frozen=True)
class Recipe:
    name: str
    role: str
    precision: Precision
    workspace_mb: int
    inputs: tuple[InputProfile, ...]

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self)))  # tuples -> lists, as in the sidecar

    @classmethod
    def from_toml(cls, path: str | Path) -> "Recipe":
        p = Path(path)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("engine recipe not found", path=p) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"engine recipe is not valid TOML: {exc}", path=p) from None
        try:
            precision = raw["precision"]
            if precision not in ("fp16", "fp32"):
                raise InputError(f"precision must be fp16 or fp32, got {precision!r}", path=p)
            inputs = []
            for i, item in enumerate(raw["inputs"]):
                shapes = [tuple(int(v) for v in item[k]) for k in ("min", "opt", "max")]
                if len({len(s) for s in shapes}) != 1 or any(v < 1 for s in shapes for v in s):
                    raise InputError(f"input {i}: min/opt/max must be positive shapes of one rank", path=p)
                if not all(a <= b <= c for a, b, c in zip(*shapes)):
                    raise InputError(f"input {i} ({item['name']}): need min <= opt <= max in every dimension", path=p)
                values = None
                if "min_values" in item:
                    values = tuple(tuple(int(v) for v in item[k]) for k in ("min_values", "opt_values", "max_values"))
                    if not all(a <= b <= c for a, b, c in zip(*values)):
                        raise InputError(f"input {i} ({item['name']}): need min <= opt <= max values", path=p)
                inputs.append(InputProfile(str(item["name"]), *shapes, values=values))  # type: ignore[arg-type]
            return cls(str(raw["name"]), str(raw.get("role", raw["name"])), precision,
                       int(raw.get("workspace_mb", 1024)), tuple(inputs))
        except KeyError as exc:
            raise InputError(f"engine recipe lacks the key {exc.args[0]!r}", path=p) from None
        except (TypeError, ValueError) as exc:
            raise InputError(f"engine recipe has a malformed value: {exc}", path=p) from None


def load_recipe(name_or_path: str | Path) -> Recipe:
    """A recipe by file path, or by name from ``engines/`` (``yolov8``, ``sam_encoder``, ...)."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return Recipe.from_toml(p)
    candidate = RECIPE_DIR / f"{name_or_path}.toml"
    if not candidate.exists():
        known = sorted(q.stem for q in RECIPE_DIR.glob("*.toml")) if RECIPE_DIR.is_dir() else []
        raise InputError(f"no engine recipe named {str(name_or_path)!r}"
                         + (f" (known: {', '.join(known)})" if known else "; pass the recipe's .toml path"))
    return Recipe.from_toml(candidate)


# --------------------------------------------------------------------------------------------
# The cache: keys, sidecars, staleness
# --------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where plans are kept: $FASTIESI_ENGINE_CACHE, else $XDG_CACHE_HOME/fastiesi/engines, else
    ~/.cache/fastiesi/engines."""
    if os.environ.get("FASTIESI_ENGINE_CACHE"):
        return Path(os.environ["FASTIESI_ENGINE_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fastiesi" / "engines"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class EngineMeta:
    """What a plan was built from and for: its sidecar JSON."""

    model_name: str
    model_sha256: str
    recipe: dict[str, Any]
    precision: Precision
    compute_capability: str  # e.g. "9.0"
    tensorrt_version: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "EngineMeta":
        return cls(**json.loads(text))


@dataclass(frozen=True)
class EnginePaths:
    plan: Path
    sidecar: Path
    timing_cache: Path


def engine_paths(cache: Path, model_sha256: str, recipe: Recipe) -> EnginePaths:
    """One plan per (recipe, model content, precision); GPU and TensorRT version live in the
    sidecar, so a change of either replaces the plan rather than piling up stale ones."""
    stem = f"{recipe.name}-{model_sha256[:16]}-{recipe.precision}"
    return EnginePaths(cache / f"{stem}.plan", cache / f"{stem}.json", cache / "timing.cache")


def stale_reason(paths: EnginePaths, expected: EngineMeta) -> str | None:
    """Why the cached plan cannot be used (None: it can)."""
    if not paths.plan.is_file() or paths.plan.stat().st_size == 0:
        return "no engine built yet"
    if not paths.sidecar.is_file():
        return "the engine has no sidecar JSON"
    try:
        have = EngineMeta.from_json(paths.sidecar.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as exc:
        return f"its sidecar JSON is unreadable ({exc})"
    for field, label in (("model_sha256", "model file changed"), ("recipe", "recipe changed"),
                         ("precision", "precision changed"), ("compute_capability", "GPU compute capability"),
                         ("tensorrt_version", "TensorRT version")):
        a, b = getattr(have, field), getattr(expected, field)
        if a != b:
            return f"{label}: built for {a!r}, now {b!r}" if field in ("compute_capability", "tensorrt_version") \
                else label
    return None


Builder = Callable[[Path, Recipe, Path], bytes]  # (onnx, recipe, timing cache) -> serialized plan


def ensure_engine(model: str | Path, recipe: Recipe, *, cache: Path | None = None,
                  compute_capability: str | None = None, tensorrt_version: str | None = None,
                  build: Builder | None = None) -> Path:
    """The plan for ``model`` under ``recipe``, built now if the cache has none that fits.

    The GPU's compute capability and TensorRT's version default to the running ones; ``build``
    defaults to :func:`build_plan` (tests pass their own to exercise the cache without TensorRT).
    """
    model = Path(model)
    if not model.is_file():
        raise InputError(f"{recipe.role} model not found", path=model)
    cache = cache or cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    version = tensorrt_version or str(tensorrt().__version__)
    cc = compute_capability or _compute_capability()
    sha = file_sha256(model)
    expected = EngineMeta(model.name, sha, recipe.to_dict(), recipe.precision, cc, version)
    paths = engine_paths(cache, sha, recipe)
    reason = stale_reason(paths, expected)
    if reason is None:
        return paths.plan
    log.warning("building the TensorRT engine for %s (%s): %s", model.name, recipe.name, reason)
    plan = (build or build_plan)(model, recipe, paths.timing_cache)
    if not plan:
        raise InputError(f"TensorRT could not build an engine for the {recipe.role}", path=model)
    tmp = paths.plan.with_suffix(".plan.tmp")
    tmp.write_bytes(plan)
    tmp.replace(paths.plan)  # a reader never sees half a plan
    paths.sidecar.write_text(expected.to_json() + "\n", encoding="utf-8")
    return paths.plan


def _compute_capability() -> str:
    cp = cupy()
    major, minor = divmod(int(cp.cuda.Device().compute_capability), 10)
    return f"{major}.{minor}"


# --------------------------------------------------------------------------------------------
# Building and running (need TensorRT and a GPU)
# --------------------------------------------------------------------------------------------


def build_plan(model: Path, recipe: Recipe, timing_cache: Path) -> bytes:
    """Parse the ONNX file, apply the recipe's profile and precision, build a serialized plan;
    the builder's timing cache is read from and written back to ``timing_cache``."""
    trt = tensorrt()
    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    major = int(str(trt.__version__).split(".")[0])
    flags = 0 if major >= 10 else 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse(model.read_bytes()):
        errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
        raise InputError(f"TensorRT cannot parse the {recipe.role}: {errors}", path=model)
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, recipe.workspace_mb << 20)
    if recipe.precision == "fp16":
        config.set_flag(trt.BuilderFlag.FP16)
    cache = config.create_timing_cache(timing_cache.read_bytes() if timing_cache.is_file() else b"")
    config.set_timing_cache(cache, ignore_mismatch=False)
    inputs = [network.get_input(i) for i in range(network.num_inputs)]
    profile = builder.create_optimization_profile()
    for p in recipe.inputs:
        matches = inputs if p.name == "*" else [t for t in inputs if t.name == p.name]
        if len(matches) != 1:
            raise InputError(f"recipe {recipe.name}: the model has no single input {p.name!r} "
                             f"(inputs: {', '.join(t.name for t in inputs)})", path=model)
        profile.set_shape(matches[0].name, p.min, p.opt, p.max)
        if matches[0].is_shape_tensor:
            if p.values is None:
                raise InputError(f"recipe {recipe.name}: input {matches[0].name!r} is a shape tensor; give its "
                                 "min_values / opt_values / max_values", path=model)
            profile.set_shape_input(matches[0].name, *p.values)
    config.add_optimization_profile(profile)
    plan = builder.build_serialized_network(network, config)
    if plan is None:
        return b""
    timing_cache.write_bytes(bytes(memoryview(config.get_timing_cache().serialize())))
    return bytes(memoryview(plan))


class TrtModel(ModelSignature):
    """A TensorRT plan run on CuPy buffers, with :class:`OnnxModel`'s ``inputs``/``run`` interface.

    ``run`` takes NumPy or CuPy inputs (NumPy ones are uploaded: that copy is the caller's
    choice of host arrays) and returns NumPy outputs (the detector and segmenter post-process
    on the host).
    """

    def __init__(self, plan: str | Path, *, role: str) -> None:
        trt, cp = tensorrt(), cupy()
        self.path, self.role = Path(plan), role
        self._logger = trt.Logger(trt.Logger.WARNING)
        self.engine = trt.Runtime(self._logger).deserialize_cuda_engine(self.path.read_bytes())
        if self.engine is None:
            raise InputError(f"not a TensorRT plan for this GPU and version ({role})", path=self.path)
        self.context = self.engine.create_execution_context()
        self.stream = cp.cuda.Stream(non_blocking=True)
        names = [self.engine.get_tensor_name(i) for i in range(self.engine.num_io_tensors)]
        is_input = {n: self.engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT for n in names}
        self.inputs = [TensorSpec(n, tuple(self.engine.get_tensor_shape(n)), str(self.engine.get_tensor_dtype(n)))
                       for n in names if is_input[n]]
        self.outputs = [TensorSpec(n, tuple(self.engine.get_tensor_shape(n)), str(self.engine.get_tensor_dtype(n)))
                        for n in names if not is_input[n]]
        self._dtypes = {n: np.dtype(trt.nptype(self.engine.get_tensor_dtype(n))) for n in names}
        self._out_buffers: dict[str, Any] = {}

    def run(self, feeds: dict[str, Any]) -> list[np.ndarray]:
        cp = cupy()
        keep = []
        with self.stream:
            for spec in self.inputs:
                if spec.name not in feeds:
                    raise InputError(f"{self.role}: no value for input {spec.name!r}", path=self.path)
                if self.engine.is_shape_inference_io(spec.name):
                    # A shape tensor (SAM's orig_im_size sets the masks' size): TensorRT reads it
                    # on the host while it works out the output shapes.
                    h = np.ascontiguousarray(np.asarray(feeds[spec.name], dtype=self._dtypes[spec.name]))
                    keep.append(h)
                    self.context.set_input_shape(spec.name, tuple(h.shape))
                    self.context.set_tensor_address(spec.name, h.ctypes.data)
                    continue
                x = cp.ascontiguousarray(cp.asarray(feeds[spec.name], dtype=self._dtypes[spec.name]))
                keep.append(x)
                self.context.set_input_shape(spec.name, tuple(x.shape))
                self.context.set_tensor_address(spec.name, int(x.data.ptr))
            outs = []
            for spec in self.outputs:
                shape = tuple(self.context.get_tensor_shape(spec.name))
                buf = self._out_buffers.get(spec.name)
                if buf is None or buf.shape != shape:
                    buf = self._out_buffers[spec.name] = cp.empty(shape, dtype=self._dtypes[spec.name])
                self.context.set_tensor_address(spec.name, int(buf.data.ptr))
                outs.append(buf)
            if not self.context.execute_async_v3(self.stream.ptr):
                raise InputError(f"TensorRT failed to run the {self.role}", path=self.path)
            host = [cp.asnumpy(o, stream=self.stream) for o in outs]
        self.stream.synchronize()
        del keep
        return host
