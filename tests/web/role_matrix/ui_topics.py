from tests.web.role_matrix import ANALYSIS, SETUP_READERS

# topics.read: everyone who sets up or works cases; topics.manage (edit, import, retrain, activate): analysts and leads.
ROWS = {
    ("GET", "/admin/topics"): SETUP_READERS,
    ("POST", "/admin/topics"): ANALYSIS,
    ("GET", "/admin/topics/export.yaml"): SETUP_READERS,
    ("POST", "/admin/topics/import"): ANALYSIS,
    ("POST", "/admin/topics/retrain"): ANALYSIS,
    ("GET", "/admin/topics/versions/{version}"): SETUP_READERS,
    ("POST", "/admin/topics/versions/{version}/activate"): ANALYSIS,
    ("POST", "/admin/topics/versions/{version}/restore"): ANALYSIS,
    ("GET", "/admin/topics/{topic_id}"): SETUP_READERS,
    ("POST", "/admin/topics/{topic_id}"): ANALYSIS,
    ("POST", "/admin/topics/{topic_id}/delete"): ANALYSIS,
}
