"""Tugas saya: the worklist of what each officer should do next."""
