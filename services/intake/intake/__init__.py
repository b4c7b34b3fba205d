"""Casework intake: referrals from front-line systems and partner agencies, and their triage."""
