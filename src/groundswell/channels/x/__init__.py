"""X (Twitter): API v2 pages and lookups, v1.1 tweets, Twitter archives, and live search polling."""
