"""The server-rendered screens: each module here defines `router`."""
