// Live chart: one Plotly chart that stays mounted across reruns and moves its point in place.
//
// Two mounts of this component work on one chart (ui/shell/live_chart.py):
// - the "base" mount draws the chart into its own element: what depends on the function, the
//   window and the resolution (the surface, the filled contours, the level-curve grid). Its data
//   only changes with those, so a rerun after a point move sends Streamlit's short ref instead.
// - the "point" mount (zero height) carries what moves with the point: Python's traces for the
//   current point, the notes, the level. It is a few kilobytes.
// Both are modules of one definition, loaded once per page: the `charts` map below is shared.
//
// While a person drags the point (or presses the arrow keys on a focused chart), this module
// evaluates f, ∂f/∂x, ∂f/∂y itself with the function body core compiled and checked
// (core/javascript.py: only numbers, x, y, operators and allowlisted Math calls) and redraws the
// moving traces with Plotly.react, restyling copies of the server's own traces. Nothing goes to
// the server until the drag ends; then one trigger ("moved") reruns the script, whose answer
// replaces the preview. The chart itself is never remounted: one WebGL context, the camera kept.
//
// Each chart says which moving traces the browser computes (`moving` in its base data: e.g.
// ["gradient", "point", "quadratic"]; by default Explore's set for its kind). A page with several
// charts may load this module once (an "engine" element) and mount its charts through a few-line
// stub (live_stub.js), and send its grid once (a "grid" element) for every chart that draws it.

const CLICK_SLOP_PX = 5; // a pointer that moved more than this between down and up was a drag
const GRAB_PX = 28; // a press this close to the point's marker grabs it (2D)
const KEY_STEP_SHARE = 0.01; // an arrow key moves the point by this share of the window
const KEY_COMMIT_MS = 450; // after the last arrow key, the move is sent to the server
const PLOTLY_WAIT_MS = 4000;

// chart id -> {gd, base, point, live, evaluate, preview, frame}
const charts = new Map();

function chartState(id) {
  if (!charts.has(id)) charts.set(id, { id });
  return charts.get(id);
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

// window.Plotly is set by Streamlit's own Plotly chunk (the build its st.plotly_chart uses). A
// page with a st.plotly_chart loads it anyway; otherwise it is imported here from its URL.
let plotlyPromise = null;
function plotly(chunkUrl) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const started = performance.now();
      let imported = false;
      const poll = () => {
        if (window.Plotly) return resolve(window.Plotly);
        if (!imported && chunkUrl && performance.now() - started > 150) {
          imported = true;
          import(new URL(chunkUrl, document.baseURI).href).catch(() => {});
        }
        if (performance.now() - started > PLOTLY_WAIT_MS) return reject(new Error("no Plotly"));
        requestAnimationFrame(poll);
      };
      poll();
    });
  }
  return plotlyPromise;
}

// --- evaluation and geometry (the same rules as ui/plots: surface.py, contour.py, axes.py) ------

// The names core allows as parameters (core.parse.PARAMETER_NAMES); a body may take them after x
// and y (core.compile_javascript with bind=False). Nothing else is ever an argument's name.
const PARAMETER_NAMES = new Set([
  "a", "b", "c", "d", "k", "m", "n", "p", "q", "r", "s", "t", "u", "v", "w",
  "alpha", "beta", "gamma", "lambda", "mu", "sigma", "omega", "theta",
]);

// evaluate(x, y) -> [f, fx, fy, ...] at the parameters' current values (`evaluate.values`, which a
// sweep changes); `evaluate.raw(x, y, ...values)` is the body itself, `evaluate.names` its
// parameters' names.
function compile(live) {
  if (!live || typeof live.body !== "string") return null;
  const names = Array.isArray(live.parameters) ? live.parameters : [];
  const values = names.map((_, n) => (Array.isArray(live.values) ? live.values[n] : NaN));
  if (!names.every((name) => PARAMETER_NAMES.has(name)) || new Set(names).size !== names.length) return null;
  if (!values.every(finite)) return null;
  let raw;
  try {
    // The body was generated and allowlist-checked by core/javascript.py, never typed by a person.
    raw = new Function("x", "y", ...names, live.body); // eslint-disable-line no-new-func
  } catch (error) {
    return null;
  }
  const evaluate = names.length ? (x, y) => raw(x, y, ...evaluate.values) : raw;
  evaluate.raw = raw;
  evaluate.names = names;
  evaluate.values = values;
  return evaluate;
}

function linspace(low, high, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i += 1) out[i] = low + ((high - low) * i) / (n - 1);
  return out;
}

function clipLine(t0, z0, slope, tRange, zRange) {
  if (!finite(t0) || !finite(z0) || !finite(slope)) return null;
  const [tLow, tHigh] = tRange;
  const [zLow, zHigh] = zRange;
  let start;
  let end;
  if (slope === 0) {
    if (!(zLow <= z0 && z0 <= zHigh)) return null;
    start = tLow;
    end = tHigh;
  } else {
    const a = t0 + (zLow - z0) / slope;
    const b = t0 + (zHigh - z0) / slope;
    start = Math.max(Math.min(a, b), tLow);
    end = Math.min(Math.max(a, b), tHigh);
    if (!(start < end)) return null;
  }
  return { t: [start, end], z: [z0 + slope * (start - t0), z0 + slope * (end - t0)] };
}

function clipPolygon(polygon, inside) {
  const kept = [];
  for (let i = 0; i < polygon.length; i += 1) {
    const p = polygon[i];
    const q = polygon[(i + 1) % polygon.length];
    const a = inside(p);
    const b = inside(q);
    if (a >= 0) kept.push(p);
    if (a < 0 !== b < 0) {
      const share = a / (a - b);
      kept.push([p[0] + share * (q[0] - p[0]), p[1] + share * (q[1] - p[1])]);
    }
  }
  return kept;
}

