"""Read-only aggregate queries for dashboards, reports and `groundswell stats`."""
