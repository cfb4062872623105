"""Routes of the API, one module per concept; each is thin: parse, call the library,
serialise with masked fields. ``ROUTERS`` lists them all for the app factory."""

from yigai.service.routes import (
    audit,
    auth,
    chronic,
    contracts,
    discharge,
    org_units,
    referrals,
    residents,
    slots,
    worklists,
)

ROUTERS = [
    auth.router,
    org_units.router,
    residents.router,
    audit.router,
    referrals.router,
    worklists.router,
    chronic.router,
    contracts.router,
    slots.router,
    discharge.router,
]
