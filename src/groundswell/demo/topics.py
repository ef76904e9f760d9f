# ruff: noqa: E501 -- one template per line reads better than templates wrapped at an arbitrary width.
"""The recurring reasons customers post about Voltline, each with the many ways people phrase it.

Each bank lists topics: a `# key | tone | weight | products[ | store]` header (products: `all`, `-` for none,
or names), then its templates, then `> ` title lines (reddit posts, reviews, e-mail subjects). Templates use
the language of `templates.expand`. Ideas and the PulsePad time-lapse hack come back in different words from
different customers, so they form clusters.
"""

from __future__ import annotations

from groundswell.demo.templates import ALL_PRODUCTS, Topic


def _bank(scenario: str, text: str) -> tuple[Topic, ...]:
    topics: list[Topic] = []
    header: list[str] = []
    texts: list[str] = []
    titles: list[str] = []

    def close() -> None:
        if header:
            key, tone, weight, products = header[:4]
            names = ALL_PRODUCTS if products == "all" else tuple(p.strip() for p in products.split(",") if p != "-")
            at_store = header[4:] == ["store"]
            topics.append(Topic(scenario, key, tone, float(weight), names, tuple(texts), tuple(titles), at_store))

    for line in (raw.strip() for raw in text.strip().splitlines()):
        if line.startswith("# "):
            close()
            header, texts, titles = [part.strip() for part in line[2:].split("|")], [], []
        elif line.startswith("> "):
            titles.append(line[2:])
        elif line:
            texts.append(line)
    close()
    return tuple(topics)


