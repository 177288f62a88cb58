"""Synthetic, labelled "LLM prompt" text for the Veil NER tagger (PERSON, LOCATION, ORGANIZATION).

Why this exists
---------------
The public NER sets we train on (BTC, WNUT-17) are tweets. Veil sees prompts: chat turns, support
tickets, emails with signature blocks, clinical and banking questions, JSON tool output, meeting
notes, code and logs. Names there come from every naming tradition, sit next to product names,
drug names, identifiers and Veil's own tokens (`Person_7QF2`), and addresses are written out in
full. This module writes such text with exact character spans, so the tagger learns the prompt
register and so we can measure it on text it has never seen.

What it produces
----------------
`generate(split, n, seed)` returns `n` dicts `{"text": str, "spans": [[start, end, label], ...]}`
(code-point offsets, end exclusive, sorted, non-overlapping). Splits:

- `train`: the train templates here plus the many compositional ones in `templates_more.py`
  (fragments, people lists, tables, JSON / YAML / XML tool results, signature blocks, code and
  logs as hard negatives), filled from the train 80 % of every name / street / company pool.
- `heldout`: templates, sentence frames, signature styles, fillers and prompt prefixes that train
  never uses, filled from the other 20 % of the pools, so names are unseen too. This is the
  headline "does it generalise" set.
- `technical`: code, logs, stack traces, configs and shell sessions (templates used nowhere
  else). About 20 % contain one person name (author field, comment, string literal); the rest
  have no entity at all. It measures false positives on technical text.

Pools are split by `zlib.crc32` of the string (stable across runs and Python versions). Short
lists of very common names (countries, states, big banks, agencies, insurers, hotel chains) are
SHARED by all splits: the tagger should know "HSBC" and "Germany" from training.

How text is built
-----------------
Templates are plain strings with two kinds of markup, expanded by `Generator.render`:

- `[[a|b|c]]` picks one alternative; `[[a]]` is optional (kept half the time). Groups nest.
- `{{kind}}`, `{{kind.form}}`, `{{kind:var}}`, `{{kind.form:var}}` are slots. Entity slots
  (`person`, `city`, `address`, `company`, ...) yield labelled text; the others (`product`,
  `drug`, `veil`, `ident`, ...) yield unlabelled hard negatives. A `:var` binds a value, so
  `{{person.full:a}} ... {{person.first:a}}` is one person mentioned twice.

Slots yield segments `(text, label, protected)`; case noise is applied per segment (so a
length-changing `str.lower()` such as Turkish `İ` cannot shift a span), and the spans are
computed while joining. A span never starts or ends with punctuation or whitespace ("Acme
S.A." is labelled "Acme S.A"; titles and a possessive "'s" stay outside), matching what the
tagger's decoder can output. `check_example` asserts the span invariants on every example
(including that spans start and end on `tok.tokenize` token boundaries).

Prose domains (about equal shares): chat, support, email, clinical, banking, json, meeting,
hr_travel; plus "tech" (code and logs pasted into a prompt) at half weight. Train draws its own
mixture (`templates_more.TRAIN_DOMAIN_WEIGHTS`), which adds "code" (pasted code, logs, configs
with no entity but, sometimes, one author) and "negprose" (entity-free prose with headers,
products, drugs, months and Veil tokens). Every train-only path is taken only when
`split == "train"`, and train-only pool extras are appended after the 80/20 split, so the
held-out and technical splits are unaffected by anything in `templates_more.py`. Determinism does
not depend on PYTHONHASHSEED (Faker's it_IT city list is built from a set, so it is not used).

CLI (from classifier/pipeline):
    python -m veil_ner.synth --out DIR [--seed 7] [--train 30000] [--heldout 2500] [--technical 400]
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import sys
import textwrap
import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

try:
    from . import names_extra as X
    from . import templates_more as M
    from . import tok
except ImportError:  # run as a plain script from this folder
    import names_extra as X  # type: ignore[no-redef]
    import templates_more as M  # type: ignore[no-redef]
    import tok  # type: ignore[no-redef]

SPLITS = ("train", "heldout", "technical")
LABELS = ("PERSON", "LOCATION", "ORGANIZATION")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Probabilities of the noise the brief asks for.
P_NATIVE_SCRIPT = 0.20  # person names in native script (else Latin / romanized)
P_ENT_LOWER = 0.10  # one entity lowercased
P_ENT_UPPER = 0.05  # one entity UPPERCASED
P_DOC_LOWER = 0.05  # a whole prose example lowercased
P_VEIL_SWAP = 0.05  # an entity slot already replaced by a Veil token (then it is O)
P_FILLER = 0.35  # a hard-negative filler sentence added to a prose example
P_PREFIX = 0.20  # a prompt prefix ("Context:", "User:") added
P_CONCAT = 0.10  # two prose templates in one example (a longer, multi-part prompt)
P_TECH_NAME = {"technical": 0.20, "train": 0.40, "heldout": 0.40}


def T(text: str) -> str:
    """A template written as an indented triple-quoted string."""
    return textwrap.dedent(text).strip("\n")


# =============================================================================================
# Pools: every list split 80/20 by a stable hash
# =============================================================================================


def _is_heldout(item: str) -> bool:
    return zlib.crc32(item.encode("utf-8")) % 100 >= 80


def split_pool(items, part: str, strip: bool = True) -> list[str]:
    """The `part` ("train" or "heldout") share of `items`, deduplicated and sorted.

    A list whose hash split leaves held-out empty gives held-out its highest-hash item, so no
    pool is ever empty.
    """
    uniq = sorted({i.strip() if strip else i for i in items if i and i.strip()})
    held = [s for s in uniq if _is_heldout(s)]
    if not held and len(uniq) > 1:
        held = [max(uniq, key=lambda s: zlib.crc32(s.encode("utf-8")))]
    if part == "heldout":
        return held
    held_set = set(held)
    return [s for s in uniq if s not in held_set]


def _faker_names(locale: str, *attrs: str) -> list[str]:
    """Raw name lists from a Faker person provider (dict-valued lists give their keys)."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    out: list[str] = []
    for attr in attrs:
        out.extend(getattr(provider, attr, ()))
    # A few entries carry notes ("عجرمة (العجارمة)") or digits; they are not names.
    return [re.sub(r"\s+", " ", n) for n in out if not re.search(r"[()\[\]\d]", n)]


_RU_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
    )
)


def translit_ru(word: str) -> str:
    """Cyrillic to Latin (BGN-like, simplified): Смирнов -> Smirnov."""
    out = "".join(_RU_LATIN.get(c.lower(), c).replace("_", "") for c in word)
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


@dataclass(frozen=True)
class Family:
    """One naming tradition: its given names, surnames and how a full name is ordered.

    order: "western" Given Surname; "either" Given Surname or Surname Given (romanized East
    Asian); "viet" Surname Middle Given; "cjk" SurnameGiven (no space); "ja" Surname Given with
    or without a space.
    """

    key: str
    script: str  # "latin" or "native"
    order: str
    weight: float
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    middles: tuple[str, ...] = ()


def _family_specs():
    F = _faker_names
    ru_m_given, ru_f_given = F("ru_RU", "first_names_male"), F("ru_RU", "first_names_female")
    ru_m_last, ru_f_last = F("ru_RU", "last_names_male"), F("ru_RU", "last_names_female")
    latin = [
        ("en_US", "western", 10, F("en_US", "first_names"), F("en_US", "last_names")),
        ("en_GB", "western", 6, F("en_GB", "first_names"), F("en_GB", "last_names")),
        ("en_IN", "western", 7, F("en_IN", "first_names"), F("en_IN", "last_names")),
        ("es_MX", "western", 5, F("es_MX", "first_names"), F("es_MX", "last_names")),
        ("pt_BR", "western", 4, F("pt_BR", "first_names"), F("pt_BR", "last_names")),
        ("fr_FR", "western", 4, F("fr_FR", "first_names"), F("fr_FR", "last_names")),
        ("de_DE", "western", 4, F("de_DE", "first_names"), F("de_DE", "last_names")),
        ("it_IT", "western", 3, F("it_IT", "first_names"), F("it_IT", "last_names")),
        ("pl_PL", "western", 3, F("pl_PL", "first_names"),
         F("pl_PL", "last_names", "male_last_names", "unisex_last_names")),
        ("tr_TR", "western", 3, F("tr_TR", "first_names"), F("tr_TR", "last_names")),
        ("vi_VN", "viet", 3, F("vi_VN", "first_names_female", "first_names_male",
                                "first_names_unisex"), F("vi_VN", "last_names")),
        ("fil", "western", 2, X.FILIPINO_GIVEN, X.FILIPINO_SURNAMES),
        ("zh_rom", "either", 3, F("zh_CN", "first_romanized_names") + X.CHINESE_ROMAN_GIVEN,
         F("zh_CN", "last_romanized_names")),
        ("ja_rom", "either", 3, F("ja_JP", "first_romanized_names"),
         F("ja_JP", "last_romanized_names")),
        ("ko_rom", "either", 2, X.KOREAN_ROMAN_GIVEN, X.KOREAN_ROMAN_SURNAMES),
        ("ru_rom_m", "western", 1.5, [translit_ru(n) for n in ru_m_given],
         [translit_ru(n) for n in ru_m_last]),
        ("ru_rom_f", "western", 1.5, [translit_ru(n) for n in ru_f_given],
         [translit_ru(n) for n in ru_f_last]),
        ("ar_rom", "western", 3, X.ARABIC_ROMAN_GIVEN, X.ARABIC_ROMAN_SURNAMES),
        ("fa_rom", "western", 2, X.PERSIAN_ROMAN_GIVEN, X.PERSIAN_ROMAN_SURNAMES),
        ("yoruba", "western", 2, X.YORUBA_GIVEN + F("yo_NG", "first_names"),
         X.YORUBA_SURNAMES + F("yo_NG", "last_names")),
        ("igbo", "western", 2, X.IGBO_GIVEN + F("ig_NG", "first_names"),
         X.IGBO_SURNAMES + F("ig_NG", "last_names")),
        ("akan", "western", 2, X.AKAN_GIVEN, X.AKAN_SURNAMES),
        ("kikuyu", "western", 2, X.KIKUYU_GIVEN, X.KIKUYU_SURNAMES),
        ("amharic", "western", 2, X.AMHARIC_GIVEN, X.AMHARIC_SURNAMES),
    ]
    native = [
        ("hi_IN", "western", 3, F("hi_IN", "first_names"), F("hi_IN", "last_names")),
        ("ru_RU_m", "either", 1.5, ru_m_given, ru_m_last),
        ("ru_RU_f", "either", 1.5, ru_f_given, ru_f_last),
        ("ar_AA", "western", 3, F("ar_AA", "first_names"), F("ar_AA", "last_names")),
        ("fa_IR", "western", 2, F("fa_IR", "first_names"), F("fa_IR", "last_names")),
        ("zh_CN", "cjk", 4, F("zh_CN", "first_names"), F("zh_CN", "last_names")),
        ("ja_JP", "ja", 3, F("ja_JP", "first_names"), F("ja_JP", "last_names")),
        ("ko_KR", "cjk", 3, F("ko_KR", "first_names"), F("ko_KR", "last_names")),
    ]
    vi_middles = F("vi_VN", "middle_names")
    for script, rows in (("latin", latin), ("native", native)):
        for key, order, weight, given, surnames in rows:
            yield key, script, order, weight, given, surnames, (vi_middles if key == "vi_VN" else ())


