"""Reading and writing spreadsheet files (CSV, XLSX) and planning imports. No Flask in here."""


def N_(message: str) -> str:
    """Mark a message for extraction; the caller translates it (web) or prints it as is (CLI)."""
    return message
