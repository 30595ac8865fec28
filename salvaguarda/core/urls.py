from django.urls import path

from salvaguarda.core import views, views_audit

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("auditoria/", views_audit.audit_list, name="audit"),
]
