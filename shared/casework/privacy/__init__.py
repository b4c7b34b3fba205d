"""Data protection every service shares: subject-access exports, legal holds, the retention
sweep and the redaction of personal data in the audit log.

A service says what is personal to it; the kernel does the plumbing:

- ``subject_access_blueprint(find)``: ``GET /subjects/export?tenancy_ref=…`` (or ``name`` and
  ``date_of_birth``) for team leaders and admins. ``find(session, query)`` returns the service's
  records about the person as ``Found`` rows; the export adds each record's audit trail (who
  changed and who read it) and legal hold, and is itself audited.
- ``legal_hold_blueprint(holdable)``: ``PUT``/``DELETE /legal-holds/{record_type}/{record_id}``;
  a held record is skipped by the retention sweep.
- ``retention_sweep(rules, service=…)``: the handler of the recurring ``retention_sweep`` timer
  (the worker schedules it). Each ``RetentionRule`` names the records past their retention
  period and how to anonymise one; the sweep skips held records, redacts the audit log's
  snapshots of what it anonymised, and emits ``<service>.records.anonymised.v1`` with a count.

One module a job: ``subject_access``, ``holds``, ``retention``, ``redaction``.
"""

from .holds import LegalHold, LegalHoldBody, LegalHoldSchema, held, hold_of, legal_hold_blueprint
from .redaction import REMOVED, redact_audit, redact_audits
from .retention import (
    RETENTION_SWEEP,
    SWEEP_BATCH,
    RetentionRule,
    all_written,
    ensure_retention_sweep,
    retention_policy,
    retention_sweep,
    sweep,
    years_before,
)
from .subject_access import (
    SUBJECT_ROLES,
    Found,
    SubjectExport,
    SubjectQuery,
    SubjectRecord,
    same_name,
    subject_access_blueprint,
)

__all__ = [
    "REMOVED", "RETENTION_SWEEP", "SUBJECT_ROLES", "SWEEP_BATCH", "Found", "LegalHold", "LegalHoldBody", "LegalHoldSchema",
    "RetentionRule", "SubjectExport", "all_written", "SubjectQuery", "SubjectRecord", "ensure_retention_sweep", "held", "hold_of",
    "legal_hold_blueprint", "redact_audit", "redact_audits", "retention_policy", "retention_sweep", "same_name",
    "subject_access_blueprint", "sweep", "years_before",
]
