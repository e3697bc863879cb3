"""Per-app state the blueprints share: the engine, opened once on first use.

Its own module so that blueprints import it without importing the app factory (which
imports the blueprints): no import circle between app, api, views and the feature views.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app

KEY = "policy_search"


def init_state(app: Flask) -> None:
    app.extensions[KEY] = {"lock": threading.Lock(), "engine": app.config["ENGINE"]}


def get_engine():
    """The app's single engine, opened lazily (thread-safe under waitress)."""
    state = current_app.extensions[KEY]
    if state["engine"] is None:
        with state["lock"]:
            if state["engine"] is None:
                from search_app.engine import SearchEngine
                state["engine"] = SearchEngine(current_app.config["INDEX_DIR"])
    return state["engine"]
