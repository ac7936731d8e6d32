// The race chart (pages/descent/race_chart.py): one Plotly chart that stays mounted across reruns.
//
// Two mounts work on one chart:
// - this module's mount draws the base: the surface and the map under the race (shading, level
//   curves, the pick grid) and the axes. Its data only changes with the function, the window and
//   the resolution, so a rerun after a new start sends Streamlit's short reference instead, and
//   nothing is redrawn from scratch: one WebGL context for the life of the page, the camera kept.
// - a tiny mount (race_part.js) hands over the race: the start, the racers' traces at the
//   finished race, and the animation in compact form (per animated trace, either how many points
//   of the finished trace each frame shows, or every frame's few points end to end). Each frame is
//   built here from those (pages/descent/race.py: expand_frame is the reference).
//
// The animation is driven here, with HTML controls below the chart (Play at three speeds, Pause,
// a step slider): reachable by keyboard and never drawn over the chart. A still click on the map,
// or on the surface, moves the start: one trigger ("clicked") reruns the script.

const CLICK_SLOP_PX = 5; // a pointer that moved more than this between down and up was a drag
const PLOTLY_WAIT_MS = 4000;
const NARROW_PX = 640; // below this width the scene and the map are stacked
// The phone's camera: the wide screen's comes closer and looks lower than a stacked scene allows;
// panned so the z title keeps a margin at the left and the x title is not cut at the right.
const NARROW_CAMERA = { eye: { x: 1.955, y: 1.07, z: 0.943 }, center: { x: 0.07, y: -0.095, z: 0 } };
const ARRAY_KEYS = ["x", "y", "z", "text"];
const TYPED = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
};

// chart id -> {host, gd, controls, base, race, frame, playing, ...}
const charts = new Map();

