"""/descent on a fresh server's first visit: handed to app.py (why: ui/shell/first_visit.py)."""

from ui.shell.first_visit import through_app

through_app()
