"""Demo data for a local run: two issuers, a catalog of credentials, three accounts.

Safe to run again and again: rows are found by slug or email and only the
fields that differ from the values below are written, so a second run changes
nothing and creates no duplicates.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from credentials import services
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

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (published demo accounts, local only)

RIVERSIDE = "riverside-usd"
CTE = "center-for-teaching-excellence"

ORGANIZATIONS = [
    {
        "slug": RIVERSIDE,
        "name": "Riverside Unified School District",
        "description": (
            "A public K-12 district of 31 schools that recognizes teacher growth through "
            "competency-based micro-credentials tied to its professional learning plan."
        ),
        "url": "https://www.riverside-usd.example.org",
        "email": "credentials@riverside-usd.example.org",
    },
    {
        "slug": CTE,
        "name": "Center for Teaching Excellence",
        "description": (
            "A nonprofit professional learning center that designs and assesses "
            "micro-credentials with practicing teachers and university researchers."
        ),
        "url": "https://www.teachingexcellence.example.org",
        "email": "assessment@teachingexcellence.example.org",
    },
]

TOPICS = {
    "formative-assessment": "Formative Assessment",
    "literacy": "Literacy",
    "stem": "STEM",
    "classroom-culture": "Classroom Culture",
    "digital-learning": "Digital Learning",
    "family-engagement": "Family Engagement",
}

USERS: list[dict[str, Any]] = [
    {"email": "learner@example.org", "name": "Lena Alvarez", "is_staff": False, "role": "learner"},
    {
        "email": "assessor@example.org",
        "name": "Marcus Reed",
        "is_staff": False,
        "role": "assessor",
    },
    {"email": "staff@example.org", "name": "Priya Natarajan", "is_staff": True, "role": "staff"},
]


def _prompts(context, plan, reflection, optional_note, impact, next_steps):
    """Parts 1, 3 and 4 follow the same arc in every credential: context and plan,
    reflection on the lesson, impact and next steps."""
    return [
        (Part.OVERVIEW, 1, context, 250, True),
        (Part.OVERVIEW, 2, plan, 300, True),
        (Part.REFLECTION, 1, reflection, 500, True),
        (Part.REFLECTION, 2, optional_note, 150, False),
        (Part.IMPACT, 1, impact, 400, True),
        (Part.IMPACT, 2, next_steps, 250, True),
    ]


CREDENTIALS = [
    {
        "slug": "checking-for-understanding",
        "organization": RIVERSIDE,
        "title": "Checking for Understanding in Real Time",
        "topics": ["formative-assessment"],
        "published": True,
        "estimated_hours": 15,
        "fee_cents": 0,
        "resubmission_fee_cents": 0,
        "summary": (
            "Plan and use quick, whole-class checks for understanding during a lesson, "
            "and adjust instruction on the spot based on what students show you."
        ),
        "overview": (
            "Most misconceptions are visible long before the unit test, if we ask the right "
            "question at the right moment. This micro-credential recognizes teachers who "
            "build deliberate checkpoints into a lesson, gather evidence from every student "
            "(not only the volunteers), and change what happens next because of it.\n\n"
            "You will plan a lesson with at least two hinge-point questions, teach it, and "
            "show how the responses shaped your instruction."
        ),
        "competency": (
            "The educator elicits evidence of every student's understanding during "
            "instruction and uses that evidence to adjust teaching in the moment."
        ),
        "key_method": (
            "Hinge-point questioning with all-student response systems: at a planned point in "
            "the lesson, pose a diagnostic question whose wrong answers reveal specific "
            "misconceptions, collect a response from every student at once, and decide within "
            "a minute whether to move on, regroup or reteach."
        ),
        "method_components": (
            "1. Clear learning intention and success criteria shared with students.\n"
            "2. A hinge-point question written in advance, with each distractor tied to a "
            "known misconception.\n"
            "3. An all-student response system (mini whiteboards, ABCD cards, exit tickets "
            "or a digital poll).\n"
            "4. A decision rule stated before the lesson (for example: move on if 80% answer "
            "correctly; otherwise regroup).\n"
            "5. A planned instructional response for each likely misconception."
        ),
        "research": (
            "Black, P., & Wiliam, D. (1998). Assessment and classroom learning. Assessment in "
            "Education: Principles, Policy & Practice, 5(1), 7-74.\n\n"
            "Leahy, S., Lyon, C., Thompson, M., & Wiliam, D. (2005). Classroom assessment: "
            "Minute by minute, day by day. Educational Leadership, 63(3), 18-24.\n\n"
            "Wiliam, D. (2011). Embedded Formative Assessment. Solution Tree Press.\n\n"
            "Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational "
            "Research, 77(1), 81-112."
        ),
        "evidence_instructions": (
            "Upload the lesson plan with your hinge-point questions marked, and a record of "
            "student responses. Remove or blur student names and faces before uploading."
        ),
        "evidence": [
            (
                "Annotated lesson plan",
                "Mark each hinge-point question, its distractors and your decision rule.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Record of student responses",
                "A tally, photo of whiteboards or poll export showing every student's answer.",
                EvidenceKind.ANY,
                True,
            ),
            (
                "Classroom video (up to 10 minutes)",
                "Optional: a link to a clip of the check and your response to it.",
                EvidenceKind.LINK,
                False,
            ),
        ],
        "prompts": _prompts(
            "Describe your class: grade level, subject, number of students and anything about "
            "their needs that shaped this lesson.",
            "What was the learning intention, and which misconceptions did you design your "
            "hinge-point questions to reveal?",
            "Walk us through the moment you checked for understanding: what did the responses "
            "show, what did you decide, and why?",
            "Is there anything else about the lesson the assessor should know?",
            "What changed for students because you adjusted the lesson? Refer to the "
            "responses you uploaded.",
            "How will you use checks for understanding in your next unit?",
        ),
        "rubric": [
            (
                "Learning intention",
                "The lesson has a clear learning intention and success criteria that the "
                "hinge-point questions are aligned to.",
            ),
            (
                "Diagnostic questions",
                "Each question's wrong answers point to a specific, named misconception.",
            ),
            (
                "Every student responds",
                "The evidence shows responses from all students, gathered at the same time.",
            ),
            (
                "Instructional decision",
                "The educator explains the decision taken and how it follows from the evidence.",
            ),
        ],
    },
    {
        "slug": "close-reading-complex-texts",
        "organization": CTE,
        "title": "Close Reading of Complex Texts",
        "topics": ["literacy"],
        "published": True,
        "estimated_hours": 20,
        "fee_cents": 12500,
        "resubmission_fee_cents": 5000,
        "summary": (
            "Guide students through repeated, purposeful readings of a complex text with "
            "text-dependent questions that build toward a written argument."
        ),
        "overview": (
            "Students grow as readers when they work with texts slightly beyond their "
            "independent level, with support that keeps them in the text rather than "
            "around it. This credential recognizes educators who plan a close reading "
            "sequence, scaffold it without pre-teaching the meaning away, and move students "
            "to evidence-based writing."
        ),
        "competency": (
            "The educator plans and facilitates close reading of a complex text so that "
            "students construct meaning from textual evidence and use it in writing."
        ),
        "key_method": (
            "A sequence of three readings with a distinct purpose each (what the text says, "
            "how it says it, what it means), driven by text-dependent questions and "
            "annotation, ending in a short written response that cites the text."
        ),
        "method_components": (
            "1. Text selection justified by quantitative and qualitative complexity.\n"
            "2. A sequence of text-dependent questions moving from literal to inferential.\n"
            "3. Annotation routines students use independently.\n"
            "4. Collaborative discussion in which students cite lines from the text.\n"
            "5. A culminating writing task scored against a shared rubric."
        ),
        "research": (
            "Fisher, D., & Frey, N. (2012). Close reading in elementary schools. The Reading "
            "Teacher, 66(3), 179-188.\n\n"
            "Shanahan, T., Callison, K., Carriere, C., Duke, N. K., Pearson, P. D., "
            "Schatschneider, C., & Torgesen, J. (2010). Improving reading comprehension in "
            "kindergarten through 3rd grade (NCEE 2010-4038). Institute of Education "
            "Sciences, U.S. Department of Education.\n\n"
            "Kamil, M. L., Borman, G. D., Dole, J., Kral, C. C., Salinger, T., & Torgesen, J. "
            "(2008). Improving adolescent literacy: Effective classroom and intervention "
            "practices (NCEE 2008-4027). Institute of Education Sciences.\n\n"
            "Beck, I. L., McKeown, M. G., & Kucan, L. (2013). Bringing Words to Life: Robust "
            "Vocabulary Instruction (2nd ed.). Guilford Press."
        ),
        "evidence_instructions": (
            "Upload the text (or a citation if it is under copyright), your question "
            "sequence, and three samples of student writing at different levels."
        ),
        "evidence": [
            (
                "Text and complexity rationale",
                "The text or its citation, with a short note on why it is complex for your "
                "students.",
                EvidenceKind.ANY,
                True,
            ),
            (
                "Text-dependent question sequence",
                "The questions for each reading, in order.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Student writing samples",
                "Three de-identified samples: one strong, one developing, one emerging.",
                EvidenceKind.FILE,
                True,
            ),
        ],
        "prompts": _prompts(
            "Describe your students as readers: grade, range of reading levels and any "
            "language or learning needs you planned for.",
            "Why did you choose this text, and how does your question sequence move students "
            "from what the text says to what it means?",
            "Describe the discussion during the second or third reading. Where did students "
            "use evidence well, and where did they struggle?",
            "Optional: note anything you changed from your plan while teaching.",
            "Using the three writing samples, explain what students learned to do with "
            "textual evidence.",
            "What will you change the next time you plan a close reading sequence?",
        ),
        "rubric": [
            ("Text selection", "The text is complex for these students, and the reason is clear."),
            (
                "Question sequence",
                "Questions can only be answered from the text and build in depth across readings.",
            ),
            (
                "Student discourse",
                "Students cite specific lines to support or challenge each other's ideas.",
            ),
            (
                "Writing from evidence",
                "The writing samples show students using quoted or paraphrased evidence.",
            ),
            (
                "Reflection on growth",
                "The educator analyses the samples honestly and names next steps.",
            ),
        ],
    },
    {
        "slug": "productive-mathematics-discussions",
        "organization": CTE,
        "title": "Orchestrating Productive Mathematics Discussions",
        "topics": ["stem", "formative-assessment"],
        "published": True,
        "estimated_hours": 25,
        "fee_cents": 15000,
        "resubmission_fee_cents": 7500,
        "summary": (
            "Use the five practices (anticipate, monitor, select, sequence, connect) to turn "
            "student solutions to a rich task into a whole-class mathematics discussion."
        ),
        "overview": (
            "A cognitively demanding task produces a range of student strategies. The "
            "discussion that follows decides whether those strategies become shared "
            "understanding or a string of show-and-tell presentations. This credential "
            "recognizes educators who plan and lead that discussion deliberately."
        ),
        "competency": (
            "The educator uses students' own solutions to a high-level task to lead a "
            "discussion that connects strategies to the mathematical goal of the lesson."
        ),
        "key_method": (
            "The five practices for orchestrating productive discussions: anticipating "
            "student responses, monitoring work in progress, selecting and sequencing "
            "solutions to share, and connecting them to each other and to the key idea."
        ),
        "method_components": (
            "1. A task with high cognitive demand and multiple entry points.\n"
            "2. A written list of anticipated strategies and errors.\n"
            "3. A monitoring chart used during work time.\n"
            "4. A deliberate selection and order of student presenters.\n"
            "5. Talk moves (revoicing, pressing for reasoning, adding on) that connect ideas."
        ),
        "research": (
            "Smith, M. S., & Stein, M. K. (2011). 5 Practices for Orchestrating Productive "
            "Mathematics Discussions. National Council of Teachers of Mathematics.\n\n"
            "Stein, M. K., Engle, R. A., Smith, M. S., & Hughes, E. K. (2008). Orchestrating "
            "productive mathematical discussions: Five practices for helping teachers move "
            "beyond show and tell. Mathematical Thinking and Learning, 10(4), 313-340.\n\n"
            "Chapin, S. H., O'Connor, C., & Anderson, N. C. (2009). Classroom Discussions: "
            "Using Math Talk to Help Students Learn (2nd ed.). Math Solutions.\n\n"
            "National Council of Teachers of Mathematics. (2014). Principles to Actions: "
            "Ensuring Mathematical Success for All. NCTM."
        ),
        "evidence_instructions": (
            "Upload your planning documents and your completed monitoring chart, and link a "
            "video of the whole-class discussion (unlisted or access-controlled)."
        ),
        "evidence": [
            (
                "Task and anticipation document",
                "The task, the mathematical goal and your anticipated strategies.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Completed monitoring chart",
                "Show which students used which strategy and whom you selected.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Discussion video (10-15 minutes)",
                "A link to an unlisted or access-controlled recording.",
                EvidenceKind.LINK,
                True,
            ),
        ],
        "prompts": _prompts(
            "Describe your class and where this lesson sits in the unit.",
            "State the mathematical goal and explain why the task is a good fit for it.",
            "Explain how you selected and sequenced the solutions that were shared, and how "
            "the discussion connected them.",
            "Optional: describe a moment in the discussion that surprised you.",
            "What evidence do you have that students understood the mathematical goal by "
            "the end of the lesson?",
            "Which of the five practices will you focus on next, and how?",
        ),
        "rubric": [
            ("Task demand", "The task requires reasoning, not only recall of a procedure."),
            (
                "Anticipation",
                "Anticipated strategies are specific and include likely errors.",
            ),
            (
                "Selection and sequence",
                "The order of shared work is purposeful and explained.",
            ),
            (
                "Connections",
                "The video shows the educator helping students connect strategies to the goal.",
            ),
        ],
    },
    {
        "slug": "restorative-circles",
        "organization": RIVERSIDE,
        "title": "Restorative Circles for Classroom Community",
        "topics": ["classroom-culture"],
        "published": True,
        "estimated_hours": 15,
        "fee_cents": 7500,
        "resubmission_fee_cents": 0,
        "summary": (
            "Build trust and repair harm with regular community-building circles and a "
            "responsive circle after a conflict."
        ),
        "overview": (
            "Relationships are the foundation of a classroom where students take academic "
            "risks. Restorative circles give every student a voice, set shared norms, and "
            "offer a way to repair harm that keeps students in the room. This credential "
            "recognizes educators who run circles consistently and use them when it matters."
        ),
        "competency": (
            "The educator uses restorative circles to build community proactively and to "
            "respond to harm in ways that restore relationships."
        ),
        "key_method": (
            "A weekly proactive circle with a talking piece and co-created norms, plus a "
            "responsive circle using restorative questions when harm occurs."
        ),
        "method_components": (
            "1. Co-created circle agreements posted and revisited.\n"
            "2. A consistent opening, check-in, main round and closing.\n"
            "3. A talking piece and an invitation (never a requirement) to pass.\n"
            "4. Restorative questions: What happened? Who was affected? What is needed to "
            "make things right?\n"
            "5. Follow-up on agreements made in a responsive circle."
        ),
        "research": (
            "Costello, B., Wachtel, J., & Wachtel, T. (2010). Restorative Circles in Schools: "
            "Building Community and Enhancing Learning. International Institute for "
            "Restorative Practices.\n\n"
            "Gregory, A., Clawson, K., Davis, A., & Gerewitz, J. (2016). The promise of "
            "restorative practices to transform teacher-student relationships and achieve "
            "equity in school discipline. Journal of Educational and Psychological "
            "Consultation, 26(4), 325-353.\n\n"
            "Okonofua, J. A., Paunesku, D., & Walton, G. M. (2016). Brief intervention to "
            "encourage empathic discipline cuts suspension rates in half among adolescents. "
            "Proceedings of the National Academy of Sciences, 113(19), 5221-5226."
        ),
        "evidence_instructions": (
            "Upload circle plans for three proactive circles and notes from one responsive "
            "circle. Do not include student names or identifying details of any incident."
        ),
        "evidence": [
            (
                "Three proactive circle plans",
                "Prompts, agreements and closing for each circle.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Responsive circle notes",
                "De-identified notes with the questions asked and agreements reached.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Student feedback",
                "A survey or exit slips on how students experience circles.",
                EvidenceKind.ANY,
                True,
            ),
        ],
        "prompts": _prompts(
            "Describe your classroom community before you began circles.",
            "How did you introduce circles and co-create agreements with students?",
            "Describe the responsive circle: what prompted it, how you facilitated it, and "
            "what was agreed.",
            "Optional: describe how you supported a student who chose to pass.",
            "What has changed in your classroom community? Use the student feedback.",
            "How will you sustain circles through the rest of the year?",
        ),
        "rubric": [
            ("Consistency", "Circles happen regularly with a recognizable structure."),
            ("Student voice", "Agreements and prompts reflect students' input."),
            (
                "Repairing harm",
                "The responsive circle uses restorative questions and ends with agreements.",
            ),
            ("Impact", "Student feedback is analysed and connected to next steps."),
        ],
    },
    {
        "slug": "universal-design-digital-lessons",
        "organization": CTE,
        "title": "Universal Design for Digital Lessons",
        "topics": ["digital-learning"],
        "published": True,
        "estimated_hours": 18,
        "fee_cents": 12500,
        "resubmission_fee_cents": 6000,
        "summary": (
            "Design a digital lesson that every student can perceive, navigate and engage "
            "with, using the Universal Design for Learning guidelines and accessibility basics."
        ),
        "overview": (
            "A digital lesson can widen or narrow who gets to learn. This credential "
            "recognizes educators who design online or blended lessons with flexible means of "
            "engagement, representation and expression, and who check that their materials "
            "work with assistive technology."
        ),
        "competency": (
            "The educator designs a digital lesson that reduces barriers for all learners by "
            "applying Universal Design for Learning and accessibility standards."
        ),
        "key_method": (
            "UDL-based lesson design: identify barriers in a current lesson, offer multiple "
            "means of engagement, representation, and action and expression, and verify "
            "accessibility (captions, alt text, headings, contrast, keyboard use)."
        ),
        "method_components": (
            "1. A barrier analysis of an existing lesson.\n"
            "2. At least two options for how students access the content.\n"
            "3. At least two options for how students show what they learned.\n"
            "4. An accessibility check of every digital material.\n"
            "5. Student choice data and feedback after the lesson."
        ),
        "research": (
            "CAST (2018). Universal Design for Learning Guidelines version 2.2. "
            "https://udlguidelines.cast.org\n\n"
            "Meyer, A., Rose, D. H., & Gordon, D. (2014). Universal Design for Learning: "
            "Theory and Practice. CAST Professional Publishing.\n\n"
            "Mayer, R. E. (2009). Multimedia Learning (2nd ed.). Cambridge University Press.\n\n"
            "World Wide Web Consortium (2018). Web Content Accessibility Guidelines (WCAG) "
            "2.1. https://www.w3.org/TR/WCAG21/"
        ),
        "evidence_instructions": (
            "Share the lesson itself (a link students would use) and upload your barrier "
            "analysis and accessibility checklist."
        ),
        "evidence": [
            (
                "Link to the digital lesson",
                "A link the assessor can open without a student account.",
                EvidenceKind.LINK,
                True,
            ),
            (
                "Barrier analysis",
                "The original lesson's barriers and how your redesign addresses each.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Accessibility checklist",
                "Your completed check of captions, alt text, headings, contrast and keyboard use.",
                EvidenceKind.FILE,
                True,
            ),
        ],
        "prompts": _prompts(
            "Describe your learners and the technology they use to access lessons.",
            "Which barriers did you find in the original lesson, and which UDL guidelines "
            "did you apply to remove them?",
            "How did students use the options you offered? What surprised you?",
            "Optional: describe any assistive technology you tested the lesson with.",
            "What difference did the redesign make to students' access and learning?",
            "How will you apply this design process to other lessons?",
        ),
        "rubric": [
            ("Barrier analysis", "Barriers are specific and tied to real learners."),
            (
                "Flexible options",
                "The lesson offers real choices for representation and for expression.",
            ),
            ("Accessibility", "Materials meet the checklist, including captions and alt text."),
            ("Use of data", "Student choices and feedback inform the reflection."),
        ],
    },
    {
        "slug": "two-way-family-communication",
        "organization": RIVERSIDE,
        "title": "Two-Way Communication with Families",
        "topics": ["family-engagement"],
        "published": True,
        "estimated_hours": 12,
        "fee_cents": 7500,
        "resubmission_fee_cents": 2500,
        "summary": (
            "Set up regular, positive, two-way communication with every family, in the "
            "languages they use, and link it to what students are learning."
        ),
        "overview": (
            "Families are more likely to support learning at home when they hear from "
            "teachers early, often and about more than problems. This credential recognizes "
            "educators who build a communication routine that reaches every family and "
            "invites families to share what they know about their children."
        ),
        "competency": (
            "The educator establishes two-way, learning-focused communication with the "
            "families of all students."
        ),
        "key_method": (
            "A communication plan with a positive first contact for every family, a regular "
            "learning update with a concrete at-home activity, and a channel for families to "
            "respond in their preferred language."
        ),
        "method_components": (
            "1. A family survey about preferred language, channel and time.\n"
            "2. A positive first contact with every family within the first weeks.\n"
            "3. A regular learning update with one activity families can do at home.\n"
            "4. A log showing reach and responses across all families.\n"
            "5. Adjustments based on who is and is not being reached."
        ),
        "research": (
            "Henderson, A. T., & Mapp, K. L. (2002). A New Wave of Evidence: The Impact of "
            "School, Family, and Community Connections on Student Achievement. Southwest "
            "Educational Development Laboratory.\n\n"
            "Mapp, K. L., & Kuttner, P. J. (2013). Partners in Education: A Dual "
            "Capacity-Building Framework for Family-School Partnerships. SEDL and U.S. "
            "Department of Education.\n\n"
            "Kraft, M. A., & Dougherty, S. M. (2013). The effect of teacher-family "
            "communication on student engagement: Evidence from a randomized field "
            "experiment. Journal of Research on Educational Effectiveness, 6(3), 199-222.\n\n"
            "Kraft, M. A., & Rogers, T. (2015). The underutilized potential of "
            "teacher-to-parent communication: Evidence from a field experiment. Economics of "
            "Education Review, 47, 49-63."
        ),
        "evidence_instructions": (
            "Upload your communication plan, two sample messages and a de-identified contact "
            "log (family A, B, C... rather than names)."
        ),
        "evidence": [
            ("Communication plan", "Channels, languages and schedule.", EvidenceKind.FILE, True),
            (
                "Two sample messages",
                "One positive first contact and one learning update.",
                EvidenceKind.FILE,
                True,
            ),
            (
                "Contact log",
                "De-identified, showing reach and family responses over at least six weeks.",
                EvidenceKind.FILE,
                True,
            ),
        ],
        "prompts": _prompts(
            "Describe the families in your class: languages, channels and any barriers to "
            "communication.",
            "What is your communication plan, and how did the family survey shape it?",
            "Which families did you reach easily, which did you not, and what did you change?",
            "Optional: share something a family told you that changed your teaching.",
            "What effect has the communication had on students and families? Use the log.",
            "How will you keep the routine going and reach the families you missed?",
        ),
        "rubric": [
            ("Reach", "The log shows contact with every family, in their preferred language."),
            ("Positive first contact", "Each family heard something positive early on."),
            ("Two-way", "Families have a real way to respond, and responses are acted on."),
            ("Learning focus", "Updates connect to classroom learning with an at-home activity."),
        ],
    },
    {
        "slug": "engineering-design-challenges",
        "organization": RIVERSIDE,
        "title": "Engineering Design Challenges in the Elementary Classroom",
        "topics": ["stem"],
        "published": False,
        "estimated_hours": 20,
        "fee_cents": 15000,
        "resubmission_fee_cents": 7500,
        "summary": (
            "Lead students through an engineering design challenge in which they define a "
            "problem, test solutions and improve them from evidence."
        ),
        "overview": (
            "Engineering gives students a reason to use science and mathematics, and a safe "
            "way to learn from failure. This credential, still in preparation, recognizes "
            "educators who run a complete design cycle with their students."
        ),
        "competency": (
            "The educator facilitates an engineering design challenge in which students "
            "iterate on solutions using evidence from tests."
        ),
        "key_method": (
            "The engineering design cycle: ask, imagine, plan, create, test and improve, with "
            "criteria and constraints defined at the start."
        ),
        "method_components": (
            "1. A problem with clear criteria and constraints.\n"
            "2. Team roles and design notebooks.\n"
            "3. Fair tests with recorded data.\n"
            "4. At least one redesign informed by test results.\n"
            "5. A public sharing of designs and what was learned."
        ),
        "research": (
            "National Research Council (2012). A Framework for K-12 Science Education: "
            "Practices, Crosscutting Concepts, and Core Ideas. National Academies Press.\n\n"
            "NGSS Lead States (2013). Next Generation Science Standards: For States, By "
            "States. National Academies Press.\n\n"
            "Cunningham, C. M. (2018). Engineering in Elementary STEM Education: Curriculum "
            "Design, Instruction, Learning, and Assessment. Teachers College Press."
        ),
        "evidence_instructions": (
            "Upload the challenge brief, two design notebooks and test data, and link a short "
            "video of students presenting their redesigns."
        ),
        "evidence": [
            ("Challenge brief", "Problem, criteria and constraints.", EvidenceKind.FILE, True),
            ("Design notebooks", "Two de-identified notebooks.", EvidenceKind.FILE, True),
            ("Presentation video", "A link to students sharing.", EvidenceKind.LINK, False),
        ],
        "prompts": _prompts(
            "Describe your students and their experience with science and engineering.",
            "What problem did students solve, and how did you define criteria and constraints?",
            "Describe how one team used test data to improve its design.",
            "Optional: what did you do when a design failed outright?",
            "What did students learn about engineering and about the science involved?",
            "What will you change before running the challenge again?",
        ),
        "rubric": [
            ("Problem framing", "Criteria and constraints are clear and measurable."),
            ("Iteration", "Designs change because of test evidence."),
            ("Student reasoning", "Students explain design choices with data."),
        ],
    },
]


def _upsert(model, lookup: dict, values: dict):
    """Find a row by ``lookup`` and write only the ``values`` that differ.

    Returns (row, created, changed). A row that already matches is not saved at
    all, so its ``updated_at`` stays put on a second run.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=changed + auto_now)
    return obj, False, bool(changed)


