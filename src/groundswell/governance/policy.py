"""Policy checks on a draft reply: pure, no I/O. `check_draft` runs every check and says, for each
finding, how serious it is, where it is, why it matters and what to do.

Severities for personal data depend on who reads the reply:

    kind          public reply        private reply (direct message)
    card          block               block             (never write a full card number, PCI DSS)
    national id   block               require_approval  (rarely needed; a reviewer confirms)
    IBAN          block               warn              (confirming a refund account in a DM happens)
    phone         require_approval    not reported      (could be the company's own hotline)
    e-mail        require_approval    not reported      (could be the company's own address)

The company's own addresses and numbers, given in `PolicyContext.company_contacts`, are never reported.
Strong profanity blocks a public reply and needs approval in a private one; mild profanity warns.
Commitments (guarantees, full refunds, compensation, promises) and admissions of liability need approval.
A paid advocate's public post without a disclosure is blocked: publishing it would break advertising law."""

from __future__ import annotations

from dataclasses import dataclass

from groundswell.governance import pii, wording
from groundswell.governance.schemas import Finding, PolicyContext, Severity, Span, Visibility


@dataclass(frozen=True)
class PolicyRules:
    offensive_threshold: float = 0.8  # an offensive-language score at or above this needs approval
    excerpt_limit: int = 80  # longer excerpts (whole-draft findings) are cut, ending in "…"


DEFAULT_POLICY_RULES = PolicyRules()

_PII_SEVERITY: dict[tuple[pii.PersonalDataKind, Visibility], Severity | None] = {
    (pii.PersonalDataKind.CARD, Visibility.PUBLIC): Severity.BLOCK,
    (pii.PersonalDataKind.CARD, Visibility.PRIVATE): Severity.BLOCK,
    (pii.PersonalDataKind.NATIONAL_ID, Visibility.PUBLIC): Severity.BLOCK,
    (pii.PersonalDataKind.NATIONAL_ID, Visibility.PRIVATE): Severity.REQUIRE_APPROVAL,
    (pii.PersonalDataKind.IBAN, Visibility.PUBLIC): Severity.BLOCK,
    (pii.PersonalDataKind.IBAN, Visibility.PRIVATE): Severity.WARN,
    (pii.PersonalDataKind.PHONE, Visibility.PUBLIC): Severity.REQUIRE_APPROVAL,
    (pii.PersonalDataKind.PHONE, Visibility.PRIVATE): None,
    (pii.PersonalDataKind.EMAIL, Visibility.PUBLIC): Severity.REQUIRE_APPROVAL,
    (pii.PersonalDataKind.EMAIL, Visibility.PRIVATE): None,
}

# code -> (why it matters, what to do)
EXPLANATIONS: dict[str, tuple[str, str]] = {
    "pii.card": (
        "A payment card number lets anyone who reads it attempt fraud, and card rules (PCI DSS) forbid "
        "sending it in messages.",
        "Remove the number; if you must refer to the card, use only its last four digits.",
    ),
    "pii.national_id": (
        "A national identity number enables identity theft and is special personal data under privacy law.",
        "Remove the number. Never repeat a customer's identity number back to them.",
    ),
    "pii.iban": (
        "A bank account number in a reply exposes the customer's account to fraud.",
        "Remove it, or refer to the account by its last four characters only.",
    ),
    "pii.phone": (
        "A phone number in a public reply may expose the customer's private number to everyone.",
        "Remove it if it is the customer's and ask them to send it by direct message. If it is the company's "
        "own number, add it to the company contacts so it is not flagged again.",
    ),
    "pii.email": (
        "An e-mail address in a public reply may expose the customer's private address to everyone.",
        "Remove it if it is the customer's and continue by direct message. If it is the company's own "
        "address, add it (or its domain) to the company contacts.",
    ),
    "profanity.strong": (
        "Swearing in the company's name damages the brand and can be screenshotted forever.",
        "Rephrase without the word; stay calm even if the customer swore first.",
    ),
    "profanity.mild": (
        "Even mild swearing reads as unprofessional in the company's voice.",
        "Consider a neutral word instead.",
    ),
    "offensive.classifier": (
        "The offensive-language classifier rates this draft as likely offensive.",
        "Reread it as the customer would; a reviewer must confirm before it is sent.",
    ),
    "commitment.guarantee": (
        "A guarantee in writing can bind the company legally and sets an expectation it may not meet.",
        "Describe what you will do instead ('we will look into it'), or get approval for the guarantee.",
    ),
    "commitment.full_refund": (
        "Promising a full refund commits money before the case is assessed.",
        "Say that you will review the refund, or get approval from someone allowed to grant it.",
    ),
    "commitment.compensation": (
        "Promising compensation commits money and can be read as accepting a claim.",
        "Offer to review the case, or get approval for the compensation first.",
    ),
    "commitment.promise": (
        "A promise in the company's name is a commitment customers will hold it to.",
        "Say what you will do without promising an outcome, or get approval.",
    ),
    "liability.admission": (
        "Admitting fault or liability in writing can be used against the company in a claim.",
        "Apologise for the experience without assigning fault ('we are sorry this happened'); legal must approve "
        "any admission.",
    ),
    "tone.cheerful_to_upset": (
        "Cheerful wording or emoji towards an upset customer reads as not taking them seriously.",
        "Drop the exclamation marks, emoji and upbeat words; acknowledge the problem first.",
    ),
    "disclosure.missing": (
        "A paid advocate's post must disclose the relationship (FTC, ASA and EU rules); undisclosed "
        "endorsements are unlawful.",
        "Add #ad, #sponsored or 'paid partnership' where readers see it without expanding the post.",
    ),
}


