"""Use cases of accreditation, one module per stage of the process."""

from .applications import (
    application_create,
    application_return,
    application_submit,
    application_update,
    application_withdraw,
    evidence_save,
    missing_items,
)
from .clearances import clearance_decide, clearance_request
from .decisions import (
    accreditation_reinstate,
    accreditation_revoke,
    accreditation_suspend,
    appeal_deadline,
    appeal_decide,
    appeal_lodge,
    application_score_sheet,
    condition_mark_met,
    decision_make,
)
from .frameworks import (
    criterion_delete,
    criterion_save,
    framework_create_draft,
    framework_publish,
    framework_update,
    publication_problems,
)
from .mechanisms import mechanism_register, mechanism_set_members
from .review import review_declare, review_save_scores, review_submit, reviewers_assign

__all__ = [
    "accreditation_reinstate",
    "accreditation_revoke",
    "accreditation_suspend",
    "appeal_deadline",
    "appeal_decide",
    "appeal_lodge",
    "application_create",
    "application_return",
    "application_score_sheet",
    "application_submit",
    "application_update",
    "application_withdraw",
    "clearance_decide",
    "clearance_request",
    "condition_mark_met",
    "criterion_delete",
    "criterion_save",
    "decision_make",
    "evidence_save",
    "framework_create_draft",
    "framework_publish",
    "framework_update",
    "mechanism_register",
    "mechanism_set_members",
    "missing_items",
    "publication_problems",
    "review_declare",
    "review_save_scores",
    "review_submit",
    "reviewers_assign",
]
