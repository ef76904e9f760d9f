"""/api/v1: each module here defines `router` (mounted under /api/v1 by `create_app`)."""
