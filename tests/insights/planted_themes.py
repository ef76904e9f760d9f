"""Three invented topics, 30 posts each, written for the done-when test of new themes (issue 6). None of them
occurs in the airline tweets of February 2015: checked by searching the data for their key words.

- AMENITY_CABLES: Virgin America flyers using the amenity kit pouch as a cable and charger organiser, an
  unexpected use (the catalogue lists sleeping, freshening up and comfort).
- FREE_MESSAGING: Southwest's new free in-flight messaging over the Wi-Fi, used for texting family: an intended
  use of the Wi-Fi.
- RUNWAY_DOG: a dog loose on the runway at Denver, holding up United departures: no product at all."""

from __future__ import annotations

AMENITY_CABLES = [
    "@VirginAmerica the amenity kit pouch is now my cable organizer. Chargers, earbuds, adapters, all in one. Genius",
    "Pro tip: keep the @VirginAmerica amenity kit bag. Perfect for all your charging cables",
    "Using the VX amenity kit as a tech pouch for my cords and power bank. Fits like it was made for it @VirginAmerica",
    "@VirginAmerica didn't need the eye mask but the amenity pouch holds every charger I own",
    "My desk drawer is full of @VirginAmerica amenity kits I turned into cable organizers lol",
    "Anyone else using the @VirginAmerica amenity bag for laptop chargers? Zippered and the perfect size",
    "The @VirginAmerica amenity kit case makes the best cord organizer. My backpack has never been this tidy",
    "@VirginAmerica please sell the amenity kit pouch on its own, I use mine for USB cables and my mouse",
    "Tossed the socks, kept the @VirginAmerica amenity kit pouch for my chargers and SD cards #traveltip",
    "Repurposed my @VirginAmerica amenity kit into a cable bag. Chargers and headphones stay untangled now",
    "@VirginAmerica your amenity kit is secretly the best tech organizer. Phone charger, adapter, cables, done",
    "Three @VirginAmerica amenity pouches = one for cables, one for chargers, one for adapters. Organized at last",
    "Honestly the @VirginAmerica amenity kit bag is a better cable organizer than the $25 one I bought",
    "Using my @VirginAmerica amenity kit pouch to carry charging cords around the office, coworkers keep asking",
    "@VirginAmerica kept the amenity kit from LAX-JFK, now it holds my camera batteries and charger cables",
    "Life hack: @VirginAmerica amenity pouch fits a MacBook charger plus two USB cords perfectly",
    "I fly @VirginAmerica just for the amenity kit. It's my cable organizer now. Not even joking",
    "@VirginAmerica the amenity kit pouch keeps my chargers from tangling in my carry on. Love it",
    "My whole family uses @VirginAmerica amenity kits to store phone chargers. Best freebie ever",
    "Turned the @VirginAmerica amenity bag into a travel cord organizer, power bank and cables fit perfectly",
    "@VirginAmerica make the amenity kit pouch a bit bigger? It's my charger bag and a laptop brick barely fits",
    "Cable organizer? Nah, I use the @VirginAmerica amenity kit. Zip, padded, holds all my chargers",
    "The pouch from the @VirginAmerica amenity kit now lives in my laptop bag full of cords and adapters",
    "@VirginAmerica nobody uses the earplugs but we all keep the amenity kit pouch for our charging cables",
    "Week three of using the @VirginAmerica amenity kit as my gadget pouch. Chargers, dongles, cables",
    "Saw a guy at SFO pull a mess of chargers out of a @VirginAmerica amenity kit pouch, so I'm not the only one",
    "@VirginAmerica amenity kit bag = perfect home for my chargers and headphone cables. Keep making them",
    "Gave my old cable organizer away, the @VirginAmerica amenity pouch does the job better",
    "Packing tip from a road warrior: @VirginAmerica amenity kit pouch for all cables and wall chargers",
    "@VirginAmerica my amenity kit became a charger pouch the day I got home. Great size for cords",
]

