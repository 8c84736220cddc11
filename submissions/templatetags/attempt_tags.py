"""The attempt policy as the learner reads it, before and while resubmitting."""

from django import template

from ..attempts import attempt_policy

register = template.Library()


@register.inclusion_tag("submissions/_attempt_policy.html")
def attempt_policy_notice(submission):
    """On a denied attempt: how many attempts are left, or the conversation with
    staff that comes before another. On a resubmission draft: which attempt this
    is. Nothing when the credential allows unlimited attempts."""
    policy = attempt_policy(submission)
    return {"submission": submission, "policy": policy, "is_draft": submission.is_draft}


@register.simple_tag
def may_resubmit(submission):
    """Whether the attempt policy lets the learner start another attempt after this one."""
    return attempt_policy(submission).may_try_again
