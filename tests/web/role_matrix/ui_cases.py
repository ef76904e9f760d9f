"""Inbox, case page, replies, approvals, outbox and corrections (H3)."""

from tests.web.role_matrix import ALL, LEADS, STAFF

# Who corrects labels: those who work cases, and analysts who train the models.
CORRECTORS = frozenset({"admin", "manager", "agent", "analyst"})

ROWS = {
    ("GET", "/inbox"): ALL,
    ("GET", "/inbox/rows"): ALL,
    ("GET", "/cases/{case_id}"): ALL,
    ("POST", "/cases/{case_id}/notes"): STAFF,
    ("POST", "/cases/{case_id}/tags"): STAFF,
    ("POST", "/cases/{case_id}/tags/remove"): STAFF,
    ("POST", "/cases/{case_id}/status"): STAFF,
    ("POST", "/cases/{case_id}/priority"): STAFF,
    ("POST", "/cases/{case_id}/take"): STAFF,
    ("POST", "/cases/{case_id}/assign"): LEADS,
    ("POST", "/cases/{case_id}/findings"): STAFF,
    ("GET", "/cases/{case_id}/template"): STAFF,
    ("POST", "/cases/{case_id}/replies"): STAFF,
    ("POST", "/replies/{reply_id}/submit"): STAFF,
    ("POST", "/replies/{reply_id}/send"): STAFF,
    ("POST", "/replies/{reply_id}/withdraw"): STAFF,
    ("POST", "/replies/{reply_id}/revise"): STAFF,
    ("POST", "/replies/{reply_id}/approve"): LEADS,
    ("POST", "/replies/{reply_id}/reject"): LEADS,
    ("POST", "/replies/{reply_id}/edit-and-approve"): LEADS,
    ("GET", "/approvals"): LEADS,
    ("GET", "/outbox"): STAFF,
    ("POST", "/outbox/{message_id}/retry"): LEADS,
    ("POST", "/outbox/{message_id}/cancel"): LEADS,
    ("POST", "/posts/{post_id}/corrections"): CORRECTORS,
}