@dataclass
class Pools:
    """Everything one pool part ("train" or "heldout") draws from."""

    families: dict  # script -> (list[Family], list[weight])
    particles: list[str]
    cities: list[str]
    hospitals: list[str]
    schools: list[str]
    brands: list[str]
    fillers: list[str]
    prefixes: list[str]


_POOL_CACHE: dict[str, Pools] = {}


def pools_for(part: str) -> Pools:
    if part not in _POOL_CACHE:
        families: dict = {"latin": ([], []), "native": ([], [])}
        for key, script, order, weight, given, surnames, middles in _family_specs():
            fam = Family(key, script, order, weight, tuple(split_pool(given, part)),
                         tuple(split_pool(surnames, part)),
                         tuple(split_pool(middles, part)) if middles else ())
            if fam.given and fam.surnames:
                families[script][0].append(fam)
                families[script][1].append(weight)
        _POOL_CACHE[part] = Pools(
            families=families,
            particles=split_pool(X.PARTICLE_SURNAMES, part),
            cities=split_pool(X.CITIES, part),
            hospitals=split_pool(X.HOSPITALS, part),
            schools=split_pool(X.SCHOOLS, part),
            brands=split_pool(X.BRANDS, part),
            fillers=split_pool(FILLERS, part),
            prefixes=split_pool(PREFIXES, part, strip=False),
        )
        if part == "train":
            # Train-only extras (templates_more.py). Appended after the split, so the held-out
            # pools (and every held-out draw) are exactly what they were.
            pools = _POOL_CACHE[part]
            pools.fillers = pools.fillers + list(M.TRAIN_FILLERS)
            pools.prefixes = pools.prefixes + list(M.TRAIN_PREFIXES)
    return _POOL_CACHE[part]


# =============================================================================================
# Hard negatives: words and strings that look like entities but are not
# =============================================================================================

PRODUCTS = [
    "Excel", "Word", "PowerPoint", "Outlook", "Jira", "Confluence", "Kubernetes", "iPhone", "iPad",
    "MacBook", "Slack", "Postgres", "PostgreSQL", "MySQL", "Redis", "Kafka", "Grafana", "Docker",
    "Terraform", "Figma", "Notion", "Tableau", "Power BI", "SharePoint", "QuickBooks", "Android",
    "Chrome", "Firefox", "Windows 11", "macOS", "Photoshop", "AutoCAD", "Gmail", "WhatsApp",
    "Teams", "Zoom", "Kindle", "Galaxy S24", "Pixel 8", "Airtable", "Trello", "Snowflake",
    "Databricks", "Prometheus", "Jenkins", "Ansible", "Elasticsearch", "MongoDB", "Splunk",
]
DRUGS = [
    "metformin", "Ozempic", "ibuprofen", "paracetamol", "acetaminophen", "atorvastatin",
    "lisinopril", "amoxicillin", "omeprazole", "sertraline", "levothyroxine", "amlodipine",
    "warfarin", "insulin glargine", "Humira", "Lipitor", "Eliquis", "Xarelto", "prednisone",
    "salbutamol", "Ventolin", "Keytruda", "Wegovy", "gabapentin", "tramadol", "Zoloft", "Januvia",
    "methotrexate", "losartan", "Tylenol", "Advil", "Crestor", "apixaban", "Mounjaro", "Dupixent",
    "cetirizine", "fluoxetine", "Augmentin", "clopidogrel", "Synthroid",
]
TESTS = ["HbA1c", "LDL", "TSH", "ALT", "eGFR", "CRP", "ferritin", "vitamin D", "PSA", "INR",
         "troponin", "creatinine", "potassium"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
IDENTS = [
    "UserService", "getUserName", "ORDER_ID", "customer_id", "InvoiceController",
    "PaymentGateway", "fetchAccount", "AuthError", "MAX_RETRIES", "billingAddress",
    "ShippingLabelRenderer", "account_holder_name", "parseAddress", "OrgSettings",
    "PersonRepository", "LocationPicker", "createdAt", "is_active", "RateLimiter", "SyncWorker",
    "LedgerEntry", "TenantConfig", "sendWelcomeEmail", "PATIENT_ID", "ReferralForm",
]
LOG_LEVELS = ["INFO", "WARN", "WARNING", "ERROR", "DEBUG", "FATAL", "TRACE", "CRITICAL"]
HTTP_LINES = [
    "GET /api/v2/users/{n} HTTP/1.1", "HTTP/1.1 502 Bad Gateway", "POST /orders 201 Created",
    "HTTP/2 404 Not Found", "PUT /v1/accounts/{n}/address 409 Conflict",
    "DELETE /sessions/{n} 204", "HTTP/1.1 429 Too Many Requests", "GET /healthz 200 OK",
    "POST /api/login 401 Unauthorized", "PATCH /tickets/{n} 500 Internal Server Error",
]
JOB_TITLES = [
    "Senior Account Manager", "Head of Operations", "Customer Success Lead", "Finance Director",
    "Software Engineer", "Staff Engineer", "Product Manager", "HR Business Partner",
    "Procurement Specialist", "Clinical Nurse Specialist", "Practice Manager", "Regional Sales VP",
    "Chief Technology Officer", "Office Manager", "Legal Counsel", "Data Analyst",
    "Relationship Manager", "Talent Acquisition Partner", "Operations Coordinator",
    "Executive Assistant", "Consultant Cardiologist", "Branch Manager", "Travel Coordinator",
]
DEPTS = ["Finance", "Platform", "Customer Success", "Legal", "Procurement", "Payroll", "Security",
         "Facilities", "Sales Ops", "Billing", "Radiology", "Compliance", "Marketing"]
EMAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "hotmail.com",
                 "icloud.com", "mail.example.org", "corp.example.net"]
TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "Miss", "Mx."]
DOCTOR_TITLES = ["Dr.", "Dr.", "Dr", "Prof.", "Professor", "Doctor"]

# Non-person authors for technical text without a name.
BOT_AUTHORS = [
    ("ci-bot", "ci-bot@build.example.net"), ("dependabot[bot]", "support@github.com"),
    ("github-actions[bot]", "actions@github.com"), ("root", "root@localhost"),
    ("deploy", "deploy@ops.example.net"), ("svc-billing", "svc-billing@corp.example.net"),
    ("platform-team", "platform@corp.example.net"), ("build-agent-07", "agent07@ci.local"),
    ("jenkins", "jenkins@ci.local"), ("renovate[bot]", "bot@renovateapp.com"),
    ("admin", "admin@localhost"), ("ops-oncall", "oncall@corp.example.net"),
]

# Hard-negative filler sentences: capitalised common words, name-words in other roles, products,
# drugs, months. Split 80/20 like the pools, so held-out sentence frames are unseen.
FILLERS = [
    "May I also ask whether the bill includes VAT?",
    "Prices rose again in {{month}}, so keep the budget tight.",
    "I will check back on {{weekday}}.",
    "Summary: nothing urgent, just a heads-up.",
    "Invoice attached.",
    "Patient consent is on file.",
    "Action items are listed at the bottom.",
    "Thanks in advance!",
    "Note: the {{product}} export is attached as a CSV.",
    "Please keep it under 150 words.",
    "the rose garden project is on hold until june.",
    "Will this be ready by {{weekday}}?",
    "Use a friendly but professional tone.",
    "Keep {{veil}} exactly as written, it is a placeholder.",
    "Ignore the {{loglevel}} lines in the log.",
    "Don't mention {{product}} pricing yet.",
    "Bill me for the extra hours in {{month}}.",
    "Mark it as urgent.",
    "Status: Pending Review.",
    "Grace period ends on {{date}}.",
    "Hope this helps!",
    "Sunny weather is forecast, so the offsite will be outdoors.",
    "Do we still need the {{ident}} flag?",
    "Order {{order}} is a separate request.",
    "Total due: {{amount}}.",
    "Also, can you convert the table to Markdown?",
    "Keep all {{veil_person}} and {{veil_org}} placeholders unchanged.",
    "Mark the items you changed in bold.",
    "Rich text is fine.",
    "Frank feedback is welcome.",
    "Chase the supplier if nothing arrives by {{weekday}}.",
    "Sterling has weakened, so the quote in pounds may change.",
    "Can you add a Summary section and an Action items section?",
    "Reminder: {{drug}} refills need a new prescription.",
    "Attached: Q3 Report, Final Draft (v2).",
    "We bill monthly, in arrears.",
    "Happy Friday!",
    "PS: the {{product}} licence renews in {{month}}.",
    "Urgent: reply before noon.",
    "Best to avoid jargon.",
    "Main points go in the first paragraph, please.",
    "Fingers crossed it works this time.",
    "Carol singers are booked for the December party.",
    "No Deal Yet, per the last update.",
    "Don't forget: Daylight Saving Time starts this {{weekday}}.",
    "Please format the dates as YYYY-MM-DD.",
    "I may need a shorter version for {{product}}.",
    "Nothing else changed since {{month}}.",
    "Sales rose 4% last quarter, which helps.",
    "the june numbers look off, can you double check?",
    "Can I pay the bill by card?",
    "May we reschedule to {{weekday}}?",
    "Who will sign off on this?",
    "Please don't bill the client twice.",
    "We hope to close by june or july.",
    "Costs rose sharply after the {{product}} upgrade.",
    "May I suggest a shorter subject line?",
    "It will rain all week, so plan indoor options.",
    "The rose-gold iPhone case is out of stock.",
    "Pending: the august bill from the printer.",
    "Hunter green is the brand colour, not navy.",
    "Page 3 has the Summary table.",
]

