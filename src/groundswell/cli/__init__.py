"""The `groundswell` command line."""
