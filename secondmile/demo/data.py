"""What the demo holds: two teams of different trades, their people and customers, the
gestures each team makes (with what its customers later said about them), and the stories,
scores, referrals and thanks of the hotel. loader.py turns this into rows through the real
services; nothing here touches the database.

Each team's gestures fit its business: a test checks that every act of a team is one of
its own gestures and that none uses another team's distinctive words. Every quote is said
once, about the gesture it belongs to."""

from dataclasses import dataclass

from core.models import Role

PASSWORD = "secondmile-demo"
HOTEL = "Harbour Hotel"
CLINIC = "Riverside Clinic"

PEOPLE = [
    # username, first, last, role, team
    ("staff", "Ana", "Silva", Role.STAFF, HOTEL),
    ("manager", "Marcus", "Lee", Role.MANAGER, HOTEL),
    ("admin", "Priya", "Nair", Role.ADMIN, HOTEL),
    ("sam", "Sam", "Okafor", Role.STAFF, HOTEL),
    ("lena", "Lena", "Berg", Role.STAFF, HOTEL),
    ("joe", "Joe", "Park", Role.STAFF, HOTEL),
    ("river_staff", "Rita", "Gomez", Role.STAFF, CLINIC),
    ("river_manager", "Omar", "Haddad", Role.MANAGER, CLINIC),
]


@dataclass(frozen=True)
class Gesture:
    problem: str
    solution: str
    quadrant: str
    trigger: str
    kind: str
    cost: str = "0"
    # What customers said about it, in their words: each quote is told once, crediting this gesture.
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trade:
    """One team: who its customers are, what it does for them and how it talks about it."""

    name: str
    customers: tuple[str, ...]
    acts: int  # how many acts over the months, drawn from `gestures`
    gestures: tuple[Gesture, ...]
    # The words only this trade uses: none may appear in another team's acts.
    words: tuple[str, ...]
    answers: tuple[str, str, str]  # the three questions, for a request with a cost
    knew_how: tuple[str, ...]  # how the customer learnt of it
    decline_note: str
    everyday: tuple[Gesture, ...] = ()  # free gestures, more of them as the team takes to the app
    waiting: tuple[tuple[str, Gesture], ...] = ()  # (username, request) waiting for a decision now
    chain_gestures: tuple[Gesture, ...] = ()  # one per generation of a referral chain

    @property
    def all_gestures(self) -> tuple[Gesture, ...]:
        """Every gesture the team makes in the demo: its acts are these and no others."""
        return self.gestures + self.everyday + tuple(g for _, g in self.waiting) + self.chain_gestures