# Things people put before the actual content of a prompt. Also split 80/20.
PREFIXES = [
    "Please help with this:\n\n", "Context:\n", "User: ", "Q: ", "Task: ", "Here's the text:\n",
    "Hey assistant, ", "[pasted]\n", "Instructions: rewrite the following.\n\n", "### Input\n",
    "Question — ", "FYI:\n", "Can you help? ", "Input:\n", "Hi! ", "hello, quick one: ",
    "From my notes:\n", "Prompt: ", "Okay so ", "See below.\n\n",
]


# =============================================================================================
# People
# =============================================================================================


@dataclass
class Person:
    given: str
    surname: str
    family: Family
    middle: str = ""  # Vietnamese middle name
    initial: str = ""  # middle initial for "First M. Last"
    surname_first: bool = False  # "either" families written Surname Given
    ja_space: bool = True

    @property
    def western(self) -> bool:
        """Whether Western forms (initials, "Last, First") make sense for this name."""
        return (self.family.script == "latin" and self.family.order in ("western", "either")
                and not self.surname_first)

    def full(self) -> str:
        order = self.family.order
        if order == "cjk":
            return self.surname + self.given
        if order == "ja":
            return self.surname + (" " if self.ja_space else "") + self.given
        if order == "viet":
            return " ".join(x for x in (self.surname, self.middle, self.given) if x)
        if self.surname_first:
            return f"{self.surname} {self.given}"
        return f"{self.given} {self.surname}"


@dataclass
class Veil:
    """A value already replaced by a Veil token: text that must stay O."""

    token: str


def veil_token(rng: random.Random, kind: str) -> str:
    if kind == "Email":
        return "email-" + "".join(rng.choice(CROCKFORD.lower()) for _ in range(8)) + "@example.com"
    return kind + "_" + "".join(rng.choice(CROCKFORD) for _ in range(rng.choice((4, 4, 4, 5, 6))))


# Last words that already make a name read as a company; no second suffix is added after them.
COMPANY_SUFFIXES = {
    "inc", "llc", "ltd", "plc", "group", "gmbh", "ag", "kg", "kgaa", "gbr", "ohg", "sa", "s.a",
    "sarl", "s.a.r.l", "sas", "spa", "s.p.a", "srl", "s.r.l", "ltda", "s/a", "me", "sons", "figli",
    "hijos", "s.c", "sp.j", "sp.k", "pvt", "limited", "co", "holdings", "e.v", "corp", "kgaa",
}


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# =============================================================================================
# Generator
# =============================================================================================

CHOICE_RE = re.compile(r"\[\[((?:(?!\[\[|\]\]).)*?)\]\]", re.S)
SLOT_RE = re.compile(r"\{\{(\w+)(?:\.(\w+))?(?::(\w+))?\}\}")
Seg = tuple  # (text, label or None, protected)


