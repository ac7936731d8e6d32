"""Derivatives: the article's forward difference made honest. Every scheme beside the exact value,
its error against the step size (the V), the exact partials and Hessian, and a check-your-answer
box for students."""

import math

import streamlit as st

from core import ExpressionError, point_summary
from core.answers import difference_map
from core.differences import EPS
from pages.derivatives import settings as derivatives_state
from pages.derivatives import words
from pages.derivatives.figures_difference import difference_figure
from pages.derivatives.figures_error import error_figure
from pages.derivatives.quiz import first_sentence, settle
from pages.derivatives.work import (
    answer_check,
    estimates_for,
    exact_latex,
    partial,
    second,
    sweep_for,
)
from ui.shell.chart_text import data_table, describe_chart
from ui.shell.look import text_colour, themed_chart
from ui.shell.quiz import give_up_button
from ui.shell.sidebar import page_start
from ui.shell.text import coloured, latex_number, plain, show_expression_error

PREFIX = derivatives_state.PREFIX
SIDE_BY_SIDE = 28  # partials wider than this (in characters) get a line each
IN_A_MATRIX = 22  # second derivatives wider than this are listed, not put in a matrix
CLAIRAUT = "#1b7837"  # green: the two mixed partials are one and the same


explorer = page_start("Derivatives: exact, estimated, checked", derivatives_state)
view, f, settings = explorer.view, explorer.function, explorer.settings

x0, y0 = view.x0, view.y0
at = rf"({latex_number(x0)},\ {latex_number(y0)})"
st.latex(rf"f(x, y) = {f.latex}\qquad \text{{at}}\ (x_0, y_0) = {at}")
variable = st.segmented_control(
    "Which partial derivative?",
    ["x", "y"],
    key=PREFIX + "variable",
    persist_state="session",
    required=True,
    format_func=lambda v: f"∂f/∂{v}",
    help="The table, the plot and the answer box all follow this choice.",
)
if variable not in ("x", "y"):
    variable = "x"
other = "y" if variable == "x" else "x"
secret = settle(f, view, variable)  # a quiz link's partials not yet answered (ui/shell/quiz.py)

# --- 1. the estimates ----------------------------------------------------------------------------
st.header(f"Estimating ∂f/∂{variable} from values of f", divider="gray")
sweep = sweep_for(f, x0, y0, variable)
rows = estimates_for(f, x0, y0, variable)
st.markdown(
    f"Each scheme nudges {variable} by a small step h, holding {other} at "
    f"{other}₀, and divides a difference of values of f by h. The article uses the **forward** "
    "difference with h = 10⁻⁷. The exact value comes from SymPy."
)
st.table(words.styled_table(rows, variable, text_colour, exact=variable not in secret))
if variable in secret:
    st.caption(
        "C is the central difference. **Quiz:** the exact value and the errors (which would give "
        f"it back) appear when your ∂f/∂{variable} under “Check your answer” is right."
    )
else:
    st.caption(
        "C is the central difference. |Error| = |estimate − exact|; relative = |error| / |exact|. "
        "The estimate shows every digit a float64 holds, so you can see where it stops agreeing."
    )
value = float(f(x0, y0))
if not math.isfinite(value):
    st.info(
        f"f is undefined at ({x0:g}, {y0:g}), so no scheme can estimate anything here. "
        "Move the point in the sidebar."
    )
elif not math.isfinite(sweep.exact):
    st.info(
        f"The exact ∂f/∂{variable} does not exist at this point (a kink, a vertical tangent or "
        "the edge of f's domain), so the estimates have nothing to converge to: no error is shown."
    )
for row in rows:
    if row.refused:
        reason = row.refused.removeprefix("complex-step cannot be used here: ")
        st.info(
            f"**{words.SCHEME_NAMES[row.scheme]}** is not usable here: {plain(reason)}.",
            icon=":material/block:",
        )

# --- 2. error against h --------------------------------------------------------------------------
st.header("How small should h be? The V", divider="gray")
forward = next(row for row in rows if row.scheme == "forward")
best_h = sweep.best_h.get("forward", math.nan)
if variable in secret:  # every error on the plot is |estimate − exact|: it would give it away
    st.info(
        f"**Quiz:** the plot of each estimate's error against h measures it from the exact "
        f"∂f/∂{variable}: it appears when your answer is right.",
        icon=":material/quiz:",
    )
