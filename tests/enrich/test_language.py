"""The language enricher on short, noisy social posts: real-looking examples, cleaning, and "und"."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.enrich.base import Batch, PostInput
from groundswell.enrich.enrichers.language import (
    UNDETERMINED,
    LanguageEnricher,
    clean_text,
    detect_languages,
    has_enough_letters,
)

POSTS = [
    ("en", "@united my bag never made it to Denver and nobody at the desk can tell me anything 😡 https://t.co/x1"),
    ("en", "Thanks for the quick help today, the crew was great!!"),
    ("en", "is the lounge in terminal 2 open on sundays?"),
    ("es", "@Iberia mi maleta no llegó a Madrid y nadie me da respuesta 😡"),
    ("es", "alguien sabe si el vuelo de las 8 sale a tiempo? #Barajas"),
    ("fr", "@AirFrance ma valise est perdue depuis trois jours, aucune nouvelle"),
    ("fr", "franchement le service client est nul, toujours pas de remboursement"),
    ("de", "@DB_Bahn schon wieder 40 Minuten Verspätung, echt jetzt?"),
    ("de", "mein Paket ist immer noch nicht angekommen 🙄"),
    ("pt", "@LATAM minha mala foi extraviada e ninguém resolve nada"),
    ("pt", "adorei o produto, chegou super rápido 😍😍"),
    ("it", "@Trenitalia ennesimo ritardo, che vergogna!!!"),
    ("it", "grazie mille per l'aiuto, gentilissimi"),
    ("nl", "@NS_online weer vertraging, dit is echt belachelijk"),
    ("nl", "mijn pakket is nog steeds niet bezorgd"),
    ("ja", "荷物がまだ届かない、どうなってるの？"),
    ("ja", "電車また遅れてる😭 #通勤"),
    ("ar", "@emirates حقيبتي ضاعت ولا أحد يرد علي"),
    ("ar", "شكرا على الخدمة الممتازة"),
]

UNDETERMINED_POSTS = [
    "",
    "😂😂😂🔥🔥",
    "https://t.co/AbC123xyz",
    "@user @user @AcmeAir",
    "12:45 !!! ??? 100%",
    "#1",
    "ok",
    "👍 https://example.com/a/b?c=d @someone 2024",
]


@pytest.fixture(scope="module")
def enricher() -> LanguageEnricher:
    # Building the detector loads its models (seconds), so the module shares one.
    return LanguageEnricher()


def test_enricher_contract(enricher: LanguageEnricher) -> None:
    assert enricher.name == "language"
    assert isinstance(enricher.version, str)
    assert enricher.requires == ()
    assert enricher.uses_encoder is False


@pytest.mark.parametrize(("expected", "text"), POSTS)
def test_detects_language_of_real_looking_posts(enricher: LanguageEnricher, expected: str, text: str) -> None:
    assert enricher.enrich(Batch(posts=[PostInput(text=text)])) == [expected]


@pytest.mark.parametrize("text", UNDETERMINED_POSTS)
def test_posts_without_words_are_undetermined(enricher: LanguageEnricher, text: str) -> None:
    assert enricher.enrich(Batch(posts=[PostInput(text=text)])) == [UNDETERMINED]


def test_one_code_per_post_in_order(enricher: LanguageEnricher) -> None:
    texts = [text for _, text in POSTS] + UNDETERMINED_POSTS
    batch = Batch(posts=[PostInput(text=text, reach=5, channel="x") for text in texts])
    assert enricher.enrich(batch) == [code for code, _ in POSTS] + [UNDETERMINED] * len(UNDETERMINED_POSTS)


def test_codes_are_lower_case_iso_639_1(enricher: LanguageEnricher) -> None:
    codes = detect_languages([text for _, text in POSTS])
    assert all(code == UNDETERMINED or (len(code) == 2 and code.islower()) for code in codes)


def test_ambiguous_fragments_are_undetermined_rather_than_guessed(enricher: LanguageEnricher) -> None:
    # Words that several languages spell alike: better no answer than a wrong one.
    assert detect_languages(["Hell ya", "so gut", "Stale"]) == [UNDETERMINED] * 3


def test_clean_text_keeps_only_words() -> None:
    text = "RT @AcmeAir: #LostLuggage at gate B12!!! 😡😡 see https://t.co/abc &amp; www.acme.com… it's 3rd time"
    assert clean_text(text) == "RT LostLuggage at gate B see it's rd time"


def test_clean_text_shortens_drawn_out_letters() -> None:
    assert clean_text("noooooope Yesss") == "nope Yes"


def test_logographic_scripts_need_fewer_letters() -> None:
    assert has_enough_letters("ありがとう")
    assert has_enough_letters("谢谢")
    assert not has_enough_letters("ok")
    assert not has_enough_letters("lol")


@given(st.text())
def test_cleaned_text_holds_only_letters_marks_apostrophes_and_single_spaces(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    for ch in cleaned:
        assert ch in " '" or unicodedata.category(ch)[0] in "LM"


@given(st.lists(st.sampled_from(["😀", "🔥", "!!!", "123", "@user", "https://t.co/x", "#", "?!", "  "])))
def test_noise_alone_is_undetermined(parts: list[str]) -> None:
    # Never loads the detector: there are no letters to look at.
    assert detect_languages([" ".join(parts)]) == [UNDETERMINED]
