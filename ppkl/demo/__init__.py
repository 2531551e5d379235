"""Demo data: the office's June 2019 table as cooperatives, accounts, history and field work."""
