// Long formulas on every page (ui/shell/formulas.py): shrink to fit, and where even that is not
// enough, scroll with a cue that shows.
//
// The app's CSS (ui/shell/style.py: FORMULAS) lets a display formula wrap after its top-level
// relations and operators. What cannot wrap (a fraction, a bracket, Derivatives' aligned lines
// broken for a projector's width) stuck out of its column: on a 390 px phone the box scrolled,
// but a phone draws no scrollbar until it is swiped, so a derivative cut at the column's edge
// read as a whole (and wrong) one. Here each formula wider than its box is drawn smaller, down
// to MIN_SCALE of its size (the widest unbreakable piece decides: it scales with the font). One
// still too wide scrolls, and `data-more` says on which side it continues: the CSS fades that
// edge and writes "more →" under it.
//
// The page is watched (at most a few times a second) for new or changed formulas, and each
// formula's box for a change of width (a turned phone, the sidebar opened). A formula is
// measured again only when its text or its width changed; reads and writes are batched, so a
// check costs the page a few layouts, not a few per formula.

const CHECK_MS = 150;
const MIN_SCALE = 0.7; // 18 px text's formulas (21.8 px) drawn at 15 px at the least
// px: rounding, and the 2 px strut KaTeX puts after a sub- or superscript (its .vlist-s) that
// sticks out of a box that fits
const SLACK = 3;

const fitted = new WeakMap(); // display -> what it was last fitted to (key below)
const watched = new WeakSet();
let resizes = null;
let timer = 0;

function schedule() {
  if (timer) return;
  timer = setTimeout(() => {
    timer = 0;
    fitAll();
  }, CHECK_MS);
}

function sides(display) {
  const left = display.scrollLeft > SLACK;
  const right = display.scrollLeft + display.clientWidth < display.scrollWidth - SLACK;
  return left && right ? "both" : left ? "left" : right ? "right" : "";
}

function mark(display) {
  const more = sides(display);
  if (more) {
    if (display.dataset.more !== more) display.dataset.more = more;
  } else if (display.dataset.more) {
    delete display.dataset.more;
  }
}

function onScroll(event) {
  mark(event.currentTarget);
}

// What a formula's natural width depends on: its box's width, its text (and the very KaTeX
// element, which a rerun may replace), and the page's styles (the app's own arrive with the run's
// first elements and turn wrapping on: a formula fitted before them was measured unwrapped).
function keyOf(display, katex) {
  const annotation = display.querySelector("annotation");
  const tex = annotation ? annotation.textContent : katex.textContent;
  return [display.clientWidth, document.styleSheets.length, getComputedStyle(katex).whiteSpace, tex];
}

function same(last, katex, key) {
  return last && last.katex === katex && last.key.every((value, i) => value === key[i]);
}

function fitAll() {
  const todo = [];
  for (const display of document.querySelectorAll(".katex-display")) {
    const katex = display.querySelector(":scope > .katex");
    if (!katex) continue;
    if (!watched.has(display)) {
      watched.add(display);
      resizes.observe(display);
      display.addEventListener("scroll", onScroll, { passive: true });
    }
    const width = display.clientWidth;
    if (!width) {
      fitted.delete(display); // hidden (a closed expander): fitted when it shows
      continue;
    }
    const key = keyOf(display, katex);
    if (same(fitted.get(display), katex, key)) continue;
    todo.push({ display, katex, width, key });
  }
  if (!todo.length) return;
  for (const item of todo) item.katex.style.fontSize = "";
  for (const item of todo) {
    item.natural = parseFloat(getComputedStyle(item.katex).fontSize);
    item.over = item.display.scrollWidth;
  }
  for (const item of todo) {
    if (item.over > item.width + SLACK && item.natural > 0) {
      const scale = Math.max(MIN_SCALE, Math.floor((item.width / item.over) * 990) / 1000);
      item.katex.style.fontSize = `${(item.natural * scale).toFixed(2)}px`;
    }
  }
  for (const item of todo) {
    mark(item.display);
    fitted.set(item.display, { katex: item.katex, key: item.key });
  }
}

function install() {
  if (window.derivativesFormulas) return;
  window.derivativesFormulas = true;
  resizes = new ResizeObserver(schedule);
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", schedule);
  // Widths measured before KaTeX's fonts arrived are wrong: measure everything again.
  const again = () => {
    for (const display of document.querySelectorAll(".katex-display")) fitted.delete(display);
    schedule();
  };
  document.fonts.ready.then(again);
  document.fonts.addEventListener("loadingdone", again);
  schedule();
}

export default function formulas(component) {
  const box = component.parentElement && (component.parentElement.host || component.parentElement);
  const container = box && box.closest ? box.closest("[data-testid=stElementContainer]") : null;
  if (container) container.style.display = "none"; // no gap in the sidebar
  install();
  return undefined;
}
