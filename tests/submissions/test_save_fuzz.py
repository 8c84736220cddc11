"""Nasty input at Save draft and autosave: never a server error, never a damaged answer.

Every stored answer afterwards is either exactly the new text (line breaks
normalized) or exactly what was stored before: never emptied, never cut.

Hypothesis runs each example in its own rolled-back transaction through
``hypothesis.extra.django.TestCase`` (pytest-django's ``db`` fixture would
leak rows between examples).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from submissions import services
from submissions.models import Response, Submission
from submissions.words import MAX_ANSWER_CHARS, answer_problem, normalize_answer
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

STORED = "The answer saved before this request."

ABSENT = None  # the request does not carry the field at all

NASTY_CHARACTERS = "ab \t\r\n\x00\x01\x7f\u00e9\u200b\u202e\ufeff\ufffd\U0001f600<>&\"'"

answer_text = st.one_of(
    st.none(),
    st.text(max_size=80),  # any code point hypothesis likes, control characters included
    st.text(alphabet=NASTY_CHARACTERS, max_size=60),
    # Around the 50,000-character limit, with one- and two-character line breaks.
    st.builds(
        lambda n, unit, tail: unit * n + tail,
        st.integers(min_value=MAX_ANSWER_CHARS // 2 - 2, max_value=MAX_ANSWER_CHARS // 2 + 2),
        st.sampled_from(["ab", "a\n", "\r\n", "\u00e9\U0001f600"]),
        st.sampled_from(["", "x", "\x00", "\r\n"]),
    ),
)

version_choice = st.sampled_from(
    ["current", "stale", "absent", "", "abc", "0", "-1", "1.5", "99999999999999999999", "\x00"]
)

extra_fields = st.fixed_dictionaries(
    {},
    optional={
        "link_title": st.text(alphabet=NASTY_CHARACTERS, max_size=30),
        "link_url": st.sampled_from(
            ["", "https://ok.example.org/x", "javascript:alert(1)", "http://\x00", "ftp://x"]
        ),
        "link_requirement": st.sampled_from(["", "0", "x", "\x00", "99999999999999999999"]),
        "file_requirement": st.sampled_from(["", "x", "\x00"]),
        "remove_link": st.sampled_from(["1", "x", "\x00", "99999999999999999999"]),
        "action": st.sampled_from(["save", "submit", "\x00", ""]),
        "attest_ready": st.sampled_from(["on", "\x00"]),
    },
)

A_REQUEST = {
    "texts": st.lists(answer_text, min_size=4, max_size=4),  # the factory's four prompts
    "version": version_choice,
    "extra": extra_fields,
}

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class SaveEndpointsUnderNastyInput(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.learner = UserFactory()
        cls.draft, _ = services.submission_apply(
            learner=cls.learner, credential=CredentialFactory()
        )
        services.draft_save(
            submission=cls.draft,
            actor=cls.learner,
            version=cls.draft.version,
            changes=services.DraftChanges(
                answers={r.pk: STORED for r in cls.draft.responses.all()}
            ),
        )
        cls.response_ids = list(cls.draft.responses.order_by("pk").values_list("pk", flat=True))

    def _post(self, url, texts, version, extra):
        self.client.force_login(self.learner)
        current = Submission.objects.get(pk=self.draft.pk).version
        data = dict(extra)
        if version == "current":
            data["version"] = str(current)
        elif version == "stale":
            data["version"] = str(current - 1)
        elif version != "absent":
            data["version"] = version
        for pk, text in zip(self.response_ids, texts, strict=False):
            if text is not ABSENT:
                data[f"response_{pk}"] = text
        return self.client.post(url, data)

    def _check(self, response, texts, version):
        assert response.status_code < 500, response.status_code
        stored = dict(Response.objects.filter(pk__in=self.response_ids).values_list("pk", "text"))
        for pk, posted in zip(self.response_ids, texts, strict=False):
            after = stored[pk]
            if posted is ABSENT or answer_problem(normalize_answer(posted)):
                assert after == STORED, "an absent or refused answer changed"
                continue
            new = normalize_answer(posted)
            assert after in (STORED, new), "the answer was cut or altered"
            if version == "current" and response.status_code != 409:
                assert after == new, "a valid answer with the current version was not saved"

    @FUZZ
    @given(**A_REQUEST)
    def test_save_draft(self, texts, version, extra):
        response = self._post(self.draft.get_absolute_url(), texts, version, extra)
        self._check(response, texts, version)

    @FUZZ
    @given(**A_REQUEST)
    def test_autosave(self, texts, version, extra):
        url = f"{self.draft.get_absolute_url()}autosave/"
        response = self._post(url, texts, version, extra)
        assert response["Content-Type"] == "application/json"
        self._check(response, texts, version)
