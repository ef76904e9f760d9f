from tests.web.role_matrix import ALL

# The dashboard, ideas board and department insights are for everyone who signs in (viewers included).
ROWS = {
    ("GET", "/dashboard"): ALL,
    ("GET", "/dashboard/data/{chart}.json"): ALL,
    ("GET", "/dashboard/data/{chart}.csv"): ALL,
    ("GET", "/ideas"): ALL,
    ("GET", "/ideas/{idea_id}"): ALL,
    ("GET", "/insights"): ALL,
}