function sub(a, b) {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function cross(a, b) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function norm(a) {
  return Math.hypot(a[0], a[1], a[2]);
}

// The arrow of steepest ascent in the tangent plane: tail and tip, or null (gradient_arrow_3d).
function arrow3d(p, g) {
  if (!finite(p.value) || !finite(p.norm) || !(p.norm > 0)) return null;
  const tail = [p.x, p.y, p.value];
  const lows = [g.xlim[0], g.ylim[0], g.zlim[0]];
  const highs = [g.xlim[1], g.ylim[1], g.zlim[1]];
  for (let i = 0; i < 3; i += 1) if (tail[i] < lows[i] || tail[i] > highs[i]) return null;
  const direction = [p.fx / p.norm, p.fy / p.norm, p.norm];
  const perUnit = [0, 1, 2].map((i) => g.aspect[i] / (highs[i] - lows[i]));
  let length = g.arrow3d / norm(direction.map((d, i) => d * perUnit[i]));
  for (let i = 0; i < 3; i += 1) {
    if (direction[i] === 0) continue;
    const room = direction[i] > 0 ? (highs[i] - tail[i]) / direction[i] : (lows[i] - tail[i]) / direction[i];
    if (Number.isFinite(room)) length = Math.min(length, room);
  }
  if (!(length > 0)) return null;
  return { tail, tip: tail.map((v, i) => v + length * direction[i]), lows, perUnit };
}

// The cone of the 3D arrow's head, built in scene units (as _gradient_traces_3d).
function arrowHead(arrow, g) {
  const { tail, tip, lows, perUnit } = arrow;
  const toScene = (p) => p.map((v, i) => (v - lows[i]) * perUnit[i]);
  const shaft = sub(toScene(tip), toScene(tail));
  const span = norm(shaft);
  const axis = shaft.map((v) => v / span);
  const head = Math.min(g.headLength, 0.45 * span);
  const base = toScene(tip).map((v, i) => v - head * axis[i]);
  const helper = Math.abs(axis[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  let across = cross(axis, helper);
  const size = norm(across);
  across = across.map((v) => v / size);
  const across2 = cross(axis, across);
  const radius = (g.headRadius * head) / g.headLength;
  const vertices = [toScene(tip), base];
  for (let s = 0; s < g.headSides; s += 1) {
    const angle = (2 * Math.PI * s) / g.headSides;
    vertices.push(base.map((v, i) => v + radius * (Math.cos(angle) * across[i] + Math.sin(angle) * across2[i])));
  }
  const data = vertices.map((p) => p.map((v, i) => v / perUnit[i] + lows[i]));
  const i = [];
  const j = [];
  const k = [];
  for (let s = 0; s < g.headSides; s += 1) {
    const ring = s + 2;
    const next = ((s + 1) % g.headSides) + 2;
    i.push(0);
    j.push(ring);
    k.push(next);
  }
  for (let s = 0; s < g.headSides; s += 1) {
    const ring = s + 2;
    const next = ((s + 1) % g.headSides) + 2;
    i.push(1);
    j.push(next);
    k.push(ring);
  }
  const shaftEnd = tail.map((v, n) => v + (1 - head / span) * (tip[n] - v));
  return { vertices: data, i, j, k, shaftEnd };
}

function summary(state, x, y) {
  let values;
  try {
    values = state.evaluate(x, y);
  } catch (error) {
    values = [NaN, NaN, NaN, NaN, NaN, NaN];
  }
  const [value, fx, fy, fxx, fxy, fyy] = values;
  const n = Math.hypot(fx, fy);
  return { x, y, value, fx, fy, fxx, fxy, fyy, norm: n };
}

function like(state, meta, changes) {
  const template = state.templates && state.templates.get(meta);
  if (!template) return null;
  const trace = Object.assign({}, template, changes);
  delete trace.browser; // the server's mark on a template without coordinates (serverTraces)
  return trace;
}

// What each kind of chart moves by default (Explore's charts, which say nothing).
const DEFAULT_MOVING = {
  "3d": ["slices", "plane", "gradient", "point"],
  "2d": ["slices", "gradient", "point", "level"],
};

function movingOf(state) {
  const given = state.base && state.base.moving;
  return Array.isArray(given) ? given : DEFAULT_MOVING[state.base.kind] || [];
}

function evaluateAt(state, x, y) {
  try {
    return state.evaluate(x, y)[0];
  } catch (error) {
    return NaN;
  }
}

// The t samples of core.directional_slice: n of them over [low, high], t = 0 one of them.
function chordSamples(low, high, n) {
  let below = low < 0 ? Math.max(1, Math.round(((n - 1) * -low) / (high - low))) : 0;
  below = high > 0 ? Math.min(below, n - 2) : n - 1;
  return linspace(low, 0, below + 1).slice(0, -1).concat(linspace(0, high, n - below));
}

// core.geometry._chord: where (x, y) + t u lies in the window (the point inside it), else half
// the window's shorter side each way.
function chord(x, y, u, g) {
  let low = -Infinity;
  let high = Infinity;
  for (const [start, step, [lo, hi]] of [[x, u[0], g.xlim], [y, u[1], g.ylim]]) {
    if (step === 0) {
      if (!(lo <= start && start <= hi)) {
        low = Infinity;
        high = -Infinity;
      }
      continue;
    }
    const a = (lo - start) / step;
    const b = (hi - start) / step;
    low = Math.max(low, Math.min(a, b));
    high = Math.min(high, Math.max(a, b));
  }
  if (low <= 0 && 0 <= high && low < high) return [low, high];
  const half = Math.min(g.xlim[1] - g.xlim[0], g.ylim[1] - g.ylim[0]) / 2;
  return [-half, half];
}

function unitOf(params) {
  const angle = params && finite(params.angle) ? params.angle : 0;
  return [Math.cos(angle), Math.sin(angle)];
}

// The 3D builders: each adds copies of the server's traces for the point p. `ctx` holds the
// chart state, its geometry, the point's summary and the server's parameters (angle, radius).
const BUILDERS_3D = {
  slices(ctx, out) {
    const { state, g, p, show } = ctx;
    if (!show.slices) return;
    const { x, y } = p;
    for (const variable of ["x", "y"]) {
      const alongX = variable === "x";
      const range = alongX ? g.xlim : g.ylim;
      const fixed = alongX ? y : x;
      const t = linspace(range[0], range[1], g.samples);
      const values = t.map((v) => ctx.inZ(alongX ? evaluateAt(state, v, fixed) : evaluateAt(state, fixed, v)));
      const fixedArray = t.map(() => fixed);
      const corners = alongX ? [g.xlim[0], g.xlim[1], g.xlim[1], g.xlim[0]] : [g.ylim[0], g.ylim[1], g.ylim[1], g.ylim[0]];
      const level = [fixed, fixed, fixed, fixed];
      const cut = alongX ? { x: corners, y: level } : { x: level, y: corners };
      cut.z = [g.zlim[0], g.zlim[0], g.zlim[1], g.zlim[1]];
      out.push(like(state, `cutting plane ${variable}`, cut));
      out.push(like(state, `slice ${variable}`, alongX ? { x: t, y: fixedArray, z: values } : { x: fixedArray, y: t, z: values }));
      const slope = alongX ? p.fx : p.fy;
      const segment = finite(p.value) ? clipLine(alongX ? x : y, p.value, slope, range, g.zlim) : null;
      if (segment) {
        out.push(
          like(
            state,
            `tangent ${variable}`,
            alongX ? { x: segment.t, y: [fixed, fixed], z: segment.z } : { x: [fixed, fixed], y: segment.t, z: segment.z },
          ),
        );
      }
    }
  },
  plane(ctx, out) {
    const { state, g, p, show } = ctx;
    if (!show.plane || !finite(p.value) || !finite(p.fx) || !finite(p.fy)) return;
    const { x, y } = p;
    const reachX = g.planeReach * (g.xlim[1] - g.xlim[0]);
    const reachY = g.planeReach * (g.ylim[1] - g.ylim[0]);
    const x0 = Math.max(g.xlim[0], x - reachX);
    const x1 = Math.min(g.xlim[1], x + reachX);
    const y0 = Math.max(g.ylim[0], y - reachY);
    const y1 = Math.min(g.ylim[1], y + reachY);
    const plane = (q) => p.value + p.fx * (q[0] - x) + p.fy * (q[1] - y);
    if (!(x0 < x1 && y0 < y1)) return;
    let polygon = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    polygon = clipPolygon(polygon, (q) => plane(q) - g.zlim[0]);
    polygon = clipPolygon(polygon, (q) => g.zlim[1] - plane(q));
    if (polygon.length < 3) return;
    const fan = polygon.slice(1, -1).map((_, n) => n + 1);
    out.push(
      like(state, "tangent plane", {
        x: polygon.map((q) => q[0]),
        y: polygon.map((q) => q[1]),
        z: polygon.map(plane),
        i: fan.map(() => 0),
        j: fan,
        k: fan.map((n) => n + 1),
      }),
    );
  },
  gradient(ctx, out) {
    const { state, g, p } = ctx;
    const arrow = arrow3d(p, g);
    if (!arrow) return;
    const head = arrowHead(arrow, g);
    out.push(
      like(state, "gradient", {
        x: [arrow.tail[0], head.shaftEnd[0]],
        y: [arrow.tail[1], head.shaftEnd[1]],
        z: [arrow.tail[2], head.shaftEnd[2]],
      }),
    );
    out.push(
      like(state, "gradient head", {
        x: head.vertices.map((v) => v[0]),
        y: head.vertices.map((v) => v[1]),
        z: head.vertices.map((v) => v[2]),
        i: head.i,
        j: head.j,
        k: head.k,
      }),
    );
  },
  // Q (and L, hidden until its legend entry is clicked) over the square of half-width `radius`
  // around the point, cut where it leaves the z range (pages/second_order/figures_taylor.py).
  quadratic(ctx, out) {
    const { state, g, p, params } = ctx;
    const defined = [p.value, p.fx, p.fy, p.fxx, p.fxy, p.fyy].every(finite);
    const radius = params.radius;
    if (!defined || !finite(radius)) return;
    const xLow = Math.max(g.xlim[0], p.x - radius);
    const xHigh = Math.min(g.xlim[1], p.x + radius);
    const yLow = Math.max(g.ylim[0], p.y - radius);
    const yHigh = Math.min(g.ylim[1], p.y + radius);
    if (!(xLow < xHigh && yLow < yHigh)) return;
    const xs = linspace(xLow, xHigh, g.patchSamples);
    const ys = linspace(yLow, yHigh, g.patchSamples);
    const cut = (z) => (finite(z) && z >= g.zlim[0] && z <= g.zlim[1] ? z : NaN);
    const quadratic = (x, y) => {
      const dx = x - p.x;
      const dy = y - p.y;
      const linear = p.fx * dx + p.fy * dy;
      return p.value + linear + 0.5 * (p.fxx * dx * dx + 2 * p.fxy * dx * dy + p.fyy * dy * dy);
    };
    const plane = (x, y) => p.value + p.fx * (x - p.x) + p.fy * (y - p.y);
    const patch = (meta, fn) => {
      const template = state.templates && state.templates.get(meta);
      if (!template) return null;
      const lines = (axis, low, high) =>
        Object.assign({}, template.contours && template.contours[axis], { start: low, end: high, size: (high - low) / 8 });
      const contours = Object.assign({}, template.contours, { x: lines("x", xLow, xHigh), y: lines("y", yLow, yHigh) });
      return like(state, meta, { x: xs, y: ys, z: ys.map((y) => xs.map((x) => cut(fn(x, y)))), contours });
    };
    out.push(patch("quadratic", quadratic));
    out.push(patch("plane patch", plane));
  },
  // The vertical plane along u through the point, the curve it cuts and its tangent line of
  // slope D_u f (pages/second_order/figures_direction.py).
  direction(ctx, out) {
    const { state, g, p, params } = ctx;
    const { x, y } = p;
    if (!(g.xlim[0] <= x && x <= g.xlim[1] && g.ylim[0] <= y && y <= g.ylim[1])) return;
    const u = unitOf(params);
    const [low, high] = chord(x, y, u, g);
    const t = chordSamples(low, high, g.directionSamples);
    const xs = t.map((v) => x + v * u[0]);
    const ys = t.map((v) => y + v * u[1]);
    const ends = [xs[0], xs[xs.length - 1]];
    const endsY = [ys[0], ys[ys.length - 1]];
    out.push(
      like(state, "cutting plane u", {
        x: [ends[0], ends[1], ends[1], ends[0]],
        y: [endsY[0], endsY[1], endsY[1], endsY[0]],
        z: [g.zlim[0], g.zlim[0], g.zlim[1], g.zlim[1]],
      }),
    );
    out.push(like(state, "slice u", { x: xs, y: ys, z: xs.map((v, n) => ctx.inZ(evaluateAt(state, v, ys[n]))) }));
    const slope = p.fx * u[0] + p.fy * u[1];
    const segment = clipLine(0, p.value, slope, [t[0], t[t.length - 1]], g.zlim);
    if (segment) {
      out.push(
        like(state, "tangent u", {
          x: segment.t.map((v) => x + v * u[0]),
          y: segment.t.map((v) => y + v * u[1]),
          z: segment.z,
        }),
      );
    }
  },
  point(ctx, out) {
    const { state, p } = ctx;
    if (finite(p.value)) out.push(like(state, "point", { x: [p.x], y: [p.y], z: [p.value] }));
  },
};

// Copies of the server's traces for the point (x, y), with their coordinates recomputed here.
function previewTraces3d(state, x, y) {
  const g = state.sweepGeometry || state.base.geometry;
  const lift = g.lift * (g.zlim[1] - g.zlim[0]);
  const ctx = {
    state,
    g,
    p: summary(state, x, y),
    show: (state.point && state.point.show) || {},
    params: (state.point && state.point.params) || {},
    inZ: (v) => (finite(v) && v >= g.zlim[0] && v <= g.zlim[1] ? v + lift : null),
  };
  const out = [];
  for (const name of movingOf(state)) if (BUILDERS_3D[name]) BUILDERS_3D[name](ctx, out);
  return { traces: out.filter(Boolean), level: null };
}

const BUILDERS_2D = {
  slices(ctx, out) {
    const { state, g, p, show } = ctx;
    if (!show.slices) return;
    out.push(like(state, "slice x", { x: [g.xlim[0], g.xlim[1]], y: [p.y, p.y] }));
    out.push(like(state, "slice y", { x: [p.x, p.x], y: [g.ylim[0], g.ylim[1]] }));
  },
  // The line along u (the window's chord) and u itself, drawn from the point at the gradient
  // arrow's length, over a white halo (pages/second_order/figures_direction.py).
  direction(ctx, out) {
    const { state, g, p, params } = ctx;
    if (!state.templates || !state.templates.has("direction")) return;
    const u = unitOf(params);
    const [low, high] = chord(p.x, p.y, u, g);
    const t = chordSamples(low, high, g.directionSamples);
    const ends = [t[0], t[t.length - 1]];
    out.push(like(state, "direction line", { x: ends.map((v) => p.x + v * u[0]), y: ends.map((v) => p.y + v * u[1]) }));
    const length = g.arrow2d * Math.min(g.xlim[1] - g.xlim[0], g.ylim[1] - g.ylim[0]);
    const arrow = { x: [p.x, p.x + length * u[0]], y: [p.y, p.y + length * u[1]] };
    out.push(like(state, "direction halo", arrow));
    out.push(like(state, "direction", arrow));
  },
  gradient(ctx, out) {
    const { state, g, p } = ctx;
    if (!(finite(p.value) && finite(p.norm) && p.norm > 0)) return;
    const length = g.arrow2d * Math.min(g.xlim[1] - g.xlim[0], g.ylim[1] - g.ylim[0]);
    out.push(
      like(state, "gradient", {
        x: [p.x, p.x + (length * p.fx) / p.norm],
        y: [p.y, p.y + (length * p.fy) / p.norm],
      }),
    );
  },
  point(ctx, out) {
    const { state, p } = ctx;
    if (finite(p.value)) out.push(like(state, "point", { x: [p.x], y: [p.y] }));
  },
  level(ctx) {
    const { g, p } = ctx;
    const inside = g.zRange && finite(p.value) && g.zRange[0] < p.value && p.value < g.zRange[1];
    ctx.level = inside ? p.value : null;
  },
};

function previewTraces2d(state, x, y) {
  const g = state.sweepGeometry || state.base.geometry;
  const ctx = {
    state,
    g,
    p: summary(state, x, y),
    show: (state.point && state.point.show) || {},
    params: (state.point && state.point.params) || {},
    level: null,
  };
  const out = [];
  for (const name of movingOf(state)) if (BUILDERS_2D[name]) BUILDERS_2D[name](ctx, out);
  return { traces: out.filter(Boolean), level: ctx.level };
}

// --- drawing ---------------------------------------------------------------------------------

// Four significant digits, trailing zeros dropped (Python's "{:.4g}", as ui.plots.arrays.fmt).
function fmt(value) {
  return finite(value) ? String(Number((value + 0).toPrecision(4))) : "undefined";
}

function levelUpdate(trace, level) {
  const visible = level !== null && level !== undefined && finite(level);
  const copy = Object.assign({}, trace, { visible });
  if (visible) {
    copy.contours = Object.assign({}, trace.contours, { start: level, end: level, size: 1 });
    copy.name = `level f = ${fmt(level)}`;
  }
  return copy;
}

function draw(state, moving, given, parts) {
  const Plotly = window.Plotly;
  const gd = state.gd;
  if (!Plotly || !gd || !state.figure) return Promise.resolve();
  const level = levelInside(state, given);
  const layoutParts = withNotes(state, parts);
  const base = state.figure.data.map((trace) =>
    trace.meta === "level curve" ? levelUpdate(trace, level) : trace,
  );
  // Plotly keeps what the person changed (the camera, a zoom) while uirevision stays the same:
  // for the 3D scene always, for the map until the window or the function changes.
  const uirevision = state.base.kind === "3d" ? "live" : state.revision;
  let layout = Object.assign({}, state.figure.layout, { annotations: [], uirevision }, layoutParts || {});
  if (state.height) layout.height = state.height; // fitHeight's, from the chart's width
  layout = compact3d(state, layout);
  const scene = glScene(gd);
  if (scene) {
    // The turntable coasts on after the button is released, past the camera Plotly recorded
    // then: the camera on screen now is the one to keep.
    const camera = JSON.parse(JSON.stringify(scene.getCamera()));
    if (gd.layout && gd.layout.scene) gd.layout.scene.camera = camera;
    layout.scene = Object.assign({}, layout.scene, { camera });
  }
  const drawn = Plotly.react(gd, base.concat(moving), layout, state.config);
  if (!state.compact || state.cameraFitted !== false || !moving.length) return drawn;
  // The first draw with the point's traces (their legend rows settle the scene's height).
  state.cameraFitted = true;
  return drawn.then(() => fitCompactCamera(state, Plotly));
}

function applyServerPoint(state) {
  if (!state.point || !state.figure || dragging || sweep) return;
  if (!state.hidden3d) clearOverlay(state);
  const moving = serverTraces(state);
  state.shown = { x: state.point.x, y: state.point.y };
  const drawn = draw(state, moving, state.point.level, state.point.layout);
  if (state.hidden3d) drawn.then(() => showScene(state, moving));
}

// The server's moving traces at its point. Those it marks `browser` come without their
// coordinates (Second order's quadratic patches and slice along u: most of a point's bytes), and
// are computed here from the point, as while it is dragged, with the server's trace as template.
function serverTraces(state) {
  const point = state.point;
  if (!point) return [];
  if (point.filled) return point.filled;
  const given = point.traces || [];
  state.templates = state.templates || new Map();
  for (const trace of given) if (trace.meta) state.templates.set(trace.meta, trace);
  if (!given.some((trace) => trace.browser)) return given;
  const here = new Map();
  if (state.evaluate && state.base) {
    const build = state.base.kind === "3d" ? previewTraces3d : previewTraces2d;
    for (const trace of build(state, point.x, point.y).traces) here.set(trace.meta, trace);
  }
  point.filled = given.flatMap((trace) => {
    if (!trace.browser) return [trace];
    const drawn = here.get(trace.meta);
    return drawn ? [drawn] : [];
  });
  return point.filled;
}

// --- the preview while the point moves ------------------------------------------------------
// Plotly.react redraws a whole chart: about 0.5 s for the 3D scene and 0.07 s for the map here
// (software WebGL), far from 30 frames a second. While the point moves, the map's moving traces
// are drawn on a canvas over the chart; the 3D scene's too while the point is dragged (below), or
// else updated in place in its WebGL scene (each a few vertices). The server's answer then
// replaces them with one Plotly.react.

const MOVING_DATA = ["x", "y", "z", "i", "j", "k"];
let dragging = false; // a gesture on any live chart of the page is moving the point
let grabbing = false; // the point is held on the map: the 3D scenes follow on their canvases
let target = null;
let frame = 0;

function liveCharts() {
  return Array.from(charts.values()).filter((c) => c.gd && c.gd.isConnected && c.evaluate && c.base);
}

function glScene(gd) {
  const scene = gd._fullLayout && gd._fullLayout.scene;
  return scene && scene._scene ? scene._scene : null;
}

function moveInScene(state, traces) {
  const scene = glScene(state.gd);
  if (!scene) return;
  const given = new Map(traces.map((t) => [t.meta, t]));
  for (const object of Object.values(scene.traces)) {
    const meta = object.data && object.data.meta;
    if (!meta || meta === "surface" || (state.baseMetas && state.baseMetas.has(meta))) continue;
    const trace = given.get(meta);
    const changes = {};
    if (trace) {
      for (const key of MOVING_DATA) if (trace[key] !== undefined) changes[key] = trace[key];
      if (trace.contours && object.data.contours) {
        // A surface's grid lines: the server's settings over Plotly's full ones (defaults too).
        changes.contours = {};
        for (const axis of ["x", "y", "z"]) {
          changes.contours[axis] = Object.assign({}, object.data.contours[axis], trace.contours[axis]);
        }
      }
    } else if (object.data.type === "mesh3d") {
      Object.assign(changes, { i: [], j: [], k: [] }); // gone at this point: no faces
    } else if (object.data.type === "surface") {
      Object.assign(changes, { z: (object.data.z || []).map((row) => Array.from(row, () => NaN)) });
    } else {
      Object.assign(changes, { x: [NaN], y: [NaN], z: [NaN] });
    }
    object.update(Object.assign({}, object.data, changes));
  }
  scene.glplot.redraw();
}

// The map's moving traces drawn on a canvas over the chart, in the chart's own pixels. A canvas
// of its own is a compositing layer of its own: each frame repaints these few shapes, not the
// chart's contours under them (a repaint of those is about 80 ms in software rendering).
function drawOverlay(state, traces) {
  const gd = state.gd;
  const full = gd._fullLayout;
  if (!full || !full.xaxis) return;
  if (!state.hidden) {
    hideMoving(state, true);
    state.hidden = true;
  }
  const { pen, layer } = overlayPen(state);
  const px = (x) => full.xaxis._offset + full.xaxis.l2p(x);
  const py = (y) => full.yaxis._offset + full.yaxis.l2p(y);
  state.drawn = [];
  for (const trace of traces) {
    const colour = (trace.line && trace.line.color) || (trace.marker && trace.marker.color) || "#111";
    if (trace.meta === "point") {
      drawPoint(pen, px(trace.x[0]), py(trace.y[0]), 7, colour);
      state.drawn.push([px(trace.x[0]), py(trace.y[0])]); // read by the browser tests
      continue;
    }
    const [x1, y1, x2, y2] = [px(trace.x[0]), py(trace.y[0]), px(trace.x[1]), py(trace.y[1])];
    pen.beginPath();
    pen.setLineDash(trace.line && trace.line.dash === "dash" ? [12, 8] : []);
    pen.moveTo(x1, y1);
    pen.lineTo(x2, y2);
    pen.lineWidth = (trace.line && trace.line.width) || 3;
    pen.strokeStyle = colour;
    pen.stroke();
    pen.setLineDash([]);
    if (trace.meta === "gradient" || trace.meta === "direction") {
      const angle = Math.atan2(y2 - y1, x2 - x1);
      pen.beginPath();
      pen.moveTo(x2, y2);
      pen.lineTo(x2 - 16 * Math.cos(angle + 0.45), y2 - 16 * Math.sin(angle + 0.45));
      pen.lineTo(x2 - 16 * Math.cos(angle - 0.45), y2 - 16 * Math.sin(angle - 0.45));
      pen.closePath();
      pen.fillStyle = colour;
      pen.fill();
    }
  }
  layer.dataset.point = JSON.stringify(state.drawn[0] || null);
}

function drawPoint(pen, x, y, radius, colour) {
  pen.beginPath();
  pen.arc(x, y, radius, 0, 2 * Math.PI);
  pen.fillStyle = colour;
  pen.fill();
  pen.lineWidth = 2;
  pen.strokeStyle = "white";
  pen.stroke();
}

// A cleared canvas over the chart, in the chart's own pixels (created once per chart).
function overlayPen(state) {
  const gd = state.gd;
  let layer = state.overlay;
  if (!layer || !layer.isConnected) {
    layer = document.createElement("canvas");
    layer.className = "live-overlay";
    Object.assign(layer.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
    state.host.style.position = "relative";
    state.host.appendChild(layer);
    state.overlay = layer;
  }
  const ratio = window.devicePixelRatio || 1;
  const width = gd.clientWidth;
  const height = gd.clientHeight;
  if (layer.width !== Math.round(width * ratio) || layer.height !== Math.round(height * ratio)) {
    layer.width = Math.round(width * ratio);
    layer.height = Math.round(height * ratio);
    layer.style.width = `${width}px`;
    layer.style.height = `${height}px`;
  }
  const pen = layer.getContext("2d");
  pen.setTransform(ratio, 0, 0, ratio, 0, 0);
  pen.clearRect(0, 0, width, height);
  return { pen, layer };
}

// The chart's own moving traces (and the level curve) hidden while the overlay stands in. Plotly
// marks a scatter trace's group with its uid; contour groups only by their order.
function hideMoving(state, hidden) {
  const gd = state.gd;
  const full = gd._fullData || [];
  const contours = full.filter((trace) => trace.type === "contour");
  const groups = gd.querySelectorAll(".contourlayer > g");
  for (const trace of full) {
    if (trace.meta !== "level curve" && state.baseMetas && state.baseMetas.has(trace.meta)) continue;
    const elements =
      trace.type === "contour"
        ? [groups[contours.indexOf(trace)]].filter(Boolean)
        : Array.from(gd.querySelectorAll(`.trace${CSS.escape(trace.uid)}`));
    for (const element of elements) element.style.visibility = hidden ? "hidden" : "";
  }
}

function clearOverlay(state) {
  if (state.overlay) state.overlay.getContext("2d").clearRect(0, 0, state.overlay.width, state.overlay.height);
  if (state.overlay) state.overlay.dataset.point = "null";
  if (state.gd && state.hidden) hideMoving(state, false);
  state.hidden = false;
}

// --- the 3D scene during a drag ----------------------------------------------------------------
// A frame of the 3D scene costs 0.2-0.45 s in software WebGL (a laptop without a GPU; measured
// here with an empty scene at 25-40 ms and a 100 x 100 surface at 270 ms), whatever moved. So
// while the point is dragged, the scene's moving traces are hidden once (one such frame) and
// drawn instead on a canvas over the scene, projected with the scene's own camera as Plotly
// projects its 3D annotations: every frame costs a few polygons. They are drawn above the
// surface, never hidden behind it. The server's answer puts them back into the scene.

// The chart pixel of a data point (x, y, z) in the scene's camera now, or null behind the eye.
function projector(state) {
  const gd = state.gd;
  const full = gd._fullLayout;
  const scene = glScene(gd);
  const camera = scene && scene.glplot && scene.glplot.cameraParams;
  if (!camera || !camera.model || !full._size || !full.scene) return null;
  const scale = scene.dataScale || [1, 1, 1];
  const axes = [full.scene.xaxis, full.scene.yaxis, full.scene.zaxis];
  const domain = full.scene.domain;
  const size = full._size;
  const times = (m, v) => {
    const out = [0, 0, 0, 0];
    for (let i = 0; i < 4; i += 1) for (let j = 0; j < 4; j += 1) out[j] += m[4 * i + j] * v[i];
    return out;
  };
  return (x, y, z) => {
    if (!finite(x) || !finite(y) || !finite(z)) return null;
    const at = [x, y, z].map((v, n) => (axes[n] && axes[n].r2l ? axes[n].r2l(v) : v) * scale[n]);
    const p = times(camera.projection, times(camera.view, times(camera.model, [...at, 1])));
    if (!(p[3] > 0)) return null;
    return [
      size.l + domain.x[0] * size.w + 0.5 * (1 + p[0] / p[3]) * size.w * (domain.x[1] - domain.x[0]),
      size.t + (1 - domain.y[1]) * size.h + 0.5 * (1 - p[1] / p[3]) * size.h * (domain.y[1] - domain.y[0]),
    ];
  };
}

function colourOf(trace) {
  if (trace.type === "mesh3d") return trace.color || trace.facecolor || "#666";
  if (trace.type === "surface") {
    const scale = Array.isArray(trace.colorscale) ? trace.colorscale : null;
    return scale && scale.length ? scale[Math.floor(scale.length / 2)][1] : "#666";
  }
  return (trace.line && trace.line.color) || (trace.marker && trace.marker.color) || "#111";
}

// Faces first (planes, the arrow's head, patches), then lines, then the point on top.
const OVERLAY_ORDER = { mesh3d: 0, surface: 0 };

function drawOverlay3d(state, traces) {
  const project = projector(state);
  if (!project) return false;
  hideScene(state);
  const { pen, layer } = overlayPen(state);
  const order = (t) => (t.meta === "point" ? 2 : OVERLAY_ORDER[t.type] ?? 1);
  // A trace the person hid from the legend (or hidden until its entry is clicked) stays hidden.
  const hidden = new Set((state.gd._fullData || []).filter((t) => t.visible !== true).map((t) => t.meta));
  state.drawn = [];
  for (const trace of [...traces].sort((a, b) => order(a) - order(b))) {
    if (hidden.has(trace.meta) || (trace.visible !== undefined && trace.visible !== true)) continue;
    const colour = colourOf(trace);
    const at = (n) => project(trace.x[n], trace.y[n], trace.z[n]);
    if (trace.type === "mesh3d") {
      pen.globalAlpha = trace.opacity ?? 1;
      pen.fillStyle = colour;
      const faces = trace.i || [];
      for (let f = 0; f < faces.length; f += 1) {
        const corners = [trace.i[f], trace.j[f], trace.k[f]].map(at);
        if (corners.some((c) => !c)) continue;
        pen.beginPath();
        pen.moveTo(...corners[0]);
        pen.lineTo(...corners[1]);
        pen.lineTo(...corners[2]);
        pen.closePath();
        pen.fill();
      }
      pen.globalAlpha = 1;
    } else if (trace.type === "surface") {
      // A patch (Second order's Taylor views): its grid lines, a few per side.
      const rows = trace.z || [];
      const stride = Math.max(1, Math.floor(rows.length / 8));
      pen.globalAlpha = 0.8;
      pen.strokeStyle = colour;
      pen.lineWidth = 1.5;
      const polyline = (points) => {
        pen.beginPath();
        let open = false;
        for (const c of points) {
          if (!c) open = false;
          else if (open) pen.lineTo(...c);
          else {
            pen.moveTo(...c);
            open = true;
          }
        }
        pen.stroke();
      };
      for (let r = 0; r < rows.length; r += stride) {
        polyline(trace.x.map((x, c) => project(x, trace.y[r], rows[r][c])));
      }
      for (let c = 0; c < trace.x.length; c += stride) {
        polyline(rows.map((row, r) => project(trace.x[c], trace.y[r], row[c])));
      }
      pen.globalAlpha = 1;
    } else if (trace.meta === "point") {
      const c = at(0);
      if (c) {
        drawPoint(pen, c[0], c[1], 5, colour);
        state.drawn.push(c); // read by the browser tests
      }
    } else {
      pen.beginPath();
      pen.setLineDash(trace.line && trace.line.dash === "dash" ? [12, 8] : []);
      let open = false;
      for (let n = 0; n < trace.x.length; n += 1) {
        const c = at(n);
        if (!c) open = false;
        else if (open) pen.lineTo(...c);
        else {
          pen.moveTo(...c);
          open = true;
        }
      }
      // WebGL draws a 3D line about half as wide as its `width` in pixels.
      pen.lineWidth = ((trace.line && trace.line.width) || 6) / 2;
      pen.strokeStyle = colour;
      pen.stroke();
      pen.setLineDash([]);
    }
  }
  layer.dataset.point = JSON.stringify(state.drawn[0] || null);
  state.gd.liveTraces = traces; // read by the browser tests
  return true;
}

function hideScene(state) {
  if (state.hidden3d || !projector(state)) return;
  moveInScene(state, []);
  state.hidden3d = true;
}

// The scene's moving traces back in the scene (the server's, or the preview's at the point
// shown) and the canvas cleared: after the server's answer, or when the camera moves (a canvas
// drawn for the old camera would float away from the surface).
function showScene(state, traces) {
  if (!state.hidden3d) return;
  const scene = glScene(state.gd);
  const point = scene && Object.values(scene.traces).find((t) => t.data && t.data.meta === "point");
  const hidden = point && !finite(Array.from(point.data.x || [])[0]);
  if (hidden || !point) {
    const shown = state.shown || {};
    moveInScene(state, traces || previewTraces3d(state, shown.x, shown.y).traces);
  }
  state.hidden3d = false;
  state.gd.liveTraces = null;
  clearOverlay(state);
}

// One frame per animation frame at most, however fast the pointer moves; every live chart of
// the page follows. A frame of the 3D scene costs 0.15-0.5 s in software WebGL (a laptop without a
// GPU; measured here) and blocks the page while it draws; with a GPU it is a few milliseconds. So
// the scene's cost is measured: a cheap scene follows every frame, an expensive one catches up
// whenever the pointer rests for SCENE_REST_MS, and the map follows every frame either way.
const SCENE_CHEAP_MS = 40;
const SCENE_REST_MS = 180;
let sceneCost = Infinity; // the last 3D frame's cost (ms); unknown counts as expensive
let sceneTimer = 0;

function previewScenes(scenes) {
  if (!target) return;
  const started = performance.now();
  for (const state of scenes) {
    moveInScene(state, previewTraces3d(state, target.x, target.y).traces);
    state.shown = { x: target.x, y: target.y };
    state.gd.liveFrames = (state.gd.liveFrames || 0) + 1; // read by the browser tests
  }
  // Plotly draws the scene in one of the next animation frames: the longest of the next three
  // frame gaps is its cost.
  let last = started;
  let longest = 0;
  let frames = 0;
  const watch = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    frames += 1;
    if (frames < 3) requestAnimationFrame(watch);
    else sceneCost = longest;
  };
  requestAnimationFrame(watch);
}

function preview(x, y) {
  target = { x, y };
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (!target) return;
    const scenes = [];
    for (const state of liveCharts()) {
      if (state.base.kind === "3d") {
        scenes.push(state);
        continue;
      }
      drawOverlay(state, previewTraces2d(state, target.x, target.y).traces);
      state.shown = { x: target.x, y: target.y };
      state.gd.liveFrames = (state.gd.liveFrames || 0) + 1;
    }
    if (!scenes.length) return;
    clearTimeout(sceneTimer);
    if (grabbing) {
      for (const state of scenes) {
        if (!drawOverlay3d(state, previewTraces3d(state, target.x, target.y).traces)) continue;
        state.shown = { x: target.x, y: target.y };
        state.gd.liveFrames = (state.gd.liveFrames || 0) + 1;
      }
      return;
    }
    if (sceneCost < SCENE_CHEAP_MS) previewScenes(scenes);
    else sceneTimer = setTimeout(() => previewScenes(scenes), SCENE_REST_MS);
  });
}

function clampToWindow(state, x, y) {
  const g = state.base.geometry;
  return [Math.min(Math.max(x, g.xlim[0]), g.xlim[1]), Math.min(Math.max(y, g.ylim[0]), g.ylim[1])];
}


// --- a parameter sweep, played in the browser ----------------------------------------------------
// ▶ beside a parameter's slider (ui/shell/sweep.js) asks this module to play that parameter: every
// live chart whose body takes it follows, with no server round trip per frame. A frame evaluates
// core's compiled body (the same one that moves the point) with the parameter's value over the
// chart's own grid. The map is painted on a canvas of its own: filled bands of the chart's colour
// scale, their edges and the level curve through the point, under the point's overlay. Plotly's
// contour trace took 0.2-3 s per restyle of z here (software rendering, a busy machine); painting
// the plot's pixels takes a few milliseconds. The 3D surface is updated in place in its WebGL
// scene at its own pace: each of its frames costs 0.15-1 s here and holds up the page's other
// frames, so it waits SCENE_SWEEP_GAP times its last cost before drawing again (with a GPU it
// follows every frame). The z range is fixed for the whole sweep (sampled over the slider's range
// at the start), so the axes and the colours hold still while the surface moves. Pausing hands the
// last value to the caller, which sends it to the server: one rerun, and the link holds it.

const SWEEP_PASS_MS = 4000; // one pass over the slider's range
const SWEEP_RANGE_SAMPLES = 9; // parameter values sampled at the start for the sweep's z range
const SWEEP_RANGE_POINTS = 2500; // grid points per sampled value (a coarse copy of the grid)
const SWEEP_POLE_WIDTHS = 5; // an extreme this many bulk widths beyond the bulk's margin is cut
const SCENE_SWEEP_GAP = 3;
const SCENE_SWEEP_MIN_MS = 100;
let sweep = null; // {name, low, high, mode, value, direction, charts, zRange, ...}
const sweepListeners = new Set();

function asNumbers(spec) {
  if (ArrayBuffer.isView(spec) || Array.isArray(spec)) return spec;
  const decoded = decode(spec);
  return Array.isArray(decoded) && decoded.length && ArrayBuffer.isView(decoded[0]) ? [] : decoded;
}

// The x and y of the chart's grid: its surface's or its filled contours'.
function gridOf(state) {
  if (state.gridAxes && state.gridAxes.revision === state.revision) return state.gridAxes;
  const trace = state.figure && state.figure.data.find((t) => t.meta === "surface" || t.meta === "contour");
  if (!trace) return null;
  const x = asNumbers(trace.x);
  const y = asNumbers(trace.y);
  if (!x || !y || x.length < 2 || y.length < 2) return null;
  state.gridAxes = { revision: state.revision, x, y };
  return state.gridAxes;
}

function sweepCharts(name) {
  return liveCharts().filter((state) => state.evaluate.names && state.evaluate.names.includes(name) && gridOf(state));
}

// f over the grid at the parameter's value (NaN where undefined), one row of nx per y. The
// charts of a page share one grid: the last result is kept on its x array.
const sweptZ = new WeakMap();
function sweepZ(state, index, value) {
  const { x, y } = gridOf(state);
  const kept = sweptZ.get(x);
  if (kept && kept.value === value && kept.y === y && kept.raw === state.evaluate.raw) return kept.z;
  const args = [0, 0, ...state.evaluate.values];
  args[2 + index] = value;
  const raw = state.evaluate.raw;
  const nx = x.length;
  const z = new Float64Array(nx * y.length);
  for (let j = 0; j < y.length; j += 1) {
    args[1] = y[j];
    for (let i = 0; i < nx; i += 1) {
      args[0] = x[i];
      let v;
      try {
        v = raw.apply(null, args)[0];
      } catch (error) {
        v = NaN;
      }
      z[j * nx + i] = finite(v) ? v : NaN;
    }
  }
  sweptZ.set(x, { value, y, raw, z });
  return z;
}

function quantile(sorted, share) {
  const at = (sorted.length - 1) * share;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

// The z range of the whole sweep: f at SWEEP_RANGE_SAMPLES values over the slider's range (and the
// current one) on a coarse copy of the grid. As core.grid, values far outside the bulk (a pole:
// tan, 1/x) are cut; unlike core, which probes each extreme, a tall narrow bump is cut too, for
// the sweep only (the server's answer on pause draws it whole).
function sweepRangeOf(state, index, low, high, current) {
  const { x, y } = gridOf(state);
  const stride = Math.max(1, Math.round(Math.sqrt((x.length * y.length) / SWEEP_RANGE_POINTS)));
  const args = [0, 0, ...state.evaluate.values];
  const found = [];
  const values = linspace(low, high, SWEEP_RANGE_SAMPLES).concat([current]);
  for (const value of values) {
    args[2 + index] = value;
    for (let j = 0; j < y.length; j += stride) {
      for (let i = 0; i < x.length; i += stride) {
        args[0] = x[i];
        args[1] = y[j];
        let v;
        try {
          v = state.evaluate.raw.apply(null, args)[0];
        } catch (error) {
          v = NaN;
        }
        if (finite(v)) found.push(v);
      }
    }
  }
  if (!found.length) return null;
  found.sort((a, b) => a - b);
  const [bulkLow, bulkHigh] = [quantile(found, 0.05), quantile(found, 0.95)];
  const width = Math.max(bulkHigh - bulkLow, 1e-9 * Math.max(Math.abs(bulkLow), Math.abs(bulkHigh)), 1e-300);
  const [lowest, highest] = [found[0], found[found.length - 1]];
  const reach = (1.5 + SWEEP_POLE_WIDTHS) * width;
  const zLow = lowest < bulkLow - reach ? bulkLow - 1.5 * width : lowest;
  const zHigh = highest > bulkHigh + reach ? bulkHigh + 1.5 * width : highest;
  return zLow < zHigh ? [zLow, zHigh] : [zLow - 0.5 * Math.max(1, Math.abs(zLow)), zHigh + 0.5 * Math.max(1, Math.abs(zLow))];
}

function hexColour(text) {
  const hex = /^#([0-9a-f]{6})$/i.exec(String(text));
  if (hex) return [0, 2, 4].map((at) => parseInt(hex[1].slice(at, at + 2), 16));
  const rgb = /^rgba?\(([^)]*)\)$/i.exec(String(text));
  if (rgb) return rgb[1].split(",").slice(0, 3).map((v) => Number(v) || 0);
  return [128, 128, 128];
}

// The colour at share t (0..1) of a Plotly colour scale ([[stop, colour], ...]), as [r, g, b].
function scaleColour(scale, t) {
  const stops = Array.isArray(scale) && scale.length ? scale : [[0, "#440154"], [1, "#fde725"]];
  for (let n = 1; n < stops.length; n += 1) {
    const [s0, c0] = stops[n - 1];
    const [s1, c1] = stops[n];
    if (t <= s1 || n === stops.length - 1) {
      const share = s1 > s0 ? Math.min(Math.max((t - s0) / (s1 - s0), 0), 1) : 0;
      const a = hexColour(c0);
      const b = hexColour(c1);
      return a.map((v, k) => Math.round(v + share * (b[k] - v)));
    }
  }
  return hexColour(stops[0][1]);
}

// A frame's levels as core.levels places them for the page's spacing (contour_levels, "auto" by
// choose_spacing, rounded to two significant digits as ui.plots.contour.shown_levels), from the
// frame's values in [low, high]: {kind, levels}, levels null for even spacing (`count` even bands).
const SKEWED = 0.25; // core.levels.SKEWED
const LOG_FLOOR = 1e-6; // core.levels.LOG_FLOOR
function frameLevels(z, low, high, count, spacing) {
  if (spacing !== "quantile" && spacing !== "log" && spacing !== "auto") return { kind: "even", levels: null };
  const kept = new Float64Array(z.length);
  let m = 0;
  for (let n = 0; n < z.length; n += 1) if (z[n] >= low && z[n] <= high) kept[m++] = z[n];
  const sorted = kept.subarray(0, m).sort();
  if (sorted.length < 2 || !(sorted[sorted.length - 1] > sorted[0])) return { kind: "even", levels: null };
  const [bottom, top] = [sorted[0], sorted[sorted.length - 1]];
  const span = top - bottom;
  let kind = spacing;
  if (kind === "auto") {
    const middle = (quantile(sorted, 0.5) - bottom) / span;
    kind = middle < SKEWED || middle > 1 - SKEWED ? "quantile" : "even";
  }
  if (kind === "even") return { kind, levels: null };
  let levels = [];
  if (kind === "quantile") {
    for (let k = 1; k <= count; k += 1) levels.push(quantile(sorted, k / (count + 1)));
  } else {
    let first = 0;
    while (first < sorted.length && !(sorted[first] > bottom)) first += 1;
    let start = Math.max(quantile(sorted.subarray(first), 1 / (count + 1)) - bottom, LOG_FLOOR * span);
    if (!(start < span)) start = span / 2;
    for (let k = 0; k < count; k += 1) levels.push(bottom + start * Math.pow(span / start, k / count));
  }
  const inside = (list) => Array.from(new Set(list)).sort((a, b) => a - b).filter((v) => v > bottom && v < top);
  levels = inside(levels);
  const rounded = inside(
    levels.map((v) => {
      const digits = 1 - Math.floor(Math.log10(Math.max(Math.abs(v), 1e-300)));
      const scale = Math.pow(10, digits);
      return Math.round(v * scale) / scale;
    }),
  );
  return { kind, levels: rounded.length >= 2 ? rounded : levels };
}

// The band of v among sorted levels: how many are at or below it (0 .. levels.length).
function bandAmong(v, levels) {
  let low = 0;
  let high = levels.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (levels[middle] <= v) low = middle + 1;
    else high = middle;
  }
  return low;
}

