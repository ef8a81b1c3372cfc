"""Every constant of the IESI method, in one frozen dataclass tree.

Each field's ``metadata["source"]`` says where its value comes from: a section, table or equation
of the paper (Yang et al., J. Imaging 2025, 11(5), 129), ``"choice:"`` for a reading of an
ambiguous passage (with the reason), or ``"calibrated:"`` with how it was calibrated.
``fastiesi config`` prints the whole tree with its sources.

A config is loaded from TOML whose tables mirror the tree (``[quality] knn_ratio = 0.75``) and
overridden by dotted keys (``--set quality.knn_ratio=0.75``); unknown keys and wrong types are
errors, never ignored.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterator, Literal

from .errors import ConfigError

Region = Literal["near", "central", "far"]
ObjectClass = Literal["small_objects", "light_furniture", "furniture", "heavy_furniture"]
REGIONS: tuple[Region, ...] = ("near", "central", "far")
OBJECT_CLASSES: tuple[ObjectClass, ...] = (
    "small_objects",
    "light_furniture",
    "furniture",
    "heavy_furniture",
)


def _f(default: Any, source: str) -> Any:
    """A dataclass field with its provenance; tuples and dataclasses are immutable defaults."""
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: default, metadata={"source": source})
    return field(default=default, metadata={"source": source})


# --------------------------------------------------------------------------------------------
# Small value types
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _exact(bound: float) -> Fraction:
    # Fraction(str(x)) turns 0.45 into exactly 9/20, so 9/20 sits on the boundary, as a reader
    # of Table 3 expects, rather than on whichever side binary rounding happens to put it.
    return Fraction(str(bound))


@dataclass(frozen=True)
class Interval:
    """A real interval with explicit closedness, compared exactly (as fractions)."""

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = False

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ConfigError(f"interval lower bound {self.lo} exceeds upper bound {self.hi}")

    @functools.cached_property
    def _integer_bounds(self) -> bool:
        return all(math.isinf(b) or float(b).is_integer() for b in (self.lo, self.hi))

    def contains(self, value: float | Fraction) -> bool:
        v: float | Fraction
        if not isinstance(value, Fraction) and self._integer_bounds:
            # Whole-number bounds (Table 1's areas) compare exactly with any float: no Fractions.
            v, lo, hi = float(value), self.lo, self.hi
        else:
            v, lo = Fraction(value), _exact(self.lo)
            hi = self.hi if math.isinf(self.hi) else _exact(self.hi)
        above = v >= lo if self.lo_closed else v > lo
        if math.isinf(self.hi):
            return above
        return above and (v <= hi if self.hi_closed else v < hi)

    def __str__(self) -> str:
        return f"{'[' if self.lo_closed else '('}{self.lo:g}, {self.hi:g}{']' if self.hi_closed else ')'}"


@dataclass(frozen=True)
class Condition:
    """One clause of a Table 3 rule: ``quantity`` lies in ``interval``.

    ``quantity`` is one of ``heavy_moved`` (N4, a count), ``furniture`` (N3/N7), ``light`` (N2/N6),
    ``small`` (N1/N5) or ``light_and_furniture`` ((N2+N3)/(N6+N7)).
    """

    quantity: str
    interval: Interval


@dataclass(frozen=True)
class Rule:
    """A row of Table 3: all conditions hold -> ``intensity``."""

    name: str
    intensity: int
    conditions: tuple[Condition, ...]


def _c(quantity: str, lo: float, hi: float, lo_closed: bool = True, hi_closed: bool = False) -> Condition:
    return Condition(quantity, Interval(lo, hi, lo_closed, hi_closed))


# --------------------------------------------------------------------------------------------
# Sections of the tree, in the order of the pipeline
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameConfig:
    width: int = _f(800, "paper 2.1.1: frames are resized to 800x600")
    height: int = _f(600, "paper 2.1.1: frames are resized to 800x600")
    min_side: int = _f(
        64,
        "choice: smallest input side accepted; below it the 4x4 CLAHE tiles of 2.1.2 hold fewer "
        "than 16x16 source pixels and AKAZE (2.2) finds too few features to decide anything",
    )


@dataclass(frozen=True)
class EnhanceConfig:
    exposure_percentile: float = _f(
        99.5,
        "choice: paper 2.1.2 compensates over- and under-exposed frames; a frame's brightness is read "
        "as the grey level under which 99.5 % of its pixels lie (the brightest 0.5 %: highlights, "
        "not single hot pixels)",
    )
    exposure_target: int = _f(
        204,
        "calibrated: a frame whose brightest 0.5 % lie under grey 204 (80 % of the range) is "
        "underexposed and gets the gain that lifts them to it before the AHE, whose clip limit "
        "leaves a dark frame's contrast low (its PSD, Eq. 7, falls by the gain squared: a store "
        "reads as a room). Nearly all rendered frames lie above it (the development pre frames "
        "sampled: 206..241) and are left as they are; 0 switches it off",
    )
    exposure_max_gain: float = _f(
        4.0,
        "choice: the gain is at most 4 (two stops): a frame darker still holds too few grey levels "
        "to lift (its noise and quantisation would be lifted into texture), and is judged as it is "
        "(2.2 rejects a frame too dark to match)",
    )
    clahe_tiles: tuple[int, int] = _f(
        (4, 4), "paper 2.1.2: 200x150 local regions, 16 blocks at 800x600 (a 4x4 grid)"
    )
    clahe_clip_limit: float = _f(
        2.0,
        "choice: the paper describes plain AHE (no clip limit); OpenCV's CLAHE default clip 2.0 "
        "keeps flat walls from having their sensor noise amplified into edges",
    )
    bilateral_diameter: int = _f(5, "paper 2.1.3: bilateral filter window 5x5 (OpenCV 4.7)")
    bilateral_sigma_color: float = _f(
        50.0, "choice: not given in the paper; a mid value of OpenCV's documented 10..150 range"
    )
    bilateral_sigma_space: float = _f(
        50.0, "choice: not given; with a 5x5 window the spatial sigma hardly matters above ~3"
    )
    saliency_center_sigma: float = _f(
        1.0, "choice: Gaussian weighting of the centre region (2.1.4 gives 'Gaussian' only)"
    )
    saliency_surround_sigma: float = _f(
        8.0, "choice: Gaussian weighting of the surround region (2.1.4 gives 'Gaussian' only)"
    )
    saliency_surround_downscale: int = _f(
        2,
        "calibrated: the surround blur runs at 1/2 size (area shrink, sigma corrected for the "
        "shrink and the bilinear enlargement, frame mirrored out first): 4.7 -> 1.0 ms per 800x600 "
        "frame, at most 0.06 grey levels from the full-size blur on random texture; 1 = full size",
    )
    saliency_threshold: int = _f(100, "paper 2.1.4: binary screening threshold 100")


@dataclass(frozen=True)
class BrightnessConfig:
    enabled: bool = _f(
        True,
        "choice: paper 2.1.2's brightness compensation carried across the pair (stages/brightness.py): "
        "the post frame's brightness is fitted to the pre frame's before it is enhanced",
    )
    downscale: int = _f(
        8, "choice: the fit runs on both frames area-shrunk 8x (100x75 at 800x600): a shake of a few "
        "pixels is below a sample, and 7,500 samples fit 7 parameters"
    )
    iterations: int = _f(10, "choice: IRLS steps; the biweight fit settles in 4-6 on rendered and random frames")
    min_sigma: float = _f(
        1.0, "choice: floor of the residuals' robust sigma, one grey level (the 8-bit quantisation)"
    )
    min_inlier_fraction: float = _f(
        0.5, "choice: a fit that fewer than half the samples agree with is not one lighting change of "
        "one scene (the biweight's breakdown point); the frame is then left as it is"
    )
    min_gain: float = _f(
        0.1, "choice: a gain at or below 0.1 anywhere (the post frame 10x darker) is not corrected: "
        "dividing by it would amplify the noise past the signal"
    )
    min_shift: float = _f(
        1.0, "choice: a fitted change that moves no grey level by more than one is none (the "
        "quantisation step); the frame is left bit-for-bit as it is"
    )


@dataclass(frozen=True)
class QualityConfig:
    knn_ratio: float = _f(0.8, "paper 2.2: KNN matching, difference threshold coefficient 0.8")
    akaze_octave_layers: int = _f(
        2,
        "calibrated: paper 2.2 uses AKAZE without parameters; 2 sub-levels per octave instead of "
        "OpenCV's 4 halves its time (32 -> 17 ms per 800x600 frame) with the same registration "
        "error (max 0.067 vs 0.072 px on 4 shaken rendered pairs) and ~60 % of the matches",
    )
    akaze_downscale: int = _f(
        2,
        "calibrated: AKAZE (2.2) runs on the frame shrunk 2x (area averaging), its points scaled "
        "back: 14.5 -> 5.4 ms per 800x600 frame, registration error at most 0.09 px (0.03 px at "
        "full size) on 12 shaken rendered rooms; the registration needs the frame's structure, "
        "not its finest scale",
    )
    ransac_reproj_threshold_px: float = _f(
        3.0, "choice: RANSAC inlier threshold, OpenCV's default for findHomography"
    )
    iqr_k: float = _f(
        1.5, "choice: Eq. 2 leaves k open; Tukey's 1.5 is the standard single high fence"
    )
    no_shake_max_px: float = _f(2.229, "paper 2.2: distances 0..2.229 px mean no shake")
    slight_shake_max_px: float = _f(
        12.229, "paper 2.2: 2.229..12.229 px slight shake; above it obvious shake"
    )
    head_fraction: float = _f(
        0.8, "paper 2.2: sorted distances split into the first 80 % (mean a) and last 20 % (max b)"
    )
    reject_ratio_no_shake: float = _f(2.0, "paper 2.2: a < 2.229 -> reject if b - a > 2a")
    reject_ratio_slight_shake: float = _f(1.0, "paper 2.2: 2.229 <= a < 12.229 -> reject if b - a > a")
    reject_ratio_obvious_shake: float = _f(0.5, "paper 2.2: a >= 12.229 -> reject if b - a > 0.5a")
    judge_past_rotation: bool = _f(
        True,
        "choice: 2.2 rejects a pair whose stable-match distances are inconsistent (b - a over a "
        "share of a); a camera that turned shifts each point by its own distance from the centre "
        "of the turn (1 degree: 9 px across 500 px), one consistent motion all the same. The "
        "level is read from the distances as the paper says; the consistency test reads them past "
        "the turn (each post point less the rotation that the least-squares rigid fit of all "
        "stable pairs finds, about their centroid), so a pure shift is judged exactly as in the "
        "paper and a turned one like the shift it leaves; False reads the raw distances",
    )
    localisation_floor_px: float = _f(
        1.0,
        "choice: distances under one pixel are keypoint localisation noise, not shake; the 2.2 "
        "rejection ratios apply to max(a, this floor) so a still camera is not rejected for "
        "sub-pixel jitter",
    )
    min_stable_spread: float = _f(
        0.05,
        "choice: 2.2 keeps pairs 'approximating the background region'; pairs bunched on one "
        "object (a twin window in another room) cannot show camera motion, so the convex hull "
        "of the stable points must cover at least this fraction of the frame",
    )
    min_stable_matches: int = _f(
        10,
        "choice: fewer stable pairs than this cannot support the 80/20 split (2 points in the "
        "tail) nor an affine fit; such a pair is rejected with its own reason",
    )


@dataclass(frozen=True)
class RegisterConfig:
    black_edge_threshold: int = _f(
        10, "choice: 2.3 scans rows/columns for pixels above 'a threshold' it does not give"
    )
    refine_iterations: int = _f(
        10, "choice: 2.3 refines the rotation+translation iteratively; 10 Gauss-Newton steps converge"
    )


@dataclass(frozen=True)
class PeopleConfig:
    min_score: float = _f(
        0.5, "choice: paper 2.4 removes detected people; boxes scoring below 0.5 are not people"
    )
    nms_iou: float = _f(0.45, "choice: the usual YOLOv8 NMS IoU; overlapping boxes of one person merge")
    mask_grow_px: int = _f(
        7,
        "choice: paper 2.4 removes the person; the mask is grown 7 px so the outline, hair and "
        "soft shadow at its edge go too (they would otherwise be left as a person-shaped object)",
    )
    exclude_overlap: float = _f(
        0.3,
        "choice: paper 2.4 keeps people from counting as moved objects; a candidate object with "
        "30 % of its pixels under a person mask (either frame, grown by exclude_margin_px) is not "
        "an object",
    )
    exclude_margin_px: int = _f(
        15,
        "choice: the inpainted region's rim can leave edges (a seam against what the mask cut "
        "through); candidates are excluded within 15 px around each person mask",
    )
    hog_min_score: float = _f(
        0.70,
        "calibrated: (bench/people_default.py) HOG scores are logistic(SVM margin); on scikit-image's "
        "17 bundled photos without people the false detections score 0.65-0.67, one 0.77; drawn "
        "people in rendered rooms score 0.71-0.92; 0.70 (margin 0.85) drops all but that one",
    )
    hog_win_stride: int = _f(8, "choice: OpenCV's HOG people detector, 8 px window stride (one HOG cell)")
    hog_scale: float = _f(1.05, "choice: OpenCV's default HOG pyramid step")
    grabcut_iterations: int = _f(3, "choice: box-prompted GrabCut, 3 iterations (converged on person crops)")
    inpaint_radius: int = _f(3, "choice: Telea inpainting radius (px) at every pyramid level")
    inpaint_coarsest_px: int = _f(
        6,
        "choice: paper 2.4 inpaints from small scales to large; the pyramid halves the frame until "
        "the removed region is at most 6 px thick, where diffusion fills it without smearing",
    )


@dataclass(frozen=True)
class DepthConfig:
    reference_width: int = _f(800, "paper 2.1.1/3.1: arcs are defined on the 800x600 frame")
    reference_height: int = _f(600, "paper 2.1.1/3.1: arcs are defined on the 800x600 frame")
    near_arc_end_y: float = _f(0.9, "paper 3.1: near/central arc ends 1/10 above the lower edge")
    near_arc_apex_y: float = _f(0.75, "paper 3.1: near/central arc centre 1/4 above the lower edge")
    far_arc_end_y: float = _f(0.6, "paper 3.1: central/far arc ends 2/5 above the lower edge")
    far_arc_apex_y: float = _f(0.4, "paper 3.1: central/far arc centre 3/5 above the lower edge")
    tall_verticality: float = _f(
        0.9,
        "paper 3.1: an object whose longest edge has slope near 1 is tall (cabinet, fridge) and "
        "takes the region of its lowest point; 'slope' read as |sin| of the edge angle (1 = "
        "vertical), the paper's 0.9 its threshold",
    )


def _table1_region(small: tuple[float, float], light: tuple[float, float], furn: tuple[float, float],
                   heavy: tuple[float, float]) -> "RegionAreas":
    return RegionAreas(
        small_objects=Interval(*small),
        light_furniture=Interval(*light),
        furniture=Interval(*furn),
        heavy_furniture=Interval(heavy[0], heavy[1], hi_closed=True),
    )


@dataclass(frozen=True)
class RegionAreas:
    """Table 1 row: area intervals (px at 800x600) of the four classes in one depth region."""

    small_objects: Interval
    light_furniture: Interval
    furniture: Interval
    heavy_furniture: Interval

    def items(self) -> Iterator[tuple[ObjectClass, Interval]]:
        for name in OBJECT_CLASSES:
            yield name, getattr(self, name)


@dataclass(frozen=True)
class ClassifyConfig:
    far: RegionAreas = _f(
        _table1_region((141, 1131), (1131, 3741), (3741, 9281), (9281, 37291)),
        "paper Table 1, distant areas",
    )
    central: RegionAreas = _f(
        _table1_region((434, 2443), (2443, 6646), (6646, 16023), (16023, 95396)),
        "paper Table 1, centered area",
    )
    near: RegionAreas = _f(
        _table1_region((236, 3529), (3529, 9386), (9386, 28823), (28823, 129167)),
        "paper Table 1, near region",
    )

    @property
    def smallest_object_area(self) -> int:
        """The smallest area Table 1 gives any object, in any region."""
        return int(min(r.small_objects.lo for r in (self.far, self.central, self.near)))

    def for_region(self, region: Region) -> RegionAreas:
        return typing.cast(RegionAreas, getattr(self, region))


@dataclass(frozen=True)
class EdgeConfig:
    gaussian_sigma: float = _f(
        1.4, "choice: paper 4.2.1 smooths with a Gaussian before Sobel; sigma 1.4 is Canny's usual 5x5 kernel"
    )
    low_ratio: float = _f(
        0.4,
        "choice: paper 4.2.1 adapts the double threshold to the image; high = Otsu split of the "
        "gradient magnitude, low = 0.4 x high (Canny's recommended 2:1 to 3:1 ratio)",
    )
    pyramid_levels: int = _f(3, "choice: paper 4.2.1 scale pyramid; full, 1/2 and 1/4 size")
    min_level_side: int = _f(32, "choice: no pyramid level smaller than 32 px a side")


@dataclass(frozen=True)
class ComplexityConfig:
    psd_low_max: float = _f(
        1540.0,
        "paper 4.1: PSD in (0, 1540) is a low-complexity image; choice: one whose low-path segmentation "
        "leaves a mass larger than any object (Table 1) over high local PSD is read as mixed "
        "(ComplexityMap.read_as_mixed: shelving in a frame whose mean PSD is low)",
    )
    psd_high_min: float = _f(1950.0, "paper 4.1: PSD in (1950, 64516) is high; [1540, 1950] mixed")
    highpass_cutoff: float = _f(
        0.005,
        "calibrated: paper Eq. 7 leaves H(u,v) open; a Gaussian high-pass with cutoff D0 cycles/px, "
        "chosen so sparse rooms measure below 1540 and shelf-dense scenes above 1950 (README, "
        "'Calibrating the PSD filter')",
    )
    local_blocks: tuple[int, int] = _f(
        (8, 8), "choice: paper 4.3 splits mixed images by local PSD; computed on an 8x8 grid of blocks"
    )


@dataclass(frozen=True)
class MovementConfig:
    min_object_length_px: int = _f(17, "paper 4.2.3: minimum object length 17 px")
    max_line_width_px: int = _f(13, "paper 4.2.3: longest line width 13 px")
    median_regions: tuple[int, int] = _f((3, 3), "paper 4.2.2: nine regions of the same size")
    kmeans_clusters: int = _f(3, "paper 4.3: K-means, three classes of edge density")
    density_binarize: int = _f(57, "paper 4.3: binarisation of the clustered density at 57")
    saliency_diff_binarize: int = _f(
        25,
        "paper 4.3: saliency difference binarised at 25; choice: the same grey-level difference "
        "is what counts as changed when a welded blob is split by its motion (stages/welded.py), "
        "and a filled hole down to the wall line within it of the wall's grey is wall "
        "(walls.wall_pieces)",
    )
    fall_length_ratio: float = _f(
        3.0,
        "paper 4.4 (1): fallen = vertical displacement > 3x the object's length; 'length' read as "
        "its longest side, as the paper's missed over-long crossbar (5.2.4) implies; choice: and a "
        "drop, more below than aside (a move as far aside as down slid or was pushed there)",
    )
    median_kernels: tuple[int, int] = _f(
        (3, 5),
        "choice: paper 4.2.2 gives smaller kernels to denser regions; 3 above the mean region "
        "edge density, 5 below (run on the 3x3-dilated edges, so lines survive and specks do not)",
    )
    morphology_kernels: tuple[int, ...] = _f(
        (3, 7, 13),
        "choice: paper 4.2.3 nests closings from small to large kernels; the largest is the "
        "longest line width (13 px), the gap the paper treats as still one object",
    )
    line_detach_kernel: int = _f(
        5,
        "choice: paper 4.2.3 screens lines from objects; an opening by a 5x5 square after the "
        "morphology cuts the 1-3 px wall/floor lines that would otherwise join objects together",
    )
    covered_fraction: float = _f(
        0.5,
        "choice: paper 4.2.3 counts an object that appeared when it has no partner; one whose "
        "pixels are at least half foreground in the pre frame too is the same things segmented "
        "differently (welded into a blob), not a new object; its changed parts count as gone. "
        "Likewise an appeared object whose look is found back in the pre frame stood there as part "
        "of a pre blob when at least half its pixels there are pre foreground",
    )
    hole_min_solidity: float = _f(
        0.8,
        "choice: paper 4.2.3 fills holes after each closing; in high-complexity (shelving) areas only "
        "holes whose outline is at least 80 % convex (area / convex-hull area) are object interiors: "
        "the wall seen through a shelf cell between the goods on its board is comb-shaped, stays open",
    )
    open_bottom_max_gap: float = _f(
        0.35,
        "choice: paper 4.2.3 closes broken outlines with its kernels, up to 13 px; an outline open "
        "only at the bottom (a dark object's lower edge lost in its contact shadow) is closed by a "
        "line between its two ends when the line is at most 35 % of the enclosed hole's perimeter "
        "(the outline holds most of it), the hole lies above it and is compact (hole_min_solidity); "
        "0 switches the step off (it costs about 7 ms a 800x600 frame on one core)",
    )
    shelf_cell_gap_px: int = _f(
        13,
        "choice: paper 4.3 segments goods on shelving; a compact hole of the shelving variant with a "
        "board under it (a line within 13 px, the line width, of its bottom over board_fill of its "
        "columns and of board_margin_px columns past an upright 13 px wide on one side) whose median "
        "grey matches (within half saliency_diff_binarize) that of a 13 px band 13 px under or over "
        "it is a shelf cell showing the shelving's back, left open (segment.open_shelf_cells); 0 "
        "switches the step off",
    )
    shelf_area_kernel: int = _f(
        31,
        "choice: paper 4.3 separates shelves from fallen objects; the shelf area is the pre "
        "frame's clustered foreground closed by a 31x31 square (goods and boards close together)",
    )
    still_there_fraction: float = _f(
        0.5,
        "choice: paper 4.2.3 counts an object present before and absent after as moved; one "
        "whose pixels are mostly (over half) unchanged in place and whose outline is mostly still an "
        "edge after is still there (a neighbour welded to it changed), not moved, whether the "
        "pairing left it gone, paired it with a blob of the same box but a shifted centroid, paired "
        "it in place (IoU >= same_place_iou) with a blob re-cut up to twice the move threshold "
        "off (a neighbour welded to another side), or found it no longer correlating with itself "
        "in place. For the re-cut the outline must also fit the post edges in place at least as well "
        "as at the centroid's shift (an object sliding a few px along its own length keeps most "
        "of its outline in place, but fits better at the shift). The same share of pixels "
        "unchanged in place keeps a furniture-sized part of a blob, seen in one frame's mask only, "
        "from counting as arrived or gone (a patch of wall whose light changed)",
    )
    wall_read_below_far: float = _f(
        5.0,
        "choice: the line under a wall feature is read down to twice its height under it (a "
        "picture hangs high); in the far region, five times: a small picture, or books on a wall "
        "shelf (welded to its board into a light-furniture-sized blob), hangs higher there over the "
        "floor line in its own heights (three times missed books 4 heights up; measured in session "
        "22: validation +1 exact, development and diagnosis unchanged). Past twice, a line counts "
        "only where the wall runs on down to it (the grey beside the object's lower half and "
        "between its bottom and the line within the change level on each side that shows both: "
        "walls._wall_runs_down)",
    )
    wall_line_fill: float = _f(
        0.7,
        "choice: furniture stands on the floor (paper 2.1/4.2: walls are background), so an object "
        "sized as furniture above the line where the wall meets the floor is a wall feature "
        "(window, door, picture: not counted) or, when it changed, goods on a wall shelf welded "
        "together (small objects). That line is a row where at least 70 % of the columns of the "
        "line-width strips beside the object's body (its mask opened by the line width; where "
        "other objects hide a strip, read past them up to three strips out, over the columns that "
        "show the room, or as far as the object's own width where that shows no line on both "
        "sides) hold a "
        "room edge (not an object body's outline), at its foot (within twice "
        "moved_min_displacement_px; lines within a line's width under the uppermost are one "
        "skirting board, whose lower edge counts) or up to twice its height below, with wall and floor either "
        "side of it differing by more than half saliency_diff_binarize grey levels (a tile seam "
        "does not) and no line crossing beside its lower half (one standing before the wall hides "
        "the line there). Where no such line shows, Table 1's class stands (stages/walls.py)",
    )
    wall_foot_shown: float = _f(
        1 / 3,
        "choice: an unchanged furniture-sized blob that stands (the wall line crosses beside it "
        "above its bottom) is a wall feature welded to what stands at its foot (a door and a box "
        "before it) when a line runs through it at the wall line, or up to a line's width under "
        "it, across at least a third of its columns (what stands before a wall hides the line "
        "behind it; the door's foot shows beside the box) and what lies under that line does "
        "not span the same columns as what lies above (one body cut at a drawer line would); "
        "then only the part under the line is counted, classed by its own area",
    )
    board_margin_px: int = _f(
        40,
        "choice: paper 4.3 (shelves hold small objects); an unchanged high-complexity blob Table 1 "
        "sizes as furniture of any kind that a shelf board runs through, from this far before "
        "it to this far past it, on a row at least half a line width (max_line_width_px) inside "
        "its outline, with the same surfaces either side of the board inside the box as beside "
        "it (median grey within saliency_diff_binarize levels), is goods welded on the shelving "
        "and counts as one small object: furniture before the shelving hides the boards "
        "(stages/boards.py). 40 px is about three line widths: a drawer line or a seam ends at "
        "the object's sides. 0 switches the test off",
    )
    board_fill: float = _f(
        0.95,
        "choice: the share of the span's columns that must hold the board's line (a row either "
        "way, gaps to 4 px bridged) for it to run through (.stages.boards)",
    )
    goods_on_shelf_fraction: float = _f(
        0.75,
        "choice: paper 4.3 describes shelving as holding many small objects of similar sizes; an "
        "object sized as light furniture (Table 1) with at least 75 % of its pixels on the shelving "
        "(the shelf area's connected parts larger than Table 1's largest heavy furniture where they "
        "stand: an island round a textured stool on the floor is no shelving) and the shelving "
        "going on under it (movement._as_goods: light furniture before the shelves has floor under "
        "it) is goods the segmentation welded together: a small object. Calibrated down from 90 % "
        "once the floor test was in: an empty shelf cell, wider than the shelf area's closing, is a "
        "hole in it, and goods beside one lie partly off it (development pairs: one store rating "
        "mended, no other result changed). Furniture and heavy furniture keep their class (a "
        "cabinet standing before the shelves)",
    )
    line_elongation: float = _f(
        4.0,
        "choice: a piece no thicker than the line width is a line when 4x longer than thick; the "
        "same ratio gives the shortest line (4 x 13 = 52 px) cut from objects pixel by pixel "
        "(shelf boards, door and window frames, wall seams touching an object)",
    )
    match_min_area_ratio: float = _f(
        0.6,
        "choice: paper 4.2.3 pairs pre/post objects by most similar area; pairs whose smaller area "
        "is under 60 % of the larger are not the same object",
    )
    match_area_tie: float = _f(
        0.1,
        "choice: paper 4.2.3 breaks ties between similar areas by feature points; areas within 0.1 "
        "(of the min/max area ratio) of the best count as tied",
    )
    shift_pair_reach: float = _f(
        3.0,
        "choice: a shift stays within 3x the object's length (a fall, 4.4 (1), goes further by "
        "definition): changed objects (4.2.3) and the saliency blobs where an object was and where "
        "it is (4.3) are paired within this reach first, the leftovers anywhere afterwards",
    )
    saliency_close_kernel: int = _f(
        5, "choice: paper 4.3 fills the holes of the eroded saliency difference; closed 5x5 first"
    )
    arrival_pre_cover: float = _f(
        0.25,
        "choice: a lone moving saliency blob on the high path (4.3) lies over something that "
        "arrived when the pre frame's object mask covers under a quarter of the post object under "
        "it (movement._arrival): the place was background before, whatever segmentation jitter "
        "adds at its rim",
    )
    same_place_iou: float = _f(
        0.5, "choice: a post object covering the pre object with IoU >= 0.5 is it, in place"
    )
    unchanged_ncc: float = _f(
        0.8,
        "choice: an object whose pixels (pre vs registered post, normalised cross-correlation over "
        "its box) correlate >= 0.8 has not moved; the stable-region check of 4.2. Unless its "
        "component is the other frame's same-sized box shifted (box and centroid moved alike by "
        "more than moved_min_displacement_px): a plain object sliding along its own length "
        "changes only at its ends and still correlates >= 0.8 in place",
    )
    same_object_ncc: float = _f(
        0.6,
        "calibrated: an object's inside (3 px in from its outline) correlating >= 0.6 with a place "
        "is the same object there. Over 282 shifted or dropped objects of the rendered set, 95 % of "
        "insides correlate >= 0.58 with themselves after the move (noise, JPEG, light on plain "
        "objects), while 99 % of random places of the same size correlate < 0.52. Used to find an "
        "object gone without a partner in the post frame, and to tell an object still in place but "
        "turned or tipped over (< 0.6 in place, or >= 0.6 turned a quarter and better than "
        "unturned) from one only lit differently; and to find where an object that landed on its "
        "side stood (its look turned a quarter)",
    )
    moved_min_displacement_px: float = _f(
        3.0,
        "choice: a matched object moved when its centroid moved more than 3 px (registration and "
        "segmentation jitter stay under it)",
    )


@dataclass(frozen=True)
class Descriptors:
    """The scale's quantity words (paper 4.4); the ranges overlap, as the paper gives them."""

    few: Interval = _f(Interval(0.0, 0.1), "paper 4.4 (a): 'few' below 10 %")
    some: Interval = _f(Interval(0.1, 0.45), "paper 4.4 (b): 'some' 10 % to 45 %")
    many: Interval = _f(Interval(0.4, 0.7), "paper 4.4 (c): 'many' 40 % to 70 %")
    most: Interval = _f(Interval(0.6, 0.9), "paper 4.4 (d): 'most' 60 % to 90 %")
    nearly_all: Interval = _f(Interval(0.8, 1.0, hi_closed=True), "paper 4.4 (e): 'nearly all' above 80 %")


