"""A reader who chose Spanish meets no sentence left in English on the main pages.

The pages are rendered in Spanish (the switcher's cookie, or the browser's
Accept-Language) and searched for every English phrase the catalog
translates (tests/i18n/catalog.py). The records are made while Spanish is
active, as a Spanish-speaking teacher would make them: what they store (the
attestations' wording, a payment's description) is in Spanish too.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from submissions import services as submission_services
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, submit_for_review
from tests.badges.factories import decided_award
from tests.credentials.factories import CredentialFactory
from tests.i18n.catalog import english_left, english_phrases
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db


def spanish_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    if user is not None:
        client.force_login(user)
    return client


def assert_spanish(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert re.search(r'<html lang="es"', html), f"{url} is not marked Spanish"
    left = english_left(html)
    assert not left, f"{url} still shows English: {left}"
    return html


@pytest.fixture
def spanish_world(db):
    """A learner with a draft, an application awaiting payment and an award,
    and an assessor with an application to review, all made in Spanish."""
    learner = UserFactory(email="lucia@example.org", name="Lucía Learner")
    other = UserFactory(email="omar@example.org", name="Omar Other")
    with translation.override("es"):
        free = CredentialFactory(title="Evaluación formativa", with_content=True)
        paid = CredentialFactory(title="Lectura en voz alta", with_content=True, fee_cents=15000)
        drafted = CredentialFactory(title="Aprendizaje cooperativo", with_content=True)
        reviewed = CredentialFactory(title="Ciencias por indagación", with_content=True)
        award = decided_award(learner=learner, credential=free)
        unpaid = submitted_application(learner, paid)
        draft, _ = submission_services.submission_apply(learner=learner, credential=drafted)
        assessor = make_assessor(
            credential=reviewed, email="ana@example.org", name="Ana Evaluadora"
        )
        in_review = submit_for_review(learner=other, credential=reviewed)
    return {
        "learner": learner,
        "assessor": assessor,
        "free": free,
        "award": award,
        "unpaid": unpaid,
        "draft": draft,
        "in_review": in_review,
    }


def test_the_catalog_has_english_phrases_to_look_for():
    # The page checks below are only as good as this list.
    phrases = english_phrases()
    assert "Word limits count every run of characters between spaces as one word." in " ".join(
        phrases
    )
    assert "reviews passed their decision due date without a decision:" in phrases
    assert len(phrases) > 400


def test_public_pages_are_all_spanish(spanish_world):
    client = spanish_client()
    catalog = assert_spanish(client, reverse("credentials:catalog"))
    assert "Micro-credenciales" in catalog
    assert_spanish(client, f"{reverse('credentials:catalog')}?q=zzz")
    details = assert_spanish(client, spanish_world["free"].get_absolute_url())
    assert "Inicie sesión para solicitarla" in details
    assert_spanish(
        client, reverse("credentials:print", kwargs={"slug": spanish_world["free"].slug})
    )
    assert "Iniciar sesión" in assert_spanish(client, reverse("account_login"))
    assert "Registrarse" in assert_spanish(client, reverse("account_signup"))
    assert_spanish(client, reverse("helpdesk:center"))
    assert_spanish(client, reverse("helpdesk:contact"))
    award = spanish_world["award"]
    badge_page = assert_spanish(client, reverse("badges:detail", kwargs={"award_uuid": award.uuid}))
    assert "Verificar esta credencial" in badge_page
    verified = assert_spanish(client, reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    assert "Verificada: se superaron todas las comprobaciones." in verified
    assert_spanish(client, reverse("badges:certificate", kwargs={"award_uuid": award.uuid}))


def test_learner_pages_are_all_spanish(spanish_world):
    client = spanish_client(spanish_world["learner"])
    for tab in ("drafts", "submitted", "awarded", "denied", "favorites"):
        assert_spanish(client, f"{reverse('dashboard:home')}?tab={tab}")
    application = assert_spanish(client, spanish_world["draft"].get_absolute_url())
    assert "Guardar borrador" in application
    assert_spanish(client, spanish_world["unpaid"].get_absolute_url())
    checkout = assert_spanish(
        client, reverse("payments:checkout", kwargs={"uuid": spanish_world["unpaid"].uuid})
    )
    assert "Pagar la tarifa de evaluación" in checkout
    assert "$150.00" in checkout
    assert_spanish(client, spanish_world["award"].submission.get_absolute_url())
    award = spanish_world["award"]
    assert_spanish(client, reverse("badges:settings", kwargs={"award_uuid": award.uuid}))
    assert_spanish(client, reverse("helpdesk:ticket_list"))
    assert_spanish(client, spanish_world["free"].get_absolute_url())


def test_assessor_pages_are_all_spanish(spanish_world):
    client = spanish_client(spanish_world["assessor"])
    queue = assert_spanish(client, reverse("assessments:queue"))
    assert "Su cola de revisión" in queue
    review = assert_spanish(
        client, reverse("assessments:review", kwargs={"uuid": spanish_world["in_review"].uuid})
    )
    assert "¿Otorgar " in review


def test_a_browser_asking_for_spanish_gets_the_same_pages(spanish_world):
    client = Client(HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    html = client.get(reverse("credentials:catalog")).content.decode()

    assert '<html lang="es"' in html
    assert not english_left(html)


def test_the_english_pages_are_unchanged(spanish_world):
    client = Client()
    html = client.get(reverse("credentials:catalog")).content.decode()

    assert '<html lang="en"' in html
    assert "Earn recognition for the skills you use in your classroom." in html


def test_form_errors_are_spanish(spanish_world):
    client = spanish_client(spanish_world["learner"])
    url = reverse("payments:coupon", kwargs={"uuid": spanish_world["unpaid"].uuid})

    response = client.post(url, {"action": "apply", "code": "NOPE-NOPE"})

    html = response.content.decode()
    assert "No reconocemos ese código. Revíselo e inténtelo de nuevo." in html
    assert not english_left(html)


def test_page_scripts_get_their_sentences_in_spanish(spanish_world):
    client = spanish_client()

    script = client.get(reverse("javascript-catalog")).content.decode()

    assert "Guardado autom\\u00e1ticamente a las %(time)s." in script or (
        "Guardado automáticamente a las %(time)s." in script
    )


def test_error_pages_are_spanish(db):
    client = spanish_client()

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Página no encontrada" in html
    assert not english_left(html)
