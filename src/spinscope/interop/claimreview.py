"""schema.org ClaimReview out: any bank of the case bank as JSON-LD, as search engines and other fact-checkers'
tools read it; and the rating scale of the newsroom's own verdicts (`newsroom_case`).

Each case is one ClaimReview: `claimReviewed` (the claim), `name` (its title), `reviewRating` (the rating on
`SCALE`, its value, best and worst), `reviewBody` (the rebuttal), `url` (the review's page), `datePublished`,
`inLanguage`, `author` (the fact-checker) and `itemReviewed`, a Claim with where it appeared (`author`, and
`appearance` when that is a URL). `casebank import --format claimreview` reads the output back to the same cases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..casebank.store import Case
from ..errors import Errors, InputError

SCALE = ("False", "Mostly false", "Misleading", "Unproven", "Mostly true", "True")  # ratingValue 1..6
NEWSROOM = "newsroom"  # the bank of the verdicts recorded in the web app


def claimreview(cases: Iterable[Case]) -> dict[str, Any]:
    """The cases as one JSON-LD document (schema.org context, the reviews in `@graph`)."""
    return {"@context": "https://schema.org", "@graph": [_review(case) for case in cases]}


def _review(case: Case) -> dict[str, Any]:
    review: dict[str, Any] = {"@type": "ClaimReview", "@id": case.id, "claimReviewed": case.claim, "name": case.title}
    body = case.rebuttal or ""
    if case.rating:  # the importer reads the rebuttal as "<rating>: <body>"
        body = "" if body == case.rating else body.removeprefix(f"{case.rating}: ")
        review["reviewRating"] = _rating(case.rating)
    if body:
        review["reviewBody"] = body
    optional = {"url": case.url, "datePublished": case.date, "inLanguage": case.language}
    review |= {key: value for key, value in optional.items() if value}
    if case.author:
        review["author"] = {"@type": "Organization", "name": case.author}
    if case.keywords:
        review["keywords"] = ", ".join(case.keywords)
    claim: dict[str, Any] = {"@type": "Claim"}
    if case.outlet:
        claim["author"] = {"@type": "Organization", "name": case.outlet}
        if case.outlet.startswith(("http://", "https://")):
            claim["appearance"] = [{"@type": "CreativeWork", "url": case.outlet}]
    review["itemReviewed"] = claim
    return review


def _rating(name: str) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": name}
    if name in SCALE:
        rating |= {"ratingValue": SCALE.index(name) + 1, "bestRating": len(SCALE), "worstRating": 1}
    return rating


def newsroom_case(
    claim: str, *, rating: str, rebuttal: str, link: str, author: str, appeared: str | None, language: str | None
) -> Case:
    """A verdict recorded by the newsroom on a claim of a stored document, as a case of the `newsroom` bank."""
    if rating not in SCALE:
        raise InputError(Errors.E1108(what="rating", kind="one of " + ", ".join(SCALE)))
    key = hashlib.sha1(f"{claim}\n{appeared or ''}".encode()).hexdigest()[:12]
    return Case(
        id=f"{NEWSROOM}-{key}", bank=NEWSROOM, title=claim, claim=claim,
        rebuttal=f"{rating}: {rebuttal}" if rebuttal else rating, date=datetime.now(UTC).date().isoformat(),
        language=language, outlet=appeared, url=link or None, rating=rating, author=author or None,
    )  # fmt: skip
