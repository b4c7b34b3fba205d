"""Pagination of SQLAlchemy ``select()`` statements with flask-smorest's conventions.

Views decorated ``@blp.paginate(SelectPage)`` return a ``select()``; the page's rows are
read on the request's session and the ``X-Pagination`` header is set.
"""

from __future__ import annotations

from flask_smorest import Page
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, literal_column, select

from .session import db_session

#: No table of ours comes near a billion rows. A page further on is empty, answered without asking
#: the database to skip the rows: an OFFSET past a bigint (``?page=10**23``) is an error there.
MAX_OFFSET = 10**9
#: A list's rows are counted up to this many and one more: past it the total says "more than
#: 10,000" (``total`` is 10,001), and counting a large council's million referrals for every page
#: costs no more than counting 10,001 (bench/NOTES.md, "A large council: intake").
COUNT_AT_MOST = 10_000


def counted(session, stmt: Select, at_most: int | None = None) -> int:
    """How many rows ``stmt`` selects, up to ``at_most + 1`` (more than ``at_most``, by default
    ``COUNT_AT_MOST``)."""
    limit = (COUNT_AT_MOST if at_most is None else at_most) + 1
    rows = stmt.order_by(None)
    if not (stmt._distinct or stmt._group_by_clauses):
        # Only that each row is there: SQLite otherwise reads every column of each row counted
        # (its table, not just the index the filter uses); PostgreSQL leaves them unread anyway.
        rows = rows.with_only_columns(literal_column("1"), maintain_column_froms=True)
    return session.scalar(select(func.count()).select_from(rows.limit(limit).subquery())) or 0


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
        return counted(db_session(), self.collection)
