"""The recurring reasons customers post about Voltline, each with the many ways people phrase it.

Templates use the language of `templates.expand`: `{slot}`, `{a|b}` and `[optional]`. Ideas and the
PulsePad time-lapse hack come back in different words from different customers, so they form clusters.
"""

from __future__ import annotations

from groundswell.demo.templates import ALL_PRODUCTS, PULSEPAD, Topic, lines

_NO_PRODUCT: tuple[str, ...] = ()

QUESTIONS = (
    Topic("question", "order_status", "neutral", 3, _NO_PRODUCT, lines("""
        {hi} {brand_at} my order {order} has said {'processing'|'label created'|'in transit'} for {days} days[, any update]?
        Is there a way to track a Voltline order without the app? Order {order}[, placed {days} days ago]
        {brand_at} got an email {when} that order {order} shipped but tracking shows nothing. {Is this normal|What's going on|Should I worry}?
        How long does Voltline usually take to ship? Ordered a {product} {days} days ago{ and still nothing|, still says preparing}.
        [Quick question: ]can I change the shipping address on order {order}? {It hasn't shipped yet|I moved last week}.
        {brand_at} when will the {product} be back in stock online? {Been checking every day|The notify-me button does nothing}
    """), lines("Order status question\nWhere is order {order}?\nHow long does Voltline shipping take?")),
    Topic("question", "store_hours", "neutral", 2, _NO_PRODUCT, lines("""
        What time does {store} close on {weekday}?
        Is the {store_short} store open late {tonight|on Fridays|this weekend}? [Trying to grab a {product} after work.]
        {brand_at} are your {city} stores open on {weekday}?
        Anyone know if {store} does same-day pickup? And until what time?
        Does {store} have parking nearby or should I take transit?
    """), lines("{store} opening hours?\nIs {store} open on {weekday}?"), at_store=True),
    Topic("question", "compatibility", "neutral", 3, ALL_PRODUCTS, lines("""
        Does the {product} work with {device}?
        Will the {product} {pair with|connect to|charge from} {device}[ or do I need an adapter]?
        Before I buy: is the {product} compatible with {device}? {The specs page doesn't say|Can't find it anywhere}.
        Has anyone used the {product} with {device}? {Thinking of getting one|Worth it?}
        {brand_at} can I use the {product} with {device}? {thanks}!
    """), lines("{product} with {device}?\nCompatibility question: {product}")),
    Topic("question", "returns", "neutral", 1.5, ALL_PRODUCTS, lines("""
        Can I return a {product} bought online at {store}?
        What's the return window on the {product}? Opened it {days} days ago and {I'm not sure it's for me|my partner got me the same one}.
        Do I need the original box to return {a|my} {product} at the {store_short} store?
    """), lines("Returning a {product}\nReturn policy question")),
    Topic("question", "stock", "neutral", 1.5, ALL_PRODUCTS, lines("""
        Does {store} have the {product} in stock? {The app says 'limited'|The website won't tell me}.
        Anyone been to {store} {today|this week}? Do they still have {product} demo units out?
        {brand_at} is the {product} in stock at the {store_short} store? {I can be there in 20 min|Want it for tomorrow}
    """), lines("{product} in stock at {store}?"), at_store=True),
)