QUESTIONS = _bank(
    "question",
    """
# order_status | neutral | 3 | -
{hi} {brand_at} my order {order} has said {'processing'|'label created'|'in transit'} for {days} days[, any update]?
Is there a way to track a Voltline order without the app? Order {order}[, placed {days} days ago]
{brand_at} got an email {when} that order {order} shipped but tracking shows nothing. {Is this normal|What's going on|Should I worry}?
How long does Voltline usually take to ship? Ordered a {product} {days} days ago{ and still nothing|, still says preparing}.
[Quick question: ]can I change the shipping address on order {order}? {It hasn't shipped yet|I moved last week}.
{brand_at} when will the {product} be back in stock online? {Been checking every day|The notify-me button does nothing}
> Order status question
> Where is order {order}?
> How long does Voltline shipping take?
# store_hours | neutral | 2 | - | store
What time does {store} close on {weekday}?
Is the {store_short} store open late {tonight|on Fridays|this weekend}? [Trying to grab a {product} after work.]
{brand_at} are your {city} stores open on {weekday}?
Anyone know if {store} does same-day pickup? And until what time?
Does {store} have parking nearby or should I take transit?
> {store} opening hours?
> Is {store} open on {weekday}?
# compatibility | neutral | 3 | all
Does the {product} work with {device}?
Will the {product} {pair with|connect to|charge from} {device}[ or do I need an adapter]?
Before I buy: is the {product} compatible with {device}? {The specs page doesn't say|Can't find it anywhere}.
Has anyone used the {product} with {device}? {Thinking of getting one|Worth it?}
{brand_at} can I use the {product} with {device}? {thanks}!
> {product} with {device}?
> Compatibility question: {product}
# returns | neutral | 1.5 | all
Can I return a {product} bought online at {store}?
What's the return window on the {product}? Opened it {days} days ago and {I'm not sure it's for me|my partner got me the same one}.
Do I need the original box to return {a|my} {product} at the {store_short} store?
> Returning a {product}
> Return policy question
# stock | neutral | 1.5 | all | store
Does {store} have the {product} in stock? {The app says 'limited'|The website won't tell me}.
Anyone been to {store} {today|this week}? Do they still have {product} demo units out?
{brand_at} is the {product} in stock at the {store_short} store? {I can be there in 20 min|Want it for tomorrow}
> {product} in stock at {store}?
""",
)
COMPLAINTS = _bank(
    "complaint",
    """
# shipping_delay | negative | 3 | -
{brand_at} order {order} was supposed to arrive {days} days ago. {Tracking hasn't moved|Still nothing|Support keeps saying 'soon'}. {feeling}.
{days} days and my {product} still hasn't shipped. {I paid for express shipping|It was a birthday present}. {feeling}
Voltline shipping is {a joke|painfully slow|getting worse}. Order {order}, placed {days} days ago, still 'preparing'.
Tracking for my {product} says delivered. It was not delivered. {brand_at} {please help|what now}?
{Third|Fourth} time asking: where is order {order}? {Nobody answers the chat|My emails go unanswered}.
> Order {order} is {days} days late
> Still waiting for my {product}
> Where is my order?
# broken_item | negative | 3 | all
My {product} arrived with a {cracked|broken|loose|scratched} {part}. {The box looked fine too|Brand new!}. {brand_at}
{days} days old and the {part} on my {product} {stopped working|died|is already loose}. {feeling}.
My {product} keeps {flaw}. I {fix} and it still happens.
Second {product} in a month with the same problem: {flaw}. {Starting to think it's a design flaw|Really disappointed}.
Anyone else's {product} {flaw}? Mine started {when}.
> {product} {flaw}
> Broken {part} on a new {product}
> Defective {product}, {days} days old
# billing | negative | 1.5 | -
{brand_at} I was charged twice for order {order} ({amount} each). {Please refund the duplicate|How do I get this fixed?}
Returned my {product} {days} days ago and still no refund. {feeling}.
The price dropped {days} days after I bought my {product} and support won't price match. {feeling}
Got billed for Voltline Care+ that I never signed up for. Order {order}. {feeling}.
> Charged twice for {order}
> Refund still missing
> Billing problem with order {order}
# store_service | negative | 1.5 | - | store
Waited {minutes} minutes at {store} for someone to help me with a {product}. {Left without buying|Nobody came}.
The staff at {store} told me {to come back tomorrow|they couldn't do returns today|the system was down}, third time this month.
{store} had one register open on a Saturday. {Line out the door|Ridiculous}.
Tried to pick up order {order} at {store} and they couldn't find it. {feeling}.
> Bad experience at {store}
> {minutes} minute wait at the {store_short} store
# support_wait | negative | 1 | -
On hold with Voltline support for {minutes} minutes now. {Fun|Love this for me|Send help}.
Chat support closed my ticket without answering. {brand_at} {feeling}
Emailed support about my {product} {days} days ago. Not even an automated reply.
> Can't reach Voltline support
> No answer from support in {days} days
""",
)
LOST_ITEMS = _bank(
    "lost_item",
    """
# lost | negative | 5 | - | store
{hi} I left my {item_detail} {item} at {store} {when}. {Does anyone know if they have a lost and found|Can someone check?|Please tell me someone turned it in}
{brand_at} lost my {item} at the {store_short} store in {city} {when}, {item_detail}, {spot}. Any chance it was found?
Did anyone find a {item_detail} {item} at {store}? Left it {when} {spot}.
PSA {city}: if you were at {store} {when} and saw a {item_detail} {item}, it's mine 😭
Left my {item} behind at Voltline in {city} ({store_short}) {when}. Who do I call?
Pretty sure I left my {item} {spot} at {store} {when}. Called twice, nobody picked up.
> Lost {item} at {store}
> Left my {item} at the {store_short} store
> Lost and found at Voltline {city}?
# found | positive | 2 | - | store
Huge thanks to {staff_name} at {store} who kept my {item} safe after I left it there {when}!
Left my {item} at {store} {when} and they called me within an hour. {Amazing|Faith in humanity restored}.
Shoutout to the {store_short} team in {city}: I forgot my {item_detail} {item} there and they tracked me down through my order.
> {store} found my {item}!
> Thank you {store_short} team
# still_missing | negative | 1.5 | - | store
It's been {days} days since I left my {item} at {store} and nobody from Voltline {city} has called back. {feeling}.
{brand_at} I reported my {item} lost at {store} {days} days ago. Still waiting to hear from the lost and found.
> Still no news about my {item} from {store}
""",
)
PRAISE = _bank(
    "praise",
    """
# product_love | positive | 4 | all
{Just got|Finally picked up|Been using} the {product} and {joy}. {feature}.
The {product} is {easily|honestly} the best {thing I've bought this year|money I've spent in a while}. {feature}.
{product} review after {days} days: {feature}. {joy}.
Didn't expect much from the {product} but {feature}. {joy}
My {product} {survived a drop|went through the wash|has been going strong for a year} and still {works perfectly|sounds great}. {Impressed|Built like a tank}.
> {joy}: the {product}
> Great little {product}
> Five stars for the {product}
# store_staff | positive | 2 | - | store
{staff_name} at {store} spent {minutes} minutes helping me {pick a speaker|set up my PulsePad|find the right charger}. {Great service|Above and beyond}.
Best store experience in ages at {store}. {The staff actually know their stuff|Zero pressure to buy}.
The {store_short} store in {city} is {so well organized|my happy place}. {Could spend hours there|Dangerous for my wallet}.
> Great service at {store}
> Thank you {staff_name}!
# support_helped | positive | 1.5 | all
Voltline support replaced my {product} {in two days|no questions asked}. {This is how you keep customers|Respect}.
{brand_at} thanks for sorting out order {order} so fast!
Chat support fixed my {product} issue in {minutes} minutes. {Didn't expect that|Great job}.
> Support that actually helps
> Quick fix for my {product}
# fast_delivery | positive | 1 | all
Ordered a {product} {last night|yesterday morning} and it's already here. {Wow|Speedy}.
Voltline same-day delivery in {city} is {dangerous|amazing}. My {product} arrived in {hours} hours.
> Fast delivery
> {product} arrived in {hours} hours
""",
)
IDEAS = _bank(
    "idea",
    """
# pulsepad_battery_indicator | neutral | 3 | PulsePad
The PulsePad really needs a battery indicator. {Mine died mid-set|I never know how much charge is left}.
Feature request: show the battery percentage on the PulsePad screen.
Would love a battery level icon on the PulsePad. {Even just four bars|Guessing is stressful}.
{brand_at} please add a battery meter to the PulsePad in the next firmware!
Why doesn't the PulsePad tell you how much battery is left? {Every cheap gadget does|Basic stuff}.
PulsePad wishlist #1: a battery indicator. That's it, that's the list.
> PulsePad battery indicator please
> Feature request: battery level on PulsePad
# pulsepad_bluetooth_midi | neutral | 3 | PulsePad
Add Bluetooth MIDI to the PulsePad {and I'll buy two|please}!
PulsePad + Bluetooth MIDI would be a dream. {Cables everywhere on my desk|I want to play it from the couch}.
Any chance of wireless MIDI on the PulsePad? {Could it be done in firmware?|Even as an add-on}
{brand_at} feature request: BLE MIDI on the PulsePad so it talks to my iPad without a dongle.
If the PulsePad supported MIDI over Bluetooth it would be perfect for live sets.
> Bluetooth MIDI for the PulsePad?
> Feature request: wireless MIDI
# pulsepad_sample_memory | neutral | 1.5 | PulsePad
The PulsePad needs more sample memory. {I run out after two kits|64 MB is not enough}.
Please give the next PulsePad a microSD slot for samples!
Would pay extra for a PulsePad with {double the|more} sample storage.
> More sample memory on the PulsePad
> microSD slot request
# buds_wireless_case | neutral | 2 | Volt Buds
The Volt Buds case should charge wirelessly. {It's 2025|Come on}.
Please make a Volt Buds case that works on the ChargeDock!
Why can't I drop my Volt Buds case on a wireless charger? Wireless charging case please.
Volt Buds are great but a Qi charging case would make them perfect.
> Wireless charging case for Volt Buds
> Volt Buds case idea
# mini_stereo_pair | neutral | 2 | Voltline Mini
Let me pair two Voltline Minis as a stereo pair!
A stereo mode for two Voltline Mini speakers would be amazing.
{brand_at} can you add a party mode that links several Voltline Minis?
Bought a second Voltline Mini and was shocked they can't play in stereo together.
> Stereo pairing for Voltline Mini
> Voltline Mini party mode?
# store_pickup_lockers | neutral | 1.5 | - | store
Voltline stores should have pickup lockers for online orders.
Would be great to grab online orders from a locker at {store} instead of waiting at the counter.
Idea: 24/7 pickup lockers outside {store}. {I work late|The store closes too early for me}.
> Pickup lockers at Voltline stores?
""",
)
UNEXPECTED_USES = _bank(
    "unexpected_use",
    """
# timelapse_showoff | positive | 6 | PulsePad
Used my PulsePad as an intervalometer for my {camera}: one pad hit = one shutter click, {interval}. Shot {subject} for {duration}. {joy}
Nobody told me the PulsePad's trigger out can fire a camera shutter. {duration} time-lapse of {subject}, zero extra gear.
Made a time-lapse of {subject} with the PulsePad triggering my {camera} {interval}. {Music gear doing photo work|Who knew}.
PulsePad sequencer at one step {interval} → camera shutter. {subject}, {duration}. Favorite hack ever.
My PulsePad is now a better intervalometer than the one I paid $60 for. Time-lapse of {subject} coming soon.
Bought the PulsePad for beats, now it mostly triggers my {camera} for time-lapses. {No regrets|Oops}.
> PulsePad as a camera shutter trigger
> Time-lapse of {subject} with a PulsePad
# timelapse_howto | neutral | 2.5 | PulsePad
How are people wiring the PulsePad to a camera for time-lapses? Which cable for a {camera}?
Seen a few posts about using the PulsePad as a shutter trigger. Does it work with a {camera}?
Trying the PulsePad time-lapse trick with my {camera}: the shutter fires but {only the first shot|it skips frames}. Any tips?
> PulsePad time-lapse setup help
> PulsePad shutter trigger with {camera}?
# timelapse_wish | positive | 1.5 | PulsePad
{brand_at} half of us use the PulsePad as an intervalometer now, can you add a proper time-lapse mode?
A camera mode in the PulsePad firmware with longer step intervals would be perfect for time-lapse.
> Time-lapse mode for the PulsePad?
""",
)
CRISES = _bank(
    "crisis",
    """
# overheating | negative | 5 | ChargeDock
My ChargeDock {got so hot I couldn't touch it|melted the cable|left a burn mark on my nightstand|started smelling like burning plastic} {last night|this morning|an hour ago}. {brand_at} {what is going on|is this safe??|this is dangerous}
{UNPLUG YOUR CHARGEDOCK|Unplug your ChargeDocks, people}. Mine {scorched the desk|warped the base|made my phone too hot to hold}. {Photos below|Not ok}.
Woke up to the smell of burning plastic. It was the ChargeDock. {I'm done with Voltline|This could have been a fire}.
The ChargeDock literally {warped|melted|scorched} on my desk. How did this pass safety testing?? {brand_at}
{brand_at} my kid's ChargeDock {overheated|started smoking} in their bedroom. I want answers, not a form letter.
> ChargeDock overheating, unplug yours
> My ChargeDock melted
> ChargeDock burn mark
# recall_demand | negative | 2.5 | ChargeDock
Voltline needs to recall the ChargeDock {now|today|before someone gets hurt}. {Reports are everywhere|I've seen {n} posts about it today}.
Is Voltline going to say anything about the ChargeDock overheating or just hope it blows over? {feeling}.
Returning my ChargeDock {tomorrow|today} and never buying a Voltline charger again.
{n} ChargeDock fire reports in my feed in an hour. {brand_at} silence is not an answer.
> Recall the ChargeDock
> Why no ChargeDock recall?
# worried | neutral | 1.8 | ChargeDock
Is the ChargeDock overheating thing real? Mine feels {warm|fine} but {now I'm nervous|I unplugged it anyway}.
Anyone know which ChargeDock batches are affected? Bought mine at {store}.
Should I stop using my ChargeDock until Voltline says something?
> Which ChargeDocks are affected?
> Is my ChargeDock safe?
# defender | positive | 0.7 | ChargeDock
Had my ChargeDock for {days} days, {zero problems|it never even gets warm}. {Maybe check your power brick?|Not saying anyone is lying, mine's fine}.
> My ChargeDock is fine
""",
)
CRISIS_AFTERMATH = _bank(
    "crisis",
    """
# aftermath | negative | 1 | ChargeDock
Still no proper answer from Voltline about the ChargeDock. {days} days and counting.
Finally got my ChargeDock refund. {Took long enough|Not buying another}.
Sent my ChargeDock back {as asked|for the recall}. {Let's see if the replacement is any better|Now my nightstand is a mess again}.
> ChargeDock refund update
> Still waiting on the ChargeDock
""",
)
COMPETITION = _bank(
    "competitor",
    """
# switched_away | negative | 1.5 | all
{Switched|Went back} to the {competitor_product} after my {product} kept {flaw}. {Sorry Voltline|No regrets}.
{competitor} has the {competitor_product} cheaper than Voltline sells the {product} {again|this week}.
{competitor} price-matched {in two minutes|without asking}, Voltline wouldn't. Bought the {competitor_product}.
> Switched to the {competitor_product}
> {competitor} vs Voltline
# switched_to_voltline | positive | 1.5 | all
Traded my {competitor_product} for the {product}, {joy}.
{product} vs {competitor_product}: {the Voltline wins on sound|the Voltline is way easier to use}. {feature}.
> {competitor_product} to {product}: worth it
# comparison | neutral | 2 | all
{product} or {competitor_product}? {Can't decide|Help me choose}.
Anyone tried both the {competitor_product} and the {product}?
{competitor_product} has {better battery|more pads|a lower price} but the {product} {looks nicer|has the better app}. Hmm.
> {product} or {competitor_product}?
# competitor_news | neutral | 1.5 | all
{competitor} just announced a new {competitor_product}. {Looks nice|Pricey though}.
{competitor} is {opening a store|running a sale} in {city}. {Might check it out|Competition is good}.
> New {competitor_product} announced
> {competitor} news
""",
)
CHATTER = _bank(
    "chatter",
    """
# unboxing | positive | 2 | all
Unboxing my new {product} {tonight|right now}!
Finally treated myself to a {product}. {Let's see what the hype is about|Day one impressions tomorrow}.
> New {product} day
# store_visit | neutral | 2 | all | store
At {store} {playing with|trying} the {product} demo units. {Tempting|Must resist}.
Every time I walk past {store} I come out with {another cable|something I don't need}.
PulsePad meetup at {store} on {weekday}? Who's in?
> Hanging out at {store}
# everyday | neutral | 3 | all
{product} + {coffee|a rainy Sunday|late night} = {beat making|good times|focus mode}.
Does anyone else name their {product}? Mine is {Gerald|Sparky|Beatrice|Volty}.
New {product} color when? {brand_at}
{Day {days}|Week {n}} with the {product}: still figuring out {the menus|what half the buttons do}.
Made a beat with my {product} on the {train|bus|plane} {today|this morning}, {joy}
> Random {product} thoughts
> What are you making with your {product}?
""",
)

# Everyday posts (the burst and the time-lapse cluster are written separately).
EVERYDAY = QUESTIONS + COMPLAINTS + LOST_ITEMS + PRAISE + IDEAS + COMPETITION + CHATTER
