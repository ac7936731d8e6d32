// The moving part of a live chart (ui/shell/live_chart.py): handed to the chart's module, which may
// load after this one (then the data waits in the mailbox). Kept tiny: Streamlit sends a
// component's JavaScript with every message of its element, and this element changes on every move.
export default function livePoint({ data, parentElement }) {
  const box = parentElement && (parentElement.host || parentElement);
  const container = box && box.closest ? box.closest("[data-testid=stElementContainer]") : null;
  if (container) container.style.display = "none"; // no empty gap in the column
  const mailbox = (window.derivativesLivePoints = window.derivativesLivePoints || { waiting: [] });
  if (mailbox.receive) mailbox.receive(data);
  else mailbox.waiting.push(data);
}
