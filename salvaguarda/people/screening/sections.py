"""The questions asked of everyone they fit: gender, children, health, safety, legal situation.

Who is asked what (the age bands of questions.py):
- pregnancy, breastfeeding and "woman or girl at risk": not asked of a person recorded as male,
  nor of a child under 10;
- "the only adult caring for the children": adults only;
- sexual or gender-based violence and LGBTIQ+ identity: from 15. Below 15 a caregiver answers
  for the child, and these are things only the person may say about themselves (a caregiver
  may be the risk, and a child's identity must not be disclosed by others); 15 is also the age
  from which household surveys (MICS, DHS) interview a person for themselves. Violence against
  a younger child is asked as "a child at risk" (violence, abuse, exploitation);
- a child (under 18) is asked whom they travel with (DOMAIN.md 3.5); an adult is asked about
  the children of the group;
- strong emotional distress: adults and children of 2 to 4 (from 5 the Child Functioning
  Module asks how often the child seems very anxious or very sad); never of a baby.
"""

from django.utils.translation import gettext_lazy as _

from salvaguarda.people.screening.questions import (
    ADULTS,
    CHILDREN,
    FROM_10,
    FROM_15,
    NO,
    NOT_MALE,
    SKIP_OPTION,
    UNKNOWN,
    YES,
    AgeBand,
    Kind,
    Option,
    Question,
    Section,
)

SENSITIVE_NOTE = _(
    "Ask only in private, with no partner, relative or child listening, and only if the person "
    "is at ease. Do not ask for details. “Prefers not to say” is a full answer: do not insist."
)

CHILD_STATUS_OPTIONS = (
    Option("accompanied", _("With a parent or their usual caregiver")),
    Option("separated", _("Separated: with other adults, not a parent or their usual caregiver")),
    Option("unaccompanied", _("Unaccompanied: with no adult caring for them")),
    Option(UNKNOWN, _("Not known")),
)

GENDER = Section(
    key="gender",
    title=_("Gender"),
    note=_(
        "Some of these questions are sensitive. Explain that every answer is confidential "
        "and that the person may choose not to answer."
    ),
    questions=(
        Question(
            "gender.pregnant",
            _("Is the person pregnant?"),
            Kind.YES_NO,
            bands=FROM_10,
            not_for_sex=NOT_MALE,
        ),
        Question(
            "gender.lactating",
            _("Is the person breastfeeding?"),
            Kind.YES_NO,
            bands=FROM_10,
            not_for_sex=NOT_MALE,
        ),
        Question(
            "gender.single_caregiver",
            _(
                "Is the person the only adult caring for the children or for a dependent "
                "person of the group?"
            ),
            Kind.YES_NO,
            bands=ADULTS,
        ),
        Question(
            "gender.woman_at_risk",
            _(
                "Is she a woman or girl at risk because of her gender (for example alone, "
                "without the protection of her family, or exposed to exploitation)?"
            ),
            Kind.YES_NO,
            bands=FROM_10,
            not_for_sex=NOT_MALE,
        ),
        Question(
            "gender.gbv_survivor",
            _("Has the person lived through sexual or gender-based violence?"),
            Kind.SENSITIVE,
            help_text=SENSITIVE_NOTE,
            bands=FROM_15,
        ),
        Question(
            "gender.gbv_where",
            _("Where did it happen?"),
            Kind.CHOICE,
            help_text=_("Only if the person answered yes and wishes to say."),
            choices=(
                Option("origin", _("In the country of origin")),
                Option("journey", _("During the journey, before being returned")),
                Option("mexico", _("In Mexico, after being returned")),
                Option("several", _("In more than one of these places")),
                SKIP_OPTION,
            ),
            only_after=("gender.gbv_survivor", YES),
            bands=FROM_15,
        ),
        Question(
            "gender.lgbtiq",
            _(
                "Does the person identify as lesbian, gay, bisexual, trans, intersex or with "
                "another sexual orientation or gender identity (LGBTIQ+)?"
            ),
            Kind.SENSITIVE,
            help_text=_(
                "Record only what the person says about themselves; never assume it from "
                "their appearance. Ask only in private."
            ),
            bands=FROM_15,
        ),
    ),
)

