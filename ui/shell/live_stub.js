// A live chart's element when the page loads live_chart.js once (its "engine" element): Streamlit
// sends a component's JavaScript with every message of its element, so each chart's own element
// carries only these lines and hands itself to the engine, which may load after it.
export default function liveStub(component) {
  const hub = (window.derivativesLiveCharts = window.derivativesLiveCharts || { waiting: [] });
  if (hub.mount) hub.mount(component);
  else hub.waiting.push(component);
}
