"""What the words of a draft commit the company to, and how they sound: profanity, promises and admissions
of liability, cheerfulness towards an upset customer, and a missing advertising disclosure.

Each finder returns `Match`es (a code and where); policy.py gives them severities and explanations."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    code: str
    start: int
    end: int


# ---- profanity ----------------------------------------------------------------------------------

# Whole words only, so that Scunthorpe, assess, class, cocktail and Dickens pass. Inflections are listed
# rather than matched by prefix for the same reason.
STRONG_PROFANITY = (
    "fuck", "fucks", "fucked", "fucking", "fucker", "fuckers", "motherfucker", "shit", "shits", "shitty",
    "bullshit", "ass", "asses", "asshole", "assholes", "arse", "arsehole", "bitch", "bitches", "bastard",
    "bastards", "cunt", "cunts", "dick", "dickhead", "cock", "prick", "twat", "wanker", "bollocks", "piss",
    "pissed", "pissing", "slut", "whore",
)  # fmt: skip
MILD_PROFANITY = ("damn", "damned", "dammit", "goddamn", "crap", "crappy", "bloody", "sucks")

# Masked spellings ("f*ck", "sh!t", "@ss") mean the same: each vowel may be written as a symbol.
_VOWEL_STAND_INS = {"a": "a@4*", "e": "e3*", "i": "i1!*", "o": "o0*", "u": "u*"}


def _word_pattern(word: str) -> str:
    return "".join(f"[{re.escape(_VOWEL_STAND_INS[c])}]" if c in _VOWEL_STAND_INS else re.escape(c) for c in word)


def _word_list_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_STRONG = _word_list_pattern(STRONG_PROFANITY)
_MILD = _word_list_pattern(MILD_PROFANITY)


def find_profanity(text: str) -> list[Match]:
    found = [Match("profanity.strong", m.start(), m.end()) for m in _STRONG.finditer(text)]
    found += [Match("profanity.mild", m.start(), m.end()) for m in _MILD.finditer(text)]
    return found


# ---- commitments and liability ------------------------------------------------------------------

_WE = r"\b(?:we|i)(?:['’]ll|\s+will|\s+shall|\s+are\s+going\s+to|\s+am\s+going\s+to)\s+(?:\w+\s+)?"
COMMITMENT_PATTERNS = {
    "commitment.guarantee": re.compile(r"\bguarantee(?:s|d)?\b", re.IGNORECASE),
    "commitment.full_refund": re.compile(
        r"\b(?:full|100\s?%|complete)\s+refund\b|\brefund\s+(?:you\s+)?in\s+full\b", re.IGNORECASE
    ),
    "commitment.compensation": re.compile(
        _WE + r"(?:compensate|reimburse|pay\s+for|cover\s+the\s+costs?)\b", re.IGNORECASE
    ),
    "commitment.promise": re.compile(r"\bpromise(?:s|d)?\b", re.IGNORECASE),
    "liability.admission": re.compile(
        r"\bour\s+(?:own\s+)?(?:fault|negligence)\b"
        r"|\bwe(?:\s+are|['’]re|\s+were)\s+(?:fully\s+|legally\s+|entirely\s+)?(?:liable|negligent)\b"
        r"|\bwe\s+(?:accept|admit)\s+(?:full\s+|all\s+)?(?:liability|responsibility\s+for\s+the\s+(?:damage|injury|loss))",
        re.IGNORECASE,
    ),
}

NEGATIONS = frozenset(
    {
        "not", "no", "never", "cannot", "can't", "cant", "won't", "wont", "don't", "dont", "doesn't", "didn't",
        "isn't", "wasn't", "aren't", "weren't", "unable", "neither", "nor", "without",
    }
)  # fmt: skip
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n]|\b(?:but|however|although|though|yet|so|and|because|instead)\b", re.IGNORECASE)
NEGATION_WINDOW = 120  # characters before a phrase searched for its clause; ample for six words
NEGATION_REACH = 6  # words before a phrase that may negate it: "we won't be able to offer a full refund"


def is_negated(text: str, start: int) -> bool:
    """A negation among the few words before `start`, within the same clause: "we cannot guarantee",
    "this is not a promise", "no guarantee". A clause break ("No, we guarantee it") ends its reach."""
    before = text[max(0, start - NEGATION_WINDOW) : start]  # bounded, so long drafts stay linear
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = clause.lower().replace("’", "'").replace("can not", "cannot").split()
    return any(word.strip("\"'()") in NEGATIONS for word in words[-NEGATION_REACH:])


def find_commitments(text: str) -> list[Match]:
    return [
        Match(code, m.start(), m.end())
        for code, pattern in COMMITMENT_PATTERNS.items()
        for m in pattern.finditer(text)
        if not is_negated(text, m.start())
    ]


# ---- tone ---------------------------------------------------------------------------------------

UPSET_SENTIMENTS = frozenset({"negative", "very_negative"})
UPSET_EMOTIONS = frozenset(
    {"anger", "angry", "annoyance", "disgust", "fear", "frustration", "frustrated", "sadness", "sad", "disappointment"}
)
_CHEERFUL_WORDS = re.compile(
    r"\b(?:awesome|amazing|fantastic|great\s+news|good\s+news|exciting|excited|yay+|woo+\s?hoo+|lol|ha(?:ha)+|"
    r"super\s+happy|so\s+happy)\b",
    re.IGNORECASE,
)
# Grinning and party emoji. Empathetic ones (folded hands, a sad face) are fine to an upset customer.
_CHEERFUL_EMOJI = re.compile(
    "[\U0001f600-\U0001f606\U0001f609\U0001f60a\U0001f60d\U0001f60e\U0001f61b-\U0001f61d\U0001f642\U0001f917"
    "\U0001f929\U0001f973\U0001f389\U0001f38a\U0001f44d\U0001f44f\U0001f64c\U0001f4af\u2728\u263a\U0001f923\U0001f602]"
)
_EXCLAMATIONS = re.compile(r"!+")


def is_upset(sentiment: str | None, emotion: str | None) -> bool:
    return (sentiment or "").lower() in UPSET_SENTIMENTS or (emotion or "").lower() in UPSET_EMOTIONS


def find_cheerful_tone(text: str) -> list[Match]:
    """Cheerful words and emoji, and exclamation marks once there are two or more of them (one "!" after
    an apology is fine; a string of them reads as glee)."""
    found = [Match("tone.cheerful_to_upset", m.start(), m.end()) for m in _CHEERFUL_WORDS.finditer(text)]
    found += [Match("tone.cheerful_to_upset", m.start(), m.end()) for m in _CHEERFUL_EMOJI.finditer(text)]
    if text.count("!") >= 2:
        found += [Match("tone.cheerful_to_upset", m.start(), m.end()) for m in _EXCLAMATIONS.finditer(text)]
    return found


# ---- disclosure ---------------------------------------------------------------------------------

_DISCLOSURE = re.compile(
    r"#(?:ad|ads|sponsored|partner|paidpartnership|paidpartner|advertisement)(?!\w)|\bpaid\s+partnership\b|^\s*ad\s*:",
    re.IGNORECASE,
)


def has_disclosure(text: str) -> bool:
    return _DISCLOSURE.search(text) is not None
