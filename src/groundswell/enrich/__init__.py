"""Understanding posts: pure batch enrichers (name + version), the pipeline that runs them, and their models."""
