"""Figures a reader who cannot see them, or sees colours differently, can still read: alt text
that says what a chart shows, and palettes that stay distinct under colour-vision deficiency."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from assessment import figures, present  # noqa: E402
from assessment.sections import communities  # noqa: E402

SRC = Path(figures.__file__).parent


# --- alt text ----------------------------------------------------------------------------------


def test_bar_chart_alt_text_names_the_largest_and_smallest_bars():
    values = pd.Series({"Food": 35830.0, "Paper": 2200.0, "Machinery": 5100.0,
                        "Chemicals": 900.0, "Textiles": 466.0})
    fig = figures.horizontal_bars(values, "Jobs by subsector, 2024", "Jobs")
    alt = figures.alt_text(fig)
    plt.close(fig)
    assert alt == ("Bar chart: Jobs by subsector, 2024; horizontal axis Jobs; 5 bars, largest "
                   "Food 35,830; Machinery 5,100; Paper 2,200; smallest Textiles 466.")


def test_line_chart_alt_text_gives_each_series_first_and_last_value():
    series = pd.DataFrame({"Region": [200.0, 210.0, 220.0], "State": [50.0, 45.0, 55.0]},
                          index=[2019, 2020, 2021])
    fig = figures.indexed_trend(series, "Jobs, 2019 = 100", "Index")
    alt = figures.alt_text(fig)
    plt.close(fig)
    # by hand: Region 200 -> 220 is 100 -> 110; State 50 -> 45 -> 55 is 100 -> 90 -> 110
    assert "Line chart: Jobs, 2019 = 100; vertical axis Index" in alt
    assert "Region from 100 to 110 (low 100, high 110)" in alt
    assert "State from 100 to 110 (low 90, high 110)" in alt


def test_own_alt_text_wins_and_present_uses_it(monkeypatch):
    shown = []
    monkeypatch.setattr(present, "display", lambda obj, metadata=None: shown.append((obj,
                                                                                       metadata)))
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    figures.set_alt(fig, "Two   points rising\nfrom 3 to 4.")
    present.figure(fig, caption="Rise", source="hand-made")
    html_out, meta = shown[0]
    assert 'alt="Two points rising from 3 to 4."' in html_out.data
    assert meta["assessment"]["alt"] == "Two points rising from 3 to 4."


def test_a_figure_with_nothing_to_describe_is_refused(monkeypatch):
    monkeypatch.setattr(present, "display", lambda *a, **k: None)
    fig = plt.figure()
    with pytest.raises(ValueError, match="figure 'Blank' has no alt text"):
        present.figure(fig, caption="Blank", source="none")


def test_every_figure_call_in_the_notebooks_goes_through_present_figure():
    """Notebooks show figures only with present.figure (which always sets alt text)."""
    import json

    for nb in sorted((SRC.parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "plt.show" not in code and "display(fig" not in code, nb.name


# --- colour-blind-safe palettes -----------------------------------------------------------------
# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6), table of matrices at severity 1.0 (linear RGB).
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
MIN_DELTA_E = 15.0  # CIE76; 2.3 is just noticeable, ~10 tells areas apart, 15 tells lines apart


def _linear(hex_color: str) -> np.ndarray:
    c = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _closest_pair(colors: list[str], vision: str | None) -> float:
    m = np.eye(3) if vision is None else np.array(MACHADO[vision])
    labs = [_lab(m @ _linear(c)) for c in colors]
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(labs, 2))


PALETTES = {
    "series": figures.PALETTE,
    "disadvantaged-tract categories": list(communities.CATEGORY_COLORS.values()),
    "ordered scale (5 steps)": figures.ordered_colors(5),
}


@pytest.mark.parametrize("vision", [None, *MACHADO])
@pytest.mark.parametrize("name", list(PALETTES))
def test_palette_colours_stay_apart_for_every_kind_of_colour_vision(name, vision):
    assert _closest_pair(PALETTES[name], vision) >= MIN_DELTA_E


def test_the_old_palette_failed_the_same_check():
    """The check has teeth: the palette before Okabe–Ito confused two of its first three
    colours for a protanope."""
    old = ["#1b5e83", "#e07b39", "#6a9f58"]
    assert _closest_pair(old, "protanopia") < MIN_DELTA_E


def _chroma(hex_color: str) -> float:
    lab = _lab(_linear(hex_color))
    return float(np.hypot(lab[1], lab[2]))


def test_no_chart_uses_a_colour_outside_the_checked_palettes():
    """Every colour written into a chart module is a grey (outlines, context, text) or one of
    the palettes above; colour maps are single-hue or cividis."""
    allowed = {c.lower() for p in PALETTES.values() for c in p}
    modules = [SRC / "figures.py", *sorted((SRC / "sections").glob("*.py"))]
    for path in modules:
        text = path.read_text(encoding="utf-8")
        for color in re.findall(r"[\"'](#[0-9a-fA-F]{6})[\"']", text):
            assert color.lower() in allowed or _chroma(color) < 12, f"{path.name}: {color}"
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "cmap" and isinstance(
                    node.value, ast.Constant):
                assert node.value.value in ("Blues", "Greys", "cividis", "viridis"), path.name
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_cmap"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                assert node.args[0].value in ("Blues", "Greys", "cividis", "viridis")


def test_text_on_a_colour_picks_the_more_readable_of_white_and_black():
    assert figures.text_color_on("#00224e") == "white"   # dark cividis end
    assert figures.text_color_on("#fee838") == "#222222"  # light cividis end
