"""Casework sustainment: Tenancy-sustainment cases: plans, home visits and welfare checks, agency referrals, move-in support for high-risk new tenants."""
