"""Descent: optimizers racing downhill on f(x, y), from the sidebar's point."""

import numpy as np
import streamlit as st

from pages.descent import settings as descent_state
from pages.descent import tables, work
from pages.descent.basins import basin_shares, basins_figure
from pages.descent.race import race_summary
from pages.descent.race_chart import race_chart
from pages.descent.settings import BY_KEY, KEYS, PREFIX, RACERS
from ui.shell import bridge
from ui.shell.cache import grid_for
from ui.shell.chart_text import data_table, describe_chart
from ui.shell.look import themed_chart
from ui.shell.sidebar import page_start, set_point
from ui.shell.text import latex_number, plain

CLICKS, RACE, BASINS = "descent_clicks", "descent_race_chart", "descent_basins_chart"
RACE_LABEL = (
    "The race in 3D on the surface of f (left) and on its contour map (right): click the map or "
    "the surface to start the race there"
)
MAX_DRAWN_RESOLUTION = 100  # the surface under the race: finer costs bytes and shows nothing new

explorer = page_start("Descent: optimizers racing on f(x, y)", descent_state)
view, f = explorer.view, explorer.function

settings, problems = descent_state.checked(explorer.settings or descent_state.DEFAULT)
for problem in problems:
    st.warning(problem)
start = (view.x0, view.y0)

# --- controls --------------------------------------------------------------------------------
left, right = st.columns([3, 2], gap="medium")
left.multiselect(
    "Racers",
    KEYS,
    key=PREFIX + "racers",
    persist_state="session",
    format_func=lambda key: BY_KEY[key].label,
    placeholder="Choose optimizers to race…",
    help="Each racer starts at (x₀, y₀) and takes the same number of steps.",
)
right.slider(
    "Steps",
    descent_state.MIN_STEPS,
    descent_state.MAX_STEPS,
    key=PREFIX + "steps",
    persist_state="session",
    help="How many steps each racer takes (a racer stops early if it diverges).",
)
with st.expander("Learning rates and constants", icon=":material/tune:"):
    columns = st.columns(4)
    for index, racer in enumerate(RACERS):
        columns[index % 4].number_input(
            f"{racer.label}: lr",
            min_value=descent_state.MIN_LR,
            max_value=descent_state.MAX_LR,
            step=racer.lr_step,
            format="%g",
            key=PREFIX + descent_state.lr_field(racer.key),
            persist_state="session",
        )
    columns = st.columns(4)
    decay = dict(min_value=0.0, max_value=descent_state.MAX_DECAY, format="%g")
    columns[0].number_input(
        "Momentum (Momentum, Nesterov)",
        step=0.05,
        key=PREFIX + "momentum",
        persist_state="session",
        **decay,
    )
    columns[1].number_input(
        "RMSProp \N{GREEK SMALL LETTER ALPHA}",
        step=0.01,
        key=PREFIX + "alpha",
        persist_state="session",
        **decay,
    )
    columns[2].number_input(
        "Adam β₁", step=0.01, key=PREFIX + "beta1", persist_state="session", **decay
    )
    columns[3].number_input(
        "Adam β₂", step=0.001, key=PREFIX + "beta2", persist_state="session", **decay
    )
    st.caption(descent_state.LR_NOTE)

keys, refused = work.checked_racers(settings)
for sentence in refused:
    st.warning(plain(sentence))
if not keys:
    st.info("Choose at least one racer above.")
    st.stop()

# --- the race --------------------------------------------------------------------------------
resolution = min(view.resolution, MAX_DRAWN_RESOLUTION)
the_race = work.race_for(f, start, settings, keys, view.xlim, view.ylim, resolution)
runners = the_race.runners
grid = grid_for(f, view.xlim, view.ylim, resolution, False)
start_value = float(f(*start))

st.caption(
    "Start (x₀, y₀) is the sidebar's point: click the map (or the surface) to move it. "
    "▶ replays the race from step 0 at the speed shown; the slider steps through it."
)
if grid.z_range is None:
    st.error(
        "f is undefined everywhere in this window, so there is no surface to race on. "
        "Try a larger window, or another function."
    )
if not view.point_in_window:
    st.caption("The start is outside the window: widen the window to see it on the charts.")

with st.container(key=RACE):
    race_chart(
        "descent_race",
        base=work.race_base_json(f, view.xlim, view.ylim, resolution),
        race=the_race.race_json,
        xlim=view.xlim,
        ylim=view.ylim,
        on_click=set_point,
        label=RACE_LABEL,
    )
data_table("the race", race_summary(runners, start, start_value), {"": tables.race_rows(runners)})

if all(runner.descent.status == "undefined" and runner.last == 0 for runner in runners):
    st.warning(
        f"f or its gradient is undefined at the start ({view.x0:g}, {view.y0:g}), so no racer "
        "can take a step. Click the map or type another x₀, y₀ in the sidebar.",
        icon=":material/close:",
    )
else:
    for runner in runners:
        if runner.stopped_early:
            st.warning(
                f"**{runner.label}** (lr {runner.lr:g}): {plain(runner.descent.message)}",
                icon=":material/close:",
            )

# --- loss and stability ----------------------------------------------------------------------
loss_column, stability_column = st.columns(2, gap="large")
with loss_column:
    st.header("f along each path")
    loss, scale_note = the_race.loss
    loss_words = tables.loss_sentence(runners)
    describe_chart(loss_words)
    themed_chart(st, loss, key="descent_loss_figure")
    st.caption(scale_note)
    data_table("f along each path", loss_words, {"": tables.loss_rows(runners)})

