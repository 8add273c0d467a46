"""The outer layer: one package per platform behind one interface (`platforms.py`), the router, the alert worker,
the supervisor that keeps them running, and the command line. Imports run bot → handlers → storage, never back."""
