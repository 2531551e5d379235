"""The cooperative register: list, detail, create and edit."""
