from __future__ import annotations

from ninja import NinjaAPI, Swagger

from openkam.accounts.api import conflict_body, tier_router
from openkam.accounts.api import router as accounts_router
from openkam.activity.api import router as activity_router
from openkam.api.auth import bearer_auth, session_auth
from openkam.api.errors import install_error_handlers
from openkam.cadence.api import router as cadence_router
from openkam.calendarfeed.api import router as calendarfeed_router
from openkam.commitments.api import router as commitments_router
from openkam.currency.api import router as currency_router
from openkam.digest.api import router as digest_router
from openkam.imports.api import router as imports_router
from openkam.insights.api import router as insights_router
from openkam.knowledge.api import router as knowledge_router
from openkam.notifications.api import router as notifications_router
from openkam.revenue.api import router as revenue_router
from openkam.search.api import router as search_router
from openkam.stakeholders.api import router as stakeholders_router
from openkam.stakeholders.api_vcard import router as stakeholders_vcard_router
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
api.add_router("/currency", currency_router)
api.add_router("/tier-requests", tier_router)
api.add_router("/imports", imports_router)
api.add_router("/", revenue_router)
api.add_router("/", stakeholders_router)
api.add_router("/", stakeholders_vcard_router)
api.add_router("/", activity_router)
api.add_router("/", knowledge_router)
api.add_router("/search", search_router)
api.add_router("/", commitments_router)
api.add_router("/", cadence_router)
api.add_router("/", notifications_router)
api.add_router("/", digest_router)
api.add_router("/", calendarfeed_router)
api.add_router("/", insights_router)
