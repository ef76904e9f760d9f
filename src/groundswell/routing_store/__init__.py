"""Routing rules stored in the database: versioned, validated against the stored teams, one version active."""
