"""The officers' roster: coverage and visit counts per officer."""