// The map at one value: each pixel of the plot area takes f bilinearly from the grid, then the
// colour of its band (the page's level spacing, frameLevels, over the frame's values); a pixel whose band differs
// from its left or upper neighbour is a band's edge (white, as the chart's level lines), one
// whose side of the point's level differs is the level curve (black). Holes stay white.
function paintMap(state, z, level, caption) {
  const gd = state.gd;
  const full = gd._fullLayout;
  if (!full || !full.xaxis || !full.yaxis) return;
  const { x, y } = gridOf(state);
  const g = state.base.geometry;
  let layer = state.sweepLayer;
  if (!layer || !layer.isConnected) {
    layer = document.createElement("canvas");
    layer.className = "live-sweep";
    Object.assign(layer.style, { position: "absolute", pointerEvents: "none" });
    state.host.style.position = "relative";
    state.host.insertBefore(layer, state.overlay && state.overlay.isConnected ? state.overlay : null);
    state.sweepLayer = layer;
  }
  const width = Math.max(1, Math.round(full.xaxis._length));
  const height = Math.max(1, Math.round(full.yaxis._length));
  if (layer.width !== width || layer.height !== height) {
    layer.width = width;
    layer.height = height;
  }
  Object.assign(layer.style, {
    left: `${full.xaxis._offset}px`,
    top: `${full.yaxis._offset}px`,
    width: `${width}px`,
    height: `${height}px`,
    display: "",
  });
  const nx = x.length;
  const ny = y.length;
  const column = new Float64Array(width);
  const row = new Float64Array(height);
  for (let px = 0; px < width; px += 1) column[px] = ((full.xaxis.p2l(px + 0.5) - x[0]) / (x[nx - 1] - x[0])) * (nx - 1);
  for (let py = 0; py < height; py += 1) row[py] = ((full.yaxis.p2l(py + 0.5) - y[0]) / (y[ny - 1] - y[0])) * (ny - 1);
  const wanted = Math.max(2, Math.min(64, Math.round(g.levels || 16)));
  // The bands span this frame's values (as the server's map at that value would), inside the
  // sweep's range (which has cut any pole).
  let [zLow, zHigh] = [Infinity, -Infinity];
  for (let n = 0; n < z.length; n += 1) {
    const v = z[n];
    if (v >= sweep.zRange[0] && v <= sweep.zRange[1]) {
      if (v < zLow) zLow = v;
      if (v > zHigh) zHigh = v;
    }
  }
  if (!(zLow < zHigh)) [zLow, zHigh] = finite(zLow) ? [zLow - 1, zHigh + 1] : sweep.zRange;
  const placed = frameLevels(z, zLow, zHigh, wanted, g.spacing);
  const levels = placed.levels;
  const count = levels ? levels.length + 1 : wanted;
  if (!state.sweepColours || state.sweepColours.length !== count) {
    state.sweepColours = Array.from({ length: count }, (_, n) => scaleColour(g.colorscale, (n + 0.5) / count));
  }
  const colours = state.sweepColours;
  const bandOf = levels
    ? (v) => bandAmong(v, levels)
    : (v) => Math.min(count - 1, Math.max(0, Math.floor(((v - zLow) / (zHigh - zLow)) * count)));
  state.sweepSpacing = placed.kind;
  const image = new ImageData(width, height);
  const pixels = image.data;
  const bands = new Int16Array(width * height);
  const sides = new Int8Array(width * height);
  const hasLevel = finite(level);
  for (let py = 0; py < height; py += 1) {
    const gy = row[py];
    const j = Math.min(Math.max(Math.floor(gy), 0), ny - 2);
    const sy = gy - j;
    for (let px = 0; px < width; px += 1) {
      const gx = column[px];
      const i = Math.min(Math.max(Math.floor(gx), 0), nx - 2);
      const sx = gx - i;
      const at = j * nx + i;
      const v =
        (1 - sy) * ((1 - sx) * z[at] + sx * z[at + 1]) + sy * ((1 - sx) * z[at + nx] + sx * z[at + nx + 1]);
      const n = py * width + px;
      const o = 4 * n;
      pixels[o + 3] = 255;
      if (!(v >= zLow && v <= zHigh)) {
        bands[n] = -1;
        pixels[o] = 255;
        pixels[o + 1] = 255;
        pixels[o + 2] = 255;
        continue;
      }
      const band = bandOf(v);
      bands[n] = band;
      sides[n] = hasLevel ? (v >= level ? 1 : -1) : 0;
      let [r, gr, b] = colours[band];
      const left = px > 0 ? n - 1 : n;
      const up = py > 0 ? n - width : n;
      if ((bands[left] !== band && bands[left] >= 0) || (bands[up] !== band && bands[up] >= 0)) {
        r = r + 0.6 * (255 - r);
        gr = gr + 0.6 * (255 - gr);
        b = b + 0.6 * (255 - b);
      }
      if (hasLevel && ((sides[left] && sides[left] !== sides[n]) || (sides[up] && sides[up] !== sides[n]))) {
        r = 0;
        gr = 0;
        b = 0;
        const o2 = 4 * (sides[left] !== sides[n] ? left : up);
        pixels[o2] = 0;
        pixels[o2 + 1] = 0;
        pixels[o2 + 2] = 0;
      }
      pixels[o] = r;
      pixels[o + 1] = gr;
      pixels[o + 2] = b;
    }
  }
  const pen = layer.getContext("2d");
  pen.putImageData(image, 0, 0);
  pen.font = "bold 18px sans-serif";
  pen.lineWidth = 4;
  pen.strokeStyle = "white";
  pen.fillStyle = "#111";
  // What the map shows, in words: the value, the spacing of its bands and the level curve's f
  // (the legend's entry for it, the server's, is hidden while playing).
  const lines = [caption, `${placed.kind} levels${finite(level) ? ` · black: f = ${Number(level.toPrecision(3))}` : ""}`];
  lines.forEach((line, n) => {
    pen.font = n ? "bold 14px sans-serif" : "bold 18px sans-serif";
    pen.strokeText(line, 10, 26 + 22 * n);
    pen.fillText(line, 10, 26 + 22 * n);
  });
  hideLevelLegend(state, true);
  layer.dataset.value = String(sweep.value); // read by the browser tests
  layer.dataset.spacing = placed.kind;
  layer.dataset.bands = String(count);
}

