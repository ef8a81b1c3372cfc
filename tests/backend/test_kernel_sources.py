"""Every CUDA source compiles with nvcc (where nvcc exists: CI and the developers' machines),
and follows the conventions: extern "C" kernels whose names encode op and dtype."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from fastiesi.backend.kernels import KERNEL_DIR, kernel_source

SOURCES = sorted(p.stem for p in KERNEL_DIR.glob("*.cu"))


def test_there_are_kernels():
    assert {"edge_density_u8", "absdiff_threshold_u8", "box_morph_u8", "region_median_binary_u8",
            "gaussian_blur_f32"} <= set(SOURCES)


@pytest.mark.parametrize("source", SOURCES)
def test_kernels_are_extern_c_and_named_by_op_and_dtype(source):
    names = re.findall(r'extern "C" __global__ void (\w+)\(', kernel_source(source))
    assert names, f"{source}.cu has no extern \"C\" kernel"
    assert all(n.endswith(("_u8", "_f32")) for n in names)


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc not on PATH")
@pytest.mark.parametrize("source", SOURCES)
def test_compiles_with_nvcc(source, tmp_path):
    r = subprocess.run(["nvcc", "-std=c++17", "-ptx", "-o", str(tmp_path / f"{source}.ptx"),
                        str(KERNEL_DIR / f"{source}.cu")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
