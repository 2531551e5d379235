"""User accounts and roles, managed by administrators."""
