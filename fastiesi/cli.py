"""The ``fastiesi`` command.

Exit codes: 0 assessed; 2 bad input or usage (the message names the file and the problem);
3 pair rejected as unassessable (the reason is in the report); 4 a stage of the method is not in
this build (nothing is invented); 1 an internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .config import DEFAULT_CONFIG, OBJECT_CLASSES, Config
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED, EXIT_STAGE_MISSING, FastIesiError, InputError
from .report import Assessment
from .stages.intensity import ROMAN, SHAKE_LEVELS, Rating, describe_fraction, rate_intensity

app = typer.Typer(
    name="fastiesi",
    help="Indoor seismic intensity (China Seismic Intensity Scale V..IX) from the last frame before "
    "and the first frame after an earthquake (the IESI method).",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)

CLASS_LABELS = dict(zip(OBJECT_CLASSES, ("small objects", "light furniture", "furniture", "heavy furniture")))


def _err(message: str) -> None:
    typer.echo(f"fastiesi: error: {message}", err=True)


def _counts(text: str, name: str) -> tuple[int, int, int, int]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise InputError(f"--{name} needs 4 comma-separated counts (small objects, light furniture, "
                         f"furniture, heavy furniture), got {text!r}")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise InputError(f"--{name} counts must be integers, got {text!r}") from None
    return values[0], values[1], values[2], values[3]


def _load_config(config_file: Optional[Path], overrides: Optional[list[str]]) -> Config:
    cfg = Config.from_toml(config_file) if config_file else DEFAULT_CONFIG
    return cfg.with_overrides(list(overrides)) if overrides else cfg


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="TOML file mirroring the config tree.")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override one constant: section.field=value (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the machine-readable report.")]


def _rating_lines(r: Rating, moved: tuple[int, ...], total: tuple[int, ...], falls: int, shake: str) -> list[str]:
    lines = [f"intensity: {r.roman}" + ("  (V or lower: no object movement seen)" if r.nothing_moved and r.intensity == 5 else "")]
    lines.append(f"rule: {r.rule} -> initial {r.initial}" + (f"; corrections: {', '.join(r.corrections)}" if r.corrections else ""))
    for cls, m, t, f in zip(OBJECT_CLASSES, moved, total, r.fractions):
        words = describe_fraction(f)
        lines.append(f"  {CLASS_LABELS[cls]:<16} {m:>4} of {t:<4} moved ({f:6.1%})" + (f"  {'/'.join(words)}" if words else ""))
    lines.append(f"falls: {falls}   camera shake: {shake}")
    return lines


@app.command()
def rate(
    moved: Annotated[str, typer.Option(help="Moved objects N1..N4: small,light,furniture,heavy.")],
    total: Annotated[str, typer.Option(help="All objects N5..N8: small,light,furniture,heavy.")],
    falls: Annotated[int, typer.Option(help="Objects that fell (vertical shift > 3x length).")] = 0,
    shake: Annotated[str, typer.Option(help="Camera shake: none, slight or obvious.")] = "none",
    as_json: JsonOpt = False,
    config_file: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Rate an intensity from object counts alone (Table 3 and the corrections of section 4.4)."""
    cfg = _load_config(config_file, overrides)
    if shake not in SHAKE_LEVELS:
        raise InputError(f"--shake must be one of {', '.join(SHAKE_LEVELS)}, got {shake!r}")
    m, t = _counts(moved, "moved"), _counts(total, "total")
    r = rate_intensity(m, t, falls=falls, shake=shake, config=cfg.intensity)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps({"intensity": r.intensity, "intensity_roman": r.roman, "meaning": r.meaning,
                               "initial_intensity": r.initial, "rule": r.rule, "corrections": list(r.corrections),
                               "classes": {c: {"moved": a, "total": b, "fraction": round(f, 6)}
                                           for c, a, b, f in zip(OBJECT_CLASSES, m, t, r.fractions)},
                               "falls": falls, "shake_level": shake}, indent=2))
    else:
        typer.echo("\n".join(_rating_lines(r, m, t, falls, shake)))


