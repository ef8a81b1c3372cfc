"""The fastiesi command: outputs, exit codes, messages that name the file and the problem."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest


class TestRate:
    def test_paper_example(self, cli):
        code, out, err = cli("rate", "--moved", "39,4,0,0", "--total", "66,12,7,2", "--falls", "3")
        assert code == 0 and err == ""
        assert "intensity: VII" in out and "k7 -> initial 6" in out and "fall" in out

    def test_json(self, cli):
        code, out, _ = cli("rate", "--moved", "0,0,1,0", "--total", "8,3,3,1", "--shake", "obvious", "--json")
        d = json.loads(out)
        assert code == 0 and (d["rule"], d["initial_intensity"], d["intensity"]) == ("k4", 7, 8)

    def test_nothing_moved(self, cli):
        assert "V or lower" in cli("rate", "--moved", "0,0,0,0", "--total", "3,3,3,3")[1]

    @pytest.mark.parametrize("args,match", [
        (["--moved", "1,2", "--total", "3,3,3,3"], "4 comma-separated"),
        (["--moved", "a,b,c,d", "--total", "3,3,3,3"], "integers"),
        (["--moved", "4,0,0,0", "--total", "3,3,3,3"], "exceeds"),
        (["--moved", "0,0,0,0", "--total", "3,3,3,3", "--shake", "wild"], "--shake"),
    ])
    def test_bad_counts_exit_2(self, cli, args, match):
        code, out, err = cli("rate", *args)
        assert code == 2 and match in err and "Traceback" not in err

    def test_config_override(self, cli):
        code, out, _ = cli("rate", "--moved", "1,0,0,0", "--total", "3,3,3,3", "--falls", "1",
                           "--set", "intensity.fall_floor=8", "--json")
        assert code == 0 and json.loads(out)["intensity"] == 8


class TestAssess:
    def test_missing_file(self, cli, tmp_path: Path):
        code, _, err = cli("assess", str(tmp_path / "pre.jpg"), str(tmp_path / "post.jpg"))
        assert code == 2 and "pre.jpg: file not found" in err

    def test_corrupt_post_named(self, cli, image_file, tmp_path: Path):
        bad = tmp_path / "post.jpg"
        bad.write_bytes(b"\xff\xd8\xff garbage")
        code, _, err = cli("assess", str(image_file("pre.png")), str(bad))
        assert code == 2 and "post.jpg" in err and "not a readable image" in err

    def test_mismatched_views(self, cli, image_file, textured_image):
        post = image_file("post.png", cv2.resize(textured_image, (800, 400)))
        code, _, err = cli("assess", str(image_file("pre.png")), str(post))
        assert code == 2 and "aspect" in err

    def test_bad_config_file(self, cli, image_file, tmp_path: Path):
        cfg = tmp_path / "c.toml"
        cfg.write_text("[nope]\nx=1\n")
        code, _, err = cli("assess", str(image_file("pre.png")), str(image_file("post.png")), "--config", str(cfg))
        assert code == 2 and "c.toml" in err and "unknown config key 'nope'" in err

    def test_valid_pair_gives_the_full_assessment(self, cli, image_file):
        code, out, err = cli("assess", str(image_file("pre.png")), str(image_file("post.png")))
        assert code == 0 and "camera shake: none" in out and "intensity" in out.lower()
        # People removal runs by default with the built-in models, and says so.
        assert "people removed (2.4): 0 [opencv-hog, opencv-grabcut, pyramid-telea" in out

    def test_people_removal_off_is_never_silent(self, cli, image_file):
        code, out, _ = cli("assess", str(image_file("pre.png")), str(image_file("post.png")), "--no-people")
        assert code == 0 and "fallback: people removal (2.4) off" in out

    def test_no_people_with_a_model_file_is_a_usage_error(self, cli, image_file, tmp_path: Path):
        code, _, err = cli("assess", str(image_file("pre.png")), str(image_file("post.png")), "--no-people",
                           "--detector", str(tmp_path / "y.onnx"))
        assert code == 2 and "--no-people" in err

    def test_json_report_has_every_section(self, cli, image_file):
        import json
        code, out, _ = cli("assess", str(image_file("pre.png")), str(image_file("post.png")), "--json")
        d = json.loads(out)
        assert code == 0 and d["status"] == "ok" and 5 <= d["intensity"] <= 9
        assert d["complexity"] in ("low", "mixed", "high") and d["psd"] > 0
        assert set(d["classes"]) == {"small_objects", "light_furniture", "furniture", "heavy_furniture"}
        assert {"segment", "movement", "complexity"} <= set(d["timings_ms"])

    def test_usage_error_exit_2(self, cli):
        assert cli("assess")[0] == 2


class TestOtherCommands:
    def test_config_lists_sources(self, cli):
        code, out, _ = cli("config")
        assert code == 0 and "quality.knn_ratio = 0.8" in out and "paper 2.2" in out

    def test_synth_writes_pair_and_truth(self, cli, tmp_path: Path):
        code, out, _ = cli("synth", str(tmp_path), "--intensity", "8", "--seed", "2")
        truth = json.loads((tmp_path / "truth.json").read_text())
        assert code == 0 and truth["intensity"] == 8
        assert cv2.imread(str(tmp_path / "pre.png")).shape == (600, 800, 3)


class TestEvalCompare:
    """``fastiesi eval --compare``: an earlier result of the same cases, pair by pair."""

    @staticmethod
    def _fake_evaluate(monkeypatch, seen: list):
        from fastiesi import evaluate as ev

        def fake(selected, *, workers=None):
            seen.extend(selected)
            outs = [ev.Outcome(c, c.intensity, c.intensity, "ok", (0, 0, 0, 0), (0, 0, 0, 0), (1, 1, 1, 1),
                               (1, 1, 1, 1), 0, 0, "low", 0.1) for c in selected]
            return outs, ev.summarize(outs)

        monkeypatch.setattr(ev, "evaluate", fake)

    def test_repeated_first_seeds_and_the_changed_pairs(self, cli, monkeypatch, tmp_path: Path):
        seen: list = []
        self._fake_evaluate(monkeypatch, seen)
        base = tmp_path / "base.json"
        code, _, _ = cli("eval", "--rooms", "1", "--stores", "0", "--people", "0", "--first-seed", "40",
                         "--first-seed", "100", "--out", str(base))
        assert code == 0 and sorted({c.seed for c in seen}) == [40, 100]
        d = json.loads(base.read_text())
        d["pairs"][0]["got_intensity"] += 1  # the base run got the first pair wrong
        base.write_text(json.dumps(d))
        code, out, err = cli("eval", "--rooms", "1", "--stores", "0", "--people", "0", "--first-seed", "40",
                             "--first-seed", "100", "--out", str(tmp_path / "new.json"), "--compare", str(base))
        assert code == 0 and err == ""
        assert "fixed  room 5 seed 40: truth 5, 6 -> 5" in out and "broke" not in out

    def test_unreadable_compare_file_is_named_before_any_rendering(self, cli, monkeypatch, tmp_path: Path):
        seen: list = []
        self._fake_evaluate(monkeypatch, seen)
        bad = tmp_path / "bad.json"
        bad.write_text("{not json")
        code, _, err = cli("eval", "--rooms", "1", "--stores", "0", "--people", "0", "--compare", str(bad),
                           "--out", str(tmp_path / "o.json"))
        assert code == 2 and "bad.json" in err and "cannot read" in err and "Traceback" not in err
        assert seen == []
        code, _, err = cli("eval", "--rooms", "1", "--stores", "0", "--people", "0",
                           "--compare", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o.json"))
        assert code == 2 and "missing.json" in err

    @pytest.mark.parametrize("content,match", [
        ({"summary": {}}, "'pairs'"),
        ({"pairs": [{"case": {"seed": 1}}]}, "without truth_intensity"),
    ])
    def test_a_json_file_that_is_no_result_is_named_before_any_rendering(self, cli, monkeypatch, tmp_path: Path,
                                                                          content, match):
        seen: list = []
        self._fake_evaluate(monkeypatch, seen)
        other = tmp_path / "other.json"
        other.write_text(json.dumps(content))
        code, _, err = cli("eval", "--rooms", "1", "--stores", "0", "--people", "0", "--compare", str(other),
                           "--out", str(tmp_path / "o.json"))
        assert code == 2 and "other.json" in err and match in err and seen == []
