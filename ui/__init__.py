"""Streamlit display pieces: they show what core computed and never compute calculus themselves."""
