"""The page title every page shares: "<what the page shows> · Salvaguarda".

base.html wraps its `title` block in `{% filter with_app_name %}`, so a template names only what
it shows ("Hearings of the week"); a title that already ends with the app's name is kept.
"""

from django import template

register = template.Library()

APP_NAME = "Salvaguarda"
SEPARATOR = " · "


@register.filter(is_safe=True)
def with_app_name(title: str) -> str:
    title = " ".join(str(title).split())
    if not title or title == APP_NAME:
        return APP_NAME
    if title.endswith(SEPARATOR + APP_NAME):
        return title
    return f"{title}{SEPARATOR}{APP_NAME}"
