from django.urls import path

from salvaguarda.accounts import views, views_members, views_self, views_tokens, views_webauthn

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.login, name="login"),
    path("entrar/codigo/", views.second_factor, name="second_factor"),
    path("entrar/autenticador/", views.enroll, name="enroll"),
    path("salir/", views.logout, name="logout"),
    path("salida-rapida/", views.quick_exit, name="quick_exit"),
    path("organizacion/", views.switch_organization, name="switch_organization"),
    path("idioma/", views.set_language, name="set_language"),
    # Members of the active organization (coordinators)
    path("miembros/", views_members.member_list, name="member_list"),
    path("miembros/invitar/", views_members.member_invite, name="member_invite"),
    path("miembros/<uuid:membership_uuid>/rol/", views_members.member_role, name="member_role"),
    path(
        "miembros/<uuid:membership_uuid>/desactivar/",
        views_members.member_deactivate,
        name="member_deactivate",
    ),
    # Organizations of the network (network administrators)
    path("organizaciones/", views_members.organization_list, name="organization_list"),
    path("organizaciones/nueva/", views_members.organization_create, name="organization_create"),
    # Choosing a password from an e-mailed invitation (anyone with the link)
    path("invitacion/<str:token>/", views_members.invitation_accept, name="invitation"),
    # One's own account
    path("sesiones/", views_self.session_list, name="session_list"),
    path("sesiones/terminar/", views_self.session_end, name="session_end"),
    path("sesiones/terminar-otras/", views_self.session_end_others, name="session_end_others"),
    path("seguridad/", views_self.security, name="security"),
    path(
        "seguridad/codigos/",
        views_self.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    # Tokens of the REST API
    path("tokens/", views_tokens.token_list, name="token_list"),
    path("tokens/<uuid:token_uuid>/revocar/", views_tokens.token_revoke, name="token_revoke"),
    # Security keys and passkeys (JSON steps for static/js/webauthn.js)
    path(
        "seguridad/llaves/registro/opciones/",
        views_webauthn.security_key_registration_options,
        name="security_key_registration_options",
    ),
    path(
        "seguridad/llaves/registro/",
        views_webauthn.security_key_register,
        name="security_key_register",
    ),
    path(
        "seguridad/llaves/<uuid:key_uuid>/quitar/",
        views_webauthn.security_key_remove,
        name="security_key_remove",
    ),
    path(
        "entrar/llave/opciones/",
        views_webauthn.security_key_sign_in_options,
        name="security_key_sign_in_options",
    ),
    path("entrar/llave/", views_webauthn.security_key_sign_in, name="security_key_sign_in"),
]
