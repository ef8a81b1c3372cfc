"""Each hot operator beside the best reference implementation available, in the same run.

    .venv/bin/python -m pytest bench/test_ops.py --benchmark-group-by=group --benchmark-columns=median,iqr,rounds

Groups pair ``ours`` (what the pipeline calls) with a reference (OpenCV, scikit-image, SciPy or
scikit-learn doing the same job the plain way). Slow references run a few fixed rounds.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage as ndi

from fastiesi.config import DEFAULT_CONFIG
from fastiesi.stages.complexity import complexity_map
from fastiesi.stages.components import label_components, screen_components
from fastiesi.stages.edges import edge_density, histogram_kmeans, multiscale_canny
from fastiesi.stages.morphology import nested_morphology, region_adaptive_median, region_kernel_sizes, thin_lines
from fastiesi.stages.preprocess import bilateral, equalize, saliency
from fastiesi.stages.quality import detect_features, match_stable
from fastiesi.stages.segment import segment_objects

FEW = {"rounds": 3, "iterations": 1, "warmup_rounds": 0}


@pytest.mark.benchmark(group="clahe")
class TestClahe:
    def test_ours_opencv(self, benchmark, frames):
        benchmark(equalize, frames["pre_bgr"])

    def test_skimage_equalize_adapthist(self, benchmark, frames):
        from skimage.exposure import equalize_adapthist

        gray = cv2.cvtColor(frames["pre_bgr"], cv2.COLOR_BGR2GRAY)
        benchmark.pedantic(equalize_adapthist, args=(gray,), kwargs={"kernel_size": (150, 200)}, **FEW)


@pytest.mark.benchmark(group="bilateral")
class TestBilateral:
    def test_ours_opencv(self, benchmark, frames):
        benchmark(bilateral, frames["pre"].equalized)

    def test_skimage_denoise_bilateral(self, benchmark, frames):
        from skimage.restoration import denoise_bilateral

        benchmark.pedantic(denoise_bilateral, args=(frames["pre"].equalized,),
                           kwargs={"win_size": 5, "sigma_spatial": 75 / 10}, **FEW)


@pytest.mark.benchmark(group="saliency")
class TestSaliency:
    def test_ours_opencv_gaussians(self, benchmark, frames):
        benchmark(saliency, frames["pre"].filtered)

    def test_scipy_gaussians(self, benchmark, frames):
        c = DEFAULT_CONFIG.enhance

        def ref(g):
            g = g.astype(np.float32)
            s = np.abs(ndi.gaussian_filter(g, c.saliency_center_sigma) - ndi.gaussian_filter(g, c.saliency_surround_sigma))
            return (s * (255.0 / max(float(s.max()), 1.0)) + 0.5).astype(np.uint8)

        benchmark(ref, frames["pre"].filtered)


@pytest.mark.benchmark(group="features")
class TestFeatures:
    def test_ours_akaze_and_matching(self, benchmark, frames):
        def run():
            return match_stable(detect_features(frames["pre"].filtered), detect_features(frames["post"].filtered))

        benchmark.pedantic(run, rounds=5, iterations=1)

    def test_orb_and_matching_for_scale(self, benchmark, frames):
        orb = cv2.ORB_create(2000)

        def run():
            _, a = orb.detectAndCompute(frames["pre"].filtered, None)
            _, b = orb.detectAndCompute(frames["post"].filtered, None)
            return cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a, b, k=2)

        benchmark.pedantic(run, rounds=5, iterations=1)


@pytest.mark.benchmark(group="psd")
class TestPsd:
    def test_ours(self, benchmark, frames):
        benchmark(complexity_map, frames["pre"].filtered, frames["post"].filtered)

    def test_numpy_full_fft2(self, benchmark, frames):
        from fastiesi.stages.complexity import highpass_transfer

        h = highpass_transfer(frames["pre"].filtered.shape, DEFAULT_CONFIG.complexity.highpass_cutoff)

        def ref(a, b):
            p = [np.abs(np.fft.ifft2(np.fft.fft2(g.astype(np.float64)) * np.fft.ifftshift(h) if h.shape == g.shape
                                     else np.fft.fft2(g.astype(np.float64)))) ** 2 for g in (a, b)]
            return float(((p[0] + p[1]) / 2).mean())

        benchmark(ref, frames["pre"].filtered, frames["post"].filtered)


@pytest.mark.benchmark(group="canny")
class TestCanny:
    def test_ours_multiscale(self, benchmark, frames):
        benchmark(multiscale_canny, frames["pre"].filtered)

    def test_skimage_canny(self, benchmark, frames):
        from skimage.feature import canny

        benchmark.pedantic(canny, args=(frames["pre"].filtered,), kwargs={"sigma": 1.4}, **FEW)


@pytest.mark.benchmark(group="median")
class TestRegionMedian:
    def test_ours(self, benchmark, frames):
        e = frames["edges"]
        thick = cv2.dilate(e, np.ones((3, 3), np.uint8))
        sizes = region_kernel_sizes(e, grid=(3, 3), kernels=(3, 5))
        benchmark(region_adaptive_median, thick, sizes)

    def test_scipy_median_per_region(self, benchmark, frames):
        e = frames["edges"]
        thick = cv2.dilate(e, np.ones((3, 3), np.uint8))
        sizes = region_kernel_sizes(e, grid=(3, 3), kernels=(3, 5))
        h, w = thick.shape

        def ref():
            out = np.empty_like(thick)
            for r in range(3):
                for c in range(3):
                    ys, xs = slice(r * h // 3, (r + 1) * h // 3), slice(c * w // 3, (c + 1) * w // 3)
                    out[ys, xs] = ndi.median_filter(thick, size=int(sizes[r, c]))[ys, xs]
            return out

        benchmark.pedantic(ref, **FEW)


@pytest.mark.benchmark(group="morphology")
class TestMorphology:
    def test_ours_nested(self, benchmark, frames):
        thick = cv2.dilate(frames["edges"], np.ones((3, 3), np.uint8))
        benchmark(nested_morphology, thick, kernels=(3, 7, 13), min_object_area=150)

    def test_scipy_closings_and_fill(self, benchmark, frames):
        thick = cv2.dilate(frames["edges"], np.ones((3, 3), np.uint8)) > 0

        def ref():
            return [ndi.binary_fill_holes(ndi.binary_closing(thick, np.ones((k, k)))) for k in (3, 7, 13)]

        benchmark.pedantic(ref, **FEW)


@pytest.mark.benchmark(group="lines")
class TestThinLines:
    def test_ours(self, benchmark, frames):
        solid = segment_objects(frames["pre"].filtered).mask
        benchmark(thin_lines, solid, max_width=13, min_length=52)


@pytest.mark.benchmark(group="edge-density")
class TestEdgeDensity:
    def test_ours_boxfilter(self, benchmark, frames):
        benchmark(edge_density, frames["edges"])

    def test_scipy_convolve(self, benchmark, frames):
        ones = (frames["edges"] > 0).astype(np.uint8)
        benchmark(ndi.convolve, ones, np.ones((3, 3), np.uint8), mode="constant")


@pytest.mark.benchmark(group="kmeans")
class TestKMeans:
    def test_ours_histogram_exact(self, benchmark, frames):
        d = edge_density(frames["edges"])
        benchmark(histogram_kmeans, d, 3)

    def test_sklearn_per_pixel(self, benchmark, frames):
        from sklearn.cluster import KMeans

        d = edge_density(frames["edges"]).reshape(-1, 1).astype(np.float64)
        benchmark.pedantic(lambda: KMeans(3, n_init=1, random_state=0).fit(d), **FEW)


@pytest.mark.benchmark(group="difference")
class TestDifference:
    def test_ours_opencv(self, benchmark, frames):
        a, b = frames["pre"].saliency, frames["post"].saliency
        benchmark(lambda: cv2.threshold(cv2.absdiff(a, b), 25, 255, cv2.THRESH_BINARY)[1])

    def test_numpy(self, benchmark, frames):
        a, b = frames["pre"].saliency, frames["post"].saliency
        benchmark(lambda: np.where(np.abs(a.astype(np.int16) - b.astype(np.int16)) > 25, 255, 0).astype(np.uint8))


@pytest.mark.benchmark(group="components")
class TestComponents:
    def test_ours_with_stats_and_screens(self, benchmark, frames):
        solid = segment_objects(frames["pre"].filtered).mask

        def run():
            c = label_components(solid)
            return screen_components(c, min_length=17, max_line_width=13, line_elongation=4.0)

        benchmark(run)

    def test_scipy_label_and_statistics(self, benchmark, frames):
        solid = segment_objects(frames["pre"].filtered).mask > 0

        def ref():
            lab, n = ndi.label(solid, structure=np.ones((3, 3)))
            idx = range(1, n + 1)
            return ndi.find_objects(lab), ndi.sum_labels(solid, lab, idx), ndi.center_of_mass(solid, lab, idx)

        benchmark(ref)


@pytest.mark.benchmark(group="segment")
class TestSegment:
    def test_ours_whole_frame(self, benchmark, frames):
        benchmark(segment_objects, frames["pre"].filtered)
