"""The layers point one way: pages -> ui -> core. Core is pure math; ui and pages do no calculus."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "core").rglob("*.py"))
SHOWN = sorted([ROOT / "app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").rglob("*.py")])
DRAWING = {"streamlit", "plotly"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports (absolute imports only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def calls(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every call in a file, e.g. (12, "np.gradient"), (30, "f.diff")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            parts, target = [], node.func
            while isinstance(target, ast.Attribute):
                parts.append(target.attr)
                target = target.value
            parts.append(target.id if isinstance(target, ast.Name) else "?")
            found.append((node.lineno, ".".join(reversed(parts))))
    return found


def test_the_layers_have_files():
    assert CORE, "core/*.py not found"
    assert ROOT / "app.py" in SHOWN


def test_importing_core_loads_neither_streamlit_nor_plotly():
    # A fresh interpreter: this test process may have imported streamlit for other tests.
    program = (
        "import importlib, pkgutil, sys\n"
        "import core\n"
        "for module in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('core.' + module.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(DRAWING)!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_source_imports_no_drawing_or_upper_layer(path):
    assert not imported_modules(path) & (DRAWING | {"ui", "pages"})


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_and_pages_do_no_calculus(path):
    calculus = {"diff", "lambdify", "Derivative", "integrate", "limit", "series"}
    numeric = {"np.gradient", "numpy.gradient"}
    found = [
        (line, name)
        for line, name in calls(path)
        if name.split(".")[-1] in calculus or name in numeric
    ]
    assert not found, f"calculus belongs in core/: {found}"
    assert "scipy" not in imported_modules(path)


@pytest.mark.parametrize("path", CORE + SHOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_family_where_user_text_can_reach(path):
    # User text is hostile (DESIGN.md): only our own parser reads it.
    forbidden = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr"}
    found = [
        (line, name)
        for line, name in calls(path)
        if name in forbidden or name.split(".")[-1] in {"sympify", "parse_expr"}
    ]
    assert not found, found


def test_ui_does_not_import_pages():
    for path in (ROOT / "ui").rglob("*.py"):
        assert "pages" not in imported_modules(path), path


PAGE_PACKAGES = sorted(
    path for path in (ROOT / "pages").iterdir() if path.is_dir() and path.name != "__pycache__"
)
# What ui/ and pages/ may take from core: results to show, never the numerics that compute
# derivatives (finite differences, compiled derivative functions): those stay behind these doors.
# (compile_javascript hands the browser core's own checked code; the browser evaluates, core
# decided.)
CORE_ENTRY_POINTS = {
    "core": {
        "AnswerCheck", "CriticalPoints", "DEFAULT_H", "DIVERGED", "ErrorSweep", "Estimate",
        "ExpressionError", "Function", "Grid", "JavascriptError", "UNDEFINED", "UNSETTLED", "X",
        "Y", "approximation_errors", "basins", "check_partial", "compile_javascript",
        "critical_points", "band_index", "choose_spacing", "contour_levels", "printable_solid",
        "stl_bytes",
        "PARAMETER_NAMES",
        "directional_derivative", "directional_profile", "directional_slice", "error_sweep",
        "estimates", "evaluate_grid", "grid_axes", "hessian_shape", "mixed_partials",
        "point_summary", "race",
        "slices", "stability", "start_workers", "symbolic_owner", "tangent_plane", "taylor2",
        "WorkerBusyError",
    },
    "core.answers": {"difference_map"},
    "core.differences": {"EPS"},
    "core.geometry": {"ApproximationErrors", "DirectionalSlice", "PointSummary", "Quadratic"},
    "core.grid": {"check_window"},
    "core.levels": {"AUTO", "MAX_LEVELS", "MIN_LEVELS", "SPACINGS"},
    "core.optimizers": {"optimizer"},
}  # fmt: skip
# Methods of core.Function that evaluate derivatives numerically: pages ask core's entry points.
DERIVATIVE_NUMERICS = {"gradient", "hessian", "derivative_function", "local_derivatives"}


def imports_from(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` in a file (absolute imports only)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


@pytest.mark.parametrize("package", PAGE_PACKAGES, ids=lambda p: p.name)
def test_a_page_imports_only_the_shell_the_plots_core_and_itself(package):
    assert (package / "page.py").is_file(), "st.Page runs pages/<page>/page.py"
    own = f"pages.{package.name}"
    for path in package.rglob("*.py"):
        for module, _ in imports_from(path):
            top = module.split(".")[0]
            if top == "ui":
                assert module.startswith(("ui.shell", "ui.plots")), (path, module)
            elif top == "pages":
                assert module == own or module.startswith(own + "."), (path, module)


def test_pages_holds_packages_and_only_the_first_visit_hand_offs():
    routed = {node.value for node in ast.walk(ast.parse((ROOT / "app.py").read_text()))
              if isinstance(node, ast.Constant) and isinstance(node.value, str)}  # fmt: skip
    for path in (ROOT / "pages").glob("*.py"):
        assert path.stem in routed, f"{path.name}: no page has the URL path {path.stem!r}"
        assert [name for _, name in imports_from(path)] == ["through_app"], path
        assert [name for _, name in calls(path)] == ["through_app"], path


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_and_pages_take_from_core_only_its_entry_points(path):
    for module, name in imports_from(path):
        if module.split(".")[0] == "core":
            assert name in CORE_ENTRY_POINTS.get(module, set()), f"{path}: {module}.{name}"
    found = [
        (line, name) for line, name in calls(path) if name.split(".")[-1] in DERIVATIVE_NUMERICS
    ]
    assert not found, f"derivatives are evaluated in core/: {found}"


def relative_imports_from(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from .module import name` in a file, the module made absolute
    (`from .function import x` in core/answers.py is core.function)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: len(package) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(module, alias.name) for alias in node.names]
    return found


def test_relative_imports_are_read_as_their_modules():
    found = relative_imports_from(ROOT / "core" / "answers.py")
    assert ("core.function", "Function") in found
    assert all(module.startswith("core") for module, _ in found)


@pytest.mark.parametrize("path", CORE + SHOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_file(path):
    for module, name in imports_from(path) + relative_imports_from(path):
        if module.split(".")[0] in {"core", "ui", "pages"}:
            assert not name.startswith("_"), f"{path}: from {module} import {name}"
