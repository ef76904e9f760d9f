"""The word lists the locations enricher reads context from: which capitalised words are not airports,
which words before or after a name make it a place, and the population thresholds for bare names."""

from __future__ import annotations

from groundswell.enrich.gazetteer import words
from groundswell.routing.geo import CAPITALISED_WORDS_NOT_AIRPORTS

# Capitalised three-letter words that are codes of some airport but in posts nearly always mean something
# else, added to the list routing keeps: abbreviations, airline and team names, interjections, words.
NOT_AIRPORTS = CAPITALISED_WORDS_NOT_AIRPORTS | words(
    """
    CAN YOU ARE FOR HAS WAS HER HIS OUR ITS BUT ONE TWO TEN OLD RED HOT WON LET TRY PAY USE FEE FIX ASK SAY
    SIR YET TOO WAY END TOP LOW BUS CAR CAB GAS WIN FUN JOB LAW OWN PUT RUN SIT WOW YAY BOO UGH HEY HMM SOS
    FML IDC IDK TBH WTH THX PLZ OMW BRB IKR NVM AKA DIY RIP MVP GOP BBQ ABC CBS NBC CNN BBC HBO NBA NFL NHL
    MLB FBI CIA NSA IRS DMV DUI GPS PDF FAQ APP EST PST CST MST EDT PDT CDT GMT UTC NYE BFF XXX USD EUR GBP
    CAD AUD MPH PHD MBA CPA MRI ICU DVD USB SIM PIN CVV VIA MAN BOY GUY KID MOM DAD FAM BRO SIS LUV HUB CFO
    CTO COO ETD ATC CBP ICE PNR LIT BOI AMA TMI SMS SWA UAL AAL MSG POS POP RAG PGH CFC LFC TBT FAN WIN
    USC NYU UCF USF TCU SMU UNC UGA OSU PSU ASU ISU KSU WVU LSU MSU FSU BYU UVA PMO TUR CFB PSG EPL MLS ACC SEC
    NRA NHS BMW MMA UFC AFL ICC
    """
)
# Words before a name that make it a place: strong ones alone, weak ones after a travel word.
STRONG_CUES = words("in into via leaving landed landing arrived arriving departing visiting near")
WEAK_CUES = words("to from at")
# Air travel words: the narrower set that makes a bare "to", "at" or "in" a cue before an airport code.
AIR_TRAVEL_WORDS = words(
    """
    flight flights fly flying flew flown land landed landing arrived arriving connecting connection layover
    departing leaving stuck route
    """
)
TRAVEL_WORDS = AIR_TRAVEL_WORDS | words(
    "trip way back home headed heading going go went return returning drive driving moved moving move travel "
    "traveling travelling waiting"
)
AFTER_CUES = words("airport airports terminal gate intl international")
# Lower-case words that may stand inside a capitalised name ("Rio de Janeiro", "Stratford-upon-Avon").
CONNECTORS = words("de del la las los da do dos das di of upon on am an der sur en le les y the and")
# A name followed by one of these is an area, not the city ("Suffolk County").
NOT_CITY_AFTER = words("county parish township borough")
# Two-letter state codes that are also common words in a profile ("IN", "OR", "ME"): only after a city.
STATE_CODE_WORDS = words("IN OR ME OK HI OH AS")
BARE_MIN_POPULATION = 100_000
LOWER_CASE_MIN_POPULATION = 500_000
MIN_ONE_WORD_LETTERS = 4
