// Keyboard help for every page (ui/shell/keyboard.py): each Plotly chart toolbar is one Tab stop,
// and a collapsed sidebar leaves the Tab order.
//
// Plotly makes every toolbar button a Tab stop: Explore put 28 of them between the charts and
// the controls after them. Here each toolbar becomes one ARIA toolbar: Tab reaches its first
// button (or the one last used), the arrow keys, Home and End move along it, Tab leaves it.
// Plotly rebuilds a toolbar when a chart is redrawn, so the page is watched (at most a few times
// a second) and new toolbars are fixed as they appear. Installed once per page load.
//
// A collapsed sidebar (a phone's first view) is slid off screen, but its links and inputs stayed
// in the Tab order: the focus went where nobody could see it. While collapsed it is `inert`
// (out of the Tab order and hidden from assistive technology; CSS visibility would do the same,
// but Streamlit then stops drawing the sidebar's elements, the app's own style among them).
//
// A table or a formula wider (or taller) than its box scrolls inside it, where a keyboard could
// not scroll it (axe-core: scrollable-region-focusable, seen at 1366 px, at 150% zoom and on a
// phone). While it scrolls it is one Tab stop, a named group whose arrow keys scroll it.

const CHECK_MS = 200;

function rove(bar) {
  const buttons = Array.from(bar.querySelectorAll(".modebar-btn"));
  if (!buttons.length) return;
  if (bar.getAttribute("role") !== "toolbar") {
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Chart tools (arrow keys move between them)");
  }
  const current = buttons.find((button) => button.getAttribute("tabindex") === "0") || buttons[0];
  for (const button of buttons) button.setAttribute("tabindex", button === current ? "0" : "-1");
}

const SCROLLERS = ".katex-display, [data-testid=stTable] > div";
const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

function scrollable(element) {
  const style = getComputedStyle(element);
  const sideways = ["auto", "scroll"].includes(style.overflowX);
  const down = ["auto", "scroll"].includes(style.overflowY);
  return (sideways && element.scrollWidth > element.clientWidth + 1)
    || (down && element.scrollHeight > element.clientHeight + 1);
}

function reachScrollers() {
  for (const element of document.querySelectorAll(SCROLLERS)) {
    const made = element.dataset.scrollStop === "1";
    const needed = scrollable(element) && !element.querySelector(FOCUSABLE);
    if (needed && !made) {
      element.dataset.scrollStop = "1";
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "group"); // not a landmark: many may share a name
      const what = element.matches(".katex-display") ? "Formula" : "Table";
      element.setAttribute("aria-label", `${what} (scrolls: arrow keys)`);
    } else if (!needed && made) {
      delete element.dataset.scrollStop;
      for (const name of ["tabindex", "role", "aria-label"]) element.removeAttribute(name);
    }
  }
}

function roveAll() {
  reachScrollers();
  for (const bar of document.querySelectorAll(".modebar")) rove(bar);
  const sidebar = document.querySelector("[data-testid=stSidebar]");
  if (sidebar) sidebar.inert = sidebar.dataset.collapsed === "true";
}

function onKey(event) {
  const button = event.target && event.target.closest && event.target.closest(".modebar-btn");
  const bar = button && button.closest(".modebar");
  if (!bar) return;
  const buttons = Array.from(bar.querySelectorAll(".modebar-btn"));
  const at = buttons.indexOf(button);
  const moves = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0 };
  moves.End = buttons.length - 1;
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
  for (const other of buttons) other.setAttribute("tabindex", other === next ? "0" : "-1");
  next.focus();
}

// Browser Back: each new point writes a new link (a history entry), but going back to one only
// changed the address, and the next run wrote the current point over it. A link restores its view
// exactly, so when Back (or Forward) lands on another link of the same page, the page opens that
// link afresh. A change of page is Streamlit's own; a heading's #anchor is not a new link.
let lastLink = null;

function linkOf(location) {
  return { path: location.pathname, search: location.search };
}

function onHistory() {
  const now = linkOf(window.location);
  if (lastLink && now.path === lastLink.path && now.search !== lastLink.search) {
    window.location.reload();
    return;
  }
  lastLink = now;
}

function install() {
  if (window.derivativesKeyboard) return;
  window.derivativesKeyboard = true;
  lastLink = linkOf(window.location);
  // Every link a run writes (Streamlit pushes or replaces the address) is the one on screen.
  for (const name of ["pushState", "replaceState"]) {
    const original = window.history[name].bind(window.history);
    window.history[name] = (...args) => {
      const result = original(...args);
      lastLink = linkOf(window.location);
      return result;
    };
  }
  window.addEventListener("popstate", onHistory);
  let timer = 0;
  const observer = new MutationObserver(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      roveAll();
    }, CHECK_MS);
  });
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-collapsed"],
  });
  document.addEventListener("keydown", onKey, true);
  window.addEventListener("resize", () => setTimeout(roveAll, CHECK_MS));
  roveAll();
}

export default function keyboard(component) {
  const box = component.parentElement && (component.parentElement.host || component.parentElement);
  const container = box && box.closest ? box.closest("[data-testid=stElementContainer]") : null;
  if (container) container.style.display = "none"; // no gap in the sidebar
  install();
  return undefined;
}
