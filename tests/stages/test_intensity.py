"""Table 3 rules and the section 4.4 corrections, against the paper's own example and every
boundary of the table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastiesi import InputError, InputTypeError, rate_intensity
from fastiesi.stages.intensity import describe_fraction


def rule_of(moved, total, **kw):
    r = rate_intensity(moved, total, **kw)
    return r.rule, r.initial


class TestPaperExample:
    def test_table4_is_k7_vi(self):
        # Table 4: 39/66 small, 4/12 light, 0/7 furniture, 0/2 heavy -> k7, VI (section 4.5).
        r = rate_intensity((39, 4, 0, 0), (66, 12, 7, 2))
        assert (r.rule, r.initial, r.intensity, r.corrections) == ("k7", 6, 6, ())
        assert r.fractions == pytest.approx((0.591, 0.333, 0.0, 0.0), abs=1e-3)

    def test_table4_with_three_falls_is_vii(self):
        r = rate_intensity((39, 4, 0, 0), (66, 12, 7, 2), falls=3)
        assert (r.rule, r.initial, r.intensity, r.corrections) == ("k7", 6, 7, ("fall",))


class TestRules:
    # Each row: moved, total, expected (rule, initial). Totals of 20 give fractions in steps of 0.05.
    @pytest.mark.parametrize("moved,total,expected", [
        ((0, 0, 0, 1), (20, 20, 20, 5), ("k1", 9)),
        ((20, 20, 20, 1), (20, 20, 20, 20), ("k1", 9)),
        ((0, 0, 12, 0), (20, 20, 20, 5), ("k2", 8)),       # 0.6 closed
        ((0, 0, 20, 0), (20, 20, 20, 5), ("k2", 8)),       # 1.0 closed
        ((0, 12, 9, 0), (20, 20, 20, 5), ("k4", 7)),       # 0.45 & (12+9)/40 = 0.525 < 0.6 -> not k3
        ((0, 15, 9, 0), (20, 20, 20, 5), ("k3", 8)),       # 0.45 & 24/40 = 0.6 closed
        ((0, 20, 11, 0), (20, 20, 20, 5), ("k3", 8)),      # 0.55 & 31/40
        ((0, 0, 1, 0), (20, 20, 20, 5), ("k4", 7)),        # just above 0
        ((0, 0, 8, 0), (20, 20, 20, 5), ("k4", 7)),        # 0.4
        ((0, 0, 9, 0), (20, 20, 20, 5), ("k4", 7)),        # 0.45 without k3's clause: gap read as k4
        ((0, 12, 0, 0), (20, 20, 20, 5), ("k5", 7)),       # 0.6 closed
        ((0, 9, 0, 0), (20, 12, 20, 5), ("k5", 7)),        # 0.75
        ((12, 9, 0, 0), (20, 20, 20, 5), ("k6", 7)),       # 0.45 & small 0.6
        ((20, 11, 0, 0), (20, 20, 20, 5), ("k6", 7)),      # 0.55 & small 1.0
        ((0, 2, 0, 0), (20, 20, 20, 5), ("k7", 6)),        # 0.1 closed
        ((0, 8, 0, 0), (20, 20, 20, 5), ("k7", 6)),        # 0.4
        ((11, 9, 0, 0), (20, 20, 20, 5), ("k7", 6)),       # 0.45 & small 0.55: gap read as k7
        ((0, 1, 0, 0), (20, 20, 20, 5), ("k8", 5)),        # 0.05
        ((8, 1, 0, 0), (20, 20, 20, 5), ("k8", 5)),        # small 0.4
        ((0, 0, 0, 0), (20, 20, 20, 5), ("k8", 5)),        # nothing moved
        ((9, 0, 0, 0), (20, 20, 20, 5), ("k9", 6)),        # small 0.45 closed
        ((20, 1, 0, 0), (20, 20, 20, 5), ("k9", 6)),       # small 1.0, light 0.05
    ])
    def test_rule_and_initial(self, moved, total, expected):
        assert rule_of(moved, total) == expected

    def test_k3_second_clause_boundary(self):
        # furniture 0.45: combined just below 0.6 is k4 (VII), at 0.6 it is k3 (VIII).
        assert rule_of((0, 14, 9, 0), (20, 20, 20, 5)) == ("k4", 7)   # 23/40 = 0.575
        assert rule_of((0, 15, 9, 0), (20, 20, 20, 5)) == ("k3", 8)   # 24/40 = 0.6

    def test_just_below_boundaries(self):
        # 0.6 - 1/60 for furniture is k3/k4 territory, not k2.
        assert rule_of((0, 0, 35, 0), (60, 60, 60, 5))[0] == "k4"
        assert rule_of((0, 0, 36, 0), (60, 60, 60, 5))[0] == "k2"
        assert rule_of((0, 5, 0, 0), (60, 60, 60, 5))[0] == "k8"    # 0.0833 < 0.1
        assert rule_of((0, 6, 0, 0), (60, 60, 60, 5))[0] == "k7"    # 0.1
        assert rule_of((26, 0, 0, 0), (60, 60, 60, 5))[0] == "k8"   # 0.433 < 0.45
        assert rule_of((27, 0, 0, 0), (60, 60, 60, 5))[0] == "k9"   # 0.45

    def test_empty_class_counts_as_zero_fraction(self):
        # No furniture at all: its fraction is 0 (not a division by zero), rules fall to light/small.
        r = rate_intensity((0, 3, 0, 0), (10, 10, 0, 0))
        assert (r.rule, r.fractions[2]) == ("k7", 0.0)
        assert rate_intensity((0, 0, 0, 0), (0, 0, 0, 0)).rule == "k8"

    def test_nothing_moved_means_v_or_lower(self):
        r = rate_intensity((0, 0, 0, 0), (5, 5, 5, 1))
        assert r.intensity == 5 and r.nothing_moved and "V or lower" in r.meaning
        assert not rate_intensity((1, 0, 0, 0), (5, 5, 5, 1)).nothing_moved


class TestCorrections:
    def test_fall_lifts_below_vii_only(self):
        assert rate_intensity((0, 0, 0, 0), (5, 5, 5, 1), falls=1).intensity == 7
        assert rate_intensity((0, 0, 0, 0), (5, 5, 5, 1), falls=1).corrections == ("fall",)
        r = rate_intensity((0, 0, 5, 0), (5, 5, 5, 1), falls=2)   # k2, VIII: unchanged
        assert (r.intensity, r.corrections) == (8, ())

    def test_obvious_shake_adds_one(self):
        r = rate_intensity((0, 2, 0, 0), (10, 10, 10, 1), shake="obvious")
        assert (r.initial, r.intensity, r.corrections) == (6, 7, ("camera_shake",))

    def test_slight_shake_changes_nothing(self):
        assert rate_intensity((0, 2, 0, 0), (10, 10, 10, 1), shake="slight").intensity == 6

    def test_shake_capped_at_ix(self):
        r = rate_intensity((0, 0, 0, 1), (10, 10, 10, 1), shake="obvious")
        assert (r.intensity, r.corrections) == (9, ())

    def test_fall_then_shake(self):
        r = rate_intensity((1, 0, 0, 0), (10, 10, 10, 1), falls=1, shake="obvious")
        assert (r.initial, r.intensity, r.corrections) == (5, 8, ("fall", "camera_shake"))


class TestBadInput:
    @pytest.mark.parametrize("moved,total,match", [
        ((1, 2, 3), (4, 4, 4, 4), "4 counts"),
        ((5, 0, 0, 0), (4, 4, 4, 4), "exceeds"),
        ((-1, 0, 0, 0), (4, 4, 4, 4), "negative"),
    ])
    def test_value_errors(self, moved, total, match):
        with pytest.raises(InputError, match=match):
            rate_intensity(moved, total)

    def test_type_errors(self):
        with pytest.raises(InputTypeError):
            rate_intensity("1,2,3,4", (4, 4, 4, 4))  # type: ignore[arg-type]
        with pytest.raises(InputTypeError):
            rate_intensity((0.5, 0, 0, 0), (4, 4, 4, 4))  # type: ignore[arg-type]

    def test_bad_shake_and_falls(self):
        with pytest.raises(InputError, match="shake"):
            rate_intensity((0, 0, 0, 0), (1, 1, 1, 1), shake="huge")  # type: ignore[arg-type]
        with pytest.raises(InputError, match="falls"):
            rate_intensity((0, 0, 0, 0), (1, 1, 1, 1), falls=-1)


counts = st.tuples(*[st.integers(0, 30)] * 4)


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(total=counts, data=st.data())
    def test_every_count_rates_v_to_ix(self, total, data):
        moved = tuple(data.draw(st.integers(0, t)) for t in total)
        r = rate_intensity(moved, total)
        assert 5 <= r.initial <= 9 and 5 <= r.intensity <= 9

    @settings(max_examples=300, deadline=None)
    @given(total=counts, data=st.data(), cls=st.integers(0, 3))
    def test_more_movement_never_rates_lower(self, total, data, cls):
        # The reading chosen for Table 3's gaps makes the initial intensity monotone in every count.
        moved = [data.draw(st.integers(0, t)) for t in total]
        if moved[cls] == total[cls]:
            return
        before = rate_intensity(tuple(moved), total).initial
        moved[cls] += 1
        assert rate_intensity(tuple(moved), total).initial >= before


class TestDescriptors:
    @pytest.mark.parametrize("fraction,words", [
        (0.05, ("few",)), (0.2, ("some",)), (0.42, ("some", "many")), (0.65, ("many", "most")),
        (0.85, ("most", "nearly all")), (1.0, ("nearly all",)), (0.0, ()),
    ])
    def test_words(self, fraction, words):
        assert describe_fraction(fraction) == words