class Generator:
    """Fills templates for one split. All randomness comes from `self.rng` and seeded Fakers."""

    ADDRESS_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_IN", "en_AU")
    COMPANY_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_MX", "pt_BR", "en_IN",
                       "pl_PL")
    # Faker's pt_BR and fr_FR city() are mostly surnames ("Moraes"): only in addresses. it_IT
    # city() draws from a list built from a set, so its order depends on PYTHONHASHSEED.
    CITY_LOCALES = ("en_US", "en_GB", "de_DE", "de_DE", "es_MX", "en_IN", "en_IN", "pl_PL")

    def __init__(self, split: str, seed: int):
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        self.split = split
        self.part = "train" if split == "train" else "heldout"
        base = zlib.crc32(f"{split}:{seed}".encode())
        self.rng = random.Random(base)
        self.pools = pools_for(self.part)
        self.fakers: dict[str, Faker] = {}
        for i, loc in enumerate(sorted(set(self.ADDRESS_LOCALES + self.COMPANY_LOCALES))):
            fake = Faker(loc)
            fake.seed_instance(base + i + 1)
            self.fakers[loc] = fake
        self.vars: dict = {}
        self.tech_name = False
        self.var_count = 0  # fresh variable names for train macros ("z1", "z2", ...)

    # ---- small helpers ----------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def weighted(self, pairs):
        """`pairs` is [(weight, value), ...]."""
        total = sum(w for w, _ in pairs)
        r = self.rng.random() * total
        for w, v in pairs:
            r -= w
            if r < 0:
                return v
        return pairs[-1][1]

    def from_faker(self, locale: str, make, tries: int = 60) -> str:
        """A Faker value whose hash bucket belongs to this split (rejection sampling)."""
        value = ""
        for _ in range(tries):
            value = re.sub(r" {2,}", " ", make(self.fakers[locale]))
            if _is_heldout(self.bucket_key(value)) == (self.part == "heldout"):
                return value
        return value

    @staticmethod
    def bucket_key(value: str) -> str:
        """Street / company / city identity: its words without digits. A plain name is its own
        key, so a Faker city and the same city in `names_extra.CITIES` land in the same part."""
        words = re.split(r"[\s,/]+", value)
        return " ".join(w for w in words if w and not any(c.isdigit() for c in w))

    # ---- people -----------------------------------------------------------------------------

    def new_person(self) -> Person:
        script = "native" if self.chance(P_NATIVE_SCRIPT) else "latin"
        fams, weights = self.pools.families[script]
        fam = self.rng.choices(fams, weights)[0]
        given, surname = self.pick(fam.given), self.pick(fam.surnames)
        if fam.script == "latin" and fam.order == "western":
            roll = self.rng.random()
            if roll < 0.05:
                surname = self.pick(self.pools.particles)
            elif roll < 0.10 and " " not in surname:
                other = self.pick(fam.surnames)
                if other != surname and " " not in other:
                    surname = f"{surname}-{other}"
            elif roll < 0.30 and fam.key in ("es_MX", "pt_BR"):
                surname = f"{surname} {self.pick(fam.surnames)}"
        return Person(
            given=given,
            surname=surname,
            family=fam,
            middle=self.pick(fam.middles) if fam.middles and self.chance(0.8) else "",
            initial=self.pick("ABCDEFGHJKLMNPRSTVW"),
            surname_first=fam.order == "either" and self.chance(0.4),
            ja_space=self.chance(0.5),
        )

    def person_segments(self, p: Person, form: str) -> list[Seg]:
        P = "PERSON"
        if self.split == "train" and form in ("", "any"):
            form = self.weighted(M.TRAIN_PERSON_FORMS)
        if form in ("", "any"):
            form = self.weighted([(45, "full"), (12, "first"), (14, "title"), (7, "mi"),
                                  (5, "formal"), (5, "initial")])
        if form == "att":
            form = self.weighted([(60, "full"), (40, "first")])
        if form == "sig":
            form = self.weighted([(75, "full"), (25, "mi")])
        if not p.western and form in ("mi", "formal", "initial", "first_li", "caps_formal"):
            form = "full"
        if form == "full":
            return [(p.full(), P, False)]
        if form == "first":
            return [(p.given, P, False)]
        if form == "last":
            return [(p.surname, P, False)]
        if form == "mi":
            return [(f"{p.given} {p.initial}. {p.surname}", P, False)]
        if form == "formal":
            return [(f"{p.surname}, {p.given}", P, False)]
        if form == "initial":
            return [(f"{p.given[0]}. {p.surname}", P, False)]
        if form == "upper":
            return [(p.full().upper(), P, False)]
        if form in ("title", "dr"):
            title = self.pick(DOCTOR_TITLES if form == "dr" else TITLES)
            name = p.surname if self.chance(0.65) else p.full()
            return [(title + " ", None, False), (name, P, False)]
        if form == "poss":
            segs = self.person_segments(p, self.weighted([(50, "full"), (30, "first"),
                                                          (20, "title")]))
            name = segs[-1][0]
            return segs + [("'" if name.endswith("s") else "'s", None, False)]
        # Train-only forms (templates_more.py).
        if form == "first_li":  # "Maria L."
            return [(f"{p.given} {p.surname.lstrip()[0].upper()}.", P, False)]
        if form == "caps_formal":  # "LOPEZ, Maria"
            return [(f"{p.surname.upper()}, {p.given}", P, False)]
        if form == "title_full":  # "Ms. Maria Lopez"
            return [(self.pick(TITLES) + " ", None, False), (p.full(), P, False)]
        if form == "dr_full":  # "Dr. Maria Lopez"
            return [(self.pick(DOCTOR_TITLES) + " ", None, False), (p.full(), P, False)]
        raise ValueError(f"unknown person form {form!r}")

    def slot_person(self, form: str, var: str) -> list[Seg]:
        p = self.vars.get(var) if var else None
        if p is None:
            p = Veil(veil_token(self.rng, "Person")) if self.chance(P_VEIL_SWAP) else self.new_person()
            if var:
                self.vars[var] = p
        if isinstance(p, Veil):
            tail = [("'s", None, False)] if form == "poss" else []
            head = ([(self.pick(TITLES) + " ", None, False)]
                    if form in ("title", "dr", "title_full", "dr_full") else [])
            return head + [(p.token, None, True)] + tail
        return self.person_segments(p, form)

    def slot_author(self, form: str, var: str) -> list[Seg]:
        """A person in technical text when this example carries a name, else a bot account."""
        if var and var in self.vars:
            a = self.vars[var]
        else:
            a = self.new_person() if self.tech_name else self.pick(BOT_AUTHORS)
            if var:
                self.vars[var] = a
        if isinstance(a, Person):
            return self.person_segments(a, form or self.weighted([(80, "full"), (20, "mi")]))
        return [(a[0], None, False)]

    def email_for(self, var: str) -> str:
        who = self.vars.get(var) if var else None
        if isinstance(who, tuple):  # a bot author
            return who[1]
        if isinstance(who, Veil):
            return veil_token(self.rng, "Email")
        domain = self.pick(EMAIL_DOMAINS)
        if isinstance(who, Person):
            g, s = ascii_fold(who.given).lower(), ascii_fold(who.surname).lower()
            g, s = re.sub(r"[^a-z]", "", g), re.sub(r"[^a-z]", "", s)
            if g and s:
                local = self.pick([f"{g}.{s}", f"{g[0]}{s}", f"{g}{s[:1]}", f"{s}.{g}", g])
                return f"{local}@{domain}"
        return f"user{self.rng.randrange(100, 9999)}@{domain}"

    # ---- places -----------------------------------------------------------------------------

    def city(self) -> str:
        if self.chance(0.65):
            return self.pick(self.pools.cities)
        loc = self.pick(self.CITY_LOCALES)
        return self.from_faker(loc, lambda f: f.city())

    def street(self, loc: str) -> list[str]:
        """A street address (house number, street, flat) as its lines."""
        street = self.from_faker(loc, lambda f: f.street_address())
        return [ln.strip(" ,") for ln in street.split("\n") if ln.strip(" ,")]

    def address_lines(self) -> list[str]:
        """A full postal address in one country's style, as its lines."""
        loc = self.pick(self.ADDRESS_LOCALES)
        f = self.fakers[loc]
        lines = self.street(loc)
        if loc == "en_US":
            lines.append(f"{f.city()}, {f.state_abbr()} {f.zipcode()}")
            country = "USA"
        elif loc == "en_GB":
            lines += [f.city(), f.postcode()]
            country = "United Kingdom"
        elif loc in ("de_DE", "fr_FR"):
            lines.append(f"{f.postcode()} {f.city()}")
            country = "Germany" if loc == "de_DE" else "France"
        elif loc == "en_IN":
            sep = self.pick([" - ", " ", ", "])
            lines.append(f"{f.city()}{sep}{f.postcode()}")
            country = "India"
        else:
            lines.append(f"{f.city()} {f.state_abbr()} {f.postcode()}")
            country = "Australia"
        if self.chance(0.2):
            lines.append(country)
        return lines

    def slot_location(self, kind: str, form: str, var: str) -> list[Seg]:
        if var and var in self.vars:
            return [self.vars[var]]
        if kind in ("city", "country", "state", "place") and self.chance(P_VEIL_SWAP / 2):
            seg = (veil_token(self.rng, "Location"), None, True)
        else:
            if kind == "place":
                kind = self.weighted([(55, "city"), (30, "country"), (15, "state")])
            if kind == "city":
                text = self.city()
            elif kind == "country":
                text = self.pick(X.COUNTRIES)
            elif kind == "state":
                text = self.pick(X.STATES)
            elif kind == "street":
                text = ", ".join(self.street(self.pick(self.ADDRESS_LOCALES)))
            elif kind == "address":
                text = ", ".join(self.address_lines())
            else:  # address_ml: one contiguous multi-line span
                text = "\n".join(self.address_lines())
            seg = (text, "LOCATION", False)
        if var:
            self.vars[var] = seg
        return [seg]

    # ---- organizations ----------------------------------------------------------------------

    def company(self) -> str:
        loc = self.pick(self.COMPANY_LOCALES)
        name = self.from_faker(loc, lambda f: f.company())
        name = name.strip(" ,-")
        last_word = name.split()[-1].lower().rstrip(".") if name.split() else ""
        has_suffix = " " in name and last_word in COMPANY_SUFFIXES
        if " " not in name or (not has_suffix and self.chance(0.12)):
            suffix = {"de_DE": ["GmbH", "AG", "KG"], "fr_FR": ["SARL", "SA", "SAS"],
                      "it_IT": ["S.p.A", "Srl"], "es_MX": ["S.A. de C.V", "Grupo"],
                      "pt_BR": ["Ltda", "S/A"], "pl_PL": ["sp. z o.o", "S.A"],
                      "en_IN": ["Pvt Ltd", "Private Limited"]}.get(
                loc, ["Inc", "LLC", "Ltd", "Group", "Holdings", "Solutions", "Partners",
                      "Technologies", "& Co"])
            suf = self.pick(suffix)
            name = f"{suf} {name}" if suf == "Grupo" else f"{name} {suf}"
        return name

    def surname(self) -> str:
        fams, weights = self.pools.families["latin"]
        return self.pick(self.rng.choices(fams, weights)[0].surnames)

    def org_text(self, kind: str) -> str:
        city, surname = self.city, self.surname
        saint = lambda: self.pick(X.SAINTS)  # noqa: E731
        if kind == "org":
            kind = self.weighted([(35, "company"), (15, "brand"), (10, "bank"), (10, "hospital"),
                                  (10, "school"), (10, "agency"), (5, "hotel"), (5, "insurer")])
        if kind == "employer":
            kind = self.weighted([(60, "company"), (20, "brand"), (7, "hospital"), (7, "school"),
                                  (6, "agency")])
        if kind == "company":
            return self.company() if self.chance(0.8) else self.pick(self.pools.brands)
        if kind == "brand":
            return self.pick(self.pools.brands)
        if kind == "bank":
            if self.chance(0.5):
                return self.pick(X.BANKS)
            return self.pick([
                lambda: f"First National Bank of {city()}", lambda: f"{city()} Savings Bank",
                lambda: f"{city()} Federal Credit Union", lambda: f"{surname()} Community Bank",
                lambda: f"Bank of {city()}", lambda: f"{city()} Cooperative Bank",
                lambda: f"{surname()} & {surname()} Private Bank",
            ])()
        if kind == "hospital":
            if self.chance(0.3):
                return self.pick(self.pools.hospitals)
            return self.pick([
                lambda: f"{city()} General Hospital", lambda: f"St. {saint()}'s Medical Center",
                lambda: f"St {saint()}'s Hospital", lambda: f"{surname()} Memorial Hospital",
                lambda: f"{city()} Children's Hospital", lambda: f"Royal {city()} Infirmary",
                lambda: f"{city()} Teaching Hospitals NHS Trust",
                lambda: f"{city()} University Hospital", lambda: f"{surname()} Clinic",
                lambda: f"{city()} Regional Medical Center",
            ])()
        if kind == "school":
            if self.chance(0.3):
                return self.pick(self.pools.schools)
            return self.pick([
                lambda: f"University of {city()}", lambda: f"{city()} State University",
                lambda: f"{surname()} High School", lambda: f"{city()} Community College",
                lambda: f"St. {saint()}'s Primary School", lambda: f"{city()} Institute of Technology",
                lambda: f"{surname()} Academy", lambda: f"{city()} Grammar School",
            ])()
        if kind == "agency":
            if self.chance(0.6):
                return self.pick(X.AGENCIES)
            return self.pick([
                lambda: f"{city()} City Council", lambda: f"{city()} Police Department",
                lambda: f"{self.pick(X.STATES)} Department of Motor Vehicles",
                lambda: f"Embassy of {self.pick(X.COUNTRIES)}", lambda: f"{city()} Water Authority",
                lambda: f"{city()} County Court",
            ])()
        if kind == "insurer":
            return self.pick(X.INSURERS)
        if kind == "hotel":
            if self.chance(0.5):
                return self.pick(X.HOTELS)
            return self.pick([
                lambda: f"{self.pick(X.HOTELS)} {city()}", lambda: f"Hotel {surname()}",
                lambda: f"Grand Hotel {city()}", lambda: f"The {surname()} Arms",
            ])()
        raise ValueError(f"unknown organization kind {kind!r}")

    def slot_org(self, kind: str, form: str, var: str) -> list[Seg]:
        if var and var in self.vars:
            return [self.vars[var]]
        if self.chance(P_VEIL_SWAP / 2):
            seg = (veil_token(self.rng, "Org"), None, True)
        else:
            text = M.train_org_text(self, kind) if self.split == "train" else self.org_text(kind)
            seg = (text.upper() if form == "upper" else text, "ORGANIZATION", False)
        if var:
            self.vars[var] = seg
        return [seg]

    # ---- unlabelled slots -------------------------------------------------------------------

    def date(self) -> str:
        d, m, y = self.rng.randint(1, 28), self.rng.randint(1, 12), self.rng.randint(2019, 2026)
        return self.pick([f"{d} {MONTHS[m - 1]} {y}", f"{MONTHS[m - 1]} {d}", f"{y}-{m:02d}-{d:02d}",
                          f"{d:02d}/{m:02d}/{y}", f"{MONTHS[m - 1]} {d}, {y}"])

    def negative(self, kind: str, var: str) -> str | None:
        r = self.rng
        n = r.randrange(100, 99999)
        table = {
            "product": lambda: self.pick(PRODUCTS),
            "drug": lambda: self.pick(DRUGS),
            "test": lambda: self.pick(TESTS),
            "weekday": lambda: self.pick(WEEKDAYS),
            "month": lambda: self.pick(MONTHS),
            "date": self.date,
            "dob": lambda: f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1938, 2008)}",
            "ident": lambda: self.pick(IDENTS),
            "loglevel": lambda: self.pick(LOG_LEVELS),
            "http": lambda: self.pick(HTTP_LINES).replace("{n}", str(n)),
            "order": lambda: self.pick([f"#{n}", f"ORD-{r.randint(2020, 2026)}-{n}",
                                        f"PO-{n}", f"INV-{n:05d}", f"A{n}-{r.randint(10, 99)}"]),
            "ticket": lambda: self.pick([f"INC{n:07d}", f"SUP-{n}", f"CS-{n}", f"#{n}"]),
            "amount": lambda: self.pick(["$", "€", "£", "₹", "USD ", "EUR "])
            + f"{r.randint(5, 25000):,}" + self.pick(["", f".{r.randint(0, 99):02d}"]),
            "phone": lambda: self.fakers[self.pick(["en_US", "en_GB", "en_IN", "de_DE"])].phone_number(),
            "email": lambda: self.email_for(var),
            "num": lambda: str(n),
            "last4": lambda: f"{r.randint(0, 9999):04d}",
            "dose": lambda: self.pick(["500 mg", "10 mg", "20 mg", "1 g", "0.5 mg", "100 mcg",
                                       "2.5 mg", "40 mg"]),
            "jobtitle": lambda: self.pick(JOB_TITLES),
            "dept": lambda: self.pick(DEPTS),
            "veil": lambda: veil_token(r, self.pick(["Person", "Org", "Location", "Date", "Phone",
                                                     "Card", "Iban", "Secret", "Url", "Email"])),
            "veil_person": lambda: veil_token(r, "Person"),
            "veil_org": lambda: veil_token(r, "Org"),
            "veil_loc": lambda: veil_token(r, "Location"),
            "veil_email": lambda: veil_token(r, "Email"),
            "ip": lambda: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            "hex": lambda: "".join(r.choice("0123456789abcdef") for _ in range(r.choice((7, 12, 40)))),
            "uuid": lambda: "-".join("".join(r.choice("0123456789abcdef") for _ in range(k))
                                     for k in (8, 4, 4, 4, 12)),
            "ts": lambda: f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T"
            f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z",
            "time": lambda: f"{r.randint(7, 18)}:{self.pick(['00', '15', '30', '45'])}",
            "port": lambda: str(self.pick([80, 443, 5432, 6379, 8080, 8443, 9092, 3000])),
            "version": lambda: f"{r.randint(0, 4)}.{r.randint(0, 20)}.{r.randint(0, 30)}",
            "ms": lambda: str(r.randint(3, 4800)),
        }
        make = table.get(kind)
        return make() if make else None

    # ---- template expansion -----------------------------------------------------------------

    def expand_macros(self, tpl: str) -> str:
        """Composite slots that expand to more template text before anything else."""

        def sub(m: re.Match) -> str:
            name = m.group(1)
            if name == "signature":
                if self.split == "train":
                    return self.pick(TRAIN_SIGNATURES)
                return self.pick(SIGNATURES[self.part])
            if name == "attendees":
                k = self.rng.randint(2, 5)
                names = [f"{{{{person.att:m{i}}}}}" for i in range(1, k + 1)]
                joiner = self.pick([", ", "; ", "\n- "])
                head = "\n- " if joiner == "\n- " else ""
                if joiner == ", " and self.chance(0.5):
                    return ", ".join(names[:-1]) + " and " + names[-1]
                return head + joiner.join(names)
            return m.group(0)

        return re.sub(r"\{\{(signature|attendees)\}\}", sub, tpl)

    def expand_choices(self, tpl: str) -> str:
        while True:
            m = CHOICE_RE.search(tpl)
            if not m:
                return tpl
            options = m.group(1).split("|")
            if len(options) == 1:
                options.append("")
            tpl = tpl[: m.start()] + self.pick(options) + tpl[m.end():]

    def fill_slot(self, kind: str, form: str, var: str) -> list[Seg]:
        if kind == "person":
            return self.slot_person(form, var)
        if kind == "author":
            return self.slot_author(form, var)
        if kind in ("city", "country", "state", "place", "street", "address", "address_ml"):
            return self.slot_location(kind, form, var)
        if kind in ("org", "company", "brand", "bank", "hospital", "school", "agency", "insurer",
                    "hotel", "employer") or kind in M.TRAIN_ORG_KINDS:
            return self.slot_org(kind, form, var)
        text = self.negative(kind, var)
        if text is None and self.split == "train":
            text = M.extra_negative(self, kind)
        if text is None:
            raise ValueError(f"unknown slot {{{{{kind}}}}}")
        return [(text, None, kind.startswith("veil"))]

    def render(self, tpl: str) -> list[Seg]:
        self.vars = {}
        tpl = self.expand_choices(self.expand_macros(tpl))
        segs: list[Seg] = []
        pos = 0
        for m in SLOT_RE.finditer(tpl):
            segs.append((tpl[pos: m.start()], None, False))
            for text, label, protected in self.fill_slot(m.group(1), m.group(2) or "",
                                                         m.group(3) or ""):
                if label:  # Faker data has the odd double space ("Alta  Gracia")
                    text = re.sub(r"[^\S\n]{2,}", " ", text)
                segs.append((text, label, protected))
            pos = m.end()
        segs.append((tpl[pos:], None, False))
        return segs

    # ---- one example ------------------------------------------------------------------------

    def pick_template(self) -> tuple[str, bool]:
        """A template for this split; the flag says whether prose noise (prefix, filler) fits."""
        if self.split == "technical":
            self.tech_name = self.chance(P_TECH_NAME["technical"])
            return self.pick(TECHNICAL), False
        if self.split == "train":
            return self.pick_train_template()
        domain = self.weighted([(w, d) for d, w in DOMAIN_WEIGHTS.items()])
        tpl = self.pick(TEMPLATES[domain][self.part])
        if domain == "tech":
            self.tech_name = self.chance(P_TECH_NAME[self.split])
            return tpl, False
        if self.chance(P_CONCAT):
            tpl = self.expand_macros(tpl)
            other = self.expand_macros(self.pick(TEMPLATES[self.pick(PROSE_DOMAINS)][self.part]))
            # The second part's variables are renamed so its people are new people.
            other = SLOT_RE.sub(lambda m: m.group(0).replace(f":{m.group(3)}", f":{m.group(3)}2")
                                if m.group(3) else m.group(0), other)
            tpl = f"{tpl}\n\n{other}"
        return tpl, True

    # ---- train only: compositional templates (templates_more.py) ---------------------------

    def fresh_var(self) -> str:
        self.var_count += 1
        return f"z{self.var_count}"

    def expand_train(self, tpl: str) -> str:
        """Expands choices, `{{signature}}` / `{{attendees}}` and the train macros
        `{{@name}}` / `{{@name:var}}` (fragments and builders in templates_more.py) until none
        is left. Choices are resolved before a macro's text is inserted, so a table's `|` or a
        code snippet never lands inside a `[[...]]` group."""
        for _ in range(24):
            tpl = self.expand_choices(self.expand_macros(tpl))
            if "{{@" not in tpl:
                return tpl
            tpl = M.MACRO_RE.sub(lambda m: M.expand_macro(self, m.group(1), m.group(2)), tpl)
        raise ValueError(f"train macros nest too deeply: {tpl[:200]!r}")

    def pick_train_template(self) -> tuple[str, bool]:
        self.tech_name = False
        domain = self.weighted([(w, d) for d, w in M.TRAIN_DOMAIN_WEIGHTS.items()])
        tpl = self.expand_train(self.pick(TRAIN_TEMPLATES[domain]))
        if domain in M.TRAIN_TECH_NAME:
            self.tech_name = self.chance(M.TRAIN_TECH_NAME[domain])
            return tpl, False
        if domain in M.TRAIN_CONCAT_DOMAINS and self.chance(P_CONCAT):
            other = self.expand_train(self.pick(TRAIN_TEMPLATES[self.pick(M.TRAIN_CONCAT_DOMAINS)]))
            # The second part's variables are renamed so its people are new people.
            other = SLOT_RE.sub(lambda m: m.group(0).replace(f":{m.group(3)}", f":{m.group(3)}x")
                                if m.group(3) else m.group(0), other)
            tpl = tpl + self.pick(["\n\n", "\n", "\n---\n", " "]) + other
        return tpl, True

    def add_prose_noise(self, tpl: str) -> str:
        if self.chance(P_FILLER):
            filler = self.pick(self.pools.fillers)
            sep = "\n" if "\n" in tpl else " "
            tpl = f"{filler}{sep}{tpl}" if self.chance(0.3) else f"{tpl}{sep}{filler}"
        if self.chance(P_PREFIX):
            tpl = self.pick(self.pools.prefixes) + tpl
        return tpl

    def case_noise(self, segs: list[Seg], prose: bool) -> list[Seg]:
        doc_lower = prose and self.chance(P_DOC_LOWER)
        out = []
        for text, label, protected in segs:
            if not protected:
                if doc_lower:
                    text = text.lower()
                elif label:
                    roll = self.rng.random()
                    if roll < P_ENT_LOWER:
                        text = text.lower()
                    elif roll < P_ENT_LOWER + P_ENT_UPPER:
                        text = text.upper()
            out.append((text, label, protected))
        return out

    def example(self) -> dict:
        if self.split != "train":
            return self.example_once()
        # Train: keep an example within one training window (examples.MAX_TOKENS = 256).
        for _ in range(8):
            ex = self.example_once()
            if len(tok.tokenize(ex["text"])) <= M.TRAIN_MAX_TOKENS:
                return ex
        return ex

    def example_once(self) -> dict:
        tpl, prose = self.pick_template()
        if prose:
            tpl = self.add_prose_noise(tpl)
        segs = self.case_noise(self.render(tpl), prose)
        text_parts, spans, pos = [], [], 0
        for text, label, _ in segs:
            if label:
                # The span leaves out surrounding whitespace and edge punctuation ("Acme S.A."
                # -> "Acme S.A"), as the tagger's decoder trims it too.
                start, end = 0, len(text)
                while start < end and not _is_word_char(text[start]):
                    start += 1
                while end > start and not _is_word_char(text[end - 1]):
                    end -= 1
                if start < end:
                    spans.append([pos + start, pos + end, label])
            text_parts.append(text)
            pos += len(text)
        ex = {"text": "".join(text_parts), "spans": spans}
        check_example(ex)
        return ex


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNM"