else:
    error_words = words.error_sentence(sweep, x0, y0)
    describe_chart(error_words)
    themed_chart(st, error_figure(sweep), key="error_figure")
    data_table("the error against h", error_words, {"": words.error_rows(sweep)})
if variable not in secret and math.isfinite(best_h) and math.isfinite(forward.error):
    st.markdown(
        f"Here the forward difference is best at h ≈ **{words.step(best_h)}** (error "
        f"{words.scientific(sweep.best_error['forward'])}); the article's h = 10⁻⁷ gives "
        f"{words.scientific(forward.error)}."
    )
st.markdown(
    "**Why a V.** Every estimate makes two errors. **Truncation**, what the Taylor series leaves "
    "out, shrinks as h shrinks: like h for forward and backward, h² for central, h⁴ for "
    "Richardson. **Round-off** grows: f(x+h) and f(x) share most of their digits, so their "
    f"difference keeps only a few correct ones, and dividing by h magnifies the rounding error "
    f"of about ε·|f| (ε = {words.scientific(EPS)}, float64's precision) to ε·|f|/h. "
    "The total is smallest where the two balance: h ≈ √ε ≈ 10⁻⁸ for forward, h ≈ ε^⅓ ≈ 10⁻⁵ "
    "for central. **Complex-step** subtracts nothing, so it has no round-off to magnify and "
    "stays at machine precision however small h gets (for analytic f only)."
)
if variable not in secret:
    st.caption(
        "Solid: measured error. Thin dashed: the model, truncation + round-off. Stars: the best h "
        "measured for each scheme. Shading: where the forward difference's round-off or "
        "truncation dominates."
    )

# --- 3. exact partials and the Hessian -----------------------------------------------------------
st.header("Exact partials and the Hessian", divider="gray")
try:
    exact = exact_latex(f)
except ExpressionError as error:
    st.warning(f"The second derivatives could not be built: {plain(error.message)}")
    exact = None
point = point_summary(f, x0, y0)
if exact is not None and secret:
    # Each answered partial, and nothing that needs the other one (the Hessian holds both).
    for v in ("x", "y"):
        if v in secret:
            st.latex(rf"{partial(v)} = \text{{?}}\qquad\text{{(quiz: not answered yet)}}")
        else:
            slope = point.fx if v == "x" else point.fy
            st.latex(rf"{partial(v)} = {exact['broken'][(v,)]}")
            st.latex(rf"{partial(v)}\Big|_{{{at}}} = {latex_number(slope)}")
    st.caption("The Hessian appears when both partials are answered: it is made of them.")
elif exact is not None:
    tex, broken, width = exact["latex"], exact["broken"], exact["width"]
    slopes = {"x": point.fx, "y": point.fy}
    if max(width[("x",)], width[("y",)]) <= SIDE_BY_SIDE:
        for column, v in zip(st.columns(2), ("x", "y"), strict=True):
            with column:
                st.latex(rf"{partial(v)} = {tex[(v,)]}")
                st.latex(rf"{partial(v)}\Big|_{{{at}}} = {latex_number(slopes[v])}")
    else:
        for v in ("x", "y"):
            st.latex(rf"{partial(v)} = {broken[(v,)]}")
        # Each value in braces, one piece with its name: a phone wraps between the two, never
        # after an "=" (a number alone on a line read as belonging to nothing).
        st.latex(
            rf"{{{partial('x')}\Big|_{{{at}}} = {latex_number(point.fx)}}},\allowbreak\qquad "
            rf"{{{partial('y')}\Big|_{{{at}}} = {latex_number(point.fy)}}}"
        )
    clairaut = exact["clairaut"]
    mixed = rf"{second('x', 'y')} = {second('y', 'x')}"
    # Hessian entry (i, j) is d/d(i) of df/d(j).
    entries = [[("x", "x"), ("y", "x")], [("x", "y"), ("y", "y")]]
    if max(width[key] for row in entries for key in row) <= IN_A_MATRIX:
        rows_tex = r" \\ ".join(" & ".join(tex[key] for key in row) for row in entries)
        st.latex(rf"H(x, y) = \begin{{pmatrix}} {rows_tex} \end{{pmatrix}}")
        if clairaut is True:
            st.latex(coloured(CLAIRAUT, mixed) + rf" = {tex[('x', 'y')]}")
    else:
        st.latex(rf"{second('x', 'x')} = {broken[('x', 'x')]}")
        if clairaut is True:
            st.latex(coloured(CLAIRAUT, mixed) + rf" = {broken[('x', 'y')]}")
        else:
            for first, then in (("x", "y"), ("y", "x")):
                st.latex(rf"{second(first, then)} = {broken[(first, then)]}")
        st.latex(rf"{second('y', 'y')} = {broken[('y', 'y')]}")
    hessian = point.hessian
    values = r" \\ ".join(
        " & ".join(latex_number(hessian[i, j]) for j in range(2)) for i in range(2)
    )
    st.latex(rf"H{at} = \begin{{pmatrix}} {values} \end{{pmatrix}}")
    if clairaut is True:
        st.caption(
            "The mixed partials agree, as Clairaut's theorem says they must wherever they are "
            "continuous: the order of differentiation does not matter, and H is symmetric."
        )
    elif clairaut is False:
        st.warning(
            "SymPy finds the two mixed partials different as formulas (Clairaut's theorem "
            "needs them continuous): compare the two off-diagonal entries."
        )
    else:
        st.caption("SymPy could not decide in time whether the two mixed partials are the same.")

