"""Who may do what in lettings: its roles, declared once (admin always passes)."""

from __future__ import annotations

#: The register, voids, adverts, offers, sign-up, letters and reports are lettings officers' work.
OFFICERS = ("lettings_officer", "team_leader")
