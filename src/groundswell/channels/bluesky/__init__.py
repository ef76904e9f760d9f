"""Bluesky: posts from the app.bsky.feed XRPC API, read from files or polled live with the atproto SDK."""
