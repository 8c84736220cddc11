"""A labelled set for near-duplicate detection, built for these tests.

Two prompts teachers answer in their own words. Every base answer is an
independent text on its prompt (unrelated answers on the same prompt share
its vocabulary: the hard negatives). ``PARAPHRASES`` retell a base answer's
ideas in new words (labelled NOT duplicates: the check looks for copied text,
and a retelling is the learner's own writing). Near-duplicates are made from
a base answer by the edits a copier makes (``near_duplicates``): swapping
some words, dropping or adding a sentence, reordering sentences; labelled
duplicates.
"""

import random
import re

PROMPT_A = "Describe how you used formative assessment to adjust a lesson."
PROMPT_B = "Reflect on what changed in your students' learning."

BASE_A = [
    "During our fractions unit I started each lesson with a three question exit ticket from the "
    "day before. When more than half of the class missed the question on equivalent fractions I "
    "regrouped students the next morning. One group worked with fraction strips at the back "
    "table while I pulled the others for a short mini lesson using number lines. I listened to "
    "partner talk and wrote notes on sticky notes, which told me who still confused the "
    "numerator with the denominator. By Thursday the exit tickets showed most students could "
    "explain why two fourths equals one half.",
    "I teach ninth grade biology and used mini whiteboards during our cell transport lesson. "
    "After I explained diffusion, every student drew what happens to dye in water and held up "
    "the board. About a third of the drawings showed the dye moving only downward, so I stopped "
    "the planned lab and ran a quick demonstration with warm and cold water. Students predicted, "
    "watched and redrew. I then changed the lab handout to ask for arrows showing movement from "
    "high to low concentration, and the second round of boards was almost entirely correct.",
    "In my second grade reading group I used a running record with each child every Monday. "
    "The records showed that four readers were skipping words they did not know instead of "
    "using the first sound and the picture. I changed my guided reading plan for the week and "
    "modeled a strategy I call try it three ways. We practiced it with a decodable book, and I "
    "gave each child a bookmark with the three steps. On Friday I took new running records and "
    "three of the four children were self correcting.",
    "Our seventh grade writing unit on argument essays began with a quick write where students "
    "stated a claim about school uniforms. I sorted the quick writes into three piles: no "
    "claim, claim without reasons, and claim with reasons. Because the largest pile had claims "
    "without reasons, I rewrote the next two lessons to focus on reasons and evidence instead "
    "of counterclaims. Students used a color coded organizer, and I conferred with the no claim "
    "group at a separate table while the rest drafted.",
    "In high school algebra I used a hinge question before moving from solving equations to "
    "inequalities. The multiple choice question had distractors built from common mistakes, "
    "such as forgetting to flip the sign when dividing by a negative number. Students answered "
    "with colored cards so I could see the room at a glance. Many chose the distractor about "
    "the sign, so I added a short investigation with a number line and real temperatures "
    "before we continued, and the follow up quiz showed the error had mostly disappeared.",
    "As a middle school music teacher I recorded each section of the band playing the warm up "
    "scale and listened that evening. The recordings showed that the clarinets rushed the "
    "eighth notes while the brass were flat on the top note. The next rehearsal I split the "
    "warm up, had the clarinets play with a metronome and gave the brass a tuning drone. I "
    "asked students to rate their own section on a simple rubric, and we compared their "
    "ratings with a second recording at the end of the week.",
]

BASE_B = [
    "My students now talk about their thinking in a way they did not at the start of the year. "
    "Before, they wanted me to tell them whether an answer was right. After we began using exit "
    "tickets and partner explanations, they started checking each other and asking why. Quiz "
    "scores on fractions rose from an average of sixty percent to eighty two percent, but the "
    "bigger change was confidence: quiet students volunteered to explain their models at the "
    "board, and the class began to see mistakes as information rather than failure.",
    "The clearest change was in how students wrote lab conclusions. At the start most simply "
    "restated the data. After I added the claim evidence reasoning frame and gave written "
    "feedback on each conclusion, students began connecting their observations to the concept "
    "of concentration gradients. On the unit test, the share of students who earned full "
    "credit on the open response question doubled. Several students told me that the "
    "whiteboard checks made them less afraid to be wrong in front of others.",
    "My readers became more independent. Early in the year they stopped at every hard word and "
    "looked at me. After practicing the strategy and keeping their bookmarks, most tried the "
    "word on their own first. Running records showed accuracy rising from eighty eight to "
    "ninety five percent for the group, and parents reported that their children were reading "
    "aloud at home without asking for help. I also noticed that the children began coaching "
    "one another during partner reading.",
    "Student essays improved in structure and in the quality of their reasons. In the first "
    "quick write only a third of the class stated a claim with a reason; by the final essay "
    "nearly every student did, and most cited at least two pieces of evidence. The conferences "
    "helped the struggling writers most, and two of them chose to share their essays with the "
    "class. Students also started using the organizer colors to talk about their drafts with "
    "their partners.",
]