HOTEL_GESTURES = (
    Gesture(
        "Her mother fell ill during the stay",
        "Sent flowers and a card to her mother's ward",
        "response",
        "proactive",
        "gift",
        "45.00",
        quotes=(
            "The night before my mother's operation there were flowers at her bedside from the hotel, "
            "with a card. I don't know how they found out. I will never stay anywhere else.",
            "When my mother was taken ill they sent flowers to her ward. She still has the card.",
        ),
    ),
    Gesture(
        "Arriving hungry on a late flight",
        "Had a steak waiting at the arrival gate",
        "reception",
        "proactive",
        "gift",
        "38.00",
        quotes=(
            "Landed at midnight, starving, and the Harbour Hotel had a steak waiting at the gate. Who does that?!",
            "A hot steak at the arrival gate after a fourteen-hour flight. I told the whole plane queue.",
        ),
    ),
    Gesture(
        "Booked a standard room for an anniversary",
        "Upgraded them to the harbour suite",
        "delivery",
        "proactive",
        "upgrade",
        quotes=(
            "Told my sister about the anniversary upgrade; she has booked for her own anniversary in June.",
            "We booked a standard room and woke up in the harbour suite. Best anniversary yet.",
        ),
    ),
    Gesture(
        "Room was not ready at check-in",
        "Lunch on us while they waited, and a late checkout",
        "response",
        "reactive",
        "waiver",
        "32.00",
        quotes=(
            "Our room wasn't ready, so they gave us lunch and a late checkout. Turned a bad start around.",
            "A late checkout and lunch on the house for a room that wasn't ready. Fair people.",
        ),
    ),
    Gesture(
        "Their child needed medicine at night",
        "Spent extra time flavouring the medicine",
        "delivery",
        "proactive",
        "time",
        quotes=(
            "The trick with the medicine for our son made the whole trip bearable. Thank you, really.",
            "At 11 pm the night porter helped us get our little one to take his medicine. Heroes.",
        ),
    ),
    Gesture(
        "Left a review about slow breakfast service",
        "Called to apologise and invited them back",
        "response",
        "reactive",
        "call",
        quotes=(
            "I complained about breakfast online and the manager phoned me to apologise. We went back.",
            "They read my grumpy review and called me. The second visit was perfect.",
        ),
    ),
    Gesture(
        "Planning a surprise proposal",
        "Arranged candles and a private table on the terrace",
        "reception",
        "proactive",
        "expertise",
        "85.00",
        quotes=(
            "Candles and a private table on the terrace: she said yes. Thank you, Harbour Hotel.",
            "The staff set up the whole proposal on the terrace and kept the secret all day.",
        ),
    ),
    Gesture(
        "Lost luggage on the way",
        "Bought essentials and a change of clothes",
        "response",
        "reactive",
        "gift",
        "95.00",
        quotes=(
            "Lost my luggage on the way; by the evening the staff had bought me essentials.",
            "The airline lost my case. The hotel had a toothbrush and a clean shirt in my room by dinner.",
        ),
    ),
    Gesture(
        "Regular guest on their tenth stay",
        "Hand-written note and local chocolates",
        "reliability",
        "proactive",
        "note",
        "18.00",
        quotes=(
            "A hand-written note on our tenth stay. It is on our fridge now.",
            "Ten stays in, and they noticed: chocolates and a note in their own hand.",
        ),
    ),
    Gesture(
        "Conference guest with a cold",
        "Brought honey tea and soup to the room",
        "delivery",
        "proactive",
        "gift",
        "12.50",
        quotes=(
            "I had a streaming cold at the conference and honey tea and soup appeared at my door.",
            "Soup and honey tea, unasked, when I was ill in my room. Felt looked after.",
        ),
    ),
    Gesture(
        "Birthday mentioned in passing",
        "Cake and the staff sang at dinner",
        "reliability",
        "proactive",
        "gift",
        "28.00",
        quotes=(
            "Mentioned the birthday cake to colleagues at lunch.",
            "I said it was my birthday once, at check-in. At dinner the whole staff sang.",
        ),
    ),
    Gesture(
        "Billing mistake on checkout",
        "Refunded the night and sent a follow-up letter",
        "response",
        "reactive",
        "waiver",
        "140.00",
        quotes=(
            "They spotted the billing mistake before I did and wrote to apologise. Honest people.",
            "A mistake on my bill, fixed with a refunded night and a letter. I'd trust them again.",
        ),
    ),
)

HOTEL_EVERYDAY = (
    Gesture(
        "Waiting alone for a late taxi",
        "Kept them company and called the driver",
        "reception",
        "proactive",
        "time",
        quotes=(
            "Nobody has ever kept me company waiting for a taxi at 2 am. Thank you, truly.",
            "My taxi was an hour late and the night porter waited outside with me the whole time.",
            "They rang the driver for me and stood with me in the cold until he came.",
        ),
    ),
    Gesture(
        "First visit to the city",
        "Drew a map of our favourite places to eat",
        "reception",
        "proactive",
        "expertise",
        quotes=(
            "Told the whole book club about the map of places to eat.",
            "The hand-drawn map from the front desk was better than any guidebook.",
            "Every place on their little food map was a hit. We ate our way round the city.",
        ),
    ),
    Gesture(
        "Mentioned their daughter's exam",
        "A note wishing her luck with breakfast",
        "reliability",
        "proactive",
        "note",
        quotes=(
            "My daughter found a good-luck note on her breakfast tray on exam day. She passed!",
            "They remembered her exam and wished her luck with breakfast. Small thing, big smile.",
            "A note for my girl on exam morning. The staff remembered what I said in passing.",
        ),
    ),
    Gesture(
        "Checked out after a long week",
        "Called a week later to ask how the trip home went",
        "reliability",
        "proactive",
        "call",
        quotes=(
            "They called after we got home, just to ask how we were. Who does that?",
            "A week after checkout the hotel phoned to ask if we got home all right.",
            "Got a call from the front desk asking how the journey home went. Lovely touch.",
        ),
    ),
    Gesture(
        "Shower was cold one morning",
        "Fixed it within the hour and apologised in person",
        "response",
        "reactive",
        "time",
        quotes=(
            "Something went wrong and they put it right before I even asked.",
            "Cold shower at seven, fixed by eight, and the manager came to say sorry himself.",
            "They fixed the hot water within the hour and apologised face to face.",
        ),
    ),
    Gesture(
        "Laptop charger left at home",
        "Lent ours from the office for the stay",
        "delivery",
        "proactive",
        "other",
        quotes=(
            "Forgot my laptop charger; they lent me the office's for the week. Saved my trip.",
            "They lent me their own charger for my whole stay. Small things, done kindly.",
            "No charger, big presentation, and the front desk simply handed me theirs.",
        ),
    ),
)

