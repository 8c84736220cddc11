"""Every URL pattern answers with the security headers.

The sweep walks the whole URL tree (the site's apps, allauth and the admin),
fills path parameters with real objects where the pattern names one, and
GETs each URL as an anonymous visitor, as the learner who owns the
applications, and as staff. Whatever the status (page, redirect, 404, 405),
HTML responses must carry the Content-Security-Policy, and every response
nosniff and the Referrer-Policy.
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from assessments.models import Review
from payments import services as payment_services
from submissions.models import Attachment
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

# Extra URLs that no named pattern produces: the 404 page and the admin's catch-all.
EXTRA_URLS = ["/no-such-page/", "/admin/no-such-page/"]
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


@dataclass
class World:
    credential: object
    awaiting: object  # the learner's application awaiting payment, with a file
    attachment: object
    payment: object
    review: object


@pytest.fixture
def world(learner):
    credential = CredentialFactory(with_content=True)
    paid = CredentialFactory(with_content=True, fee_cents=5000)
    make_assessor(credential=credential)
    in_review = submit_for_review(learner=learner, credential=credential)
    awaiting = submitted_application(learner, paid)
    payment = payment_services.payment_start(submission=awaiting, actor=learner)
    return World(
        credential=credential,
        awaiting=awaiting,
        attachment=Attachment.objects.filter(submission=awaiting).first(),
        payment=payment,
        review=Review.objects.get(submission=in_review),
    )


def _leaves(patterns, parts=(), namespaces=()):
    """Yield (full name or None, [pattern parts], callback) for every leaf pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _leaves(entry.url_patterns, (*parts, entry.pattern), namespace)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield name, [*parts, entry.pattern], entry.callback


def _params(parts):
    """{parameter: converter or None} over the route and regex parts."""
    params = {}
    for part in parts:
        if isinstance(part, RoutePattern):
            params.update(part.converters)
        elif isinstance(part, RegexPattern):
            params.update(dict.fromkeys(part.regex.groupindex))
    return params


def _admin_object_id(callback):
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None:
        return "0"
    obj = model_admin.model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "0"


def _value_choices(name, param, converter, callback, world):
    """The values to try for one parameter: real objects first, then a stand-in."""
    if param == "slug":
        return [world.credential.slug]
    if param == "attachment_uuid":
        return [str(world.attachment.uuid)]
    if param == "uuid":
        by_name = {
            "payments:test_checkout": world.payment.uuid,
            "assessments:review": world.review.uuid,
        }
        if name in by_name:
            return [str(by_name[name])]
        if name.startswith(("submissions:", "payments:")):
            return [str(world.awaiting.uuid)]
        return [str(uuid.uuid4())]
    if param == "object_id":
        if name == "admin:view_on_site":
            return [str(world.credential.pk)]
        return [_admin_object_id(callback)]
    if param == "content_type_id":
        return [str(ContentType.objects.get_for_model(type(world.credential)).pk)]
    if param == "app_label":
        return sorted({model._meta.app_label for model in admin.site._registry})
    if param == "uidb36":
        return ["0"]
    if param == "key":
        return ["not-a-real-key"]
    # A parameter this sweep does not know yet: a stand-in of the right shape.
    if isinstance(converter, IntConverter):
        return ["999999"]
    if isinstance(converter, UUIDConverter):
        return [str(uuid.uuid4())]
    return ["no-such-thing"]


def urls_to_visit(world):
    urls, unreachable = set(EXTRA_URLS), []
    for name, parts, callback in _leaves(get_resolver().url_patterns):
        params = _params(parts)
        kwarg_sets = [{}]
        for param, converter in params.items():
            choices = _value_choices(name or "", param, converter, callback, world)
            kwarg_sets = [{**kwargs, param: value} for kwargs in kwarg_sets for value in choices]
        for kwargs in kwarg_sets:
            url = reverse(name, kwargs=kwargs) if name else _fill_route(parts, kwargs)
            if url is None:
                unreachable.append(" ".join(str(part) for part in parts))
            else:
                urls.add(url)
    return sorted(urls), unreachable


def _fill_route(parts, kwargs):
    """Build the URL of an unnamed pattern; None when a part is a regular expression."""
    url = "/"
    for part in parts:
        if isinstance(part, RegexPattern):
            return None
        url += ROUTE_PARAMETER.sub(lambda match: kwargs[match["name"]], str(part))
    return url


def _directives(policy):
    directives = {}
    for directive in policy.split(";"):
        words = directive.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_problems(url, response):
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')!r}")
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response.get("Content-Security-Policy")
        if not policy:
            problems.append("no Content-Security-Policy")
        else:
            csp = _directives(policy)
            if csp.get("object-src") != ["'none'"]:
                problems.append(f"object-src is {csp.get('object-src')}")
            if csp.get("base-uri") != ["'self'"]:
                problems.append(f"base-uri is {csp.get('base-uri')}")
            if csp.get("frame-ancestors") != ["'none'"]:
                problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
            for directive in ("default-src", "script-src", "style-src"):
                if csp.get(directive) != ["'self'"]:
                    problems.append(f"{directive} is {csp.get(directive)}")
    return [f"{url} ({response.status_code}): {problem}" for problem in problems]


def sweep(client, urls):
    problems, statuses = [], {}
    for url in urls:
        try:
            response = client.get(url)
        except Exception as exc:  # a page that fails is a finding, not a crash of the sweep
            problems.append(f"{url}: raised {exc!r}")
            continue
        statuses[url] = response.status_code
        problems.extend(header_problems(url, response))
        if response.status_code >= 500:
            problems.append(f"{url}: status {response.status_code}")
        if response.streaming:
            # Reading to the end closes the file the way the test client expects;
            # closing it directly would also close the test's database connection.
            b"".join(response.streaming_content)
    return problems, statuses


def test_sweep_reaches_every_url_pattern(db, world):
    urls, unreachable = urls_to_visit(world)

    # Only the admin's catch-all has parameters and no name; EXTRA_URLS covers it.
    assert unreachable == ["admin/ (?P<url>.*)$"]
    assert "/healthz" in urls
    assert f"/credentials/{world.credential.slug}/print/" in urls
    assert f"/payments/test-checkout/{world.payment.uuid}/" in urls
    assert f"/assess/review/{world.review.uuid}/" in urls
    assert len(urls) > 100  # the site, allauth and every admin page


@pytest.mark.parametrize("who", ["anonymous", "learner", "staff"])
def test_every_page_sends_the_security_headers(who, world, learner, staff_user):
    client = Client()
    if who == "learner":
        client.force_login(learner)
    elif who == "staff":
        client.force_login(staff_user)
    urls, _ = urls_to_visit(world)

    problems, statuses = sweep(client, urls)

    assert problems == []
    # The sweep saw real pages, not only redirects to the login page.
    ok = {url for url, status in statuses.items() if status == 200}
    if who == "anonymous":
        assert f"/credentials/{world.credential.slug}/" in ok
    if who == "learner":
        assert f"/applications/{world.awaiting.uuid}/" in ok
        assert f"/payments/test-checkout/{world.payment.uuid}/" in ok
    if who == "staff":
        assert "/admin/" in ok
        assert f"/admin/credentials/microcredential/{world.credential.pk}/change/" in ok
