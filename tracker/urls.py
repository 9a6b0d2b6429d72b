from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claimants/<int:pk>/", views.claimant_detail, name="claimant-detail"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
]
