"""The help center's first answers; staff edit them in the admin afterwards.

Pages link to these slugs (the payment page to payments-and-coupons, the
evidence section to sharing-links-anyone-with-the-link), so they stay fixed.
Loading is by slug and never overwrites an answer staff have edited.
"""

from django.db import migrations

TOPICS = [
    {
        "slug": "applying",
        "title": "Applying",
        "summary": "Starting an application, saving drafts, word limits and submitting.",
        "entries": [
            (
                "how-to-apply",
                "How do I apply for a micro-credential?",
                """Sign up or log in, open the [catalog](/credentials/) and choose a micro-credential. Its page shows what it asks for: the prompts, the evidence, the rubric your work is assessed against, and the fee. You can print it, or add it to your favorites to come back to it later.

Press **Apply** to open your application. It has four parts:
- Part 1: your context, in short written answers.
- Part 2: your evidence, as files and links.
- Parts 3 and 4: reflections on your practice.

Pressing Apply again for the same micro-credential takes you back to the application you already started.""",
            ),
            (
                "saving-drafts",
                "Is my work saved? Can I finish later?",
                """Yes. Your answers save in the background while you type, and **Save draft** saves everything, including new files and links. Your drafts are listed on your [dashboard](/dashboard/) under *Drafts*: open one to continue where you left off.

If the same application is open in two tabs or on two devices, one save never silently overwrites the other: you are told, your text stays on the page, and you choose whether to save over.""",
            ),
            (
                "word-limits",
                "How are words counted?",
                """A word is a run of characters between spaces or line breaks, so "re-teach" is one word and "5 minutes" is two. The counter under each answer uses the same rule as the server.

Text over a limit is kept and flagged. It only stops you from submitting until you shorten it.""",
            ),
            (
                "before-you-submit",
                "What do I need before I can submit?",
                """- An answer to every required prompt, within its word limit.
- The evidence the micro-credential asks for (Part 2).
- The three statements confirmed: the application is complete and ready for review; your evidence contains no personally identifiable student information and you have the releases needed for everyone in it; the work is your own and any collaboration is stated.

If anything is missing, **Submit** lists every missing piece at once, each with a link to it. After you submit, the application can no longer be changed.""",
            ),
            (
                "submission-id",
                "What is my submission ID and where do I find it?",
                """It names your application, for example `MC-7K3F9Q2M`: the letters MC, a dash and eight letters and digits. It is shown at the top of your application's page, in the *Submission ID* column of your [dashboard](/dashboard/), and in every email about the application.

Mention it whenever you contact the helpdesk. The [contact form](/help/contact/) attaches it for you when you choose the application.""",
            ),
        ],
    },
    {
        "slug": "evidence-and-sharing",
        "title": "Evidence and sharing permissions",
        "summary": "Files and links, size limits, sharing settings and students' privacy.",
        "entries": [
            (
                "evidence-files",
                "Which files can I upload, and how large can they be?",
                """- Documents: PDF, Word, PowerPoint, Excel, OpenDocument, RTF and plain text.
- Images: JPEG, PNG, GIF, WebP and HEIC.
- Audio: MP3, WAV, M4A and OGG.
- Video: MP4, MOV, WebM and M4V.

Files are checked by their content, not their name, so a file renamed to look like another type is refused. By default each file can be up to 25 MB, all the files of one application together up to 100 MB, and one application can hold 20 files. For a longer video, put it on a video or file service and add a link instead (see the next answer).

Files are uploaded when you press **Save draft**. They are stored privately: only you, your assessor and authorized staff can open them.""",
            ),
            (
                "sharing-links-anyone-with-the-link",
                "How do I share a Google Drive, OneDrive or YouTube link so my assessor can open it?",
                """Your assessor opens links without signing in to your accounts, so each link must be viewable by **anyone with the link**. Set this before you add the link, then check it by opening the link in a private browser window.

- **Google Drive** (files, Docs, Slides, videos): select the file, choose **Share**, under *General access* change *Restricted* to **Anyone with the link**, keep the role *Viewer*, then press **Copy link**.
- **OneDrive or SharePoint**: choose **Share**, open the link settings, pick **Anyone with the link** (sometimes just *Anyone*) with *Can view*, then copy the link. If your school does not offer this option, upload the file here instead.
- **YouTube**: set the video's visibility to **Unlisted**. A *Private* video plays only for accounts you invite, so your assessor cannot watch it.

Links must start with `https://` or `http://`. If the assessor cannot open a link, they cannot assess what is behind it.""",
            ),
            (
                "student-privacy",
                "Can my evidence show my students?",
                """Only with care. When you submit, you confirm that your evidence contains no personally identifiable student information and that you have the releases needed for everyone who appears in it. Before you upload:

- Remove or blur students' names, faces and ID numbers in work samples, photos and screenshots, unless you have a signed release.
- Check file names, document titles and the titles of links too: they can carry names.
- Follow your school's or district's policy on recording students.""",
            ),
            (
                "evidence-after-submit",
                "Can I change my evidence after submitting?",
                """No: a submitted application is frozen, so the assessor reviews exactly what you sent. If a link stops working because its sharing changed, fix the sharing on the service itself (the link stays the same) and [tell the helpdesk](/help/contact/?reason=evidence), choosing the application in the form.

If the application is not awarded, **Resubmit** lets you change everything in a new attempt.""",
            ),
        ],
    },
    {
        "slug": "payments-and-coupons",
        "title": "Payments and coupons",
        "summary": "The assessment fee, paying by card, coupon codes and receipts.",
        "entries": [
            (
                "when-to-pay",
                "When do I pay the assessment fee, and how much is it?",
                """The fee is set by the issuing organization and shown on each micro-credential's page. You pay after you submit: the application then waits in *Awaiting payment*, saved and unchanged, and goes to an assessor once the fee is paid. Use **Pay now** on your [dashboard](/dashboard/) or on the application's page whenever you are ready.

A micro-credential with no fee goes straight to review. A new attempt after a denial may have its own resubmission fee, shown next to the Resubmit button.""",
            ),
            (
                "paying-by-card",
                "How do I pay by card, and is it safe?",
                """Press **Pay** and you are taken to Stripe's secure payment page to enter your card; this site never sees or stores your card number. When Stripe confirms the payment you come back to your receipt, and your application enters the review queue.

If the page says *Payment pending*, wait: it refreshes by itself, usually within seconds. **Do not pay again.** If it still says pending after a few minutes, [contact the helpdesk](/help/contact/?reason=payment) and choose the application in the form.

If your card is declined, nothing is charged: try another card.""",
            ),
            (
                "coupon-codes",
                "How do I use a coupon code?",
                """On the payment page, type the code under *Have a coupon code?* and press **Apply code**. Upper or lower case does not matter. The amount due changes at once. If the coupon covers the whole fee, no card is needed: press **Confirm and send for review**.

A coupon counts as used only when the payment completes, and you can remove it before you pay.""",
            ),
            (
                "coupon-not-accepted",
                "Why was my coupon code not accepted?",
                """The message beside the code says why:

- *We don't recognise that code*: check for typing mistakes, such as a zero for the letter O.
- *This code can be used from …* or *This code expired on …*: the coupon is valid only between two dates.
- *This code has already been used as many times as it allows*: coupons can have a total limit and a limit per person.
- *This code can't be used for …*: the coupon is for other micro-credentials or another organization.
- *This code is no longer accepted*: the coupon was withdrawn.

If you think the code should work, [contact the helpdesk](/help/contact/?reason=payment) with the code, choosing the application in the form.""",
            ),
            (
                "receipts",
                "Where is my receipt?",
                """Your receipt (amount, coupon, card brand and last four digits, date and submission ID) is emailed to you when the payment completes, and it stays on the application's page.""",
            ),
        ],
    },
    {
        "slug": "refunds",
        "title": "Refunds",
        "summary": "Asking for the assessment fee back.",
        "entries": [
            (
                "request-a-refund",
                "Can I get a refund of the assessment fee?",
                """Ask the helpdesk: [contact the helpdesk](/help/contact/?reason=payment), choose the application and tell us why. Staff look at every request and answer you by email.

An approved refund goes back to the card you paid with, through Stripe, for the full amount charged. There is nothing to refund when a coupon covered the whole fee, since no card was charged.""",
            ),
            (
                "refund-timing",
                "How long does a refund take?",
                """Stripe sends the refund as soon as staff issue it. Your bank usually shows it within 5 to 10 business days; after that, ask your bank with the date and amount from your receipt.""",
            ),
            (
                "refund-and-application",
                "What happens to my application after a refund?",
                """A refund does not change your application by itself. Say in your request what you would like to happen to it, for example whether you still want it reviewed.""",
            ),
        ],
    },
    {
        "slug": "review-timeline",
        "title": "The review timeline",
        "summary": "How long the assessment takes, who does it, and what to do if it runs late.",
        "entries": [
            (
                "how-long-is-the-review",
                "How long does the review take?",
                """A decision is due **14 business days** after your application enters review: when you submit it or, if a fee is due, when the payment completes. Weekends and the issuing organization's holidays (US federal holidays unless it sets others) do not count.

Your application's page and your [dashboard](/dashboard/) show the date as *Decision expected by*. You get an email as soon as the decision is made.""",
            ),
            (
                "late-review",
                "My review is past its expected date. What should I do?",
                """Sorry for the wait. Assessors are reminded before the due date, and reviews that run late are escalated to staff automatically, so yours is already being looked at.

Once the date has passed, your application's page shows a **Contact the helpdesk** link that opens the form with your submission ID filled in. You can also [contact the helpdesk](/help/contact/?reason=overdue) and choose the application in the form.""",
            ),
            (
                "who-assesses",
                "Who assesses my application?",
                """A trained assessor for that micro-credential, never yourself. Review is blind by default: the assessor sees your submission ID, not your name or email address. They mark each criterion of the rubric as met or not yet met, with feedback, and decide whether to award the micro-credential.""",
            ),
        ],
    },
    {
        "slug": "resubmission",
        "title": "Resubmission",
        "summary": "What happens after a denial, and how to try again.",
        "entries": [
            (
                "after-a-denial",
                "My application was not awarded. What now?",
                """You get an email with your assessor's feedback on each criterion of the rubric and a link back to your application. The feedback is also on the application's page, under *Related submissions*. Read it, then press **Resubmit** to try again.""",
            ),
            (
                "how-resubmission-works",
                "How does resubmitting work?",
                """**Resubmit** creates a new draft filled in from the attempt that was not awarded: your answers, your links and copies of your files. Change what the feedback asks for, then submit again as usual.

A resubmission fee may apply: it is shown next to the Resubmit button and paid like the first fee (coupons work too). Each attempt links to the others under *Related submissions*.""",
            ),
            (
                "earlier-attempts-after-award",
                "Will people see that an earlier attempt was not awarded?",
                """Not once you are awarded. Attempt numbers are shown only while no attempt has been awarded; after the award, they disappear from everything you and the public see.""",
            ),
        ],
    },
    {
        "slug": "badges",
        "title": "Badges",
        "summary": "Your award, its verifiable badge, sharing and privacy.",
        "entries": [
            (
                "what-you-get",
                "What do I get when my application is awarded?",
                """A verifiable digital badge (Open Badges 3.0), signed by the issuing organization. It comes with a public award page where anyone can check that it is genuine, a printable certificate, the badge image with the credential built into it, and the signed credential files to download. You get an email with the link, and the award appears on your application's page and your dashboard.""",
            ),
            (
                "share-your-badge",
                "How do I share my badge?",
                """Open the award page from your application or your dashboard. It has share links and **Add to LinkedIn profile**, and you can paste the page's address anywhere. Whoever opens it sees whether the award is valid, expired or revoked, and can check its signature.""",
            ),
            (
                "badge-privacy",
                "Can I choose the name shown, or keep my award private?",
                """Yes. In **Award settings** (from the award panel on your application's page) choose the name shown on the award page and certificate, and whether the details are public. A private award shows other people only that it exists and is valid. The signed credential files never contain your name or email address.""",
            ),
            (
                "badge-expiry",
                "Does my badge expire?",
                """Only if the micro-credential says so: some are valid for a number of months, and the award page then shows the expiry date. The issuing organization can also revoke an award, and its page then shows the reason.""",
            ),
        ],
    },
]


def load_initial_faq(apps, schema_editor):
    """Create the topics and answers that do not exist yet; leave staff's edits alone."""
    FaqTopic = apps.get_model("helpdesk", "FaqTopic")
    FaqEntry = apps.get_model("helpdesk", "FaqEntry")
    for topic_position, spec in enumerate(TOPICS, start=1):
        topic, _ = FaqTopic.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "position": topic_position * 10,
            },
        )
        for position, (slug, question, answer) in enumerate(spec["entries"], start=1):
            FaqEntry.objects.get_or_create(
                slug=slug,
                defaults={
                    "topic": topic,
                    "question": question,
                    "answer": answer,
                    "position": position * 10,
                },
            )


def unload_initial_faq(apps, schema_editor):
    FaqTopic = apps.get_model("helpdesk", "FaqTopic")
    FaqEntry = apps.get_model("helpdesk", "FaqEntry")
    slugs = [entry[0] for spec in TOPICS for entry in spec["entries"]]
    FaqEntry.objects.filter(slug__in=slugs).delete()
    FaqTopic.objects.filter(slug__in=[spec["slug"] for spec in TOPICS], entries=None).delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_tickets_and_faq")]

    operations = [migrations.RunPython(load_initial_faq, unload_initial_faq)]
