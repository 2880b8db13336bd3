"""The clause library every administration starts from: the fifteen kinds of clause the working
paper asks an MoU to settle, each with sound wording in English, Spanish, Russian and Arabic, and
two templates that order them.

The wording states no term itself. Whatever the two sides negotiate as data (who, where, when,
what, for how long) appears in braces and is filled from the MoU's structured terms, in the
MoU's language, whenever a clause is shown or printed (``models.fill_variables``). The wording is
written so that a sentence reads well whatever the value: lists follow a colon (``{people}``,
``{facilities}``, ``{weekdays}``, ``{activities}``, ``{equipment}``, the areas, ``{members}``,
which may also read "none"), yes-or-no terms stand alone after a heading
(``Photographs: {photographs}.``), in Russian and Arabic a count is never followed by a noun
that would have to agree with it, and the parties' names are introduced once, in the purpose
clause, as "the Administration" and "the Organisation", which the other clauses use, so that no
adjective or verb has to agree with a name.

An administration edits its library afterwards like any other: a new wording is a new version.
"""

import textwrap
from dataclasses import dataclass

from django.db import transaction

from activity.services import audit_record
from activity.texts import text_columns
from activity.typing import User
from directory.models import Administration

from .models import Clause, ClauseVersion, Template, TemplateClause

#: A text in each language: ``{"en": …, "es": …, "ru": …, "ar": …}``.
Texts = dict[str, str]


@dataclass(frozen=True)
class ShippedClause:
    kind: str
    mandatory: bool
    title: Texts
    wording: Texts


@dataclass(frozen=True)
class ShippedTemplate:
    name: Texts
    description: Texts
    kinds: tuple[str, ...]


@transaction.atomic
def install_library(administration: Administration, *, actor: User | None = None) -> Template:
    """Give an administration the shipped clause library and its two templates, and return the
    standard template. Safe to run again: a kind of clause the administration already has is
    kept as it is (edited or not) and used in the templates, and a template already installed,
    known by its English name, is not made again."""
    # Two installations for the same administration at once would both find nothing.
    Administration.objects.select_for_update().get(pk=administration.pk)
    clauses: dict[str, Clause] = {}
    for existing in Clause.objects.filter(administration=administration).order_by("-id"):
        clauses[existing.kind] = existing  # the oldest clause of each kind wins
    added_clauses = []
    for shipped in CLAUSES:
        if shipped.kind in clauses:
            continue
        clause = Clause.objects.create(
            administration=administration,
            kind=shipped.kind,
            mandatory=shipped.mandatory,
            **text_columns("title", shipped.title),
        )
        ClauseVersion.objects.create(
            clause=clause, number=1, created_by=actor, **text_columns("wording", shipped.wording)
        )
        clauses[shipped.kind] = clause
        added_clauses.append(shipped.kind)

    templates = []
    added_templates = []
    for spec in TEMPLATES:
        template = (
            Template.objects.filter(administration=administration, name_en=spec.name["en"])
            .order_by("id")
            .first()
        )
        if template is None:
            template = Template.objects.create(
                administration=administration,
                **text_columns("name", spec.name),
                **text_columns("description", spec.description),
            )
            TemplateClause.objects.bulk_create(
                TemplateClause(template=template, clause=clauses[kind], order=order)
                for order, kind in enumerate(spec.kinds, start=1)
            )
            added_templates.append(spec.name["en"])
        templates.append(template)

    standard = templates[0]
    if actor is not None and (added_clauses or added_templates):
        audit_record(
            actor=actor,
            action="clause_library.installed",
            target=standard,
            changes={"clauses": added_clauses, "templates": added_templates},
        )
    return standard


def _text(source: str) -> str:
    """A wording as written below: the lines of a paragraph, wrapped to fit this file, are
    joined by a space; a blank line separates paragraphs."""
    paragraphs = textwrap.dedent(source).strip().split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


# The shipped texts ------------------------------------------------------------------------------