def _print_assessment(a: Assessment) -> None:
    if a.shake is not None:
        sh = a.shake
        typer.echo(f"camera shake: {sh.level} (a = {sh.mean_distance_px:.2f} px over {sh.stable_matches} stable matches); "
                   f"compensated by rotation {sh.rotation_deg:+.3f} deg, translation "
                   f"({sh.translation_px[0]:+.2f}, {sh.translation_px[1]:+.2f}) px")
    if a.crop is not None:
        x, y, w, h = a.crop
        typer.echo(f"common valid area after compensation: {w}x{h} at ({x}, {y})")
    if a.status == "rejected":
        typer.echo(f"rejected: {a.reason}")
    elif a.status == "incomplete":
        typer.echo(f"incomplete: {a.reason}")
    else:
        assert a.rating is not None
        moved = tuple(a.classes[c].moved if c in a.classes else 0 for c in OBJECT_CLASSES)
        total = tuple(a.classes[c].total if c in a.classes else 0 for c in OBJECT_CLASSES)
        typer.echo("\n".join(_rating_lines(a.rating, moved, total, a.falls, a.shake.level if a.shake else "none")))
    if "people_models" in a.inputs:
        m = a.inputs["people_models"]
        typer.echo(f"people removed (2.4): {len(a.people_removed)} "
                   f"[{m['detector']}, {m['segmenter']}, {m['inpainter']}; "
                   f"{a.timings_ms.get('people', 0.0):.0f} ms]")
        for p in a.people_removed:
            b = p["box"]
            typer.echo(f"  {p['frame']}: ({b['x0']:.0f}, {b['y0']:.0f})-({b['x1']:.0f}, {b['y1']:.0f}) score {b['score']:.2f}")
    for note in a.inputs.get("notes", []):
        typer.echo(f"note: {note}")
    for fb in a.fallbacks:
        typer.echo(f"fallback: {fb}")


@app.command()
def assess(
    pre: Annotated[Path, typer.Argument(help="Last frame before the shaking.")],
    post: Annotated[Path, typer.Argument(help="First frame after the shaking settled.")],
    as_json: JsonOpt = False,
    save: Annotated[Optional[Path], typer.Option(help="Directory for report.json and overlay.png.")] = None,
    people: Annotated[bool, typer.Option("--people/--no-people",
                                         help="Remove people from both frames first (paper 2.4).")] = True,
    detector: Annotated[Optional[Path], typer.Option(help="YOLOv8 ONNX file (default: OpenCV's HOG detector).")] = None,
    segmenter_encoder: Annotated[Optional[Path], typer.Option(help="SAM encoder ONNX file.")] = None,
    segmenter_decoder: Annotated[Optional[Path], typer.Option(help="SAM decoder ONNX file (default "
                                                              "segmenter without both: GrabCut).")] = None,
    nn_runtime: Annotated[str, typer.Option(help="Runtime for the ONNX files: onnxruntime (CPU) or tensorrt "
                                                 "(GPU; engines built and cached on first use).")] = "onnxruntime",
    config_file: ConfigOpt = None,
    overrides: SetOpt = None,
    backend: Annotated[str, typer.Option(help="cpu, gpu (the segmentation's frame-wide masks on the CUDA "
                                              "device) or auto (gpu when one is usable).")] = "cpu",
) -> None:
    """Assess the intensity shown by a pre/post pair of frames."""
    from .pipeline import assess as run
    from .stages.people import PeopleRemover

    cfg = _load_config(config_file, overrides)
    remover = None
    if people:
        if nn_runtime not in ("onnxruntime", "tensorrt"):
            raise InputError(f"--nn-runtime must be onnxruntime or tensorrt, got {nn_runtime!r}")
        remover = PeopleRemover.from_models(detector=detector, segmenter_encoder=segmenter_encoder,
                                            segmenter_decoder=segmenter_decoder, runtime=nn_runtime,
                                            config=cfg.people)
    elif detector or segmenter_encoder or segmenter_decoder:
        raise InputError("--no-people turns people removal off; it cannot be combined with model files")
    a = run(pre, post, config=cfg, people=remover, backend=backend)
    if save is not None:
        a.save_json(save / "report.json")
        _save_overlay(save / "overlay.png", post, a, cfg)
    typer.echo(a.to_json()) if as_json else _print_assessment(a)
    raise typer.Exit({"ok": EXIT_OK, "rejected": EXIT_REJECTED, "incomplete": EXIT_STAGE_MISSING}[a.status])