HOTEL_WAITING = (
    (
        "staff",
        Gesture(
            "Flew in for a funeral, exhausted",
            "Book a massage and a quiet room for the evening",
            "response",
            "proactive",
            "gift",
            "75.00",
        ),
    ),
    (
        "sam",
        Gesture(
            "Wedding party's photographer cancelled",
            "Hire a local photographer for the ceremony hour",
            "response",
            "proactive",
            "gift",
            "150.00",
        ),
    ),
    (
        "lena",
        Gesture(
            "Stuck here two extra nights by a storm",
            "Dinner for the family at the harbour restaurant",
            "response",
            "proactive",
            "gift",
            "62.00",
        ),
    ),
)

HOTEL_CHAIN_GESTURES = (
    Gesture(
        "Celebrating a new job",
        "A bottle of local wine with a note from the team",
        "reception",
        "proactive",
        "gift",
        quotes=(
            "A bottle of local wine to toast my new job, with a note from the team. I told my family that evening.",
            "They heard about my new job and left wine and a card in the room. My friends were jealous.",
        ),
    ),
    Gesture(
        "Travelling with a newborn",
        "Had a cot and a bottle warmer ready in the room",
        "reception",
        "proactive",
        "gift",
        quotes=(
            "First trip with our baby: a cot and a bottle warmer were waiting in the room. Told my mum straight away.",
            "They had everything for the baby ready before we arrived. New parents, this is the place.",
        ),
    ),
    Gesture(
        "Missed the last ferry",
        "Drove them to the harbour ourselves",
        "reception",
        "proactive",
        "gift",
        quotes=(
            "We missed the last ferry and the night manager drove us to the harbour himself.",
            "The hotel drove us to the harbour when the ferry had gone. We made it home that night.",
        ),
    ),
)

CLINIC_GESTURES = (
    Gesture(
        "Anxious about her first blood test",
        "Sat with her through it and held her hand",
        "delivery",
        "proactive",
        "time",
    ),
    Gesture(
        "His appointment ran an hour late",
        "Paid his parking and brought him a coffee",
        "response",
        "reactive",
        "waiver",
        "8.00",
    ),
    Gesture(
        "Could not collect a prescription after hours",
        "Dropped the prescription at his door on the way home",
        "response",
        "proactive",
        "time",
    ),
    Gesture(
        "A small boy frightened of his injection",
        "A sticker sheet and a certificate of bravery",
        "reception",
        "proactive",
        "gift",
        "4.00",
    ),
    Gesture(
        "Elderly patient confused by a new medication",
        "Wrote the doses out in large print and called the next day",
        "reliability",
        "proactive",
        "call",
    ),
    Gesture(
        "Physio session cancelled at short notice by us",
        "Booked a home visit from the physio the same week",
        "response",
        "reactive",
        "expertise",
        "60.00",
    ),
)

