"""Placeholder while the page is being built."""

import streamlit as st

from ui import descent_state
from ui.sidebar import show_notices, this_run

explorer = this_run(descent_state)
st.title("Descent")
show_notices(explorer)
st.info("This page is being built.")
