"""Assigning cooperatives to field officers."""
