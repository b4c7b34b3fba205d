"""Pagination of SQLAlchemy ``select()`` statements with flask-smorest's conventions.

Views decorated ``@blp.paginate(SelectPage)`` return a ``select()``; the page's rows are
read on the request's session and the ``X-Pagination`` header is set.
"""

from __future__ import annotations

from flask_smorest import Page
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, literal, select

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


class CountedUpToPage(SelectPage):
    """A page of a list that grows for years (a large council's tasks, its delivery log): the
    ``X-Pagination`` total counts at most ``COUNT_UP_TO`` rows, so asking for one page does not
    count millions. A longer list says ``COUNT_UP_TO`` (its last page is that far on; later pages
    still answer). An exact count of millions took longer than the page (bench/NOTES.md)."""

    COUNT_UP_TO = 10_000

    @property
    def item_count(self) -> int:
        # Only a constant per row: the database need not read the rows' columns to count them.
        counted = (self.collection.order_by(None).with_only_columns(literal(1), maintain_column_froms=True)
                   .limit(self.COUNT_UP_TO).subquery())
        return db_session().scalar(select(func.count()).select_from(counted))
