"""Intake's pure rules: risk scoring, triage deadlines, duplicates and the referral's lifecycle.

Nothing here touches Flask or a database; the council's numbers come in as an ``IntakePolicy``.
"""