def check_example(ex: dict) -> None:
    """The invariants every consumer relies on. Raises AssertionError with the example."""
    text, spans = ex["text"], ex["spans"]
    assert isinstance(text, str) and text.strip(), ex
    assert "{{" not in text and "[[" not in text and "]]" not in text and "⟦" not in text, ex
    prev_end = 0
    toks = tok.tokenize(text) if spans else []
    starts, ends = {a for a, _ in toks}, {b for _, b in toks}
    for start, end, label in spans:
        assert start in starts and end in ends, ("span off token boundaries", start, end, ex)
        assert label in LABELS, (label, ex)
        assert prev_end <= start < end <= len(text), (start, end, ex)
        value = text[start:end]
        assert value == value.strip() and value, (value, ex)
        assert _is_word_char(value[0]) and _is_word_char(value[-1]), (value, ex)
        prev_end = end


def generate(split: str, n: int, seed: int) -> list[dict]:
    """`n` labelled examples of `split` ("train", "heldout" or "technical"), deterministic in
    (split, n, seed)."""
    gen = Generator(split, seed)
    return [gen.example() for _ in range(n)]


# =============================================================================================
# Templates. TRAIN and HELDOUT lists never share a template or a sentence frame.
# =============================================================================================

SIGNATURES = {
    "train": [
        T("""
        Best regards,
        {{person.sig:s}}
        {{jobtitle}}
        {{company:sc}}
        {{address_ml}}
        Tel: {{phone}}"""),
        T("""
        Thanks,
        {{person.sig:s}} | {{jobtitle}} | {{company:sc}}
        {{address}}"""),
        T("""
        --
        {{person.sig:s}}
        {{jobtitle}}, {{employer}}
        M: {{phone}} · {{email:s}}"""),
        T("""
        Regards,
        {{person.first:s}}

        {{person.full:s}}
        {{employer}}
        {{address_ml}}"""),
        T("""
        Kind regards,
        {{person.sig:s}}
        {{employer}} · {{city}}"""),
    ],
    "heldout": [
        T("""
        Warm wishes,
        {{person.sig:s}} ({{jobtitle}})
        {{company}} — {{address}}"""),
        T("""
        Sent from my iPhone

        {{person.first:s}}"""),
        T("""
        Yours sincerely

        {{person.full:s}}
        on behalf of {{employer}}
        Registered office: {{address}}"""),
    ],
}