TRADES = (
    Trade(
        name=HOTEL,
        customers=(
            "Elena Petrova",
            "James Whitfield",
            "Mariam Chen",
            "Tom Becker",
            "Aiko Tanaka",
            "Grace Mensah",
            "Luis Ortega",
            "Hannah Kowalski",
            "David Osei",
            "Sofia Romano",
            "Noah Fischer",
            "Amara Eze",
            "Oliver Grant",
            "Chloe Dubois",
            "Ravi Patel",
            "Isabel Costa",
            "Ethan Brooks",
            "Yara Haddad",
            "Felix Wagner",
            "Nadia Rahman",
            "Ben Carter",
            "Leila Moradi",
            "Kofi Asante",
            "Mia Jensen",
            "Samuel Adeyemi",
            "Clara Novak",
            "Hugo Martin",
            "Zara Khan",
            "Peter Lindqvist",
            "Emma Walsh",
        ),
        acts=64,
        gestures=HOTEL_GESTURES,
        words=("hotel", "suite", "guest", "check-in", "checkout", "harbour", "breakfast", "luggage", "terrace"),
        answers=("It puts the guest first.", "They will remember it.", "We tell them in person."),
        knew_how=("Told them at checkout", "A card with it", "Follow-up email"),
        decline_note="Lovely idea, but a call would do here.",
        everyday=HOTEL_EVERYDAY,
        waiting=HOTEL_WAITING,
        chain_gestures=HOTEL_CHAIN_GESTURES,
    ),
    Trade(
        name=CLINIC,
        customers=("Walter Hughes", "Irene Sato", "Paolo Ricci", "Dina Levi", "Arjun Rao", "Maya Cohen"),
        acts=10,
        gestures=CLINIC_GESTURES,
        words=("clinic", "patient", "appointment", "prescription", "physio", "injection", "blood test"),
        answers=("It puts the patient first.", "It takes the worry out of the visit.", "We tell them at the desk."),
        knew_how=("Told them at the next visit", "A note with it", "Follow-up call"),
        decline_note="Kind thought, but a call from the nurse would do here.",
    ),
)
TRADE = {trade.name: trade for trade in TRADES}

# The three answers of the hotel's waiting requests (they wait for a manager or an admin now).
WAITING_ANSWERS = (
    "It is what a friend would do.",
    "It turns a hard trip into a story they tell.",
    "We tell them when we hand it over.",
)


@dataclass(frozen=True)
class ToldStory:
    """A story the hotel's customers told about one gesture, in every state of review."""

    solution: str  # the gesture it retells (its solution), or "" for a story about no act of ours
    channel: str
    text: str
    url: str = ""
    consent: bool = True
    decision: str | None = None  # None: still waiting for review
    reason: str = ""
    days_ago: int = 40  # when the act happened; told two days later


def _gesture(solution: str) -> Gesture:
    return next(g for g in HOTEL_GESTURES + HOTEL_EVERYDAY if g.solution == solution)


STORIES = (
    ToldStory(
        "Sent flowers and a card to her mother's ward",
        "review",
        _gesture("Sent flowers and a card to her mother's ward").quotes[0],
        url="https://www.tripadvisor.com/ShowUserReviews-harbour-hotel",
        decision="feature",
        days_ago=62,
    ),
    ToldStory(
        "Had a steak waiting at the arrival gate",
        "social",
        _gesture("Had a steak waiting at the arrival gate").quotes[0],
        url="https://www.instagram.com/p/harbour-steak/",
        decision="feature",
        days_ago=55,
    ),
    ToldStory(
        "Upgraded them to the harbour suite",
        "word_of_mouth",
        _gesture("Upgraded them to the harbour suite").quotes[0],
        decision="approve",
        days_ago=48,
    ),
    ToldStory(
        "Hand-written note and local chocolates",
        "letter",
        _gesture("Hand-written note and local chocolates").quotes[0],
        decision="approve",
        days_ago=44,
    ),
    ToldStory(
        "Refunded the night and sent a follow-up letter",
        "review",
        _gesture("Refunded the night and sent a follow-up letter").quotes[0],
        url="https://www.google.com/maps/reviews/harbour-hotel",
        decision="approve",
        days_ago=38,
    ),
    ToldStory(
        "Cake and the staff sang at dinner",
        "word_of_mouth",
        _gesture("Cake and the staff sang at dinner").quotes[0],
        consent=False,
        decision="approve",
        days_ago=33,
    ),
    ToldStory(
        "",
        "social",
        "Great pool, shame about the parking.",
        decision="reject",
        reason="About the car park, not an act.",
    ),
    ToldStory(
        "",
        "review",
        "Best hotel in town!!! Cheap flights on my site",
        url="https://spam.example.com/flights",
        decision="reject",
        reason="Spam with an advertising link.",
    ),
    ToldStory(
        "Spent extra time flavouring the medicine",
        "letter",
        _gesture("Spent extra time flavouring the medicine").quotes[0],
        days_ago=4,
    ),
    ToldStory(
        "Drew a map of our favourite places to eat",
        "word_of_mouth",
        _gesture("Drew a map of our favourite places to eat").quotes[0],
        days_ago=3,
    ),
)
# The customer's own voice, through a personal survey link after this gesture.
SURVEYED = ("Kept them company and called the driver", 10)