function chartState(id) {
  if (!charts.has(id)) charts.set(id, { id, frame: null });
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

// Plotly's base64 typed arrays ({dtype, bdata}) as typed arrays, so that frames can slice them.
function decoded(value) {
  if (Array.isArray(value)) return value.map(decoded);
  if (!value || typeof value !== "object") return value;
  if (typeof value.bdata === "string" && TYPED[value.dtype] && !value.shape) {
    const text = atob(value.bdata);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
    return new TYPED[value.dtype](bytes.buffer);
  }
  const out = {};
  for (const [key, item] of Object.entries(value)) out[key] = decoded(item);
  return out;
}

function merged(a, b) {
  const out = Object.assign({}, a);
  for (const [key, value] of Object.entries(b || {})) {
    const plain = value && typeof value === "object" && !Array.isArray(value);
    out[key] = plain && a && a[key] && typeof a[key] === "object" ? merged(a[key], value) : value;
  }
  return out;
}

function frameCount(race) {
  return race && race.frames && race.frames.steps ? race.frames.steps.length : 0;
}

// The race's traces at frame k (as pages/descent/race.py: expand_frame); null = the finished race.
function raceTraces(race, k) {
  if (k === null || k === undefined || !frameCount(race)) return race.data;
  const out = race.data.slice();
  race.animated.forEach((index, i) => {
    const part = race.frames.parts[i];
    const final = race.data[index];
    const changes = {};
    if (part.n) {
      const n = part.n[k];
      for (const key of ARRAY_KEYS) if (final[key] !== undefined) changes[key] = final[key].slice(0, n);
    } else {
      const low = k ? part.ends[k - 1] : 0;
      const high = part.ends[k];
      for (const [key, rows] of Object.entries(part.rows)) changes[key] = rows.slice(low, high);
    }
    out[index] = Object.assign({}, final, changes);
  });
  return out;
}

function glScene(gd) {
  const scene = gd._fullLayout && gd._fullLayout.scene;
  return scene && scene._scene ? scene._scene : null;
}

// On a phone the two views are stacked, the 3D scene above the map. The scene gets the larger
// part of a taller chart, with the camera as close as its axis labels allow (it was drawn in
// about 300x200 px of a 390 px phone).
function narrowLayout(layout, width) {
  if (width >= NARROW_PX) return layout;
  const height = Math.round(Math.min(2.3 * width, 1000));
  const camera = Object.assign({}, layout.scene && layout.scene.camera, NARROW_CAMERA);
  return merged(layout, {
    height,
    scene: { domain: { x: [0, 1], y: [0.44, 1] }, camera },
    xaxis: { domain: [0.08, 1] },
    yaxis: { domain: [0.03, 0.39] },
    margin: { b: 40 },
    legend: { font: { size: 13 } },
  });
}

// Beside the map, the scene's part is as tall as the chart and, at 1366 px or at 150% zoom, narrower
// than tall; Plotly fits the scene to that height, so the camera close enough at 1920 x 1080 would
// cut the z labels at the left and the x labels at the right there. Where the part is less than
// 4:3 (at 1920 x 1080 it is 1.4:1), the chart is first made shorter (NARROW_HEIGHT_PER_WIDTH of its
// width: the square map beside the scene is as wide as the column allows and no taller, and the
// chart then fits the first screen at 150% zoom); then the camera steps back until the box with its
// labels fits the part's width (SCENE_WIDTH_OVER_HEIGHT: measured, with the legend's rows above
// the scene, so that nothing is cut at 1366 px and at 150% zoom). At 560 px tall the scene had
// filled about a third of its part there; at this height, about 60% (tests/e2e/test_layout.py).
// The labels keep their size in pixels as the scene shrinks, and the z title reaches further left
// than the x title reaches right, so the view is panned right by about as many pixels (PAN, scene
// units at the wide screen's distance).
const STEP_BACK_BELOW = 4 / 3;
const NARROW_HEIGHT_PER_WIDTH = 0.62;
const SCENE_WIDTH_OVER_HEIGHT = 1.37;
const SCENE_NARROWED = { x: [0.03, 0.5] };
const PAN = { x: 0.045, y: -0.075 };
function wideLayout(layout, width) {
  if (width < NARROW_PX || !layout.scene || !layout.scene.camera) return layout;
  const domain = layout.scene.domain || { x: [0, 1], y: [0, 1] };
  const margin = layout.margin || {};
  const plotTall = (chart) => (chart - (margin.t || 0) - (margin.b || 0)) * (domain.y[1] - domain.y[0]);
  const across = (width - (margin.l || 0) - (margin.r || 0)) * (domain.x[1] - domain.x[0]);
  if (across >= STEP_BACK_BELOW * plotTall(layout.height || 500)) return layout;
  const height = Math.min(layout.height || 500, Math.round(NARROW_HEIGHT_PER_WIDTH * width));
  const back = Math.max(1, (SCENE_WIDTH_OVER_HEIGHT * plotTall(height)) / across);
  const { eye, center } = layout.scene.camera;
  const camera = {
    eye: { x: back * eye.x, y: back * eye.y, z: back * eye.z },
    center: { x: back * PAN.x, y: back * PAN.y, z: (center && center.z) || 0 },
  };
  return merged(layout, { height, scene: { camera, domain: SCENE_NARROWED } });
}

// The camera was chosen for the legend the race usually has (two rows at 1920 px, three at 1366
// px and at 150% zoom, four on a phone), but the legend takes as many rows as there are racers:
// with one racer (a link that names one) it took one, the scene got the rows' height, Plotly drew
// it that much larger, and the z title f(x, y) was cut at the scene's left edge (the x title at its
// right) at every size. So once the legend has settled, the scene's box is measured, and where it
// is taller for its width than its camera allows, the camera steps back. A camera at distance d
// (times the reference's) allows a box up to d / ACROSS_PER_TALL times as tall as it is wide: the
// wide screen's reference is the server's camera (the default at 1920 x 1080 is drawn at 1.61,
// the first cut was seen at 1.49), the phone's NARROW_CAMERA (its default drawn at 0.97, cut at
// 0.85). It does so only while the camera on screen is the page's own (state.fitted): one a
// person has turned is theirs.
const ACROSS_PER_TALL = { wide: 1.6, narrow: 0.97 };
const SAME_CAMERA = 1e-6;
const LEGEND_FRAMES = 3;

function length3(v) {
  return Math.hypot(v.x || 0, v.y || 0, v.z || 0);
}

function sameCamera(a, b) {
  if (!a || !b || !a.eye || !b.eye) return false;
  const near = (u, v) => ["x", "y", "z"].every((k) => Math.abs((u[k] || 0) - (v[k] || 0)) < SAME_CAMERA);
  return near(a.eye, b.eye) && near(a.center || {}, b.center || {});
}

// `camera` stepped back by `factor`, its pan (center x, y) with it, as wideLayout does.
function steppedBack(camera, factor) {
  const { eye, center } = camera;
  const c = center || {};
  return Object.assign({}, camera, {
    eye: { x: factor * eye.x, y: factor * eye.y, z: factor * eye.z },
    center: { x: factor * (c.x || 0), y: factor * (c.y || 0), z: c.z || 0 },
  });
}

function sceneBox(gd) {
  const full = gd._fullLayout;
  if (!full || !full.scene || !full._size) return null;
  const d = full.scene.domain;
  return { across: full._size.w * (d.x[1] - d.x[0]), tall: full._size.h * (d.y[1] - d.y[0]) };
}

// The camera for the scene's box as drawn: `chosen` (the layout's), stepped back if the box is
// taller for its width than it allows; `reference` is the camera `ratio` was measured with.
function cameraFor(box, chosen, reference, ratio) {
  if (!box || !box.across || !chosen || !chosen.eye || !reference || !reference.eye) return chosen;
  const distance = length3(chosen.eye) / length3(reference.eye);
  const needed = (ratio * box.tall) / box.across;
  return needed > distance * (1 + 1e-3) ? steppedBack(chosen, needed / distance) : chosen;
}

function fitToLegend(state, chosen, width) {
  const narrow = width < NARROW_PX;
  const server = state.base && state.base.layout.scene && state.base.layout.scene.camera;
  const reference = narrow ? NARROW_CAMERA : server;
  const ratio = narrow ? ACROSS_PER_TALL.narrow : ACROSS_PER_TALL.wide;
  if (!chosen || !reference) return Promise.resolve();
  return new Promise((resolve) => {
    let last = null;
    let held = 0;
    let frames = 0;
    const check = () => {
      const box = sceneBox(state.gd);
      const key = box ? `${box.across} ${box.tall}` : "";
      held = key === last ? held + 1 : 0;
      last = key;
      frames += 1;
      if (held < LEGEND_FRAMES && frames < 60) return requestAnimationFrame(check);
      const scene = glScene(state.gd);
      if (!box || !scene || (state.fitted && !sameCamera(scene.getCamera(), state.fitted))) return resolve();
      const camera = cameraFor(box, chosen, reference, ratio);
      state.fitted = JSON.parse(JSON.stringify(camera));
      if (sameCamera(scene.getCamera(), camera)) return resolve();
      return resolve(window.Plotly.relayout(state.gd, { "scene.camera": camera }).catch(() => {}));
    };
    requestAnimationFrame(check);
  });
}

function draw(state) {
  state.dirty = true;
  if (state.busy || !state.base || !state.race || !window.Plotly) return state.busy || Promise.resolve();
  state.dirty = false;
  const gd = state.gd;
  const traces = state.base.data.concat(raceTraces(state.race, state.frame));
  let layout = merged(state.base.layout, state.race.layout);
  const width = state.host.clientWidth || 1000;
  layout = wideLayout(narrowLayout(layout, width), width);
  const chosen = layout.scene && layout.scene.camera;
  const scene = glScene(gd);
  let ours = !scene;
  if (scene) {
    // The turntable coasts on after the button is released, past the camera Plotly recorded
    // then: the camera on screen now is the one to keep.
    const camera = JSON.parse(JSON.stringify(scene.getCamera()));
    ours = Boolean(state.fitted) && sameCamera(camera, state.fitted);
    if (gd.layout && gd.layout.scene) gd.layout.scene.camera = camera;
    layout.scene = Object.assign({}, layout.scene, { camera });
  }
  state.gd.style.height = `${layout.height}px`;
  const started = gd._fullLayout ? window.Plotly.react : window.Plotly.newPlot;
  state.busy = started(gd, traces, layout, state.config)
    .catch(() => {})
    .then(() => (ours && state.frame === null ? fitToLegend(state, chosen, width) : undefined))
    .then(() => {
      state.busy = null;
      gd.raceFrame = state.frame; // read by the browser tests
      gd.raceDraws = (gd.raceDraws || 0) + 1;
      if (state.dirty) return draw(state);
      return undefined;
    });
  return state.busy;
}

// --- the animation -------------------------------------------------------------------------

function showFrame(state) {
  const controls = state.controls;
  if (!controls) return;
  const count = frameCount(state.race);
  const k = state.frame === null ? count - 1 : state.frame;
  controls.slider.max = String(Math.max(count - 1, 0));
  controls.slider.value = String(Math.max(k, 0));
  const step = count ? state.race.frames.steps[Math.max(k, 0)] : 0;
  controls.slider.setAttribute("aria-valuetext", `step ${step}`);
  controls.readout.textContent = `step ${step}`;
  controls.box.hidden = count < 2;
  for (const button of controls.play) button.setAttribute("aria-pressed", String(state.playing === button.speed));
}

function stop(state) {
  clearTimeout(state.timer);
  state.playing = null;
  showFrame(state);
}

function play(state, speed) {
  const count = frameCount(state.race);
  if (count < 2) return;
  clearTimeout(state.timer);
  const at = state.frame === null ? count - 1 : state.frame;
  state.frame = at >= count - 1 ? 0 : at; // from the start again once the race has ended
  state.playing = speed;
  state.lastSpeed = speed;
  const duration = state.frameMs / speed;
  const tick = () => {
    if (state.playing !== speed) return;
    const started = performance.now();
    if (state.gd) state.gd.dispatchEvent(new CustomEvent("race-frame", { detail: state.frame }));
    showFrame(state);
    Promise.resolve(draw(state)).then(() => {
      if (state.playing !== speed) return;
      if (state.frame >= frameCount(state.race) - 1) {
        state.frame = null; // the finished race
        stop(state);
        return;
      }
      state.frame += 1;
      state.timer = setTimeout(tick, Math.max(0, duration - (performance.now() - started)));
    });
  };
  tick();
}

function controlsFor(state, host, data) {
  const box = document.createElement("div");
  box.className = "race-controls";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Replay the race");
  Object.assign(box.style, {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: "8px 12px",
    padding: "6px 0 0 0",
    fontSize: "16px",
  });
  const style = document.createElement("style");
  style.textContent = `
    .race-controls button { font: inherit; padding: 4px 12px; border: 1px solid #666;
      border-radius: 6px; background: #f0f0f0; color: #111; cursor: pointer; min-height: 36px; }
    .race-controls button[aria-pressed="true"] { background: #dbe8ff; border-color: #1a4fa0; }
    .race-controls :focus-visible { outline: 3px solid #1a4fa0; outline-offset: 2px; }
    .race-controls label { display: flex; align-items: center; gap: 8px; flex: 1 1 220px; }
    .race-controls input[type=range] { flex: 1 1 auto; min-width: 120px; accent-color: #1a4fa0; }
    .race-controls output { min-width: 6.5em; font-variant-numeric: tabular-nums; color: #111; }`;
  box.appendChild(style);
  const play_ = (data.speeds || [1]).map((speed) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `▶ ${speed}×`;
    button.setAttribute("aria-label", `Play the race at ${speed}× speed`);
    button.speed = speed;
    button.addEventListener("click", () => play(state, speed));
    box.appendChild(button);
    return button;
  });
  const pause = document.createElement("button");
  pause.type = "button";
  pause.textContent = "❚❚ Pause";
  pause.setAttribute("aria-label", "Pause the race");
  pause.addEventListener("click", () => stop(state));
  box.appendChild(pause);
  const label = document.createElement("label");
  label.textContent = "Step";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", "Step of the race shown");
  slider.addEventListener("input", () => {
    const chosen = Number(slider.value); // before stop(), which shows the current frame again
    clearTimeout(state.timer);
    state.playing = null;
    state.frame = chosen;
    showFrame(state);
    draw(state);
  });
  label.appendChild(slider);
  const readout = document.createElement("output");
  label.appendChild(readout);
  box.appendChild(label);
  host.appendChild(box);
  return { box, play: play_, pause, slider, readout };
}

