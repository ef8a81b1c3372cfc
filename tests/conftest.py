from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from fastiesi.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the real entry point (error mapping included); return (exit code, stdout, stderr)."""
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    return lambda *args: run_cli(list(args), capsys)


@pytest.fixture
def textured_image() -> np.ndarray:
    rng = np.random.default_rng(0)
    img = cv2.resize(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8), (800, 600), interpolation=cv2.INTER_NEAREST)
    return img


@pytest.fixture
def image_file(tmp_path: Path, textured_image: np.ndarray):
    def write(name: str = "frame.png", image: np.ndarray | None = None) -> Path:
        p = tmp_path / name
        assert cv2.imwrite(str(p), textured_image if image is None else image)
        return p
    return write


@pytest.fixture
def cupy_device():
    """CuPy, where it is installed and a CUDA device answers; the test is skipped otherwise."""
    cp = pytest.importorskip("cupy")
    try:
        if cp.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no CUDA device")
    except Exception:  # noqa: BLE001 - any CUDA runtime failure means no usable device
        pytest.skip("no usable CUDA device")
    return cp
