"""studiocore_http: the REST API over the studiocore services (Litestar).

>>> from studiocore import Services
>>> from studiocore_http import Settings, create_app
>>> app = create_app(Settings(jwt_secret="x" * 32), services=Services.in_memory())
>>> app.openapi_schema.info.title
'studiocore'
"""

from .app import API_PREFIX, create_app
from .auth import issue_token
from .settings import ConfigError, Settings

__all__ = ["API_PREFIX", "ConfigError", "Settings", "create_app", "issue_token"]