TEMPLATES: dict[str, dict[str, list[str]]] = {}

TEMPLATES["chat"] = {
    "train": [
        "Can you draft a reply to {{person.full:a}} about [[the delayed shipment|their refund "
        "request|next week's offsite]]? [[Keep it short.|Mention that we're closed on {{weekday}}.]]",
        "I'm flying to {{city}} on {{weekday}} to meet {{person:a}} from {{company}}. What should "
        "I pack for [[three days|a week]]?",
        "Summarize this for me: {{person.full:a}} said {{person.first:b}} can't make it, so "
        "{{org}} will send someone else[[ from their {{city}} office]].",
        "Write a LinkedIn recommendation for {{person.full:a}}, who worked with me at "
        "{{employer}} in {{city}} for [[three|four|two]] years.[[ Mention [[her|his|their]] work "
        "on our {{product}} rollout.]]",
        "my friend {{person.first:a}} lives at {{address}} - how long would it take to drive "
        "there from {{city}}?",
        "Translate to Spanish: \"Dear {{person.title:a}}, thank you for visiting {{org}} last "
        "{{month}}.\"",
        "Who should I contact at {{agency}} about my tax refund? My accountant {{person:a}} said "
        "to call before {{month}} 15.",
        "Rewrite this more politely: {{person.first:a}}, the {{product}} report you sent is "
        "wrong again. Fix it before {{weekday}}.",
        "Plan a 3-day itinerary in {{city}}, {{country}} for me and {{person.first:a}}. We're "
        "staying near {{address}}.",
        "Give me feedback on this bio: '{{person.full:a}} is a software engineer at {{employer}} "
        "based in {{city}}.[[ Before that, [[she|he|they]] studied at {{school}}.]]'",
        "What's a good birthday message for {{person.first:a}}? [[She|He]] just moved to "
        "{{place}} and started at {{employer}}.",
    ],
    "heldout": [
        "Quick question: is {{company}} the same firm that bought {{org}}? {{person.full:a}} on "
        "my team keeps saying so.",
        "Pretend you are {{person.title:a}}'s assistant and decline the invitation from {{org}} "
        "politely.",
        "We moved from {{city}} to {{place}} in {{month}}. Help me write a change-of-address "
        "note to {{bank}}; the new address is {{address}}.",
        "List three gift ideas for {{person.first:a}}, who just left {{employer}} after ten "
        "years and loves {{product}}.",
    ],
}

TEMPLATES["support"] = {
    "train": [
        "Ticket {{ticket}}: customer {{person.full:a}} reports that {{product}} sync fails since "
        "{{weekday}}. The account is registered to {{company}}, {{city}}.",
        T("""
        Subject: Refund not received
        From: {{person:a}}

        Hi, I ordered {{order}} to {{address}} on {{date}} and still have no refund.[[ Please escalate.]]"""),
        T("""
        Priority: High
        Reporter: {{person.full:a}} ({{company}})
        Summary: {{ident}} throws an exception when the billing country is {{country}}.
        Steps: open Settings > Billing, click Save."""),
        "Customer called about a double charge. Spoke with {{person.title:a}}; [[she|he|they]] "
        "asked us to send the invoice to {{org}} instead of {{company}}.",
        "Hello support, my name is {{person.full:a}} and I can't log into the {{product}} "
        "portal. I'm based in {{city}}[[ and my manager is {{person:b}}]].",
        "Escalated to tier 2 by {{person.first:a}}. Caller: {{person:b}}, {{city}} office of "
        "{{company}}. Issue: VPN drops every {{weekday}} morning.",
        "Internal note: {{veil_person}} confirmed the parcel to {{address}} was returned. "
        "{{person.first:a}} will reissue it on {{weekday}}.",
        "The courier left the package at {{street}} but {{person.full:a}} says it never "
        "arrived. Order {{order}}, {{http}} from the tracking API.",
        "Please merge the duplicate accounts for {{person.formal:a}}; one was created by "
        "{{person.initial:b}} at the {{city}} store.",
    ],
    "heldout": [
        T("""
        Case {{ticket}} | opened by {{person.formal:a}} | org: {{company}} | region: {{place}}
        Description: invoice totals don't match the {{product}} export."""),
        "Customer ({{person.full:a}}) is furious, third outage this {{month}}. Their {{city}} "
        "warehouse can't print labels. Loop in {{person.first:b}} from {{org}}.",
        "Hey team, can someone check why {{person.poss:a}} order to {{address}} shows as "
        "delivered?",
    ],
}

TEMPLATES["email"] = {
    "train": [
        T("""
        Hi {{person.first:a}},

        Thanks for meeting with us in {{city}} last {{weekday}}.[[ As discussed, {{company}} will send the revised quote by {{month}} 30.]] Let me know if anything is missing.

        {{signature}}"""),
        T("""
        Dear {{person.title:a}},

        I am writing on behalf of {{org}} regarding invoice {{order}}, which is now overdue. Please arrange payment at your earliest convenience.

        {{signature}}"""),
        T("""
        Hello {{person.first:a}} and {{person.first:b}},

        Attached is the agenda for {{weekday}}. {{person.full:c}} from {{company}} will join us for the second half.

        {{signature}}"""),
        T("""
        ---------- Forwarded message ---------
        From: {{person.full:a}} <{{email:a}}>
        Date: {{weekday}}, {{date}}
        Subject: Lease at {{address}}

        Can you take a look at the clause about repairs?"""),
        T("""
        Subject: Introduction: {{person.full:a}} / {{person.full:b}}

        {{person.first:a}}, meet {{person.first:b}}, who leads partnerships at {{company}}. I think you two should talk about the {{city}} pilot.

        {{signature}}"""),
        T("""
        Good morning,

        Please find attached the contract between {{company}} and {{org}}.[[ {{person.title:a}} has already signed.]]

        {{signature}}"""),
        T("""
        Can you proofread this email?

        Dear Hiring Manager,
        My name is {{person.full:a}} and I am applying for the analyst role at {{employer}}. I recently graduated from {{school}}.
        Sincerely,
        {{person.full:a}}
        {{address_ml}}"""),
        T("""
        Reply to this:
        > From: {{person:a}}
        > When can {{company}} ship to our {{city}} site? We need it before {{month}}."""),
        T("""
        Hi all,

        A reminder that {{person.full:a}} is covering for me until {{date}}. For anything about the {{org}} account, please copy [[her|him|them]].

        {{signature}}"""),
    ],
    "heldout": [
        T("""
        Team -

        Quick update from the {{city}} office: the move to {{street}} is done and {{person.full:a}} has the new keys.

        Cheers,
        {{person.first:b}}"""),
        T("""
        To: {{person.formal:a}}
        Cc: {{person.full:b}}
        Re: renewal with {{org}}

        We agreed to hold the price until {{month}}.

        {{signature}}"""),
        "Draft an out-of-office that says: I'm away until {{month}} 12; for urgent matters "
        "contact {{person.full:a}} at {{company}} ({{phone}}).",
    ],
}

