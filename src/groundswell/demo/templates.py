# ruff: noqa: E501 -- one template per line reads better than templates wrapped at an arbitrary width.
"""Phrase banks for the demo story, and the tiny template language that expands them.

A template is text with `{slot}` (a value chosen for the post, or a phrase from SLOTS), `{a|b|c}` (one
alternative, possibly empty) and `[optional words]` (kept half the time). Combined with the authors'
writing habits this keeps thousands of posts from reading like copies of each other.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass


def lines(block: str) -> tuple[str, ...]:
    """One template per non-blank line of a triple-quoted block."""
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


def expand(template: str, rng: random.Random, slots: Mapping[str, str]) -> str:
    """Expand `{slot}`, `{a|b}` and `[optional]` recursively; unknown slot names raise KeyError."""
    out: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if char in "{[":
            close = _matching(template, i)
            inner = template[i + 1 : close]
            if char == "[":
                if rng.random() < 0.5:
                    out.append(expand(inner, rng, slots))
            elif "|" in inner:
                out.append(expand(rng.choice(_split_top(inner)), rng, slots))
            else:
                out.append(expand(slots[inner], rng, slots))
            i = close + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _matching(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "{[":
            depth += 1
        elif text[index] in "}]":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced template: {text!r}")


def _split_top(text: str) -> list[str]:
    """Split alternatives on '|' that are not inside a nested group."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def tidy(text: str) -> str:
    """Spacing and punctuation fixed after optional parts and empty alternatives dropped out."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,!?;:)])", r"\1", text)
    text = re.sub(r"([!?])\.", r"\1", re.sub(r"(?<!\.)\.\.(?!\.)", ".", text))
    text = text.lstrip(",:;. ").rstrip(",")
    return text[:1].upper() + text[1:]


def typo(rng: random.Random, text: str) -> str:
    """Swap, drop or double a letter in one ordinary word (never in names, mentions or hashtags)."""
    words = list(re.finditer(r"(?<![@#\w.])[a-z]{5,}\b", text))
    if not words:
        return text
    match = rng.choice(words)
    word, i = match.group(), rng.randrange(1, len(match.group()) - 1)
    kind = rng.random()
    if kind < 0.4:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind < 0.7:
        word = word[:i] + word[i + 1 :]
    else:
        word = word[:i] + word[i] + word[i:]
    return text[: match.start()] + word + text[match.end() :]


@dataclass(frozen=True, slots=True)
class Topic:
    """A recurring reason to post: its scenario, tone, how often it comes up and how people phrase it."""

    scenario: str
    key: str
    tone: str  # positive, neutral or negative towards the brand talked about
    weight: float
    products: tuple[str, ...]  # the products it can be about; empty when it is about orders or stores
    texts: tuple[str, ...]
    titles: tuple[str, ...] = ()
    at_store: bool = False  # names a store, so the post gets the store's place and coordinates


ALL_PRODUCTS = ("PulsePad", "Volt Buds", "Voltline Mini", "ChargeDock")
PULSEPAD = ("PulsePad",)

SLOTS: dict[str, str] = {
    "hi": "{hey|hi|hello|ok so|um|help:|}",
    "when": "{yesterday|this morning|last night|on Saturday|earlier today|around 6pm yesterday|"
    "on my lunch break today|Sunday afternoon}",
    "weekday": "{Mondays|Fridays|Saturday|Sunday|weeknights|the holiday weekend}",
    "feeling": "{So frustrating|Unacceptable|Not cool|Really disappointed|Beyond annoyed|Come on|Ugh}",
    "joy": "{love it|obsessed|so good|10/10|absolutely worth it|no regrets|chef's kiss}",
    "staff_name": "{Jordan|Priya|Marcus|Elena|Sam|Dee|Tomás|Kai|Renee|Omar}",
    "item": "{laptop bag|phone|wallet|car keys|backpack|sunglasses|jacket|kid's stuffed rabbit|water bottle|"
    "earbuds case|umbrella|tote bag|PulsePad in its case|camera|sketchbook|work badge}",
    "item_detail": "{black leather|grey canvas|navy blue|bright green|red|with a cassette keychain|"
    "covered in stickers|with my initials on it|brand new}",
    "spot": "{near the headphone wall|at the register|by the PulsePad demo table|in the speaker room|"
    "on the bench by the door|at the pickup counter}",
    "device": "{an iPhone 15|a Pixel 8|my old iPad|a Windows laptop|Ableton Live|GarageBand|a Chromebook|"
    "my car's aux input|Linux|a Samsung tablet|my MacBook}",
    "fix": "{restarted it|did a factory reset|charged it overnight|tried another cable|updated the firmware}",
    "camera": "{old Canon|Nikon D750|mirrorless|Fuji X-T3|Sony a6400|GoPro}",
    "subject": "{the sunset over the lake|my sourdough rising|clouds rolling in|a flower opening|"
    "my kid's Lego build|the night sky|the construction site across the street|fog on the bay|"
    "the farmers market setting up|snow piling up on the balcony}",
    "interval": "{every 5 seconds|every 10 seconds|every 30 seconds|once a minute|every 2 minutes}",
    "duration": "{6 hours|all night|3 days|a whole weekend|11 hours|90 minutes}",
    "thanks": "{Thanks|Thank you|Cheers|Appreciate it|Thanks in advance}",
}

# Words that fill `{part}`, `{feature}` and `{flaw}` for the post's product.
PARTS = {
    "PulsePad": "{pads|screen|volume knob|USB-C port|power button|encoder|trigger out jack}",
    "Volt Buds": "{left bud|right bud|charging case|case hinge|ear tips}",
    "Voltline Mini": "{speaker grille|aux port|charging port|strap|volume buttons}",
    "ChargeDock": "{cable|base|wireless pad|power brick|status light}",
}
FEATURES = {
    "PulsePad": "{the pads feel amazing|chopping samples takes seconds|the built-in mic is surprisingly good|"
    "the battery lasts forever|it boots instantly|the sequencer is so intuitive}",
    "Volt Buds": "{the noise cancelling is legit|they never fall out on runs|calls sound crystal clear|"
    "the case fits in my coin pocket|battery goes all day}",
    "Voltline Mini": "{the bass is ridiculous for its size|it survived a pool party|battery lasts all weekend|"
    "it pairs instantly}",
    "ChargeDock": "{one dock for phone, watch and buds|my nightstand is finally tidy|it charges fast}",
}
FLAWS = {
    "PulsePad": "{freezing when I load a kit|losing my saved patterns|double-triggering pad 4|"
    "draining the battery overnight}",
    "Volt Buds": "{dropping the left bud|not charging in the case|crackling at high volume|disconnecting}",
    "Voltline Mini": "{cutting out over Bluetooth|buzzing at low volume|not turning on}",
    "ChargeDock": "{charging my phone really slowly|blinking red|not detecting my watch}",
}

COMPETITOR_PRODUCTS = {
    "Kestrel": {
        "PulsePad": "Kestrel Beatbox",
        "Volt Buds": "Kestrel Pods",
        "Voltline Mini": "Kestrel Pebble",
        "ChargeDock": "Kestrel Trio charger",
    },
    "Circuit Harbor": {
        "PulsePad": "the Circuit Harbor house-brand sampler",
        "Volt Buds": "Harbor Buds",
        "Voltline Mini": "Harbor Boom",
        "ChargeDock": "Harbor 3-in-1 pad",
    },
}

EMOJI = {
    "positive": ("🔥", "🙌", "😍", "💙", "🎶", "✨", "👏", "😊", "🤩"),
    "negative": ("😡", "🙄", "😤", "😭", "🤬", "👎", "💀", "😩"),
    "neutral": ("🤔", "👀", "🙏", "😅", "🤷"),
}
HASHTAGS = {
    "PulsePad": ("#PulsePad", "#beatmaking", "#sampler", "#musicproduction"),
    "Volt Buds": ("#VoltBuds", "#earbuds"),
    "Voltline Mini": ("#VoltlineMini", "#speakers"),
    "ChargeDock": ("#ChargeDock",),
    "crisis": ("#ChargeDock", "#recall", "#ChargeDockFire", "#Voltline"),
    "unexpected_use": ("#timelapse", "#photography", "#PulsePad", "#intervalometer"),
    "": ("#Voltline", "#customerservice", "#fail", "#shopping"),
}

# The Voltline blog's posts that customers comment on: (title, slug, the product it is about).
BLOG_POSTS = (
    ("PulsePad firmware 2.3: what's new", "pulsepad-firmware-2-3", "PulsePad"),
    ("Beat-making 101 with the PulsePad", "beat-making-101", "PulsePad"),
    ("Five ways to use your Voltline Mini outdoors", "voltline-mini-outdoors", "Voltline Mini"),
    ("ChargeDock: one dock for everything", "chargedock-one-dock", "ChargeDock"),
    ("Finding the right fit for your Volt Buds", "volt-buds-fit-guide", "Volt Buds"),
    ("Meet the team at Voltline Chicago Loop", "meet-chicago-loop", None),
    ("Our spring sale starts now", "spring-sale", None),
)

SUBREDDITS = {
    "PulsePad": ("Voltline", "synthesizers", "WeAreTheMusicMakers", "beatmakers"),
    "Volt Buds": ("Voltline", "headphones", "earbuds"),
    "Voltline Mini": ("Voltline", "BudgetAudiophile", "bluetooth_speakers"),
    "ChargeDock": ("Voltline", "UsbCHardware", "gadgets"),
    "unexpected_use": ("timelapse", "photography", "AskPhotography", "Voltline"),
    "competitor": ("gadgets", "synthesizers", "headphones"),
    "": ("Voltline", "BuyItForLife", "mildlyinfuriating"),
}

# What the brand's care team answers, by the topic or else the scenario of the post answered.
BRAND_REPLIES = {
    "store_hours": lines("""
        Hi {name}! {store} is open 10am–9pm Monday to Saturday and 11am–6pm on Sundays. ^{agent}
        {Hi|Hey} {name}, {store} closes at 9pm on weekdays and 6pm on Sundays. See you there! ^{agent}
    """),
    "compatibility": lines("""
        Hi {name}, the {product} works with most phones, tablets and laptops over USB-C or Bluetooth. Anything specific you want to check? ^{agent}
    """),
    "order_status": lines("""
        {Hi|Hey} {name}, sorry for the wait! Could you {send_us} the email address you used for order {order}? We'll check with the carrier. ^{agent}
    """),
    "found": lines("""
        So glad you got it back, {name}! We'll tell the {store_short} team you said thanks. 💙
    """),
    "question": lines("""
        Good question, {name}! {reach_us} and we'll {sort it out|look into it} right away. ^{agent}
        Hi {name}, {reach_us} with the details and we'll get you an answer today. ^{agent}
    """),
    "complaint": lines("""
        Hi {name}, we're really sorry about this. {Please {send_us} your order number|Could you {send_us} your order details} and we'll make it right. ^{agent}
        {name}, that's not the experience we want you to have. We've sent you {a_dm} to get this fixed. ^{agent}
        So sorry, {name}! Our team can {replace|refund} it – {reach_us} and we'll take it from there. ^{agent}
    """),
    "lost_item": lines("""
        Hi {name}, sorry to hear that! We've asked the {store_short} team to check their lost and found. {send_us} a description and a phone number. ^{agent}
        {name}, we've passed this to {store} – they keep found items for 30 days. We'll {message} you as soon as we hear back. ^{agent}
    """),
    "praise": lines("""
        Thanks so much, {name}! {We'll pass it on to the team|You made our day|Happy beat-making}! 💙
        {Love to hear it|This is great}, {name}. Enjoy your {product}! 💙
    """),
    "idea": lines("""
        Thanks for the idea, {name}! {Passing it on to the product team|We've shared it with our product team}. ^{agent}
        {name}, you're not the first to ask for this – it's on our list. No dates yet, but we're listening. ^{agent}
    """),
    "crisis": lines("""
        Hi {name}, we're so sorry. Please unplug your ChargeDock and {reach_us} – we'll arrange a replacement or refund right away. ^{agent}
        {name}, thank you for reporting this. Please stop using the ChargeDock and check voltline.example/chargedock for next steps. ^{agent}
    """),
    "unexpected_use": lines("""
        {Love this|This is amazing}, {name}! Mind if we share it? 📸
        {name}, our engineers are obsessed with this. Keep the time-lapses coming!
    """),
}
BRAND_REPLIES["chatter"] = BRAND_REPLIES["praise"]
BRAND_REPLIES["competitor"] = BRAND_REPLIES["praise"]

# What the customer says back to the care team.
FOLLOW_UPS = {
    "positive": lines("""
        {Thanks|Thank you}, just sent {a_dm}!
        {Done|Sent}, {messaged} you the details. {Thanks for the quick reply|Appreciate it}.
        That was fast, thank you!
        Wow, thanks {for getting back to me|so much}!
    """),
    "negative": lines("""
        Still waiting on a response to my {message} {days} days later...
        I already {messaged} you {twice|yesterday|three times}. Nothing.
        Another {message} won't fix this. {I want a refund|Just call me back}.
        {Sure|Ok}, but this keeps happening and nobody {follows up|calls back}.
    """),
}

# What other customers reply under a post, by the scenario of the post they reply to.
COMMUNITY_REPLIES = {
    "question": lines("""
        Following, I have the same question
        {I think|Pretty sure} they close at 9 on weekdays
        Worked fine for me with {device}, no adapter needed
        Mine took {days} days to ship, so hang in there
        Call the store directly, {they're way faster than chat|the staff are helpful}
    """),
    "complaint": lines("""
        Same here, {days} days and nothing
        Happened to me too with my {product} {when}
        {Ugh|Oof}, sorry. Try the chat, it worked for me {eventually|after two tries}
        This is why I only buy in store now
        Voltline support fixed mine after I tagged them here, {good luck|hang in there}
    """),
    "lost_item": lines("""
        Oh no, hope you get it back!
        Call {store} directly, they kept my {item} for a week once
        {Fingers crossed|Good luck}! The {store_short} staff are really nice
        I was there {when} and didn't see anything, sorry
    """),
    "praise": lines("""
        Agreed, {joy}
        Where did you get yours? Online or in store?
        {Nice|Congrats}! How's the battery?
        Mine's been great too, {days} days in
    """),
    "idea": lines("""
        +1, {would pay for this|please Voltline|this would be huge}
        Yes!! {this is the one thing missing|came here to say this}
        Honestly this is my #1 request too
        {Agree|Totally agree}, they could do it in a firmware update
    """),
    "unexpected_use": lines("""
        Wait, this works?? Trying it {tonight|this weekend}
        What cable are you using for the {camera}?
        This is genius. {Voltline should sell a kit|Bookmarked}
        How do you set the interval to {interval}?
    """),
    "crisis": lines("""
        Mine did the same thing {when}!
        Same. Unplugged mine {right away|and put it outside}
        {This is scary|Wow}. Glad you're ok
        Reported mine too, {no answer yet|they just sent a form}
        Unplugging mine too. {Not risking it|Better safe than sorry}
    """),
    "competitor": lines("""
        The {competitor_product} is {overrated|solid honestly|cheaper for a reason}
        I went the other way and {regret it|don't regret it}
        Depends what you need, {both are fine|the Voltline app is nicer}
    """),
    "chatter": lines("""
        lol same
        {joy}
        {Nice|Looks great}! {How long have you had it|Is that the new color}?
        Haha {I felt this|this is me every weekend}
    """),
}

ANNOUNCEMENTS = lines("""
    PulsePad firmware {version} is out: {faster boot, new swing settings and bug fixes|better sample slicing and a new lo-fi filter|improved pad sensitivity}. Update via the Voltline app.
    Weekend deal: {percent}% off Volt Buds at all Voltline stores and online.
    New at {store}: {Saturday workshops|PulsePad beat-making classes|a bigger headphone bar}. See you there!
    Tip: {hold SHIFT + PAD 16 on the PulsePad to reverse a sample|tap and hold the left Volt Bud for transparency mode|double-press the Voltline Mini button to hear the battery level}.
    We're hiring at {store}! {Love music gear?|Join the crew.} voltline.example/jobs
    Which color should the next Voltline Mini come in? {Reply below|Tell us}!
""")

CRISIS_STATEMENT = (
    "We're aware of reports of ChargeDock units overheating. Please unplug your ChargeDock and stop using "
    "it while we investigate. Refunds and replacements: voltline.example/chargedock"
)

# Posts in Spanish from a few customers, by scenario.
SPANISH = {
    "question": lines("""
        ¿Alguien sabe a qué hora cierra {store} los {domingos|sábados|viernes}?
        {brand_at} mi pedido {order} lleva {days} días "en preparación". ¿Alguna novedad?
        ¿El {product} funciona con {device}?
    """),
    "complaint": lines("""
        {brand_at} mi pedido {order} debía llegar hace {days} días y nada. Muy decepcionada.
        Mi {product} llegó {roto|rayado|sin cargador}. {Qué mal|Increíble}.
    """),
    "praise": lines("""
        Me encanta mi {product}, {la mejor compra del año|vale cada centavo}.
        El equipo de {store} fue súper amable, {gracias|10/10}.
    """),
    "lost_item": lines("""
        Dejé mi {mochila|cartera|chaqueta|bolsa de la laptop} en {store} {ayer|esta mañana}. ¿Alguien la encontró?
        Perdí mis llaves en la tienda de {city} ({store_short}) {ayer|el sábado}. ¿Tienen objetos perdidos?
    """),
}
