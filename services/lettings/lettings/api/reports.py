"""Performance reports and the CORE lettings export."""

from collections import Counter
from decimal import Decimal

from flask import Response
from flask.views import MethodView
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from casework.auth import roles
from casework.web import Blueprint, abort, db_session
from casework.workdays import london_today
from lettings import core
from lettings.access import OFFICERS
from lettings.letting import core_logs, lets, reporting
from lettings.models import Offer, Tenancy
from lettings.policy import current as policy
from lettings.schemas.reports import (
    CorePeriod,
    LiveVoidFilter,
    LiveVoidQuery,
    LiveVoidReport,
    OfferReport,
    PerformanceReport,
    Period,
    VoidPeriod,
    VoidReport,
)

blp = Blueprint("reports", __name__, url_prefix="", description="Void, offer and CORE reporting.")


@blp.route("/reports/voids")
class VoidReportView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(VoidPeriod, location="query")
    @blp.response(200, VoidReport)
    def get(self, query):
        """Void days and rent loss

        One row per void ended by a let in the period (by tenancy start), so a home let twice in
        the period has two: void days (tenancy start − void date) and rent loss (weekly rent at
        the let / 7 × void days). The rows are paged (`page`, `per_page`: 100 a page unless asked,
        up to 1,000; `pages` says how many); the count (`lets`), totals and averages are over every
        void of the period. Voids still open are not in it (their days so far are on
        `GET /properties/{id}`)."""
        return lets.void_report(db_session(), query["date_from"], query["date_to"], page=query["page"],
                                per_page=query["per_page"])


@blp.route("/reports/offers")
class OfferReportView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(Period, location="query")
    @blp.response(200, OfferReport)
    def get(self, period):
        """Offers per let and refusal reasons

        For the homes let in the period: how many offers it took (offers per let), the outcome of
        those offers, and the reasons for refusal with how many the council judged unreasonable."""
        session = db_session()
        # The period's days written in (``lets.lets_started``), as the other reports of lets have them.
        started = lets.lets_started(period["date_from"], period["date_to"])
        let_count = session.scalar(select(func.count()).select_from(Tenancy).where(*started))
        # Every offer of each let's home up to its sign-up, from the let's own advert (or direct),
        # in one query: a let of the period and the offers before it, counted by the database by
        # answer (a quarter's 3,208 offers were read one by one to be counted).
        signed = aliased(Offer)
        answers = session.execute(
            select(Offer.status, Offer.refusal_reason, Offer.refusal_reasonable, func.count())
            .select_from(Tenancy).join(signed, signed.id == Tenancy.offer_id)
            .join(Offer, and_(Offer.property_id == Tenancy.property_id, Offer.made_at <= Tenancy.created_at,
                              Offer.advert_id.is_not_distinct_from(signed.advert_id)))
            .where(*started).group_by(Offer.status, Offer.refusal_reason, Offer.refusal_reasonable)
            .order_by(Offer.status)).all()
        outcomes: Counter = Counter()
        refusals: dict[str, Counter] = {}
        for status, reason, reasonable, n in answers:
            outcomes[status] += n
            if status == "refused":
                counts = refusals.setdefault(reason, Counter())
                counts["count"] += n
                counts["unreasonable"] += 0 if reasonable else n
        made = sum(outcomes.values())
        return {"date_from": period["date_from"], "date_to": period["date_to"], "lets": let_count,
                "offers": made, "offers_per_let": Decimal(made) / let_count if let_count else None,
                "outcomes": dict(outcomes),
                "refusal_reasons": sorted(({"reason": r, **c} for r, c in refusals.items()),
                                          key=lambda x: (-x["count"], x["reason"]))}


