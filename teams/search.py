"""Text search over a QuerySet: PostgreSQL full-text search when the database is
PostgreSQL, otherwise every word must appear (case-insensitively) in one of the fields."""

from functools import reduce
from operator import and_, or_
from typing import TypeVar

from django.db import connections
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def text_search(queryset: QuerySet[M], *, query: str, fields: list[str]) -> QuerySet[M]:
    """Filter `queryset` to rows matching `query` in `fields`, best matches first on PostgreSQL."""
    query = query.strip()
    if not query:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="english")
        search = SearchQuery(query, config="english", search_type="websearch")
        matched = queryset.annotate(search_vector=vector).filter(search_vector=search)
        ranked = matched.annotate(search_rank=SearchRank(vector, search))
        return ranked.order_by("-search_rank", "-pk")
    words = query.split()
    per_word = [
        reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words
    ]
    return queryset.filter(reduce(and_, per_word))
