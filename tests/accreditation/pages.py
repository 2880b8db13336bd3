"""What the accreditation view tests share to reach a page and check what it did."""

from django.urls import reverse

from activity.models import AuditEntry


def url(name: str, *args) -> str:
    return reverse(f"accreditation:{name}", args=args)


def audited(action: str, user) -> bool:
    """The user's action was written to the audit trail."""
    return AuditEntry.objects.filter(action=action, actor=user).exists()


def decision_form(**changes) -> dict:
    """The decision form as the director sends it, with three empty rows of conditions."""
    data = {
        "outcome": "accredited",
        "reasons": "The evidence meets every criterion.",
        "justification": "",
        "moderation_note": "",
        "conditions-TOTAL_FORMS": "3",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
    }
    for n in range(3):
        data.update(
            {
                f"conditions-{n}-description": "",
                f"conditions-{n}-owner": "",
                f"conditions-{n}-due_date": "",
            }
        )
    return {**data, **changes}


def suggested(client, name: str, field: str, q: str = "") -> list[str]:
    """The names a list's search field suggests for what was typed (``name`` is the list's
    choices endpoint, ``application_choices``…)."""
    response = client.get(url(name, field), {"q": q}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [result["label"] for result in response.json()["results"]]
