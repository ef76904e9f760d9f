"""Done-when 1 and 2 of issue 7 on the shared airline tweets (6,746 tweets, Feb 16-24 2015, US airlines).

1. Thirty invented posts about one scandal, spread over 30 minutes at a quiet hour (02:00-05:00 US Eastern, when
   an airline gets a handful of tweets an hour), are planted into the background; `alerts detect --by brand`
   must raise an alert for that airline within 30 minutes of the first planted post. Three scandals, three
   airlines, three different days and hours. The planted texts are written here, for these tests.
2. On the background alone, alerts stay few: at most two per airline over the eight days (the closing note of
   the detection work judges each one as a real event or a false alarm).

The background is enriched once per run (fast tier, sentiment and emotion); the planted posts are not enriched,
so `detect` enriches them on the fly."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import invoke, invoke_json

_CACHE: dict[str, Path] = {}

UNITED_MEMO = [
    "@united is this leaked memo real?? 'Do not rebook premier members' during irregular ops?? Unbelievable",
    "Just read the leaked United memo telling gate agents to stop rebooking people on other airlines. @united explain",
    "@united your leaked memo says agents should 'let them sleep at the gate'. Is that how you treat customers?",
    "So @united told staff in writing to deny hotel vouchers during the storm. That leaked memo is disgusting",
    "@united the leaked memo is everywhere. 'Minimise compensation at all costs'. Wow. Never flying you again",
    "Can't believe the @united memo. Gate agents told to stop rebooking and deny hotels. #unitedmemo",
    "@united leaked memo confirms what we all suspected. You deny vouchers on purpose. Shameful #unitedmemo",
    "Reading the leaked memo from @united ops. They literally planned to strand people. Disgusted",
    "@united care to comment on the leaked memo about denying hotel vouchers to stranded families?",
    "Retweeting the leaked @united memo because everyone who got stranded this week deserves to see it",
    "@united I slept on the floor at ORD Tuesday and now I see the leaked memo. This was policy?!",
    "If the leaked memo is true @united owes every stranded passenger a refund #unitedmemo",
    "@united leaked memo: 'do not proactively offer meal vouchers'. I am furious",
    "Wow @united. The leaked memo says agents get scored on how few hotel vouchers they hand out",
    "@united was I denied a hotel in Denver because of the policy in this leaked memo? I want an answer",
    "The leaked @united memo is the worst customer service story I've read this year #unitedmemo",
    "@united your CEO needs to answer for the leaked memo. Denying vouchers to stranded travellers on purpose",
    "My mom was stranded in Newark and told no hotel. Now the leaked memo explains why @united",
    "@united leaked memo + no answer from you all night. Customers deserve better",
    "Journalists are asking @united about the leaked memo on vouchers. Will you respond?",
    "@united deleting my MileagePlus account after reading the leaked memo. Done.",
    "The leaked memo from @united is trending. 'Minimise compensation' in writing. #unitedmemo",
    "@united I have screenshots of the leaked memo. Agents told to deny rebooking. Explain yourselves",
    "Leaked memo says @united agents should avoid rebooking on partners to save money. Unreal",
    "@united is anyone awake in your PR team? The leaked memo is all over my timeline",
    "@united so the leaked memo is real? Your agent in IAH just told me 'policy is policy'",
    "This leaked @united memo about hotel vouchers makes me so angry #unitedmemo",
    "@united you owe us an apology for the leaked memo, not another scripted DM",
    "Every stranded @united passenger this week should read the leaked memo. Denied vouchers by design",
    "@united leaked memo. No vouchers, no rebooking, no shame. Terrible",
]
SOUTHWEST_VIDEO = [
    "@SouthwestAir the viral video of your agent dragging that elderly man off flight 1492 is horrifying",
    "Watched the video from the @SouthwestAir gate in Midway. Staff shoving a grandpa in a wheelchair. Sickening",
    "@SouthwestAir why did your crew drag a 78 year old off the plane? The video is everywhere #southwestvideo",
    "That @SouthwestAir video. An elderly passenger dragged down the aisle for asking for water. Disgusting",
    "@SouthwestAir I used to love you. That video of the gate agent mocking the man in the wheelchair, never again",
    "The Midway video is going viral. @SouthwestAir staff laughing while a senior is dragged off #southwestvideo",
    "@SouthwestAir fire the agent in the viral video. Nobody should treat an elderly man like that",
    "Just saw the @SouthwestAir wheelchair video. I'm shaking. How is this allowed",
    "@SouthwestAir do you stand by your staff in the viral video from Midway? Yes or no",
    "My grandfather flies @SouthwestAir every month. After that video I'm scared for him",
    "@SouthwestAir the elderly man in the video was only asking for his medication. Shameful #southwestvideo",
    "Who at @SouthwestAir thought dragging a senior off flight 1492 was ok? The video is awful",
    "@SouthwestAir over a million views on the video of your agent and the wheelchair passenger. Respond",
    "That viral video ruins years of @SouthwestAir goodwill. Dragging an elderly man? Really?",
    "@SouthwestAir the video shows the man begging for help and your crew ignoring him. Heartbreaking",
    "Cancelling my @SouthwestAir trip after the Midway video #southwestvideo",
    "@SouthwestAir elderly passenger dragged, crew laughing, video everywhere. Where is your apology?",
    "Reporters are calling @SouthwestAir about the wheelchair video and getting nothing. Unacceptable",
    "@SouthwestAir that video. My stomach hurts. Please tell us the agent is suspended",
    "@SouthwestAir treating an elderly veteran like that on video. Absolutely disgraceful",
    "The @SouthwestAir video from Midway gate B12. Dragged for asking about his oxygen. Unbelievable",
    "@SouthwestAir I'm a flight attendant at another airline and that video made me cry",
    "Sharing the @SouthwestAir video because people need to see how that elderly man was treated",
    "@SouthwestAir the video is on every news site. Silence is not an answer #southwestvideo",
    "Dear @SouthwestAir, a viral video of staff mocking a senior in a wheelchair needs a CEO response",
    "@SouthwestAir I am done. That video of the agent pushing the old man is inexcusable",
    "Is the @SouthwestAir agent from the video still working? Customers deserve to know",
    "@SouthwestAir flight 1492 video: elderly man dragged off, family in tears. Horrible",
    "After watching the video I won't fly @SouthwestAir again. Dragging a grandpa? #southwestvideo",
    "@SouthwestAir your heart logo means nothing after that viral video",
]
VIRGIN_BREACH = [
    "@VirginAmerica just got an email that my card details were exposed in a data breach?? What happened",
    "@VirginAmerica data breach notice this morning. Card number and passport exposed. Seriously?",
    "Anyone else get the @VirginAmerica data breach email? They leaked passport numbers #virginbreach",
    "@VirginAmerica how many Elevate accounts were in the data breach? Mine was hacked",
    "My Elevate points were drained overnight and now @VirginAmerica admits a data breach. Furious",
    "@VirginAmerica the breach exposed my passport number and home address. What are you doing about it",
    "Cancelling my card because of the @VirginAmerica data breach. Three hours on hold and no answer",
    "@VirginAmerica data breach and your help line is down. Great #virginbreach",
    "@VirginAmerica hackers got my card from your site. Someone tried to buy flights in Miami with it",
    "So @VirginAmerica had a data breach and we found out from a reporter, not from you?",
    "@VirginAmerica why did the breach notice take so long? My card was used two days ago",
    "The @VirginAmerica data breach included passport numbers. That is identity theft waiting to happen",
    "@VirginAmerica my Elevate account shows bookings I never made. Is this the data breach?",
    "@VirginAmerica I need to know if my kids' passports were in the breach. Please respond",
    "Data breach at @VirginAmerica. Change your passwords people #virginbreach",
    "@VirginAmerica loved flying you but leaking passport and card data is unforgivable",
    "@VirginAmerica a data breach and no phone support. Where do we even report fraud",
    "Got the @VirginAmerica breach email at 5am. Card, passport, address. Wonderful",
    "@VirginAmerica will you pay for credit monitoring after the data breach?",
    "@VirginAmerica is the website still compromised? I'm scared to log in after the breach",
    "The @VirginAmerica breach is on the news. Thousands of Elevate members hacked #virginbreach",
    "@VirginAmerica someone booked a flight to Vegas with my stolen Elevate points. Thanks data breach",
    "@VirginAmerica my bank called about fraud from your data breach. Not happy",
    "How does @VirginAmerica store passport numbers unencrypted? Data breach was inevitable",
    "@VirginAmerica hours after the breach and still no statement on your site",
    "@VirginAmerica data breach victim here. Card frozen, trip ruined",
    "Virgin America data breach: card and passport numbers exposed @VirginAmerica #virginbreach",
    "@VirginAmerica I want to delete my account after this data breach. How?",
    "@VirginAmerica the breach email says 'may have been accessed'. Was it or not?",
    "@VirginAmerica second fraud charge this morning. Your data breach is a nightmare",
]

FIRST_NAMES = [
    "alex",
    "sam",
    "jordan",
    "taylor",
    "casey",
    "riley",
    "morgan",
    "jamie",
    "drew",
    "avery",
    "quinn",
    "reese",
    "blake",
    "cameron",
    "dana",
]


def _authors(tag: str) -> list[tuple[str, int]]:
    """Thirty plausible accounts: mostly small, a few with a following, one journalist."""
    followers = [120, 340, 89, 1_250, 560, 47, 2_300, 210, 75, 4_800, 150, 98, 640, 33, 185_000]
    return [(f"{name}_{tag}{i}", followers[(i * 7) % len(followers)]) for i, name in
            enumerate(FIRST_NAMES * 2)]  # fmt: skip


SCANDALS = [
    # (airline, texts, first planted post): 03:10 and 02:40 and 04:20 US Eastern, on three different days.
    pytest.param("United", UNITED_MEMO, "2015-02-20T03:10:00-05:00", id="united-leaked-memo"),
    pytest.param("Southwest", SOUTHWEST_VIDEO, "2015-02-21T02:40:00-05:00", id="southwest-viral-video"),
    pytest.param("Virgin America", VIRGIN_BREACH, "2015-02-23T04:20:00-05:00", id="virgin-data-breach"),
]


@pytest.fixture
def background(airline_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The airline tweets enriched once per run (fast tier: sentiment and emotion)."""
    if "path" not in _CACHE:
        target = tmp_path_factory.mktemp("alerts-background") / "airline-enriched.jsonl"
        result = invoke(
            "enrich", "--input", str(airline_file), "--output", str(target), "--tier", "fast",
            "--only", "sentiment,emotion",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        _CACHE["path"] = target
    return _CACHE["path"]


def planted(brand: str, texts: list[str], first: datetime) -> list[dict[str, Any]]:
    step = timedelta(minutes=30) / len(texts)
    authors = _authors(brand[:2].lower())
    return [
        {
            "id": f"planted-{brand[:2].lower()}-{i}",
            "channel": "twitter",
            "author": authors[i][0],
            "followers": authors[i][1],
            "text": text,
            "created_at": (first + step * i).isoformat(),
            "brand": brand,
        }
        for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize(("airline", "texts", "first"), SCANDALS)
def test_a_planted_scandal_is_detected_within_30_minutes(
    background: Path, tmp_path: Path, airline: str, texts: list[str], first: str
) -> None:
    assert len(texts) == 30 and len(set(texts)) == 30
    start = datetime.fromisoformat(first)
    posts = planted(airline, texts, start)
    mixed = tmp_path / "with-scandal.jsonl"
    mixed.write_text(background.read_text() + "".join(json.dumps(p) + "\n" for p in posts))

    alerts = invoke_json("alerts", "detect", "--input", str(mixed), "--by", "brand")

    fields = {"kind", "scope", "start", "detected_at", "severity", "summary", "key_phrases", "post_ids"}
    assert all(fields <= set(alert) for alert in alerts)
    ours = [
        a for a in alerts
        if a["scope"] == airline and start <= datetime.fromisoformat(a["detected_at"]) <= start + timedelta(minutes=30)
    ]  # fmt: skip
    assert ours, f"no alert for {airline} within 30 minutes of {first}: {alerts}"
    first_alert = min(ours, key=lambda a: a["detected_at"])
    planted_ids = {p["id"] for p in posts}
    assert planted_ids & set(first_alert["post_ids"])
    assert datetime.fromisoformat(first_alert["start"]) >= start - timedelta(minutes=10)
    assert first_alert["summary"] and first_alert["severity"] in {"low", "medium", "high", "critical"}


def test_clean_airline_data_raises_at_most_two_alerts_per_airline(background: Path) -> None:
    """Eight days: one false alarm a week allowed, plus a real event; each alert is judged in the closing note."""
    alerts = invoke_json("alerts", "detect", "--input", str(background), "--by", "brand")
    per_airline = Counter(a["scope"] for a in alerts)
    assert set(per_airline) <= {"United", "Southwest", "Virgin America"}
    assert all(count <= 2 for count in per_airline.values()), alerts