class Command(BaseCommand):
    help = "Create or refresh demo organizations, credentials and accounts (safe to repeat)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "seed_demo creates accounts with a published password; "
                "it does not run with production settings."
            )
        self.tally = {"created": 0, "updated": 0}
        with transaction.atomic():
            organizations = self._organizations()
            topics = self._topics()
            for spec in CREDENTIALS:
                self._credential(spec, organizations, topics)
            self._users()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {self.tally['created']} rows created, "
                f"{self.tally['updated']} updated."
            )
        )
        self.stdout.write("")
        # SITE_URL follows `make run PORT=...` (config.settings.local).
        self.stdout.write(f"Open {settings.SITE_URL} and log in with one of these accounts:")
        for user in USERS:
            self.stdout.write(f"  {user['role']:<9} {user['email']:<22} password: {DEMO_PASSWORD}")
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/ (staff account)")

    def _count(self, created: bool, changed: bool) -> None:
        if created:
            self.tally["created"] += 1
        elif changed:
            self.tally["updated"] += 1

    def _save(self, model, lookup: dict, values: dict):
        obj, created, changed = _upsert(model, lookup, values)
        self._count(created, changed)
        return obj

    def _organizations(self) -> dict[str, Organization]:
        result = {}
        for spec in ORGANIZATIONS:
            values = {k: v for k, v in spec.items() if k != "slug"}
            result[spec["slug"]] = self._save(Organization, {"slug": spec["slug"]}, values)
        return result

    def _topics(self) -> dict[str, Topic]:
        return {
            slug: self._save(Topic, {"slug": slug}, {"name": name}) for slug, name in TOPICS.items()
        }

    def _credential(self, spec: dict, organizations: dict, topics: dict) -> MicroCredential:
        text_fields = [
            "title",
            "summary",
            "overview",
            "competency",
            "key_method",
            "method_components",
            "research",
            "evidence_instructions",
            "estimated_hours",
            "fee_cents",
            "resubmission_fee_cents",
        ]
        values = {name: spec[name] for name in text_fields}
        values["organization"] = organizations[spec["organization"]]
        values["currency"] = "usd"
        credential, created, changed = _upsert(MicroCredential, {"slug": spec["slug"]}, values)
        self._count(created, changed)

        wanted_topics = {topics[slug].pk for slug in spec["topics"]}
        if set(credential.topics.values_list("pk", flat=True)) != wanted_topics:
            credential.topics.set(wanted_topics)
            self._count(False, not created)

        for part, position, text, word_limit, required in spec["prompts"]:
            self._save(
                Prompt,
                {"credential": credential, "part": part, "position": position},
                {"text": text, "word_limit": word_limit, "required": required},
            )
        for position, (title, description, kind, required) in enumerate(spec["evidence"], 1):
            self._save(
                EvidenceRequirement,
                {"credential": credential, "position": position},
                {"title": title, "description": description, "kind": kind, "required": required},
            )
        for position, (title, description) in enumerate(spec["rubric"], 1):
            self._save(
                RubricCriterion,
                {"credential": credential, "position": position},
                {"title": title, "description": description},
            )

        # Publication state is set once, when the row is new, so staff can unpublish
        # or publish demo credentials without the next run undoing it.
        if created and spec["published"]:
            services.credential_publish(credential=credential)
        return credential

    def _users(self) -> None:
        # The assessor's scopes are granted by seed_demo_activity: assessments
        # sits above credentials, so this app does not call its services.
        for spec in USERS:
            is_staff = spec["is_staff"]
            values = {"name": spec["name"], "is_staff": is_staff, "is_superuser": is_staff}
            user = User.objects.filter(email=spec["email"]).first()
            if user is None:
                user = User.objects.create_user(spec["email"], DEMO_PASSWORD, **values)
                self._count(True, True)
            else:
                user = self._save(User, {"email": spec["email"]}, values)
                if not user.check_password(DEMO_PASSWORD):
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                    self._count(False, True)

            # One primary address per user: demote any other before promoting this one.
            EmailAddress.objects.filter(user=user, primary=True).exclude(
                email=spec["email"]
            ).update(primary=False)
            self._save(
                EmailAddress,
                {"user": user, "email": spec["email"]},
                {"verified": True, "primary": True},
            )
