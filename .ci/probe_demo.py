"""CI: wait for `groundswell demo` to serve, sign in as its admin and open the inbox and the dashboard.

Usage: python .ci/probe_demo.py http://127.0.0.1:8000 PID (the demo's process id; the password comes from
GROUNDSWELL_DEMO_PASSWORD)."""

from __future__ import annotations

import os
import re
import sys
import time

import httpx

base, pid = sys.argv[1], int(sys.argv[2])
password = os.environ["GROUNDSWELL_DEMO_PASSWORD"]
deadline = time.monotonic() + 900
with httpx.Client(base_url=base, timeout=30) as client:
    while True:
        try:
            if client.get("/api/v1/health").status_code == 200:
                break
        except httpx.TransportError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("the demo stopped before serving")
        if time.monotonic() > deadline:
            sys.exit("the demo never started serving")
        time.sleep(2)
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token, form.text
    signed_in = client.post(
        "/login", data={"username": "admin", "password": password, "login_csrf": token.group(1), "next": "/inbox"}
    )
    assert signed_in.status_code in (200, 303), signed_in.text
    inbox = client.get("/inbox?queue=all", follow_redirects=True)
    assert inbox.status_code == 200 and 'data-testid="inbox-row"' in inbox.text, inbox.text[:2000]
    dashboard = client.get("/dashboard", follow_redirects=True)
    assert dashboard.status_code == 200 and "chart-" in dashboard.text, dashboard.text[:2000]
print(f"the demo serves {base}: signed in as admin, the inbox lists cases and the dashboard has charts")
