// ▶ beside a parameter's slider: plays the parameter in the browser on the page's live charts
// (ui/shell/live_chart.js does the playing); ⏸ stops it and sends the last value to the server
// once ("stopped"), so the slider and the link hold it. Loop or bounce is chosen beside it.
// Everything shown here is the parameter's name, from core's allowlist, and numbers.
const modes = (window.derivativesSweepModes = window.derivativesSweepModes || {});

export default function sweepControl({ data, parentElement, setTriggerValue }) {
  const name = data && data.name;
  const shown = (data && data.shown) || name;
  let box = parentElement.querySelector(".sweep");
  if (!box) {
    box = document.createElement("div");
    box.className = "sweep";
    const button = document.createElement("button");
    button.type = "button";
    const mode = document.createElement("select");
    for (const [value, words] of [["loop", "loop"], ["bounce", "bounce"]]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = words;
      mode.appendChild(option);
    }
    const readout = document.createElement("output");
    readout.setAttribute("aria-live", "off");
    box.append(button, mode, readout);
    parentElement.appendChild(box);
  }
  const button = box.querySelector("button");
  const mode = box.querySelector("select");
  const readout = box.querySelector("output");
  mode.setAttribute("aria-label", `How ${shown} sweeps: loop or bounce`);
  mode.value = modes[name] || "loop";
  mode.onchange = () => {
    modes[name] = mode.value;
  };
  const hub = () => window.derivativesLiveSweep;
  // The sidebar's slider shows the playing value: its thumb and its number move with the charts
  // (Streamlit's slider is not rerun per frame; these are its own elements, written in place,
  // and the value it is left at on pause is the one the rerun gives it: on the slider's stops).
  const decimals = (() => {
    let d = 0;
    while (d < 6 && Math.abs(data.step * 10 ** d - Math.round(data.step * 10 ** d)) > 1e-9) d += 1;
    return d;
  })();
  const onStops = (value) => {
    const stops = Math.round((Math.min(Math.max(value, data.low), data.high) - data.low) / data.step);
    return Math.min(Math.max(data.low + stops * data.step, data.low), data.high);
  };
  const moveSlider = (value) => {
    const slider = data.slider && document.querySelector(`.st-key-${data.slider} [data-testid=stSlider]`);
    if (!slider || !Number.isFinite(value) || !(data.high > data.low)) return;
    const thumb = Array.from(slider.querySelectorAll("[style]")).find((e) => /%$/.test(e.style.left));
    const label = slider.querySelector("[data-testid=stSliderThumbValue] p");
    if (thumb) thumb.style.left = `${(100 * (value - data.low)) / (data.high - data.low)}%`;
    // The text node React wrote, changed in place: its next render writes the same node.
    if (label && label.firstChild && label.firstChild.nodeType === 3) label.firstChild.nodeValue = value.toFixed(decimals);
    slider.dataset.playing = value.toFixed(decimals); // read by the browser tests
    box.moved = true;
  };
  // After the rerun a pause causes, the slider shows the server's value whatever was written.
  const current = hub() && hub().playing ? hub().playing() : null;
  if (box.moved && !(current && current.name === name)) {
    moveSlider(data.value);
    box.moved = false;
  }
  const show = (playing, value) => {
    // ⏸ is missing from many fonts (a box here): two bars drawn by CSS stand for it.
    button.replaceChildren();
    const icon = document.createElement("span");
    icon.className = playing ? "icon pause" : "icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = playing ? "" : "▶";
    button.append(icon, ` ${playing ? "pause" : "sweep"} ${shown}`);
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    button.title = playing
      ? `Stop at this value of ${shown}: the slider and the link take it`
      : `Play ${shown} from its slider's min to max on the charts`;
    readout.textContent = playing && Number.isFinite(value) ? `${shown} = ${Number(value.toPrecision(3))}` : "";
    if (playing) moveSlider(value);
  };
  const now = hub() && hub().playing ? hub().playing() : null;
  show(Boolean(now && now.name === name), now && now.value);
  button.onclick = () => {
    const sweeps = hub();
    const playing = sweeps && sweeps.playing ? sweeps.playing() : null;
    if (playing && playing.name === name) {
      const stopped = sweeps.stop();
      show(false);
      if (stopped) {
        moveSlider(onStops(stopped.value)); // where the rerun puts it
        setTriggerValue("stopped", { name, value: stopped.value });
      }
      return;
    }
    const started =
      sweeps && sweeps.start && sweeps.start({ name, low: data.low, high: data.high, mode: mode.value });
    if (!started) {
      readout.textContent = "The charts are still loading: try again in a moment.";
      return;
    }
    listen();
    show(true, data.value);
  };
  // The charts' module may load after this control: listen once it is there.
  const listen = () => {
    if (box.unlisten || !hub() || !hub().listen) return;
    box.unlisten = hub().listen((event) => {
      if (event.name === name) {
        show(event.playing, event.value);
        // Stopped by a new function or window (not by ⏸, which then moves it to its value): the
        // slider is back at the server's value.
        if (!event.playing) moveSlider(data.value);
      }
      else if (event.playing) show(false);
    });
  };
  if (box.unlisten) box.unlisten();
  box.unlisten = null;
  listen();
  return () => {
    if (box.unlisten) box.unlisten();
    box.unlisten = null;
  };
}
