"""How people talk in the demo's internal meetings.

Sentences are composed from many templates and fragments (the deal's account, amounts, products,
the customer's goal, colleagues' names, the quarter), so two meetings rarely share a sentence.
Each template family carries the label a careful listener would give it: ``revenue`` (our number,
price, dates, quota), ``customer_impact`` (what the customer is trying to achieve, the difference
we make), ``other`` (greetings and logistics).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from data_access.demo.vocabulary import COMPETITORS, CONTACT_ROLES, CUSTOMER_GOALS, PRODUCTS

PAINS = (
    "closing the books in spreadsheets",
    "re-keying supplier invoices from email",
    "chasing approvals over chat",
    "reconciling a dozen bank accounts by hand",
    "waiting two weeks for a budget report",
    "paying suppliers late because approvals stall",
    "rebuilding the forecast every Monday",
    "working weekends at month end",
    "losing track of spend across their sites",
    "fixing payroll errors after every pay run",
)

REVENUE_STATEMENTS = (
    "{account} is at {amount} and I'm calling it commit for {quarter}.",
    "If {account} signs by Friday we're at {attainment}% of the number.",
    "I need {amount} more to hit quota this quarter.",
    "We're {amount} short of the team number with {days} days to go.",
    "Legal has the {account} paperwork, so that's {amount} we can count.",
    "I offered {account} {pct}% off if they sign before the end of the quarter.",
    "Procurement at {account} wants another {pct} points off.",
    "The {account} deal slipped to next quarter, so I'm pulling it from commit.",
    "Pipeline coverage is about {coverage} times for next quarter.",
    "I moved the {account} close date out {days} days.",
    "{account} is best case, maybe {amount} if it lands.",
    "I've got {n} deals in negotiation and they all need to close this month.",
    "That puts me at {attainment}% of quota.",
    "We can get {account} over the line with a discount.",
    "I'd rather give them the discount than lose the quarter.",
    "Finance needs the forecast by {weekday} noon.",
    "Commit is {big_amount}, best case is {big_amount_2}.",
    "The {product} deal at {account} is worth {amount} a year.",
    "We need {n} more logos this month to make the number.",
    "My number for the quarter is {big_amount} and I'm at {attainment}% of it.",
    "{account} asked for ninety-day payment terms and I said yes to keep the date.",
    "If we bundle {product} we can take the deal up to {amount}.",
    "I'm going to push {account} to sign this week.",
    "The renewal at {account} is {amount}, and they want a price hold.",
    "I can bring {account} in this quarter if we waive the onboarding fee.",
    "We're behind plan by {amount} and the quarter closes in {days} days.",
    "The upside is {account}, {amount} if it comes in early.",
    "I've sent {account} an order form with the end-of-quarter pricing.",
    "I'd put {account} at eighty percent, {amount}.",
    "Win rate was down last month, so the pipeline has to carry us.",
    "We're at {attainment}% to plan for the month.",
    "I pulled {account} into this quarter; they agreed to sign early for the discount.",
    "That's {amount} that moves to next quarter.",
    "The number this week looks like {big_amount}.",
    "Their budget approval is the only thing between us and {amount}.",
    "{person} has the biggest number on the board this month.",
    "The quarter is going to come down to {account} and {account_2}.",
    "If {account} slips, we miss the number.",
    "Price is the objection, so I'll offer {pct}% and see if that moves it.",
    "They want a three-year deal at this year's price.",
    "I need the approval for {pct}% by tomorrow or the deal slips.",
    "My accelerator kicks in at a hundred and ten percent.",
    "The forecast is {big_amount} with {amount} at risk.",
    "I've got {account} on a close plan that ends on the {day_of_month}.",
    "We'll have to discount {account} to get it in.",
    "Stage two pipeline is thin, we need more meetings booked.",
    "{competitor} came in {pct}% cheaper, so I matched it.",
    "I'm holding {account} back until the new quarter, I'm already over this one.",
    "The {account} order is stuck with their procurement, {amount} just sitting there.",
    "We closed {amount} last week, mostly from {account}.",
    "I'm sandbagging nothing, {big_amount} is my real number.",
    "I can probably squeeze another {amount} out of {account} with a multi-year.",
)

REVENUE_QUESTIONS = (
    "Can we get {account} signed before quarter end?",
    "What's your commit for the quarter?",
    "How much is {account} worth?",
    "Is {account} going to close this month or not?",
    "What do you need from me to get {account} over the line?",
    "Can we offer them a discount to pull it in?",
    "Where are you against quota?",
    "How confident are you in the {amount}?",
    "What's the close date on {account} now?",
    "Why did {account} slip again?",
    "Can you get procurement at {account} to move faster?",
    "What's the gap to the number?",
    "How do we light a fire under {account}?",
    "Is there anything else you can bring in this quarter?",
    "Do we need to discount to win {account}?",
    "What's best case if everything lands?",
    "Can we get a signature by the {day_of_month}?",
    "What would it take to get them to sign this week?",
    "How many of these are real commit?",
    "Can you move {account} into commit?",
    "What discount are they asking for?",
    "Is the {amount} still good or is it coming down?",
)

CUSTOMER_STATEMENTS = (
    "{account} is trying to {goal}.",
    "Their {role} told me they want to {goal}.",
    "What {account} really cares about is being able to {goal}.",
    "If they don't {goal}, they'll have to hire two more people in finance.",
    "The {role} at {account} said their last close took {days} days.",
    "They tried to {goal} last year and it failed because nobody owned it.",
    "The {role} at {account} is under pressure from their board to {goal}.",
    "I mapped their close process with the {role}, and the bottleneck is approvals.",
    "We showed {account} how {product} helps them {goal}, and the {role} got it straight away.",
    "If it doesn't work for their warehouse team, it doesn't work at all.",
    "Their biggest worry is the migration landing in their busy season.",
    "The outcome we agreed with {account} is simple: {outcome}.",
    "Honestly, I'm not sure {product} is the right fit for what {account} needs.",
    "They're opening {n} new locations next year and finance can't keep up.",
    "I asked what happens if they do nothing, and the {role} said they'd miss the audit deadline.",
    "{account} said the reason they're looking is the late supplier payments.",
    "We should walk away from {account}; we can't help them with what they need.",
    "Their {role} wants to stop spending weekends on reconciliations.",
    "Last month {account_2} told us they closed the books in four days for the first time.",
    "I spent an hour with the {account} ops team just watching how they work.",
    "Their own customers are complaining about invoice errors, and that's the real pain.",
    "They need something their store managers can use without training.",
    "For {account}, the win is to {goal}.",
    "The {role} at {account} would sponsor it if we tie it to their goal to {goal}.",
    "We haven't asked {account} what good looks like yet.",
    "{account} is growing fast and their spreadsheets are breaking.",
    "The team at {account} is still {pain}.",
    "I'd like to bring our implementation lead to {account} so we understand their setup.",
    "They want to hear from a customer their size before they decide.",
    "{account_2} had the same problem and halved their close, so I'll introduce them.",
    "If we help {account} {goal}, they'll roll it out to the other entities.",
    "Their pain is real: they're {pain}.",
    "The {role} told me her team is exhausted.",
    "They're not ready, and pushing them now would set them up to fail.",
    "The finance team at {account} is three people doing the work of six.",
    "{person} found out their auditors flagged the manual journals last year.",
    "What they described is really a cash visibility problem, not a reporting one.",
    "Once they {goal}, the {role} can finally spend time on planning.",
    "I'd rather {account} go live slowly and succeed than rush it.",
    "Their new {role} came from a company that uses us, and she wants the same outcome.",
)

CUSTOMER_QUESTIONS = (
    "What is {account} trying to achieve, and what happens if they don't?",
    "What does success look like for {account}?",
    "What's the business problem behind the {account} deal?",
    "Who at {account} feels the pain most?",
    "How will {account} measure whether this worked?",
    "What happens to {account} if they stay on spreadsheets another year?",
    "Why now for {account}?",
    "What did their {role} say needs to be different in six months?",
    "Have we asked {account} what's standing in the way of their goal?",
    "Does {product} actually help them {goal}?",
    "What's the outcome we've written down for {account}?",
    "Is the {role} involved, and do they care about the same outcome?",
    "How are they doing it today, and what does it cost them?",
    "What would make {account} a reference customer a year from now?",
    "What's standing in the way of them achieving what they want?",
    "If we were in their shoes, would we buy this?",
    "How does this help their team {goal}?",
    "What's the one thing {account} can't afford to get wrong?",
    "Are we honestly the right fit for {account}?",
    "What did you learn about their customers?",
    "What will be different for the {role} at {account} if this works?",
    "Who else at {account} is affected by the problem?",
)

CUSTOMER_OPENERS = (
    "Before the numbers, {account} closed their books in four days last month, so thank you, {person}.",
    "I want to open with {account}: their {role} called to say the rollout saved them {days} days.",
    "Quick customer story to start: {account_2} used {product} to {goal}.",
    "Let's start with a customer this week: {account} is trying to {goal}, and we're close.",
    "Good news first, the {role} at {account_2} told me they finally stopped {pain}.",
)

CUSTOMER_OPENER_QUESTIONS = (
    "Let's start with a customer: what did we learn from {account} this week?",
    "Who helped a customer get something done this week?",
    "Before we look at anything else, what's happening for {account}?",
)

OTHER_STATEMENTS = (
    "Let's give it a minute for {person} to join.",
    "You're on mute, {person}.",
    "Sorry, my internet dropped for a second.",
    "I've got a hard stop at half past.",
    "Let's keep this to thirty minutes.",
    "I'll share the notes after.",
    "The coffee machine on three is broken again.",
    "Great, thanks, we went hiking with the kids.",
    "The offsite is on the {day_of_month}, so please book your travel.",
    "I'll be out on Friday, {person} is covering.",
    "Let's move on.",
    "Let me pull up the dashboard.",
    "The CRM was really slow this morning.",
    "Reminder that expenses are due by {weekday}.",
    "Okay, next one.",
    "Let's take the rest offline.",
    "I'll send the invite for the follow-up.",
    "We've got the all-hands on {weekday}.",
    "I'm going to record this so {person} can catch up.",
    "Sorry I'm late, back-to-back today.",
    "I'll put the link in the chat.",
    "My screen just froze, give me a second.",
    "There's cake in the kitchen for {person}'s birthday.",
    "The new laptops arrive next week.",
    "Let's go round in the usual order.",
    "I'm in the office {weekday} if anyone wants to grab lunch.",
    "I missed the start, sorry.",
    "Same as last week, nothing new from me on that.",
)

OTHER_QUESTIONS = (
    "Can everyone hear me?",
    "Is {person} joining today?",
    "Who's taking notes?",
    "Did everyone get the agenda?",
    "Can you see my screen?",
    "Shall we get started?",
    "How was the weekend, {person}?",
    "Did everyone get the new territory map?",
    "Are we doing this in person next week?",
    "Can someone drop the link in the chat?",
)

GREETINGS = (
    "Morning everyone.",
    "Hi all, thanks for joining.",
    "Hey team, let's get going.",
    "Good afternoon, everyone.",
    "Hi everyone, hope your week's going well.",
    "Okay, I think we're all here.",
    "Hello, hello.",
    "Right, let's kick off.",
)

CLOSINGS = (
    "Thanks all, same time next week.",
    "Good call, thanks everyone.",
    "That's it from me, thanks.",
    "Thanks, let's wrap there.",
    "Great, talk soon.",
    "Thanks everyone, have a good rest of the day.",
    "Okay, I'll let you all go.",
)

NSP_STATEMENTS = (
    "Remember why we're here: we help growing companies run their operations with confidence.",
    "That's exactly what we mean by operations with confidence.",
    "I used our purpose statement with {account} and the {role} lit up.",
    "If we can't help them run with confidence, we shouldn't sell it to them.",
    "{account} is one of those growing companies we exist for.",
    "Our purpose is to help growing companies run their operations with confidence, so let's look at {account} that way.",
    "The {role} at {account} literally said they want to run with confidence.",
)

NSP_QUESTIONS = (
    "Does this deal help {account} run with confidence, or does it just help our number?",
    "Who did we help run with confidence this week?",
    "How does {account} run their operations with confidence after this?",
)

FILLERS = (
    "So, ",
    "Okay, ",
    "Right, ",
    "Honestly, ",
    "Yeah, ",
    "Look, ",
    "To be fair, ",
    "Quick one: ",
    "Um, ",
)
# Sentence openings a filler word can go in front of (lowercased); names and "I" stay as they are.
_LOWER_FIRST = {
    "We",
    "We're",
    "We've",
    "We'll",
    "We'd",
    "They",
    "They're",
    "The",
    "It",
    "That",
    "That's",
    "Our",
    "There",
    "There's",
    "This",
    "Their",
    "Once",
    "Last",
    "Before",
    "Same",
    "Sorry",
    "My",
    "Good",
    "Great",
    "Price",
    "Win",
    "Stage",
    "Pipeline",
    "Legal",
    "Procurement",
    "Finance",
    "Commit",
    "If",
    "For",
    "Let's",
    "Let",
    "Reminder",
}
_KEEP_FIRST = {"I", "I'm", "I've", "I'd", "I'll"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def money(value: float) -> str:
    if value >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def _lower_first(phrase: str) -> str:
    return phrase[:1].lower() + phrase[1:]


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@dataclass
class Topic:
    """What a stretch of a meeting is about: one deal (or none)."""

    account: str
    amount: float
    product: str
    outcome: str | None
    goal: str


class _Slots(dict):
    """Template values computed only when a template asks for them."""

    def __init__(self, makers: dict[str, Callable[[], str]]) -> None:
        super().__init__()
        self.makers = makers

    def __missing__(self, key: str) -> str:
        value = self.makers[key]()
        self[key] = value
        return value


@dataclass
class Speech:
    """Renders templates for one meeting: its topic, colleagues, and other accounts to mention."""

    rng: random.Random
    people: list[str]
    other_accounts: list[str]
    quarter: str

    def render(self, template: str, topic: Topic, speaker: str = "", filler: bool = True) -> str:
        """One sentence from ``template``; ``speaker`` (a first name) is never the colleague it names."""
        rng = self.rng
        colleagues = [p for p in self.people if p != speaker] or self.people
        makers: dict[str, Callable[[], str]] = {
            "account": lambda: topic.account,
            "account_2": lambda: rng.choice(self.other_accounts) if self.other_accounts else topic.account,
            "amount": lambda: money(topic.amount),
            "big_amount": lambda: money(rng.randint(6, 40) * 25_000),
            "big_amount_2": lambda: money(rng.randint(41, 70) * 25_000),
            "product": lambda: topic.product,
            "goal": lambda: topic.goal,
            "outcome": lambda: _lower_first(topic.outcome or rng.choice(CUSTOMER_GOALS)),
            "pain": lambda: rng.choice(PAINS),
            "role": lambda: rng.choice(CONTACT_ROLES),
            "person": lambda: rng.choice(colleagues),
            "competitor": lambda: rng.choice(COMPETITORS),
            "quarter": lambda: self.quarter,
            "weekday": lambda: rng.choice(WEEKDAYS),
            "day_of_month": lambda: ordinal(rng.randint(1, 30)),
            "days": lambda: str(rng.choice((3, 5, 7, 9, 10, 12, 14, 18, 21, 30))),
            "pct": lambda: str(rng.choice((5, 8, 10, 12, 15, 18, 19, 20, 25))),
            "n": lambda: str(rng.randint(2, 6)),
            "attainment": lambda: str(rng.randint(55, 135)),
            "coverage": lambda: rng.choice(("two", "two and a half", "three", "three and a half")),
        }
        text = template.format_map(_Slots(makers))
        first, _, rest = text.partition(" ")
        if (
            filler
            and not text.endswith("?")
            and (first in _LOWER_FIRST or first in _KEEP_FIRST)
            and rng.random() < 0.3
        ):
            first = first if first in _KEEP_FIRST else first.lower()
            text = f"{rng.choice(FILLERS)}{first} {rest}".rstrip()
        return text


def random_topic(rng: random.Random, account: str) -> Topic:
    """A topic for a deal-less stretch of talk, about one of the team's accounts."""
    return Topic(account, rng.randint(8, 120) * 1_000, rng.choice(PRODUCTS), None, rng.choice(CUSTOMER_GOALS))