// --- the person's clicks -------------------------------------------------------------------------

// The data point under the pointer on the map, or null outside its plot area.
function mapPoint(gd, event) {
  const full = gd._fullLayout;
  if (!full || !full.xaxis || !full.yaxis) return null;
  const box = gd.getBoundingClientRect();
  const px = event.clientX - box.left - full.xaxis._offset;
  const py = event.clientY - box.top - full.yaxis._offset;
  const inside = px >= 0 && py >= 0 && px <= full.xaxis._length && py <= full.yaxis._length;
  return inside ? [full.xaxis.p2l(px), full.yaxis.p2l(py)] : null;
}

function wire(state) {
  const gd = state.gd;
  let press = null;
  let hovered = null; // the surface point under the pointer (3D), from plotly_hover
  gd.on("plotly_hover", (event) => {
    const p = event && event.points && event.points[0];
    hovered = p && p.data && p.data.meta === "surface" ? [Number(p.x), Number(p.y)] : null;
  });
  gd.on("plotly_unhover", () => {
    hovered = null;
  });
  const onDown = (event) => {
    if (event.button !== 0) return;
    const ignored = event.target.closest && event.target.closest(".modebar, .legend, .race-controls");
    press = ignored ? null : { x: event.clientX, y: event.clientY };
  };
  const onUp = (event) => {
    if (!press) return;
    const moved = Math.hypot(event.clientX - press.x, event.clientY - press.y);
    press = null;
    if (moved > CLICK_SLOP_PX) return; // a rotation or a zoom box, not a click
    const at = mapPoint(gd, event) || hovered;
    if (!at || !finite(at[0]) || !finite(at[1]) || !state.send) return;
    state.send({ x: at[0], y: at[1] });
  };
  state.host.addEventListener("pointerdown", onDown, true);
  window.addEventListener("pointerup", onUp, true);
}

