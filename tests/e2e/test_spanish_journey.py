"""A teacher who reads Spanish: the switcher in the header, then the catalog, an
application, the dashboard and the payment page, all in Spanish and accessible
(axe), and back to English on the same page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import sign_in


@pytest.fixture
def catalog(live_url):
    free = CredentialFactory(title="Formative Assessment in Practice", with_content=True)
    paid = CredentialFactory(title="Reading Aloud", with_content=True, fee_cents=15000)
    return free, paid


def _is_spanish(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_a_teacher_switches_to_spanish_and_applies_in_spanish(
    page: Page, live_url, catalog, assert_accessible
):
    free, paid = catalog
    learner = UserFactory(email="lucia@example.org", name="Lucía Maestra")

    page.goto(f"{live_url}/credentials/?q=Reading")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Español").click()

    # Back on the same page, search kept, now in Spanish.
    expect(page).to_have_url(re.compile(r"/credentials/\?q=Reading$"))
    _is_spanish(page)
    expect(page.get_by_role("heading", level=1, name="Micro-credenciales")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Buscar")).to_have_value("Reading")
    assert_accessible("the catalog in Spanish")

    sign_in(page, live_url, learner)
    page.goto(f"{live_url}{free.get_absolute_url()}")
    _is_spanish(page)
    assert_accessible("a credential's details in Spanish")
    page.get_by_role("button", name="Solicitar").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Solicitud:")
    _is_spanish(page)
    page.get_by_label("Describe your teaching context.").fill("Enseño ciencias en quinto grado.")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("status").filter(has_text="Borrador guardado a las")).to_be_visible()
    assert_accessible("the application page in Spanish")
    # The page's script has its sentences in Spanish too.
    assert page.evaluate("() => gettext('Automatic saving is paused.')") == (
        "El guardado automático está en pausa."
    )

    page.get_by_role("link", name="Panel").click()
    expect(page.get_by_role("heading", level=1, name="Su panel")).to_be_visible()
    _is_spanish(page)
    assert_accessible("the dashboard in Spanish")

    page.goto(f"{live_url}{paid.get_absolute_url()}")
    page.get_by_role("button", name="Solicitar").click()
    page.get_by_label("Describe your teaching context.").fill("Enseño lectura.")
    page.get_by_label("What did you learn?").fill("Mucho.")
    page.get_by_label("What was the impact on students?").fill("Leen más.")
    page.get_by_label("Añadir archivos").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Estos archivos son evidencia de").select_option(label="Lesson plan")
    for statement in page.get_by_role("checkbox").all():
        statement.check()
    page.get_by_role("button", name="Enviar la solicitud").click()
    page.get_by_role("link", name="Pagar ahora").click()

    expect(
        page.get_by_role("heading", level=1, name="Pagar la tarifa de evaluación")
    ).to_be_visible()
    expect(page.locator("#amount-due")).to_have_text("$150.00")
    _is_spanish(page)
    assert_accessible("the payment page in Spanish")

    # Back to English, on the same page.
    here = page.url
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(here)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Pay the assessment fee")).to_be_visible()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
