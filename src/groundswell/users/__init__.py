"""People who sign in: users and their roles, passwords, browser sessions and API tokens. No web framework here:
the web layer calls these services."""
