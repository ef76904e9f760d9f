"""The governance context of a new draft, built from what is stored about its case.

- the author's roles: their company role, plus "trainee" when flagged (`rules.actor_roles`);
- the customer: the case's customer (or the answered post's author): followers from `authors.followers`,
  tier from the routing signals, the posts' `author_tier` attribute or the case's tags;
- urgency: the highest stored urgency score among the case's posts (an urgent message earlier in the
  thread still needs care when a later "any news?" is answered);
- sentiment and emotion: those of the post answered (the reply's tone is judged against it);
- whatever the case's routing decided: approval required, and by which role;
- the policy context: visibility, the customer's sentiment and emotion, the company's own contacts and
  the draft's offensive-language score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.governance.schemas import DraftContext, PolicyContext, Visibility
from groundswell.models import Author, Case, Employee, Post
from groundswell.replies import repository
from groundswell.replies.rules import actor_roles, customer_tier, label_of, routing_approval, urgency_score


@dataclass(frozen=True)
class CaseFacts:
    """What a draft on this case answers: the case, the post answered and the customer."""

    case: Case
    posts: Sequence[Post]
    answered: Post | None
    customer: Author | None


def case_facts(session: Session, case: Case, in_reply_to_post_id: int | None) -> CaseFacts:
    posts = repository.case_posts(session, case.id)
    if in_reply_to_post_id is not None:
        answered = next((p for p in posts if p.id == in_reply_to_post_id), None)
        if answered is None:
            raise InvalidInput(
                f"post {in_reply_to_post_id} is not part of case {case.id}; its posts are "
                f"{', '.join(str(p.id) for p in posts) or 'none'}"
            )
    else:
        answered = latest_customer_post(posts, case.customer_id)
    customer_id = case.customer_id or (answered.author_id if answered else None)
    return CaseFacts(case, posts, answered, repository.author_by_id(session, customer_id))


def latest_customer_post(posts: Sequence[Post], customer_id: int | None) -> Post | None:
    """The newest post by the case's customer; the newest post at all when the customer is unknown."""
    theirs = [p for p in posts if customer_id is None or p.author_id == customer_id] or list(posts)
    return theirs[-1] if theirs else None


def draft_context(
    session: Session,
    *,
    facts: CaseFacts,
    author: Employee,
    visibility: Visibility,
    offensive_score: float | None,
    company_contacts: Sequence[str] = (),
    named_approver: str | None = None,
) -> DraftContext:
    values = repository.enrichments(session, [p.id for p in facts.posts], ("urgency", "sentiment", "emotion"))
    urgencies = [u for p in facts.posts if (u := urgency_score(values[p.id].get("urgency"))) is not None]
    answered = values.get(facts.answered.id, {}) if facts.answered else {}
    case = facts.case
    return DraftContext(
        author=author.handle,
        author_roles=actor_roles(author.role, trainee=author.trainee, requirement=None),
        customer_followers=facts.customer.followers if facts.customer else None,
        customer_tier=customer_tier(case.routing, [p.attributes or {} for p in facts.posts], case.tags or ()),
        urgency=max(urgencies) if urgencies else None,
        policy=PolicyContext(
            visibility=visibility,
            customer_sentiment=label_of(answered.get("sentiment")),
            customer_emotion=label_of(answered.get("emotion")),
            offensive_score=offensive_score,
            company_contacts=tuple(company_contacts),
        ),
        named_approver=named_approver,
        required_approval=routing_approval(case.routing, case.id) if case.requires_approval else None,
        required_role=case.approver_role if case.requires_approval else None,
    )
