"""Placeholder while the page is being built."""

import streamlit as st

from ui.sidebar import show_notices, this_run

explorer = this_run()
st.title("Derivatives")
show_notices(explorer)
st.info("This page is being built.")