engines_app = typer.Typer(help="TensorRT engines built from ONNX files (people removal, paper 2.4).",
                          no_args_is_help=True)
app.add_typer(engines_app, name="engines")


@engines_app.command("build")
def engines_build(
    model: Annotated[Path, typer.Argument(help="The ONNX file.")],
    recipe: Annotated[str, typer.Option(help="Recipe name in engines/ (yolov8, sam_encoder, sam_decoder) "
                                             "or a .toml path.")],
    cache: Annotated[Optional[Path], typer.Option(help="Engine cache directory (default: the user cache).")] = None,
) -> None:
    """Build (or find up to date in the cache) the TensorRT engine for one ONNX model."""
    from .nn.tensorrt import ensure_engine, load_recipe

    plan = ensure_engine(model, load_recipe(recipe), cache=cache)
    typer.echo(f"engine: {plan}  (sidecar {plan.with_suffix('.json')})")


@engines_app.command("list")
def engines_list(
    cache: Annotated[Optional[Path], typer.Option(help="Engine cache directory (default: the user cache).")] = None,
) -> None:
    """List the cached engines and what each was built from and for."""
    from .nn.tensorrt import EngineMeta, cache_dir

    root = cache or cache_dir()
    sidecars = sorted(root.glob("*.json")) if root.is_dir() else []
    if not sidecars:
        typer.echo(f"no engines in {root}")
        return
    for side in sidecars:
        try:
            m = EngineMeta.from_json(side.read_text(encoding="utf-8"))
        except (ValueError, TypeError):
            typer.echo(f"{side.stem}: unreadable sidecar (it will be rebuilt when used)")
            continue
        typer.echo(f"{side.stem}: {m.model_name} sha256 {m.model_sha256[:12]}, {m.precision}, "
                   f"compute {m.compute_capability}, TensorRT {m.tensorrt_version}")


@app.command("config")
def show_config(config_file: ConfigOpt = None, overrides: SetOpt = None,
                as_json: JsonOpt = False) -> None:
    """Print every constant of the method with where it comes from."""
    cfg = _load_config(config_file, overrides)
    if as_json:
        typer.echo(json.dumps(cfg.to_dict(), indent=2))
        return
    for name, value, source in cfg.sources():
        shown = value if not isinstance(value, tuple) or len(value) < 4 else f"({len(value)} entries)"
        typer.echo(f"{name} = {shown}\n    {source}")


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Directory for pre.png, post.png and truth.json.")],
    intensity: Annotated[int, typer.Option(help="Intensity the scene's truth rates, 5..9.")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed (deterministic).")] = 0,
    shake: Annotated[str, typer.Option(help="Camera shake level: none, slight, obvious.")] = "none",
    falls: Annotated[bool, typer.Option(help="Drop an object off a shelf (final VII).")] = False,
    lighting: Annotated[float, typer.Option(help="Post-frame lighting change 0..1.")] = 0.0,
    noise: Annotated[float, typer.Option(help="Sensor noise sigma (grey levels).")] = 0.0,
    jpeg: Annotated[Optional[int], typer.Option(help="JPEG quality of both frames.")] = None,
) -> None:
    """Render a synthetic room pair with known truth (the project's test data)."""
    import cv2

    from .synth import render_intensity

    if shake not in SHAKE_LEVELS:
        raise InputError(f"--shake must be one of {', '.join(SHAKE_LEVELS)}, got {shake!r}")
    pair = render_intensity(intensity, seed=seed, falls=falls, shake=shake,  # type: ignore[arg-type]
                            lighting=lighting, noise_sigma=noise, jpeg_quality=jpeg)
    out.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out / "pre.png"), pair.pre)
    cv2.imwrite(str(out / "post.png"), pair.post)
    (out / "truth.json").write_text(json.dumps(pair.truth.to_dict(), indent=2) + "\n", encoding="utf-8")
    t = pair.truth
    typer.echo(f"wrote {out}/pre.png, post.png, truth.json: intensity {t.rating.roman} ({t.rating.rule}), "
               f"moved {t.moved} of {t.total}, falls {t.falls}, shake {t.shake_level}")


