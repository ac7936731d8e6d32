"""Where a page's chart labels are drawn, read in Chromium: whether any is cut or covered.

2D charts draw their tick labels, axis titles and legends in SVG, so their boxes are read from the
DOM. A 3D scene draws its labels in WebGL: its ticks are projected with the scene's own camera
matrices (to tell ticks piled on each other), and a label cut at the scene's edge is seen in the
pixels (scene_edges_cut).
"""

from __future__ import annotations

import io

import numpy as np

# Every 2D chart in the page: labels outside their chart's box (cut by it), axis titles or the
# legend over a tick label, and tick labels of one axis over each other. Annotations (a map's own
# title, a note, the name of a shaded region) count as labels too: cut at the chart's edge, over
# another annotation, a tick label or an axis title, or under the legend. Boxes in CSS px; 1 px of
# slack for anti-aliasing.
LABELS_2D = """() => {
  const problems = [];
  const key = (gd) => {
    const keyed = gd.closest('[class*="st-key-"]');
    const name = keyed && [...keyed.classList].find((c) => c.startsWith('st-key-'));
    return name || `chart ${[...document.querySelectorAll('.js-plotly-plot')].indexOf(gd)}`;
  };
  const boxOf = (element) => {
    const b = element.getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom, w: b.width, h: b.height};
  };
  const shown = (element) => {
    const b = element.getBoundingClientRect();
    if (b.width < 1 || b.height < 1 || !element.textContent.trim()) return false;
    for (let node = element; node && node.tagName !== 'svg'; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') {
        return false;
      }
    }
    return true;
  };
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  let charts = 0;
  for (const gd of document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')) {
    if (!gd._fullLayout || gd.offsetParent === null) continue;
    charts += 1;
    const chart = boxOf(gd);
    const name = key(gd);
    const ticks = [];
    for (const axis of gd.querySelectorAll('.xaxislayer-above, .yaxislayer-above, .cbaxis')) {
      const labels = [...axis.querySelectorAll('text')].filter(shown);
      labels.forEach((label) => ticks.push({axis, text: label.textContent, box: boxOf(label)}));
    }
    const titles = [...gd.querySelectorAll('.infolayer text')]
      .filter((t) => t.closest('[class^="g-x"], [class^="g-y"], .g-gtitle, .cbtitle'))
      .filter(shown)
      .map((t) => ({text: t.textContent, box: boxOf(t)}));
    // Annotations: the charts' own titles over each map, notes, labels of shaded regions.
    const notes = [...gd.querySelectorAll('.infolayer .annotation text.annotation-text')]
      .filter(shown)
      .map((t) => ({text: t.textContent, box: boxOf(t)}));
    for (const label of ticks.concat(titles, notes)) {
      const b = label.box;
      if (b.left < chart.left - 1 || b.right > chart.right + 1 ||
          b.top < chart.top - 1 || b.bottom > chart.bottom + 1) {
        problems.push(`${name}: "${label.text}" is cut at the chart's edge`);
      }
    }
    for (const title of titles) {
      for (const tick of ticks) {
        if (overlap(title.box, tick.box)) {
          problems.push(`${name}: the title "${title.text}" covers the tick "${tick.text}"`);
        }
      }
    }
    for (let i = 0; i < notes.length; i++) {
      for (const label of ticks.concat(titles, notes.slice(i + 1))) {
        if (overlap(notes[i].box, label.box)) {
          problems.push(`${name}: the annotation "${notes[i].text}" and "${label.text}" overlap`);
        }
      }
    }
    for (let i = 0; i < ticks.length; i++) {
      for (let j = i + 1; j < ticks.length; j++) {
        if (ticks[i].axis === ticks[j].axis && overlap(ticks[i].box, ticks[j].box)) {
          problems.push(`${name}: the ticks "${ticks[i].text}" and "${ticks[j].text}" overlap`);
        }
      }
    }
    const legend = gd.querySelector('.legend .bg');
    if (legend && shown(gd.querySelector('.legend'))) {
      const box = boxOf(legend);
      for (const label of ticks.concat(titles, notes)) {
        if (overlap(box, label.box)) {
          problems.push(`${name}: the legend covers "${label.text}"`);
        }
      }
    }
  }
  return {charts, problems};
}"""

