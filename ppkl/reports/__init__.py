"""PDF reports: the officer progress report, the province recap, batches."""
