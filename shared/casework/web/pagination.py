"""Pagination of SQLAlchemy ``select()`` statements with flask-smorest's conventions.

Views decorated ``@blp.paginate(SelectPage)`` return a ``select()``; the page's rows are
read on the request's session and the ``X-Pagination`` header is set.
"""

from __future__ import annotations

from flask_smorest import Page
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from .session import db_session

#: No table of ours comes near a billion rows. A page further on is empty, answered without asking
#: the database to skip the rows: an OFFSET past a bigint (``?page=10**23``) is an error there.
MAX_OFFSET = 10**9


def read_page(stmt: Select, params: PaginationParameters) -> list:
    """The rows of one page of ``stmt`` (ordered), read on the request's session."""
    if params.first_item > MAX_OFFSET:
        return []
    return db_session().scalars(stmt.offset(params.first_item).limit(params.page_size)).all()


class SelectPage(Page):
    @property
    def items(self):
        return read_page(self.collection, self.page_params)

    @property
    def item_count(self) -> int:
        count = select(func.count()).select_from(self.collection.order_by(None).subquery())
        return db_session().scalar(count)
