"""A synthetic attribution corpus of realistic shape, for load tests and benchmarks.

Deterministic for a given size and seed. The shapes follow a newsroom archive rather
than uniform noise: a long tail of speakers (Zipf-like statement counts, a tenth of them
anonymous), organizations in hierarchies (governments → ministries → missions), about
one source per five statements from a couple of hundred outlets of very unequal size,
one to four appearances per statement (some reworded, some relayed via another outlet),
twenty years of dates at every precision, and text drawn from real English word
frequencies so that searches meet rare, medium and very common terms.

Rows are plain tuples in the column order of `COLUMNS`, yielded in batches so that a
loader (quotes/corpus_load.py) can stream them into the database while the next batch
is generated. The word list was made with wordfreq 3.1.1:
    [(w, round(word_frequency(w, "en") * 1e9)) for w in top_n_list("en", 40000)
     if re.fullmatch("[a-z]+", w)][:12000]
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import json
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.utils.text import slugify

T = TypeVar("T")
WORD_LIST = Path(__file__).parent / "data" / "english_word_frequencies.tsv"
BATCH_STATEMENTS = 5_000
FIRST_DAY = datetime.date(2006, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

# Column order of every generated row; loaders name the columns explicitly, so columns
# added later with a database default need no change here.
COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(columns.split())
    for table, columns in {
        "quotes_topic": "id name slug description",
        "quotes_organization": "id name slug kind country parent_id aliases",
        "quotes_speaker": "id name slug aliases description is_anonymous organization_id "
        "country created_at updated_at",
        "quotes_affiliation": "id speaker_id organization_id title start_on end_on",
        "quotes_source": "id kind outlet_id title url published_on authors language text "
        "created_at updated_at",
        "quotes_statement": "id text kind speaker_id organization_id speaker_title said_on "
        "said_on_precision setting location anonymity_reason in_response_to_id status "
        "verified_by_id verified_at notes created_at updated_at retraction_reason "
        "first_reported_on anonymous",
        "quotes_appearance": "id statement_id source_id quoted_text attribution via_id offset",
        "quotes_statement_topics": "id statement_id topic_id",
    }.items()
}
TABLES = tuple(COLUMNS)
# Not a table: (statement id, wording) of reworded appearances, for the search index.
WORDINGS = "wordings"

COUNTRIES = (
    "United States", "United Kingdom", "France", "Germany", "Ukraine", "Russia", "China",
    "India", "Japan", "Brazil", "Mexico", "Canada", "Australia", "South Africa", "Nigeria",
    "Kenya", "Egypt", "Israel", "Turkey", "Iran", "Saudi Arabia", "Poland", "Italy",
    "Spain", "Indonesia", "South Korea", "Argentina", "Laos", "Vietnam", "Philippines",
)  # fmt: skip
MINISTRIES = (
    "Foreign Affairs", "Defence", "Finance", "Health", "Interior", "Justice", "Energy",
    "Trade",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Ahmed", "Maria", "John", "Olena", "Dmitry", "Wei", "Priya", "Kenji", "Lucas",
    "Sofia", "James", "Fatima", "Carlos", "Amara", "Lloyd", "Elena", "Mohammed", "Chen",
    "Isabel", "David", "Aisha", "Pierre", "Yuki", "Grace", "Oleksandr", "Hannah", "Rafael",
    "Nadia", "Samuel", "Leila", "Tomasz", "Ingrid", "Kwame", "Mei", "Diego", "Sarah",
    "Viktor", "Ama", "Robert",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Kovalenko", "Garcia", "Nguyen", "Peskov", "Austin", "Okafor", "Tanaka",
    "Müller", "Dubois", "Rossi", "Silva", "Khan", "Cohen", "Yilmaz", "Kowalski", "Sato",
    "Mensah", "Haddad", "Petrov", "Fernández", "Li", "Singh", "Johnson", "Brown", "Ivanova",
    "Moreau", "Schmidt", "Park", "Santos", "Ali", "Wang", "Novak", "Larsen", "Adeyemi",
    "Rahman", "Costa", "Hughes", "Bauer", "Lindqvist",
)  # fmt: skip
PAPER_WORDS = (
    "Herald", "Times", "Post", "Tribune", "Gazette", "Observer", "Chronicle", "Courier",
    "Journal", "Record", "Daily", "Wire",
)  # fmt: skip
TITLES = (
    "spokesperson", "minister", "deputy minister", "press secretary", "ambassador",
    "senator", "general", "director", "adviser", "chief of staff",
)  # fmt: skip
TOPICS = (
    "Elections", "Ceasefire talks", "Sanctions", "Climate", "Energy prices", "Inflation",
    "Migration", "Public health", "Trade deals", "Cybersecurity", "Military aid",
    "Embassy closures", "Court rulings", "Corruption", "Press freedom", "Human rights",
    "Refugees", "Nuclear talks", "Budget", "Taxes", "Infrastructure", "Education",
    "Housing", "Labour strikes", "Protests", "Diplomacy", "Terrorism", "Drought",
    "Floods", "Space", "Artificial intelligence", "Elections abroad", "Hostages",
    "Arms control", "Pandemic", "Tariffs", "Shipping", "Food security", "Water", "Debt",
)  # fmt: skip
SETTINGS = (
    "told reporters", "at a press conference", "in an interview", "in a written statement",
    "at a rally", "in testimony before parliament", "on television", "in a social media post",
)  # fmt: skip
ANONYMITY_REASONS = (
    "not authorized to speak publicly",
    "discussing internal deliberations",
    "describing a sensitive diplomatic matter",
    "for fear of reprisal",
)
KINDS = ("direct_quote", "partial_quote", "paraphrase", "written_statement")
KIND_WEIGHTS = (60, 15, 15, 10)


@dataclass(frozen=True)
class Words:
    """English words in frequency order, and a sampling table in which each word fills
    slots in proportion to its frequency: a uniform pick from it is a weighted pick,
    twice as fast as bisecting cumulative weights (this is most of the generator's work)."""

    words: tuple[str, ...]
    table: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = WORD_LIST, slots: int = 1 << 21) -> Words:
        rows = [
            line.split("\t")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ]
        total = sum(int(count) for _, count in rows)
        table: list[str] = []
        for word, count in rows:
            table.extend([word] * max(1, round(int(count) * slots / total)))
        return cls(tuple(word for word, _ in rows), tuple(table))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.table, k=k)

    def sentence(self, rng: random.Random, low: int, high: int) -> str:
        words = self.sample(rng, rng.randint(low, high))
        words[0] = words[0].capitalize()
        if len(words) > 12:  # a clause break, as speech has
            cut = rng.randint(4, len(words) - 4)
            words[cut] += ","
        return " ".join(words) + "."


