from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("start/", views.agreement_start, name="agreement_start"),
    path("map/", views.coordination_map, name="coordination_map"),
    path("start/<int:organisation>/", views.agreement_new, name="agreement_new"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/terms/", views.agreement_terms, name="agreement_terms"),
    path("<int:pk>/share/", views.agreement_share, name="agreement_share"),
    path("<int:pk>/agree/", views.agreement_agree, name="agreement_agree"),
    path("<int:pk>/approve/", views.agreement_approve, name="agreement_approve"),
    path("<int:pk>/consult/", views.consultation_ask, name="consultation_ask"),
    path("<int:pk>/redline/", views.agreement_redline, name="agreement_redline"),
    path("clauses/<int:pk>/comment/", views.clause_comment, name="clause_comment"),
    path("clauses/<int:pk>/position/", views.clause_position, name="clause_position"),
    path("clauses/<int:pk>/include/", views.clause_include, name="clause_include"),
    path("comments/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="consultation_answer"),
]
