"""`groundswell serve`: the web app and the API over the configured database."""

from __future__ import annotations

from typing import Annotated

import typer

from groundswell.cli.common import DbOption, open_store, stderr

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")]
PortOption = Annotated[int, typer.Option("--port", min=0, max=65_535, help="Port to listen on.")]


def serve_store(url: str | None, *, host: str, port: int, proxy_headers: bool = False) -> None:
    import uvicorn

    from groundswell.web.app import create_app

    store = open_store(url)
    app = create_app(store)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    stderr.print(f"groundswell is serving on [bold]http://{shown}:{port}/[/bold] (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, proxy_headers=proxy_headers, log_level="warning")


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    proxy_headers: Annotated[
        bool, typer.Option("--proxy-headers", help="Trust X-Forwarded-* from a TLS proxy in front (secure cookies).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the web app (inbox, approvals, dashboard, administration) and the JSON API at /api/v1."""
    serve_store(db, host=host, port=port, proxy_headers=proxy_headers)
