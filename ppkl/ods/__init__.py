"""Reconciliation with the ministry's Online Data System (ODS): an extract against the register."""
