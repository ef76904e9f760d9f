"""Mastodon: statuses from the REST API, read from files or polled live with Mastodon.py."""