# Every 3D scene in the page: its box in its chart (CSS px: the plot area's part that the scene's
# domain gives it, where WebGL draws and cuts), the legend's rows in that box, and for each axis
# the least distance on screen between the anchors of two neighbouring tick labels and the
# labels' font size. The ticks are projected with the scene's model, view and projection
# matrices, on the edge of the box where the axis draws them (gl-axes3d's cubeEdges: for each
# axis, the corner of the box its line starts from, one bit per coordinate).
SCENES_3D = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
  .filter((gd) => gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene)
  .map((gd, n) => {
    gd.dataset.labelTest = String(n);
    const full = gd._fullLayout, size = full._size, domain = full.scene.domain;
    const box = [size.l + domain.x[0] * size.w, size.t + (1 - domain.y[1]) * size.h,
                 size.l + domain.x[1] * size.w, size.t + (1 - domain.y[0]) * size.h];
    const chart = gd.getBoundingClientRect();
    const legend = gd.querySelector('.legend');
    const rows = legend && legend.getBoundingClientRect();
    const plot = full.scene._scene.glplot, axes = plot.axes, camera = plot.cameraParams;
    const bounds = axes.bounds, edges = (axes.lastCubeProps || {cubeEdges: [0, 0, 0]}).cubeEdges;
    const apply = (m, v) => [0, 1, 2, 3].map((r) =>
      m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r] * v[3]);
    const width = box[2] - box[0], height = box[3] - box[1];
    const screen = (point) => {
      const clip = apply(camera.projection, apply(camera.view, apply(camera.model,
        [point[0], point[1], point[2], 1])));
      return [(clip[0] / clip[3] + 1) * width / 2, (1 - clip[1] / clip[3]) * height / 2];
    };
    const spacing = [0, 1, 2].map((i) => {
      const ticks = axes.ticks[i] || [];
      const anchors = ticks.map((tick) => {
        const point = [0, 1, 2].map((j) => (j === i ? tick.x : bounds[(edges[i] >> j) & 1][j]));
        return screen(point);
      });
      let least = Infinity;
      for (let k = 1; k < anchors.length; k++) {
        least = Math.min(least, Math.hypot(anchors[k][0] - anchors[k - 1][0],
                                           anchors[k][1] - anchors[k - 1][1]));
      }
      return {axis: 'xyz'[i], ticks: ticks.map((t) => t.text), least, font: axes.tickSize[i]};
    });
    return {
      selector: `[data-label-test="${n}"]`,
      box,
      legend: rows ? [rows.top - chart.top, rows.bottom - chart.top] : null,
      spacing,
    };
  })"""


DARK = 110  # how far from the paper's colour a pixel of a label is (the zero lines: 102)


def scene_edges_cut(png: bytes, box: list[float], legend: list[float] | None, scale: float):
    """The sides ("left", "top", "right", "bottom") of a 3D scene's box at which something dark
    touches the edge, i.e. is cut there, in the PNG of its chart (`scale` device px per CSS px):
    a label (text is #111 on white), a dark part of a surface. The light grid (#d9d9d9) and the
    zero lines (#999) may run to the edge. The legend's rows do not count."""
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    ink = np.abs(image - image[2, 2]).max(axis=2) > DARK
    if legend is not None:
        ink[max(int(legend[0] * scale), 0) : int(legend[1] * scale) + 1, :] = False
    left, top, right, bottom = (round(v * scale) for v in box)
    part = ink[top:bottom, left:right]
    edges = {
        "left": part[:, :2],
        "top": part[:2, :],
        "right": part[:, -2:],
        "bottom": part[-2:, :],
    }
    return [side for side, strip in edges.items() if strip.any()]