TEMPLATES["clinical"] = {
    "train": [
        "Referral: {{person.title:a}} (DOB {{dob}}) to cardiology at {{hospital}}. Currently on "
        "{{drug}} {{dose}} and {{drug}}. Referring physician: {{person.dr:b}}.",
        "My mom {{person.first:a}} was prescribed {{drug}} at {{hospital}} in {{city}}. Is it "
        "safe to take with {{drug}}?",
        "Patient {{person.formal:a}}, 67, admitted {{weekday}} via A&E at {{hospital}}. Hx: T2DM "
        "on {{drug}}. Plan: repeat {{test}} in the morning.",
        T("""
        Discharge summary for {{person.full:a}}
        Follow-up with {{person.dr:b}} at the {{city}} clinic in 2 weeks.
        Medications: {{drug}} {{dose}} daily."""),
        "Can you explain these lab results in plain English? The letter from {{hospital}} says "
        "my {{test}} is high and {{person.dr:a}} wants to see me in {{month}}.",
        "{{person.dr:a}} at {{hospital}} wants to switch {{person.first:b}} from {{drug}} to "
        "{{drug}}. What side effects should we watch for?",
        "Write a prior authorization letter to {{insurer}} for {{person.full:a}} for {{drug}}.",
        "Nurse handover: bed 4, {{person.full:a}}, post-op day 2, pain controlled with "
        "{{drug}}. Family ({{person.first:b}}, daughter) visiting from {{city}}.",
        "Is {{drug}} covered by {{insurer}}? My GP, {{person.dr:a}}, says the {{city}} pharmacy "
        "can order it.",
    ],
    "heldout": [
        "Hi doctor, my son {{person.first:a}} has had a fever since {{weekday}}. We live near "
        "{{address}}. Which urgent care near {{city}} is open now? We usually go to {{hospital}}.",
        "Letter to GP: thank you for referring {{person.title:a}}, whom I saw in the "
        "{{hospital}} clinic today. I have started {{drug}} {{dose}}.",
        "Summarise: pt {{person.initial:a}}, transferred from {{hospital}} to {{hospital}}, "
        "allergies: {{drug}}, penicillin.",
    ],
}

TEMPLATES["banking"] = {
    "train": [
        "I have a joint account with {{person.full:a}} at {{bank}}. If [[she|he|they]] moves to "
        "{{country}}, can we keep it open?",
        "Why did {{bank}} put a hold on the wire from {{company}}? The transfer to "
        "{{person.full:a}} was only {{amount}}.",
        T("""
        Dispute: charge of {{amount}} from {{company}} on {{date}}.
        Cardholder: {{person.upper:a}}
        Card ending {{last4}}"""),
        "Please update the mailing address for the account ending {{last4}} (holder "
        "{{person.formal:a}}) to {{address}}.",
        "Which branch of {{bank}} in {{city}} is open on {{weekday}}? I need to deposit a cheque "
        "from {{person.full:a}}.",
        "Draft a letter to {{bank}}, {{address}}, asking them to close my late father's "
        "account. His name was {{person.full:a}}.",
        "Compare savings rates at {{bank}} and {{bank}}. I'm a student at {{school}}, so maybe "
        "there's a student offer?",
        T("""
        Beneficiary name: {{person.full:a}}
        Bank: {{bank}}
        Branch: {{city}}
        Reference: {{order}}
        Is this enough to send an international transfer?"""),
        "My mortgage advisor {{person:a}} at {{bank}} says rates drop in {{month}}. Should I "
        "wait?",
    ],
    "heldout": [
        "My employer {{company}} paid my salary into the wrong account; {{bank}} says it went "
        "to a {{person.full:a}} in {{city}}. What now?",
        "Statement line: POS {{company.upper}} {{city}} {{amount}}. What is this?",
        "{{person.first:a}} from the {{bank}} fraud team called asking for my PIN. Is that legit?",
    ],
}

TEMPLATES["json"] = {
    "train": [
        'Tool result: {"customer": "{{person.full:a}}", "city": "{{city}}", "employer": '
        '"{{company}}", "plan": "{{product}} Pro", "status": "active"}\nSummarize the customer '
        "profile.",
        T("""
        The CRM lookup returned:
        {
          "id": {{num}},
          "name": "{{person:a}}",
          "address": "{{address}}",
          "account_manager": "{{person.full:b}}",
          "created": "{{date}}"
        }
        Draft a welcome email."""),
        '[{"patient": "{{person.full:a}}", "hospital": "{{hospital}}", "med": "{{drug}}"}, '
        '{"patient": "{{person.full:b}}", "hospital": "{{hospital}}", "med": "{{drug}}"}]\n'
        "Which patients are on the same medication?",
        'function_call_output: {"results": [{"title": "{{jobtitle}}", "company": "{{company}}", '
        '"location": "{{city}}, {{country}}"}], "count": 1}',
        T("""
        search_contacts returned {"matches": [{"display_name": "{{person.full:a}}", "email": "{{email:a}}", "org": "{{org}}"}, {"display_name": "{{person.full:b}}", "email": "{{email:b}}", "org": "{{org}}"}]}
        Which one works in {{dept}}?"""),
        '{"event": "signup", "user": "{{veil_person}}", "referrer": "{{person.full:a}}", '
        '"country": "{{country}}", "source": "{{product}}"}',
        T("""
        Here is the API response, explain the error:
        {"error": {"code": 422, "message": "Invalid postcode for {{city}}", "field": "{{ident}}", "account_holder": "{{person.full:a}}"}}"""),
        '{"booking": {"guest": "{{person.formal:a}}", "hotel": "{{hotel}}", "check_in": '
        '"{{date}}", "nights": 3}}  <- is this the right hotel?',
        T("""
        get_employee(id={{num}}) ->
        {"full_name": "{{person.full:a}}", "manager": "{{person.full:b}}", "office": "{{street}}", "department": "{{dept}}"}"""),
    ],
    "heldout": [
        T("""
        Observation from lookup_vendor:
        {
          "vendor": "{{company}}",
          "contact_person": "{{person.full:a}}",
          "hq": "{{address}}"
        }
        Is this vendor already in our system?"""),
        '{"transactions": [{"payee": "{{person.full:a}}", "bank": "{{bank}}", "amount": '
        '"{{amount}}"}, {"payee": "{{company}}", "amount": "{{amount}}"}]} flag anything odd',
        '<tool_output>{"owner": "{{person:a}}", "site": "{{city}}", "vendor": "{{org}}", '
        '"sku": "{{ident}}"}</tool_output>',
    ],
}

TEMPLATES["meeting"] = {
    "train": [
        T("""
        Meeting notes, {{weekday}} sync
        Attendees: {{attendees}}

        Action items:
        - {{person.first:m1}} to send the {{product}} migration plan
        - {{person.first:m2}} to follow up with {{company}}"""),
        "Standup: {{person.first:a}} finished the {{ident}} refactor; {{person.first:b}} is "
        "blocked on access to {{product}}[[; {{person.first:c}} is out until {{weekday}}]].",
        T("""
        Board meeting, {{city}} HQ
        Present: {{attendees}}
        Apologies: {{person.full:x}}
        Minutes taken by {{person.full:m1}}."""),
        T("""
        Action items:
        1. {{person.full:a}}: confirm the venue in {{city}}
        2. {{person.full:b}}: call {{org}} about pricing
        3. All: review the {{product}} dashboard before {{weekday}}"""),
        "Summary: {{company}} agreed to pilot {{product}} at their {{city}} site. Next steps are "
        "owned by {{person:a}}.",
        "Notes from the call with {{org}} ({{person.full:a}}, {{person.full:b}}): they want the "
        "contract reviewed by {{month}}[[ and a site visit to {{address}}]].",
        "Can you turn these notes into an email? - met {{person.first:a}} re budget - "
        "{{person.first:b}} out until {{weekday}} - follow up with {{company}}",
        "Retro: what went well: {{person.first:a}} handled the {{city}} outage. What didn't: "
        "{{product}} alerts were noisy. Action items: {{person.first:b}} tunes the thresholds.",
        T("""
        Agenda for {{weekday}}
        1. Welcome ({{person.full:a}})
        2. Q3 numbers from {{dept}}
        3. Update on the {{org}} partnership"""),
    ],
    "heldout": [
        T("""
        1:1 with {{person.first:a}} ({{weekday}})
        • career: wants to move to the {{city}} team
        • feedback for {{person.full:b}}: great work on the {{org}} launch"""),
        "Workshop recap: {{person.full:a}} ({{company}}) and {{person.full:b}} ({{org}}) "
        "presented the roadmap; {{attendees}} joined remotely.",
        T("""
        Decision log
        Owner: {{person.formal:a}}
        Decision: move hosting from {{city}} to {{city}}
        Consulted: {{attendees}}"""),
    ],
}

TEMPLATES["hr_travel"] = {
    "train": [
        "Book a flight for {{person.full:a}} from {{city}} to {{city}} on {{weekday}}, returning "
        "{{date}}.[[ [[She|He|They]] prefers an aisle seat.]]",
        "Write an offer letter for {{person.full:a}}, Senior Analyst, starting {{month}} 1 at "
        "our {{city}} office. Salary {{amount}}.",
        "Expense report: hotel in {{city}} ({{hotel}}), taxi to {{company}}, dinner with "
        "{{person.full:a}}. Which of these are reimbursable?",
        "{{person.first:a}} is relocating from {{country}} to {{city}}. What visa documents does "
        "{{agency}} need?",
        "Performance review draft for {{person.full:a}}: consistently strong, led the "
        "{{product}} migration with {{person.full:b}}.",
        "Reference check: {{person.full:a}} worked at {{company}} from 2019 to 2023, reporting "
        "to {{person.title:b}}.",
        T("""
        Travel itinerary
        Traveler: {{person.formal:a}}
        Hotel: {{hotel}}, {{address}}
        Meeting: {{company}}, {{city}}"""),
        "Please schedule an exit interview with {{person:a}} before [[her|his|their]] last day "
        "on {{weekday}}.",
        "Is {{person.poss:a}} parental leave request compliant with {{country}} law? "
        "[[She|He|They]] works out of our {{state}} office.",
    ],
    "heldout": [
        "Onboarding checklist for {{person.first:a}}: laptop from IT, badge for the {{city}} "
        "building, intro with {{person.title:b}} from {{org}}.",
        "We need a letter confirming that {{person.full:a}} lives at {{address}} and has been "
        "employed by {{company}} since 2021, for {{agency}}.",
        "Rank these hotels near {{street}} for {{person.poss:a}} trip: {{hotel}}, {{hotel}}, "
        "{{hotel}}.",
    ],
}

