from django.urls import path

from tracker import release_views, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("timeline/", views.timeline, name="timeline"),
    path("totals/", views.totals, name="totals"),
    path("arms/", views.arms, name="arms"),
    path("border/", views.border, name="border"),
    path("map/", views.place_map, name="place-map"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims.csv", views.claim_csv, name="claim-csv"),
    path("claims.csv.cite", views.claim_csv_cite, name="claim-csv-cite"),
    path("series.csv", views.series_csv, name="series-csv"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claimants/<int:pk>/", views.claimant_detail, name="claimant-detail"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("releases/", release_views.release_list, name="release-list"),
    path(
        "releases/<int:number>/<str:name>",
        release_views.release_download,
        name="release-download",
    ),
]