def _save_overlay(path: Path, post: Path | Any, a: Assessment, cfg: Config) -> None:
    """The evidence drawn on the registered post frame (working size)."""
    import cv2

    from .io import load_frame, to_working_size
    from .report import registered_post, render_overlay
    from .stages.depth import DepthRegions

    image = to_working_size(load_frame(post, name="post", config=cfg.frame).image, config=cfg.frame)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if a.shake is not None:
        image = registered_post(image, a.shake)
    overlay = render_overlay(image, a, regions=DepthRegions(image.shape[:2], config=cfg.depth))
    if a.crop is not None:
        x, y, w, h = a.crop
        cv2.rectangle(overlay, (x, y), (x + w - 1, y + h - 1), (0, 255, 255), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), overlay)


@app.command(name="eval")
def eval_(
    out: Annotated[Path, typer.Option(help="JSON result file.")] = Path("eval-out/accuracy.json"),
    rooms: Annotated[int, typer.Option(min=0, help="Room (low-complexity) pairs per intensity.")] = 8,
    stores: Annotated[int, typer.Option(min=0, help="Store (high-complexity) pairs per intensity.")] = 4,
    people: Annotated[int, typer.Option(min=0, help="Room pairs with people walking through, per intensity "
                                                    "(assessed with the built-in people remover).")] = 2,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Processes (default: every core).")] = None,
    first_seed: Annotated[list[int], typer.Option(
        min=0, help="First scene seed: 0 is the development set; a seed range never looked at measures "
                    "unseen scenes. Repeat it for several sets in one run.")] = [0],  # noqa: B006
    compare: Annotated[Optional[Path], typer.Option(help="An earlier result file of the same cases: print the "
                                                         "pairs whose rating changed and both sets' totals.")] = None,
    exposure: Annotated[float, typer.Option(min=0.01, help="Both frames' grey levels times this (0.6: the scenes "
                                                           "shot dim); compare with a run at 1 to see what poor "
                                                           "light costs.")] = 1.0,
) -> None:
    """Score the engine on rendered scenes with known truth (exact / within one degree)."""
    from .evaluate import cases, check_result, compare_results, evaluate, format_comparison, format_table, write_result

    base = None
    if compare is not None:  # read first: a bad file fails before minutes of rendering
        try:
            base = json.loads(compare.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputError(f"{compare}: cannot read an eval result to compare with "
                             f"({type(e).__name__}: {e})") from None
        try:
            check_result(base, "earlier")
        except InputError as e:
            raise InputError(f"{compare}: {e}") from None
    selected = [c for s in dict.fromkeys(first_seed)
                for c in cases(rooms, stores, people, first_seed=s, exposure=exposure)]
    typer.echo(f"evaluating {len(selected)} rendered pairs ...")
    outcomes, summary = evaluate(selected, workers=workers)
    write_result(outcomes, summary, out)
    typer.echo(format_table(summary))
    typer.echo(f"result: {out}")
    if base is not None:
        typer.echo(format_comparison(compare_results(base, json.loads(out.read_text(encoding="utf-8")))))


@app.command()
def bench(
    out: Annotated[Path, typer.Option(help="Directory for the JSON result and the chart.")] = Path("bench/results"),
    pairs: Annotated[int, typer.Option(min=1, help="Rendered pairs (two rooms to one store).")] = 12,
    repeats: Annotated[int, typer.Option(min=1, help="Warm passes over the pairs.")] = 3,
    workers: Annotated[int, typer.Option(min=0, help="Processes for the batch run (0: every core).")] = 0,
    backend: Annotated[str, typer.Option(help="cpu, gpu or auto: where assess() runs what it can "
                                              "(see fastiesi assess --help).")] = "cpu",
    cold: Annotated[bool, typer.Option("--cold/--no-cold", help="Also time a fresh interpreter.")] = True,
    baseline: Annotated[int, typer.Option(min=0, help="Pairs to run through the plain baseline "
                                                      "(bench/baseline.py; needs scikit-learn).")] = 2,
) -> None:
    """Measure latency per stage, throughput, cold start and memory on this machine."""
    from .benchmark import BenchSettings, format_table, run_benchmark, write_result

    typer.echo(f"benchmarking {pairs} rendered pairs x {repeats} ...")
    r = run_benchmark(BenchSettings(pairs=pairs, repeats=repeats, workers=workers, backend=backend, cold=cold,
                                    baseline_pairs=baseline))
    j, png = write_result(r, out)
    typer.echo(format_table(r))
    typer.echo(f"result: {j}  chart: {png}")


@app.command()
def demo(out: Annotated[Path, typer.Option(help="Where the demo writes its files.")] = Path("demo-out")) -> None:
    """Render a synthetic room with camera shake, a fall and a person walking in, then assess it."""
    import cv2

    from .pipeline import assess as run
    from .report import render_overlay
    from .stages.depth import DepthRegions
    from .stages.people import PeopleRemover
    from .synth import render_intensity

    pair = render_intensity(7, seed=1, falls=True, shake="slight", noise_sigma=2.0, jpeg_quality=90, people=(0, 1))
    out.mkdir(parents=True, exist_ok=True)
    pre_p, post_p = out / "pre.jpg", out / "post.jpg"
    cv2.imwrite(str(pre_p), pair.pre)
    cv2.imwrite(str(post_p), pair.post)
    t = pair.truth
    (out / "truth.json").write_text(json.dumps(t.to_dict(), indent=2) + "\n", encoding="utf-8")
    typer.echo(f"synthetic pair: {pre_p} {post_p} (truth in {out / 'truth.json'})")
    typer.echo(f"truth: shake {t.shake_level} ({t.shake_deg:+.2f} deg, {t.shake_px[0]:+.1f},{t.shake_px[1]:+.1f} px); "
               f"a person walked in: {', '.join(f'({x}, {y}) {w}x{h}' for x, y, w, h in t.people_post) or 'none'}")
    typer.echo("\n".join("  " + ln for ln in _rating_lines(t.rating, t.moved, t.total, t.falls, t.shake_level)))
    truth_view = Assessment(status="ok", intensity=t.intensity, rating=t.rating)
    overlay = render_overlay(pair.post, truth_view, regions=DepthRegions(pair.post.shape[:2]))
    cv2.imwrite(str(out / "truth_regions.png"), overlay)
    typer.echo(f"depth regions drawn on the post frame: {out / 'truth_regions.png'}")
    typer.echo(f"\nfastiesi assess {pre_p} {post_p}  (people removal: the built-in default, no model files):")
    a = run(pre_p, post_p, people=PeopleRemover.default())
    _print_assessment(a)
    if a.shake is not None:
        # The truth maps pre -> post; the engine reports post -> pre. Compare where each sends
        # the frame centre back.
        import numpy as np

        truth = np.array(t.affine_pre_to_post)
        c = np.array([pair.pre.shape[1] / 2, pair.pre.shape[0] / 2])
        measured = np.array(a.shake.translation_px) + np.array(
            [[np.cos(np.radians(a.shake.rotation_deg)), -np.sin(np.radians(a.shake.rotation_deg))],
             [np.sin(np.radians(a.shake.rotation_deg)), np.cos(np.radians(a.shake.rotation_deg))]]) @ (truth[:, :2] @ c + truth[:, 2])
        typer.echo(f"check against truth: rotation error {abs(a.shake.rotation_deg + t.shake_deg):.3f} deg, "
                   f"centre registered to within {np.linalg.norm(measured - c):.2f} px")
    typer.echo("truth vs detected moved/total per class: "
               + "; ".join(f"{c}: {tm}/{tt} vs {a.classes[c].moved}/{a.classes[c].total}"
                           for c, tm, tt in zip(OBJECT_CLASSES, t.moved, t.total) if c in a.classes))
    typer.echo(f"truth intensity {ROMAN[t.intensity]}, assessed {a.intensity_roman}")
    _save_overlay(out / "overlay.png", post_p, a, DEFAULT_CONFIG)
    a.save_json(out / "report.json")
    typer.echo(f"overlay: {out / 'overlay.png'}  report: {out / 'report.json'}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every FastIesiError to its exit code and message, never a traceback."""
    try:
        app(args=argv, prog_name="fastiesi")
    except FastIesiError as exc:
        _err(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("FASTIESI_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set FASTIESI_DEBUG=1 for the traceback)")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":  # pragma: no cover
    main()
