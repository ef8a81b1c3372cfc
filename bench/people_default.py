"""How good is the built-in people detector (OpenCV HOG) on the real photos available offline?

scikit-image bundles a few photographs; two show a person (``camera``: a standing cameraman, cut
at the knees; ``astronaut``: an upper-body portrait), the rest show none. Every detection on a
photo without a person is a false positive; each photo with a person is a hit when a kept box
covers at least half of the person's hand-marked box. Also run on the generator's rooms with a
person in the post frame. Writes bench/results/people-default-<date>.json and prints a table.

    .venv/bin/python bench/people_default.py
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastiesi.config import DEFAULT_CONFIG  # noqa: E402
from fastiesi.nn.opencv_default import HogPeopleDetector  # noqa: E402
from fastiesi.synth import SceneSpec, render_pair  # noqa: E402

# Hand-marked person boxes (x0, y0, x1, y1) in the bundled photos.
PEOPLE = {"camera": (150, 30, 420, 512), "astronaut": (60, 0, 460, 512)}
NO_PEOPLE = ["coffee", "chelsea", "rocket", "brick", "grass", "gravel", "hubble_deep_field", "moon", "page",
             "text", "coins", "clock", "logo", "colorwheel", "retina", "cat", "eagle", "immunohistochemistry"]


def _bgr(name: str) -> np.ndarray | None:
    from skimage import data

    try:
        im = np.asarray(getattr(data, name)())
    except Exception:  # a dataset that needs a download (pooch) is skipped: nothing is fetched
        return None
    if im.dtype == bool:
        im = im.astype(np.uint8) * 255
    if im.dtype != np.uint8:
        im = cv2.normalize(im.astype(np.float64), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if im.ndim == 2:
        return cv2.cvtColor(im, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(im[..., :3], cv2.COLOR_RGB2BGR)


def _covers(box, truth) -> bool:
    ix = max(0.0, min(box.x1, truth[2]) - max(box.x0, truth[0]))
    iy = max(0.0, min(box.y1, truth[3]) - max(box.y0, truth[1]))
    return ix * iy >= 0.5 * (truth[2] - truth[0]) * (truth[3] - truth[1])


def main() -> None:
    all_scores = HogPeopleDetector(min_score=0.01)
    kept = HogPeopleDetector()
    rows = []
    for name in list(PEOPLE) + NO_PEOPLE:
        im = _bgr(name)
        if im is None:
            continue
        raw = all_scores.detect([im])[0]
        boxes = kept.detect([im])[0]  # the detector keeps scores >= people.hog_min_score
        truth = PEOPLE.get(name)
        rows.append({"image": f"skimage.data.{name}", "person": truth is not None,
                     "hit": None if truth is None else any(_covers(b, truth) for b in boxes),
                     "false_positives": len(boxes) if truth is None else sum(not _covers(b, truth) for b in boxes),
                     "raw_scores": [round(b.score, 3) for b in raw]})
    synth = []
    for seed in range(12):
        p = render_pair(SceneSpec(seed=seed, initial_intensity=None, people=(0, 1)))
        if not p.truth.people_post:
            continue
        x, y, w, h = p.truth.people_post[0]
        pre, post = kept.detect([p.pre, p.post])
        synth.append({"seed": seed, "raw_scores": [round(b.score, 3) for b in all_scores.detect([p.post])[0]],
                      "hit": any(_covers(b, (x, y, x + w, y + h)) for b in post),
                      "false_positives": len(pre) + sum(not _covers(b, (x, y, x + w, y + h)) for b in post)})
    photos_with = [r for r in rows if r["person"]]
    photos_without = [r for r in rows if not r["person"]]
    summary = {
        "photos_with_person": len(photos_with), "photo_hits": sum(r["hit"] for r in photos_with),
        "photos_without_person": len(photos_without),
        "photo_false_positives": sum(r["false_positives"] for r in rows),
        "synthetic_rooms": len(synth), "synthetic_hits": sum(r["hit"] for r in synth),
        "synthetic_false_positives": sum(r["false_positives"] for r in synth),
        "min_score": DEFAULT_CONFIG.people.hog_min_score,
    }
    out = Path(__file__).parent / "results" / f"people-default-{datetime.date.today()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "photos": rows, "synthetic": synth}, indent=1) + "\n")
    print(f"{'set':<28}{'images':>7}{'hits':>6}{'false +':>9}")
    print(f"{'photos with a person':<28}{summary['photos_with_person']:>7}{summary['photo_hits']:>6}"
          f"{sum(r['false_positives'] for r in photos_with):>9}")
    print(f"{'photos without people':<28}{len(photos_without):>7}{'-':>6}"
          f"{sum(r['false_positives'] for r in photos_without):>9}")
    print(f"{'rendered rooms, 1 person':<28}{len(synth):>7}{summary['synthetic_hits']:>6}"
          f"{summary['synthetic_false_positives']:>9}")
    print(f"result: {out}")


if __name__ == "__main__":
    main()
