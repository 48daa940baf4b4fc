from __future__ import annotations

from ninja import NinjaAPI, Swagger

from openkam.accounts.api import conflict_body, tier_router
from openkam.accounts.api import router as accounts_router
from openkam.api.auth import bearer_auth, session_auth
from openkam.api.errors import install_error_handlers
from openkam.users.api import router as users_router

api = NinjaAPI(
    title="OpenKAM API",
    version="1",
    description=(
        "Key account management. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `kam apitoken USERNAME` or on your profile page) or with the "
        "browser session plus the CSRF token."
    ),
    auth=[bearer_auth, session_auth],
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": True}),
)
install_error_handlers(api, conflict_body)
api.add_router("/", users_router)
api.add_router("/accounts", accounts_router)
api.add_router("/tier-requests", tier_router)
