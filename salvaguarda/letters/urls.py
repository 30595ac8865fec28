from salvaguarda.letters import views

app_name = "letters"

urlpatterns = [*views.urlpatterns]
