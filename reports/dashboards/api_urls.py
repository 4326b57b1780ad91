"""/api/: the read-only data API and its OpenAPI schema (no Swagger UI: it would need a CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from reports.dashboards.api import CampaignViewSet, ChineseErrors, DefinitionsView


class SchemaView(ChineseErrors, SpectacularAPIView):
    """The OpenAPI schema, for signed-in accounts only (it describes the data)."""

    permission_classes = [IsAuthenticated]


router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="api-campaign")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("definitions/", DefinitionsView.as_view(), name="api_definitions"),
    path("", include(router.urls)),
]
