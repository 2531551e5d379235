"""The regency recap page."""
