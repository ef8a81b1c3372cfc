"""Opening ONNX models on ONNX Runtime with errors that name the file and the problem.

ONNX Runtime is an optional dependency (``pip install 'fastiesi[onnx]'``), imported on first use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .._optional import optional_module
from ..errors import InputError

log = logging.getLogger(__name__)


def onnxruntime() -> Any:
    """The ``onnxruntime`` module, or :class:`MissingDependencyError`."""
    return optional_module("onnxruntime", extra="onnx", purpose="running ONNX models")


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple[int | str | None, ...]
    dtype: str


class ModelSignature:
    """Inputs and outputs of a model, whatever runs it, and the check that they fit a role."""

    path: Path
    role: str
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]

    def require(self, *, inputs: Sequence[tuple[str | None, int]], outputs: Sequence[tuple[str | None, int]]) -> None:
        """Check the signature: each (name or None for 'any', rank) must be present, in order
        when the name is None."""
        for kind, want, have in (("input", inputs, self.inputs), ("output", outputs, self.outputs)):
            if len(have) < len(want):
                raise InputError(f"wrong signature for the {self.role}: expected {len(want)} {kind}s, the model has "
                                 f"{len(have)} ({', '.join(t.name for t in have)})", path=self.path)
            by_name = {t.name: t for t in have}
            for i, (name, rank) in enumerate(want):
                spec = by_name.get(name) if name is not None else have[i]
                if spec is None:
                    raise InputError(f"wrong signature for the {self.role}: no {kind} named {name!r} (the model has "
                                     f"{', '.join(t.name for t in have)})", path=self.path)
                if len(spec.shape) != rank:
                    raise InputError(f"wrong signature for the {self.role}: {kind} {spec.name!r} has rank "
                                     f"{len(spec.shape)}, expected {rank}", path=self.path)

    def batch_dim(self) -> int | None:
        """The first input's batch size if fixed, None if dynamic."""
        b = self.inputs[0].shape[0]
        return b if isinstance(b, int) and b > 0 else None

    def run(self, feeds: dict[str, Any]) -> list[Any]:
        raise NotImplementedError


class OnnxModel(ModelSignature):
    """One ONNX Runtime session with its input/output signature.

    Parameters
    ----------
    path : str or Path
        The ``.onnx`` file.
    role : str
        What the model is for, used in error messages ("YOLOv8 detector", "SAM encoder", ...).
    providers : sequence of str, optional
        ONNX Runtime execution providers in order of preference; CPU by default.
    """

    def __init__(self, path: str | Path, *, role: str, providers: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        self.role = role
        if not self.path.is_file():
            raise InputError(f"{role} model not found" if not self.path.exists() else f"{role} model is not a file",
                             path=self.path)
        if self.path.stat().st_size == 0:
            raise InputError(f"{role} model is empty", path=self.path)
        ort = onnxruntime()
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only: ORT's warnings are not the user's business
        try:
            self.session = ort.InferenceSession(str(self.path), sess_options=options,
                                                providers=list(providers or ["CPUExecutionProvider"]))
        except Exception as exc:  # ORT raises its own exception types for every kind of bad file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"not a loadable ONNX model for the {role}: {first}", path=self.path) from None
        self.inputs = [TensorSpec(i.name, tuple(i.shape), i.type) for i in self.session.get_inputs()]
        self.outputs = [TensorSpec(o.name, tuple(o.shape), o.type) for o in self.session.get_outputs()]

    def run(self, feeds: dict[str, Any]) -> list[Any]:
        return self.session.run(None, feeds)
