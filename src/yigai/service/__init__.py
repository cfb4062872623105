"""yigai.service — the community service's HTTP API (FastAPI).

    from yigai.service import ServiceConfig, create_app
    app = create_app(ServiceConfig(database_url=url, warehouse=path))

Routes are thin over the library (:mod:`yigai.auth`, :mod:`yigai.community`); errors are
``{"error": {"zh", "en"}}`` with the status of :mod:`yigai.errors`. ``yigai serve`` runs it.
"""

from yigai.service.app import create_app
from yigai.service.context import ServiceConfig

__all__ = ["ServiceConfig", "create_app"]
