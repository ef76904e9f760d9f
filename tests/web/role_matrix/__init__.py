"""Who may reach each route, one module per area of the app, each defining ROWS: {(method, path): roles}.
The role sets are written here, by hand, from what each role is for, not copied from the permissions table."""

ALL = frozenset({"admin", "manager", "agent", "analyst", "viewer"})
STAFF = frozenset({"admin", "manager", "agent"})  # who works cases
LEADS = frozenset({"admin", "manager"})
ANALYSIS = frozenset({"admin", "manager", "analyst"})
SETUP_READERS = frozenset({"admin", "manager", "agent", "analyst"})  # teams, templates, topics (read)
ADMIN = frozenset({"admin"})
