"""Bulk seeding of a realistic volume for the benchmark.

At scale 1.0: 200 credentials (6 prompts, 3 evidence requirements and 4
rubric criteria each) from 20 organizations, 20,000 learners, 300
assessors, about 200,000 submissions in every state (about 54% in review,
so more than 100,000 open reviews), with their responses, attachment
metadata (file names point at keys that do not exist), links,
attestations, history in the audit trail, payments, coupon redemptions,
reviews with assignments and rubric scores, awards and issued badges.

Rows are built in memory per chunk of learners as plain tuples
(``Table.row``, no model instances) and written with PostgreSQL's COPY
(``Bulk.copy``); the rows that follow from them (answers, evidence,
attestations, audit trails, assignments, rubric scores) are then written in
SQL from the rows already in (``Applications.children``,
``Reviews.assignments``); primary keys are reserved from each table's sequence up front
so children can point at their parents without a round trip (PostgreSQL
only). The whole seed is one transaction, and the bulky tables are loaded
without their indexes, keys and foreign keys, which are built once at the end
(``load.bare_tables``). A fixed random seed makes two runs at the same scale
identical.

Each app's rows come from a builder of their own, which leaves them as that
app's services would and asks the app for its rules (the SLA dates, the
table of status moves, coupon discounts, badge validity) rather than
repeating them:

    base          reserved ids, plain rows and COPY, the seeded random source, the clock
    load          the bulky tables stripped of indexes and constraints, then rebuilt
    accounts      users with verified addresses (and authenticators)
    credentials   organizations, topics, credentials and their parts; favorites
    payments      coupons; each paid application's payment and coupon use
    assessments   assessors' scopes; reviews, assignments, scores, awards
    badges        issuer keys, status lists, issued badges
    submissions   an application's rows and its trail in the audit log
    seeder        the run: sizes, each learner's plan, times, probe accounts

Probe accounts (``PROBES``) give each page a small and a large subject, so
query counts can be compared at two data sizes in one database.
"""

from .seeder import MARKER_EMAIL, PROBES, Seeder, sizes

__all__ = ["MARKER_EMAIL", "PROBES", "Seeder", "sizes"]
