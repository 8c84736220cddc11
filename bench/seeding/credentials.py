"""The catalog in bulk: organizations, topics, published credentials with their
prompts, evidence requirements and rubric; learners' favorites."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from credentials.models import (
    EvidenceKind,
    EvidenceRequirement,
    Favorite,
    MicroCredential,
    Organization,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)

from .base import DOMAIN, WORDS, Bulk

PROMPTS = [
    (Part.OVERVIEW, 1, "Describe your school and classroom context.", 250, True),
    (Part.OVERVIEW, 2, "Explain how you planned to apply the key method.", 400, True),
    (Part.REFLECTION, 1, "Reflect on how the lesson went and what you changed.", 500, True),
    (Part.REFLECTION, 2, "Anything else the assessor should know? (optional)", 200, False),
    (Part.IMPACT, 1, "What impact did the method have on student learning?", 400, True),
    (Part.IMPACT, 2, "What are your next steps?", 250, True),
]
REQUIREMENTS = [
    ("Lesson plan", EvidenceKind.FILE),
    ("Video or photos of the lesson", EvidenceKind.ANY),
    ("Samples of student work", EvidenceKind.ANY),
]
CRITERIA = [
    "Context is clear and specific",
    "The method is applied as described",
    "Evidence shows student learning",
    "Reflection names concrete next steps",
]


@dataclass
class CredentialInfo:
    """What an application needs to know about its credential, without a query."""

    credential: MicroCredential  # organization attached, for the SLA calendar
    prompts: list[Prompt] = field(default_factory=list)
    requirements: list[EvidenceRequirement] = field(default_factory=list)
    # The rubric as a submission copies it when it is submitted.
    snapshot: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.credential.pk

    @property
    def organization_id(self) -> int:
        return self.credential.organization_id


@dataclass
class Catalog:
    organizations: list[Organization]
    credentials: list[CredentialInfo]


def catalog(bulk: Bulk, *, organizations: int, credentials: int) -> Catalog:
    """Write the catalog: every credential published, with the same prompts,
    evidence requirements and rubric; fees, validity and topics vary."""
    rng, texts = bulk.rng, bulk.texts
    orgs = [
        Organization(
            name=f"Bench Organization {i + 1:02d}",
            slug=f"bench-org-{i + 1:02d}",
            description="An issuing organization for the benchmark.",
            email=f"org{i + 1}@{DOMAIN}",
            holiday_country="US",
        )
        for i in range(organizations)
    ]
    bulk.write(Organization, orgs)
    topics = [Topic(name=f"Topic {i + 1:02d}", slug=f"topic-{i + 1:02d}") for i in range(12)]
    bulk.write(Topic, topics)
    rows = []
    for i in range(credentials):
        fee = rng.choice([0, 0, 0, 2500, 5000, 7500, 10000, 15000, 5000, 7500])
        rows.append(
            MicroCredential(
                organization=orgs[i % organizations],
                title=f"Bench Credential {i + 1:03d}: {rng.choice(WORDS).title()} practice",
                slug=f"bench-credential-{i + 1:03d}",
                summary="A competency-based micro-credential seeded for the benchmark.",
                overview=texts[i % len(texts)],
                competency=texts[(i + 1) % len(texts)],
                key_method=texts[(i + 2) % len(texts)],
                method_components=texts[(i + 3) % len(texts)],
                research=texts[(i + 4) % len(texts)],
                evidence_instructions="Upload your lesson plan and evidence of student work.",
                estimated_hours=rng.randint(5, 20),
                fee_cents=fee,
                resubmission_fee_cents=fee // 2 if fee else 0,
                validity_months=rng.choice([None, None, 24, 36]),
                is_published=True,
                published_at=bulk.now - datetime.timedelta(days=400),
            )
        )
    bulk.write(MicroCredential, rows)
    through = MicroCredential.topics.through
    bulk.write(
        through,
        [
            through(microcredential_id=c.pk, topic_id=t.pk)
            for c in rows
            for t in rng.sample(topics, 2)
        ],
    )
    infos = {c.pk: CredentialInfo(credential=c) for c in rows}
    prompts, requirements, criteria = [], [], []
    for c in rows:
        for part, position, text, limit, required in PROMPTS:
            prompts.append(
                Prompt(
                    credential=c,
                    part=part,
                    position=position,
                    text=text,
                    help_text="Be specific.",
                    word_limit=limit,
                    required=required,
                )
            )
        for position, (title, kind) in enumerate(REQUIREMENTS, start=1):
            requirements.append(
                EvidenceRequirement(
                    credential=c,
                    position=position,
                    title=title,
                    description="What the assessor looks for.",
                    kind=kind,
                )
            )
        for position, title in enumerate(CRITERIA, start=1):
            criteria.append(
                RubricCriterion(
                    credential=c,
                    position=position,
                    title=title,
                    description="Met when the evidence shows it clearly.",
                )
            )
    bulk.write(Prompt, prompts)
    bulk.write(EvidenceRequirement, requirements)
    bulk.write(RubricCriterion, criteria)
    for p in prompts:
        infos[p.credential_id].prompts.append(p)
    for r in requirements:
        infos[r.credential_id].requirements.append(r)
    for criterion in criteria:
        infos[criterion.credential_id].snapshot.append(
            {"id": criterion.pk, "title": criterion.title, "description": criterion.description}
        )
    return Catalog(organizations=orgs, credentials=list(infos.values()))


def favorites(
    bulk: Bulk, learner_id: int, credentials: list[CredentialInfo], count: int
) -> list[tuple]:
    """``count`` favorites of one learner, among the given credentials (plain rows)."""
    row = bulk.table(Favorite).row
    return [
        row(
            id=bulk.id(Favorite),
            user_id=learner_id,
            credential_id=c.id,
            created_at=bulk.ago(1, 300),
        )
        for c in bulk.rng.sample(credentials, min(len(credentials), count))
    ]