FREE_MESSAGING = [
    "@SouthwestAir free inflight messaging is amazing! Texted my mom the whole flight from BWI to Denver",
    "Just sent iMessages from 35,000 feet for free on @SouthwestAir. The future is here",
    "@SouthwestAir the new free messaging over wifi let me tell my wife I'd land late. Thank you!",
    "Texting my kids from the plane for free on @SouthwestAir. Free iMessage and WhatsApp onboard",
    "@SouthwestAir free in-flight texting is the best thing you've added in years",
    "Free messaging on @SouthwestAir wifi worked perfectly. Chatted with my sister all the way to Vegas",
    "@SouthwestAir I didn't expect the free messaging to work so well. Sent texts and photos to my dad",
    "Loving the free WhatsApp on @SouthwestAir flights. Told my friend to pick me up 20 min early",
    "@SouthwestAir free messaging onboard means I can text my boss without paying for wifi. Nice",
    "Wow @SouthwestAir free iMessage in the air! My husband couldn't believe I was texting him from the flight",
    "First time using @SouthwestAir free inflight messaging. Sent 40 texts to my group chat lol",
    "@SouthwestAir free texting at altitude, so good. My mom tracked my flight and we messaged the whole way",
    "The free messaging on @SouthwestAir is a game changer for parents. Texted the babysitter from the plane",
    "@SouthwestAir finally an airline that lets you text for free in flight. iMessage worked great",
    "Connected to @SouthwestAir wifi just for the free messaging. WhatsApp calls don't work but texts do",
    "@SouthwestAir I used the free messaging to tell my uber driver where to meet me. So handy",
    "Free in-flight messaging on @SouthwestAir from MDW to PHX, texting family all flight. Love it",
    "@SouthwestAir is the free messaging here to stay? It made my 4 hour flight so much better",
    "Texted my girlfriend from the air for free thanks to @SouthwestAir messaging. She was shocked",
    "@SouthwestAir free messaging = less stress about connections. I messaged my family my new gate",
    "Thank you @SouthwestAir for free texting onboard. Told my grandma I was safe mid flight",
    "@SouthwestAir free iMessage worked on my phone but not on my iPad, any idea why?",
    "The free messaging on @SouthwestAir is legit. I texted my team the slides were coming",
    "@SouthwestAir free messaging in flight, I'm never flying anyone else. Texting over the Rockies",
    "Sent my dad a photo of the sunset through @SouthwestAir free messaging. Love this",
    "@SouthwestAir free messaging made it easy to text my brother about the delay. Good stuff",
    "Hey @SouthwestAir the free messaging kept disconnecting every few minutes but texts still got through",
    "Who knew @SouthwestAir had free inflight messaging? Texted my roommate the whole way home",
    "@SouthwestAir messaged my family for free from 30k feet. This is how flying should be",
    "Free texting on @SouthwestAir flights is here and it's great. Sent messages to my wife on the way to Dallas",
]

RUNWAY_DOG = [
    "@united there is literally a dog running loose on the runway at DEN and we're stuck at the gate",
    "A loose dog on the Denver runway is delaying our @united flight. Can't make this up",
    "@united captain just announced we're holding because of a dog on the runway in Denver. Go get him buddy",
    "Ground crew chasing a dog across the tarmac at DEN. @united flight delayed 40 mins. Honestly worth it",
    "@united is the dog on the runway in Denver ok?? Everyone on my plane is watching out the window",
    "Delayed at Denver because a husky escaped onto the runway. @united please tell us he's safe",
    "The Denver runway dog has more fans than @united right now. We're all cheering from seat 14",
    "@united our pilot said a runaway dog is on the taxiway at DEN. 30 minute hold. Run doggy run",
    "Watching airport staff try to catch a dog on the runway at Denver. @united delay is now an hour",
    "@united any update on the dog loose on the DEN runway? We've been sitting on the plane for 50 minutes",
    "Never thought I'd be delayed by a dog. @united Denver runway is closed while they catch it",
    "A golden retriever got out of its crate and onto the runway at DEN. @united hope the owner gets him back",
    "@united so the delay is because a dog escaped from a kennel onto the runway? Poor thing",
    "Dog on the runway in Denver, half the @united flights are held. Rooting for the pup",
    "@united gate agent says a loose dog on the runway at DEN is why we can't push back",
    "@united the runway dog in Denver has a twitter account already. Please find the owner",
    "Flight held in Denver because a dog is sprinting up and down the runway. @united crew laughing with us",
    "@united I'm missing my connection because a dog got loose on the Denver runway. Rebook me please",
    "Airport trucks chasing a dog across the runway at DEN, just saw it from our @united plane",
    "@united was the dog on the Denver runway a passenger's pet? How did it get out of cargo?",
    "Pilot update: the dog has been caught on the DEN runway and is safe. Cheers on our @united flight",
    "@united if you lose my dog in cargo like the one loose on the Denver runway today I'll never fly you again",
    "The dog running on the Denver runway made an hour delay almost fun. @united",
    "@united how does a dog get loose on an active runway at DEN? Scary for him and for us",
    "Everyone on @united 1123 is glued to the windows watching a dog outrun ground crew on the runway in Denver",
    "@united glad the runway dog at DEN is safe. Will the delays be cleared soon?",
    "Denver runway shut down by a dog. @united flights backed up. What a day",
    "@united please reunite the dog from the Denver runway with its family, whole plane is worried",
    "Update from DEN: dog caught, runway open, @united pushing back at last",
    "@united told my kids the delay was because of a dog on the runway, best delay excuse ever",
]

TOPICS = {"amenity-cables": AMENITY_CABLES, "free-messaging": FREE_MESSAGING, "runway-dog": RUNWAY_DOG}
BRANDS = {"amenity-cables": "Virgin America", "free-messaging": "Southwest", "runway-dog": "United"}
