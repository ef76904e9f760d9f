"""Incidents: crisis playbooks, incidents grouping alerts, posts and cases, public statements, metrics and
post-mortems."""