function sweepScene(state, z, value) {
  const scene = glScene(state.gd);
  if (!scene) return;
  const { x, y } = gridOf(state);
  const [zLow, zHigh] = sweep.zRange;
  const rows = [];
  for (let j = 0; j < y.length; j += 1) {
    const line = new Float32Array(x.length);
    for (let i = 0; i < x.length; i += 1) {
      const v = z[j * x.length + i];
      line[i] = v >= zLow && v <= zHigh ? v : NaN;
    }
    rows.push(line);
  }
  const surface = Object.values(scene.traces).find((object) => object.data && object.data.meta === "surface");
  if (surface) surface.update(Object.assign({}, surface.data, { z: rows, cmin: zLow, cmax: zHigh }));
  const at = target || state.shown;
  const traces = at ? previewTraces3d(state, at.x, at.y).traces : [];
  moveInScene(state, traces); // redraws the scene
  state.gd.sweepFrames = (state.gd.sweepFrames || 0) + 1; // read by the browser tests
  state.gd.dataset.sweepValue = String(value);
}

function sweepGeometry(state, zRange) {
  const g = state.base.geometry;
  if (state.base.kind !== "3d") return Object.assign({}, g, { zRange });
  const span = zRange[1] - zRange[0];
  return Object.assign({}, g, { zlim: [zRange[0] - 0.05 * span, zRange[1] + 0.05 * span] });
}

