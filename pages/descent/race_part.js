// The race for the race chart (pages/descent/race_chart.py): handed to the chart's module, which
// may load after this one (then the data waits in the mailbox). Kept tiny: Streamlit sends a
// component's JavaScript with every message of its element, and this element changes with the start.
export default function racePart({ data, parentElement }) {
  const box = parentElement && (parentElement.host || parentElement);
  const container = box && box.closest ? box.closest("[data-testid=stElementContainer]") : null;
  if (container) container.style.display = "none"; // no empty gap under the chart
  const mailbox = (window.descentRaces = window.descentRaces || { waiting: [] });
  if (mailbox.receive) mailbox.receive(data);
  else mailbox.waiting.push(data);
}
