from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/new/", views.customer_new, name="new"),
    path("customers/search/", views.customer_picker_matches, name="search"),
    path("customers/referrer-stories/", views.referrer_stories, name="referrer_stories"),
    path("customers/<int:pk>/", views.customer_detail, name="detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="edit"),
    path("customers/<int:pk>/nps/", views.nps_create, name="nps_create"),
]

urlpatterns += [
    path("stories/", views.story_wall, name="wall"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/review/", views.story_review, name="review"),
    path("stories/<int:pk>/moderate/", views.story_moderate, name="moderate"),
    path("acts/<int:pk>/survey-link/", views.survey_link_create, name="survey_link_create"),
]