function sweepCaption(name, value) {
  return `${name} = ${Number(value.toPrecision(3))}`;
}

function sweepFrame(now) {
  if (!sweep) return;
  sweep.frame = requestAnimationFrame(sweepFrame);
  const elapsed = Math.min(now - (sweep.last || now), 100); // a stalled page does not jump
  sweep.last = now;
  const span = sweep.high - sweep.low;
  let value = sweep.value + (sweep.direction * span * elapsed) / SWEEP_PASS_MS;
  if (value > sweep.high || value < sweep.low) {
    if (sweep.mode === "bounce") {
      sweep.direction = -sweep.direction;
      value = value > sweep.high ? 2 * sweep.high - value : 2 * sweep.low - value;
    } else {
      value = sweep.direction > 0 ? sweep.low + (value - sweep.high) : sweep.high - (sweep.low - value);
    }
    value = Math.min(Math.max(value, sweep.low), sweep.high);
  }
  sweep.value = value;
  const scenes = [];
  for (const state of sweep.charts) {
    if (!state.gd.isConnected) continue;
    const index = state.evaluate.names.indexOf(sweep.name);
    state.evaluate.values[index] = value;
    if (state.base.kind === "3d") {
      scenes.push(state);
      continue;
    }
    const started = performance.now();
    const z = sweepZ(state, index, value);
    const at = target || state.shown;
    const preview = at ? previewTraces2d(state, at.x, at.y) : { traces: [], level: null };
    paintMap(state, z, preview.level, sweepCaption(sweep.name, value));
    drawOverlay(state, preview.traces);
    state.gd.sweepFrames = (state.gd.sweepFrames || 0) + 1;
    // This frame's work in milliseconds (f on the grid, the map's pixels): read by the benchmark.
    const costs = (state.gd.sweepCosts = state.gd.sweepCosts || []);
    costs.push(performance.now() - started);
    if (costs.length > 400) costs.shift();
  }
  if (scenes.length && !sweep.sceneBusy && now >= sweep.sceneAt) {
    sweep.sceneBusy = true;
    for (const state of scenes) sweepScene(state, sweepZ(state, state.evaluate.names.indexOf(sweep.name), value), value);
    const started = performance.now();
    let last = started;
    let longest = 0;
    let frames = 0;
    const current = sweep;
    const watch = () => {
      const time = performance.now();
      longest = Math.max(longest, time - last);
      last = time;
      frames += 1;
      if (frames < 3) return requestAnimationFrame(watch);
      current.sceneCost = longest;
      current.sceneAt = time + Math.max(SCENE_SWEEP_MIN_MS, SCENE_SWEEP_GAP * longest);
      current.sceneBusy = false;
      return undefined;
    };
    requestAnimationFrame(watch);
  }
  for (const listen of sweepListeners) listen({ name: sweep.name, value, playing: true });
}

