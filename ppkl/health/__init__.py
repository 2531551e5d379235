"""Probes for a load balancer: /healthz (process alive) and /readyz (database ready)."""