def check_draft(text: str, context: PolicyContext, rules: PolicyRules = DEFAULT_POLICY_RULES) -> list[Finding]:
    """Every finding in `text`, in reading order. Pure: the same text and context give the same findings."""
    personal = pii.find_personal_data(text, company_contacts=context.company_contacts)
    masked = pii.masked_text(text, personal)
    located: list[tuple[str, Severity, int, int]] = []
    for item in personal:
        severity = _PII_SEVERITY[(item.kind, context.visibility)]
        if severity is not None:
            located.append((f"pii.{item.kind.value}", severity, item.start, item.end))
    located += _wording_findings(text, context, rules)
    findings = [_finding(code, severity, start, end, masked, rules) for code, severity, start, end in located]
    return sorted(findings, key=lambda f: (f.span.start, f.span.end, f.code))


def _wording_findings(text: str, context: PolicyContext, rules: PolicyRules) -> list[tuple[str, Severity, int, int]]:
    public = context.visibility is Visibility.PUBLIC
    located: list[tuple[str, Severity, int, int]] = []
    for match in wording.find_profanity(text):
        strong = match.code == "profanity.strong"
        severity = Severity.WARN if not strong else Severity.BLOCK if public else Severity.REQUIRE_APPROVAL
        located.append((match.code, severity, match.start, match.end))
    if context.offensive_score is not None and context.offensive_score >= rules.offensive_threshold:
        located.append(("offensive.classifier", Severity.REQUIRE_APPROVAL, 0, len(text)))
    for match in wording.find_commitments(text):
        located.append((match.code, Severity.REQUIRE_APPROVAL, match.start, match.end))
    if wording.is_upset(context.customer_sentiment, context.customer_emotion):
        for match in wording.find_cheerful_tone(text):
            located.append((match.code, Severity.WARN, match.start, match.end))
    if context.author_is_paid_advocate and public and not wording.has_disclosure(text):
        located.append(("disclosure.missing", Severity.BLOCK, 0, len(text)))
    return located


def _finding(code: str, severity: Severity, start: int, end: int, masked: str, rules: PolicyRules) -> Finding:
    excerpt = masked[start:end]
    if len(excerpt) > rules.excerpt_limit:
        excerpt = excerpt[: rules.excerpt_limit - 1] + "…"
    why, what_to_do = EXPLANATIONS[code]
    return Finding(
        code=code, severity=severity, span=Span(start=start, end=end, excerpt=excerpt), why=why, what_to_do=what_to_do
    )


def blocking(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """The findings no approval can clear: the text must change."""
    return [f for f in findings if f.severity is Severity.BLOCK]


def needing_approval(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.REQUIRE_APPROVAL]
