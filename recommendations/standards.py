"""The international standards a recommendation may cite: the United Nations Standard Minimum
Rules for the Treatment of Prisoners (the Nelson Mandela Rules, 2015) and the United Nations Rules
for the Treatment of Women Prisoners and Non-custodial Measures for Women Offenders (the Bangkok
Rules, 2010), by rule number and subject.

A recommendation stores the codes (``mandela:24``); the titles are translated like every other
text, so the list reads in the reader's language.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Standard:
    code: str
    instrument: Promise
    rules: str
    title: Promise

    @property
    def label(self) -> str:
        return _("%(instrument)s, rule %(rules)s: %(title)s") % {
            "instrument": self.instrument,
            "rules": self.rules,
            "title": self.title,
        }


MANDELA = _("Nelson Mandela Rules")
BANGKOK = _("Bangkok Rules")

_MANDELA_RULES = [
    ("1", _("Respect for the inherent dignity of every prisoner; no torture or ill-treatment")),
    ("2", _("Non-discrimination and attention to individual needs")),
    ("3-5", _("Purpose of imprisonment; life in prison close to life at liberty")),
    ("6-10", _("Prisoner file management")),
    ("11", _("Separation of categories")),
    ("12-17", _("Accommodation: space, light, air, heating and sanitation")),
    ("18", _("Personal hygiene")),
    ("19-21", _("Clothing and bedding")),
    ("22", _("Food and drinking water")),
    ("23", _("Exercise and sport")),
    ("24", _("Health care as a responsibility of the State, equivalent to the community")),
    ("25-26", _("Health-care service and medical files")),
    ("27", _("Access to specialised treatment and hospitals")),
    ("30", _("Medical examination on admission")),
    ("31-33", _("Clinical independence and reporting of health risks")),
    ("34", _("Documenting and reporting signs of torture or ill-treatment")),
    ("35", _("Inspection of food, hygiene, sanitation and physical activity")),
    ("36-39", _("Discipline: only what is necessary, lawful and fair")),
    ("41", _("Fair disciplinary procedure")),
    ("43", _("Prohibited sanctions")),
    ("44-45", _("Solitary confinement: definition and limits")),
    ("46", _("Role of health-care staff in disciplinary sanctions")),
    ("47-49", _("Instruments of restraint")),
    ("50-53", _("Searches of prisoners and cells")),
    ("54-55", _("Information to prisoners")),
    ("56-57", _("Requests and complaints")),
    ("58-63", _("Contact with the outside world")),
    ("64", _("Library")),
    ("65-66", _("Religion")),
    ("67", _("Retention of prisoners' property")),
    ("68-70", _("Notifications")),
    ("71-72", _("Investigations of deaths and serious injuries")),
    ("73", _("Transfer of prisoners")),
    ("74-81", _("Institutional personnel")),
    ("75-76", _("Training of staff")),
    ("82", _("Use of force by staff")),
    ("83-85", _("Internal and external inspections")),
    ("86-90", _("Guiding principles for prisoners under sentence")),
    ("91-92", _("Treatment for rehabilitation")),
    ("93-94", _("Classification and individualisation")),
    ("95", _("Privileges")),
    ("96-103", _("Work")),
    ("104-105", _("Education and recreation")),
    ("106-108", _("Social relations and aftercare")),
    ("109-110", _("Prisoners with mental disabilities or health conditions")),
    ("111-120", _("Prisoners under arrest or awaiting trial")),
    ("121", _("Civil prisoners")),
    ("122", _("Persons arrested or detained without charge")),
]

_BANGKOK_RULES = [
    ("1", _("Non-discrimination: the distinctive needs of women prisoners")),
    ("2", _("Admission, and arrangements for the care of children")),
    ("3", _("Registration of the number and details of children")),
    ("4", _("Allocation close to home")),
    ("5", _("Personal hygiene for women")),
    ("6-9", _("Health screening on entry")),
    ("10", _("Gender-specific health care")),
    ("11", _("Confidentiality of medical examinations")),
    ("12-13", _("Mental health care")),
    ("14", _("HIV prevention, treatment, care and support")),
    ("15", _("Substance-abuse treatment")),
    ("16", _("Prevention of suicide and self-harm")),
    ("17-18", _("Preventive health-care services")),
    ("19-21", _("Safety and security: searches")),
    ("22-23", _("Discipline: no close confinement of pregnant women; family contact kept")),
    ("24", _("No restraints during labour, birth or right after")),
    ("25", _("Information and complaints; women who report abuse")),
    ("26-28", _("Contact with the outside world")),
    ("29-35", _("Institutional personnel and training")),
    ("36-39", _("Girls in detention")),
    ("40-41", _("Classification and individualisation")),
    ("42", _("Prison regime suited to women")),
    ("43-47", _("Social relations and aftercare")),
    ("48-52", _("Pregnant women, breastfeeding mothers and mothers with children")),
    ("53", _("Foreign nationals")),
    ("54-55", _("Minority groups and indigenous peoples")),
    ("56", _("Women under arrest or awaiting trial")),
    ("57-66", _("Non-custodial measures")),
    ("67-70", _("Research, planning, evaluation and public awareness")),
]

STANDARDS: dict[str, Standard] = {
    **{
        f"mandela:{rules}": Standard(f"mandela:{rules}", MANDELA, rules.replace("-", "–"), title)
        for rules, title in _MANDELA_RULES
    },
    **{
        f"bangkok:{rules}": Standard(f"bangkok:{rules}", BANGKOK, rules.replace("-", "–"), title)
        for rules, title in _BANGKOK_RULES
    },
}


def standard_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The list, grouped by instrument, for a form's select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for standard in STANDARDS.values():
        groups.setdefault(str(standard.instrument), []).append(
            (standard.code, f"{standard.rules}: {standard.title}")
        )
    return list(groups.items())


def standards_named(codes: list[str]) -> list[Standard]:
    return [STANDARDS[code] for code in codes if code in STANDARDS]


def validate_standards(value: object) -> None:
    if not isinstance(value, list) or any(code not in STANDARDS for code in value):
        raise ValidationError(_("Choose standards from the list."), code="standards")
