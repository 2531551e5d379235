"""Progress over time: certified cooperatives month by month against the year's target, and an
officer's own months (visits, moves, certificates)."""
