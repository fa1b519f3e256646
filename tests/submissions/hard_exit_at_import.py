"""Hostile: ``os._exit(0)`` at import, which no ``except`` clause can catch."""

import os

os._exit(0)
