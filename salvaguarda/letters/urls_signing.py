"""The sign-on pages under /firmar/: the public page of a letter, the e-mailed links, and the
editors' actions on the signatures (the fixed words first: a page token is one path part)."""

from django.urls import path

from salvaguarda.letters import views_signing as views

app_name = "signing"

SIGNATURE = "cartas/<uuid:letter_uuid>/firmas/<uuid:signature_uuid>"

urlpatterns = [
    path("confirmar/<str:token>/", views.sign_confirm, name="confirm"),
    path("retirar/<str:token>/", views.sign_withdraw, name="withdraw"),
    path("cartas/<uuid:letter_uuid>/abrir/", views.page_open, name="open"),
    path(f"{SIGNATURE}/aprobar/", views.signature_approve, name="approve"),
    path(f"{SIGNATURE}/rechazar/", views.signature_reject, name="reject"),
    path(f"{SIGNATURE}/fusionar/", views.signature_merge, name="merge"),
    path("<str:token>/", views.sign, name="sign"),
]