// --- the keyboard on the focused chart -----------------------------------------------------------

const KEYS_LABEL =
  "Race chart. Space plays or pauses the race, the left and right arrow keys step through it, " +
  "Home and End go to its start and its end.";

// Space plays or pauses (at the speed last played), the arrow keys step, Home and End jump: only
// while the chart itself has the focus (its buttons and slider keep their own keys).
function keyFor(state, event) {
  if (event.target !== state.host || event.altKey || event.ctrlKey || event.metaKey) return;
  const count = frameCount(state.race);
  if (count < 2) return;
  const shown = state.frame === null ? count - 1 : state.frame;
  let frame = null;
  if (event.key === " " || event.key === "Spacebar") {
    event.preventDefault();
    if (state.playing) stop(state);
    else play(state, state.lastSpeed || 1);
    return;
  }
  if (event.key === "ArrowRight") frame = Math.min(shown + 1, count - 1);
  else if (event.key === "ArrowLeft") frame = Math.max(shown - 1, 0);
  else if (event.key === "Home") frame = 0;
  else if (event.key === "End") frame = count - 1;
  else return;
  event.preventDefault();
  clearTimeout(state.timer);
  state.playing = null;
  state.frame = frame;
  showFrame(state);
  draw(state);
}

// The chart's accessible name: what it shows, and the race in words (race.race_summary).
function describe(state) {
  if (!state.gd) return;
  const summary = state.race && typeof state.race.summary === "string" ? ` ${state.race.summary}` : "";
  state.gd.setAttribute("aria-label", `${state.label || "The race"}.${summary}`);
}

