"""Placeholder: the portal routes."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
openapi_paths: dict = {}
