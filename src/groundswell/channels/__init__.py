"""Channel connectors: one folder per channel, each with connector.py and fixtures/ of real-format payloads."""