COMPLAINTS = (
    Topic("complaint", "shipping_delay", "negative", 3, _NO_PRODUCT, lines("""
        {brand_at} order {order} was supposed to arrive {days} days ago. {Tracking hasn't moved|Still nothing|Support keeps saying 'soon'}. {feeling}.
        {days} days and my {product} still hasn't shipped. {I paid for express shipping|It was a birthday present}. {feeling}
        Voltline shipping is {a joke|painfully slow|getting worse}. Order {order}, placed {days} days ago, still 'preparing'.
        Tracking for my {product} says delivered. It was not delivered. {brand_at} {please help|what now}?
        {Third|Fourth} time asking: where is order {order}? {Nobody answers the chat|My emails go unanswered}.
    """), lines("Order {order} is {days} days late\nStill waiting for my {product}\nWhere is my order?")),
    Topic("complaint", "broken_item", "negative", 3, ALL_PRODUCTS, lines("""
        My {product} arrived with a {cracked|broken|loose|scratched} {part}. {The box looked fine too|Brand new!}. {brand_at}
        {days} days old and the {part} on my {product} {stopped working|died|is already loose}. {feeling}.
        My {product} keeps {flaw}. I {fix} and it still happens.
        Second {product} in a month with the same problem: {flaw}. {Starting to think it's a design flaw|Really disappointed}.
        Anyone else's {product} {flaw}? Mine started {when}.
    """), lines("{product} {flaw}\nBroken {part} on a new {product}\nDefective {product}, {days} days old")),
    Topic("complaint", "billing", "negative", 1.5, _NO_PRODUCT, lines("""
        {brand_at} I was charged twice for order {order} ({amount} each). {Please refund the duplicate|How do I get this fixed?}
        Returned my {product} {days} days ago and still no refund. {feeling}.
        The price dropped {days} days after I bought my {product} and support won't price match. {feeling}
        Got billed for Voltline Care+ that I never signed up for. Order {order}. {feeling}.
    """), lines("Charged twice for {order}\nRefund still missing\nBilling problem with order {order}")),
    Topic("complaint", "store_service", "negative", 1.5, _NO_PRODUCT, lines("""
        Waited {minutes} minutes at {store} for someone to help me with a {product}. {Left without buying|Nobody came}.
        The staff at {store} told me {to come back tomorrow|they couldn't do returns today|the system was down}, third time this month.
        {store} had one register open on a Saturday. {Line out the door|Ridiculous}.
        Tried to pick up order {order} at {store} and they couldn't find it. {feeling}.
    """), lines("Bad experience at {store}\n{minutes} minute wait at the {store_short} store"), at_store=True),
    Topic("complaint", "support_wait", "negative", 1, _NO_PRODUCT, lines("""
        On hold with Voltline support for {minutes} minutes now. {Fun|Love this for me|Send help}.
        Chat support closed my ticket without answering. {brand_at} {feeling}
        Emailed support about my {product} {days} days ago. Not even an automated reply.
    """), lines("Can't reach Voltline support\nNo answer from support in {days} days")),
)

LOST_ITEMS = (
    Topic("lost_item", "lost", "negative", 5, _NO_PRODUCT, lines("""
        {hi} I left my {item_detail} {item} at {store} {when}. {Does anyone know if they have a lost and found|Can someone check?|Please tell me someone turned it in}
        {brand_at} lost my {item} at the {store_short} store in {city} {when}, {item_detail}, {spot}. Any chance it was found?
        Did anyone find a {item_detail} {item} at {store}? Left it {when} {spot}.
        PSA {city}: if you were at {store} {when} and saw a {item_detail} {item}, it's mine 😭
        Left my {item} behind at Voltline in {city} ({store_short}) {when}. Who do I call?
        Pretty sure I left my {item} {spot} at {store} {when}. Called twice, nobody picked up.
    """), lines("Lost {item} at {store}\nLeft my {item} at the {store_short} store\nLost and found at Voltline {city}?"),
        at_store=True),
    Topic("lost_item", "found", "positive", 2, _NO_PRODUCT, lines("""
        Huge thanks to {staff_name} at {store} who kept my {item} safe after I left it there {when}!
        Left my {item} at {store} {when} and they called me within an hour. {Amazing|Faith in humanity restored}.
        Shoutout to the {store_short} team in {city}: I forgot my {item_detail} {item} there and they tracked me down through my order.
    """), lines("{store} found my {item}!\nThank you {store_short} team"), at_store=True),
    Topic("lost_item", "still_missing", "negative", 1.5, _NO_PRODUCT, lines("""
        It's been {days} days since I left my {item} at {store} and nobody from Voltline {city} has called back. {feeling}.
        {brand_at} I reported my {item} lost at {store} {days} days ago. Still waiting to hear from the lost and found.
    """), lines("Still no news about my {item} from {store}"), at_store=True),
)

