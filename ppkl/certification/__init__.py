"""The certification workflow: stage moves, the RAT ledger, deadlines and targets."""