CLAUSES: tuple[ShippedClause, ...] = (
    ShippedClause(
        kind=Clause.Kind.PURPOSE,
        mandatory=True,
        title={
            "en": "Purpose, mandates and expectations",
            "es": "Objeto, mandatos y expectativas",
            "ru": "Предмет, мандаты и ожидания Сторон",
            "ar": "الغرض والولايات والتوقعات",
        },
        wording={
            "en": _text(
                """
                This memorandum of understanding is made between {administration} (“the
                Administration”) and {organisation} (“the Organisation”). It sets out the terms on
                which the Organisation works in the following facilities of the Administration:
                {facilities}. Where the Organisation acts on behalf of a network, the memorandum
                also covers the following member organisations: {members}.

                Its purpose is to support the Administration in fulfilling its obligations towards
                persons deprived of liberty under national law and international standards, in
                particular the United Nations Standard Minimum Rules for the Treatment of Prisoners
                (the Nelson Mandela Rules), through the work described in this memorandum.

                The Organisation undertakes to carry out in the facilities the work agreed in this
                memorandum, in keeping with the aims it has declared to the Administration. The
                Administration undertakes to facilitate that work on the terms of this memorandum,
                to designate a contact person in each facility and to inform its staff of what the
                Organisation may do. The parties have drafted this text together, after the
                Administration consulted the staff of the facilities concerned.

                Unless a law or an international agreement gives it a mandate of its own, the
                Organisation enters the facilities only with the consent given by this memorandum
                and within its terms.
                """
            ),
            "es": _text(
                """
                Son partes del presente memorando de entendimiento: {administration} (en adelante,
                “la Administración”) y {organisation} (en adelante, “la Organización”). El memorando
                establece las condiciones en que la Organización desarrolla su labor en los
                siguientes centros de la Administración: {facilities}. Cuando la Organización actúa
                en nombre de una red, el memorando comprende también a las siguientes organizaciones
                miembros: {members}.

                Su objeto es apoyar a la Administración en el cumplimiento de sus obligaciones
                respecto de las personas privadas de libertad conforme a la legislación nacional y a
                las normas internacionales, en particular las Reglas Mínimas de las Naciones Unidas
                para el Tratamiento de los Reclusos (Reglas Nelson Mandela), mediante la labor
                descrita en este memorando.

                La Organización se compromete a realizar en los centros la labor acordada en este
                memorando, de conformidad con los fines que ha declarado ante la Administración. La
                Administración se compromete a facilitar dicha labor en los términos del presente
                memorando, a designar una persona de enlace en cada centro y a informar a su
                personal sobre lo que la Organización está autorizada a hacer. Las partes han
                elaborado conjuntamente este texto, previa consulta de la Administración al personal
                de los centros interesados.

                Salvo que una ley o un acuerdo internacional le confiera un mandato propio, la
                Organización ingresa a los centros únicamente con el consentimiento otorgado por
                este memorando y dentro de sus términos.
                """
            ),
            "ru": _text(
                """
                Стороны настоящего Меморандума о взаимопонимании: {administration} (далее —
                «Администрация») и {organisation} (далее — «Организация»). Меморандум определяет
                условия, на которых Организация осуществляет свою деятельность в следующих
                учреждениях Администрации: {facilities}. Если Организация действует от имени сети
                организаций, Меморандум распространяется также на следующие организации — члены
                сети: {members}.

                Целью Меморандума является содействие Администрации в выполнении ее обязательств в
                отношении лиц, лишенных свободы, в соответствии с национальным законодательством и
                международными стандартами, в частности Минимальными стандартными правилами
                Организации Объединенных Наций в отношении обращения с заключенными (Правилами
                Нельсона Манделы), посредством деятельности, предусмотренной настоящим Меморандумом.

                Организация обязуется осуществлять в учреждениях деятельность, согласованную в
                настоящем Меморандуме, в соответствии с целями, заявленными ею Администрации.
                Администрация обязуется содействовать этой деятельности на условиях настоящего
                Меморандума, назначить контактное лицо в каждом учреждении и информировать свой
                персонал о том, что разрешено Организации. Текст Меморандума подготовлен Сторонами
                совместно после консультаций Администрации с персоналом соответствующих учреждений.

                Если закон или международный договор не наделяет Организацию собственным мандатом,
                Организация посещает учреждения только с согласия, выраженного в настоящем
                Меморандуме, и в его пределах.
                """
            ),
            "ar": _text(
                """
                تُبرم مذكرة التفاهم هذه بين الطرف الأول: {administration}، ويُشار إليه فيما يلي
                بـ«الإدارة»، والطرف الثاني: {organisation}، ويُشار إليه فيما يلي بـ«المنظمة». وتحدد
                المذكرة الشروط التي تمارس بموجبها المنظمة عملها في المؤسسات التالية التابعة للإدارة:
                {facilities}. وإذا كانت المنظمة تعمل نيابةً عن شبكة من المنظمات، تشمل المذكرة أيضاً
                المنظمات الأعضاء التالية: {members}.

                والغرض من هذه المذكرة هو دعم الإدارة في الوفاء بالتزاماتها تجاه الأشخاص المحرومين من
                حريتهم بموجب القانون الوطني والمعايير الدولية، ولا سيما قواعد الأمم المتحدة
                النموذجية الدنيا لمعاملة السجناء (قواعد نيلسون مانديلا)، من خلال العمل المبيَّن في
                هذه المذكرة.

                وتلتزم المنظمة بأن تؤدي في المؤسسات العمل المتفق عليه في هذه المذكرة، وفقاً للأهداف
                التي أعلنتها للإدارة. وتلتزم الإدارة بتيسير هذا العمل وفقاً لأحكام هذه المذكرة،
                وبتسمية شخص للتواصل في كل مؤسسة، وبإطلاع موظفيها على ما يُسمح للمنظمة بالقيام به.
                وقد أعدّ الطرفان نص هذه المذكرة بصورة مشتركة، بعد أن استشارت الإدارة موظفي المؤسسات
                المعنية.

                وما لم يمنح قانونٌ أو اتفاقٌ دولي المنظمةَ ولايةً خاصة بها، فإنها لا تدخل المؤسسات
                إلا بالموافقة الممنوحة بموجب هذه المذكرة وفي حدود أحكامها.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.DEMARCATION,
        mandatory=True,
        title={
            "en": "Demarcation of responsibilities",
            "es": "Delimitación de responsabilidades",
            "ru": "Разграничение ответственности",
            "ar": "تحديد المسؤوليات",
        },
        wording={
            "en": _text(
                """
                The work of the Organisation complements, and never replaces, the duties of the
                Administration and its staff. The custody, safety, care and treatment of persons
                deprived of liberty remain the responsibility of the Administration at all times.
                Nor does the work of the Organisation replace that of the formal monitoring bodies,
                such as the national preventive mechanism or the International Committee of the Red
                Cross, whose mandates this memorandum neither limits nor transfers to the
                Organisation.

                The Organisation takes no part in decisions on security, discipline, classification
                or benefits concerning any person deprived of liberty, and holds no authority over
                persons deprived of liberty or over staff. The Administration keeps full
                responsibility for its facilities, staff and procedures, and provides the conditions
                agreed in this memorandum for the work to take place.

                Wherever possible, the Organisation shares its skills and methods with the staff of
                the Administration, so that the benefits of the work outlast the memorandum.
                """
            ),
            "es": _text(
                """
                La labor de la Organización complementa, y en ningún caso sustituye, las funciones
                de la Administración y de su personal. La custodia, la seguridad, la atención y el
                tratamiento de las personas privadas de libertad siguen siendo en todo momento
                responsabilidad de la Administración. La labor de la Organización tampoco sustituye
                la de los órganos formales de supervisión, como el mecanismo nacional de prevención
                de la tortura o el Comité Internacional de la Cruz Roja, cuyos mandatos este
                memorando no limita ni transfiere a la Organización.

                La Organización no participa en las decisiones sobre seguridad, disciplina,
                clasificación o beneficios que afecten a una persona privada de libertad, y no
                ejerce autoridad alguna sobre las personas privadas de libertad ni sobre el
                personal. La Administración conserva plena responsabilidad sobre sus centros, su
                personal y sus procedimientos, y proporciona las condiciones acordadas en este
                memorando para el desarrollo de la labor.

                En la medida de lo posible, la Organización comparte sus conocimientos y métodos con
                el personal de la Administración, a fin de que los beneficios de la labor perduren
                más allá del memorando.
                """
            ),
            "ru": _text(
                """
                Деятельность Организации дополняет, но ни в коем случае не заменяет выполнение
                обязанностей Администрации и ее персонала. Администрация во всех случаях несет
                ответственность за содержание лиц, лишенных свободы, их безопасность, обеспечение их
                потребностей и обращение с ними. Деятельность Организации также не заменяет работу
                официальных органов мониторинга, таких как национальный превентивный механизм или
                Международный комитет Красного Креста; настоящий Меморандум не ограничивает их
                мандаты и не передает их Организации.

                Организация не участвует в принятии решений по вопросам безопасности, дисциплины,
                классификации или предоставления льгот в отношении лиц, лишенных свободы, и не
                обладает какими-либо полномочиями в отношении них или персонала. Администрация в
                полной мере сохраняет ответственность за свои учреждения, персонал и порядок работы
                и обеспечивает условия, согласованные в настоящем Меморандуме, для осуществления
                деятельности.

                По мере возможности Организация передает свои знания и методы работы персоналу
                Администрации, с тем чтобы результаты деятельности сохранялись и после окончания
                срока действия Меморандума.
                """
            ),
            "ar": _text(
                """
                يُكمّل عمل المنظمة واجبات الإدارة وموظفيها ولا يحلّ محلها بأي حال. وتظل مسؤولية
                احتجاز الأشخاص المحرومين من حريتهم وسلامتهم ورعايتهم ومعاملتهم على عاتق الإدارة في
                جميع الأوقات. كما لا يحلّ عمل المنظمة محلّ عمل هيئات الرقابة الرسمية، كالآلية
                الوقائية الوطنية أو اللجنة الدولية للصليب الأحمر، ولا تقيّد هذه المذكرة ولايات تلك
                الهيئات ولا تنقلها إلى المنظمة.

                ولا تشارك المنظمة في القرارات المتعلقة بالأمن أو التأديب أو التصنيف أو الامتيازات
                الخاصة بأي شخص محروم من حريته، ولا تتمتع بأي سلطة على الأشخاص المحرومين من حريتهم أو
                على الموظفين. وتحتفظ الإدارة بكامل مسؤوليتها عن مؤسساتها وموظفيها وإجراءاتها، وتوفر
                الظروف المتفق عليها في هذه المذكرة لأداء العمل.

                وتتقاسم المنظمة، قدر الإمكان، مهاراتها وأساليب عملها مع موظفي الإدارة، بحيث تدوم
                فوائد العمل بعد انتهاء المذكرة.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.PEOPLE,
        mandatory=True,
        title={
            "en": "Persons allowed to enter",
            "es": "Personas autorizadas a ingresar",
            "ru": "Лица, допущенные к посещению",
            "ar": "الأشخاص المأذون لهم بالدخول",
        },
        wording={
            "en": _text(
                """
                Only the following persons, cleared by the Administration, may enter the facilities
                on behalf of the Organisation: {people}.

                They carry an identity document at every visit and present it at the entrance. A
                person who is not on this list, or whose clearance has expired or been withdrawn, is
                not admitted. Persons are added to or removed from the list by a people annex signed
                by both parties, without reopening the rest of the memorandum.

                The Organisation informs the Administration without delay when any of these persons
                leaves it or stops working on the activities covered by this memorandum. The
                Administration informs the Organisation in writing of any refusal or withdrawal of
                clearance, giving its reasons as far as security allows.
                """
            ),
            "es": _text(
                """
                Solo las siguientes personas, habilitadas por la Administración, pueden ingresar a
                los centros en nombre de la Organización: {people}.

                Dichas personas portan un documento de identidad en cada visita y lo presentan en la
                entrada. No se admite a ninguna persona que no figure en esta lista o cuya
                habilitación haya vencido o haya sido retirada. Las personas se incorporan a la
                lista o se retiran de ella mediante un anexo de personas firmado por ambas partes,
                sin necesidad de reabrir el resto del memorando.

                La Organización informa sin demora a la Administración cuando alguna de estas
                personas deja de colaborar con ella o de trabajar en las actividades comprendidas en
                este memorando. La Administración informa por escrito a la Organización de toda
                denegación o retiro de habilitación, con indicación de sus motivos en la medida en
                que la seguridad lo permita.
                """
            ),
            "ru": _text(
                """
                Посещать учреждения от имени Организации вправе только следующие лица, прошедшие
                проверку Администрации: {people}.

                При каждом посещении они имеют при себе документ, удостоверяющий личность, и
                предъявляют его на входе. Лицо, не включенное в настоящий список, а также лицо, срок
                допуска которого истек или допуск которого отозван, в учреждение не допускается.
                Лица включаются в список или исключаются из него приложением о персональном составе,
                подписанным обеими Сторонами, без пересмотра остальных положений Меморандума.

                Организация без промедления сообщает Администрации, если кто-либо из этих лиц
                прекращает сотрудничество с Организацией или работу по деятельности, предусмотренной
                настоящим Меморандумом. Администрация письменно уведомляет Организацию о каждом
                отказе в допуске или его отзыве с указанием причин в той мере, в какой это позволяют
                соображения безопасности.
                """
            ),
            "ar": _text(
                """
                لا يجوز أن يدخل المؤسسات نيابةً عن المنظمة إلا الأشخاص التالون الذين اعتمدتهم
                الإدارة بعد التدقيق: {people}.

                ويحمل هؤلاء الأشخاص وثيقة هوية في كل زيارة ويبرزونها عند المدخل. ولا يُسمح بدخول أي
                شخص غير مدرج في هذه القائمة أو انتهت صلاحية اعتماده أو سُحب اعتماده. وتتم إضافة
                الأشخاص إلى القائمة أو حذفهم منها بموجب ملحق خاص بالأشخاص يوقّعه الطرفان، دون إعادة
                فتح باقي أحكام المذكرة.

                وتُبلغ المنظمةُ الإدارةَ دون تأخير إذا انتهى تعاون أيٍّ من هؤلاء الأشخاص معها أو
                توقف عن العمل في الأنشطة المشمولة بهذه المذكرة. وتُبلغ الإدارةُ المنظمةَ كتابياً بأي
                رفض للاعتماد أو سحب له، مع بيان الأسباب بالقدر الذي تسمح به متطلبات الأمن.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.SCHEDULE,
        mandatory=True,
        title={
            "en": "Days, hours and frequency of access",
            "es": "Días, horario y frecuencia de ingreso",
            "ru": "Дни, часы и периодичность посещений",
            "ar": "أيام الدخول ومواعيده وتواتره",
        },
        wording={
            "en": _text(
                """
                Visits take place on the following days: {weekdays}. Visiting hours: {hours}.

                The number of visits shall not exceed {visits_per_week} in any week or
                {visits_per_month} in any calendar month.

                Each visit is requested in advance through the Administration's system, naming the
                persons, the facility and the activity. The Administration may postpone a visit
                because of a serious incident, an emergency or a pressing security need; it then
                informs the Organisation of the reason as soon as circumstances allow and proposes
                another date. Postponements are not used to prevent the work agreed in this
                memorandum.
                """
            ),
            "es": _text(
                """
                Las visitas se realizan en los siguientes días: {weekdays}. Horario de visita:
                {hours}.

                El número de visitas no excederá de {visits_per_week} por semana ni de
                {visits_per_month} por mes calendario.

                Cada visita se solicita con antelación a través del sistema de la Administración,
                indicando las personas, el centro y la actividad. La Administración puede aplazar
                una visita por un incidente grave, una emergencia o una necesidad de seguridad
                apremiante; en tal caso, comunica el motivo a la Organización tan pronto como las
                circunstancias lo permitan y propone una nueva fecha. Los aplazamientos no se
                utilizan para impedir la labor acordada en este memorando.
                """
            ),
            "ru": _text(
                """
                Посещения осуществляются в следующие дни: {weekdays}. Время посещений: {hours}.

                Число посещений не может превышать {visits_per_week} в неделю и {visits_per_month} в
                календарный месяц.

                О каждом посещении Организация заблаговременно подает заявку через систему
                Администрации с указанием лиц, учреждения и вида деятельности. Администрация вправе
                перенести посещение в связи с серьезным происшествием, чрезвычайной ситуацией или
                неотложными требованиями безопасности; в этом случае она сообщает Организации
                причину, как только позволят обстоятельства, и предлагает другую дату. Перенос
                посещений не используется для воспрепятствования деятельности, согласованной в
                настоящем Меморандуме.
                """
            ),
            "ar": _text(
                """
                تتم الزيارات في الأيام التالية: {weekdays}. وتكون مواعيد الزيارات كما يلي: {hours}.

                ولا يتجاوز عدد الزيارات {visits_per_week} في الأسبوع الواحد، ولا {visits_per_month}
                في الشهر الواحد.

                وتُقدَّم طلبات الزيارة مسبقاً عبر نظام الإدارة، مع بيان الأشخاص والمؤسسة والنشاط.
                ويجوز للإدارة تأجيل زيارة بسبب حادث خطير أو حالة طوارئ أو ضرورة أمنية ملحّة؛ وفي هذه
                الحالة تُبلغ المنظمة بالسبب في أقرب وقت تسمح به الظروف وتقترح موعداً آخر. ولا
                يُستخدم التأجيل وسيلةً لمنع العمل المتفق عليه في هذه المذكرة.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.CONDUCT,
        mandatory=True,
        title={
            "en": "How to proceed inside",
            "es": "Procedimiento dentro de los centros",
            "ru": "Порядок пребывания в учреждениях",
            "ar": "إجراءات الدخول وقواعد السلوك داخل المؤسسات",
        },
        wording={
            "en": _text(
                """
                On arrival, the persons named in this memorandum report to the entrance of the
                facility, show their identity document and undergo the same security checks as other
                visitors. Searches are carried out by trained staff, with respect for the privacy
                and dignity of the person searched. Before the first visit, the Administration
                receives the Organisation's representatives at the entrance to explain its security
                rules and what to do in an emergency.

                Inside the facility, the Organisation's representatives are {escort}.

                They follow the instructions of staff on matters of security, wear the
                identification they are given and do not pass any object, money or message to or
                from a person deprived of liberty except as this memorandum allows. They treat
                persons deprived of liberty and staff with respect and without discrimination, and
                do not interfere in the running of the facility. Any incident is reported to the
                officer in charge before they leave.
                """
            ),
            "es": _text(
                """
                A su llegada, las personas nombradas en este memorando se presentan en la entrada
                del centro, muestran su documento de identidad y se someten a los mismos controles
                de seguridad que las demás personas visitantes. Las requisas las realiza personal
                capacitado, con respeto a la intimidad y la dignidad de la persona requisada. Antes
                de la primera visita, la Administración recibe en la entrada a las personas
                representantes de la Organización para explicarles sus normas de seguridad y cómo
                actuar en caso de emergencia.

                Régimen de acompañamiento dentro del centro: {escort}.

                Las personas representantes de la Organización siguen las instrucciones del personal
                en materia de seguridad, portan la identificación que se les entregue y no entregan
                objetos, dinero ni mensajes a una persona privada de libertad, ni los reciben de
                ella, salvo en la medida en que este memorando lo permita. Tratan a las personas
                privadas de libertad y al personal con respeto y sin discriminación, y no
                interfieren en el funcionamiento del centro. Todo incidente se comunica a la persona
                encargada del centro antes de salir.
                """
            ),
            "ru": _text(
                """
                По прибытии лица, указанные в настоящем Меморандуме, обращаются на
                контрольно-пропускной пункт учреждения, предъявляют документ, удостоверяющий
                личность, и проходят такой же досмотр, как и другие посетители. Досмотр проводится
                обученным персоналом с уважением к частной жизни и достоинству досматриваемого лица.
                Перед первым посещением Администрация встречает представителей Организации на входе,
                чтобы разъяснить правила безопасности и порядок действий в чрезвычайной ситуации.

                Порядок сопровождения в учреждении: {escort}.

                Представители Организации выполняют указания персонала по вопросам безопасности,
                носят выданные им опознавательные знаки и не передают лицам, лишенным свободы, и не
                получают от них никаких предметов, денег или сообщений, кроме случаев,
                предусмотренных настоящим Меморандумом. Они относятся к лицам, лишенным свободы, и к
                персоналу уважительно и без какой-либо дискриминации и не вмешиваются в работу
                учреждения. О любом происшествии они сообщают ответственному должностному лицу
                учреждения до выхода из него.
                """
            ),
            "ar": _text(
                """
                عند الوصول، يتوجه الأشخاص المسمَّون في هذه المذكرة إلى مدخل المؤسسة، ويبرزون وثائق
                هويتهم، ويخضعون لإجراءات التفتيش الأمني ذاتها التي يخضع لها سائر الزوار. ويتولى
                التفتيشَ موظفون مدرَّبون، مع احترام خصوصية الشخص الذي يجري تفتيشه وكرامته. وقبل
                الزيارة الأولى، تستقبل الإدارة ممثلي المنظمة عند المدخل لشرح قواعدها الأمنية وما يجب
                فعله في حالات الطوارئ.

                نظام المرافقة داخل المؤسسة: {escort}.

                ويتّبع ممثلو المنظمة تعليمات الموظفين في المسائل الأمنية، ويضعون بطاقات التعريف التي
                تُسلَّم إليهم، ولا يسلّمون أي شيء أو مال أو رسالة إلى شخص محروم من حريته ولا يتسلمون
                منه شيئاً من ذلك، إلا في الحدود التي تسمح بها هذه المذكرة. ويعاملون الأشخاص
                المحرومين من حريتهم والموظفين باحترام ودون تمييز، ولا يتدخلون في إدارة المؤسسة.
                ويُبلَّغ الموظف المسؤول عن أي حادث قبل المغادرة.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.ACTIVITIES,
        mandatory=True,
        title={
            "en": "Permitted activities",
            "es": "Actividades autorizadas",
            "ru": "Разрешенная деятельность",
            "ar": "الأنشطة المسموح بها",
        },
        wording={
            "en": _text(
                """
                The Organisation may carry out the following activities in the facilities:
                {activities}. Taking part in them is voluntary for persons deprived of liberty.

                Private interviews with persons deprived of liberty: {private_interviews}. Where
                they are allowed, they take place within sight but out of hearing of staff. No one
                is punished or otherwise disadvantaged for having spoken to the Organisation or
                taken part in its activities.

                Photographs: {photographs}. Where they are allowed, no person is photographed
                without their informed consent, and no picture shows security installations.

                Equipment that may be brought in: {equipment}. Any other item is declared and left
                at the entrance.
                """
            ),
            "es": _text(
                """
                La Organización puede realizar las siguientes actividades en los centros:
                {activities}. La participación en ellas es voluntaria para las personas privadas de
                libertad.

                Entrevistas en privado con personas privadas de libertad: {private_interviews}.
                Cuando estén autorizadas, se realizan a la vista del personal, pero fuera de su
                alcance auditivo. Ninguna persona puede ser sancionada ni perjudicada de ningún modo
                por haber hablado con la Organización o participado en sus actividades.

                Fotografías: {photographs}. Cuando estén autorizadas, no se fotografía a ninguna
                persona sin su consentimiento informado, y ninguna imagen muestra instalaciones de
                seguridad.

                Equipos que se permite ingresar: {equipment}. Cualquier otro objeto se declara y se
                deja en la entrada.
                """
            ),
            "ru": _text(
                """
                Организация вправе осуществлять в учреждениях следующую деятельность: {activities}.
                Участие лиц, лишенных свободы, в этой деятельности является добровольным.

                Конфиденциальные беседы с лицами, лишенными свободы: {private_interviews}. Если
                такие беседы разрешены, они проводятся в пределах видимости, но вне пределов
                слышимости персонала. Никто не может быть подвергнут наказанию или иному ущемлению
                за беседу с представителями Организации или участие в ее деятельности.

                Фотосъемка: {photographs}. Если фотосъемка разрешена, людей фотографируют только с
                их информированного согласия, а средства обеспечения безопасности не снимаются.

                Оборудование, разрешенное к проносу: {equipment}. Любые иные предметы декларируются
                и оставляются на входе.
                """
            ),
            "ar": _text(
                """
                يجوز للمنظمة أن تمارس الأنشطة التالية في المؤسسات: {activities}. وتكون مشاركة
                الأشخاص المحرومين من حريتهم فيها طوعية.

                المقابلات الخاصة مع الأشخاص المحرومين من حريتهم: {private_interviews}. وفي حال
                السماح بها، تُجرى على مرأى من الموظفين ولكن بعيداً عن مسمعهم. ولا يجوز معاقبة أي شخص
                أو الإضرار به بأي شكل بسبب تحدثه إلى المنظمة أو مشاركته في أنشطتها.

                التصوير الفوتوغرافي: {photographs}. وفي حال السماح به، لا يُصوَّر أي شخص دون موافقته
                المستنيرة، ولا تُظهر أي صورة المنشآت أو التجهيزات الأمنية.

                المعدات المسموح بإدخالها: {equipment}. ويُصرَّح عن أي غرض آخر ويُترك عند المدخل.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.OFF_LIMITS,
        mandatory=True,
        title={
            "en": "Areas off limits",
            "es": "Áreas de acceso prohibido",
            "ru": "Зоны, закрытые для посещения",
            "ar": "المناطق المحظور دخولها",
        },
        wording={
            "en": _text(
                """
                Areas open to the Organisation's representatives: {permitted_areas}.

                Areas off limits: {forbidden_areas}. The Organisation's representatives do not enter
                these areas under this memorandum, and no permission given on the day of a visit
                extends to them.

                Any other area may be entered only with the permission of the officer in charge of
                the facility on the day, and accompanied by staff. The Administration may close an
                area temporarily for reasons of security; it tells the representatives on arrival
                and, if the closure prevents an agreed activity, proposes another date or place.
                """
            ),
            "es": _text(
                """
                Áreas abiertas a las personas representantes de la Organización: {permitted_areas}.

                Áreas de acceso prohibido: {forbidden_areas}. Las personas representantes de la
                Organización no ingresan a estas áreas en virtud de este memorando, y ninguna
                autorización concedida el día de una visita se extiende a ellas.

                Solo se puede ingresar a cualquier otra área con la autorización de la persona
                encargada del centro ese día y en compañía del personal. La Administración puede
                cerrar temporalmente un área por razones de seguridad; lo comunica a las personas
                representantes a su llegada y, si el cierre impide una actividad acordada, propone
                otra fecha u otro lugar.
                """
            ),
            "ru": _text(
                """
                Зоны, открытые для представителей Организации: {permitted_areas}.

                Зоны, закрытые для посещения: {forbidden_areas}. Представители Организации не
                посещают эти зоны в рамках настоящего Меморандума, и никакое разрешение, выданное в
                день посещения, на них не распространяется.

                Вход в любые иные зоны допускается только с разрешения ответственного должностного
                лица учреждения в этот день и в сопровождении персонала. Администрация вправе
                временно закрыть зону по соображениям безопасности; она сообщает об этом
                представителям Организации по их прибытии и, если закрытие препятствует
                согласованной деятельности, предлагает другую дату или другое место.
                """
            ),
            "ar": _text(
                """
                المناطق المفتوحة لممثلي المنظمة: {permitted_areas}.

                المناطق المحظور دخولها: {forbidden_areas}. ولا يدخل ممثلو المنظمة هذه المناطق بموجب
                هذه المذكرة، ولا يشملها أي إذن يُمنح في يوم الزيارة.

                ولا يجوز دخول أي منطقة أخرى إلا بإذن من الموظف المسؤول عن المؤسسة في ذلك اليوم
                وبمرافقة الموظفين. ويجوز للإدارة إغلاق منطقة ما مؤقتاً لأسباب أمنية، على أن تُبلغ
                الممثلين بذلك عند وصولهم، وأن تقترح موعداً أو مكاناً آخر إذا حال الإغلاق دون تنفيذ
                نشاط متفق عليه.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.CONFIDENTIALITY,
        mandatory=True,
        title={
            "en": "Confidentiality and use of information",
            "es": "Confidencialidad y uso de la información",
            "ru": "Конфиденциальность и использование информации",
            "ar": "السرية واستخدام المعلومات",
        },
        wording={
            "en": _text(
                """
                The Organisation submits every report and recommendation arising from its work in
                the facilities to the Administration, and discusses it with the Administration,
                before publishing it or sharing it with third parties. The Administration has
                {response_days} days from receiving a report to respond in writing or to meet the
                Organisation about it. The Organisation takes the Administration's comments into
                account, corrects any error of fact and, if the Administration asks, includes its
                response in the published report.

                If the Administration does not respond or does not engage in that dialogue within
                that period, the Organisation may use the information freely, including by
                publishing it.

                In every case, the Organisation does not disclose the identity of any person
                deprived of liberty or member of staff without their informed consent, nor any
                information that could endanger a person's safety, expose anyone to reprisals or
                compromise the security of a facility. Personal data are handled in accordance with
                the law on data protection.

                Nothing in this clause prevents the Organisation from reporting at once a risk to a
                person's life or physical integrity to the Administration and the competent
                authorities, or from addressing the bodies mandated to receive complaints of
                misconduct.
                """
            ),
            "es": _text(
                """
                La Organización somete a la Administración todo informe y toda recomendación
                derivados de su labor en los centros, y los examina con ella, antes de publicarlos o
                compartirlos con terceros. La Administración dispone de un plazo de {response_days}
                días, contados a partir de la recepción de un informe, para responder por escrito o
                reunirse con la Organización al respecto. La Organización toma en cuenta las
                observaciones de la Administración, corrige cualquier error de hecho y, si la
                Administración lo solicita, incluye su respuesta en el informe publicado.

                Si la Administración no responde o no participa en dicho diálogo dentro de ese
                plazo, la Organización puede hacer libre uso de la información, incluso
                publicándola.

                En todo caso, la Organización no divulga sin su consentimiento informado la
                identidad de ninguna persona privada de libertad ni de ningún miembro del personal,
                ni información alguna que pueda poner en peligro la seguridad de una persona,
                exponer a alguien a represalias o comprometer la seguridad de un centro. Los datos
                personales se tratan conforme a la legislación sobre protección de datos.

                Nada de lo dispuesto en esta cláusula impide a la Organización comunicar de
                inmediato a la Administración y a las autoridades competentes un riesgo para la vida
                o la integridad física de una persona, ni dirigirse a los órganos facultados para
                recibir denuncias por conducta indebida.
                """
            ),
            "ru": _text(
                """
                Организация представляет Администрации каждый доклад и каждую рекомендацию,
                подготовленные по итогам своей деятельности в учреждениях, и обсуждает их с
                Администрацией до опубликования или передачи третьим лицам. Срок для ответа
                Администрации (в днях со дня получения доклада): {response_days}. В течение этого
                срока Администрация вправе дать письменный ответ или провести встречу с Организацией
                по докладу. Организация учитывает замечания Администрации, исправляет фактические
                ошибки и по просьбе Администрации включает ее ответ в публикуемый доклад.

                Если Администрация не отвечает или не вступает в такой диалог в течение указанного
                срока, Организация вправе свободно использовать информацию, в том числе путем ее
                опубликования.

                Во всех случаях Организация не раскрывает без информированного согласия личность
                лиц, лишенных свободы, или сотрудников, а также любую информацию, раскрытие которой
                может создать угрозу безопасности человека, подвергнуть кого-либо преследованию или
                поставить под угрозу безопасность учреждения. Персональные данные обрабатываются в
                соответствии с законодательством о защите персональных данных.

                Ничто в настоящем положении не препятствует Организации незамедлительно сообщать
                Администрации и компетентным органам об угрозе жизни или физической
                неприкосновенности человека, а также обращаться в органы, уполномоченные
                рассматривать жалобы на ненадлежащее поведение должностных лиц.
                """
            ),
            "ar": _text(
                """
                تعرض المنظمة على الإدارة كل تقرير وكل توصية ناتجة عن عملها في المؤسسات، وتناقشها
                معها، قبل نشرها أو إطلاع أي طرف ثالث عليها. مهلة رد الإدارة (بالأيام، اعتباراً من
                تاريخ تسلّم التقرير): {response_days}. وخلال هذه المهلة، يجوز للإدارة أن ترد كتابياً
                أو أن تجتمع بالمنظمة بشأن التقرير. وتأخذ المنظمة ملاحظات الإدارة بعين الاعتبار،
                وتصحح أي خطأ في الوقائع، وتُدرج رد الإدارة في التقرير المنشور إذا طلبت الإدارة ذلك.

                وإذا لم ترد الإدارة أو لم تنخرط في هذا الحوار خلال تلك المهلة، جاز للمنظمة أن تستخدم
                المعلومات بحرية، بما في ذلك نشرها.

                وفي جميع الأحوال، لا تكشف المنظمة هوية أي شخص محروم من حريته أو أي موظف دون موافقته
                المستنيرة، ولا أي معلومات قد تعرّض سلامة أي شخص للخطر أو تعرّض أحداً للانتقام أو
                تمسّ أمن المؤسسة. وتُعالَج البيانات الشخصية وفقاً للقانون المتعلق بحماية البيانات.

                وليس في هذا البند ما يمنع المنظمة من أن تُبلغ الإدارةَ والسلطات المختصة فوراً بأي
                خطر يهدد حياة شخص أو سلامته الجسدية، أو من أن تلجأ إلى الهيئات المخوّلة بتلقي
                الشكاوى المتعلقة بسوء السلوك.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.CONTINUITY,
        mandatory=False,
        title={
            "en": "Continuity plan",
            "es": "Plan de continuidad",
            "ru": "План обеспечения непрерывности",
            "ar": "خطة الاستمرارية",
        },
        wording={
            "en": _text(
                """
                So that persons deprived of liberty are not left without services they have begun to
                receive, the Organisation presents to the Administration a continuity plan by the
                date set among the obligations of this memorandum. The plan states how long the
                Organisation commits to the activities, who will replace staff or volunteers who
                leave, and how each activity will be handed over or brought to an orderly close if
                it has to end.

                The Organisation informs the Administration without delay of any risk that an
                activity may be interrupted. Neither party ends an activity in progress without
                prior notice to the other, except where security requires it.
                """
            ),
            "es": _text(
                """
                Para que las personas privadas de libertad no queden sin los servicios que han
                comenzado a recibir, la Organización presenta a la Administración un plan de
                continuidad a más tardar en la fecha fijada entre las obligaciones de este
                memorando. El plan indica por cuánto tiempo se compromete la Organización con las
                actividades, quién sustituirá al personal o a las personas voluntarias que se
                retiren, y cómo se traspasará o concluirá ordenadamente cada actividad si debe
                terminar.

                La Organización informa sin demora a la Administración de todo riesgo de
                interrupción de una actividad. Ninguna de las partes pone fin a una actividad en
                curso sin aviso previo a la otra, salvo cuando la seguridad lo exija.
                """
            ),
            "ru": _text(
                """
                Чтобы лица, лишенные свободы, не остались без услуг, которые они начали получать,
                Организация представляет Администрации план обеспечения непрерывности не позднее
                даты, установленной в перечне обязательств по настоящему Меморандуму. В плане
                указываются срок, на который Организация принимает на себя обязательства по
                осуществлению деятельности, порядок замены выбывающих сотрудников или добровольцев,
                а также порядок передачи или упорядоченного завершения каждого вида деятельности в
                случае ее прекращения.

                Организация без промедления сообщает Администрации о любом риске прерывания
                деятельности. Ни одна из Сторон не прекращает осуществляемую деятельность без
                предварительного уведомления другой Стороны, за исключением случаев, когда этого
                требуют соображения безопасности.
                """
            ),
            "ar": _text(
                """
                حرصاً على ألا يُحرم الأشخاص المحرومون من حريتهم من الخدمات التي بدأوا في تلقيها،
                تقدّم المنظمة إلى الإدارة خطةً للاستمرارية في موعد أقصاه التاريخ المحدد ضمن التزامات
                هذه المذكرة. وتبيّن الخطة المدة التي تلتزم فيها المنظمة بالأنشطة، ومن سيحل محل
                الموظفين أو المتطوعين الذين يغادرون، وكيفية تسليم كل نشاط أو إنهائه بصورة منظمة إذا
                تعيّن إنهاؤه.

                وتُبلغ المنظمة الإدارة دون تأخير بأي خطر قد يؤدي إلى انقطاع نشاط ما. ولا يُنهي أيٌّ
                من الطرفين نشاطاً جارياً دون إشعار مسبق للطرف الآخر، إلا إذا اقتضت ذلك دواعي الأمن.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.FUNDRAISING,
        mandatory=False,
        title={
            "en": "Joint fundraising plan",
            "es": "Plan conjunto de recaudación de fondos",
            "ru": "Совместный план привлечения средств",
            "ar": "خطة مشتركة لجمع الأموال",
        },
        wording={
            "en": _text(
                """
                The Organisation presents to the Administration, by the date set among the
                obligations of this memorandum, a fundraising plan showing how the activities
                covered by this memorandum will be financed for their whole duration, so that they
                are not interrupted for lack of funds. The parties may seek funds together for those
                activities.

                No funds are sought or accepted in the name of the Administration without its
                written consent, and no donation gives the donor any right of access or any
                influence over the work. The Organisation accounts to the Administration, on
                request, for the funds raised for these activities. No payment or gift is asked of
                persons deprived of liberty or their families for taking part in any activity.
                """
            ),
            "es": _text(
                """
                La Organización presenta a la Administración, a más tardar en la fecha fijada entre
                las obligaciones de este memorando, un plan de recaudación de fondos que muestre
                cómo se financiarán las actividades comprendidas en este memorando durante toda su
                duración, de modo que no se interrumpan por falta de recursos. Las partes pueden
                gestionar fondos conjuntamente para dichas actividades.

                No se solicitan ni se aceptan fondos en nombre de la Administración sin su
                consentimiento por escrito, y ninguna donación otorga a quien la realiza derecho de
                acceso alguno ni influencia sobre la labor. La Organización rinde cuentas a la
                Administración, cuando esta lo solicite, de los fondos recaudados para estas
                actividades. No se pide pago ni obsequio alguno a las personas privadas de libertad
                ni a sus familias por participar en una actividad.
                """
            ),
            "ru": _text(
                """
                Организация представляет Администрации не позднее даты, установленной в перечне
                обязательств по настоящему Меморандуму, план привлечения средств, показывающий, за
                счет каких источников деятельность, предусмотренная настоящим Меморандумом, будет
                финансироваться в течение всего срока ее осуществления, с тем чтобы она не
                прерывалась из-за нехватки средств. Стороны вправе совместно привлекать средства для
                этой деятельности.

                Средства от имени Администрации не запрашиваются и не принимаются без ее письменного
                согласия, и никакое пожертвование не дает жертвователю права доступа или возможности
                влиять на деятельность. Организация по запросу Администрации отчитывается перед ней
                о средствах, привлеченных для этой деятельности. С лиц, лишенных свободы, и их семей
                не взимается никакая плата и не принимаются подарки за участие в какой-либо
                деятельности.
                """
            ),
            "ar": _text(
                """
                تقدّم المنظمة إلى الإدارة، في موعد أقصاه التاريخ المحدد ضمن التزامات هذه المذكرة،
                خطةً لجمع الأموال تبيّن كيفية تمويل الأنشطة المشمولة بهذه المذكرة طوال مدتها، بحيث
                لا تنقطع لنقص الموارد. ويجوز للطرفين السعي معاً إلى الحصول على التمويل لهذه الأنشطة.

                ولا يجوز طلب أموال أو قبولها باسم الإدارة دون موافقتها الكتابية، ولا يمنح أي تبرع
                صاحبَه أي حق في الدخول أو أي تأثير على العمل. وتقدّم المنظمة إلى الإدارة، بناءً على
                طلبها، بياناً بالأموال التي جُمعت لهذه الأنشطة. ولا يُطلب من الأشخاص المحرومين من
                حريتهم أو من أسرهم أي مبلغ أو هدية مقابل المشاركة في أي نشاط.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.UNIVERSAL_ACCESS,
        mandatory=False,
        title={
            "en": "Universal access to faith-based services",
            "es": "Acceso universal a los servicios basados en la fe",
            "ru": "Всеобщий доступ к услугам религиозных организаций",
            "ar": "إتاحة خدمات المنظمات الدينية للجميع",
        },
        wording={
            "en": _text(
                """
                The services of the Organisation are open to every person deprived of liberty in the
                facilities concerned who wishes to take part, whatever their religion or belief, and
                whether or not they have one.

                No one is required to take part in worship, to receive religious instruction or to
                change their religion or belief as a condition of receiving any service, and no one
                is favoured or disadvantaged because of their religion or belief or for declining to
                take part. Acts of worship are offered only to those who ask to attend them,
                separately from the other services.

                The Organisation respects the right of every person deprived of liberty to practise
                their own religion and to receive visits from a representative of their own faith,
                and does not hinder the exercise of that right.
                """
            ),
            "es": _text(
                """
                Los servicios de la Organización están abiertos a toda persona privada de libertad
                de los centros comprendidos que desee participar en ellos, cualquiera que sea su
                religión o creencia, y tenga o no alguna.

                No se exige a nadie participar en actos de culto, recibir instrucción religiosa ni
                cambiar de religión o creencia como condición para recibir un servicio, y ninguna
                persona recibe trato de favor ni sufre perjuicio alguno por su religión o creencia
                ni por negarse a participar. Los actos de culto se ofrecen únicamente a quienes
                soliciten asistir a ellos, separados de los demás servicios.

                La Organización respeta el derecho de toda persona privada de libertad a practicar
                su propia religión y a recibir la visita de una persona representante de su fe, y no
                obstaculiza el ejercicio de ese derecho.
                """
            ),
            "ru": _text(
                """
                Услуги Организации доступны всем лицам, лишенным свободы, в соответствующих
                учреждениях, которые желают в них участвовать, независимо от вероисповедания или
                убеждений, в том числе при отсутствии таковых.

                Ни от кого не требуется участвовать в богослужениях, получать религиозное
                наставление или менять свою религию или убеждения в качестве условия получения
                какой-либо услуги, и никто не получает преимуществ и не ставится в невыгодное
                положение из-за своей религии или убеждений либо из-за отказа от участия.
                Богослужения проводятся только для тех, кто желает на них присутствовать, отдельно
                от других услуг.

                Организация уважает право каждого лица, лишенного свободы, исповедовать свою религию
                и принимать посещения представителя своей веры и не препятствует осуществлению этого
                права.
                """
            ),
            "ar": _text(
                """
                تُتاح خدمات المنظمة لكل شخص محروم من حريته في المؤسسات المعنية يرغب في المشاركة
                فيها، أياً كان دينه أو معتقده، وسواء أكان له دين أو معتقد أم لا.

                ولا يُلزَم أي شخص بالمشاركة في الشعائر الدينية أو بتلقي التعليم الديني أو بتغيير
                دينه أو معتقده شرطاً للحصول على أي خدمة، ولا يُفضَّل أي شخص على غيره ولا يلحق به أي
                ضرر بسبب دينه أو معتقده أو امتناعه عن المشاركة. ولا تُقام الشعائر الدينية إلا لمن
                يطلب حضورها، وبمعزل عن الخدمات الأخرى.

                وتحترم المنظمة حق كل شخص محروم من حريته في ممارسة شعائر دينه وفي تلقي زيارة ممثل عن
                دينه، ولا تعيق ممارسة هذا الحق.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.TERM,
        mandatory=True,
        title={
            "en": "Term and renewal",
            "es": "Vigencia y renovación",
            "ru": "Срок действия и продление",
            "ar": "مدة السريان والتجديد",
        },
        wording={
            "en": _text(
                """
                This memorandum takes effect on {valid_from} and remains in force until
                {valid_until} inclusive, for as long as the Organisation's accreditation with the
                Administration is in force. If that accreditation is suspended, the access granted
                by this memorandum is suspended with it; if the accreditation is withdrawn or
                expires, the memorandum ends on the same day.

                The memorandum may be renewed by a new memorandum agreed and signed by both parties.
                The parties begin talks on renewal in good time before the end of the term, taking
                into account the results of the work done and the continuity of the activities in
                progress.
                """
            ),
            "es": _text(
                """
                El presente memorando entra en vigor el {valid_from} y permanece vigente hasta el
                {valid_until} inclusive, mientras esté vigente la acreditación de la Organización
                ante la Administración. Si dicha acreditación se suspende, el acceso otorgado por
                este memorando queda suspendido con ella; si la acreditación se revoca o vence, el
                memorando termina el mismo día.

                El memorando puede renovarse mediante un nuevo memorando acordado y firmado por
                ambas partes. Las partes inician las conversaciones sobre la renovación con
                suficiente antelación al término de la vigencia, teniendo en cuenta los resultados
                de la labor realizada y la continuidad de las actividades en curso.
                """
            ),
            "ru": _text(
                """
                Настоящий Меморандум вступает в силу {valid_from} и действует по {valid_until}
                включительно при условии, что аккредитация Организации у Администрации остается в
                силе. В случае приостановления аккредитации доступ, предоставленный настоящим
                Меморандумом, приостанавливается одновременно с ней; в случае отзыва аккредитации
                или истечения ее срока действие Меморандума прекращается в тот же день.

                Меморандум может быть продлен путем заключения нового меморандума, согласованного и
                подписанного обеими Сторонами. Стороны заблаговременно до истечения срока действия
                Меморандума начинают переговоры о его продлении с учетом результатов проделанной
                работы и необходимости обеспечить непрерывность осуществляемой деятельности.
                """
            ),
            "ar": _text(
                """
                تسري هذه المذكرة اعتباراً من {valid_from} وتظل نافذة حتى {valid_until} ضمناً، ما دام
                اعتماد المنظمة لدى الإدارة سارياً. فإذا عُلّق هذا الاعتماد، عُلّق معه الدخول الممنوح
                بموجب هذه المذكرة؛ وإذا سُحب الاعتماد أو انتهت مدته، انتهت المذكرة في اليوم نفسه.

                ويجوز تجديد المذكرة بمذكرة جديدة يتفق عليها الطرفان ويوقعانها. ويبدأ الطرفان
                المباحثات بشأن التجديد في وقت مناسب قبل انتهاء المدة، مع مراعاة نتائج العمل المنجز
                واستمرارية الأنشطة الجارية.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.AMENDMENT,
        mandatory=True,
        title={
            "en": "Amendment",
            "es": "Modificación",
            "ru": "Внесение изменений",
            "ar": "التعديل",
        },
        wording={
            "en": _text(
                """
                This memorandum may be amended only in writing, by an amendment agreed and signed by
                both parties in the same way as the memorandum itself. Until the amendment is
                signed, the memorandum continues to apply as signed.

                Either party may propose an amendment at any time, stating its reasons; the other
                party answers within a reasonable time. Changes to the list of persons allowed to
                enter are made by a people annex signed by both parties, without amending the rest
                of the memorandum.
                """
            ),
            "es": _text(
                """
                El presente memorando solo puede modificarse por escrito, mediante una enmienda
                acordada y firmada por ambas partes en la misma forma que el propio memorando.
                Mientras la enmienda no se firme, el memorando sigue aplicándose en los términos en
                que fue firmado.

                Cualquiera de las partes puede proponer una enmienda en cualquier momento,
                exponiendo sus motivos; la otra parte responde en un plazo razonable. Los cambios en
                la lista de personas autorizadas a ingresar se realizan mediante un anexo de
                personas firmado por ambas partes, sin modificar el resto del memorando.
                """
            ),
            "ru": _text(
                """
                Изменения в настоящий Меморандум вносятся только в письменной форме путем заключения
                дополнения, согласованного и подписанного обеими Сторонами в том же порядке, что и
                сам Меморандум. До подписания дополнения Меморандум продолжает применяться в
                подписанной редакции.

                Каждая из Сторон вправе в любое время предложить изменение с указанием его
                оснований; другая Сторона дает ответ в разумный срок. Изменения в список лиц,
                допущенных к посещению, вносятся приложением о персональном составе, подписанным
                обеими Сторонами, без изменения остальных положений Меморандума.
                """
            ),
            "ar": _text(
                """
                لا يجوز تعديل هذه المذكرة إلا كتابةً، بموجب تعديل يتفق عليه الطرفان ويوقعانه
                بالطريقة ذاتها التي وُقّعت بها المذكرة. وإلى أن يُوقَّع التعديل، تظل المذكرة سارية
                بالصيغة التي وُقّعت بها.

                ويجوز لأي من الطرفين أن يقترح تعديلاً في أي وقت، مع بيان أسبابه، ويرد الطرف الآخر
                خلال مدة معقولة. وتُجرى التغييرات على قائمة الأشخاص المأذون لهم بالدخول بموجب ملحق
                خاص بالأشخاص يوقّعه الطرفان، دون تعديل باقي أحكام المذكرة.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.TERMINATION,
        mandatory=True,
        title={
            "en": "Suspension and termination",
            "es": "Suspensión y terminación",
            "ru": "Приостановление и прекращение действия",
            "ar": "التعليق والإنهاء",
        },
        wording={
            "en": _text(
                """
                The Administration may suspend the access of a person, or all access under this
                memorandum, with immediate effect where there is a serious risk to security or a
                serious breach of its terms. It informs the Organisation of the reasons in writing
                without delay, and the Organisation may ask for the decision to be reviewed. A
                suspension lasts only as long as its cause.

                Either party may terminate this memorandum by written notice to the other, stating
                its reasons, after first seeking to resolve the difficulty through dialogue.
                Suspension or withdrawal of the Organisation's accreditation suspends or ends this
                memorandum at the same time.

                No suspension or termination is used in response to a report or recommendation made
                in good faith under this memorandum. On termination, the parties bring the
                activities in progress to an orderly close, following the continuity plan where
                there is one, and the obligations of confidentiality continue to apply to the
                information gathered during the term.
                """
            ),
            "es": _text(
                """
                La Administración puede suspender el acceso de una persona, o todo acceso en virtud
                de este memorando, con efecto inmediato cuando exista un riesgo grave para la
                seguridad o un incumplimiento grave de sus términos. Comunica sin demora y por
                escrito los motivos a la Organización, que puede solicitar la revisión de la
                decisión. La suspensión dura solo mientras persista su causa.

                Cualquiera de las partes puede dar por terminado este memorando mediante
                notificación escrita a la otra, con expresión de sus motivos, tras haber procurado
                resolver la dificultad mediante el diálogo. La suspensión o la revocación de la
                acreditación de la Organización suspende o termina este memorando al mismo tiempo.

                Ninguna suspensión o terminación se utiliza como respuesta a un informe o a una
                recomendación formulados de buena fe en virtud de este memorando. A la terminación,
                las partes concluyen ordenadamente las actividades en curso, conforme al plan de
                continuidad cuando exista, y las obligaciones de confidencialidad siguen aplicándose
                a la información obtenida durante la vigencia.
                """
            ),
            "ru": _text(
                """
                Администрация вправе приостановить допуск отдельного лица или любой доступ по
                настоящему Меморандуму с немедленным вступлением решения в силу при наличии
                серьезной угрозы безопасности или существенного нарушения его условий. Она без
                промедления письменно сообщает Организации о причинах, и Организация вправе просить
                о пересмотре решения. Приостановление действует только до тех пор, пока сохраняется
                его причина.

                Каждая из Сторон вправе прекратить действие настоящего Меморандума путем письменного
                уведомления другой Стороны с указанием причин, предварительно попытавшись
                урегулировать затруднения путем диалога. Приостановление или отзыв аккредитации
                Организации одновременно приостанавливает или прекращает действие настоящего
                Меморандума.

                Приостановление или прекращение действия Меморандума не используется в ответ на
                доклад или рекомендацию, представленные добросовестно в рамках настоящего
                Меморандума. При прекращении действия Меморандума Стороны упорядоченно завершают
                осуществляемую деятельность, руководствуясь планом обеспечения непрерывности, если
                он имеется, а обязательства по соблюдению конфиденциальности продолжают действовать
                в отношении информации, полученной в период его действия.
                """
            ),
            "ar": _text(
                """
                يجوز للإدارة أن تعلّق دخول شخص ما، أو كل دخول بموجب هذه المذكرة، بأثر فوري إذا وُجد
                خطر جسيم على الأمن أو إخلال جسيم بأحكامها. وتُبلغ المنظمة كتابياً بالأسباب دون
                تأخير، ويجوز للمنظمة أن تطلب إعادة النظر في القرار. ولا يستمر التعليق إلا ما دام
                سببه قائماً.

                ويجوز لأي من الطرفين إنهاء هذه المذكرة بإشعار كتابي يوجهه إلى الطرف الآخر مع بيان
                أسبابه، بعد السعي أولاً إلى حل الخلاف عن طريق الحوار. ويؤدي تعليق اعتماد المنظمة أو
                سحبه إلى تعليق هذه المذكرة أو إنهائها في الوقت ذاته.

                ولا يُستخدم التعليق أو الإنهاء رداً على تقرير أو توصية قُدِّما بحسن نية بموجب هذه
                المذكرة. وعند الإنهاء، يُنهي الطرفان الأنشطة الجارية بصورة منظمة، وفقاً لخطة
                الاستمرارية إن وُجدت، وتظل التزامات السرية سارية على المعلومات التي جُمعت خلال مدة
                المذكرة.
                """
            ),
        },
    ),
    ShippedClause(
        kind=Clause.Kind.DISPUTES,
        mandatory=True,
        title={
            "en": "Settlement of disputes",
            "es": "Solución de controversias",
            "ru": "Урегулирование разногласий",
            "ar": "تسوية المنازعات",
        },
        wording={
            "en": _text(
                """
                The parties settle any disagreement about the interpretation or application of this
                memorandum through dialogue between their representatives, first at the level of the
                facility concerned and then between the head of the Administration and the head of
                the Organisation.

                If no settlement is reached within a reasonable time, the parties may agree to ask a
                mediator acceptable to both, such as the national human rights institution, to help
                them reach one. While a disagreement is being settled, each party continues to meet
                its other commitments under this memorandum.

                Nothing in this memorandum limits any right that the law grants to either party or
                to persons deprived of liberty.
                """
            ),
            "es": _text(
                """
                Las partes resuelven cualquier desacuerdo sobre la interpretación o la aplicación de
                este memorando mediante el diálogo entre sus representantes, primero en el nivel del
                centro de que se trate y luego entre las máximas autoridades de la Administración y
                de la Organización.

                Si no se alcanza una solución en un plazo razonable, las partes pueden acordar
                solicitar la ayuda de una persona o entidad mediadora aceptable para ambas, como la
                institución nacional de derechos humanos. Mientras se resuelve un desacuerdo, cada
                parte sigue cumpliendo sus demás compromisos en virtud de este memorando.

                Nada de lo dispuesto en este memorando limita derecho alguno que la ley reconozca a
                cualquiera de las partes o a las personas privadas de libertad.
                """
            ),
            "ru": _text(
                """
                Стороны урегулируют любые разногласия относительно толкования или применения
                настоящего Меморандума путем диалога между своими представителями — сначала на
                уровне соответствующего учреждения, а затем между руководителем Администрации и
                руководителем Организации.

                Если урегулирование не достигнуто в разумный срок, Стороны могут по взаимному
                согласию обратиться за содействием к посреднику, приемлемому для обеих Сторон,
                например к национальному правозащитному учреждению. На время урегулирования
                разногласий каждая из Сторон продолжает выполнять свои иные обязательства по
                настоящему Меморандуму.

                Ничто в настоящем Меморандуме не ограничивает права, предоставленные законом любой
                из Сторон или лицам, лишенным свободы.
                """
            ),
            "ar": _text(
                """
                يسوّي الطرفان أي خلاف بشأن تفسير هذه المذكرة أو تطبيقها عن طريق الحوار بين ممثليهما،
                أولاً على مستوى المؤسسة المعنية، ثم بين رئيس الإدارة ورئيس المنظمة.

                وإذا لم يتم التوصل إلى تسوية خلال مدة معقولة، يجوز للطرفين الاتفاق على الاستعانة
                بوسيط مقبول لديهما، كالمؤسسة الوطنية لحقوق الإنسان، لمساعدتهما على التوصل إليها.
                وريثما تتم تسوية الخلاف، يواصل كل طرف الوفاء بالتزاماته الأخرى بموجب هذه المذكرة.

                وليس في هذه المذكرة ما يقيّد أي حق يكفله القانون لأي من الطرفين أو للأشخاص المحرومين
                من حريتهم.
                """
            ),
        },
    ),
)

#: Every kind but universal access, in the working paper's order.
_STANDARD_KINDS = tuple(c.kind for c in CLAUSES if c.kind != Clause.Kind.UNIVERSAL_ACCESS)

#: The standard template comes first: it is the one ``install_library`` returns.
TEMPLATES: tuple[ShippedTemplate, ...] = (
    ShippedTemplate(
        name={
            "en": "Memorandum of understanding (standard)",
            "es": "Memorando de entendimiento (modelo estándar)",
            "ru": "Меморандум о взаимопонимании (типовой)",
            "ar": "مذكرة تفاهم (النموذج القياسي)",
        },
        description={
            "en": _text(
                """
                The clauses of a partnership between the administration and a civil-society
                organisation, from its purpose to the settlement of disputes. The continuity and
                joint fundraising plans are optional and may be left out in negotiation.
                """
            ),
            "es": _text(
                """
                Las cláusulas de una alianza entre la administración y una organización de la
                sociedad civil, desde su objeto hasta la solución de controversias. Los planes de
                continuidad y de recaudación conjunta de fondos son opcionales y pueden excluirse
                en la negociación.
                """
            ),
            "ru": _text(
                """
                Положения о партнерстве администрации с организацией гражданского общества — от
                предмета до урегулирования разногласий. Планы обеспечения непрерывности и
                совместного привлечения средств необязательны и могут быть исключены в ходе
                переговоров.
                """
            ),
            "ar": _text(
                """
                بنود الشراكة بين الإدارة ومنظمة من منظمات المجتمع المدني، من الغرض منها إلى تسوية
                المنازعات. وتُعدّ خطة الاستمرارية وخطة جمع الأموال المشتركة اختياريتين، ويجوز
                استبعادهما أثناء التفاوض.
                """
            ),
        },
        kinds=_STANDARD_KINDS,
    ),
    ShippedTemplate(
        name={
            "en": "Memorandum of understanding (faith-based services)",
            "es": "Memorando de entendimiento (servicios basados en la fe)",
            "ru": "Меморандум о взаимопонимании (услуги религиозных организаций)",
            "ar": "مذكرة تفاهم (خدمات المنظمات الدينية)",
        },
        description={
            "en": _text(
                """
                The standard memorandum with the clause on universal access, for faith-based
                organisations: their services are open to every person deprived of liberty,
                whatever their religion or belief.
                """
            ),
            "es": _text(
                """
                El memorando estándar con la cláusula de acceso universal, para organizaciones
                basadas en la fe: sus servicios están abiertos a toda persona privada de libertad,
                cualquiera que sea su religión o creencia.
                """
            ),
            "ru": _text(
                """
                Типовой меморандум с положением о всеобщем доступе — для религиозных организаций:
                их услуги доступны всем лицам, лишенным свободы, независимо от вероисповедания или
                убеждений.
                """
            ),
            "ar": _text(
                """
                المذكرة القياسية مع بند إتاحة الخدمات للجميع، للمنظمات الدينية: تكون خدماتها متاحة
                لكل شخص محروم من حريته أياً كان دينه أو معتقده.
                """
            ),
        },
        kinds=tuple(c.kind for c in CLAUSES),
    ),
)