PRAISE = (
    Topic("praise", "product_love", "positive", 4, ALL_PRODUCTS, lines("""
        {Just got|Finally picked up|Been using} the {product} and {joy}. {feature}.
        The {product} is {easily|honestly} the best {thing I've bought this year|money I've spent in a while}. {feature}.
        {product} review after {days} days: {feature}. {joy}.
        Didn't expect much from the {product} but {feature}. {joy}
        My {product} {survived a drop|went through the wash|has been going strong for a year} and still {works perfectly|sounds great}. {Impressed|Built like a tank}.
    """), lines("{joy}: the {product}\nGreat little {product}\nFive stars for the {product}")),
    Topic("praise", "store_staff", "positive", 2, ALL_PRODUCTS, lines("""
        {staff_name} at {store} spent {minutes} minutes helping me {pick a speaker|set up my PulsePad|find the right charger}. {Great service|Above and beyond}.
        Best store experience in ages at {store}. {The staff actually know their stuff|Zero pressure to buy}.
        The {store_short} store in {city} is {so well organized|my happy place}. {Could spend hours there|Dangerous for my wallet}.
    """), lines("Great service at {store}\nThank you {staff_name}!"), at_store=True),
    Topic("praise", "support_helped", "positive", 1.5, ALL_PRODUCTS, lines("""
        Voltline support replaced my {product} {in two days|no questions asked}. {This is how you keep customers|Respect}.
        {brand_at} thanks for sorting out order {order} so fast!
        Chat support fixed my {product} issue in {minutes} minutes. {Didn't expect that|Great job}.
    """), lines("Support that actually helps\nQuick fix for my {product}")),
    Topic("praise", "fast_delivery", "positive", 1, ALL_PRODUCTS, lines("""
        Ordered a {product} {last night|yesterday morning} and it's already here. {Wow|Speedy}.
        Voltline same-day delivery in {city} is {dangerous|amazing}. My {product} arrived in {hours} hours.
    """), lines("Fast delivery\n{product} arrived in {hours} hours")),
)

IDEAS = (
    Topic("idea", "pulsepad_battery_indicator", "neutral", 3, PULSEPAD, lines("""
        The PulsePad really needs a battery indicator. {Mine died mid-set|I never know how much charge is left}.
        Feature request: show the battery percentage on the PulsePad screen.
        Would love a battery level icon on the PulsePad. {Even just four bars|Guessing is stressful}.
        {brand_at} please add a battery meter to the PulsePad in the next firmware!
        Why doesn't the PulsePad tell you how much battery is left? {Every cheap gadget does|Basic stuff}.
        PulsePad wishlist #1: a battery indicator. That's it, that's the list.
    """), lines("PulsePad battery indicator please\nFeature request: battery level on PulsePad")),
    Topic("idea", "pulsepad_bluetooth_midi", "neutral", 3, PULSEPAD, lines("""
        Add Bluetooth MIDI to the PulsePad {and I'll buy two|please}!
        PulsePad + Bluetooth MIDI would be a dream. {Cables everywhere on my desk|I want to play it from the couch}.
        Any chance of wireless MIDI on the PulsePad? {Could it be done in firmware?|Even as an add-on}
        {brand_at} feature request: BLE MIDI on the PulsePad so it talks to my iPad without a dongle.
        If the PulsePad supported MIDI over Bluetooth it would be perfect for live sets.
    """), lines("Bluetooth MIDI for the PulsePad?\nFeature request: wireless MIDI")),
    Topic("idea", "pulsepad_sample_memory", "neutral", 1.5, PULSEPAD, lines("""
        The PulsePad needs more sample memory. {I run out after two kits|64 MB is not enough}.
        Please give the next PulsePad a microSD slot for samples!
        Would pay extra for a PulsePad with {double the|more} sample storage.
    """), lines("More sample memory on the PulsePad\nmicroSD slot request")),
    Topic("idea", "buds_wireless_case", "neutral", 2, ("Volt Buds",), lines("""
        The Volt Buds case should charge wirelessly. {It's 2025|Come on}.
        Please make a Volt Buds case that works on the ChargeDock!
        Why can't I drop my Volt Buds case on a wireless charger? Wireless charging case please.
        Volt Buds are great but a Qi charging case would make them perfect.
    """), lines("Wireless charging case for Volt Buds\nVolt Buds case idea")),
    Topic("idea", "mini_stereo_pair", "neutral", 2, ("Voltline Mini",), lines("""
        Let me pair two Voltline Minis as a stereo pair!
        A stereo mode for two Voltline Mini speakers would be amazing.
        {brand_at} can you add a party mode that links several Voltline Minis?
        Bought a second Voltline Mini and was shocked they can't play in stereo together.
    """), lines("Stereo pairing for Voltline Mini\nVoltline Mini party mode?")),
    Topic("idea", "store_pickup_lockers", "neutral", 1, _NO_PRODUCT, lines("""
        Voltline stores should have pickup lockers for online orders.
        Would be great to grab online orders from a locker at {store} instead of waiting at the counter.
        Idea: 24/7 pickup lockers outside {store}. {I work late|The store closes too early for me}.
    """), lines("Pickup lockers at Voltline stores?"), at_store=True),
)

