"""The web app and the JSON API (FastAPI). Thin: parse the request, call one service, render the result."""
