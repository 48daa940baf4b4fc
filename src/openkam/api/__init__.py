"""The REST API under /api/v1/: one NinjaAPI, routers from the domain apps, shared errors."""

from openkam.api.site import api

__all__ = ["api"]