UNEXPECTED_USES = (
    Topic("unexpected_use", "timelapse_showoff", "positive", 6, PULSEPAD, lines("""
        Used my PulsePad as an intervalometer for my {camera}: one pad hit = one shutter click, {interval}. Shot {subject} for {duration}. {joy}
        Nobody told me the PulsePad's trigger out can fire a camera shutter. {duration} time-lapse of {subject}, zero extra gear.
        Made a time-lapse of {subject} with the PulsePad triggering my {camera} {interval}. {Music gear doing photo work|Who knew}.
        PulsePad sequencer at one step {interval} → camera shutter. {subject}, {duration}. Favorite hack ever.
        My PulsePad is now a better intervalometer than the one I paid $60 for. Time-lapse of {subject} coming soon.
        Bought the PulsePad for beats, now it mostly triggers my {camera} for time-lapses. {No regrets|Oops}.
    """), lines("PulsePad as a camera shutter trigger\nTime-lapse of {subject} with a PulsePad")),
    Topic("unexpected_use", "timelapse_howto", "neutral", 2.5, PULSEPAD, lines("""
        How are people wiring the PulsePad to a camera for time-lapses? Which cable for a {camera}?
        Seen a few posts about using the PulsePad as a shutter trigger. Does it work with a {camera}?
        Trying the PulsePad time-lapse trick with my {camera}: the shutter fires but {only the first shot|it skips frames}. Any tips?
    """), lines("PulsePad time-lapse setup help\nPulsePad shutter trigger with {camera}?")),
    Topic("unexpected_use", "timelapse_wish", "positive", 1.5, PULSEPAD, lines("""
        {brand_at} half of us use the PulsePad as an intervalometer now, can you add a proper time-lapse mode?
        A camera mode in the PulsePad firmware with longer step intervals would be perfect for time-lapse.
    """), lines("Time-lapse mode for the PulsePad?")),
)

CRISES = (
    Topic("crisis", "overheating", "negative", 5, ("ChargeDock",), lines("""
        My ChargeDock {got so hot I couldn't touch it|melted the cable|left a burn mark on my nightstand|started smelling like burning plastic} {last night|this morning|an hour ago}. {brand_at} {what is going on|is this safe??|this is dangerous}
        {UNPLUG YOUR CHARGEDOCK|Unplug your ChargeDocks, people}. Mine {scorched the desk|warped the base|made my phone too hot to hold}. {Photos below|Not ok}.
        Woke up to the smell of burning plastic. It was the ChargeDock. {I'm done with Voltline|This could have been a fire}.
        The ChargeDock literally {warped|melted|scorched} on my desk. How did this pass safety testing?? {brand_at}
        {brand_at} my kid's ChargeDock {overheated|started smoking} in their bedroom. I want answers, not a form letter.
    """), lines("ChargeDock overheating, unplug yours\nMy ChargeDock melted\nChargeDock burn mark")),
    Topic("crisis", "recall_demand", "negative", 2.5, ("ChargeDock",), lines("""
        Voltline needs to recall the ChargeDock {now|today|before someone gets hurt}. {Reports are everywhere|This is the {n}th post I've seen}.
        Is Voltline going to say anything about the ChargeDock overheating or just hope it blows over? {feeling}.
        Returning my ChargeDock {tomorrow|today} and never buying a Voltline charger again.
        {n} ChargeDock fire reports in my feed in an hour. {brand_at} silence is not an answer.
    """), lines("Recall the ChargeDock\nWhy no ChargeDock recall?")),
    Topic("crisis", "worried", "neutral", 1.8, ("ChargeDock",), lines("""
        Is the ChargeDock overheating thing real? Mine feels {warm|fine} but {now I'm nervous|I unplugged it anyway}.
        Anyone know which ChargeDock batches are affected? Bought mine at {store}.
        Should I stop using my ChargeDock until Voltline says something?
    """), lines("Which ChargeDocks are affected?\nIs my ChargeDock safe?")),
    Topic("crisis", "defender", "positive", 0.7, ("ChargeDock",), lines("""
        Had my ChargeDock for {days} days, {zero problems|it never even gets warm}. {Maybe check your power brick?|Not saying anyone is lying, mine's fine}.
    """), lines("My ChargeDock is fine")),
)