# --- 4. check your answer ------------------------------------------------------------------------
st.header("Check your answer", divider="gray")
answer = st.text_input(
    f"Your ∂f/∂{variable} =",
    key=PREFIX + "answer",
    persist_state="session",
    max_chars=derivatives_state.MAX_ANSWER,
    # The examples are the article's own partials: a quiz keeps them out of the box.
    placeholder="a formula in x and y (press Enter to check)"
    if secret
    else "for example 2 x y (press Enter to check)",
    help="Write it like the formula in the sidebar: products as x y or x*y, powers as x^2, "
    "functions as sin(x)."
    if secret
    else "Write it like the formula in the sidebar: 2 x y, x^2 + 3 y^2, cos(x y) y. "
    "The link keeps your answer, so a worked check can be shared.",
)
if answer and answer.strip():
    try:
        result = answer_check(f, variable, answer, view.xlim, view.ylim)
    except ExpressionError as error:
        show_expression_error(error)
    else:
        shown = {"equivalent": st.success, "different": st.error, "undecided": st.info}
        icon = {
            "equivalent": ":material/check_circle:",
            "different": ":material/cancel:",
            "undecided": ":material/help:",
        }[result.verdict]
        quiz = variable in secret
        message = first_sentence(result.message) if quiz else result.message
        shown[result.verdict](plain(message), icon=icon)
        name = partial(variable)
        yours = words.broken_latex(result.answer_expr)
        if exact is None or quiz:
            st.latex(rf"\text{{yours: }} {name} = {yours}")
        elif words.visible_length(yours) + exact["width"][(variable,)] <= SIDE_BY_SIDE * 2:
            true = exact["latex"][(variable,)]
            st.latex(rf"\text{{yours: }} {name} = {yours}\qquad \text{{exact: }} {name} = {true}")
        else:
            st.latex(rf"\text{{yours: }} {name} = {yours}")
            st.latex(rf"\text{{exact: }} {name} = {exact['broken'][(variable,)]}")
        if result.verdict == "different" and quiz:
            st.caption("Try again, or give up to see the exact answer.")
        elif result.verdict == "different":
            if result.difference_latex is not None:
                st.latex(rf"\text{{exact}} - \text{{yours}} = {result.difference_latex}")
            examples = [
                {
                    "x": words.full(x),
                    "y": words.full(y),
                    f"exact ∂f/∂{variable}": words.full(true),
                    "yours": words.full(theirs),
                }
                for x, y, true, theirs in result.counterexamples
            ]
            if result.counterexamples:  # else too small (or nowhere) to show with numbers
                left, right = st.columns([2, 3], gap="medium")
                with left:
                    st.markdown("**Where they differ**, for example:")
                    st.table(examples)
                with right:
                    describe_chart(words.difference_sentence(variable, result.counterexamples))
                    difference = difference_map(f, result, view.xlim, view.ylim)
                    themed_chart(st, difference_figure(difference, result), key="difference_figure")
                    st.caption(
                        "|exact − yours| over the window: white where they agree, red where they "
                        "differ, dark grey where your formula is undefined but the derivative "
                        "exists, light grey where f (so the derivative) is undefined."
                    )
if secret:
    give_up_button(f, key=PREFIX + "give_up")
