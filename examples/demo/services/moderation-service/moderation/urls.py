from cases import views
from django.urls import path

urlpatterns = [
    path("cases/<int:case_id>/take-down", views.take_down_view),
]
