"""The accuracy bar of issue 4 on the full rendered set (slow: ``make test-all`` or ``pytest -m slow``)."""

from __future__ import annotations

import pytest

from fastiesi.evaluate import cases, evaluate, summarize


def test_summary_scores_exact_and_within_one():
    from fastiesi.evaluate import Case, Outcome

    c = Case(7, 0, "room", "none", False, 0.0, 2.0, None)
    outs = [Outcome(c, 7, 7, "ok", (1, 0, 0, 0), (1, 0, 0, 0), (5, 1, 1, 1), (5, 1, 1, 1), 0, 0, "low", 0.2),
            Outcome(c, 7, 8, "ok", (1, 0, 0, 0), (3, 0, 0, 0), (5, 1, 1, 1), (5, 1, 1, 1), 0, 0, "low", 0.2)]
    s = summarize(outs)
    assert s["all"]["exact"] == 0.5 and s["all"]["within_one"] == 1.0
    assert s["all"]["moved_mae"]["small_objects"] == 1.0


class TestDetections:
    """Of the pre frame's objects, how many the segmentation found alone, or inside a blob."""

    def test_alone_welded_and_lost(self):
        from fastiesi.evaluate import detections

        truth = [("small_objects", (10, 10, 20, 40)),  # reported as itself, a px off
                 ("small_objects", (100, 10, 20, 40)),  # inside a blob three times its size
                 ("furniture", (200, 200, 100, 60)),  # split in two halves: neither holds half
                 ("heavy_furniture", (400, 100, 80, 200))]  # nothing reported there
        found = [(11, 9, 20, 41), (95, 5, 70, 50), (200, 200, 45, 60), (255, 200, 45, 60)]
        assert detections(truth, found) == ((1, 0, 0, 0), (1, 0, 0, 0))
        assert detections(truth, found + [(198, 198, 104, 64)]) == ((1, 0, 1, 0), (1, 0, 0, 0))
        assert detections([], found) == ((0, 0, 0, 0), (0, 0, 0, 0))

    def test_bad_arguments(self):
        from fastiesi.errors import InputError
        from fastiesi.evaluate import detections

        with pytest.raises(InputError, match="min_iou"):
            detections([], [], min_iou=0.0)
        with pytest.raises(InputError, match="object class"):
            detections([("chairs", (0, 0, 5, 5))], [])

    def test_summary_shares_of_the_truth_and_the_table(self):
        from fastiesi.evaluate import Case, Outcome, format_table

        c = Case(7, 0, "store", "none", False, 0.0, 2.0, None)
        outs = [Outcome(c, 7, 7, "ok", (1, 0, 0, 0), (1, 0, 0, 0), (40, 4, 2, 0), (30, 4, 2, 0), 0, 0, "high", 0.2,
                        found=(20, 3, 2, 0), welded=(10, 1, 0, 0)),
                Outcome(c, 7, 7, "ok", (1, 0, 0, 0), (1, 0, 0, 0), (60, 4, 2, 0), (50, 4, 2, 0), 0, 0, "high", 0.2,
                        found=(40, 4, 1, 0), welded=(5, 0, 0, 0))]
        s = summarize(outs)
        assert s["store"]["found"] == {"small_objects": 0.6, "light_furniture": 0.875, "furniture": 0.75,
                                       "heavy_furniture": None}
        assert s["store"]["welded"]["small_objects"] == 0.15
        assert "store     60 + 15, 88 + 12, 75 + 0, -" in format_table(s)

    def test_a_rendered_room_is_mostly_found(self):
        from fastiesi.evaluate import run_case

        o = run_case(cases(1, 0, 0)[0])
        assert o is not None
        for f, w, t in zip(o.found, o.welded, o.truth_total):
            assert 0 <= f + w <= t
        assert sum(o.found) >= 0.7 * sum(o.truth_total)  # a plain room: most objects stand alone


def test_first_seed_gives_another_set_of_the_same_conditions():
    dev, unseen = cases(2, 1, 1), cases(2, 1, 1, first_seed=200)
    assert len(dev) == len(unseen)
    assert {c.seed for c in unseen}.isdisjoint({c.seed for c in dev})
    strip = [(c.intensity, c.layout, c.shake, c.falls, c.lighting, c.people) for c in dev]
    assert strip == [(c.intensity, c.layout, c.shake, c.falls, c.lighting, c.people) for c in unseen]


def test_exposure_scales_both_frames_and_keeps_the_cases(monkeypatch):
    import numpy as np

    from fastiesi import pipeline
    from fastiesi.errors import InputError
    from fastiesi.evaluate import run_case

    dim = cases(1, 0, 0, exposure=0.5)
    assert [(c.intensity, c.seed) for c in dim] == [(c.intensity, c.seed) for c in cases(1, 0, 0)]
    assert {c.exposure for c in dim} == {0.5}
    seen = []
    real = pipeline.assess

    def assess(pre, post, **kw):
        seen.append((pre, post))
        return real(pre, post, **kw)

    monkeypatch.setattr(pipeline, "assess", assess)
    from fastiesi.synth.scene import render_intensity

    c = dim[0]
    pair = render_intensity(c.intensity, seed=c.seed, falls=c.falls, shake=c.shake, layout=c.layout,
                            lighting=c.lighting, noise_sigma=c.noise_sigma, jpeg_quality=c.jpeg_quality)
    assert run_case(c) is not None
    (pre, post), = seen
    np.testing.assert_array_equal(pre, np.round(pair.pre * 0.5).astype(np.uint8))
    assert np.abs(post.astype(int) - np.round(pair.post * 0.5)).max() == 0
    with pytest.raises(InputError, match="exposure"):
        cases(1, 0, 0, exposure=0.0)


