from salvaguarda.letters import views, views_editing, views_figures

app_name = "letters"

# The editing pages first: their fixed words would otherwise be read as a document's kind.
urlpatterns = [*views_editing.urlpatterns, *views_figures.urlpatterns, *views.urlpatterns]