@dataclass
class Batch:
    """Rows generated since the last batch, by table, plus how many statements so far."""

    rows: dict[str, list[tuple]] = field(
        default_factory=lambda: {table: [] for table in (*TABLES, WORDINGS)}
    )
    statements_done: int = 0


@dataclass
class Ids:
    """The next free id of each table: generated rows come after existing ones."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


def pick(rng: random.Random, items: Sequence[T], cumulative: Sequence[float]) -> T:
    """One of `items`, weighted by the cumulative weights `cumulative`."""
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    country: str


@dataclass(frozen=True)
class Person:
    """A speaker as statements need them: who, for whom, and how outlets credit them."""

    id: int
    organization_id: int
    title: str
    credit: str
    anonymous: bool


@dataclass
class Pending:
    """A statement still to be printed by more outlets."""

    id: int
    text: str
    credit: str
    first_outlet: Org | None
    remaining: int
    row: tuple
    tags: list[tuple]
    wordings: list[str] = field(default_factory=list)


class CorpusGenerator:
    """Yields the corpus as batches of rows; see the module docstring for its shape."""

    def __init__(
        self, statements: int, seed: int, ids: Ids, curator_ids: list[int], words: Words
    ) -> None:
        self.target = statements
        self.rng = random.Random(seed)
        self.ids = ids
        self.curator_ids = curator_ids
        self.words = words
        self.now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        self.batch = Batch()
        self.created = 0
        self.pending: deque[Pending] = deque()
        self.recent: deque[int] = deque(maxlen=2_000)

    def __iter__(self) -> Iterator[Batch]:
        self.reference_data()
        while self.created < self.target:
            self.source()
            if self.created - self.batch.statements_done >= BATCH_STATEMENTS:
                yield self.flush()
        for pending in self.pending:  # the rest will not be printed again
            self.complete(pending)
        yield self.flush()

    def complete(self, pending: Pending) -> None:
        """Emit a statement once all its wordings are known: the loader indexes them."""
        self.add("quotes_statement", pending.row)
        for tag in pending.tags:
            self.add("quotes_statement_topics", tag)
        for wording in pending.wordings:
            self.add(WORDINGS, (pending.id, wording))

    def flush(self) -> Batch:
        done, self.batch = self.batch, Batch(statements_done=self.created)
        done.statements_done = self.created
        return done

    def add(self, table: str, row: tuple) -> None:
        self.batch.rows[table].append(row)

    # --- reference data: topics, organizations, outlets, speakers ----------------------

    def reference_data(self) -> None:
        self.topics = [self.topic(name) for name in TOPICS]
        self.topic_weights = zipf_cumulative(len(self.topics), 0.8)
        self.governments: list[Org] = []
        self.agencies: list[Org] = []
        for country in COUNTRIES:
            self.government(country)
        self.ngos = [self.organization(name, "ngo", "") for name in self.ngo_names(60)]
        self.outlets = self.news_outlets(200)
        self.outlet_weights = zipf_cumulative(len(self.outlets), 1.0)
        self.people = [self.speaker(n) for n in range(max(1, self.target // 50))]
        self.rng.shuffle(self.people)  # prolific speakers are not the first ids
        self.people_weights = zipf_cumulative(len(self.people), 1.0)

    def topic(self, name: str) -> int:
        pk = self.ids.take("quotes_topic")
        self.add("quotes_topic", (pk, name, f"{slugify(name)}-{pk}", ""))
        return pk

    def organization(self, name: str, kind: str, country: str, parent: Org | None = None) -> Org:
        pk = self.ids.take("quotes_organization")
        aliases = json.dumps([name.split(" of ")[0]] if " of " in name else [])
        parent_id = parent.id if parent else None
        row = (pk, name, f"{slugify(name)}-{pk}", kind, country, parent_id, aliases)
        self.add("quotes_organization", row)
        return Org(pk, name, country)

    def government(self, country: str) -> None:
        """A government, its ministries, and under them embassies and armed forces."""
        government = self.organization(f"Government of {country}", "government", country)
        self.governments.append(government)
        for ministry in MINISTRIES:
            name = f"Ministry of {ministry} of {country}"
            agency = self.organization(name, "agency", country, government)
            self.agencies.append(agency)
            if ministry == "Foreign Affairs":
                for host in self.rng.sample(COUNTRIES, 3):
                    name = f"Embassy of {country} in {host}"
                    self.agencies.append(
                        self.organization(name, "diplomatic_mission", country, agency)
                    )
            elif ministry == "Defence":
                forces = self.organization(
                    f"Armed Forces of {country}", "military", country, agency
                )
                self.agencies.append(forces)

    def ngo_names(self, count: int) -> list[str]:
        first = ("Global", "People's", "Open", "Free", "United", "Civic", "Citizens'", "Fair")
        second = ("Rights", "Climate", "Press", "Health", "Justice", "Peace", "Water", "Food")
        third = ("Watch", "Alliance", "Network", "Foundation", "Coalition", "Institute")
        names = [f"{a} {b} {c}" for a in first for b in second for c in third]
        return self.rng.sample(names, count)

    def news_outlets(self, count: int) -> list[Org]:
        """Outlets named after cities, a fifth of them owned by a few media groups."""
        groups = [self.organization(f"{n} Media Group", "other", "") for n in LAST_NAMES[:8]]
        cities = [word.capitalize() for word in self.words.words[3000:3400]]
        outlets = []
        for n in range(count):
            name = f"The {cities[n % len(cities)]} {PAPER_WORDS[n % len(PAPER_WORDS)]}"
            owner = self.rng.choice(groups) if n % 5 == 0 else None
            outlets.append(self.organization(name, "news_outlet", "", owner))
        return outlets

    def speaker(self, n: int) -> Person:
        pk = self.ids.take("quotes_speaker")
        if self.rng.random() < 0.1:
            return self.anonymous_speaker(pk)
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        organization = self.rng.choice(self.agencies + self.governments + self.ngos)
        title = self.rng.choice(TITLES)
        aliases = [misspelled(self.rng, name)] if self.rng.random() < 0.15 else []
        description = f"{title.capitalize()}, {organization.name}"
        self.add("quotes_speaker", (
            pk, name, f"{slugify(name)}-{pk}", json.dumps(aliases, ensure_ascii=False),
            description, False, None, "", self.now, self.now,
        ))  # fmt: skip
        start = self.day(self.rng.random() * 0.8)
        row = (self.ids.take("quotes_affiliation"), pk, organization.id, title, start, None)
        self.add("quotes_affiliation", row)
        return Person(pk, organization.id, title, f"{name}, the {title},", False)

    def anonymous_speaker(self, pk: int) -> Person:
        organization = self.rng.choice(self.agencies + self.governments)
        rank = self.rng.choice(("senior", "", "former", "military", "diplomatic"))
        label = " ".join(filter(None, (rank, organization.country, "official")))
        description = f"A {label} in the {organization.name}, as the outlet described them"
        self.add("quotes_speaker", (
            pk, label[0].upper() + label[1:], f"{slugify(label)}-{pk}", "[]", description,
            True, organization.id, organization.country, self.now, self.now,
        ))  # fmt: skip
        return Person(pk, organization.id, "", f"a {label}", True)

    def day(self, fraction: float) -> datetime.date:
        """The day `fraction` (0..1) of the way through the corpus's twenty years."""
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + datetime.timedelta(days=int(span * min(fraction, 1.0)))

    # --- sources, statements and appearances ------------------------------------------

    def source(self) -> None:
        """One article: statements it printed first, then some it picked up from others."""
        pk = self.ids.take("quotes_source")
        published = self.day((self.created / self.target) ** 0.5)  # more sources lately
        outlet = None
        if self.rng.random() > 0.02:
            outlet = pick(self.rng, self.outlets, self.outlet_weights)
        printed, later = [], []
        for _ in range(self.rng.randint(1, 9)):
            if self.created < self.target:
                printed.append(self.new_statement(published, outlet, later))
        for _ in range(min(len(self.pending), self.rng.randint(2, 7))):
            printed.append(self.reprint(self.pending.popleft(), outlet))
        self.pending.extend(later)  # not before: one appearance per statement and source
        title = self.words.sentence(self.rng, 5, 12).rstrip(".")
        text, offsets = self.article(
            title, [(wording, credit) for _, wording, credit, _ in printed]
        )
        self.add("quotes_source", (
            pk, "article", outlet.id if outlet else None, title, self.url(pk, outlet, published),
            published, self.authors(), "en", text, self.now, self.now,
        ))  # fmt: skip
        for (statement_id, wording, attribution, via_id), offset in zip(
            printed, offsets, strict=True
        ):
            row = (statement_id, pk, wording, attribution, via_id, offset)
            self.add("quotes_appearance", (self.ids.take("quotes_appearance"), *row))

    def new_statement(
        self, published: datetime.date, outlet: Org | None, later: list[Pending]
    ) -> tuple[int, str, str, int | None]:
        """A statement first printed on `published`; returns its first appearance."""
        pk = self.ids.take("quotes_statement")
        text = self.words.sentence(self.rng, 10, 80)
        speaker, credit = self.credited()
        row = self.statement_row(pk, text, speaker, published)
        # Emitted with the statement: the loader indexes each statement with its topics.
        tags = self.tags(pk)
        self.created += 1
        self.recent.append(pk)
        appearances = self.rng.choices((1, 2, 3, 4), (50, 25, 15, 10))[0]
        if appearances > 1:
            later.append(Pending(pk, text, credit, outlet, appearances - 1, row, tags))
        else:
            self.add("quotes_statement", row)
            for tag in tags:
                self.add("quotes_statement_topics", tag)
        return pk, text, f"said {credit}", None

    def statement_row(
        self, pk: int, text: str, speaker: Person | None, published: datetime.date
    ) -> tuple:
        said_on, precision = self.said(published)
        status, curator, verified_at = self.review(published)
        rng = self.rng
        responds = rng.choice(self.recent) if self.recent and rng.random() < 0.02 else None
        setting = rng.choice(SETTINGS) if rng.random() < 0.4 else ""
        location = rng.choice(COUNTRIES) if rng.random() < 0.3 else ""
        reason = rng.choice(ANONYMITY_REASONS) if speaker and speaker.anonymous else ""
        retraction = "The outlet corrected its attribution." if status == "retracted" else ""
        return (
            pk, text, rng.choices(KINDS, KIND_WEIGHTS)[0], speaker.id if speaker else None,
            speaker.organization_id if speaker else self.body_org.id,
            speaker.title if speaker else "", said_on, precision, setting, location, reason,
            responds, status, curator, verified_at, "", self.now, self.now, retraction,
            published,  # first reported: the source printing it first is dated `published`
            bool(speaker and speaker.anonymous),
        )  # fmt: skip

    def credited(self) -> tuple[Person | None, str]:
        """The speaker, or None when an organization speaks as a body (one in thirty)."""
        if self.rng.random() < 1 / 30:
            self.body_org = self.rng.choice(self.agencies + self.governments + self.ngos)
            return None, f"the {self.body_org.name}"
        person = pick(self.rng, self.people, self.people_weights)
        return person, person.credit

    def said(self, published: datetime.date) -> tuple[datetime.date | None, str]:
        """When it was said, as precisely as the article tells: day, month, year or not."""
        r = self.rng.random()
        if r < 0.80:
            return max(
                FIRST_DAY, published - datetime.timedelta(days=self.rng.randint(0, 2))
            ), "day"
        if r < 0.90:
            return published.replace(day=1), "month"
        if r < 0.95:
            return published.replace(month=1, day=1), "year"
        return None, "unknown"

    def review(self, published: datetime.date) -> tuple[str, int | None, datetime.datetime | None]:
        """Mostly verified (by whom and when), some drafts, a few retracted."""
        r = self.rng.random()
        if r < 0.04:
            return "draft", None, None
        if r < 0.045:
            return "retracted", None, None
        when = datetime.datetime.combine(published, datetime.time(12), tzinfo=datetime.UTC)
        return "verified", self.rng.choice(self.curator_ids), when + datetime.timedelta(days=1)

    def tags(self, statement_id: int) -> list[tuple]:
        count = self.rng.choices((0, 1, 2), (30, 50, 20))[0]
        chosen = {pick(self.rng, self.topics, self.topic_weights) for _ in range(count)}
        return [
            (self.ids.take("quotes_statement_topics"), statement_id, topic_id)
            for topic_id in sorted(chosen)
        ]

    def reprint(self, pending: Pending, outlet: Org | None) -> tuple[int, str, str, int | None]:
        """Another outlet's printing: sometimes reworded, sometimes relayed via the first."""
        wording = (
            pending.text if self.rng.random() < 0.8 else variant(self.rng, pending.text, self.words)
        )
        first = pending.first_outlet
        via = first if first and first != outlet and self.rng.random() < 0.25 else None
        attribution = f"{pending.credit} told the {via.name}" if via else f"said {pending.credit}"
        if wording != pending.text:
            pending.wordings.append(wording)
        pending.remaining -= 1
        if pending.remaining:
            self.pending.append(pending)
        else:
            self.complete(pending)
        return pending.id, wording, attribution, via.id if via else None

    def article(self, title: str, printed: list[tuple[str, str]]) -> tuple[str, list[int]]:
        """The article's text and the offset of each wording in it."""
        parts = [title, ". ", self.words.sentence(self.rng, 8, 20)]
        length = sum(map(len, parts))
        offsets = []
        for wording, attribution in printed:
            parts.append("\n\n“")
            offsets.append(length + 3)
            parts.append(f"{wording}” {attribution}.")
            length += 3 + len(parts[-1])
        return "".join(parts), offsets

    def url(self, pk: int, outlet: Org | None, published: datetime.date) -> str:
        if outlet is None or self.rng.random() < 0.05:
            return ""
        return f"https://{slugify(outlet.name)}.example/{published:%Y/%m/%d}/article-{pk}"

    def authors(self) -> str:
        count = self.rng.choice((1, 1, 1, 2))
        names = [
            f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}" for _ in range(count)
        ]
        return json.dumps(names, ensure_ascii=False)


def misspelled(rng: random.Random, name: str) -> str:
    """`name` with two adjacent letters swapped, as outlets sometimes print it."""
    at = rng.randrange(1, len(name) - 2)
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def variant(rng: random.Random, text: str, words: Words) -> str:
    """An outlet's rewording: part of the quote, one word changed, or one dropped."""
    tokens = text.split()
    choice = rng.random()
    if choice < 0.4 and len(tokens) >= 12:
        start = rng.randint(0, len(tokens) - 8)
        return " ".join(tokens[start : rng.randint(start + 6, len(tokens))])
    at = rng.randrange(len(tokens))
    if choice < 0.7:
        tokens[at] = words.sample(rng, 1)[0]
    elif len(tokens) > 1:
        del tokens[at]
    return " ".join(tokens)
