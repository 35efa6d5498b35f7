"""Placeholder: the pages routes."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
openapi_paths: dict = {}
