"""Hostile: exits with status 0 at import, hoping an exit status of 0 reads as success."""

import sys

sys.exit(0)