CHANNELS = ("review", "social", "word_of_mouth", "word_of_mouth", "letter")

# NPS after acts, and from walk-in customers who never had one (together, the whole scale).
SCORES_AFTER_ACTS = (10, 9, 10, 9, 8, 7, 6, 3, 10, 9, 8, 5, 10, 2, 9, 10, 7, 9)
SCORE_COMMENTS = {
    10: "Wonderful stay.",
    6: "Fine, nothing special.",
    3: "The room was noisy.",
    2: "Check-in took an hour.",
}
WALK_INS = (
    ("Ines Walker", 7),
    ("Pavel Novak", 8),
    ("Ruth Amsel", 6),
    ("Kenji Mori", 4),
    ("Laura Bianchi", 9),
    ("Omar Farouk", 0),
    ("Sara Lind", 10),
    ("Hugo Brandt", 1),
    ("Nadia Sokol", 2),
    ("Felix Ward", 3),
    ("Maya Ortiz", 5),
)

# Two referral chains: a featured story brings a customer, whose own story brings the next.
CHAINS = (
    ("Lucia Ferrante", "Marco Ferrante", "Giulia Ferrante"),
    ("Owen Baptiste", "Rosa Baptiste", "Theo Baptiste"),
)
FIRST_PURCHASES = ("240.00", "180.00", "420.00")

# Kudos: giver, receiver, days ago, note.
THANKS = (
    ("manager", "staff", 2, "The steak at the arrival gate: they are still talking about it."),
    ("manager", "sam", 6, "You turned a billing mistake into a thank-you letter. Great recovery."),
    ("manager", "lena", 12, "Calm and kind with the family stranded by the storm."),
    ("admin", "joe", 4, "Three different gestures this week, and none of them routine."),
    ("manager", "joe", 35, "The map of places to eat: three guests mentioned it at checkout."),
    ("manager", "staff", 41, "Kept a guest company at 2 am waiting for a taxi. Thank you."),
)

# Each team's rewards catalogue: name, points, stock (None: no limit), description.
REWARDS = {
    HOTEL: (
        ("Coffee with the general manager", 5, None, "Half an hour, your questions, her treat."),
        ("Book voucher", 15, 10, "For the bookshop on Quay Street."),
        ("Lunch for two in the Harbour Room", 30, None, "Bring whoever you like, any weekday."),
        ("An afternoon off", 60, 4, "Pick a quiet afternoon with your manager."),
        ("Spa day for two", 150, 2, "At the hotel spa, on a day it is not fully booked."),
    ),
    CLINIC: (("Lunch on the clinic", 20, None, "At the café across the road."),),
}
# Redemptions of the hotel's catalogue: who, which reward, days ago, what became of it
# ("fulfilled", "refunded" or None: still waiting) and the note that came with it.
REDEMPTIONS = (
    ("staff", "Book voucher", 24, "fulfilled", "It is in your pigeonhole at reception."),
    ("sam", "Coffee with the general manager", 11, "fulfilled", "Thursday at 10, in her office."),
    ("lena", "An afternoon off", 8, "refunded", "Conference week is fully booked; ask again for next month."),
    ("joe", "Coffee with the general manager", 3, None, ""),
    ("staff", "Lunch for two in the Harbour Room", 1, None, ""),
)

# Customers a story brought: distinct names, mixed (not twenty Abbotts in a row).
FIRST_NAMES = [
    "Alma",
    "Bruno",
    "Carla",
    "Dev",
    "Eva",
    "Farid",
    "Gina",
    "Hector",
    "Iris",
    "Jonas",
    "Kira",
    "Leo",
    "Mona",
    "Nils",
    "Olga",
    "Pia",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
]
LAST_NAMES = [
    "Abbott",
    "Brandt",
    "Castillo",
    "Dahl",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Holm",
    "Ivanova",
    "Jansen",
    "Keller",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Owusu",
    "Perez",
    "Quinn",
    "Rossi",
]