TABLE3_RULES: tuple[Rule, ...] = (
    Rule("k1", 9, (_c("heavy_moved", 0, float("inf"), lo_closed=False),)),
    Rule("k2", 8, (_c("furniture", 0.6, 1, hi_closed=True),)),
    Rule("k3", 8, (_c("furniture", 0.45, 0.6), _c("light_and_furniture", 0.6, 1, hi_closed=True))),
    # Table 3 gives k4 as (0, 0.45); read as (0, 0.6) so that furniture moved in [0.45, 0.6)
    # without k3's second clause still rates VII (less furniture moving already rates VII).
    Rule("k4", 7, (_c("furniture", 0, 0.6, lo_closed=False),)),
    Rule("k5", 7, (_c("light", 0.6, 1, hi_closed=True),)),
    Rule("k6", 7, (_c("light", 0.45, 0.6), _c("small", 0.6, 1, hi_closed=True))),
    # Table 3 gives k7 as [0.1, 0.45); read as [0.1, 0.6) so that light furniture moved in
    # [0.45, 0.6) without k6's second clause still rates VI (less of it already rates VI).
    Rule("k7", 6, (_c("light", 0.1, 0.6),)),
    Rule("k8", 5, (_c("light", 0, 0.1), _c("small", 0, 0.45))),
    Rule("k9", 6, (_c("small", 0.45, 1, hi_closed=True),)),
)