def test_a_case_the_generator_cannot_render_is_skipped_and_named(monkeypatch):
    from fastiesi.errors import InputError
    from fastiesi.evaluate import Case, format_table
    from fastiesi.synth import scene

    real = scene.render_intensity

    def render(intensity, **kw):
        if kw["seed"] == 1:
            raise InputError("could not render intensity 5 for seed 1: None")
        return real(intensity, **kw)

    monkeypatch.setattr(scene, "render_intensity", render)
    selected = [Case(5, 0, "room", "none", False, 0.0, 2.0, None), Case(5, 1, "room", "none", False, 0.0, 2.0, None)]
    outcomes, summary = evaluate(selected, workers=1)
    assert [o.case.seed for o in outcomes] == [0]
    assert [c["seed"] for c in summary["not_rendered"]] == [1]
    assert "not rendered" in format_table(summary) and summary["all"]["pairs"] == 1


class TestCompareResults:
    """Two result files of the same cases: what changed, pair by pair, and both sets' totals."""

    @staticmethod
    def _result(got: dict[int, int], *, seeds: tuple[int, ...] = (0, 1, 2, 3)) -> dict:
        import json
        from dataclasses import asdict

        from fastiesi.evaluate import Case, Outcome

        rows = []
        for seed in seeds:
            c = Case(6, seed, "store", "none", False, 0.0, 2.0, None)
            g = got.get(seed, 6)
            rows.append(Outcome(c, 6, g, "ok", (3, 0, 0, 0), (g - 3, 0, 0, 0), (9, 1, 1, 1), (7, 1, 1, 1),
                                0, 0, "high", 0.1))
        return json.loads(json.dumps({"summary": {}, "pairs": [asdict(o) for o in rows]}))

    def test_fixed_broke_and_moved_pairs_are_named(self):
        from fastiesi.evaluate import compare_results, format_comparison

        base = self._result({1: 5, 2: 8})  # seed 0 right, 1 and 2 wrong, 3 right
        new = self._result({1: 6, 2: 7, 3: 5})  # 1 fixed, 2 wrong by one less, 3 broke
        cmp = compare_results(base, new)
        assert [c["case"]["seed"] for c in cmp["fixed"]] == [1]
        assert [c["case"]["seed"] for c in cmp["broke"]] == [3]
        assert [(c["case"]["seed"], c["was"], c["now"]) for c in cmp["wrong"]] == [(2, 8, 7)]
        assert cmp["base"]["exact"] == 2 and cmp["new"]["exact"] == 2
        assert cmp["base"]["within_one"] == 3 and cmp["new"]["within_one"] == 4
        # moved L1: |got - 3| per pair, got - 3 moved small objects against 3 in truth
        assert cmp["base"]["moved_l1"] == 0 + 1 + 2 + 0 and cmp["new"]["moved_l1"] == 0 + 0 + 1 + 1
        assert cmp["base"]["total_l1"] == 4 * 2
        text = format_comparison(cmp)
        assert "fixed  store 6 seed 1: truth 6, 5 -> 6" in text and "broke  store 6 seed 3" in text
        # Files from before the detection score hold no "found": shown as "-", not as zero.
        assert cmp["base"]["found"] == 0 and text.splitlines()[1].split()[-1] == "0"
        for row in base["pairs"]:
            del row["found"]
        assert compare_results(base, new)["base"]["found"] is None
        assert format_comparison(compare_results(base, new)).splitlines()[1].split()[-1] == "-"

    def test_pairs_in_one_file_only_are_counted_apart(self):
        from fastiesi.evaluate import compare_results, format_comparison

        cmp = compare_results(self._result({}, seeds=(0, 1, 2)), self._result({2: 9}, seeds=(1, 2, 3)))
        assert cmp["base"]["pairs"] == cmp["new"]["pairs"] == 2
        assert [c["seed"] for c in cmp["only_base"]] == [0] and [c["seed"] for c in cmp["only_new"]] == [3]
        assert "1 pairs only in the base result" in format_comparison(cmp)

    def test_a_file_that_is_no_result_is_an_input_error(self):
        from fastiesi.errors import InputError
        from fastiesi.evaluate import compare_results

        with pytest.raises(InputError, match="base result has no 'pairs'"):
            compare_results({"summary": {}}, self._result({}))
        with pytest.raises(InputError, match="new result"):
            compare_results(self._result({}), [])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 4: the bar (95 % exact, 100 % within one) is not met yet; "
                   "see bench/results/accuracy-*.json")
def test_full_set_meets_the_bar():
    _, summary = evaluate(cases(8, 4))
    assert summary["all"]["exact"] >= 0.95 and summary["all"]["within_one"] == 1.0
