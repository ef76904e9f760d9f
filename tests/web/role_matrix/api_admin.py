"""API administration (H2): teams, users, rules, templates, topics and webhook subscriptions."""

from tests.web.role_matrix import ADMIN, ANALYSIS, LEADS, SETUP_READERS

ROWS = {
    ("GET", "/api/v1/teams"): SETUP_READERS,
    ("POST", "/api/v1/teams"): LEADS,
    ("GET", "/api/v1/teams/{name}"): SETUP_READERS,
    ("PATCH", "/api/v1/teams/{name}"): LEADS,
    ("GET", "/api/v1/users"): LEADS,
    ("POST", "/api/v1/users"): ADMIN,
    ("GET", "/api/v1/users/{user_id}"): LEADS,
    ("PATCH", "/api/v1/users/{user_id}"): ADMIN,
    ("POST", "/api/v1/users/{user_id}/password"): ADMIN,
    ("GET", "/api/v1/rules/versions"): ANALYSIS,
    ("POST", "/api/v1/rules/versions"): LEADS,
    ("GET", "/api/v1/rules/active"): ANALYSIS,
    ("GET", "/api/v1/rules/versions/{version}"): ANALYSIS,
    ("POST", "/api/v1/rules/versions/{version}/activate"): LEADS,
    ("GET", "/api/v1/rules/diff"): ANALYSIS,
    ("POST", "/api/v1/rules/check"): LEADS,
    ("GET", "/api/v1/templates"): SETUP_READERS,
    ("GET", "/api/v1/templates/{name}/{language}"): SETUP_READERS,
    ("PUT", "/api/v1/templates/{name}/{language}"): LEADS,
    ("DELETE", "/api/v1/templates/{name}/{language}"): LEADS,
    ("GET", "/api/v1/webhooks"): ADMIN,
    ("POST", "/api/v1/webhooks"): ADMIN,
    ("GET", "/api/v1/webhooks/{subscription_id}"): ADMIN,
    ("PATCH", "/api/v1/webhooks/{subscription_id}"): ADMIN,
    ("POST", "/api/v1/webhooks/{subscription_id}/secret"): ADMIN,
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): ADMIN,
}
