"""Run the `groundswell` command in-process, as a user would type it."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner, Result

from groundswell.cli.main import app


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def invoke_json(*args: str) -> Any:
    """Run a command with --json; stdout must be exactly one JSON document."""
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