function mountBase(state, data, parentElement) {
  let host = state.host;
  if (!host || !parentElement.contains(host)) {
    host = document.createElement("div");
    host.className = "race-chart";
    // One Tab stop for the chart itself, with the race's shortcuts (keyFor); its controls and
    // its toolbar follow it in the Tab order.
    host.tabIndex = 0;
    host.setAttribute("role", "group");
    host.setAttribute("aria-label", KEYS_LABEL);
    host.setAttribute("aria-keyshortcuts", "Space ArrowLeft ArrowRight Home End");
    parentElement.appendChild(host);
    const gd = document.createElement("div");
    // A figure, not an img: an img's content is presentational, and the chart's toolbar
    // buttons inside it would be hidden from assistive technology (axe: nested-interactive).
    gd.setAttribute("role", "figure");
    host.appendChild(gd);
    state.host = host;
    state.gd = gd;
    state.wired = false;
    state.revision = null; // a new element (the page was left and opened again): draw anew
    state.controls = controlsFor(state, host, data);
    host.addEventListener("keydown", (event) => keyFor(state, event));
  }
  state.label = data.label;
  describe(state);
  state.frameMs = data.frame_ms || 100;
  if (state.revision === data.revision && state.base) return Promise.resolve();
  state.revision = data.revision;
  state.base = JSON.parse(data.figure);
  state.config = data.config || {};
  return plotly(data.plotly_chunk).then(() =>
    draw(state).then(() => {
      if (!state.wired && state.gd._fullLayout) {
        wire(state);
        state.wired = true;
      }
    }),
  );
}

// The race arrives through a tiny component of its own (race_part.js): Streamlit puts a
// component's whole JavaScript in every message of its element, and the race's element changes
// with every start, so it must not carry this module.
function receiveRace(data) {
  if (!data || typeof data.chart !== "string" || typeof data.race !== "string") return;
  const state = chartState(data.chart);
  if (state.raceText === data.race) return; // a rerun that changed nothing in the race
  state.raceText = data.race;
  state.race = decoded(JSON.parse(data.race));
  describe(state);
  clearTimeout(state.timer);
  state.playing = null;
  state.frame = null; // a new race opens finished, as the page's readouts describe it
  showFrame(state);
  if (window.Plotly && state.base) {
    draw(state).then(() => {
      if (!state.wired && state.gd && state.gd._fullLayout) {
        wire(state);
        state.wired = true;
      }
    });
  }
}
const mailbox = (window.descentRaces = window.descentRaces || { waiting: [] });
mailbox.receive = receiveRace;
for (const data of mailbox.waiting.splice(0)) receiveRace(data);

export default function raceChart(component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data || typeof data.chart !== "string") return undefined;
  const state = chartState(data.chart);
  state.send = (clicked) => setTriggerValue("clicked", clicked);
  mountBase(state, data, parentElement).catch(() => {
    parentElement.textContent = "This chart could not be drawn in this browser.";
  });
  return undefined;
}
