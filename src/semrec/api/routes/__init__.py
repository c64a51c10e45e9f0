"""The API's routes, one module per resource."""

from semrec.api.routes import admin, events, health, items, search, users

__all__ = ["OPEN_ROUTERS", "SECURED_ROUTERS"]

#: Health and metrics: no key needed, never rate-limited.
OPEN_ROUTERS = (health.router,)
#: Everything else: an API key with the route's scope, within its rate. Busiest first (routes
#: are tried in order): recommendations, similar items, events.
SECURED_ROUTERS = (users.router, items.router, events.router, search.router, admin.router)
