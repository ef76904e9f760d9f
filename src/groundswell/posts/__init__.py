"""Reading stored posts: full-text search and lookups."""
