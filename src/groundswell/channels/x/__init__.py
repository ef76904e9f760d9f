"""X (Twitter): API v2 search and lookup pages, v1.1 tweet objects, Twitter archives, and live search polling."""
