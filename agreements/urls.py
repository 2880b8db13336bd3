from django.urls import path

from .views import annexes, library, mous, public, signing

app_name = "agreements"

urlpatterns = [
    # Public, without login.
    path("verify/", public.verify, name="verify"),
    path("", mous.agreement_list, name="agreement_list"),
    path("start/", mous.agreement_start, name="agreement_start"),
    path("map/", mous.coordination_map, name="coordination_map"),
    path("start/<int:organisation>/", mous.agreement_new, name="agreement_new"),
    path("<int:pk>/", mous.agreement_detail, name="agreement_detail"),
    path("<int:pk>/terms/", mous.agreement_terms, name="agreement_terms"),
    path("<int:pk>/share/", mous.agreement_share, name="agreement_share"),
    path("<int:pk>/agree/", mous.agreement_agree, name="agreement_agree"),
    path("<int:pk>/approve/", mous.agreement_approve, name="agreement_approve"),
    path("<int:pk>/consult/", mous.consultation_ask, name="consultation_ask"),
    path("<int:pk>/redline/", mous.agreement_redline, name="agreement_redline"),
    path("clauses/<int:pk>/comment/", mous.clause_comment, name="clause_comment"),
    path("clauses/<int:pk>/position/", mous.clause_position, name="clause_position"),
    path("clauses/<int:pk>/include/", mous.clause_include, name="clause_include"),
    path("comments/<int:pk>/answer/", mous.comment_answer, name="comment_answer"),
    path("consultations/<int:pk>/answer/", mous.consultation_answer, name="consultation_answer"),
    # The clause library and the templates.
    path("library/", library.clause_list, name="clause_list"),
    path("library/<int:administration>/new-clause/", library.clause_create, name="clause_create"),
    path("library/clauses/<int:pk>/", library.clause_detail, name="clause_detail"),
    path("library/clauses/<int:pk>/change/", library.clause_edit, name="clause_edit"),
    path("library/clauses/<int:pk>/new-wording/", library.clause_reword, name="clause_reword"),
    path("library/templates/", library.template_list, name="template_list"),
    path(
        "library/<int:administration>/new-template/",
        library.template_create,
        name="template_create",
    ),
    path("library/templates/<int:pk>/", library.template_detail, name="template_detail"),
    path("library/templates/<int:pk>/change/", library.template_edit, name="template_edit"),
    path(
        "library/templates/<int:pk>/clauses/",
        library.template_clause_add,
        name="template_clause_add",
    ),
    path(
        "library/templates/<int:pk>/clauses/<int:clause>/remove/",
        library.template_clause_remove,
        name="template_clause_remove",
    ),
    path(
        "library/templates/<int:pk>/clauses/<int:clause>/move/",
        library.template_clause_move,
        name="template_clause_move",
    ),
    # Signing.
    path("<int:pk>/sign/", signing.agreement_certify, name="agreement_certify"),
    path("<int:pk>/countersign/", signing.agreement_countersign, name="agreement_countersign"),
    path("<int:pk>/signed-copy/", signing.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/signed-copy/retry/", signing.agreement_pdf_retry, name="agreement_pdf_retry"),
    path(
        "<int:pk>/translations/",
        signing.agreement_translation_request,
        name="agreement_translation_request",
    ),
    path(
        "<int:pk>/translations/<str:language>/",
        signing.agreement_translation,
        name="agreement_translation",
    ),
    # People annexes.
    path("<int:pk>/annexes/new/", annexes.annex_new, name="annex_new"),
    path("annexes/<int:pk>/", annexes.annex_detail, name="annex_detail"),
    path("annexes/<int:pk>/withdraw/", annexes.annex_withdraw, name="annex_withdraw"),
    path("annexes/<int:pk>/sign/", annexes.annex_certify, name="annex_certify"),
    path("annexes/<int:pk>/countersign/", annexes.annex_countersign, name="annex_countersign"),
    path("annexes/<int:pk>/signed-copy/", annexes.annex_pdf, name="annex_pdf"),
    path("annexes/<int:pk>/signed-copy/retry/", annexes.annex_pdf_retry, name="annex_pdf_retry"),
    path("organisations/<int:pk>/signatories/", signing.signatories, name="signatories"),
    path("signatories/<int:pk>/withdraw/", signing.signatory_revoke, name="signatory_revoke"),
]
