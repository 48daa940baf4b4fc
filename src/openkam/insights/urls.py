from django.urls import path

from openkam.insights import views

app_name = "insights"
urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/export.csv", views.portfolio_export, name="portfolio_export"),
    path("accounts/<int:pk>/revenue/", views.account_panel, name="account_panel"),
]
