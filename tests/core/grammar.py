"""Formulas of core's whole grammar, for property tests: every function core.parse knows, |u|,
implicit products, and negative constants (so powers such as (-2)^x come up)."""

from hypothesis import strategies as st

from core.parse import FUNCTIONS

ATOMS = st.sampled_from(["x", "y", "x", "y", "pi", "e", "2", "3", "0.5", "-2", "-1", "1/3"])
ONE_ARGUMENT = sorted(name for name, (_, _, arity) in FUNCTIONS.items() if arity == 1)
TWO_ARGUMENTS = sorted(name for name, (_, _, arity) in FUNCTIONS.items() if arity == 2)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", " "]), inner).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})^({t[1]})"),
        st.tuples(st.sampled_from(ONE_ARGUMENT), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(TWO_ARGUMENTS), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        inner.map(lambda t: f"|{t}|"),
        inner.map(lambda t: f"-({t})"),
    )


def formulas(max_leaves: int = 5) -> st.SearchStrategy[str]:
    """Text that core's grammar accepts (it may still be refused: 1/(x - x), too large, ...)."""
    return st.recursive(ATOMS, _extend, max_leaves=max_leaves)
