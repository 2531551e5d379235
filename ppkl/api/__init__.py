"""The JSON API under /api/v1/: what the field app syncs with, and what scripts read."""
