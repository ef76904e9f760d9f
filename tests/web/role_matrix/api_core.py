from tests.web.role_matrix import ALL, LEADS, STAFF

V1 = "/api/v1"
ROWS = {
    ("GET", f"{V1}/posts"): ALL,
    ("GET", f"{V1}/posts/{{post_id}}"): ALL,
    ("POST", f"{V1}/posts/batch"): LEADS,
    ("GET", f"{V1}/cases"): ALL,
    ("GET", f"{V1}/cases/{{case_id}}"): ALL,
    ("PATCH", f"{V1}/cases/{{case_id}}"): STAFF,
    ("POST", f"{V1}/cases/{{case_id}}/notes"): STAFF,
    ("POST", f"{V1}/cases/{{case_id}}/take"): STAFF,
    ("PUT", f"{V1}/cases/{{case_id}}/assignee"): LEADS,
    ("DELETE", f"{V1}/cases/{{case_id}}/assignee"): LEADS,
    ("POST", f"{V1}/cases/{{case_id}}/replies"): STAFF,
    ("GET", f"{V1}/replies"): ALL,
    ("GET", f"{V1}/replies/{{reply_id}}"): ALL,
    ("PATCH", f"{V1}/replies/{{reply_id}}"): STAFF,
    ("POST", f"{V1}/replies/{{reply_id}}/submit"): STAFF,
    ("POST", f"{V1}/replies/{{reply_id}}/withdraw"): STAFF,
    ("POST", f"{V1}/replies/{{reply_id}}/send"): STAFF,
    ("POST", f"{V1}/replies/{{reply_id}}/approve"): LEADS,
    ("POST", f"{V1}/replies/{{reply_id}}/reject"): LEADS,
    ("GET", f"{V1}/me"): ALL,
    ("GET", f"{V1}/me/tokens"): ALL,
    ("POST", f"{V1}/me/tokens"): ALL,
    ("DELETE", f"{V1}/me/tokens/{{token_id}}"): ALL,
}
