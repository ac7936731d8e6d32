import platform
import sys

import numpy as np

from .core_cases import rows
from .descent_cases import descent_rows
from .descent_gif_cases import gif_rows
from .descent_page_cases import descent_page_rows
from .explore_cases import explore_rows
from .javascript_cases import javascript_rows
from .second_order_cases import second_order_rows
from .timing import render


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # the classroom load benchmark: `python -m bench load --help`
        from .load import main as load

        return load(argv[1:])
    if argv[:1] == ["second-order-browser"]:  # Second order's clicks in Chromium, see its --help
        from .second_order_browser import main as second_order_browser

        return second_order_browser(argv[1:])
    if argv[:1] == ["sweep-browser"]:  # a parameter playing on Explore in Chromium, see --help
        from .sweep_browser import main as sweep_browser

        return sweep_browser(argv[1:])
    if argv[:1] == ["browser"]:  # a click and a drag in Chromium: `python -m bench browser --help`
        from .browser import main as browser

        return browser(argv[1:])
    sections = {
        "core": rows,
        "javascript": javascript_rows,
        "explore": explore_rows,
        "second-order": second_order_rows,
        "descent": lambda: [*descent_rows(), *descent_page_rows(), *gif_rows()],
        "descent-gif": gif_rows,
    }
    chosen = [name for name in argv if name in sections] or list(sections)
    if unknown := [name for name in argv if name not in sections]:
        print(
            f"unknown section(s) {unknown}: choose from {list(sections)}, "
            "load, browser or sweep-browser"
        )
        return 2
    table = [row for name in chosen for row in sections[name]()]
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(render(table))
    return 0 if all(row.met is not False for row in table) else 1


if __name__ == "__main__":
    sys.exit(main())
