import factory
from django.utils.text import slugify

from credentials.models import (
    EvidenceKind,
    EvidenceRequirement,
    MicroCredential,
    Organization,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Issuer {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    url = "https://issuer.example.org"
    email = "credentials@issuer.example.org"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CredentialFactory(factory.django.DjangoModelFactory):
    """A published credential; ``with_content=True`` adds prompts, evidence and rubric."""

    class Meta:
        model = MicroCredential
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Formative Assessment {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Use quick checks for understanding to adjust instruction."
    overview = "Educators gather evidence of learning during a lesson."
    competency = "The educator uses formative assessment to adjust instruction."
    key_method = "Plan, check for understanding, adjust."
    research = "Black & Wiliam (1998), Inside the Black Box."
    evidence_instructions = "Upload a lesson plan and a short video clip."
    estimated_hours = 12
    fee_cents = 0
    resubmission_fee_cents = 0
    is_published = True

    @factory.post_generation
    def with_content(obj, create, extracted, **kwargs):  # noqa: N805
        if not create or extracted is False:
            return
        Prompt.objects.create(
            credential=obj,
            part=Part.OVERVIEW,
            position=1,
            text="Describe your teaching context.",
            word_limit=50,
        )
        Prompt.objects.create(
            credential=obj,
            part=Part.OVERVIEW,
            position=2,
            text="Anything else we should know?",
            word_limit=30,
            required=False,
        )
        Prompt.objects.create(
            credential=obj,
            part=Part.REFLECTION,
            position=1,
            text="What did you learn?",
            word_limit=40,
        )
        Prompt.objects.create(
            credential=obj,
            part=Part.IMPACT,
            position=1,
            text="What was the impact on students?",
            word_limit=40,
        )
        EvidenceRequirement.objects.create(
            credential=obj, position=1, title="Lesson plan", kind=EvidenceKind.ANY
        )
        RubricCriterion.objects.create(
            credential=obj, position=1, title="Context", description="Clear context."
        )
        RubricCriterion.objects.create(
            credential=obj, position=2, title="Reflection", description="Honest reflection."
        )
