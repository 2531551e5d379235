"""Import and export of cooperative lists, visits and the recap (web and CLI).

The file modules (tabular, xlsx, columns, writers, planning) import no Flask."""