// Start playing parameter `name` over [low, high] ("loop" or "bounce"); false when no chart on
// the page can play it.
function startSweep(request) {
  const { name, mode } = request || {};
  const low = Number(request && request.low);
  const high = Number(request && request.high);
  if (!PARAMETER_NAMES.has(name) || !finite(low) || !finite(high) || !(low < high)) return false;
  const found = sweepCharts(name);
  if (!found.length) return false;
  stopSweep();
  const first = found[0];
  const index = first.evaluate.names.indexOf(name);
  const current = Math.min(Math.max(first.evaluate.values[index], low), high);
  const zRange = sweepRangeOf(first, index, low, high, current);
  if (!zRange) return false;
  sweep = {
    name,
    low,
    high,
    mode: mode === "bounce" ? "bounce" : "loop",
    value: current,
    direction: 1,
    charts: found,
    zRange,
    sceneAt: 0,
    sceneBusy: false,
    started: performance.now(),
  };
  for (const state of found) {
    state.sweepGeometry = sweepGeometry(state, zRange);
    state.sweepLeft = true;
    if (state.base.kind === "3d") {
      const zlim = state.sweepGeometry.zlim;
      // Once per sweep: the scene's z axis spans the whole sweep (one full redraw).
      sweep.sceneBusy = true;
      const current = sweep;
      // The camera on screen goes with it (the layout's copy may lag a rotation: see draw).
      const scene = glScene(state.gd);
      const update = { "scene.zaxis.range": zlim };
      if (scene) update["scene.camera"] = JSON.parse(JSON.stringify(scene.getCamera()));
      window.Plotly.relayout(state.gd, update).then(() => {
        current.sceneBusy = false;
      }, () => {
        current.sceneBusy = false;
      });
    }
  }
  sweep.frame = requestAnimationFrame(sweepFrame);
  return true;
}

// Stop playing; returns {name, value} of the last frame drawn (or null). The charts keep showing
// that frame until the server's answer for the value replaces it (afterSweep).
function stopSweep() {
  if (!sweep) return null;
  const { name, value } = sweep;
  cancelAnimationFrame(sweep.frame);
  sweep = null;
  for (const listen of sweepListeners) listen({ name, value, playing: false });
  return { name, value };
}

// The legend's "level f = ..." entry names the server's level: stale while a sweep plays.
function hideLevelLegend(state, hidden) {
  for (const entry of state.gd.querySelectorAll(".legend .traces")) {
    const text = entry.querySelector(".legendtext");
    if (text && /^level f/.test(text.textContent || "")) entry.style.visibility = hidden ? "hidden" : "";
  }
}

// The server's figure is back on the chart: drop what the sweep drew.
function afterSweep(state) {
  if (!state.sweepLeft) return;
  state.sweepLeft = false;
  state.sweepGeometry = null;
  if (state.sweepLayer) state.sweepLayer.style.display = "none";
  hideLevelLegend(state, false);
}

const sweepHub = (window.derivativesLiveSweep = window.derivativesLiveSweep || {});
sweepHub.start = startSweep;
sweepHub.stop = stopSweep;
sweepHub.playing = () => (sweep ? { name: sweep.name, value: sweep.value } : null);
sweepHub.canPlay = (name) => sweepCharts(name).length > 0;
sweepHub.scene = () => (sweep ? { busy: sweep.sceneBusy, at: sweep.sceneAt, cost: sweep.sceneCost } : null);
sweepHub.listen = (listener) => {
  sweepListeners.add(listener);
  return () => sweepListeners.delete(listener);
};

// --- the person's gestures -----------------------------------------------------------------------

// The data point under the pointer on the map; null in the margins unless `anywhere` (a drag
// that leaves the plot keeps going, clamped to the window).
function dataPoint2d(gd, event, anywhere) {
  const full = gd._fullLayout;
  if (!full || !full.xaxis || !full.yaxis) return null;
  const box = gd.getBoundingClientRect();
  const px = event.clientX - box.left - full.xaxis._offset;
  const py = event.clientY - box.top - full.yaxis._offset;
  const inside = px >= 0 && py >= 0 && px <= full.xaxis._length && py <= full.yaxis._length;
  if (!inside && !anywhere) return null;
  return [full.xaxis.p2l(px), full.yaxis.p2l(py)];
}

function pixel2d(gd, x, y) {
  const full = gd._fullLayout;
  const box = gd.getBoundingClientRect();
  return [box.left + full.xaxis._offset + full.xaxis.l2p(x), box.top + full.yaxis._offset + full.yaxis.l2p(y)];
}

function wire(state, host) {
  const gd = state.gd;
  let press = null;
  let hovered = null; // the surface point under the pointer (3D), from plotly_hover
  let keyTimer = 0;

  const commit = (x, y) => {
    const [cx, cy] = clampToWindow(state, x, y);
    dragging = false;
    target = null;
    if (state.send) state.send({ x: cx, y: cy, frames: gd.liveFrames || 0 });
  };

  gd.on("plotly_hover", (event) => {
    const p = event && event.points && event.points[0];
    if (p && p.data && p.data.meta === "surface") hovered = [Number(p.x), Number(p.y)];
  });
  gd.on("plotly_unhover", () => {
    hovered = null;
  });
  // A turn of the camera leaves a drag's canvas behind: the scene takes its traces back first.
  gd.on("plotly_relayouting", () => {
    if (!grabbing) showScene(state);
  });

  // On the map, a press on the point's marker grabs it; a press anywhere else is a click (or a
  // zoom box). On the surface a drag rotates, as always; a still click moves the point there.
  const grabs = (event) => {
    if (state.base.kind !== "2d" || !state.shown) return false;
    const [px, py] = pixel2d(gd, state.shown.x, state.shown.y);
    return Math.hypot(event.clientX - px, event.clientY - py) <= GRAB_PX;
  };

  const onDown = (event) => {
    if (event.button !== 0 || !state.evaluate) return;
    press = { x: event.clientX, y: event.clientY, grabbed: grabs(event), moved: false };
    if (press.grabbed) {
      event.stopPropagation();
      event.preventDefault();
      dragging = true;
      grabbing = true;
      // The scenes hide their moving traces now, while the hand is still: that one frame of
      // the 3D scene (0.2-0.45 s in software WebGL) is then not a stall in the motion.
      for (const other of liveCharts()) if (other.base.kind === "3d") hideScene(other);
      if (host.setPointerCapture && event.pointerId !== undefined) host.setPointerCapture(event.pointerId);
    }
  };
  const onMove = (event) => {
    if (!press || !press.grabbed) return;
    event.stopPropagation();
    const at = dataPoint2d(gd, event, true);
    if (at) {
      press.moved = true;
      preview(...clampToWindow(state, at[0], at[1]));
    }
  };
  const onUp = (event) => {
    if (!press) return;
    const moved = Math.hypot(event.clientX - press.x, event.clientY - press.y);
    const grabbed = press.grabbed;
    const wasMoved = press.moved;
    press = null;
    if (grabbed) grabbing = false;
    if (grabbed) {
      event.stopPropagation();
      if (wasMoved && target) commit(target.x, target.y);
      else {
        dragging = false;
        for (const other of liveCharts()) if (other.base.kind === "3d") showScene(other);
      }
      return;
    }
    if (moved > CLICK_SLOP_PX) return; // a rotation or a zoom box, not a click
    const at = state.base.kind === "2d" ? dataPoint2d(gd, event, false) : hovered;
    if (at) {
      const [cx, cy] = clampToWindow(state, at[0], at[1]);
      dragging = true;
      preview(cx, cy);
      commit(cx, cy);
    }
  };
  const onKey = (event) => {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const step = steps[event.key];
    if (!step || !state.shown || !state.evaluate) return;
    event.preventDefault();
    const g = state.base.geometry;
    const scale = event.shiftKey ? 10 : 1;
    const from = target || state.shown;
    const x = from.x + step[0] * scale * KEY_STEP_SHARE * (g.xlim[1] - g.xlim[0]);
    const y = from.y + step[1] * scale * KEY_STEP_SHARE * (g.ylim[1] - g.ylim[0]);
    const [cx, cy] = clampToWindow(state, x, y);
    dragging = true;
    preview(cx, cy);
    clearTimeout(keyTimer);
    keyTimer = setTimeout(() => commit(cx, cy), KEY_COMMIT_MS);
  };
  host.addEventListener("pointerdown", onDown, true);
  host.addEventListener("pointermove", onMove, true);
  // Plotly lays a cover over the page while a button is held on the map (its drag layer), so the
  // release is heard on the window.
  window.addEventListener("pointerup", onUp, true);
  host.addEventListener("keydown", onKey);
}

// --- a grid shared by the charts of a page -----------------------------------------------------
// One element carries the grid (x, y, z as plotly's base64 typed arrays); each base that draws it
// marks those traces with `grid: true` and waits for it. Decoded once, shared read-only.

const grids = new Map(); // grid id -> { x, y, z } as typed arrays (z: one row per y)
const gridWaiters = new Map(); // grid id -> [resolve, ...]
const KEEP_GRIDS = 4;
const TYPED = { f4: Float32Array, f8: Float64Array };

function decode(spec) {
  if (Array.isArray(spec)) return spec;
  const type = spec && TYPED[spec.dtype];
  if (!type || typeof spec.bdata !== "string") return [];
  const text = atob(spec.bdata);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  const array = new type(bytes.buffer);
  if (!spec.shape) return array;
  const [rows, cols] = String(spec.shape).split(",").map(Number);
  return Array.from({ length: rows }, (_, r) => array.subarray(r * cols, (r + 1) * cols));
}

function receiveGrid(data) {
  if (typeof data.id !== "string" || grids.has(data.id)) return;
  grids.set(data.id, { x: decode(data.x), y: decode(data.y), z: decode(data.z) });
  while (grids.size > KEEP_GRIDS) grids.delete(grids.keys().next().value);
  for (const resolve of gridWaiters.get(data.id) || []) resolve(grids.get(data.id));
  gridWaiters.delete(data.id);
}

function gridFor(id) {
  if (!id) return Promise.resolve(null);
  if (grids.has(id)) return Promise.resolve(grids.get(id));
  return new Promise((resolve) => {
    if (!gridWaiters.has(id)) gridWaiters.set(id, []);
    gridWaiters.get(id).push(resolve);
  });
}

function withGrid(figure, grid) {
  if (!grid) return figure;
  for (const trace of figure.data) {
    if (!trace.grid) continue;
    delete trace.grid;
    Object.assign(trace, { x: grid.x, y: grid.y, z: grid.z });
  }
  return figure;
}