CRISIS_AFTERMATH = (
    Topic("crisis", "aftermath", "negative", 1, ("ChargeDock",), lines("""
        Still no proper answer from Voltline about the ChargeDock. {days} days and counting.
        Finally got my ChargeDock refund. {Took long enough|Not buying another}.
        Sent my ChargeDock back {as asked|for the recall}. {Let's see if the replacement is any better|Now my nightstand is a mess again}.
    """), lines("ChargeDock refund update\nStill waiting on the ChargeDock")),
)

COMPETITION = (
    Topic("competitor", "switched_away", "negative", 1.5, ALL_PRODUCTS, lines("""
        {Switched|Went back} to the {competitor_product} after my {product} kept {flaw}. {Sorry Voltline|No regrets}.
        {competitor} has the {competitor_product} cheaper than Voltline sells the {product} {again|this week}.
        {competitor} price-matched {in two minutes|without asking}, Voltline wouldn't. Bought the {competitor_product}.
    """), lines("Switched to the {competitor_product}\n{competitor} vs Voltline")),
    Topic("competitor", "switched_to_voltline", "positive", 1.5, ALL_PRODUCTS, lines("""
        Traded my {competitor_product} for a {product} and {joy}.
        {product} vs {competitor_product}: {the Voltline wins on sound|the Voltline is way easier to use}. {feature}.
    """), lines("{competitor_product} to {product}: worth it")),
    Topic("competitor", "comparison", "neutral", 2, ALL_PRODUCTS, lines("""
        {product} or {competitor_product}? {Can't decide|Help me choose}.
        Anyone tried both the {competitor_product} and the {product}?
        {competitor_product} has {better battery|more pads|a lower price} but the {product} {looks nicer|has the better app}. Hmm.
    """), lines("{product} or {competitor_product}?")),
    Topic("competitor", "competitor_news", "neutral", 1.5, ALL_PRODUCTS, lines("""
        {competitor} just announced a new {competitor_product}. {Looks nice|Pricey though}.
        {competitor} is {opening a store|running a sale} in {city}. {Might check it out|Competition is good}.
    """), lines("New {competitor_product} announced\n{competitor} news")),
)

CHATTER = (
    Topic("chatter", "unboxing", "positive", 2, ALL_PRODUCTS, lines("""
        Unboxing my new {product} {tonight|right now}!
        Finally treated myself to a {product}. {Let's see what the hype is about|Day one impressions tomorrow}.
    """), lines("New {product} day")),
    Topic("chatter", "store_visit", "neutral", 2, ALL_PRODUCTS, lines("""
        At {store} {playing with|trying} the {product} demo units. {Tempting|Must resist}.
        Every time I walk past {store} I come out with {another cable|something I don't need}.
        PulsePad meetup at {store} on {weekday}? Who's in?
    """), lines("Hanging out at {store}"), at_store=True),
    Topic("chatter", "everyday", "neutral", 3, ALL_PRODUCTS, lines("""
        {product} + {coffee|a rainy Sunday|late night} = {beat making|good times|focus mode}.
        Does anyone else name their {product}? Mine is {Gerald|Sparky|Beatrice|Volty}.
        New {product} color when? {brand_at}
        {Day {days}|Week {n}} with the {product}: still figuring out {the menus|what half the buttons do}.
        Made a beat with my {product} on the {train|bus|plane} {today|this morning}, {joy}
    """), lines("Random {product} thoughts\nWhat are you making with your {product}?")),
)

# Everyday posts, by scenario (the burst and the time-lapse cluster are written separately).
EVERYDAY = QUESTIONS + COMPLAINTS + LOST_ITEMS + PRAISE + IDEAS + COMPETITION + CHATTER
