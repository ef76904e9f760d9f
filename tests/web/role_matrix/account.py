from tests.web.role_matrix import ALL

ROWS = {
    ("GET", "/account"): ALL,
    ("POST", "/account/tokens"): ALL,
    ("POST", "/account/tokens/{token_id}/revoke"): ALL,
}
