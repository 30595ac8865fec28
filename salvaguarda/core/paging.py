"""Page numbers of the lists, bounded and validated the same way on every page and in the API.

A list is read a page at a time with OFFSET, so a page number is a whole number from 1 to
`MAX_PAGE`: a larger one would ask the database for an offset past its integers (a server
error on PostgreSQL) and nobody pages that far by hand (filters narrow a list, not paging).

- In the API, `Page` is the type of the `page` parameter: anything else is refused with 422
  and a message on `page`.
- On a page, `page_number(request)` reads the parameter forgivingly, as a person edits a URL:
  a malformed value is the first page, and one past `MAX_PAGE` is `MAX_PAGE` (an empty page
  with a link back), never an error.
"""

from typing import Annotated

from django.http import HttpRequest
from pydantic import Field

MAX_PAGE = 10_000

Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page asked for in the query string, from 1 to `MAX_PAGE` (1 when malformed)."""
    value = request.GET.get(name, "1").strip()
    # ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
    if not value or not value.isascii() or not value.isdigit():
        return 1
    if len(value) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return max(1, min(int(value), MAX_PAGE))
