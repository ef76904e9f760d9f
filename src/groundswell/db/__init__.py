"""Engine, session factory, base model, dialect-specific SQL and migrations."""