# Code and logs inside prose prompts (train/heldout). The technical split has its own set below.
TEMPLATES["tech"] = {
    "train": [
        T("""
        Why does this fail?
        def get_user_name(user):
            # written by {{author}}
            return user["first"] + " " + user["last"]
        {{loglevel}} KeyError: 'first'"""),
        T("""
        Explain this log:
        {{ts}} {{loglevel}} [{{ident}}] {{http}} ({{ms}} ms) user={{veil_person}}"""),
        T("""
        {{ts}} {{loglevel}} worker-3 job={{ident}} retry=2
        {{ts}} {{loglevel}} worker-3 job={{ident}} failed: timeout after {{ms}} ms
        what does retry=2 mean here?"""),
        "Convert this SQL to an ORM query: SELECT name, city FROM customers WHERE created_at > "
        "'{{date}}' -- {{author}}",
        T("""
        git blame says {{author}} changed this line:
            MAX_RETRIES = 5  # was 3
        Is it safe to revert?"""),
        T("""
        My docker-compose fails:
        services:
          db:
            image: postgres:16
            ports: ["5432:5432"]
        Error: port is already allocated"""),
        "Regex for ORDER_ID like {{order}}? The {{product}} export uses that format.",
        T("""
        Review this commit message:
        fix({{ident}}): handle empty billingAddress
        Reported-by: {{author}}"""),
    ],
    "heldout": [
        T("""
        Can you add type hints?
        class {{ident}}:
            def __init__(self, owner="{{author}}"):
                self.owner = owner"""),
        T("""
        Stack trace from prod:
        Traceback (most recent call last):
          File "app/views.py", line 88, in checkout
        ValueError: invalid country code"""),
        T("""
        CI output:
        [{{loglevel}}] step build took {{ms}}ms
        [{{loglevel}}] triggered by {{author}}"""),
    ],
}

DOMAIN_WEIGHTS = {"chat": 1.0, "support": 1.0, "email": 1.0, "clinical": 1.0, "banking": 1.0,
                  "json": 1.0, "meeting": 1.0, "hr_travel": 1.0, "tech": 0.5}
PROSE_DOMAINS = [d for d in DOMAIN_WEIGHTS if d != "tech"]

# The technical split: only these templates, each with at most one {{author}} (a person in
# ~20 % of examples, a bot account otherwise).
TECHNICAL = [
    T('''
    def normalize_address(raw: str) -> dict:
        """Split a raw address into parts.

        Author: {{author}}
        """
        parts = [p.strip() for p in raw.split(",")]
        return {"street": parts[0], "city": parts[-2], "postcode": parts[-1]}'''),
    T("""
    // Maintainer: {{author}}
    export function formatName(person) {
      const { firstName, lastName } = person;
      if (!lastName) return firstName;
      return `${lastName}, ${firstName}`;
    }"""),
    T("""
    func (s *UserService) GetUser(ctx context.Context, id int64) (*User, error) {
    	// TODO: cache this ({{author}})
    	row := s.db.QueryRowContext(ctx, "SELECT id, name, email FROM users WHERE id = $1", id)
    	var u User
    	if err := row.Scan(&u.ID, &u.Name, &u.Email); err != nil {
    		return nil, fmt.Errorf("get user %d: %w", id, err)
    	}
    	return &u, nil
    }"""),
    T("""
    -- reviewed by {{author}}
    SELECT o.order_id, c.customer_name, SUM(li.amount) AS total
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    JOIN line_items li ON li.order_id = o.order_id
    WHERE o.created_at >= '2025-01-01' AND c.country_code = 'GB'
    GROUP BY o.order_id, c.customer_name
    ORDER BY total DESC
    LIMIT 50;"""),
    T("""
    {{ts}} {{loglevel}} api-gateway {{http}} {{ms}}ms req_id={{uuid}}
    {{ts}} {{loglevel}} api-gateway upstream=orders-svc:{{port}} latency={{ms}}ms
    {{ts}} {{loglevel}} orders-svc PersonRepository.findById returned null id={{num}}
    {{ts}} {{loglevel}} orders-svc approved by {{author}}"""),
    T("""
    Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
    	at com.example.billing.InvoiceService.formatCustomerName(InvoiceService.java:88)
    	at com.example.billing.InvoiceService.render(InvoiceService.java:41)
    	at com.example.billing.BillingJob.run(BillingJob.java:17)
    # triaged by {{author}}"""),
    T("""
    Traceback (most recent call last):
      File "/srv/app/worker.py", line 214, in process
        address = geocode(record["address"])
      File "/srv/app/geo.py", line 57, in geocode
        raise LookupError(f"no match for {query!r}")
    LookupError: no match for 'Location_7QF2'
    # owner: {{author}}"""),
    T("""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: billing-api
      labels:
        app: billing-api
        owner: "{{author}}"
    spec:
      replicas: 3
      template:
        spec:
          containers:
            - name: api
              image: registry.example.net/billing-api:{{version}}
              env:
                - name: REGION
                  value: eu-west-1"""),
    T("""
    {
      "name": "address-utils",
      "version": "{{version}}",
      "author": "{{author}}",
      "license": "MIT",
      "main": "dist/index.js",
      "dependencies": { "libphonenumber-js": "^1.10.0" }
    }"""),
    T("""
    $ git log -1
    commit {{hex}}
    Author: {{author:a}} <{{email:a}}>
    Date:   Tue Mar 4 10:21:09 2025 +0100

        Handle missing postcode in ShippingLabelRenderer
    $ git status
    On branch main
    nothing to commit, working tree clean"""),
    T("""
    FROM python:3.11-slim
    LABEL maintainer="{{author}}"
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["gunicorn", "-b", "0.0.0.0:{{port}}", "app:create_app()"]"""),
    T("""
    {{ip}} - - [04/Mar/2025:10:21:09 +0000] "GET /api/v1/orders?page=2 HTTP/1.1" 200 5123 "-" "Mozilla/5.0"
    {{ip}} - - [04/Mar/2025:10:21:10 +0000] "POST /api/v1/login HTTP/1.1" 401 87 "-" "curl/8.4.0"
    {{ip}} - - [04/Mar/2025:10:21:12 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"
    # pasted by {{author}}"""),
    T("""
    resource "aws_s3_bucket" "exports" {
      bucket = "acme-exports-prod"
      tags = {
        Owner       = "{{author}}"
        Environment = "production"
      }
    }"""),
    T("""
    $ kubectl get pods -n payments
    NAME                          READY   STATUS             RESTARTS   AGE
    ledger-api-6d9f7c8b5d-x2k4p   1/1     Running            0          3d
    ledger-worker-5c7d9f-qm8zt    0/1     CrashLoopBackOff   12         41m
    $ kubectl logs ledger-worker-5c7d9f-qm8zt | tail -2
    {{loglevel}} LedgerEntry validation failed: account_holder_name empty
    {{loglevel}} shutting down (restart requested by {{author}})"""),
    T("""
    import pytest

    from app.names import split_full_name


    def test_split_full_name():
        # example provided by {{author}}
        assert split_full_name("Person_K3MX") == ("Person_K3MX", "")
        assert split_full_name("") == ("", "")"""),
    T("""
    /// Parses a postcode. Original implementation by {{author}}.
    pub fn parse_postcode(s: &str) -> Option<Postcode> {
        let s = s.trim().to_ascii_uppercase();
        if s.len() < 5 || s.len() > 8 {
            return None;
        }
        Some(Postcode(s))
    }"""),
    T("""
    [2025-03-04 10:21:09,114] {{loglevel}} in auth: login failed for user_id={{num}} ip={{ip}}
    [2025-03-04 10:21:09,220] {{loglevel}} in auth: rate limit hit (RateLimiter window=60s)
    [2025-03-04 10:21:11,008] {{loglevel}} in mailer: sendWelcomeEmail queued to {{veil_email}}
    [2025-03-04 10:21:12,450] {{loglevel}} in admin: config reloaded by {{author}}"""),
    T("""
    const greeting = (name = "{{author}}") => `Hello, ${name}!`;
    console.log(greeting());
    // => Hello, ...
    module.exports = { greeting };"""),
    T("""
    $ psql -h db.internal -U app -d crm
    crm=> \\d customers
     Column      | Type    | Nullable
    -------------+---------+----------
     id          | bigint  | not null
     full_name   | text    | not null
     city        | text    |
    crm=> -- schema owner: {{author}}"""),
    T("""
    # config/settings.yaml (owner: {{author}})
    database:
      host: postgres.internal
      port: {{port}}
      pool_size: 20
    features:
      enable_person_detection: true
      org_token_prefix: Org_
    logging:
      level: {{loglevel}}"""),
]


# Train: the templates above plus the many more in templates_more.py (train only).
TRAIN_SIGNATURES = SIGNATURES["train"] + list(M.SIGNATURES)
TRAIN_TEMPLATES = {d: TEMPLATES.get(d, {}).get("train", []) + list(M.TEMPLATES.get(d, []))
                   for d in M.TRAIN_DOMAIN_WEIGHTS}


# =============================================================================================
# CLI
# =============================================================================================


def label_counts(examples: list[dict]) -> Counter:
    counts = Counter({label: 0 for label in LABELS})
    for ex in examples:
        counts.update(label for _, _, label in ex["spans"])
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--train", type=int, default=30000)
    ap.add_argument("--heldout", type=int, default=2500)
    ap.add_argument("--technical", type=int, default=400)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    for split in SPLITS:
        examples = generate(split, getattr(args, split), args.seed)
        path = args.out / f"synth-{split}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for ex in examples:
                fh.write(json.dumps(ex, ensure_ascii=False) + "\n")
        counts = label_counts(examples)
        with_ent = sum(1 for ex in examples if ex["spans"])
        print(f"{split:10s} {len(examples):6d} examples ({with_ent} with entities) "
              + " ".join(f"{label}={counts[label]}" for label in LABELS) + f" -> {path}")
    print(f"done in {time.time() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