# Retellings of BASE_A[0], BASE_A[1], BASE_A[4] and BASE_B[0] in other words.
PARAPHRASES = [
    (
        ("A", 0),
        "Each morning of the fractions unit opened with three short questions carried over from "
        "yesterday. Once I saw that most children had trouble with equivalent fractions, I "
        "reorganized the class: some practiced with paper strips on their own while I taught a "
        "small group with a number line. Notes I took while partners talked showed me which "
        "children mixed up the top and bottom numbers. Toward the end of the week almost "
        "everyone could justify that 2/4 and 1/2 are the same amount.",
    ),
    (
        ("A", 1),
        "While teaching how substances move across cell membranes to my freshmen, I had each "
        "learner sketch dye spreading in a beaker on a small dry erase board. Many sketches had "
        "the dye sinking straight to the bottom. I dropped the lab I had planned and instead "
        "showed food coloring in hot and cold beakers, asking for predictions first. The lab "
        "sheet was then revised to require arrows from more concentrated to less concentrated "
        "areas, and the next set of sketches was nearly all accurate.",
    ),
    (
        ("A", 4),
        "Before the class moved on to inequalities, I posed one diagnostic question whose wrong "
        "options matched typical errors, for example keeping the inequality sign the same after "
        "dividing by a negative. Learners raised colored cards, which let me scan everyone's "
        "choice immediately. Since a large number picked the option about the sign, I inserted "
        "an exploration using a thermometer and a number line, and a later quiz found that very "
        "few students still made that mistake.",
    ),
    (
        ("B", 0),
        "The biggest difference this year is that my class explains its reasoning. In September "
        "they only wanted to hear from me whether they were correct. Once exit tickets and "
        "explaining to a partner became routine, they questioned one another and justified "
        "their answers. Average fraction quiz results climbed from about 60 to 82 percent, yet "
        "what mattered more was that shy children came to the board to present, and errors "
        "became something to learn from instead of something to hide.",
    ),
]

SWAPS = {
    "students": "learners",
    "lesson": "class",
    "class": "group",
    "showed": "revealed",
    "used": "applied",
    "started": "began",
    "changed": "adjusted",
    "most": "many",
    "quick": "short",
    "next": "following",
    "began": "started",
    "asked": "invited",
    "during": "in",
    "week": "unit",
    "children": "kids",
}

EXTRA_SENTENCES = [
    "This matched what our team discussed in our professional learning community.",
    "I plan to use the same approach in the next unit.",
    "The school coach observed one of these lessons and gave me feedback.",
]


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def near_duplicates(text, rng):
    """Copies of ``text`` with the edits a copier makes: each is labelled a duplicate."""
    copies = []
    # 1. light synonym swaps (about one word in ten where a swap exists)
    words = text.split(" ")
    swapped = [SWAPS.get(w, w) if w in SWAPS and rng.random() < 0.5 else w for w in words]
    copies.append(" ".join(swapped))
    # 2. one sentence dropped, one added
    sentences = _sentences(text)
    dropped = sentences[:]
    del dropped[rng.randrange(len(dropped))]
    dropped.insert(rng.randrange(len(dropped) + 1), rng.choice(EXTRA_SENTENCES))
    copies.append(" ".join(dropped))
    # 3. sentences reordered
    reordered = sentences[:]
    rng.shuffle(reordered)
    copies.append(" ".join(reordered))
    # 4. swaps, a dropped sentence and reordering together
    both = _sentences(" ".join(swapped))
    del both[rng.randrange(len(both))]
    rng.shuffle(both)
    copies.append(" ".join(both))
    return copies


def labelled_pairs(seed=7):
    """[(text_a, text_b, is_duplicate, kind)] over the whole set."""
    rng = random.Random(seed)
    bases = [("A", i, t) for i, t in enumerate(BASE_A)] + [
        ("B", i, t) for i, t in enumerate(BASE_B)
    ]
    pairs = []
    for _prompt, _i, text in bases:
        for copy in near_duplicates(text, rng):
            pairs.append((text, copy, True, "near-duplicate"))
    lookup = {(p, i): t for p, i, t in bases}
    for key, paraphrase in PARAPHRASES:
        pairs.append((lookup[key], paraphrase, False, "paraphrase"))
    for x in range(len(bases)):
        for y in range(x + 1, len(bases)):
            if bases[x][0] == bases[y][0]:
                pairs.append((bases[x][2], bases[y][2], False, "same prompt"))
    return pairs
