"""The entrance protocol: the keeper drafts a version (from the one in force), writes its texts
in each language, the measure and reason of each search level and the default search of each
category, and publishes it; the published version is in force and never changes, earlier ones
stay readable; whoever may enter the facility reads it, drafts only its keepers."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activity.errors import DomainError
from activity.models import AuditEntry
from directory.models import Role
from tests.conftest import login
from tests.factories import staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import EntranceProtocol, SearchLevel
from visits.selectors import protocol_in_force
from visits.services import protocols as protocol_services

from .conftest import request

pytestmark = pytest.mark.django_db

TEXTS = {
    "summary_en": "Bags go through the scanner so that no weapon enters.",
    "summary_es": "Las bolsas pasan por el escáner para que no entre ningún arma.",
    "may_carry_en": "Teaching materials declared in advance.",
    "monitoring_bodies_en": "Confidential papers of monitors are never read.",
    "emergency_en": "At the alarm, follow the escort to the yard.",
}


def url(name: str, *args) -> str:
    return reverse(f"visits:{name}", args=args)


def write_measure(actor, protocol, level: int, technique: str = "", reason: str = "") -> None:
    protocol_services.measure_save(
        actor=actor,
        protocol=protocol,
        level=level,
        data={
            "technique_en": technique or f"What level {level} involves",
            "reason_en": reason or f"Why level {level} is used",
        },
    )


def published(world, actor, *, texts: dict[str, str] | None = None) -> EntranceProtocol:
    """A protocol written and put in force through the services."""
    protocol = protocol_services.protocol_draft(actor=actor, facility=world.facility)
    protocol_services.protocol_update(actor=actor, protocol=protocol, data=texts or TEXTS)
    for level in (SearchLevel.IDENTITY, SearchLevel.SCREENING):
        write_measure(actor, protocol, level)
    return protocol_services.protocol_publish(actor=actor, protocol=protocol)


# Services ---------------------------------------------------------------------------------------


def test_a_draft_is_published_once_its_texts_and_default_searches_are_explained(
    world, facility_officer
):
    draft = protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)
    assert draft.version == 1

    with pytest.raises(DomainError) as refused:
        protocol_services.protocol_publish(actor=facility_officer, protocol=draft)
    reasons = " ".join(refused.value.reasons)
    assert "main language" in reasons
    assert "Metal detector and bag inspection" in reasons  # organisation staff's default

    protocol_services.protocol_update(actor=facility_officer, protocol=draft, data=TEXTS)
    for level in (SearchLevel.IDENTITY, SearchLevel.SCREENING):
        write_measure(facility_officer, draft, level)
    protocol_services.protocol_publish(actor=facility_officer, protocol=draft)

    assert protocol_in_force(world.facility) == draft
    with translation.override("es"):
        assert protocol_in_force(world.facility).summary == TEXTS["summary_es"]
    with translation.override("ru"):  # not written in Russian: another language is read
        assert protocol_in_force(world.facility).summary == TEXTS["summary_en"]
    actions = AuditEntry.objects.filter(
        object_id=str(draft.pk), action__startswith="entranceprotocol."
    ).values_list("action", flat=True)
    assert list(actions.order_by("seq")) == [
        "entranceprotocol.created",
        "entranceprotocol.updated",
        "entranceprotocol.measure_saved",
        "entranceprotocol.measure_saved",
        "entranceprotocol.published",
    ]


def test_a_new_version_starts_from_the_one_in_force_which_stays_readable(world, facility_officer):
    first = published(world, facility_officer)

    second = protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)

    assert second.version == 2
    assert second.summary_es == TEXTS["summary_es"]
    assert second.organisation_level == first.organisation_level
    assert sorted(second.measures.values_list("level", "technique_en")) == sorted(
        first.measures.values_list("level", "technique_en")
    )
    assert protocol_in_force(world.facility) == first  # until the draft is published
    with pytest.raises(DomainError, match="draft version already exists"):
        protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)

    protocol_services.protocol_update(
        actor=facility_officer,
        protocol=second,
        data={"summary_en": "Everyone walks through the arch.", "expert_level": 1},
    )
    protocol_services.protocol_publish(actor=facility_officer, protocol=second)

    assert protocol_in_force(world.facility) == second
    first.refresh_from_db()
    assert first.summary_en == TEXTS["summary_en"]


def test_a_published_version_never_changes(world, facility_officer):
    protocol = published(world, facility_officer)

    for change in (
        lambda: protocol_services.protocol_update(
            actor=facility_officer, protocol=protocol, data={"summary_en": "Changed"}
        ),
        lambda: write_measure(facility_officer, protocol, SearchLevel.FULL),
        lambda: protocol_services.measure_remove(
            actor=facility_officer, protocol=protocol, level=SearchLevel.IDENTITY
        ),
        lambda: protocol_services.protocol_publish(actor=facility_officer, protocol=protocol),
    ):
        with pytest.raises(DomainError, match="can no longer change"):
            change()


def test_a_default_search_without_its_measure_blocks_publication(world, facility_officer):
    draft = protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)
    protocol_services.protocol_update(
        actor=facility_officer, protocol=draft, data={**TEXTS, "expert_level": SearchLevel.FULL}
    )
    for level in (SearchLevel.IDENTITY, SearchLevel.SCREENING):
        write_measure(facility_officer, draft, level)

    with pytest.raises(DomainError, match="Full search in private"):
        protocol_services.protocol_publish(actor=facility_officer, protocol=draft)

    write_measure(facility_officer, draft, SearchLevel.FULL)
    protocol_services.measure_remove(
        actor=facility_officer, protocol=draft, level=SearchLevel.SCREENING
    )
    with pytest.raises(DomainError, match="Metal detector"):
        protocol_services.protocol_publish(actor=facility_officer, protocol=draft)


# Pages ------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world, facility_officer):
    protocol = published(world, facility_officer)
    for path in (
        url("protocol_detail", world.facility.pk),
        url("protocol_versions", world.facility.pk),
        url("protocol_version", protocol.pk),
    ):
        assert_login_redirect(client.get(path), path)


def test_whoever_may_enter_or_works_there_reads_the_protocol_in_force(
    client, setting, world, facility_officer, ngo_member, monitor, gate_officer, director
):
    published(world, facility_officer)

    for user in (ngo_member, monitor, gate_officer, director, facility_officer):
        login(client, user)
        page = text(client.get(url("protocol_detail", world.facility.pk)))
        assert TEXTS["summary_en"] in page, user
        assert "What level 2 involves" in page


def test_others_do_not_find_the_protocol(
    client, setting, world, facility_officer, outsider, other_director
):
    protocol = published(world, facility_officer)
    other_officer = staff("olga", Role.FACILITY_OFFICER, world.other_facility)

    for user in (outsider, other_director, other_officer):
        login(client, user)
        for path in (
            url("protocol_detail", world.facility.pk),
            url("protocol_versions", world.facility.pk),
            url("protocol_version", protocol.pk),
        ):
            assert client.get(path).status_code == 404, (user, path)


def test_only_the_keepers_see_and_write_drafts(
    client, setting, world, facility_officer, ngo_member, director
):
    published(world, facility_officer)
    draft = protocol_services.protocol_draft(actor=director, facility=world.facility)

    login(client, ngo_member)
    assert client.get(url("protocol_version", draft.pk)).status_code == 404
    assert "Draft" not in text(client.get(url("protocol_versions", world.facility.pk)))
    assert client.post(url("protocol_create", world.facility.pk)).status_code == 403

    login(client, facility_officer)
    assert "Draft" in text(client.get(url("protocol_versions", world.facility.pk)))
    assert client.get(url("protocol_edit", draft.pk)).status_code == 200


def test_the_keeper_writes_and_publishes_a_version_from_the_pages(client, world, facility_officer):
    login(client, facility_officer)
    client.post(url("protocol_create", world.facility.pk))
    draft = EntranceProtocol.objects.get(facility=world.facility)

    response = client.post(
        url("protocol_edit", draft.pk),
        {
            **TEXTS,
            "organisation_level": SearchLevel.SCREENING,
            "monitor_level": SearchLevel.IDENTITY,
            "expert_level": SearchLevel.IDENTITY,
        },
    )
    assert response.status_code == 302
    for level in (SearchLevel.IDENTITY, SearchLevel.SCREENING):
        response = client.post(
            url("measure_edit", draft.pk, level),
            {"technique_en": f"Technique {level}", "reason_en": f"Reason {level}"},
        )
        assert response.status_code == 302
    response = client.post(url("protocol_publish", draft.pk), follow=True)
    assert "Version 1 is in force" in text(response), text(response)

    page = text(client.get(url("protocol_detail", world.facility.pk)))
    assert "in force since" in page
    assert "Technique 2" in page and "Reason 2" in page
    draft.refresh_from_db()
    assert draft.published_by == facility_officer


def test_a_text_missing_in_the_main_language_is_asked_for(client, world, facility_officer):
    draft = protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)
    login(client, facility_officer)

    response = client.post(
        url("protocol_edit", draft.pk),
        {**TEXTS, "summary_en": "", "organisation_level": 2, "monitor_level": 1, "expert_level": 2},
    )

    assert response.status_code == 200
    assert "This field is required" in text(response)
    draft.refresh_from_db()
    assert draft.summary_en == ""


def test_the_visit_page_sends_its_readers_to_the_protocol(client, setting, world, ngo_member):
    [visit] = request(setting, world, ngo_member)

    login(client, ngo_member)
    page = text(client.get(visit.get_absolute_url()))

    assert "acknowledge it before the first visit" in page
    assert url("protocol_detail", world.facility.pk) in page


def test_the_versions_page_makes_the_same_queries_for_one_version_and_fifty(
    client, world, facility_officer
):
    published(world, facility_officer)
    login(client, facility_officer)
    path = url("protocol_versions", world.facility.pk)
    client.get(path)
    one = count_queries(client, path)
    EntranceProtocol.objects.bulk_create(
        EntranceProtocol(
            facility=world.facility,
            version=n,
            summary=f"Version {n}",
            may_carry="",
            monitoring_bodies="",
            emergency="",
            created_by=facility_officer,
            published_by=staff(f"keeper{n}", Role.FACILITY_OFFICER, world.facility),
            published_at=timezone.now(),
        )
        for n in range(2, 51)
    )
    assert count_queries(client, path) == one
    assert text(client.get(path)).count('href="/visits/protocols/') == 50


def test_the_protocol_page_makes_the_same_queries_whatever_the_versions_and_measures(
    client, world, facility_officer
):
    published(world, facility_officer)
    login(client, facility_officer)
    path = url("protocol_detail", world.facility.pk)
    client.get(path)
    one = count_queries(client, path)
    latest = published(world, facility_officer)
    for level in (SearchLevel.PAT_DOWN, SearchLevel.FULL):
        draft = protocol_services.protocol_draft(actor=facility_officer, facility=world.facility)
        write_measure(facility_officer, draft, level, technique=f"Technique {level}")
        latest = protocol_services.protocol_publish(actor=facility_officer, protocol=draft)
    assert latest.version == 4
    assert count_queries(client, path) == one
    assert "Technique 4" in text(client.get(path))
