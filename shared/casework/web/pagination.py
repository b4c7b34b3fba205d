"""Pagination of SQLAlchemy ``select()`` statements with flask-smorest's conventions.

Views decorated ``@blp.paginate(SelectPage)`` return a ``select()``; the page's rows are
read on the request's session and the ``X-Pagination`` header is set.
"""

from __future__ import annotations

from flask_smorest import Page
from sqlalchemy import func, select

from .session import db_session


class SelectPage(Page):
    @property
    def items(self):
        stmt = self.collection.offset(self.page_params.first_item).limit(self.page_params.page_size)
        return db_session().scalars(stmt).all()

    @property
    def item_count(self) -> int:
        count = select(func.count()).select_from(self.collection.order_by(None).subquery())
        return db_session().scalar(count)
