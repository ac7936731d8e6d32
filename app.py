"""Derivative explorer, first page: the formula check.

The full explorer (surface, slices, gradient, descent paths) arrives with issue #3; this page shows
that a typed formula parses and differentiates. Run it with `streamlit run app.py`.
"""

import logging

import streamlit as st

from core import ExpressionError
from ui.formula import parse_function, show_derivatives, show_expression_error

log = logging.getLogger(__name__)

st.set_page_config(page_title="Derivative explorer", page_icon="∂", layout="wide")
st.title("Derivative explorer — formula check")
st.caption(
    "Type a function of x and y: it is parsed by our own safe parser and differentiated exactly. "
    "The full explorer with surfaces and tangent slices is coming."
)

formula, x_column, y_column = st.columns([4, 1, 1])
text = formula.text_input(
    "f(x, y) =",
    value="x^2 y + y^3",
    help="Write products as `2x`, `x y` or `x*y`, powers as `x^2`; functions like `sin(x)`.",
)
x0 = x_column.number_input("x₀", value=2.0, step=0.5)
y0 = y_column.number_input("y₀", value=1.0, step=0.5)

if not text.strip():
    st.info("Type a function of x and y, for example `x^2 y + y^3`.")
else:
    try:
        show_derivatives(parse_function(text), x0, y0)
    except ExpressionError as error:
        show_expression_error(error)
    except Exception:
        # A bug, not the person's fault: say so kindly, keep the details in the server log.
        log.exception("formula check failed for %r", text[:200])
        st.error("Something went wrong on our side with that formula. Try writing it another way.")
