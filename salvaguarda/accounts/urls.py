from django.urls import path

from salvaguarda.accounts import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.login, name="login"),
    path("entrar/codigo/", views.second_factor, name="second_factor"),
    path("entrar/autenticador/", views.enroll, name="enroll"),
    path("salir/", views.logout, name="logout"),
    path("salida-rapida/", views.quick_exit, name="quick_exit"),
    path("organizacion/", views.switch_organization, name="switch_organization"),
    path("idioma/", views.set_language, name="set_language"),
]
