// Theme switch: Streamlit picks its light or dark theme (.streamlit/config.toml [theme.light],
// [theme.dark]) in the browser, from localStorage, when the page loads; Python cannot choose it.
// The link's theme is the source of truth: when the page shows the other theme, this stores the
// link's choice where Streamlit reads it and reloads once (the link restores the same view).
const KEY_PREFIX = "stActiveTheme-";
const KEY_VERSION = "-v2"; // Streamlit 1.67's key: stActiveTheme-<path at load>-v2
const RELOADS = "derivativesThemeReloads"; // sessionStorage: never loop if storage is refused

function pageIsDark() {
  const app = document.querySelector("[data-testid=stApp]");
  const match = app && getComputedStyle(app).backgroundColor.match(/\d+/g);
  if (!match) return null;
  const [r, g, b] = match.map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

// On a touch screen a one-finger swipe over a chart scrolls the page (issue 14: a chart caught
// every swipe, so a phone could not scroll past it). Plotly cancels the touches it sees to drag
// or turn the scene; here they stop before they reach it, so the browser scrolls (the charts'
// CSS allows vertical panning, ui/shell/style.py) and a tap still becomes a click, which moves
// the point. Two fingers still reach the chart.
//
// To turn a 3D scene with one finger, each 3D chart on a phone or tablet has a "Turn the view"
// switch (in the strip above the chart, beside its toolbar): while it is on, that chart's
// touches reach Plotly and the browser does not pan there (ui/shell/style.py: .turning).
let touchesKept = false;
const TURN_CLASS = "turn-view";

function keepTouchesForScrolling() {
  if (touchesKept) return;
  touchesKept = true;
  const keep = (event) => {
    const target = event.target;
    if (event.touches.length > 1 || !target || !target.closest) return;
    const chart = target.closest(".js-plotly-plot");
    if (!chart || target.closest(".modebar") || target.closest(`.${TURN_CLASS}`)) return;
    if (!chart.classList.contains("turning")) event.stopPropagation();
  };
  for (const type of ["touchstart", "touchmove"]) {
    document.addEventListener(type, keep, { capture: true, passive: true });
  }
  // The mouse wheel over a 3D scene: Plotly's camera listens to it and cancels it even with
  // scroll zoom off (ui/plots/config.py), so the page stood still under the wheel wherever a
  // scene was (at 150% zoom, most of Explore's first screen). Stopped before it reaches the
  // scene, the wheel scrolls the page; the scene never zoomed on it anyway.
  const wheel = (event) => {
    const target = event.target;
    if (target && target.closest && target.closest(".js-plotly-plot .gl-container")) {
      event.stopPropagation();
    }
  };
  document.addEventListener("wheel", wheel, { capture: true, passive: true });
  // A phone or tablet (a touch laptop's mouse turns the scene as ever).
  if (!window.matchMedia("(pointer: coarse)").matches) return;
  let timer = 0;
  new MutationObserver(() => {
    if (!timer) timer = setTimeout(() => { timer = 0; addTurnSwitches(); }, 250);
  }).observe(document.body, { childList: true, subtree: true });
  addTurnSwitches();
}

function isThreeD(gd) {
  const full = gd._fullLayout;
  return Boolean(full && Object.keys(full).some((key) => /^scene\d*$/.test(key) && full[key]._scene));
}

function addTurnSwitches() {
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (gd.querySelector(`:scope > .${TURN_CLASS}`) || !isThreeD(gd)) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = TURN_CLASS;
    button.setAttribute("aria-pressed", String(gd.classList.contains("turning")));
    // Short: on a phone it shares the strip above the chart with the chart's toolbar.
    button.textContent = "⟳ Turn";
    button.setAttribute("aria-label", "Turn the view with one finger");
    button.title = "On: one finger turns the 3D view. Off: a swipe scrolls the page.";
    button.addEventListener("click", () => {
      const on = gd.classList.toggle("turning");
      button.setAttribute("aria-pressed", String(on));
    });
    gd.appendChild(button);
  }
}

export default function look(component) {
  keepTouchesForScrolling();
  const { data, parentElement } = component;
  const host = parentElement && (parentElement.host || parentElement);
  const box = host && host.closest ? host.closest("[data-testid=stElementContainer]") : null;
  if (box) box.style.display = "none";
  const dark = data && data.theme === "dark";
  const wanted = JSON.stringify(dark ? "Dark" : "Light");
  try {
    const keys = [KEY_PREFIX + window.location.pathname + KEY_VERSION];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(KEY_PREFIX) && key.endsWith(KEY_VERSION)) keys.push(key);
    }
    for (const key of keys) localStorage.setItem(key, wanted);
  } catch (error) {
    return; // storage refused: the page keeps the theme it has
  }
  const shown = pageIsDark();
  if (shown === null || shown === dark) {
    sessionStorage.removeItem(RELOADS);
    return;
  }
  const reloads = Number(sessionStorage.getItem(RELOADS) || 0);
  if (reloads >= 2) return;
  sessionStorage.setItem(RELOADS, String(reloads + 1));
  // The reload opens the same view: the link holds it (with the theme, whether or not this run
  // has written the link yet).
  const url = new URL(window.location.href);
  if (dark) url.searchParams.set("theme", "dark");
  else url.searchParams.delete("theme");
  window.location.replace(url.toString());
}
