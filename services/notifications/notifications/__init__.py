"""Casework notifications: Officers and teams, tasks, in-app inbox, e-mail and webhook delivery, reminders and escalation."""