CHILDHOOD = Section(
    key="childhood",
    title=_("Children"),
    note=_(
        "About this person, if a child, and about the children of the family group. "
        "Ask the child's caregiver, and the child in words suited to their age."
    ),
    questions=(
        Question(
            "childhood.child_status",
            _("Is the child travelling with a parent or their usual caregiver?"),
            Kind.CHOICE,
            choices=CHILD_STATUS_OPTIONS,
            bands=CHILDREN,
        ),
        Question(
            "childhood.children_in_group",
            _("How many children (under 18) are in the family group?"),
            Kind.NUMBER,
            minimum=0,
            maximum=30,
        ),
        Question(
            "childhood.separation",
            _(
                "Is a child (this person or a child of the group) unaccompanied or separated "
                "from their parents or usual caregiver?"
            ),
            Kind.CHOICE,
            choices=(
                Option(NO, _("No: every child is with a parent or their usual caregiver")),
                Option(
                    "separated",
                    _("Separated: with other adults, not a parent or their usual caregiver"),
                ),
                Option("unaccompanied", _("Unaccompanied: with no adult caring for them")),
                Option(UNKNOWN, _("Not known")),
            ),
            bands=ADULTS,
        ),
        Question(
            "childhood.not_in_school",
            _("Is a school-age child of the group not enrolled in school?"),
            Kind.YES_NO,
        ),
        Question(
            "childhood.child_at_risk",
            _(
                "Is a child of the group at risk (violence, abuse, exploitation, child "
                "labour, early marriage or another danger)?"
            ),
            Kind.YES_NO,
        ),
        Question(
            "childhood.procuraduria_notified",
            _(
                "Was the child-protection authority (Procuraduría de Protección de Niñas, "
                "Niños y Adolescentes) notified?"
            ),
            Kind.YES_NO,
            help_text=_(
                "The National Migration Institute must notify it before any migration "
                "procedure that concerns a child."
            ),
        ),
    ),
)

HEALTH = Section(
    key="health",
    title=_("Health"),
    note=_("Ask about health needs now. Do not ask for a diagnosis."),
    questions=(
        Question(
            "health.serious_condition",
            _("Does the person have a serious illness or medical condition?"),
            Kind.YES_NO,
        ),
        Question(
            "health.urgent_care",
            _("Does the person need urgent medical care now?"),
            Kind.YES_NO,
        ),
        Question(
            "health.medication",
            _("Does the person need to take medication regularly?"),
            Kind.YES_NO,
        ),
        Question(
            "health.mental_distress",
            _(
                "Does the person show or describe strong emotional distress (fear, sadness, "
                "sleeplessness, hopelessness)?"
            ),
            Kind.YES_NO,
            bands=frozenset({AgeBand.AGE_2_4, AgeBand.ADULT}),
        ),
    ),
)

SAFETY = Section(
    key="safety",
    title=_("Safety"),
    note=_("If the person is in danger now, stop the screening and follow the safety plan."),
    questions=(
        Question(
            "safety.threats",
            _("Is the person threatened, or in immediate danger?"),
            Kind.YES_NO,
        ),
        Question(
            "safety.persecutor_in_mexico",
            _("Is the person they fled from, or who harmed them, present in Mexico?"),
            Kind.YES_NO,
        ),
        Question(
            "safety.victimized_since_return",
            _("Has the person suffered a crime or violence in Mexico since being returned?"),
            Kind.YES_NO,
        ),
        Question(
            "safety.fear_of_return",
            _("Is the person afraid of being returned to, or staying in, Mexico?"),
            Kind.YES_NO,
        ),
    ),
)

LEGAL = Section(
    key="legal",
    title=_("Legal situation"),
    note=_("About the person's U.S. immigration case and their documents."),
    questions=(
        Question(
            "legal.has_lawyer",
            _("Does the person have a lawyer for their U.S. immigration case?"),
            Kind.YES_NO,
        ),
        Question(
            "legal.next_hearing_known",
            _("Does the person know the date and place of their next U.S. hearing?"),
            Kind.YES_NO,
        ),
        Question(
            "legal.has_documents",
            _("Does the person hold identity or migration documents?"),
            Kind.YES_NO,
        ),
    ),
)
