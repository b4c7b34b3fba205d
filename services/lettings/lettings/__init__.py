"""Casework lettings: Voids, the housing register, choice-based lettings, shortlists, offers, pre-tenancy checks and sign-up."""
