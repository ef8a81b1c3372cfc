#!/usr/bin/env bash
# Everything one GPU lease runs, in one call (issue 7):  bash bench/gpu_session.sh
# The machine's facts, the ahead-of-time fatbin build (CMakeLists.txt), then bench/gpu_proof.py
# (parity, kernel timings against cupyx.scipy.ndimage, the segmentation's rate, the backend tests,
# the pipeline bench on gpu and cpu). Logs and JSON go to $OUT (the device tool's folder), or
# to bench/results/gpu-session when OUT is unset. The table is printed last.
set -u
OUT=${OUT:-bench/results/gpu-session}
mkdir -p "$OUT"
# The project's own pins where the machine's image has other versions (it has OpenCV 5, whose
# AKAZE moved to contrib, and NumPy 2.5, under which numba-cuda cannot launch): unpacked
# site-packages carried as .whl/site.tar.xz (the wheels themselves are over the tool's 64 MiB).
SITE=
if [ -f .whl/site.tar.xz ]; then
  mkdir -p /tmp/site && tar xJf .whl/site.tar.xz -C /tmp/site && SITE=/tmp/site
fi
export PYTHONPATH=${SITE:+$SITE:}$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
PY=${PY:-python3}
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv
  "$PY" -V
  "$PY" -m pip list 2>/dev/null | grep -iE '^(cupy-cuda..x|numba|numba-cuda|typer|pytest|scipy|scikit-image|hypothesis) '
  "$PY" -c 'import cv2, numpy; print("cv2", cv2.__version__, cv2.__file__); print("numpy", numpy.__version__)'
  nvcc --version | tail -1
  nproc
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
# Ahead-of-time fatbins for the default architectures, and the nvcc compile test of every kernel.
( cmake -S . -B /tmp/fastiesi-build -DCMAKE_CUDA_ARCHITECTURES="80;86;89;90" >/dev/null \
  && cmake --build /tmp/fastiesi-build && ctest --test-dir /tmp/fastiesi-build ) >>"$OUT/env.txt" 2>&1
echo "cmake fatbins + ctest: rc $?  ($(ls /tmp/fastiesi-build/*.fatbin 2>/dev/null | wc -l) fatbins)"
timeout "${PROOF_TIMEOUT:-480}" "$PY" bench/gpu_proof.py 2>&1 | tee "$OUT/gpu-proof.log"
exit "${PIPESTATUS[0]}"
