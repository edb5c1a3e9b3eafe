from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import intake, views

app_name = "api"

router = DefaultRouter()
router.register("statements", views.StatementViewSet, basename="statement")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("sources", views.SourceViewSet, basename="source")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("affiliations", views.AffiliationViewSet, basename="affiliation")
router.register("candidates", intake.CandidateViewSet, basename="candidate")

urlpatterns = [
    path(
        "speakers/<slug:slug>/statements/",
        views.SpeakerStatementViewSet.as_view({"get": "list"}),
        name="speaker-statements",
    ),
    # Before the router's sources/{id}/, which "import" would otherwise match.
    path("sources/import/", intake.SourceImportView.as_view(), name="source-import"),
    path(
        "sources/<int:source_id>/candidates/",
        intake.SourceCandidateViewSet.as_view({"get": "list"}),
        name="source-candidates",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
