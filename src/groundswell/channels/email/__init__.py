"""The email channel: connector.py reads and parses; fixtures/ holds recorded files in the real format."""