@dataclass(frozen=True)
class IntensityConfig:
    rules: tuple[Rule, ...] = _f(
        TABLE3_RULES,
        "paper Table 3, first matching rule wins; choice: k4 and k7 upper bounds 0.45 -> 0.6 to "
        "close the two gaps the table leaves (monotone reading)",
    )
    fall_floor: int = _f(7, "paper 4.4 (1): a fall raises an intensity below VII to VII")
    shake_increment: int = _f(1, "paper 4.4 (2): visible camera shake raises the intensity by 1")
    min_intensity: int = _f(5, "paper 4.4: the method rates V..IX (object movement starts at V)")
    max_intensity: int = _f(9, "paper 4.4/6: the assessment range ends at IX")
    descriptors: Descriptors = _f(Descriptors(), "paper 4.4 (a)-(e)")


@dataclass(frozen=True)
class Config:
    """The whole method's constants. Immutable; derive variants with :meth:`replace`."""

    frame: FrameConfig = _f(FrameConfig(), "paper 2.1.1")
    enhance: EnhanceConfig = _f(EnhanceConfig(), "paper 2.1.2-2.1.4")
    brightness: BrightnessConfig = _f(BrightnessConfig(), "paper 2.1.2, across the pair")
    quality: QualityConfig = _f(QualityConfig(), "paper 2.2")
    register: RegisterConfig = _f(RegisterConfig(), "paper 2.3")
    people: PeopleConfig = _f(PeopleConfig(), "paper 2.4")
    depth: DepthConfig = _f(DepthConfig(), "paper 3.1")
    classify: ClassifyConfig = _f(ClassifyConfig(), "paper 3.2, Table 1")
    edges: EdgeConfig = _f(EdgeConfig(), "paper 4.2.1, 4.3")
    complexity: ComplexityConfig = _f(ComplexityConfig(), "paper 4.1")
    movement: MovementConfig = _f(MovementConfig(), "paper 4.2-4.3")
    intensity: IntensityConfig = _f(IntensityConfig(), "paper 4.4, Tables 2-3")

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | Path) -> "Config":
        """Load a TOML file whose tables mirror the tree; fields left out keep their defaults."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: config file not found") from None
        except IsADirectoryError:
            raise ConfigError(f"{p}: is a directory, expected a TOML file") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from None
        try:
            return _merge(cls(), data, prefix="")
        except ConfigError as exc:
            raise ConfigError(f"{p}: {exc}") from None

    def with_overrides(self, overrides: dict[str, Any] | list[str]) -> "Config":
        """Apply dotted-key overrides: ``{"quality.knn_ratio": 0.75}`` or ``["quality.knn_ratio=0.75"]``."""
        if isinstance(overrides, list):
            overrides = dict(_parse_assignment(s) for s in overrides)
        nested: dict[str, Any] = {}
        for key, value in overrides.items():
            node = nested
            parts = key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ConfigError(f"override {key!r} conflicts with another override")
            node[parts[-1]] = value
        return _merge(self, nested, prefix="")

    def to_dict(self) -> dict[str, Any]:
        return typing.cast(dict[str, Any], _plain(self))

    def sources(self) -> Iterator[tuple[str, Any, str]]:
        """Yield ``(dotted_name, value, source)`` for every leaf field of the tree."""
        yield from _walk_sources(self, "")


# --------------------------------------------------------------------------------------------
# Generic (de)serialisation of the tree
# --------------------------------------------------------------------------------------------


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and obj == float("inf"):
        return "inf"
    return obj


def _walk_sources(obj: Any, prefix: str) -> Iterator[tuple[str, Any, str]]:
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        name = f"{prefix}{f.name}"
        # Sections (…Config) are walked into; value types (RegionAreas, Descriptors) are leaves.
        if dataclasses.is_dataclass(value) and type(value).__name__.endswith("Config"):
            yield from _walk_sources(value, name + ".")
        else:
            yield name, value, f.metadata.get("source", "")


def _parse_assignment(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {text!r} is not of the form section.field=value")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()  # a bare word: treat as a string, the field's type decides
    return key.strip(), value


def _merge(obj: Any, data: dict[str, Any], *, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a table, got {data!r}")
    hints = typing.get_type_hints(type(obj))
    known = {f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(f"unknown config key {name!r}; known here: {', '.join(sorted(known))}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current) and isinstance(value, dict):
            changes[key] = _merge(current, value, prefix=name + ".")
        else:
            changes[key] = _coerce(value, hints[key], name)
    try:
        return dataclasses.replace(obj, **changes)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {exc}") from None


def _coerce(value: Any, tp: Any, name: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is float:
        if value == "inf":
            return float("inf")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}: expected an integer, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: expected true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name}: expected a string, got {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{name}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], f"{name}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(f"{name}: expected {len(args)} values, got {len(value)}")
        return tuple(_coerce(v, a, f"{name}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if origin in (typing.Union, types.UnionType):
        for a in args:
            try:
                return _coerce(value, a, name)
            except ConfigError:
                continue
        raise ConfigError(f"{name}: {value!r} fits none of {tp}")
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = dataclasses.fields(tp)
        if isinstance(value, (list, tuple)):
            if not 1 <= len(value) <= len(fields):
                raise ConfigError(f"{name}: expected up to {len(fields)} values, got {len(value)}")
            value = {f.name: v for f, v in zip(fields, value)}
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: expected a table or list, got {value!r}")
        unknown = set(value) - {f.name for f in fields}
        if unknown:
            raise ConfigError(f"{name}: unknown keys {sorted(unknown)}")
        kwargs = {k: _coerce(v, hints[k], f"{name}.{k}") for k, v in value.items()}
        try:
            return tp(**kwargs)
        except TypeError as exc:
            raise ConfigError(f"{name}: {exc}") from None
    if typing.get_origin(tp) is Literal:
        if value not in args:
            raise ConfigError(f"{name}: expected one of {args}, got {value!r}")
        return value
    raise ConfigError(f"{name}: cannot set a field of type {tp}")  # pragma: no cover


DEFAULT_CONFIG = Config()
