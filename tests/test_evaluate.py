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


def test_first_seed_gives_another_set_of_the_same_conditions():
    dev, unseen = cases(2, 1, 1), cases(2, 1, 1, first_seed=200)
    assert len(dev) == len(unseen)
    assert {c.seed for c in unseen}.isdisjoint({c.seed for c in dev})
    strip = [(c.intensity, c.layout, c.shake, c.falls, c.lighting, c.people) for c in dev]
    assert strip == [(c.intensity, c.layout, c.shake, c.falls, c.lighting, c.people) for c in unseen]


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


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 4: the bar (95 % exact, 100 % within one) is not met yet; "
                   "see bench/results/accuracy-*.json")
def test_full_set_meets_the_bar():
    _, summary = evaluate(cases(8, 4))
    assert summary["all"]["exact"] >= 0.95 and summary["all"]["within_one"] == 1.0