@blp.route("/exports/core-lettings.csv")
class CoreExport(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(CorePeriod, location="query")
    @blp.response(200, content_type="text/csv", description="CORE bulk-upload rows, one per new tenancy.")
    def get(self, period):
        """The CORE lettings log

        One row per tenancy started in the period (or the collection `year`), in the bulk-upload layout of
        the CORE collection year the tenancies started in (1 April to 31 March: 2024/25 or 2025/26) and its
        answer codes: a line naming the year, the "Field number" row, then each log with column A blank.
        Owning and managing organisation and rent type come from the council's policy (a home may have its
        own rent type), time on the register from the application date. Fields the service does not hold
        are left blank for the officer (see the service README). Each log is the letting as it was when signed
        up, kept then (a household or home changing later does not change it). A period spanning two
        collection years, or a year whose layout is not held, is 422."""
        try:
            layout, text = core_logs.export(db_session(), period["date_from"], period["date_to"])
        except core.UnsupportedYear as exc:
            abort(422, str(exc), errors={"year" if period.get("year") else "from": [str(exc)]})
        except ValueError as exc:
            abort(422, str(exc), errors={"from": [str(exc)]})
        name = f"core-lettings-{layout.label.replace('/', '-')}.csv"
        return _csv(text, name)


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/reports/live-voids")
class LiveVoidsView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(LiveVoidQuery, location="query")
    @blp.response(200, LiveVoidReport)
    def get(self, query):
        """Homes standing empty now

        Every live void (no let date, or a signed tenancy starting later), the longest first: days
        void so far (today − void date), rent lost to date (the home's weekly rent × days / 7, to the
        penny) and where it stands: not_advertised, advertised (until the advert closes), shortlist
        (bidding closed, no live offer), offered (to an applicant, by reference), accepted,
        signed_up. Filter by stage and bedrooms; paged. Every match as CSV at `/reports/live-voids.csv`."""
        found = reporting.live_voids(db_session(), today=london_today(), stage=query["stage"],
                                     bedrooms=query["bedrooms"], page=query["page"], per_page=query["per_page"])
        return {**found.__dict__, "voids": [v.as_dict() for v in found.voids]}


@blp.route("/reports/live-voids.csv")
class LiveVoidsCsvView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(LiveVoidFilter, location="query")
    @blp.response(200, content_type="text/csv", description="Every live void that matches, its header first.")
    def get(self, query):
        """Homes standing empty now, as CSV

        The rows of `GET /reports/live-voids` (every match, not paged), the longest void first."""
        return _csv(reporting.live_voids_csv(db_session(), today=london_today(), stage=query["stage"],
                                             bedrooms=query["bedrooms"]), "live-voids.csv")


@blp.route("/reports/lettings-performance")
class PerformanceView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(Period, location="query")
    @blp.response(200, PerformanceReport)
    def get(self, period):
        """Lettings performance

        For the period (`from`, `to`; the last twelve months by default): live void ageing now (bands
        0–14, 15–28, 29–56, 57+ days: voids and rent lost to date); void days and rent loss per let by
        month of tenancy start; offers made in the period: accepted (accepted or signed up), refused by
        reason, expired, withdrawn and the refusal rate (refused ÷ (accepted + refused)); lets by band;
        the register (active and suspended applications) by band and bedroom need. Each figure as CSV at
        `/reports/lettings-performance/{figure}.csv`."""
        return reporting.performance(db_session(), today=london_today(), date_from=period["date_from"],
                                     date_to=period["date_to"], bands=policy().bands, refusal_reasons=policy().refusal_reasons)


@blp.route("/reports/lettings-performance/<figure>.csv")
class PerformanceFigureView(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(Period, location="query")
    @blp.response(200, content_type="text/csv", description="One figure as CSV, its header first.")
    def get(self, period, figure):
        """One lettings performance figure as CSV

        `figure` is one of void-ageing, void-months, offers, lets-by-band, register (404 for another)."""
        try:
            text = reporting.performance_csv(db_session(), figure, today=london_today(),
                                             date_from=period["date_from"], date_to=period["date_to"],
                                             bands=policy().bands, refusal_reasons=policy().refusal_reasons)
        except KeyError:
            abort(404, f"There is no figure {figure!r}: one of {', '.join(reporting.FIGURES)}.")
        return _csv(text, f"lettings-{figure}.csv")
