"""Pages of the customer's voice, mounted by the root URLconf in the `customers`
namespace with customers/urls.py (the paths and names predate the stories app)."""

from django.urls import path

from . import views

urlpatterns = [
    path("customers/<int:pk>/", views.customer_detail, name="detail"),
    path("customers/<int:pk>/nps/", views.nps_create, name="nps_create"),
    path("customers/<int:pk>/returns/", views.customer_return_create, name="return_create"),
    path("stories/", views.story_wall, name="wall"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/review/", views.story_review, name="review"),
    path("stories/<int:pk>/moderate/", views.story_moderate, name="moderate"),
    path("acts/<int:pk>/survey-link/", views.survey_link_create, name="survey_link_create"),
    path("acts/<int:pk>/survey-link/sent/", views.survey_link_sent, name="survey_link_sent"),
]
