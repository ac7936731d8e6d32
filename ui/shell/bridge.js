// Click bridge: listens to Plotly charts that st.plotly_chart drew and reports clicks to Python.
//
// Streamlit's own selection is empty for go.Surface and go.Contour, so this module subscribes to
// the chart divs directly (`.st-key-<container key> .js-plotly-plot`). It renders nothing.
//
// State kept at module level survives reruns: Streamlit imports this module once (from a cached
// blob URL) and only calls the default export again when the mount's data changes.

const CLICK_SLOP_PX = 5; // a pointer that moved more than this between down and up was a drag
const CLICK_MAX_MS = 1500; // a press held longer than this is not a click either
const PENDING_MS = CLICK_MAX_MS; // how long a 3D plotly_click waits for its pointerup
const TAP_FALLBACK_MS = 120; // after a still tap, how long to wait for plotly_click before hover
const SETTLED_FRAMES = 5; // a camera unchanged for this many frames has stopped moving
const SETTLE_MAX_MS = 1500; // stop following a camera after this long, moving or not

// container key -> last scene.camera the person left that chart with (3D charts only).
const cameras = new Map();

function chartDiv(key) {
  const box = document.querySelector(`.st-key-${CSS.escape(key)}`);
  return box ? box.querySelector(".js-plotly-plot") : null;
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function copyCamera(camera) {
  if (!camera || typeof camera !== "object") return null;
  const copy = {};
  for (const part of ["up", "center", "eye"]) {
    const v = camera[part];
    if (!v || !finite(v.x) || !finite(v.y) || !finite(v.z)) return null;
    copy[part] = { x: v.x, y: v.y, z: v.z };
  }
  if (camera.projection && typeof camera.projection.type === "string") {
    copy.projection = { type: camera.projection.type };
  }
  return copy;
}

function sameCamera(a, b) {
  if (!a || !b) return false;
  return ["up", "center", "eye"].every((part) =>
    ["x", "y", "z"].every((axis) => Math.abs(a[part][axis] - b[part][axis]) < 1e-6),
  );
}

function glScene(gd) {
  const scene = gd._fullLayout && gd._fullLayout.scene;
  return scene && scene._scene ? scene._scene : null;
}

// The camera as the person sees it now (the gl scene is ahead of the layout during a drag).
function liveCamera(gd) {
  const scene = glScene(gd);
  if (scene && typeof scene.getCamera === "function") {
    const camera = copyCamera(scene.getCamera());
    if (camera) return camera;
  }
  return copyCamera(gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene.camera);
}

// Put a remembered camera back on a freshly drawn 3D chart. Plotly.relayout when the bundle
// exposes it (it records the change like a user edit); otherwise the gl scene directly.
function applyCamera(gd, camera) {
  if (!glScene(gd) || sameCamera(liveCamera(gd), camera)) return;
  const Plotly = window.Plotly;
  if (Plotly && typeof Plotly.relayout === "function") {
    Plotly.relayout(gd, { "scene.camera": camera }).catch(() => {});
    return;
  }
  const scene = glScene(gd);
  if (typeof scene.setCamera === "function") {
    scene.setCamera(camera);
    if (typeof scene.saveCamera === "function") scene.saveCamera(gd.layout);
  }
}

const OUTSIDE = "outside";

// Data coordinates under the pointer on a 2D cartesian chart: the exact spot, not the grid node
// plotly_click snaps to. OUTSIDE for the margins; null when the axes cannot convert.
function dataPoint(gd, event) {
  const layout = gd._fullLayout;
  const xa = layout && layout.xaxis;
  const ya = layout && layout.yaxis;
  if (!xa || !ya || typeof xa.p2d !== "function" || typeof ya.p2d !== "function") return null;
  const box = gd.getBoundingClientRect();
  const px = event.clientX - box.left - xa._offset;
  const py = event.clientY - box.top - ya._offset;
  if (!finite(px) || !finite(py)) return null;
  if (!(px >= 0 && px <= xa._length && py >= 0 && py <= ya._length)) return OUTSIDE;
  const x = Number(xa.p2d(px));
  const y = Number(ya.p2d(py));
  return finite(x) && finite(y) ? { x, y } : null;
}

function eventPoint(data) {
  const point = data && data.points && data.points[0];
  if (!point) return null;
  const x = Number(point.x);
  const y = Number(point.y);
  return finite(x) && finite(y) ? { x, y } : null;
}

function isScene(gd) {
  return Boolean(glScene(gd));
}

// The element container of a zero-height element still takes a flex gap in Streamlit's column;
// hiding it removes the gap and leaves the module running.
function hideContainer(parentElement) {
  const host = parentElement && (parentElement.host || parentElement);
  const box = host && host.closest ? host.closest("[data-testid=stElementContainer]") : null;
  if (!box) return () => {};
  const before = box.style.display;
  box.style.display = "none";
  return () => {
    box.style.display = before;
  };
}

export default function bridge(component) {
  const { data, setTriggerValue, parentElement } = component;
  const showContainer = hideContainer(parentElement);
  const charts = Array.isArray(data && data.charts) ? data.charts.map(String) : [];
  const wired = new Map(); // gd -> function that unwires it
  let press = null; // {gd, key, x, y, t} of the pointerdown on a chart
  let pending = null; // a 3D plotly_click that waits for the pointerup that ends its gesture
  let lastTap = null; // {gd, t} of a pointerup that ended a short, still press
  let hovered = null; // {gd, point} under the pointer on a 3D chart, from plotly_hover
  let tapTimer = 0;

  const send = (chart, point) => {
    for (const key of charts) {
      const gd = chartDiv(key);
      const camera = gd && isScene(gd) ? liveCamera(gd) : null;
      if (camera) cameras.set(key, camera);
    }
    const sceneCameras = {};
    for (const [key, camera] of cameras) {
      if (charts.includes(key)) sceneCameras[key] = camera;
    }
    setTriggerValue("click", { chart, x: point.x, y: point.y, cameras: sceneCameras });
  };

  // The view keeps moving for a few frames after a drag ends (turntable inertia), so the camera
  // is followed frame by frame until it stops; remembering it at pointerup would keep a camera
  // the view had not reached yet, and a later redraw would jump back to it.
  const settling = new Map(); // chart key -> animation frame id
  const rememberCamera = (key, gd) => {
    cancelAnimationFrame(settling.get(key));
    const started = performance.now();
    let still = 0;
    const follow = () => {
      const camera = liveCamera(gd);
      if (camera) {
        still = sameCamera(cameras.get(key), camera) ? still + 1 : 0;
        cameras.set(key, camera);
      }
      if (still < SETTLED_FRAMES && performance.now() - started < SETTLE_MAX_MS) {
        settling.set(key, requestAnimationFrame(follow));
      } else {
        settling.delete(key);
      }
    };
    follow();
  };

  const wire = (key, gd) => {
    const stop = new AbortController();
    const listen = { signal: stop.signal, capture: true };

    const onDown = (event) => {
      if (event.button !== 0 || event.target.closest(".modebar, .legend, .colorbar")) {
        press = null;
        return;
      }
      press = { gd, key, x: event.clientX, y: event.clientY, t: performance.now() };
      pending = null;
      lastTap = null;
    };
    // 3D: fires while the button is down (the gl render loop polls it), so it waits for the
    // pointerup that tells a click from a rotation. 2D: used only when the pointer position
    // could not be converted to data coordinates (then lastTap is set).
    const onClick = (eventData) => {
      const point = eventPoint(eventData);
      if (!point) return;
      if (lastTap && lastTap.gd === gd && performance.now() - lastTap.t < PENDING_MS) {
        lastTap = null;
        send(key, point);
      } else if (isScene(gd)) {
        pending = { gd, key, point, t: performance.now() };
      }
    };
    // A tap shorter than one gl frame gets no plotly_click; the hovered point stands in for it.
    const onHover = (eventData) => {
      const point = eventPoint(eventData);
      hovered = point ? { gd, point } : null;
    };
    const onUnhover = () => {
      if (hovered && hovered.gd === gd) hovered = null;
    };
    const onRelayout = (update) => {
      if (update && Object.keys(update).some((name) => name.startsWith("scene.camera"))) {
        rememberCamera(key, gd);
      }
    };
    const onAfterPlot = () => {
      const camera = cameras.get(key);
      if (camera) applyCamera(gd, camera);
    };

    gd.addEventListener("pointerdown", onDown, listen);
    gd.on("plotly_click", onClick);
    gd.on("plotly_hover", onHover);
    gd.on("plotly_unhover", onUnhover);
    gd.on("plotly_relayout", onRelayout);
    gd.on("plotly_afterplot", onAfterPlot);
    onAfterPlot();
    wired.set(gd, () => {
      stop.abort();
      if (typeof gd.removeListener === "function") {
        gd.removeListener("plotly_click", onClick);
        gd.removeListener("plotly_hover", onHover);
        gd.removeListener("plotly_unhover", onUnhover);
        gd.removeListener("plotly_relayout", onRelayout);
        gd.removeListener("plotly_afterplot", onAfterPlot);
      }
    });
  };

  // Plotly's drag cover catches the pointerup of a drag, so the end of a gesture is watched on
  // the window rather than on the chart.
  const onUp = (event) => {
    const down = press;
    press = null;
    if (!down || event.button !== 0) return;
    const moved = Math.hypot(event.clientX - down.x, event.clientY - down.y);
    const still = moved < CLICK_SLOP_PX && performance.now() - down.t < CLICK_MAX_MS;
    if (isScene(down.gd)) {
      rememberCamera(down.key, down.gd);
      const waiting = pending;
      pending = null;
      if (!still) return;
      if (waiting && waiting.gd === down.gd && performance.now() - waiting.t < PENDING_MS) {
        send(down.key, waiting.point);
        return;
      }
      const tap = { gd: down.gd, t: performance.now() };
      lastTap = tap;
      clearTimeout(tapTimer);
      tapTimer = setTimeout(() => {
        if (lastTap !== tap) return; // plotly_click came after all
        lastTap = null;
        if (hovered && hovered.gd === down.gd) send(down.key, hovered.point);
      }, TAP_FALLBACK_MS);
      return;
    }
    if (!still) return;
    const point = dataPoint(down.gd, event);
    if (point === OUTSIDE) return;
    if (point) send(down.key, point);
    else lastTap = { gd: down.gd, t: performance.now() };
  };
  window.addEventListener("pointerup", onUp, true);

  const scan = () => {
    for (const [gd, unwire] of wired) {
      if (!gd.isConnected) {
        unwire();
        wired.delete(gd);
      }
    }
    for (const key of charts) {
      const gd = chartDiv(key);
      if (gd && !wired.has(gd) && typeof gd.on === "function") wire(key, gd);
    }
  };
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      scan();
    });
  });
  observer.observe(document.body, { childList: true, subtree: true });
  scan();

  return () => {
    showContainer();
    observer.disconnect();
    clearTimeout(tapTimer);
    window.removeEventListener("pointerup", onUp, true);
    for (const unwire of wired.values()) unwire();
    wired.clear();
  };
}
