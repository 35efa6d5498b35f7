"""Tell the server's build job that the public site changed; it rebuilds after a quiet period."""

from __future__ import annotations

from starlette.requests import Request


def site_changed(request: Request) -> None:
    """Call after a write that changes what the public site shows; never waits for the build."""
    jobs = getattr(request.app.state, "jobs", None)
    if jobs is not None:
        jobs.site_changed()