// A parametric formula's base comes without its surface's z (pages/explore/work.py, BODY_Z_ROLES):
// each trace marked `bodyZ` takes f from core's body at the chart's values on its own x and y, NaN
// where undefined or outside the server's z range `clip` (where core cut poles); with `levels`
// (quantile or log levels) its z is core.band_index of f and f is its customdata, as the server
// draws such a map.
const BAND_FAR = 1e6; // core.levels.FAR
function bandIndex(v, levels) {
  const n = levels.length;
  if (!finite(v) || !n) return NaN;
  if (n === 1) return Math.sign(v - levels[0]);
  let index;
  if (v < levels[0]) index = (v - levels[0]) / (levels[1] - levels[0]);
  else if (v > levels[n - 1]) index = n - 1 + (v - levels[n - 1]) / (levels[n - 1] - levels[n - 2]);
  else {
    let low = 0;
    let high = n - 1;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (levels[middle] <= v) low = middle;
      else high = middle;
    }
    index = low + (v - levels[low]) / (levels[high] - levels[low]);
  }
  return finite(index) ? Math.min(Math.max(index, -BAND_FAR), n - 1 + BAND_FAR) : NaN;
}

// The chart's float32 axis values as the float64 points core evaluates f at (np.linspace over the
// window: i * step + low, the last exactly high): a surface drawn whole (drawnWhole) then has
// core's numbers, its range and levels too.
function exactAxis(values, lim, n) {
  if (!Array.isArray(lim) || !(n > 1)) return values;
  const [low, high] = lim;
  const step = (high - low) / (n - 1);
  return Array.from(values, (v) => {
    const i = Math.min(Math.max(Math.round((v - low) / step), 0), n - 1);
    return i === n - 1 ? high : i * step + low;
  });
}

function withBodyZ(figure, evaluate, clip, exact) {
  const whole = exact && Array.isArray(exact.axes) ? exact : null;
  const [low, high] = Array.isArray(clip) && clip.length === 2 ? clip : [-Infinity, Infinity];
  // The grid's own trace (the surface or the filled contours): its values' range in float64, as
  // core.grid finds it, and how many are undefined (drawnWhole).
  const stats = { low: Infinity, high: -Infinity, undefined: 0, total: 0 };
  // The server's z range is float64; here f comes from another evaluation (and its grid was float32).
  const slack = finite(high - low) ? 1e-6 * (high - low) + 1e-12 * Math.max(Math.abs(low), Math.abs(high)) : 0;
  for (const trace of figure.data) {
    const spec = trace.bodyZ;
    if (!spec) continue;
    delete trace.bodyZ;
    const x = whole ? exactAxis(asNumbers(trace.x), whole.xlim, whole.axes[0]) : asNumbers(trace.x);
    const y = whole ? exactAxis(asNumbers(trace.y), whole.ylim, whole.axes[1]) : asNumbers(trace.y);
    const levels = Array.isArray(spec.levels) ? spec.levels.filter(finite) : null;
    const counted = trace.meta === "surface" || trace.meta === "contour";
    const rows = [];
    const values = [];
    const args = [0, 0, ...((evaluate && evaluate.values) || [])];
    for (let j = 0; j < y.length; j += 1) {
      const row = new Float32Array(x.length);
      const kept = new Float32Array(x.length);
      args[1] = y[j];
      for (let i = 0; i < x.length; i += 1) {
        args[0] = x[i];
        let v = NaN;
        try {
          v = evaluate ? evaluate.raw.apply(null, args)[0] : NaN;
        } catch (error) {
          v = NaN;
        }
        if (!finite(v) || v < low - slack || v > high + slack) v = NaN;
        else v = Math.min(Math.max(v, low), high);
        if (counted) {
          stats.total += 1;
          if (Number.isNaN(v)) stats.undefined += 1;
          else {
            if (v < stats.low) stats.low = v;
            if (v > stats.high) stats.high = v;
          }
        }
        kept[i] = v;
        row[i] = levels ? bandIndex(v, levels) : v;
      }
      rows.push(row);
      values.push(kept);
    }
    trace.z = rows;
    if (levels) trace.customdata = values;
  }
  if (stats.total) figure.bodyStats = stats;
  return figure;
}

// --- a surface the browser draws whole ---------------------------------------------------------
// A parametric formula without poles (pages/explore/work.py, surface_in_browser): the server
// evaluates no grid, neither for a new value nor for a moved point. The base comes with z left to
// withBodyZ; here the rest of what the grid decides, by the server's rules: the z range
// (core.grid: f's own, nothing cut), the z axis (ui.plots.axes.z_limits), the colours' range,
// the map's levels (ui.plots.contour.shown_levels: frameLevels) with their bands and labels
// (filled_contours, level_labels), the notes on undefined parts, and the 3D traces the range
// cuts or spans (sent as templates, marked `browser`: serverTraces draws them at the point).

// ui.plots.axes.z_limits
function zLimits(zRange, value) {
  if (!zRange) {
    const centre = finite(value) ? value : 0;
    return [centre - 1, centre + 1];
  }
  const [low, high] = zRange;
  const span = high - low;
  const flat = span <= 1e-12 * Math.max(1, Math.abs(low), Math.abs(high));
  const pad = flat ? 0.5 * Math.max(1, Math.abs(low)) : 0.05 * span;
  return [low - pad, high + pad];
}

const LABEL_MARGIN = 0.06; // ui.plots.contour.LABEL_MARGIN
const LABEL_CANDIDATES = 200; // ui.plots.contour.LABEL_CANDIDATES

// ui.plots.contour.level_labels: each level's value on one of its curves, at the point farthest
// from the labels already placed. The curves' points are where the level crosses the grid's
// edges (what contourpy joins into lines), taken row by row: the first label may sit elsewhere
// on its curve than the server's.
function levelLabels(x, y, rows, levels, template) {
  const nx = x.length;
  const ny = y.length;
  const origin = [x[0], y[0]];
  const scale = [x[nx - 1] - x[0], y[ny - 1] - y[0]];
  const placed = [];
  const out = { x: [], y: [], text: [] };
  const crossing = (v, w, level) => finite(v) && finite(w) && v !== w && (v < level) !== (w < level);
  for (const level of levels) {
    let points = [];
    for (let j = 0; j < ny; j += 1) {
      for (let i = 0; i < nx; i += 1) {
        const v = rows[j][i];
        if (i + 1 < nx && crossing(v, rows[j][i + 1], level)) {
          const t = (level - v) / (rows[j][i + 1] - v);
          points.push([(x[i] + t * (x[i + 1] - x[i]) - origin[0]) / scale[0], (y[j] - origin[1]) / scale[1]]);
        }
        if (j + 1 < ny && crossing(v, rows[j + 1][i], level)) {
          const t = (level - v) / (rows[j + 1][i] - v);
          points.push([(x[i] - origin[0]) / scale[0], (y[j] + t * (y[j + 1] - y[j]) - origin[1]) / scale[1]]);
        }
      }
    }
    if (!points.length) continue;
    const inside = points.filter((p) => p.every((v) => v > LABEL_MARGIN && v < 1 - LABEL_MARGIN));
    if (inside.length) points = inside;
    const step = Math.max(1, Math.floor(points.length / LABEL_CANDIDATES));
    points = points.filter((_, n) => n % step === 0);
    let best = points[Math.floor(points.length / 2)];
    if (placed.length) {
      let farthest = -1;
      for (const p of points) {
        const gap = Math.min(...placed.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])));
        if (gap > farthest) [farthest, best] = [gap, p];
      }
    }
    placed.push(best);
    out.x.push(origin[0] + best[0] * scale[0]);
    out.y.push(origin[1] + best[1] * scale[1]);
    out.text.push(fmt(level));
  }
  return Object.assign({}, template, out);
}

// The map's filled contours at the levels core's rules place (ui.plots.contour.filled_contours):
// even spacing is Plotly's own over the z range; quantile and log levels contour core.band_index
// of f (f in customdata), with the values written on the curves by a trace of their own.
function placeLevels(figure, g, zRange) {
  const at = figure.data.findIndex((t) => t.meta === "contour");
  if (at < 0) return;
  const contour = figure.data[at];
  if (!zRange) {
    delete contour.zmin;
    delete contour.zmax;
    return;
  }
  const rows = contour.z;
  const x = asNumbers(contour.x);
  const y = asNumbers(contour.y);
  // The float32 values clipped to the float64 range, as shown_levels takes them (frameLevels
  // leaves out what lies outside: a float32 maximum rounded up would be missing).
  const [low, high] = zRange;
  const flat = new Float64Array(x.length * y.length);
  rows.forEach((row, j) => row.forEach((v, i) => (flat[j * x.length + i] = Math.min(Math.max(v, low), high))));
  const placed = frameLevels(flat, low, high, Math.round(g.levels || 16), g.spacing);
  const levels = placed.levels;
  g.placed = placed.kind;
  g.shownLevels = levels;
  if (!levels || levels.length < 2) {
    [contour.zmin, contour.zmax] = zRange;
    return;
  }
  const band = (v) => (finite(v) ? bandIndex(Math.min(Math.max(v, low), high), levels) : NaN);
  contour.customdata = rows;
  contour.z = rows.map((row) => Float32Array.from(row, band));
  contour.zmin = bandIndex(low, levels);
  contour.zmax = bandIndex(high, levels);
  contour.autocontour = false;
  contour.hovertemplate = String(contour.hovertemplate || "").replace("%{z:", "%{customdata:");
  contour.contours = Object.assign({}, contour.contours, { start: 0, end: levels.length - 1, size: 1, showlabels: false });
  delete contour.ncontours;
  figure.data.splice(at + 1, 0, levelLabels(x, y, rows, levels, g.labels || {}));
}

const UNDEFINED_NOTE_SHARE = 0.005; // pages/explore/page.py's caption, from this share up

// The geometry of a base whose surface the browser draws (`browserGrid`), with the z range, the
// z axis and the notes it found; `figure` (z from withBodyZ) gets its colours and levels.
function drawnWhole(figure, data) {
  const g = Object.assign({}, data.geometry);
  const stats = figure.bodyStats || { low: Infinity, high: -Infinity, undefined: 0, total: 0 };
  delete figure.bodyStats;
  const zRange = stats.low <= stats.high ? [stats.low, stats.high] : null;
  g.zRange = zRange;
  g.zlim = zLimits(zRange, NaN);
  g.notes = zRange ? [] : ["f is undefined everywhere in this window"];
  if (data.kind === "3d") {
    const surface = figure.data.find((t) => t.meta === "surface");
    if (surface && zRange) [surface.cmin, surface.cmax] = zRange;
    else if (surface) {
      delete surface.cmin;
      delete surface.cmax;
    }
    const scene = figure.layout.scene || {};
    figure.layout.scene = Object.assign({}, scene, { zaxis: Object.assign({}, scene.zaxis, { range: g.zlim }) });
  } else {
    const share = stats.total ? stats.undefined / stats.total : 0;
    if (zRange && share > UNDEFINED_NOTE_SHARE) {
      g.notes.push(`f is undefined on ${Math.round(100 * share)}% of this window (the holes).`);
    }
    placeLevels(figure, g, zRange);
  }
  return g;
}

// The level curve through the point: the server's, or where the browser found the z range, the
// point's value strictly inside it (ui.plots.contour.point_level).
function levelInside(state, level) {
  const g = state.base && state.base.geometry;
  if (!g || !g.browserGrid) return level;
  const inside = g.zRange && finite(level) && g.zRange[0] < level && level < g.zRange[1];
  return inside ? level : null;
}

// The server's notes with the browser's first (as the server puts its own notes on undefined
// parts first), in the server's annotation, and the map's bottom margin for them.
function withNotes(state, parts) {
  const g = state.base && state.base.geometry;
  const notes = g && g.browserGrid && Array.isArray(g.notes) ? g.notes : [];
  if (!notes.length) return parts;
  const given = (parts && parts.annotations) || [];
  const first = given[0];
  const lines = notes.concat(first && first.text ? [first.text] : []);
  const note = Object.assign({}, first || g.note, { text: lines.join("<br>") });
  const out = Object.assign({}, parts, { annotations: [note].concat(given.slice(1)) });
  if (Array.isArray(g.noteMargin)) {
    const count = note.text.split("<br>").length;
    out.margin = Object.assign({}, parts && parts.margin, { b: g.noteMargin[0] + g.noteMargin[1] * count });
  }
  return out;
}

