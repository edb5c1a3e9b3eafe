from django.urls import path

from . import views
from .feeds import SearchFeed

app_name = "site"
# <str:slug>, not <slug:slug>: fixtures and imports write non-ASCII slugs ("sergéy-lavrov"),
# which <slug:> cannot reverse to (a 500 on every page that links one).
urlpatterns = [
    path("", views.search_page, name="search"),
    path("search/facets/", views.search_facets, name="search-facets"),
    path("feed/", SearchFeed(), name="feed"),
    path("suggest/speakers/", views.speaker_suggestions, name="speaker-suggestions"),
    path("statements/<int:pk>/", views.statement_page, name="statement"),
    path("speakers/", views.speaker_index, name="speakers"),
    path("speakers/<str:slug>/", views.speaker_page, name="speaker"),
    path("organizations/", views.organization_index, name="organizations"),
    path("organizations/<str:slug>/", views.organization_page, name="organization"),
    path("outlets/", views.outlet_index, name="outlets"),
    path("outlets/<str:slug>/", views.outlet_page, name="outlet"),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<str:slug>/", views.topic_page, name="topic"),
    path("sources/<int:pk>/", views.source_page, name="source"),
    path("about/", views.about_page, name="about"),
]