with stability_column:
    st.header("Stability")
    at_start, ends = work.stability_for(f, start, runners, settings.lr_gd)
    low, high = (latex_number(value, 4) for value in at_start.start_eigenvalues)
    st.markdown("Eigenvalues of the Hessian at the start:")
    st.latex(rf"\lambda_1 = {low},\qquad \lambda_2 = {high}")
    limit = at_start.lr_limit
    words = plain(at_start.explanation)
    if limit is None or (settings.lr_gd < limit and at_start.start_eigenvalues[0] < 0):
        st.info(words, icon=":material/info:")
    elif settings.lr_gd < limit:
        st.success(words, icon=":material/check_circle:")
    else:
        st.error(words, icon=":material/warning:")
    st.caption(
        "Why 2/λ: near a minimum, each gradient-descent step multiplies the error along an "
        "eigenvector of the Hessian by (1 − lr·λ), which shrinks only when lr < 2/λ. The check "
        "uses Gradient descent's lr, whether or not it races."
    )
st.subheader("The Hessian at each racer's end")
# Plain HTML tables (st.table), not st.dataframe: its grid put Tab stops on cells drawn off screen.
st.table(
    tables.shown(
        tables.stability_table(
            runners, ends, float(np.nanmax(np.abs(at_start.start_eigenvalues), initial=0.0))
        ),
        4,
    ),
    hide_index=True,
)

# --- the steps -------------------------------------------------------------------------------
st.header("Every step")
table_key = PREFIX + "table"
if st.session_state.get(table_key) not in keys:
    st.session_state[table_key] = keys[0]  # the racer shown left the race: show the first
chosen, download, animation = st.columns([3, 2, 2], gap="medium", vertical_alignment="bottom")
chosen.selectbox(
    "Racer",
    keys,
    key=table_key,
    persist_state="session",
    format_func=lambda key: BY_KEY[key].label,
)
shown = next(runner for runner in runners if runner.key == st.session_state[table_key])
table = tables.steps_table(shown)
download.download_button(
    "Download every path (CSV)",
    # Written when pressed: most start moves are never downloaded.
    data=lambda: the_race.csv,
    file_name="descent_paths.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
animation.download_button(
    "The race as an animated GIF",
    # Drawn on the server when pressed (pages/descent/animation.py), once per race.
    data=lambda: work.gif_for(f, start, settings, keys, view.xlim, view.ylim, resolution),
    file_name="descent_race.gif",
    mime="image/gif",
    icon=":material/movie:",
    on_click="ignore",
    key="export_gif",
)
st.table(tables.shown(table, 6), hide_index=True, height=320)

# --- basins ----------------------------------------------------------------------------------
st.header("Basins of attraction")
st.toggle(
    "Draw the basin map",
    key=PREFIX + "basins",
    persist_state="session",
    help="Runs the chosen optimizer from every point of a grid of starts (a second or two).",
)
options = st.columns(3, gap="medium")
options[0].selectbox(
    "Optimizer",
    KEYS,
    key=PREFIX + "basin",
    persist_state="session",
    format_func=lambda key: f"{BY_KEY[key].label} (lr {settings.lr(key):g})",
)
options[1].slider(
    "Starts per side",
    descent_state.MIN_BASIN_RESOLUTION,
    descent_state.MAX_BASIN_RESOLUTION,
    step=descent_state.BASIN_RESOLUTION_STEP,
    key=PREFIX + "basin_res",
    persist_state="session",
)
options[2].slider(
    "Steps per start",
    descent_state.MIN_BASIN_STEPS,
    descent_state.MAX_BASIN_STEPS,
    key=PREFIX + "basin_steps",
    persist_state="session",
)
if settings.basins:
    basin_key = settings.basin
    basin_racer = BY_KEY[basin_key]
    try:
        with st.spinner(f"Running {basin_racer.label} from {settings.basin_res**2:,} starts…"):
            mapped = work.basins_for(f, basin_key, settings, view.xlim, view.ylim)
    except ValueError as error:
        st.error(plain(f"No basin map: {error}"))
    else:
        title = (
            f"{basin_racer.label}, lr {settings.lr(basin_key):g}, "
            f"{settings.basin_steps} steps from each start"
        )
        shares = basin_shares(mapped)
        basin_words = tables.basin_sentence(title, shares)
        describe_chart(basin_words)
        with st.container(key=BASINS):
            themed_chart(st, basins_figure(mapped, start, title=title), key="descent_basin_figure")
        st.caption(
            "Each start is coloured by the critical point its path ends within "
            "2% of the window's diagonal of; dark = diverged, grey = ended near no critical "
            "point (unsettled), white = left f's domain. Click the map to start the race there."
        )
        if mapped.critical.note:
            st.caption(plain(mapped.critical.note))
        data_table("the basins", basin_words, {"": tables.basin_rows(shares)})
else:
    st.caption("Switch on the basin map to colour every start by where it ends.")

if settings.basins:
    # The click bridge listens to the basin map alone: without the map it has nothing to hear,
    # and a keyed component mounted for nothing costs every widget of the run (each one has
    # Streamlit present every keyed component's state again: its filtered_state).
    bridge.chart_clicks(CLICKS, [BASINS], on_click=lambda click: set_point(click.x, click.y))