// A 3D scene in a chart narrower than COMPACT_3D_PX (Explore at 1366 px and at 150% zoom, Second
// order's columns there, a phone) is drawn 170 to 320 px tall, while its tick labels and titles
// keep their size in pixels: the y ticks and title were cut at the scene's bottom and the x ticks
// piled on each other. There it has fewer, smaller ticks and smaller titles, and its first camera
// steps back and looks lower, the lower the shorter the scene (the labels under the box take a
// fixed number of pixels: about 0.2 box units more at 170 px than at 500 px), so that every label
// stays inside. Measured in Chromium at the four classroom sizes (tests/e2e/test_layout.py).
const COMPACT_3D_PX = 520;
const COMPACT_TICKS = 5;
const COMPACT_TICK_PX = 11;
const COMPACT_TITLE_PX = 14;
const COMPACT_BACK = 1.17;
const FULL_SCENE_PX = 500; // the scene's height at 1920 x 1080, where the server's camera fits
const LOWER_PER_INVERSE_PX = 48; // how much lower the camera looks, per 1 / (scene height in px)
const LOWEST_CENTER_Z = -0.45;

function compactAxis(axis) {
  const given = axis || {};
  const title = typeof given.title === "string" ? { text: given.title } : given.title || {};
  return Object.assign({}, given, {
    nticks: COMPACT_TICKS,
    tickfont: Object.assign({}, given.tickfont, { size: COMPACT_TICK_PX }),
    title: Object.assign({}, title, { font: Object.assign({}, title.font, { size: COMPACT_TITLE_PX }) }),
  });
}

// `layout` as drawn at the chart's width: its axes compact when the 3D chart is narrow.
function compact3d(state, layout) {
  if (!state.compact || !layout.scene) return layout;
  const scene = Object.assign({}, layout.scene);
  for (const name of ["xaxis", "yaxis", "zaxis"]) scene[name] = compactAxis(scene[name]);
  return Object.assign({}, layout, { scene });
}

// The first camera of a compact scene drawn `tall` px high: the server's, stepped back and
// looking lower (see above).
function compactCamera(camera, tall) {
  const { eye, center } = camera;
  const lower = LOWER_PER_INVERSE_PX * (1 / Math.max(tall, 1) - 1 / FULL_SCENE_PX);
  const z = ((center && center.z) || 0) - Math.max(lower, 0);
  return Object.assign({}, camera, {
    eye: { x: COMPACT_BACK * eye.x, y: COMPACT_BACK * eye.y, z: COMPACT_BACK * eye.z },
    center: Object.assign({ x: 0, y: 0 }, center, { z: Math.max(z, LOWEST_CENTER_Z) }),
  });
}

// After the first draw of a compact scene with the point's traces: its camera for the scene's
// height as drawn. The legend's rows take their share of the chart in a second pass that Plotly
// may run after its promise has resolved, so the height is read once it has held a few frames.
const SETTLE_FRAMES = 3;
function fitCompactCamera(state, Plotly) {
  const camera = state.figure.layout.scene && state.figure.layout.scene.camera;
  if (!state.compact || !camera || !camera.eye) return Promise.resolve();
  const sceneHeight = () => {
    const full = state.gd._fullLayout;
    if (!full || !full.scene || !full._size) return null;
    const domain = full.scene.domain.y;
    return full._size.h * (domain[1] - domain[0]);
  };
  return new Promise((resolve) => {
    let last = sceneHeight();
    let held = 0;
    let frames = 0;
    const check = () => {
      const tall = sceneHeight();
      held = tall === last ? held + 1 : 0;
      last = tall;
      frames += 1;
      if (held < SETTLE_FRAMES && frames < 60) return requestAnimationFrame(check);
      if (!tall) return resolve();
      return resolve(Plotly.relayout(state.gd, { "scene.camera": compactCamera(camera, tall) }));
    };
    requestAnimationFrame(check);
  });
}

function hideContainer(parentElement) {
  const box = parentElement && (parentElement.host || parentElement);
  const container = box && box.closest ? box.closest("[data-testid=stElementContainer]") : null;
  if (container) container.style.display = "none"; // no empty gap in the column
}

// A 3D scene is drawn to the chart's height (Plotly's field of view is vertical): in a narrow
// column a tall chart cut off its tick labels left and right. With `fit`, the chart is no taller
// than its width / fit (and never taller than `height`), and follows the column's width. (Second
// order's columns at 150% zoom and on a phone were drawn 1.2 times shorter again, which cut the
// y title at the bottom once the labels were compact: compact3d keeps them inside instead.)
function fitHeight(state, data) {
  const width = state.host.clientWidth;
  const fit = data.fit;
  const height = fit && width > 0 ? Math.min(data.height, Math.round(width / fit)) : data.height;
  state.host.style.height = `${height}px`;
  state.gd.style.height = `${height}px`;
  const compact = data.kind === "3d" && width > 0 && width < COMPACT_3D_PX;
  const changed = (state.height !== undefined && state.height !== height) || (state.compact !== undefined && state.compact !== compact);
  state.height = height;
  state.compact = compact;
  return changed;
}

function watchWidth(state) {
  if (state.watching || typeof ResizeObserver === "undefined") return;
  state.watching = new ResizeObserver(() => {
    if (state.base && fitHeight(state, state.base) && state.gd._fullLayout && window.Plotly) {
      // The ticks and titles follow the width (not the camera, which the person may have turned).
      const axes = compact3d({ compact: true }, { scene: state.figure.layout.scene || {} }).scene;
      const plain = state.figure.layout.scene || {};
      const scene = state.compact ? axes : plain;
      const update = { height: state.height };
      if (state.base.kind === "3d") {
        for (const name of ["xaxis", "yaxis", "zaxis"]) update[`scene.${name}`] = scene[name] || {};
      }
      window.Plotly.relayout(state.gd, update);
    }
  });
  state.watching.observe(state.host);
}

function mountBase(state, data, parentElement, chunkUrl) {
  let host = state.host;
  if (!host || !parentElement.contains(host)) {
    host = document.createElement("div");
    host.className = "live-chart";
    host.tabIndex = 0;
    host.setAttribute("role", "application");
    parentElement.appendChild(host);
    const gd = document.createElement("div");
    host.appendChild(gd);
    state.host = host;
    state.gd = gd;
    state.wired = false;
    state.revision = null; // a new element (the page was left and opened again): draw anew
  }
  state.label = data.label || "chart";
  describe(state);
  fitHeight(state, data);
  watchWidth(state);
  if (state.revision === data.revision && state.figure) {
    if (state.sweepLeft && !sweep) {
      // A sweep paused where the server already was: its figure is the answer, drawn again.
      afterSweep(state);
      state.evaluate = compile(data.live);
      const point = state.point || {};
      draw(state, serverTraces(state), point.level, point.layout);
    }
    return Promise.resolve();
  }
  if (sweep && sweep.charts.includes(state)) stopSweep(); // a new function or window: start over
  state.revision = data.revision;
  const revision = data.revision;
  const figure = JSON.parse(data.figure);
  return Promise.all([plotly(chunkUrl), gridFor(data.grid)]).then(([Plotly, grid]) => {
    if (state.revision !== revision) return undefined; // a newer base arrived meanwhile
    const evaluate = compile(data.live);
    const whole = data.geometry && data.geometry.browserGrid;
    state.figure = withBodyZ(withGrid(figure, grid), evaluate, data.geometry && data.geometry.zClip, whole && data.geometry);
    state.base = whole ? Object.assign({}, data, { geometry: drawnWhole(state.figure, data) }) : data;
    hideUndefinedSurfaces(state.figure);
    // The point's traces that the browser drew were drawn in the last base's z range.
    if (state.point) delete state.point.filled;
    if (whole) describe(state);
    // What the base draws stays put while the point moves (the surface, the contours, markers).
    state.baseMetas = new Set(figure.data.map((trace) => trace.meta).filter(Boolean));
    state.config = data.config || {};
    state.evaluate = evaluate;
    const first = !state.gd._fullLayout;
    const promise = first
      ? Plotly.newPlot(state.gd, state.figure.data, compact3d(state, { ...state.figure.layout, height: state.height }), state.config)
      : draw(state, [], null, {});
    if (first) state.cameraFitted = false;
    return promise.then(() => {
      afterSweep(state);
      if (!state.wired) {
        wire(state, host);
        state.wired = true;
      }
      applyServerPoint(state);
    });
  });
}

// A surface with no defined value (f undefined on the whole window) stops Plotly's WebGL scene
// (its bounds are NaN: "uniformMatrix4fv ... cannot be converted"), and the chart would not be
// drawn at all. Hidden, the scene keeps its axes, and the page says why it is empty.
function hideUndefinedSurfaces(figure) {
  for (const trace of figure.data) {
    if (trace.type === "surface" && !hasFiniteValue(trace.z)) trace.visible = false;
  }
  return figure;
}

// Whether z (nested arrays, typed arrays, or Plotly's base64 {dtype, bdata}) holds a finite value;
// true for a form not read here, which is then left as it is.
function hasFiniteValue(z) {
  if (z && typeof z.bdata === "string" && (z.dtype === "f4" || z.dtype === "f8")) {
    const bytes = Uint8Array.from(atob(z.bdata), (c) => c.charCodeAt(0));
    z = z.dtype === "f4" ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
  }
  if (!Array.isArray(z) && !ArrayBuffer.isView(z)) return true;
  for (const row of z) {
    if (typeof row === "number") {
      if (Number.isFinite(row)) return true;
    } else if (row && typeof row.length === "number") {
      for (let i = 0; i < row.length; i += 1) if (Number.isFinite(row[i])) return true;
    }
  }
  return false;
}

// The point arrives through a tiny component of its own (ui/shell/live_point.js): Streamlit puts a
// component's whole JavaScript in every message of its element, and the point's element changes
// on every move, so it must not carry this module. It hands its data over through this function.
function receivePoint(given) {
  const data = unpack(given);
  if (!data || typeof data.chart !== "string") return;
  const state = chartState(data.chart);
  state.point = Object.assign({}, data, { traces: data.traces ? JSON.parse(data.traces) : [] });
  describe(state);
  applyServerPoint(state);
}

// The chart's accessible name: what it shows, and the point in words (ui/shell/chart_text.py),
// which the point part brings with every answer from the server.
function describe(state) {
  if (!state.host) return;
  let words = state.point && typeof state.point.description === "string" ? state.point.description : "";
  // A surface drawn whole here says what the page's caption would have said (drawnWhole).
  const g = state.base && state.base.geometry;
  const notes = g && g.browserGrid && Array.isArray(g.notes) ? g.notes : [];
  if (notes.length) words = [words, ...notes].filter(Boolean).join(" ");
  state.host.setAttribute("aria-label", words ? `${state.label}. ${words}` : state.label || "chart");
}
const mailbox = (window.derivativesLivePoints = window.derivativesLivePoints || { waiting: [] });
mailbox.receive = receivePoint;
for (const data of mailbox.waiting.splice(0)) receivePoint(data);

// A component's data with its dict and list values back in place: the server sends them as one
// JSON text, "packed" (ui/shell/live_chart.py, packed), which Streamlit does not search for
// dataframes on every run.
function unpack(data) {
  if (!data || typeof data.packed !== "string") return data;
  const flat = Object.assign({}, data);
  delete flat.packed;
  return Object.assign(flat, JSON.parse(data.packed));
}

export default function liveChart(component) {
  const { parentElement, setTriggerValue } = component;
  const data = unpack(component.data);
  if (data && (data.role === "engine" || data.role === "grid")) {
    hideContainer(parentElement);
    if (data.role === "grid") receiveGrid(data);
    return undefined;
  }
  if (!data || typeof data.chart !== "string") return undefined;
  const state = chartState(data.chart);
  state.send = (moved) => setTriggerValue("moved", moved);
  mountBase(state, data, parentElement, data.plotly_chunk).catch(() => {
    parentElement.textContent = "This chart could not be drawn in this browser.";
  });
  return undefined;
}

// Charts mounted through the stub (ui/shell/live_stub.js) before or after this module loaded.
const hub = (window.derivativesLiveCharts = window.derivativesLiveCharts || { waiting: [] });
hub.mount = liveChart;
for (const waiting of hub.waiting.splice(0)) liveChart(waiting);

// For the tests (tests/ui/shell/test_live_chart.py runs these in node against the server's traces).
export const internals = {
  chartState, compile, previewTraces2d, previewTraces3d, serverTraces, unpack, scaleColour, quantile, bandIndex, withBodyZ, frameLevels, bandAmong,
  drawnWhole, hideUndefinedSurfaces, levelInside, withNotes, zLimits,
};
