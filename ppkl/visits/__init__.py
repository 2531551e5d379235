"""Field visits: logging, editing and photos."""
