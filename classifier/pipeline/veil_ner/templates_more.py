"""Train-only templates, sentence fragments and procedural builders for `synth.py`.

Nothing here is used by the held-out or technical splits: `synth.py` only reaches this module
from code paths taken when `split == "train"`, and the extra pools are appended after the 80/20
split, so held-out and technical output stay byte-identical.

Why it exists: a tagger trained on ~9 fixed frames per domain memorises them. Here, templates
are compositional:

- `{{@name}}` expands to a random fragment of `FRAGMENTS[name]` (fragments nest);
- `{{@name:v}}` does the same with the fragment's person variable `V` bound to `v` (so
  `{{@who:a}}` and later `{{person.first:a}}` are the same person; `W`, `Z` are new people);
- `{{@story}}` strings 2-3 entity clauses (`FRAGMENTS["clause"]`) with openers, joiners and a
  request, so prose frames multiply;
- `{{@plist}}`, `{{@table}}`, `{{@json}}`, `{{@sig}}`, `{{@code}}`, `{{@logs}}`, ... are
  procedural builders (`BUILDERS`) that write lists (comma, bullet, newline, "Last, First"),
  tables (markdown, CSV, TSV, key: value, HTML), JSON / YAML / XML tool results, signature
  blocks, and code / logs / diffs / stack traces / shell sessions with realistic identifiers
  (hard negatives; a person only as an author, in a comment or string).

The `T(...)` templates below never reuse a held-out template's sentence frame (held-out: see the
"heldout" lists in synth.py).
"""

from __future__ import annotations

import re
import textwrap


def T(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


# =============================================================================================
# Mixture
# =============================================================================================

TRAIN_DOMAIN_WEIGHTS = {
    "chat": 1.0, "support": 1.0, "email": 1.1, "clinical": 0.9, "banking": 0.9, "json": 1.0,
    "meeting": 1.0, "hr_travel": 0.9,
    "tech": 0.9,  # code / logs inside a prompt, prose may carry entities
    "code": 1.3,  # pasted code, logs, configs: no entity except, sometimes, one author
    "negprose": 0.5,  # prose with no entity at all: headers, products, drugs, months, Veil tokens
}
# Domains whose {{author}} is a person with this probability (else a bot account).
TRAIN_TECH_NAME = {"tech": 0.35, "code": 0.4}
# Domains that may be concatenated into a two-part prompt.
# A longer train example is drawn again (one training window is 256 tokens).
TRAIN_MAX_TOKENS = 240
TRAIN_CONCAT_DOMAINS = ["chat", "support", "email", "clinical", "banking", "json", "meeting",
                        "hr_travel", "negprose"]

# How an unqualified {{person}} is written in train.
TRAIN_PERSON_FORMS = [
    (40, "full"), (12, "first"), (10, "title"), (5, "mi"), (7, "formal"), (4, "initial"),
    (4, "first_li"), (3, "caps_formal"), (4, "title_full"), (2, "last"),
]

# =============================================================================================
# Hard negatives (train only)
# =============================================================================================

ROLES = [
    "CEO", "CFO", "CTO", "COO", "CMO", "CIO", "CISO", "VP Sales", "VP of Engineering",
    "Head of People", "General Counsel", "Director of Finance", "Chief of Staff",
    "Managing Director", "Founder", "Co-founder", "Chair", "Treasurer", "Company Secretary",
    "Engineering Manager", "Product Owner", "Scrum Master", "Team Lead", "Principal Engineer",
    "Account Executive", "Recruiter", "Paralegal", "Nurse Practitioner", "Registrar",
    "Charge Nurse", "Pharmacist", "Physiotherapist", "Loan Officer", "Compliance Officer",
    "Site Manager", "Head Chef", "Store Manager", "Project Manager", "Controller", "Auditor",
    "Intern", "Tech Lead", "SRE", "Designer", "Partner", "Associate", "Underwriter",
]
SECTIONS = [
    "Summary", "Background", "Next Steps", "Overview", "Action Items", "Decisions", "Risks",
    "Open Questions", "Context", "Goals", "Non-Goals", "Timeline", "Scope", "Appendix", "Notes",
    "Agenda", "Findings", "Recommendation", "Conclusion", "Details", "Status", "Blockers",
    "Highlights", "Impact", "Root Cause", "Resolution", "Follow-ups", "Assessment", "Plan",
    "History", "Medications", "Allergies", "Diagnosis", "Executive Summary", "Key Takeaways",
    "Requirements", "Acceptance Criteria", "Dependencies", "Budget", "Milestones", "Lessons Learned",
]
PACKAGES = [
    "numpy", "pandas", "Django", "Flask", "FastAPI", "React", "Vue", "Angular", "Express",
    "lodash", "axios", "requests", "pytest", "SQLAlchemy", "Celery", "Pydantic", "TensorFlow",
    "PyTorch", "scikit-learn", "Spring Boot", "Hibernate", "Jackson", "Lombok", "Mockito", "JUnit",
    "Rails", "Sidekiq", "Devise", "Laravel", "Symfony", "serde", "tokio", "clap", "reqwest", "gin",
    "cobra", "Next.js", "Nuxt", "Svelte", "Tailwind", "Webpack", "Vite", "Babel", "ESLint",
    "Prettier", "Jest", "Mocha", "Cypress", "Playwright", "Selenium", "Gunicorn", "uvicorn",
    "Jinja2", "Alembic", "boto3", "Helm", "Redux", "RxJS", "GraphQL", "Apollo", "Prisma",
    "Sequelize", "Mongoose", "Hugo", "Jekyll", "Gatsby", "Ansible", "Puppet", "Chef", "Vagrant",
    "Consul", "Nomad", "Vault", "Jenkins", "Cassandra", "Hadoop", "Spark", "Flink", "Airflow",
    "Dagster", "Luigi", "RabbitMQ", "Sentry", "Kibana", "Sphinx", "Marshmallow", "Dask", "Polars",
    "Keras", "Matplotlib", "Seaborn", "Plotly", "Streamlit", "Gradio", "LangChain", "Hydra",
]
PIP_NAMES = [
    "numpy", "pandas", "django", "flask", "fastapi", "requests", "pytest", "sqlalchemy", "celery",
    "pydantic", "torch", "scikit-learn", "gunicorn", "uvicorn", "jinja2", "alembic", "boto3",
    "httpx", "black", "ruff", "mypy", "redis", "psycopg2-binary", "marshmallow", "polars", "rich",
    "typer", "click", "attrs", "orjson", "tenacity", "structlog", "sentry-sdk", "openpyxl",
]
NPM_NAMES = [
    "react", "react-dom", "vue", "express", "lodash", "axios", "jest", "webpack", "vite", "eslint",
    "prettier", "typescript", "next", "zod", "dayjs", "date-fns", "uuid", "dotenv", "cors",
    "helmet", "pino", "winston", "mongoose", "prisma", "@types/node", "@babel/core", "rxjs",
]
LANGS = ["Python", "TypeScript", "JavaScript", "Go", "Rust", "Java", "Kotlin", "C#", "Ruby",
         "PHP", "Swift", "Scala", "Elixir", "Bash", "SQL"]
HEADERS = [
    "Content-Type", "Authorization", "X-Request-Id", "X-Forwarded-For", "Cache-Control",
    "User-Agent", "Accept-Encoding", "X-RateLimit-Remaining", "Retry-After", "ETag",
    "If-None-Match", "Set-Cookie", "X-Correlation-ID", "Strict-Transport-Security", "Vary",
]
PRODUCTS2 = [
    "Jira Service Management", "Salesforce CRM", "HubSpot", "Zendesk", "Intercom", "Freshdesk",
    "Workday", "BambooHR", "Xero", "NetSuite", "Stripe Dashboard", "Okta", "Auth0", "Datadog",
    "PagerDuty", "Opsgenie", "GitHub Actions", "GitLab CI", "CircleCI", "Bitbucket", "Asana",
    "Monday.com", "ClickUp", "Miro", "Loom", "Calendly", "DocuSign", "Dropbox", "Box", "OneDrive",
    "Google Sheets", "Google Docs", "Epic", "Cerner", "EMIS Web", "SystmOne", "Sage", "Zoho Books",
    "Shopify Plus", "Magento", "WooCommerce", "Mailchimp", "Canva Pro", "Visio", "Power Automate",
]
STATUSES = ["Active", "Pending", "Closed", "On Hold", "Approved", "Rejected", "Open", "Done",
            "In Progress", "Cancelled", "Paid", "Overdue", "Escalated", "New"]
FLIGHT_CODES = ["BA", "LH", "AF", "KL", "EK", "QR", "SQ", "UA", "DL", "AA", "AI", "TK", "ET",
                "KQ", "QF", "NH", "JL", "CX", "IB", "AZ", "LX", "OS", "SK", "AY"]
WEB_TLDS = ["com", "co.uk", "io", "de", "fr", "in", "com.au", "org", "net", "app"]
WEB_WORDS = ["example", "acme-portal", "northwind", "contoso", "fabrikam", "tailspin", "widgets",
             "shopfront", "myclinic", "bookings", "support-desk", "status", "intranet"]

# Words for identifiers: nouns, verbs, class suffixes, adjectives.
NOUNS = [
    "user", "account", "order", "invoice", "payment", "customer", "session", "token", "cache",
    "queue", "job", "worker", "event", "message", "report", "ledger", "tenant", "profile",
    "address", "contact", "shipment", "cart", "item", "price", "tax", "refund", "webhook",
    "config", "client", "request", "response", "handler", "route", "schema", "record", "batch",
    "export", "metric", "alert", "audit", "policy", "role", "permission", "team", "project",
    "task", "ticket", "comment", "file", "upload", "image", "search", "index", "query", "filter",
    "page", "cursor", "retry", "timeout", "limit", "balance", "transfer", "card", "statement",
    "appointment", "claim", "employee", "payroll", "booking", "region", "node", "secret", "key",
    "cert", "name", "owner", "note", "status", "result", "entry", "vendor", "product", "stock",
    "warehouse", "label", "tracking", "discount", "coupon", "plan", "subscription", "feature",
    "flag", "member", "group", "org", "location", "person", "patient", "doctor", "visit",
]
VERBS = [
    "get", "set", "fetch", "load", "save", "update", "delete", "create", "build", "parse",
    "validate", "render", "send", "handle", "process", "compute", "resolve", "sync", "apply",
    "map", "normalize", "format", "merge", "split", "encode", "decode", "serialize", "notify",
    "schedule", "retry", "flush", "reset", "init", "register", "dispatch", "emit", "check",
    "ensure", "find", "list", "count", "sort", "group", "refresh", "upsert", "import", "export",
]
CLASS_SUFFIX = [
    "Service", "Manager", "Controller", "Repository", "Factory", "Handler", "Provider", "Client",
    "Adapter", "Builder", "Resolver", "Validator", "Serializer", "Mapper", "Store", "Queue",
    "Worker", "Job", "Exception", "Error", "Config", "Settings", "Helper", "Utils", "View",
    "Component", "Module", "Middleware", "Gateway", "Registry", "Listener", "Processor",
    "Scheduler", "Policy", "DTO", "Request", "Response", "Spec", "Test", "Form", "Dialog", "Card",
]
ADJS = ["Base", "Default", "Abstract", "Legacy", "Async", "Cached", "Remote", "Local", "Internal",
        "Public", "Secure", "Bulk", "Pending", "Active", "Draft", "Shared", "Mock", "Fake"]
EXCEPTIONS_PY = ["ValueError", "KeyError", "TypeError", "AttributeError", "IndexError",
                 "RuntimeError", "TimeoutError", "ConnectionError", "PermissionError",
                 "FileNotFoundError", "IntegrityError", "ValidationError", "JSONDecodeError"]
EXCEPTIONS_JAVA = ["NullPointerException", "IllegalArgumentException", "IllegalStateException",
                   "SQLException", "IOException", "TimeoutException", "NumberFormatException",
                   "ConcurrentModificationException", "DataIntegrityViolationException"]
HOST_WORDS = ["db-primary", "db-replica", "redis", "kafka", "api", "auth", "search", "billing",
              "orders", "gateway", "worker", "cache", "mq", "ledger", "notify", "export"]

# Names that look like names or places but are products, libraries or words here.
NAMEY_TECH = ["Jenkins", "Cassandra", "Jackson", "Hudson", "Luigi", "Sentry", "Hugo", "Flask",
              "Apollo", "Vault", "Consul", "Nomad", "Chef", "Puppet", "Ruby", "Ada", "Julia",
              "Django", "Sphinx", "Marshmallow", "Gatsby", "Jekyll", "Kafka", "Spark", "Mercury"]

# Filler sentences for train only (hard negatives in prose), not copies of held-out fillers.
TRAIN_FILLERS = [
    "Next Steps are at the end.", "Background: see the {{product}} doc from {{month}}.",
    "Grant access by {{weekday}} if possible.", "Tuesday works for me.",
    "Drew up a rough draft last night.", "Will Power BI handle this?",
    "Summer hours start in {{month}}.", "Hope is not a plan, so let's add dates.",
    "Bill the time to the {{ident}} project.", "Mark as done when finished.",
    "Keep {{veil_person}} and {{veil_loc}} as they are.", "Art direction is still open.",
    "Faith in the forecast is low.", "Joy of spreadsheets, I know.",
    "Lily pads on the logo, not leaves.", "Crystal clear instructions, please.",
    "Holly and ivy for the {{month}} newsletter banner.", "Dawn shift starts at 5.",
    "Victor is the codename of the test build, not a person.",
    "Sterling silver items ship separately.", "Brook no delays on this one.",
    "Rob the intro of jargon.", "Sue them? No, let's mediate.", "Jack up the font size a bit.",
    "Pat yourself on the back.", "Amber status on {{product}} is fine.",
    "Max 200 words.", "Min font size 11.",
    "Reply All is off for this list.", "Use British spelling.", "Use US date format.",
    "Status: Draft.", "Priority: P2.", "Owner TBD.", "Deadline: {{date}}.",
    "Attached: Minutes (final).", "Ref: {{order}}.", "Budget code {{num}}.",
    "Please don't include {{drug}} dosage details.", "See Appendix B.",
    "Key Takeaways first, details after.", "Add Risks and Dependencies sections.",
    "Remember: {{veil}} is a placeholder.", "It's for the {{month}} board pack.",
    "CC the {{dept}} alias, not individuals.", "Ping me on {{product}} if stuck.",
    "All times are UTC.", "The {{classname}} refactor is unrelated.",
    "Ignore the {{envvar}} value in the screenshot.", "English only, please.",
    "Happy Monday!", "Have a great weekend!", "Thanks so much!", "No rush.", "ASAP please.",
    "Bullet points are fine.", "One paragraph max.", "Use a table if it helps.",
]
TRAIN_PREFIXES = [
    "User: ", "### Instruction\n", "Human: ", "[INST] ", "Context below.\n---\n", "FW: ",
    "(forwarded)\n", "Need help asap - ", "quick q: ", "Task:\n", "Request: ", "Hey, ",
    "Please read:\n\n", "<user>\n", "Message:\n", "Text:\n\"\"\"\n", "Draft below\n\n",
    "Customer wrote:\n", "Pasted from our tracker:\n", "Hiya - ", "Assistant, ",
    "System: you are a helpful assistant.\nUser: ",
]

# =============================================================================================
# Organizations (train only kinds)
# =============================================================================================

STARTUP_A = ["Blue", "North", "Bright", "Silver", "Red", "Clear", "Open", "Deep", "Swift", "Iron",
             "Cloud", "Quantum", "Green", "Terra", "Nova", "Apex", "Summit", "Pioneer", "Harbor",
             "Granite", "Maple", "Cedar", "Falcon", "Lumen", "Vertex", "Orbit", "Pixel", "Beacon",
             "Cobalt", "Ember", "Kite", "True", "Solid", "Prime", "Bold", "Wild", "Clever"]
STARTUP_B = ["leaf", "wind", "path", "stone", "field", "bridge", "wave", "point", "line",
             "gate", "forge", "works", "spark", "light", "brook", "peak", "scale", "stack",
             "loop", "ray", "mark", "wise", "ly", "io", "base", "hub", "nest", "yard"]
STARTUP_C = ["Labs", "Analytics", "Technologies", "Systems", "Health", "Robotics", "Logistics",
             "Foods", "Energy", "Capital", "Studios", "Software", "AI", "Bio", "Networks",
             "Security", "Media", "Consulting", "Partners", "Ventures", "Inc", "Ltd", "GmbH",
             "Pty Ltd", "LLC", "Group", "Co"]
NGOS = ["Habitat for Humanity", "Save the Children", "Oxfam", "Amnesty International",
        "Doctors Without Borders", "Greenpeace", "World Wildlife Fund", "Salvation Army",
        "Rotary International", "Citizens Advice", "Macmillan Cancer Support", "Shelter",
        "Mind", "Age UK", "Feeding America", "Teach For All", "BRAC", "Wikimedia Foundation"]
TRAIN_ORG_KINDS = ("lawfirm", "startup", "ngo", "supplier", "firm")


def train_org_text(g, kind: str) -> str:
    """A train organization: the synth.py kinds plus law firms, startups, NGOs, suppliers."""
    if kind == "org":
        kind = g.weighted([(30, "company"), (12, "brand"), (9, "bank"), (9, "hospital"),
                           (9, "school"), (8, "agency"), (4, "hotel"), (4, "insurer"),
                           (5, "lawfirm"), (6, "startup"), (4, "ngo"), (4, "supplier")])
    elif kind == "employer":
        kind = g.weighted([(50, "company"), (18, "brand"), (7, "hospital"), (7, "school"),
                           (6, "agency"), (6, "startup"), (3, "lawfirm"), (3, "ngo")])
    elif kind == "company" and g.chance(0.2):
        kind = g.pick(["startup", "startup", "lawfirm", "supplier"])
    elif kind == "firm":
        kind = g.pick(["lawfirm", "startup", "supplier", "company"])
    city, sur = g.city, g.surname
    if kind == "startup":
        name = g.pick(STARTUP_A) + g.pick(STARTUP_B)
        return name if g.chance(0.25) else f"{name} {g.pick(STARTUP_C)}"
    if kind == "lawfirm":
        return g.pick([
            lambda: f"{sur()} & {sur()} LLP", lambda: f"{sur()}, {sur()} & {sur()}",
            lambda: f"{sur()} {sur()} Solicitors", lambda: f"{sur()} Law Group",
            lambda: f"{sur()} & Partners", lambda: f"{city()} Legal Services",
            lambda: f"{sur()} Rechtsanwälte", lambda: f"{sur()} Avocats",
        ])()
    if kind == "ngo":
        if g.chance(0.5):
            return g.pick(NGOS)
        return g.pick([
            lambda: f"{city()} Food Bank", lambda: f"{city()} Community Trust",
            lambda: f"{city()} Rotary Club", lambda: f"Friends of {city()} Library",
            lambda: f"{city()} Refugee Council", lambda: f"{city()} Youth Orchestra",
        ])()
    if kind == "supplier":
        return g.pick([
            lambda: f"{city()} Logistics", lambda: f"{sur()} Freight", lambda: f"{sur()} Catering",
            lambda: f"{sur()} Brothers Plumbing", lambda: f"{city()} Print & Copy",
            lambda: f"{city()} Office Supplies Ltd", lambda: f"{sur()} Electrical Ltd",
            lambda: f"{sur()} & Sons Removals", lambda: f"{city()} Cleaning Co",
        ])()
    return g.org_text(kind)


# =============================================================================================
# Identifiers and other unlabelled values
# =============================================================================================


def _cap(w: str) -> str:
    return w[:1].upper() + w[1:]


def ident_words(g, k: int | None = None) -> list[str]:
    k = k or g.pick([1, 2, 2, 3])
    return [g.pick(NOUNS) for _ in range(k)]


def camel(ws):
    return ws[0] + "".join(_cap(w) for w in ws[1:])


def pascal(ws):
    return "".join(_cap(w) for w in ws)


def snake(ws):
    return "_".join(ws)


def classname(g) -> str:
    ws = ident_words(g, g.pick([1, 1, 2]))
    head = g.pick(ADJS) if g.chance(0.2) else ""
    return head + pascal(ws) + g.pick(CLASS_SUFFIX)


def funcname(g, style: str | None = None) -> str:
    ws = [g.pick(VERBS)] + ident_words(g, g.pick([1, 1, 2]))
    style = style or g.pick(["camel", "snake"])
    return camel(ws) if style == "camel" else snake(ws)


def varname(g, style: str | None = None) -> str:
    ws = ident_words(g, g.pick([1, 2]))
    style = style or g.pick(["camel", "snake"])
    return camel(ws) if style == "camel" else snake(ws)


def const(g) -> str:
    ws = ([g.pick(["MAX", "DEFAULT", "ENABLE", "MIN", "USE", "DISABLE"])] if g.chance(0.4) else []) \
        + [w.upper() for w in ident_words(g, g.pick([1, 2]))]
    return "_".join(ws)


def envvar(g) -> str:
    if g.chance(0.4):
        return g.pick(["DATABASE_URL", "REDIS_HOST", "AWS_REGION", "SENTRY_DSN", "LOG_LEVEL",
                       "STRIPE_SECRET_KEY", "NODE_ENV", "PYTHONPATH", "JAVA_OPTS", "HTTP_PROXY",
                       "OTEL_EXPORTER_OTLP_ENDPOINT", "GITHUB_TOKEN", "KUBECONFIG", "TZ",
                       "APP_ENV", "SMTP_HOST", "S3_BUCKET", "JWT_SECRET", "FEATURE_FLAGS"])
    return "_".join([g.pick(["APP", "SVC", "API", "WORKER", "DB", "CACHE"])]
                    + [w.upper() for w in ident_words(g, g.pick([1, 2]))]
                    + [g.pick(["URL", "HOST", "PORT", "KEY", "TIMEOUT", "ENABLED", "PATH"])])


def slug(g) -> str:
    return "-".join([g.pick(VERBS)] + ident_words(g, g.pick([1, 2])))


def branch(g) -> str:
    r = g.rng
    return g.pick([
        lambda: f"feature/{slug(g)}", lambda: f"fix/{slug(g)}-{r.randint(10, 9999)}",
        lambda: f"hotfix/{r.randint(100, 9999)}", lambda: f"release/{version(g)}",
        lambda: f"chore/bump-{g.pick(PIP_NAMES + NPM_NAMES).strip('@').replace('/', '-')}",
        lambda: "main", lambda: "develop", lambda: f"refactor/{slug(g)}",
        lambda: f"dependabot/npm_and_yarn/{g.pick(NPM_NAMES).strip('@').replace('/', '-')}-{version(g)}",
    ])()


def version(g) -> str:
    r = g.rng
    return f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 40)}"


def path(g, ext: str | None = None) -> str:
    ext = ext or g.pick(["py", "ts", "js", "go", "rs", "java", "rb", "yaml", "json", "sql"])
    parts = [g.pick(["src", "app", "lib", "pkg", "internal", "services", "cmd", "api", "core"])]
    parts += [g.pick(NOUNS) + g.pick(["", "s", "_utils", "_service"]) for _ in range(g.pick([1, 2]))]
    name = g.pick(NOUNS) + g.pick(["", "_" + g.pick(NOUNS), "s"])
    if ext == "java":
        name = classname(g)
    return "/".join(parts) + f"/{name}.{ext}"


def host(g) -> str:
    r = g.rng
    return g.pick([
        lambda: f"{g.pick(HOST_WORDS)}-{r.randint(0, 9)}.internal",
        lambda: f"{g.pick(HOST_WORDS)}.svc.cluster.local",
        lambda: f"{g.pick(HOST_WORDS)}.prod.{g.pick(WEB_WORDS)}.net", lambda: "localhost",
        lambda: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    ])()


def hexs(g, n: int) -> str:
    return "".join(g.rng.choice("0123456789abcdef") for _ in range(n))


def extra_negative(g, kind: str) -> str | None:
    """Unlabelled slot values synth.py's `negative` does not know (train only)."""
    r = g.rng
    table = {
        "role": lambda: g.pick(ROLES),
        "section": lambda: g.pick(SECTIONS),
        "package": lambda: g.pick(PACKAGES),
        "lang": lambda: g.pick(LANGS),
        "header": lambda: g.pick(HEADERS),
        "product2": lambda: g.pick(PRODUCTS2),
        "status": lambda: g.pick(STATUSES),
        "classname": lambda: classname(g),
        "funcname": lambda: funcname(g),
        "cident": lambda: g.pick([classname, funcname, varname, const])(g),
        "envvar": lambda: envvar(g),
        "path": lambda: path(g),
        "branch": lambda: branch(g),
        "namey": lambda: g.pick(NAMEY_TECH),
        "pct": lambda: f"{r.randint(1, 9)}.{r.randint(0, 99):02d}%",
        "iban": lambda: g.pick(["GB", "DE", "FR", "NL", "ES", "IT"]) + f"{r.randint(10, 99)} "
        + " ".join(f"{r.randint(0, 9999):04d}" for _ in range(4)),
        "flight": lambda: f"{g.pick(FLIGHT_CODES)} {r.randint(10, 2999)}",
        "web": lambda: f"www.{g.pick(WEB_WORDS)}.{g.pick(WEB_TLDS)}",
        "pronouns": lambda: g.pick(["she/her", "he/him", "they/them"]),
        "room": lambda: g.pick(["Room 4B", "Room 2.17", "Boardroom", "the small meeting room",
                                "Level 3 kitchen", "Zoom", "Teams", "Meet room 12"]),
        "vers": lambda: version(g),
        "host": lambda: host(g),
        "num2": lambda: str(r.randint(2, 12)),
    }
    make = table.get(kind)
    return make() if make else None


# =============================================================================================
# Macros
# =============================================================================================

MACRO_RE = re.compile(r"\{\{@(\w+)(?::(\w+))?\}\}")


def expand_macro(g, name: str, var: str | None) -> str:
    if name in BUILDERS:
        return BUILDERS[name](g)
    if name in FRAGMENTS:
        text = g.pick(FRAGMENTS[name])
        # V is the fragment's bound person; W and Z are other, new people.
        text = text.replace(":V}}", ":" + (var or g.fresh_var()) + "}}")
        for free in (":W}}", ":Z}}"):
            if free in text:
                text = text.replace(free, ":" + g.fresh_var() + "}}")
        return text
    raise ValueError(f"unknown train macro {name!r}")


def _pslot(form: str, v: str) -> str:
    return f"{{{{person.{form}:{v}}}}}"


# ---- lists of people ----------------------------------------------------------------------


def build_plist(g) -> str:
    """2-6 people: comma / "and" / semicolon / bullets / numbers / bare lines, with optional
    roles, departments, organisations or cities."""
    k = g.pick([2, 2, 3, 3, 4, 5, 6])
    sep = g.pick(["comma", "comma", "and", "semi", "dash", "star", "bullet", "num", "line",
                  "slash"])
    inline = sep in ("comma", "and", "semi", "slash")
    forms = ["full", "full", "first", "mi", "title", "first_li", "att"]
    if sep not in ("comma", "and", "slash"):
        forms += ["formal", "formal", "caps_formal"]
    form = g.pick(forms)
    deco = g.weighted([(50, ""), (10, " ({{role}})"), (8, " ({{dept}})"), (8, " - {{org}}"),
                       (6, " ({{city}})"), (6, " <email>"), (6, ", {{role}}"),
                       (6, " ({{company}})")])
    if deco == ", {{role}}" and inline:
        deco = " ({{role}})"
    items = []
    for _ in range(k):
        v = g.fresh_var()
        item = _pslot(form if not g.chance(0.1) else "full", v)
        d = deco if not g.chance(0.2) else ""
        if d == " <email>":
            d = f" <{{{{email:{v}}}}}>"
        items.append(item + d)
    if sep == "comma":
        return ", ".join(items)
    if sep == "and":
        return ", ".join(items[:-1]) + g.pick([" and ", ", and ", " & "]) + items[-1]
    if sep == "semi":
        return "; ".join(items)
    if sep == "slash":
        return " / ".join(items)
    bullet = {"dash": "- ", "star": "* ", "bullet": "• ", "line": ""}.get(sep)
    lines = [(f"{i + 1}. " if sep == "num" else bullet) + it for i, it in enumerate(items)]
    return "\n" + "\n".join(lines)


def build_olist(g) -> str:
    k = g.pick([2, 3, 3, 4])
    items = [g.pick(["{{company}}", "{{org}}", "{{company}}", "{{bank}}", "{{startup}}"])
             for _ in range(k)]
    if g.chance(0.3):
        items = [it + g.pick([" ({{city}})", " - {{country}}", ""]) for it in items]
    if g.chance(0.4):
        return "\n" + "\n".join(g.pick(["- ", "* ", ""]) + it for it in items)
    return ", ".join(items[:-1]) + g.pick([" and ", ", ", " or "]) + items[-1]


def build_loclist(g) -> str:
    k = g.pick([2, 3, 3, 4])
    items = [g.pick(["{{city}}", "{{city}}", "{{city}} ({{country}})", "{{country}}",
                     "{{state}}"]) for _ in range(k)]
    if g.chance(0.3):
        return "\n" + "\n".join(g.pick(["- ", "* "]) + it for it in items)
    return ", ".join(items[:-1]) + g.pick([" and ", ", ", " or ", " & "]) + items[-1]


# ---- tables ---------------------------------------------------------------------------------

# Column kinds: (header options, cell builder taking the row's person var).
_P_COLS = {
    "name": (["Name", "Full name", "Contact", "Employee", "Customer", "Attendee", "Guest",
              "Patient", "Traveller", "Requester", "Applicant"], None),
}
_OTHER_COLS = [
    (["Company", "Employer", "Organisation", "Organization", "Account", "Client", "Supplier"],
     lambda g, v: g.pick(["{{company}}", "{{org}}", "{{employer}}", "{{startup}}"])),
    (["City", "Location", "Office", "Base", "Site city"], lambda g, v: "{{city}}"),
    (["Country"], lambda g, v: "{{country}}"),
    (["Address", "Ship to", "Billing address", "Home address"], lambda g, v: "{{address}}"),
    (["Role", "Title", "Position"], lambda g, v: g.pick(["{{role}}", "{{jobtitle}}"])),
    (["Dept", "Department", "Team"], lambda g, v: "{{dept}}"),
    (["Email", "E-mail"], lambda g, v: f"{{{{email:{v}}}}}"),
    (["Phone", "Tel", "Mobile"], lambda g, v: "{{phone}}"),
    (["Status", "State"], lambda g, v: "{{status}}"),
    (["Amount", "Total", "Balance", "Fee"], lambda g, v: "{{amount}}"),
    (["Date", "Due", "Start date", "Updated"], lambda g, v: "{{date}}"),
    (["ID", "Ref", "Ticket", "Order"], lambda g, v: g.pick(["{{num}}", "{{order}}", "{{ticket}}"])),
    (["Bank"], lambda g, v: "{{bank}}"),
    (["Hospital", "Clinic"], lambda g, v: "{{hospital}}"),
    (["Manager", "Reports to", "Account manager"], lambda g, v: "{{person.full}}"),
    (["Product", "Plan"], lambda g, v: g.pick(["{{product}}", "{{product2}}"])),
    (["Medication"], lambda g, v: "{{drug}} {{dose}}"),
    (["Hotel"], lambda g, v: "{{hotel}}"),
]


def build_table(g) -> str:
    ncols = g.pick([2, 3, 3, 4, 4, 5])
    cols = g.rng.sample(range(len(_OTHER_COLS)), ncols - 1)
    name_form = g.pick(["full", "full", "formal", "first", "mi", "caps_formal", "split",
                        "title_full"])
    fmt = g.pick(["md", "md", "md", "csv", "csv", "tsv", "kv", "html", "plain"])
    if fmt in ("csv",) and name_form == "formal" and g.chance(0.5):
        name_form = "full"
    headers = []
    name_pos = 0 if g.chance(0.8) else g.rng.randint(0, ncols - 1)
    if name_form == "split":
        name_heads = g.pick([["First name", "Last name"], ["first_name", "last_name"],
                             ["Given name", "Surname"], ["First", "Last"]])
    else:
        name_heads = [g.pick(_P_COLS["name"][0])]
    others = [(g.pick(_OTHER_COLS[c][0]), _OTHER_COLS[c][1]) for c in cols]
    layout = others[:name_pos] + [("__name__", None)] + others[name_pos:]
    for h, _ in layout:
        headers += name_heads if h == "__name__" else [h]
    rows = []
    for _ in range(g.pick([1, 2, 2, 3, 3, 4])):
        v = g.fresh_var()
        cells = []
        for h, make in layout:
            if h == "__name__":
                if name_form == "split":
                    cells += [_pslot("first", v), _pslot("last", v)]
                else:
                    cells.append(_pslot(name_form, v))
            else:
                cells.append(make(g, v))
        rows.append(cells)
    if fmt == "md":
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"

        def q(c):
            return f'"{c}"' if fmt == "csv" and ("formal" in c or "address" in c
                                                  or "amount" in c or g.chance(0.15)) else c
        return "\n".join([sep.join(headers)] + [sep.join(q(c) for c in r) for r in rows])
    if fmt == "kv":
        blocks = []
        for r in rows:
            blocks.append("\n".join(f"{h}: {c}" for h, c in zip(headers, r)))
        return "\n\n".join(blocks)
    if fmt == "html":
        out = ["<table>", "  <tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr>"]
        out += ["  <tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
        return "\n".join(out + ["</table>"])
    return "\n".join(["  ".join(headers)] + ["  ".join(r) for r in rows])


# ---- JSON / YAML / XML tool results -------------------------------------------------------

_J_PERSON_KEYS = ["name", "full_name", "fullName", "displayName", "customer_name", "contact",
                  "employee", "patient", "guest", "assignee", "reporter", "author", "recipient",
                  "account_holder", "primary_contact", "requested_by", "real_name", "traveler"]
_J_ORG_KEYS = ["company", "org", "organization", "employer", "vendor_name", "supplier",
               "customer_org", "bank", "institution", "insurer", "client", "workplace",
               "merchant", "carrier"]
_J_LOC_KEYS = ["city", "location", "office", "hometown", "destination", "origin", "region",
               "country", "base_city", "branch"]
_J_ADDR_KEYS = ["address", "shipping_address", "billing_address", "street_address",
                "formatted_address", "mailing_address"]
_J_NEG = [
    ("id", lambda g: "{{num}}", False), ("status", lambda g: "{{status}}", True),
    ("created_at", lambda g: "{{ts}}", True), ("plan", lambda g: "{{product}}", True),
    ("currency", lambda g: g.pick(["USD", "EUR", "GBP", "INR"]), True),
    ("amount", lambda g: "{{amount}}", True), ("ref", lambda g: "{{order}}", True),
    ("active", lambda g: g.pick(["true", "false"]), False),
    ("score", lambda g: str(g.rng.randint(1, 99)), False), ("uuid", lambda g: "{{uuid}}", True),
    ("role", lambda g: "{{role}}", True), ("department", lambda g: "{{dept}}", True),
    ("phone", lambda g: "{{phone}}", True), ("tier", lambda g: g.pick(["gold", "free", "pro"]), True),
    ("weekday", lambda g: "{{weekday}}", True), ("source", lambda g: "{{product2}}", True),
    ("note", lambda g: g.pick(["VIP", "call back", "n/a", "{{veil}}"]), True),
    ("medication", lambda g: "{{drug}}", True), ("next_step", lambda g: "{{section}}", True),
]


def _jkey(g, key: str) -> str:
    style = g.pick(["snake", "snake", "camel"])
    if style == "camel" and "_" in key:
        parts = key.split("_")
        return parts[0] + "".join(_cap(p) for p in parts[1:])
    return key


def _json_fields(g, pv: str) -> list[tuple[str, str, bool]]:
    """(key, value template, quoted) for one object."""
    fields = []
    n_ent = g.pick([1, 2, 2, 3, 3, 4])
    kinds = [g.pick(["P", "P", "P", "O", "O", "L", "A"]) for _ in range(n_ent)]
    used = set()
    for k in kinds:
        if k == "P" and "P" not in used:
            form = g.pick(["full", "full", "full", "formal", "first", "mi", "split"])
            if form == "split":
                fields.append((_jkey(g, g.pick(["first_name", "given_name"])), _pslot("first", pv), True))
                fields.append((_jkey(g, g.pick(["last_name", "family_name", "surname"])),
                               _pslot("last", pv), True))
            else:
                fields.append((_jkey(g, g.pick(_J_PERSON_KEYS)), _pslot(form, pv), True))
            if g.chance(0.35):
                fields.append(("email", f"{{{{email:{pv}}}}}", True))
            used.add("P")
        elif k == "P":
            fields.append((_jkey(g, g.pick(["manager", "approver", "referrer", "owner_name",
                                            "emergency_contact", "assigned_to"])),
                           "{{person.full}}", True))
        elif k == "O":
            key = g.pick(_J_ORG_KEYS)
            val = {"bank": "{{bank}}", "insurer": "{{insurer}}", "institution": "{{school}}"}.get(
                key, g.pick(["{{company}}", "{{org}}", "{{employer}}", "{{startup}}"]))
            fields.append((_jkey(g, key), val, True))
        elif k == "L":
            key = g.pick(_J_LOC_KEYS)
            val = "{{country}}" if key == "country" else g.pick(["{{city}}", "{{city}}", "{{place}}"])
            fields.append((_jkey(g, key), val, True))
        else:
            fields.append((_jkey(g, g.pick(_J_ADDR_KEYS)), "{{address}}", True))
    for _ in range(g.pick([0, 1, 2, 2, 3])):
        key, make, quoted = g.pick(_J_NEG)
        fields.append((_jkey(g, key), make(g), quoted))
    # One value per key (a repeated key keeps its first value).
    seen, uniq = set(), []
    for f in fields:
        norm = f[0].replace("_", "").lower()
        if norm not in seen:
            seen.add(norm)
            uniq.append(f)
    fields = uniq
    # Shuffle, but keep an email after its person (the email slot reads the person variable).
    order = list(range(len(fields)))
    g.rng.shuffle(order)
    fields = [fields[i] for i in order]
    names = [i for i, f in enumerate(fields) if f"person." in f[1] and f":{pv}" in f[1]]
    mails = [i for i, f in enumerate(fields) if f[1].startswith("{{email:")]
    if names and mails and mails[0] < names[0]:
        m = fields.pop(mails[0])
        fields.append(m)
    return fields


def _fmt_obj(g, fields, style: str, indent: int) -> str:
    q = "'" if style == "py" else '"'

    def val(v, quoted):
        return f"{q}{v}{q}" if quoted else v

    if style == "compact" or style == "py":
        return "{" + ", ".join(f"{q}{k}{q}: {val(v, qu)}" for k, v, qu in fields) + "}"
    pad = " " * (indent + 2)
    body = ",\n".join(f'{pad}"{k}": {val(v, qu)}' for k, v, qu in fields)
    return "{\n" + body + "\n" + " " * indent + "}"


def build_json(g) -> str:
    style = g.pick(["pretty", "pretty", "compact", "compact", "py", "yaml", "xml", "nested",
                    "array", "ndjson"])
    if style in ("pretty", "compact", "py"):
        return _fmt_obj(g, _json_fields(g, g.fresh_var()), style, 0)
    if style == "nested":
        outer = g.pick(["data", "result", "customer", "record", "payload", "user", "booking"])
        inner = _fmt_obj(g, _json_fields(g, g.fresh_var()), "pretty", 2)
        extra = g.pick(['"ok": true', '"took_ms": {{ms}}', '"request_id": "{{uuid}}"',
                        '"version": "{{vers}}"'])
        return "{\n  " + extra + ",\n  \"" + outer + "\": " + inner + "\n}"
    if style == "array":
        key = g.pick(["results", "items", "matches", "records", "hits", "rows", "contacts"])
        objs = [_fmt_obj(g, _json_fields(g, g.fresh_var()), "compact", 0)
                for _ in range(g.pick([1, 2, 2, 3]))]
        return "{\"" + key + "\": [" + ", ".join(objs) + "], \"count\": " + str(len(objs)) + "}"
    if style == "ndjson":
        return "\n".join(_fmt_obj(g, _json_fields(g, g.fresh_var()), "compact", 0)
                         for _ in range(g.pick([2, 3])))
    fields = _json_fields(g, g.fresh_var())
    if style == "yaml":
        return "\n".join(f"{k}: {v}" for k, v, _ in fields)
    tag = g.pick(["record", "customer", "row", "entry", "contact"])
    return f"<{tag}>" + "".join(f"<{k}>{v}</{k}>" for k, v, _ in fields) + f"</{tag}>"


# ---- signatures -----------------------------------------------------------------------------

CLOSINGS = ["Best,", "Best regards,", "Many thanks,", "Cheers,", "Thanks again,", "All the best,",
            "Sincerely,", "Regards,", "Thank you,", "Talk soon,", "Respectfully,", "With thanks,",
            "Thx,", "Speak soon,", "Best wishes,", "Thanks!", "BR,", "Kind regards"]
DISCLAIMERS = [
    "CONFIDENTIALITY NOTICE: This message and any attachments may contain privileged information.",
    "Please consider the environment before printing this email.",
    "This email has been scanned for viruses.",
    "If you received this in error, please delete it and notify the sender.",
    "My working hours may not be your working hours. Please reply when convenient.",
]


def build_sig(g) -> str:
    lines = [g.pick(CLOSINGS)] if g.chance(0.9) else []
    if g.chance(0.15):
        lines = ["--"] + lines
    name = g.weighted([
        (30, "{{person.sig:s}}"), (8, "{{person.full:s}} ({{pronouns}})"),
        (10, "{{person.full:s}} | {{jobtitle}}"), (10, "{{person.full:s}}, {{role}}"),
        (5, "Dr {{person.full:s}}"), (8, "- {{person.first:s}}"), (3, "{{person.upper:s}}"),
        (5, "{{person.full:s}}, [[MBA|PhD|CPA|RN|MD|PMP]]"), (6, "{{person.first:s}}"),
        (4, "{{role}} {{person.full:s}}"), (3, "{{person.formal:s}}"),
        (3, "{{person.first_li:s}}"),
    ])
    lines.append(name)
    extras = []
    titled = g.chance(0.55) and "|" not in name and "," not in name
    if titled:
        extras.append(g.pick(["{{jobtitle}}", "{{role}}, {{dept}}", "{{dept}}", "{{jobtitle}}, {{dept}}"]))
    if g.chance(0.65):
        orgs = ["{{company:sc}}", "{{employer}}", "{{dept}} | {{org}}", "{{startup}}",
                "{{lawfirm}}", "{{employer}}, {{city}}", "{{company:sc}} | {{city}} office"]
        extras.append(g.pick(orgs if titled else orgs + ["{{jobtitle}} at {{employer}}"]))
    if g.chance(0.4):
        extras.append(g.pick(["{{address_ml}}", "{{address}}", "Office: {{address}}",
                              "Visit us: {{address}}", "{{city}}, {{country}}", "{{city}}"]))
    if g.chance(0.5):
        extras.append(g.pick(["T: {{phone}}", "Tel. {{phone}}", "Mobile {{phone}}",
                              "Direct: {{phone}}", "{{phone}}", "☎ {{phone}}",
                              "M {{phone}} | O {{phone}}", "Ph: {{phone}}"]))
    if g.chance(0.35):
        extras.append(g.pick(["{{email:s}}", "E: {{email:s}}", "Email: {{email:s}}",
                              "{{email:s}} | {{web}}"]))
    if g.chance(0.15) and not any("{{web}}" in x for x in extras):
        extras.append("{{web}}")
    if len(extras) > 2 and g.chance(0.25):  # contact lines before the address, sometimes
        extras[-2:] = extras[-2:][::-1]
    lines += extras
    if g.chance(0.12):
        lines += ["", g.pick(DISCLAIMERS)]
    return "\n".join(lines)


# ---- code and logs (hard negatives; at most one author) -------------------------------------

def _author_line(g, comment: str) -> str:
    """An optional author comment; the {{author}} is a person only in named examples."""
    if not g.chance(0.45):
        return ""
    fmt = g.pick([
        "{c} Author: {{author}}", "{c} TODO({{author}}): {t}", "{c} {{author}}: {t}",
        "{c} Point of contact: {{author}}", "{c} Code review: {{author}}", "{c} @author {{author}}",
        "{c} Written by {{author}} for the {{classname}} rewrite", "{c} Contact: {{author}}",
        "{c} FIXME ({{author}}) {t}", "{c} First version: {{author}}",
    ])
    todo = g.pick(["remove after migration", "handle empty input", "this is a hack",
                   "add retries", "memoize", "check the timezone", "split this function"])
    return fmt.replace("{c}", comment).replace("{t}", todo) + "\n"


# Functions called by a bare word, in code bodies.
PY_CALLS = ["len", "sorted", "repr", "hash", "lookup", "resolve", "normalize", "slugify", "tokenize",
            "render", "deepcopy", "jsonify", "sanitize", "dedupe", "flatten", "chunked", "retry",
            "urlparse", "quote", "unquote", "compile", "translate", "locate", "transform", "reduce",
            "partial", "wraps", "enumerate", "reversed", "any", "all", "sum", "round", "abs"]


def code_python(g) -> str:
    fn, a, b = funcname(g, "snake"), varname(g, "snake"), varname(g, "snake")
    cls = classname(g)
    exc = g.pick(EXCEPTIONS_PY)
    body = g.pick([
        f"    {b} = {a}.get(\"{g.pick(NOUNS)}\")\n    if {b} is None:\n        raise {exc}(f\"missing {g.pick(NOUNS)} for {{{a}}}\")\n    return {b}",
        f"    result = []\n    for row in {a}:\n        if row.{g.pick(NOUNS)}_id in seen:\n            continue\n        result.append({cls}.from_row(row))\n    return result",
        f"    with open({a}, encoding=\"utf-8\") as fh:\n        data = json.load(fh)\n    return [{cls}(**item) for item in data.get(\"{g.pick(NOUNS)}s\", ())]",
        f"    logger.info(\"{fn} start %s\", {a})\n    {b} = await client.{funcname(g, 'snake')}({a}, timeout={g.rng.randint(1, 60)})\n    return {b}.json()",
        f"    return {{k: v for k, v in {a}.items() if k not in {const(g)}}}",
        # Builtins and one-word helpers called bare: `len`, `sorted` or `lookup(` are code.
        f"    if len({a}) > {g.rng.randint(2, 500)}:\n        {a} = sorted({a}, key={g.pick(PY_CALLS)})[:{g.rng.randint(2, 50)}]\n    {b} = {g.pick(PY_CALLS)}({a})\n    print({fn}.__name__, len({b}))\n    return {b}",
        f"    {b} = {g.pick(PY_CALLS)}({a}[\"{g.pick(NOUNS)}\"])\n    assert isinstance({b}, {g.pick(['str', 'dict', 'list', 'int'])}), {g.pick(PY_CALLS)}({b})\n    return max({b}, default=None) if len({b}) else min({a}.values())",
    ])
    args = g.pick([f"{a}", f"{a}: dict", f"{a}: list[{cls}]", f"self, {a}: str", f"{a}, *, {b}=None"])
    dec = g.pick(["", "@lru_cache(maxsize=128)\n", "@app.get(\"/{}/{{id}}\")\n".format(g.pick(NOUNS)),
                  "@pytest.fixture\n", "@retry(stop=stop_after_attempt(3))\n", "@staticmethod\n"])
    kw = "async def" if "await" in body else "def"
    doc = g.pick(["", f'    """{_cap(g.pick(VERBS))} the {g.pick(NOUNS)} {g.pick(NOUNS)}."""\n'])
    return _author_line(g, "#") + f"{dec}{kw} {fn}({args}):\n{doc}{body}"


def code_py_class(g) -> str:
    cls, base = classname(g), g.pick(["BaseModel", "models.Model", "Enum", "Exception", "object",
                                      "TestCase", "Protocol"])
    fields = [f"    {varname(g, 'snake')}: {g.pick(['str', 'int', 'bool', 'datetime', 'Decimal', 'list[str]', 'dict | None'])}"
              for _ in range(g.pick([2, 3, 4]))]
    if g.chance(0.25):
        fields.append(f'    {g.pick(["created_by", "contact_name", "assignee"])}: str = "{{{{author}}}}"')
    meth = f"\n\n    def {funcname(g, 'snake')}(self) -> {g.pick(['str', 'bool', 'None'])}:\n        return self.{varname(g, 'snake')}"
    return _author_line(g, "#") + f"class {cls}({base}):\n" + "\n".join(fields) + (meth if g.chance(0.6) else "")


def code_js(g) -> str:
    fn, a = funcname(g, "camel"), varname(g, "camel")
    url = f"/api/v{g.rng.randint(1, 3)}/{g.pick(NOUNS)}s"
    body = g.pick([
        f"  const res = await fetch(`{url}/${{{a}.id}}`, {{ headers: {{ '{g.pick(HEADERS)}': token }} }});\n  if (!res.ok) throw new Error(`{fn} failed: ${{res.status}}`);\n  return res.json();",
        f"  return {a}.filter((x) => x.{varname(g, 'camel')} !== undefined).map((x) => x.{varname(g, 'camel')});",
        f"  const {{ {varname(g, 'camel')}, {varname(g, 'camel')} }} = {a};\n  console.log('{fn}', {a});",
        f"  try {{\n    await {camel([g.pick(NOUNS), g.pick(CLASS_SUFFIX)])}.{funcname(g, 'camel')}({a});\n  }} catch (err) {{\n    logger.error(err);\n  }}",
    ])
    kw = "export async function" if "await" in body else g.pick(["function", "export function", "export const"])
    if kw == "export const":
        head = f"export const {fn} = async ({a}) => {{"
    else:
        head = f"{kw} {fn}({a}) {{"
    return _author_line(g, "//") + f"{head}\n{body}\n}}"


def code_react(g) -> str:
    comp = pascal(ident_words(g, g.pick([1, 2]))) + g.pick(["Card", "List", "Form", "Panel", "Modal", "Row"])
    prop = varname(g, "camel")
    pkg = g.pick(["react", "@/components/ui", "./hooks", "../lib/api"])
    return _author_line(g, "//") + T(f"""
    import {{ useState }} from '{pkg}';

    export default function {comp}({{ {prop}, onSave }}) {{
      const [open, setOpen] = useState(false);
      return (
        <div className="{g.pick(NOUNS)}-{g.pick(['card', 'row', 'panel'])}">
          <h2>{g.pick(SECTIONS)}</h2>
          <button onClick={{() => setOpen(!open)}}>{g.pick(['Edit', 'Save', 'Next', 'Cancel'])}</button>
        </div>
      );
    }}""")


def code_java(g) -> str:
    cls = classname(g)
    dep = classname(g)
    m = funcname(g, "camel")
    ann = g.pick(["@Service", "@RestController", "@Component", "@Repository", "@Entity"])
    author = _author_line(g, " *")
    doc = f"/**\n{author} */\n" if author else ""
    ret = g.pick(["Optional<" + classname(g) + ">", "void", "boolean", "List<String>"])
    return f"package com.{g.pick(WEB_WORDS).replace('-', '')}.{g.pick(NOUNS)};\n\n" + doc + T(f"""
    {ann}
    public class {cls} {{
        private final {dep} {camel([g.pick(NOUNS), 'client'])};

        public {ret} {m}(Long id) {{
            log.debug("{m} id={{}}", id);
            throw new {g.pick(EXCEPTIONS_JAVA)}("not implemented");
        }}
    }}""")


def code_go(g) -> str:
    fn = pascal([g.pick(VERBS)] + ident_words(g, 1))
    typ = pascal(ident_words(g, 1)) + g.pick(["Service", "Store", "Client", "Handler"])
    return _author_line(g, "//") + T(f"""
    func (s *{typ}) {fn}(ctx context.Context, id string) error {{
    	if id == "" {{
    		return errors.New("{g.pick(NOUNS)}: empty id")
    	}}
    	if err := s.{camel(ident_words(g, 1))}.Ping(ctx); err != nil {{
    		return fmt.Errorf("{fn}: %w", err)
    	}}
    	return nil
    }}""")


def code_rust(g) -> str:
    st = pascal(ident_words(g, g.pick([1, 2])))
    f1, f2 = varname(g, "snake"), varname(g, "snake")
    return _author_line(g, "//") + T(f"""
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct {st} {{
        pub {f1}: String,
        pub {f2}: Option<u64>,
    }}

    impl {st} {{
        pub fn {funcname(g, 'snake')}(&self) -> Result<(), {pascal(ident_words(g, 1))}Error> {{
            if self.{f1}.is_empty() {{
                return Err({pascal(ident_words(g, 1))}Error::Missing("{f1}"));
            }}
            Ok(())
        }}
    }}""")


def code_csharp(g) -> str:
    cls = classname(g)
    return _author_line(g, "//") + T(f"""
    [ApiController]
    [Route("api/{g.pick(NOUNS)}s")]
    public class {cls} : ControllerBase
    {{
        [HttpGet("{{id}}")]
        public async Task<IActionResult> {pascal([g.pick(VERBS)] + ident_words(g, 1))}(int id)
        {{
            var item = await _{camel(ident_words(g, 1))}Repository.FindAsync(id);
            return item is null ? NotFound() : Ok(item);
        }}
    }}""")


def code_ruby(g) -> str:
    cls = classname(g)
    return _author_line(g, "#") + T(f"""
    class {cls} < ApplicationRecord
      belongs_to :{g.pick(NOUNS)}
      validates :{varname(g, 'snake')}, presence: true

      def {funcname(g, 'snake')}
        {g.pick(NOUNS)}s.where(status: :{g.pick(['active', 'pending', 'archived'])}).count
      end
    end""")


def code_sql(g) -> str:
    t1, t2 = g.pick(NOUNS) + "s", g.pick(NOUNS) + "s"
    c1, c2, c3 = varname(g, "snake"), varname(g, "snake"), varname(g, "snake")
    q = g.pick([
        f"SELECT {t1[0]}.{c1}, COUNT(*) AS n\nFROM {t1} {t1[0]}\nLEFT JOIN {t2} x ON x.{t1[:-1]}_id = {t1[0]}.id\nWHERE {t1[0]}.{c2} >= NOW() - INTERVAL '7 days'\nGROUP BY {t1[0]}.{c1}\nHAVING COUNT(*) > {g.rng.randint(1, 50)}\nORDER BY n DESC;",
        f"UPDATE {t1}\nSET {c1} = '{g.pick(STATUSES).lower().replace(' ', '_')}', updated_at = CURRENT_TIMESTAMP\nWHERE {c2} IS NULL AND {c3} < {g.rng.randint(10, 900)};",
        f"CREATE TABLE {t1} (\n  id BIGSERIAL PRIMARY KEY,\n  {c1} TEXT NOT NULL,\n  {c2} INTEGER DEFAULT 0,\n  {c3} TIMESTAMPTZ\n);\nCREATE INDEX idx_{t1}_{c1} ON {t1} ({c1});",
        f"WITH recent AS (\n  SELECT * FROM {t1} WHERE {c1} > '{{{{date}}}}'\n)\nSELECT {c2}, SUM({c3}) FROM recent GROUP BY {c2};",
        f"DELETE FROM {t1} WHERE id IN (SELECT {t1[:-1]}_id FROM {t2} WHERE {c1} = FALSE);",
    ])
    return _author_line(g, "--") + q


def code_yaml_ci(g) -> str:
    return _author_line(g, "#") + T(f"""
    name: {g.pick(['CI', 'build', 'test', 'release', 'lint'])}
    on:
      push:
        branches: [main, "{branch(g)}"]
    jobs:
      test:
        runs-on: ubuntu-latest
        env:
          {envvar(g)}: "{g.pick(['1', 'true', 'ci', 'test'])}"
        steps:
          - uses: actions/checkout@v4
          - run: {g.pick(['pip install -r requirements.txt', 'npm ci', 'cargo build --locked', 'go mod download'])}
          - run: {g.pick(['pytest -q', 'npm test', 'cargo test', 'go test ./...', 'make lint'])}""")


def code_compose(g) -> str:
    svc = g.pick(NOUNS) + g.pick(["-api", "-worker", "-svc", ""])
    return _author_line(g, "#") + T(f"""
    services:
      {svc}:
        build: .
        environment:
          - {envvar(g)}={g.pick(['true', 'false', '30', 'info', 'redis://cache:6379/0'])}
          - {envvar(g)}=${{{envvar(g)}}}
        depends_on: [{g.pick(['db', 'redis', 'kafka'])}]
      {g.pick(['db', 'redis', 'kafka'])}:
        image: {g.pick(['postgres:15', 'redis:7-alpine', 'bitnami/kafka:3.6', 'mysql:8'])}""")


def code_env(g) -> str:
    lines = [f"{envvar(g)}={g.pick(['true', 'false', str(g.rng.randint(1, 9000)), 'info', 'debug', hexs(g, 24), 'postgres://app:app@db:5432/app', 'eu-west-2', 'https://' + host(g)])}"
             for _ in range(g.pick([3, 4, 5, 6]))]
    if g.chance(0.2):
        lines.insert(0, g.pick(["# set up by {{author}}", "# edited by {{author}}"]))
    return "\n".join(lines)


def code_toml(g) -> str:
    return _author_line(g, "#") + T(f"""
    [project]
    name = "{slug(g)}"
    version = "{version(g)}"
    requires-python = ">=3.10"
    license = "{g.pick(['MIT', 'Apache-2.0', 'BSD-3-Clause', 'MPL-2.0', 'GPL-3.0-only', 'ISC', 'LGPL-2.1-or-later', 'Unlicense'])}"
    dependencies = ["{g.pick(PIP_NAMES)}>={version(g)}", "{g.pick(PIP_NAMES)}", "{g.pick(PIP_NAMES)}~={version(g)}"]

    [tool.{g.pick(['ruff', 'pytest.ini_options', 'mypy', 'black'])}]
    {g.pick(['line-length = 100', 'strict = true', 'addopts = "-q"', 'target-version = "py311"'])}""")


def code_requirements(g) -> str:
    pk = g.rng.sample(PIP_NAMES, g.pick([3, 4, 5, 6]))
    return "\n".join(f"{p}{g.pick(['', '==' + version(g), '>=' + version(g), '~=' + version(g)])}" for p in pk)


def code_makefile(g) -> str:
    return T(f"""
    .PHONY: test lint {g.pick(VERBS)}

    test:
    	pytest -q tests/

    lint:
    	ruff check . && mypy {g.pick(['src', 'app', 'lib'])}

    {g.pick(VERBS)}:
    	docker build -t {slug(g)}:{version(g)} .""")


def code_nginx(g) -> str:
    return T(f"""
    server {{
        listen 443 ssl;
        server_name {g.pick(WEB_WORDS)}.{g.pick(WEB_TLDS)};
        location /api/ {{
            proxy_pass http://{g.pick(HOST_WORDS)}:{g.pick(['8000', '8080', '3000', '5000'])};
            proxy_set_header {g.pick(HEADERS)} $remote_addr;
            proxy_read_timeout {g.rng.randint(5, 120)}s;
        }}
    }}""")


def code_http(g) -> str:
    method = g.pick(["GET", "POST", "PUT", "PATCH", "DELETE"])
    res = f"/api/v{g.rng.randint(1, 3)}/{g.pick(NOUNS)}s/{g.rng.randint(1, 99999)}"
    req = [f"{method} {res} HTTP/1.1", f"Host: {g.pick(WEB_WORDS)}.{g.pick(WEB_TLDS)}",
           f"Authorization: Bearer {hexs(g, 32)}", f"X-Request-Id: {{{{uuid}}}}",
           f"Content-Type: application/json", f"User-Agent: {g.pick(['curl/8.5.0', 'python-requests/2.31', 'okhttp/4.12', 'Mozilla/5.0'])}"]
    req = req[:2] + g.rng.sample(req[2:], g.pick([1, 2, 3, 4]))
    status = g.pick(["200 OK", "201 Created", "400 Bad Request", "403 Forbidden", "404 Not Found",
                     "409 Conflict", "422 Unprocessable Entity", "500 Internal Server Error",
                     "503 Service Unavailable"])
    resp = [f"HTTP/1.1 {status}", f"Content-Type: application/json",
            f"{g.pick(['X-RateLimit-Remaining', 'Retry-After', 'ETag', 'Cache-Control'])}: {g.pick(['0', '30', 'no-store', hexs(g, 8)])}",
            '{"error": "' + g.pick(["invalid_token", "not_found", "validation_failed", "timeout"]) + '", "field": "' + varname(g, "snake") + '"}']
    return "\n".join(req) + "\n\n" + "\n".join(resp)


def code_curl(g) -> str:
    return (f"curl -sS -X {g.pick(['POST', 'GET', 'PUT'])} https://{g.pick(WEB_WORDS)}.{g.pick(WEB_TLDS)}/v1/{g.pick(NOUNS)}s \\\n"
            f"  -H '{g.pick(HEADERS)}: {hexs(g, 12)}' \\\n  -H 'Content-Type: application/json' \\\n"
            f"  -d '{{\"{varname(g, 'snake')}\": {g.rng.randint(1, 500)}, \"{varname(g, 'snake')}\": \"{g.pick(STATUSES).lower()}\"}}'")


_LOG_MSGS = [
    lambda g: f"processed {g.rng.randint(1, 9999)} {g.pick(NOUNS)}s in {g.rng.randint(3, 4000)}ms",
    lambda g: f"cache miss key={g.pick(NOUNS)}:{g.rng.randint(1, 99999)}",
    lambda g: f"retrying {funcname(g)} (attempt {g.rng.randint(1, 5)}/5)",
    lambda g: f"connection to {host(g)}:{g.pick(['5432', '6379', '9092', '443'])} refused",
    lambda g: f"user {{{{veil_person}}}} logged in from {{{{ip}}}}",
    lambda g: f"job {slug(g)} finished status={g.pick(['ok', 'failed', 'skipped'])}",
    lambda g: f"slow query {g.rng.randint(500, 9000)}ms: SELECT * FROM {g.pick(NOUNS)}s WHERE id = $1",
    lambda g: f"feature flag {const(g)} enabled for tenant {g.rng.randint(1, 999)}",
    lambda g: f"deprecated config key '{varname(g, 'snake')}', use '{varname(g, 'snake')}'",
    lambda g: f"{classname(g)}.{funcname(g, 'camel')} threw {g.pick(EXCEPTIONS_JAVA)}",
    lambda g: f"GET /api/{g.pick(NOUNS)}s/{g.rng.randint(1, 9999)} {g.pick(['200', '404', '500', '302'])} {g.rng.randint(1, 900)}ms",
    lambda g: f"rate limit exceeded for client {hexs(g, 8)}",
    lambda g: f"scheduled {funcname(g, 'snake')} every {g.rng.randint(1, 60)}m",
    lambda g: f"{g.pick(PACKAGES)} version {version(g)} loaded",
    lambda g: f"payment {{{{uuid}}}} declined: {g.pick(['insufficient_funds', 'card_expired', 'do_not_honor'])}",
    lambda g: f"shutting down {g.pick(HOST_WORDS)} worker pid={g.rng.randint(100, 65000)}",
    lambda g: f"migrating {g.pick(NOUNS)}s: {g.rng.randint(1, 100)}%",
    lambda g: f"{envvar(g)} not set, falling back to default",
    lambda g: f"webhook delivered to https://{g.pick(WEB_WORDS)}.{g.pick(WEB_TLDS)}/hooks/{hexs(g, 6)}",
]


def build_logs(g) -> str:
    style = g.pick(["plain", "bracket", "logfmt", "json", "syslog", "python"])
    lines = []
    svc = g.pick(HOST_WORDS)
    for _ in range(g.pick([2, 3, 3]) if style == "json" else g.pick([2, 3, 4, 5, 6])):
        lvl = g.pick(["INFO", "WARN", "ERROR", "DEBUG", "INFO", "INFO"])
        msg = g.pick(_LOG_MSGS)(g)
        if style == "plain":
            lines.append(f"{{{{ts}}}} {lvl} {svc} {msg}")
        elif style == "bracket":
            lines.append(f"[{{{{ts}}}}] [{lvl}] [{classname(g)}] {msg}")
        elif style == "logfmt":
            lines.append(f"time={{{{ts}}}} level={lvl.lower()} svc={svc} msg=\"{msg}\"")
        elif style == "json":
            lines.append('{"ts": "{{ts}}", "level": "' + lvl.lower() + '", "logger": "'
                         + f"{g.pick(NOUNS)}.{g.pick(NOUNS)}" + '", "msg": "' + msg.replace('"', "'") + '"}')
        elif style == "syslog":
            lines.append(f"{g.pick(['Jan', 'Feb', 'Mar', 'Oct', 'Nov'])} {g.rng.randint(1, 28)} "
                         f"{g.rng.randint(0, 23):02d}:{g.rng.randint(0, 59):02d}:{g.rng.randint(0, 59):02d} "
                         f"{g.pick(HOST_WORDS)}-{g.rng.randint(1, 9)} {svc}[{g.rng.randint(100, 9999)}]: {msg}")
        else:
            lines.append(f"{lvl}:{g.pick(NOUNS)}.{g.pick(NOUNS)}:{msg}")
    if g.chance(0.2):
        lines.append(g.pick([f"{{{{ts}}}} INFO {svc} rollout requested by {{{{author}}}}",
                             f"{{{{ts}}}} WARN {svc} flags toggled by {{{{author}}}}"]))
    return "\n".join(lines)


def build_stack(g) -> str:
    kind = g.pick(["py", "java", "node", "go"])
    if kind == "py":
        frames = [f'  File "/srv/{path(g, "py")}", line {g.rng.randint(5, 900)}, in {funcname(g, "snake")}\n    {varname(g, "snake")} = {funcname(g, "snake")}({varname(g, "snake")})'
                  for _ in range(g.pick([1, 2, 3]))]
        return "Traceback (most recent call last):\n" + "\n".join(frames) + \
            f"\n{g.pick(EXCEPTIONS_PY)}: {g.pick(['invalid literal for int()', 'expected str, got NoneType', repr(g.pick(NOUNS) + '_id'), 'connection reset by peer', 'timed out'])}"
    if kind == "java":
        pkg = f"com.{g.pick(WEB_WORDS).replace('-', '')}.{g.pick(NOUNS)}"
        frames = []
        for _ in range(g.pick([2, 3, 4])):
            c = classname(g)
            frames.append(f"\tat {pkg}.{c}.{funcname(g, 'camel')}({c}.java:{g.rng.randint(10, 500)})")
        return f"Exception in thread \"{g.pick(['main', 'pool-1-thread-3', 'http-nio-8080-exec-2'])}\" java.lang.{g.pick(EXCEPTIONS_JAVA)}: {g.pick(['null', 'Invalid id', 'Timeout after 30s'])}\n" + "\n".join(frames)
    if kind == "node":
        frames = [f"    at {funcname(g, 'camel')} (/app/{path(g, 'js')}:{g.rng.randint(1, 400)}:{g.rng.randint(1, 80)})"
                  for _ in range(g.pick([2, 3]))]
        return f"TypeError: Cannot read properties of undefined (reading '{varname(g, 'camel')}')\n" + "\n".join(frames)
    return (f"panic: runtime error: invalid memory address or nil pointer dereference\n"
            f"goroutine {g.rng.randint(1, 300)} [running]:\n"
            f"main.({pascal(ident_words(g, 1))}Service).{pascal([g.pick(VERBS)] + ident_words(g, 1))}(...)\n"
            f"\t/src/{path(g, 'go')}:{g.rng.randint(10, 400)} +0x{hexs(g, 3)}")


def build_diff(g) -> str:
    f = path(g)
    old, new = varname(g), varname(g)
    lines = [f"diff --git a/{f} b/{f}", f"--- a/{f}", f"+++ b/{f}",
             f"@@ -{g.rng.randint(1, 300)},7 +{g.rng.randint(1, 300)},8 @@ {g.pick(['def', 'func', 'class', 'function'])} {funcname(g)}",
             f"-    {old} = {funcname(g)}({varname(g)})",
             f"+    {new} = {funcname(g)}({varname(g)}, timeout={g.rng.randint(1, 60)})",
             f"+    if not {new}:", f"+        return None"]
    if g.chance(0.3):
        lines.insert(4, g.pick(["+# signed off: {{author}}", "+    # {{author}}: keep in sync with the API"]))
    return "\n".join(lines)


def build_git(g) -> str:
    lines = []
    for _ in range(g.pick([3, 4, 5])):
        lines.append(f"{hexs(g, 7)} {g.pick(['Fix', 'Add', 'Refactor', 'Remove', 'Bump', 'Update', 'Revert'])} "
                     f"{g.pick([classname(g), funcname(g), g.pick(PACKAGES), const(g)])}"
                     f"{g.pick(['', ' (#' + str(g.rng.randint(10, 9999)) + ')', ' tests', ' docs'])}")
    head = g.pick(["$ git log --oneline -5", "$ git log --oneline", "> git log --oneline"])
    out = [head] + lines
    if g.chance(0.4):
        out += ["$ git branch", f"  main", f"* {branch(g)}", f"  {branch(g)}"]
    if g.chance(0.25):
        out += ["$ git log -1 --format='%an <%ae>'", "{{author:q}} <{{email:q}}>"]
    return "\n".join(out)


def build_shell(g) -> str:
    kind = g.pick(["pip", "npm", "cargo", "docker", "pytest", "jest", "tsc", "kubectl"])
    if kind == "pip":
        p = g.pick(PIP_NAMES)
        return T(f"""
        $ pip install {p}=={version(g)}
        Collecting {p}=={version(g)}
          Downloading {p.replace('-', '_')}-{version(g)}-py3-none-any.whl (1{g.rng.randint(0, 99)} kB)
        ERROR: Cannot install {p} because these package versions have conflicting dependencies.""")
    if kind == "npm":
        p = g.pick(NPM_NAMES)
        return T(f"""
        $ npm install {p}
        npm ERR! code ERESOLVE
        npm ERR! While resolving: {slug(g)}@{version(g)}
        npm ERR! Found: {g.pick(NPM_NAMES)}@{version(g)}
        npm ERR! Could not resolve dependency: peer {p}@"^{g.rng.randint(1, 19)}.0.0\"""")
    if kind == "cargo":
        return T(f"""
        $ cargo build
           Compiling {slug(g)} v{version(g)}
        error[E0382]: borrow of moved value: `{varname(g, 'snake')}`
          --> {path(g, 'rs')}:{g.rng.randint(5, 300)}:{g.rng.randint(1, 40)}""")
    if kind == "docker":
        return T(f"""
        $ docker compose up {g.pick(NOUNS)}
        [+] Running 2/2
         ✔ Container {slug(g)}-db-1  Started
        {g.pick(NOUNS)}-1  | {g.pick(EXCEPTIONS_PY)}: {envvar(g)} is not set
        {g.pick(NOUNS)}-1 exited with code 1""")
    if kind == "pytest":
        t = "test_" + funcname(g, "snake")
        return T(f"""
        $ pytest -q tests/test_{g.pick(NOUNS)}.py
        F.. [100%]
        FAILED tests/test_{g.pick(NOUNS)}.py::{t} - AssertionError: assert {g.rng.randint(0, 9)} == {g.rng.randint(10, 99)}
        1 failed, 2 passed in {g.rng.randint(1, 9)}.{g.rng.randint(10, 99)}s""")
    if kind == "jest":
        return T(f"""
        FAIL src/{g.pick(NOUNS)}/{pascal(ident_words(g, 1))}.test.tsx
          ● {pascal(ident_words(g, 1))} › {g.pick(['renders', 'handles', 'submits'])} {g.pick(NOUNS)}
            expect(received).toBe(expected)
            Expected: "{g.pick(STATUSES)}"
            Received: undefined""")
    if kind == "tsc":
        return (f"{path(g, 'ts')}({g.rng.randint(1, 300)},{g.rng.randint(1, 60)}): error TS2339: "
                f"Property '{varname(g, 'camel')}' does not exist on type '{classname(g)}'.")
    return T(f"""
    $ kubectl get events -n {g.pick(NOUNS)}s --sort-by=.lastTimestamp | tail -3
    {g.rng.randint(1, 59)}m  Warning  BackOff     pod/{slug(g)}-{hexs(g, 5)}  Back-off restarting failed container
    {g.rng.randint(1, 59)}m  Normal   Pulled      pod/{slug(g)}-{hexs(g, 5)}  Container image "{g.pick(NOUNS)}:{version(g)}" already present
    {g.rng.randint(1, 59)}m  Warning  Unhealthy   pod/{slug(g)}-{hexs(g, 5)}  Readiness probe failed: HTTP probe failed with statuscode: 503""")


def build_config(g) -> str:
    return g.pick([code_env, code_toml, code_compose, code_yaml_ci, code_nginx, code_requirements,
                   code_makefile])(g)


def build_readme(g) -> str:
    pkg = slug(g)
    return T(f"""
    # {pkg}

    ## {g.pick(['Overview', 'Summary', 'About'])}
    {_cap(g.pick(VERBS))}s {g.pick(NOUNS)}s for the {classname(g)}. Built with {g.pick(PACKAGES)} and {g.pick(PACKAGES)}.

    ## Installation
    pip install {pkg}

    ## Usage
    Set `{envvar(g)}` and run `{pkg} --{g.pick(VERBS)}`.

    ## {g.pick(['License', 'Contributing', 'Next Steps', 'Known Issues'])}
    {g.pick(['MIT', 'See CONTRIBUTING.md', 'Open an issue first.', 'None yet.'])}""")


def build_code(g) -> str:
    return g.pick([code_python, code_python, code_py_class, code_js, code_js, code_react,
                   code_java, code_go, code_rust, code_csharp, code_ruby, code_sql, code_sql])(g)


def build_anytech(g) -> str:
    return g.pick([build_code, build_code, build_code, build_logs, build_logs, build_stack,
                   build_diff, build_git, build_shell, build_shell, build_config, build_config,
                   code_http, code_curl, build_readme])(g)


BUILDERS = {
    "plist": build_plist, "olist": build_olist, "loclist": build_loclist, "table": build_table,
    "json": build_json, "sig": build_sig, "code": build_code, "logs": build_logs,
    "stack": build_stack, "diff": build_diff, "git": build_git, "shell": build_shell,
    "config": build_config, "http": code_http, "curl": code_curl, "readme": build_readme,
    "anytech": build_anytech, "sql": code_sql,
}


# =============================================================================================
# Fragments: {{@name}} / {{@name:v}} (V is the fragment's person variable)
# =============================================================================================

FRAGMENTS = {
    # A greeting to person a (the body may mention a again).
    "hi": [
        "Hi {{person.first:a}},", "Hello {{person.first:a}},", "Dear {{person.title:a}},",
        "Dear {{person.full:a}},", "Hey {{person.first:a}},", "{{person.first:a}} -",
        "Good morning {{person.first:a}},", "Hi {{person.first:a}} and {{person.first:b}},",
        "Dear {{person.dr:a}},", "Hi all,", "Hello team,", "Dear Sir or Madam,",
        "To whom it may concern,", "Morning,", "Dear {{person.title_full:a}},",
        "Hi {{person.first:a}}!", "{{person.first:a}},", "Hello {{person.full:a}},",
        "Good afternoon {{person.title:a}},", "Hiya {{person.first:a}},",
    ],
    # A person, often with a role, department, organisation or city around the name.
    "who": [
        "{{person.full:V}}", "{{person.full:V}}", "{{person:V}}", "{{person.title:V}}",
        "{{person.full:V}} from {{org}}", "{{person.full:V}} ({{role}})",
        "{{role}} {{person.full:V}}", "{{person.full:V}}, {{role}} at {{company}},",
        "{{person.first:V}} in {{dept}}", "{{company}}'s {{person.full:V}}",
        "{{person.first:V}} (based in {{city}})", "{{person.full:V}} of {{org}}",
        "our {{role}}, {{person.full:V}},", "{{person.full:V}} ({{company}}, {{city}})",
        "{{person.mi:V}}", "{{person.first:V}} from the {{city}} office",
        "{{person.full:V}} at {{employer}}", "{{person.first_li:V}}", "{{person.title_full:V}}",
        "{{role}} {{person.title:V}}", "{{person.full:V}} - {{jobtitle}} -",
    ],
    # Where something is.
    "where": [
        "in {{city}}", "in {{city}}, {{country}}", "at our {{city}} office", "based in {{city}}",
        "headquartered in {{city}}", "out of {{city}}", "near {{city}}", "at {{address}}",
        "in {{state}}", "across {{country}}", "in the {{city}} area",
        "at the {{city}} site", "over in {{country}}", "in downtown {{city}}",
        "on the {{city}} campus", "up in {{city}}", "just outside {{city}}",
    ],
    # An organisation, sometimes with its location.
    "orgref": [
        "{{org}}", "{{company}}", "{{company}} ({{city}})", "{{company}}, based in {{city}},",
        "{{startup}}", "{{org}} in {{city}}", "the team at {{company}}", "{{company}} of {{country}}",
        "{{lawfirm}}", "{{company}}, headquartered in {{city}},", "{{employer}}", "{{supplier}}",
    ],
    "ask": [
        "Can you", "Could you", "Would you", "Can u", "Please could you", "Could you please",
        "Are you able to", "I need you to", "Quick favour: can you", "Mind helping me",
    ],
    "do": ["Please", "Pls", "Kindly", "", "Now", "Also,", "Next,"],
    "hdr": [
        "Summary", "## Summary", "Background", "Next Steps", "**Action items**", "### Notes",
        "Decisions:", "Risks:", "Key points", "TL;DR", "Follow-ups", "Update", "Context:",
        "== Notes ==", "Highlights", "Open questions",
    ],
    "ask_code": [
        "Why does this fail?", "What's wrong here?", "Can you refactor this?",
        "Explain what this does.", "Add error handling please.", "How do I make this faster?",
        "Is this thread-safe?", "Write tests for this.", "Convert this to {{lang}}.",
        "Any security issues?", "Review this before I merge.", "Why is CI red?",
        "What does this log mean?", "Help me debug this.", "Simplify this, please.",
        "Add docstrings.", "Document this function.", "Where is the bug?",
        "Is {{package}} the right tool here?", "How do I silence this warning?",
    ],
}

# Clauses (each a statement with entities in a different position), openers, joiners and
# requests: {{@story}} combines 2-3 clauses, so the number of distinct frames multiplies.
FRAGMENTS["clause"] = [
    "{{@who:V}} [[is moving|relocated|was transferred]] to {{city}}",
    "{{@orgref}} [[opened|closed|is expanding]] its office {{@where}}",
    "{{person.poss:V}} [[contract|visa|invoice]] with {{company}} [[expires|was renewed]] on {{date}}",
    "I [[met|spoke with|emailed]] {{@who:V}} [[yesterday|last {{weekday}}|this morning]]",
    "{{company}} [[hired|promoted|let go of]] {{person.full:V}}",
    "We [[owe|invoiced]] {{@orgref}} {{amount}}",
    "The {{city}} [[team|branch|warehouse]] [[is short-staffed|missed the deadline|needs a new lead]]",
    "{{person.first:V}} [[can't make it|will join remotely|is on leave until {{weekday}}]]",
    "{{org}} [[wants|asked for]] a [[quote|demo|call]] with {{person.title:V}}",
    "The [[courier|driver]] left the parcel at {{address}}",
    "According to {{person.full:V}}, {{company}} [[is being acquired|cut prices|changed banks]]",
    "{{city}} is [[two hours|a short flight]] from {{city}}, so {{person.first:V}} can drive",
    "Our contact at {{org}} is {{person.full:V}} ({{role}})",
    "{{role}} {{person.full:V}} [[signed off|raised concerns|is on holiday]]",
    "{{person.full:V}}, {{role}} of {{company}}, [[called|wrote|stopped by]]",
    "Shipping to {{country}} via {{supplier}} [[takes a week|is delayed]]",
    "{{person.formal:V}} is listed as the [[account holder|next of kin|guarantor]]",
    "The invoice from {{lawfirm}} is addressed to {{person.full:V}}",
    "{{bank}} [[froze|reopened|flagged]] the {{company}} account",
    "{{person.first:V}} and {{person.first:W}} [[share an office|are flying out]] {{@where}}",
    "Nobody at {{org}} has replied since {{weekday}}",
    "{{hospital}} moved {{person.poss:V}} appointment to {{date}}",
    "{{startup}} [[raised a round|launched]] {{@where}}",
    "{{person.full:V}} left {{employer}} for {{company}}",
    "Last {{month}}, {{person.first:V}} visited {{org}} {{@where}}",
    "The {{dept}} lead, {{person.full:V}}, wants a summary by {{weekday}}",
    "{{person.upper:V}} is [[on the guest list|flagged in the system]]",
    "Deliveries for {{company}} go to {{address}}",
    "The [[conference|summit|workshop]] at {{hotel}} in {{city}} starts {{date}}",
    "{{person.first_li:V}} [[from|at]] {{company}} [[approved|rejected]] the quote",
    "I'm [[based|staying]] in {{city}} until {{month}}",
    "{{agency}} [[sent a letter|asked for documents]] about {{person.poss:V}} case",
    "{{person.title:V}} [[prefers|insists on]] meeting at {{org}}",
    "Everyone except {{person.first:V}} is [[in|flying to]] {{city}}",
    "{{school}} [[accepted|rejected]] {{person.poss:V}} application",
    "{{company}} is [[headquartered|registered]] in {{city}}, {{country}}",
]
FRAGMENTS["open"] = [
    "", "", "", "Context: ", "FYI ", "So, ", "Update: ", "Heads up - ", "Background: ",
    "From the call: ", "In short: ", "Status: ", "Note: ", "Okay. ", "Right, ", "News: ",
    "For the record, ", "ok ",
]
FRAGMENTS["join"] = [". ", ". ", ".\n", "! ", " - ", "; ", ". Also, ", ". Meanwhile: "]
FRAGMENTS["req"] = [
    "Can you draft a reply?", "Summarize this.", "What should I do?", "Make this more formal.",
    "Turn this into bullet points.", "Write a short update for the team.", "Any risks here?",
    "Draft an email to {{person.first:Z}} about it.", "Is anything missing?", "Explain the next step.",
    "Rewrite for a newsletter.", "Who should I call first?", "Put this in a table.",
    "Translate to Spanish.", "Write it as a Slack message.", "",
]
FRAGMENTS["story"] = [
    "{{@open}}{{@clause:s1}}{{@join}}{{@clause:s2}}. {{@req}}",
    "{{@open}}{{@clause:s1}}{{@join}}{{@clause:s2}}{{@join}}{{@clause:s3}}. {{@req}}",
    "{{@req}}\n{{@clause:s1}}{{@join}}{{@clause:s2}}.",
    "{{@clause:s1}}.\n{{@clause:s2}}.\n{{@clause:s3}}.\n{{@req}}",
    "- {{@clause:s1}}\n- {{@clause:s2}}\n- {{@clause:s3}}\n{{@req}}",
]

# Extra train signatures for the {{signature}} macro (the synth.py train ones stay in use).
SIGNATURES = [
    "{{@sig}}", "{{@sig}}", "{{@sig}}", "{{@sig}}",
    T("""
    Thanks so much,
    {{person.first:s}}
    --
    {{person.full:s}} | {{role}} | {{startup}}
    {{web}}"""),
    T("""
    Best,
    {{person.full:s}}
    {{jobtitle}}
    {{employer}}
    {{address_ml}}"""),
]

# =============================================================================================
# Train templates per domain (added to the synth.py train templates)
# =============================================================================================

TEMPLATES: dict[str, list[str]] = {}

TEMPLATES["chat"] = [
    "{{@story}}",
    "{{@story}}",
    "{{person.first:a}} [[keeps asking|asked me|wants to know]] whether {{org}} [[is hiring|still has an office]] in {{city}}. [[How do I find out?|What should I tell [[her|him|them]]?|Any idea?]]",
    "[[ok so|so|btw]] {{person.first:a}} and I [[are driving|are taking the train|want to fly]] from {{city}} to {{city}} [[next month|in {{month}}|this weekend]]. [[Best route?|Where should we stop?|Is it worth it?]]",
    "What do you know about {{company}}? {{person.full:a}}, [[their|the]] {{role}}, [[reached out to me|messaged me|wants to set up a call]].",
    "Write a short toast for {{person.poss:a}} [[wedding|retirement party|50th birthday]]. [[She|He|They]] grew up in {{place}} and spent [[20|15|30]] years at {{employer}}.",
    "I need a cover letter for a role at {{company}} in {{city}}. My background: [[five|three|ten]] years at {{employer}}, degree from {{school}}.",
    "Is it rude to cc {{person.full:a}} when I reply to {{person.first:b}}? [[Both|They both]] work at {{org}}.",
    "Help me plan a surprise for {{person.first:a}}: [[dinner|a weekend away|a picnic]] in {{city}}, {{country}}, around {{date}}.",
    "Tell me about [[the history of|things to do in|the weather in]] {{city}}. My [[cousin|aunt|friend|colleague]] {{person.full:a}} just moved there [[for work|from {{place}}]].",
    "Explain like I'm five: why did {{company}} [[buy|merge with|sue]] {{company}}?",
    "Make this sound more confident: \"Hi, I'm {{person.full:a}}, and I [[lead|run|manage]] {{dept}} at {{employer}}.\"",
    "{{person.full:a}} vs {{person.full:b}} for [[team lead|the {{city}} role|the promotion]] - help me write a fair comparison.",
    "reply to my [[landlord|neighbour|coach]] {{person.first:a}}: [[sorry for the noise|the rent is coming on {{weekday}}|yes the heating in the {{city}} flat is broken again]]",
    "Create a packing list for a trip to {{place}}. [[I'm|We're]] visiting {{person.first:a}}[[ and {{person.first:b}}]] [[for a week|over {{month}}|for the holidays]].",
    T("""
    User: who founded {{company}}?
    Assistant: I don't have reliable details on that company.
    User: ok, then draft an intro email to {{person.full:a}}, their [[head of sales|founder|{{role}}]], based in {{city}}"""),
    "Give me 3 subject lines for an email to {{person.title:a}} at {{org}} about [[the overdue invoice|our {{city}} event|a partnership]].",
    "Can you fix the grammar? '{{person.first:a}} and me went to {{city}} to visit {{org}} headquarters yesterday.'",
    "[[lol|haha|ugh]] {{person.first:a}} just told me {{company}} is moving [[their HQ|everyone]] to {{city}}. is that true??",
    "Write a haiku about {{city}} for {{person.first:a}}.",
    "Summarize the plot of my novel: {{person.full:a}}, a [[nurse|detective|baker]] from {{city}}, discovers [[her|his|their]] [[sister|mentor]] {{person.full:b}} works for {{org}}.",
    "{{@plist}}\nThese are my [[wedding guests|team|book club]]. Sort them alphabetically by surname.",
    "Which is closer to {{city}}: {{city}} or {{city}}? {{person.first:a}} says the first one.",
    "Roleplay: you are a [[recruiter|travel agent|tour guide]] at {{org}} and I'm {{person.full:a}} [[from {{city}}|asking about jobs]].",
    "Draft a condolence message to {{person.full:a}}. [[Her|His|Their]] [[father|mother|partner]], {{person.full:b}}, passed away in {{city}} last {{weekday}}.",
    "Recommend restaurants near {{address}} for dinner with {{person.first:a}} on {{weekday}}.",
    "I'm {{person.full:a}}, a student at {{school}}. [[Can you help me prepare for|Help me practise for]] an interview with {{company}}?",
    "Turn this into a post: Proud of {{person.full:a}} and the {{dept}} team at {{employer}} for [[shipping {{product}}|opening our {{city}} office]]!",
    "Is {{org}} legit? Someone called {{person.full:a}} [[emailed|texted|rang]] me saying I won a prize and need to pay {{amount}}.",
    "translate to French: \"{{person.first:a}} will pick you up at the {{city}} airport on {{weekday}}.\"",
    "What's the time difference between {{city}} and {{city}}? I have a call with {{person.title:a}} at {{time}}.",
    "Rewrite my bio in third person: I'm {{person.full:a}}. I [[grew up in|was born in]] {{place}}, [[studied at|graduated from]] {{school}}, and now [[work at|run marketing for]] {{employer}}.",
    "Help me answer {{person.poss:a}} question: does {{company}} ship to {{country}}?",
    T("""
    {{person.first:a}}: [[are we still on for {{weekday}}|did you book the {{hotel}}|did {{org}} get back to you]]?
    me: not sure yet
    how do I reply politely?"""),
    "Explain the difference between {{bank}} and {{bank}} accounts to my [[dad|mum|grandma]], {{person.full:a}}, who lives in {{city}}.",
    "Write a limerick about {{person.first:a}} from {{city}} who [[loves|hates]] {{product}}.",
    "My manager, {{person.full:a}}, asked me to [[present at|represent us at]] the {{org}} conference in {{city}}. How do I prepare?",
    "Please proofread: \"On behalf of {{company}}, I'd like to welcome {{person.title:a}} to our {{city}} office.\"",
    "{{@ask}} list famous landmarks in {{city}}? {{person.first:a}} and I [[have two days|land on {{weekday}}]].",
    "{{person.upper:a}} WAS MY [[MENTOR|NEIGHBOUR|BOSS]] AT {{employer.upper}} - help me write a reference.",
    "[[Thoughts?|Opinion?]] {{person.full:a}} (ex-{{company}}) [[wants to|plans to]] open a [[bakery|clinic|studio]] in {{city}}.",
    "{{@ask}} [[draft|write]] a [[note|message|reply]] to {{@who:a}} about [[the {{product}} rollout|the move {{@where}}|the invoice from {{@orgref}}]]?",
    "{{@who:a}} [[said|mentioned|thinks]] {{@orgref}} [[is opening|might close|is hiring]] {{@where}}. {{@ask}} check if that's plausible?",
    "[[Settle an argument:|Quick one:]] is {{city}} in {{country}} or {{country}}? {{person.first:a}} bet me a coffee.",
    "{{city}} or {{city}} for a [[honeymoon|team offsite|long weekend]]? {{person.first:a}} [[prefers|hates]] crowds.",
    "Write a birthday card from all of us to {{person.first:a}}:\n{{@plist}}",
    "Need a nickname for our group chat ({{person.first:a}}, {{person.first:b}}, {{person.first:c}}) - we all met at {{school}}.",
    "my sister {{person.first:a}} got into {{school}} and {{school}}, which one is better for [[law|medicine|engineering]]?",
]

TEMPLATES["support"] = [
    "{{@story}}",
    "Ticket {{ticket}}: {{@story}}",
    T("""
    [[Ticket|Case|Request]] {{ticket}}
    Customer: {{person.full:a}}
    Company: {{company}}
    Location: {{city}}, {{country}}
    Issue: {{product}} [[login loop|export fails|licence not applied|sync stuck]]
    [[Agent|Assigned to]]: {{person.first:b}}"""),
    "{{person.first:a}} from {{company}} [[called in|wrote in|opened a chat]] because [[their invoices|the {{product}} integration|SSO]] [[stopped working|broke]] after the {{weekday}} update.",
    T("""
    Chat transcript:
    [{{time}}] {{person.first:a}}: hi, my order {{order}} [[never arrived|is damaged|is missing an item]]
    [{{time}}] Agent {{person.first:b}}: sorry about that! can you confirm the shipping address?
    [{{time}}] {{person.first:a}}: {{address}}
    Write a summary for the ticket."""),
    T("""
    Ship to:
    {{person.full:a}}
    [[{{company}}
    ]]{{address_ml}}

    The label printed without the company line. Is the address above valid?"""),
    "Please draft an apology to {{person.title:a}}. We [[sent the replacement|charged the card]] twice, and [[her|his|their]] {{city}} store had to [[close early|wait three days]].",
    "[[Escalation|Complaint]] from {{org}}: {{person.full:a}} ({{role}}) says our technician {{person.full:b}} [[missed|was late to]] the visit at {{address}}.",
    "Customer is asking for an invoice addressed to {{company}}, attention {{person.formal:a}}, billing address {{address}}. Can you generate it?",
    T("""
    From the support inbox:
    > Hi, this is {{person.full:a}} at {{company}}. [[Our|The]] {{product}} [[seats|licences]] were renewed but still show expired.
    Draft a reply [[asking for the account ID|explaining the fix]]."""),
    T("""
    Categorize these tickets:
    1. {{person.first:a}} ({{city}}): password reset
    2. {{company}}: duplicate charge {{amount}}
    3. {{person.full:b}}: shipping to {{country}}"""),
    "[[Warranty claim|RMA request]] {{order}}: device bought at {{org}} in {{city}} by {{person.full:a}}. [[Serial|S/N]] {{hex}}. Is it still covered?",
    "Agent notes: spoke to {{person.poss:a}} assistant, {{person.full:b}}. They want the {{product}} demo moved to {{weekday}} at their {{city}} office.",
    "The customer, {{person.full:a}}, [[wants to|asked to]] change the delivery address from {{address}} to [[her|his|their]] office at {{company}}.",
    "Summarize this thread for the handover to {{person.first:a}}: {{company}} reported {{cident}} errors on {{weekday}}, {{person.full:b}} from our {{city}} team patched it, [[customer confirmed|awaiting confirmation]].",
    T("""
    | Ticket | Requester | Org | Status |
    |---|---|---|---|
    | {{ticket}} | {{person.full:a}} | {{company}} | {{status}} |
    | {{ticket}} | {{person.formal:b}} | {{org}} | {{status}} |
    Which one should I pick up first?"""),
    "Hi, I bought a {{product}} licence through {{company}} (reseller in {{city}}) and the key doesn't work. - {{person.first:a}}",
    "Refund approved by {{person.initial:a}} for {{person.full:b}}, {{amount}}, order {{order}}. Send confirmation to {{email:b}}.",
    "Translate this customer message to English and summarize: \"Hola, soy {{person.full:a}}, de {{city}}. Mi pedido {{order}} no ha llegado.\"",
    "Rewrite this macro so it sounds less robotic: 'Dear {{person.first:a}}, we have received your request regarding {{product}}. A member of the {{dept}} team will respond within 2 business days.'",
    "Priority customer alert: {{company}} ({{city}}) - contact {{person.full:a}}, {{phone}}. Outage impacts [[their checkout|all {{product}} users]].",
    T("""
    Calls today:
    - {{time}} {{person.full:a}}, {{company}}, billing
    - {{time}} {{person.full:b}}, {{org}}, cancellation
    - {{time}} {{veil_person}}, [[shipping|returns]]
    Who needs a callback?"""),
    "Need a polite way to tell {{person.first:a}} that {{org}} [[isn't eligible for|won't get]] the discount because they're outside {{country}}.",
    "Courier update: parcel for {{person.full:a}} held at the {{city}} depot. Recipient address on file: {{address}}.",
    T("""
    Subject: [{{ticket}}] {{product}} not loading
    Requester: {{person.mi:a}} <{{email:a}}>
    Org: {{company}}
    Hi, since {{weekday}} the dashboard spins forever. Our office is in {{city}}."""),
    "What's the best first response to {{person.full:a}}? [[She|He|They]] wrote: 'third time I'm contacting {{company}} about this!!'",
    "Our reseller {{company}} in {{country}} keeps sending tickets on behalf of {{person.full:a}}. Should we create a separate account?",
    "{{person.full:a}} (account admin) authorized {{person.full:b}} to manage the {{org}} subscription. Update the record and notify both.",
    "Survey comment from {{person.first:a}} in {{city}}: 'Agent {{person.first:b}} was brilliant.' Write a shout-out for the team channel.",
    "Can I share {{person.poss:a}} phone number ({{phone}}) with {{company}} without consent? They're our delivery partner in {{city}}.",
    "Internal: {{person.full:a}} is leaving {{company}}; new admin contact is {{person.full:b}} starting {{date}}.",
    "Complaint: the {{hotel}} in {{city}} cancelled my booking without notice. Booking under {{person.formal:a}}, reference {{order}}.",
    "{{@plist}}\nThese customers were affected by the {{weekday}} outage. Draft one email template I can send to each.",
    "Help me triage: 'Hello, {{person.first:a}} here. Since moving from {{city}} to {{city}} I can't update my address in {{product}}.'",
    "Customer {{veil_person}} (formerly at {{company}}) wants their data deleted. Which teams at {{org}} do we notify?",
    "Chargeback from {{bank}} for order {{order}}; cardholder {{person.upper:a}} says the goods never reached {{city}}.",
    "New ticket: {{company.upper}} - {{person.full:a}} - URGENT - printers offline at the {{city}} branch",
    "We promised {{person.title:a}} a callback by {{time}}. [[Draft the message|What should I say]] if the {{org}} engineer hasn't replied?",
    "@{{person.first:a}} can you take the {{company}} ticket? {{person.first:b}} is out until {{weekday}}.",
    "Returns desk: item received from {{person.full:a}}, {{address}}. Refund to original card ending {{last4}}.",
    "Is this phishing? 'Dear customer, {{org}} security team here. Verify your account at our {{city}} portal. Regards, {{person.full:a}}'",
    "Create a FAQ answer: can customers in {{country}} buy from {{company}}? (asked by {{person.first:a}} and {{person.first:b}})",
    "{{@who:a}} reports that {{product2}} [[won't load|logs them out|shows the wrong currency]] {{@where}}. {{@ask}} suggest next steps?",
    T("""
    Deliver to: {{person.title_full:a}}
    c/o {{company}}
    {{address_ml}}
    Tracking {{order}} shows 'address incomplete'. What's missing?"""),
    "Hi there, {{person.caps_formal:a}} here (account {{num}}). I moved to {{city}} - please update my profile.",
]

TEMPLATES["email"] = [
    T("""
    {{@hi}}

    [[Following up on|Circling back on|Just checking on]] [[the proposal|our call|the {{city}} visit]]. {{company}} [[has approved the budget|is ready to sign|needs one more week]].

    {{@sig}}"""),
    T("""
    {{@hi}}

    I'm {{person.full:b}}, {{role}} at {{company}}. {{person.full:c}} suggested I reach out about [[your work on {{product}}|the opening in {{city}}|a possible partnership with {{org}}]].

    {{@sig}}"""),
    T("""
    Subject: [[Visit|Trip|Workshop]] to {{city}} - {{date}}

    {{@hi}}
    Flights are booked for {{person.first:b}} and me. We'll stay at the {{hotel}} and meet {{org}} on {{weekday}} morning.

    {{@sig}}"""),
    T("""
    From: {{person.full:a}} <{{email:a}}>
    Sent: {{weekday}}, {{date}} {{time}}
    Subject: RE: [[contract|renewal|onboarding]]

    [[Thanks|Noted]] - [[I'll|we'll]] loop in {{person.full:b}} from {{org}}.

    Can you summarise this thread?"""),
    T("""
    {{@hi}}

    Welcome to {{company}}! Your first day is {{weekday}}, {{date}}. Please come to {{address}} and ask for {{person.full:b}} at reception.

    {{@sig}}"""),
    T("""
    {{@hi}}

    Quick intro: {{person.full:b}} at {{org}}, meet {{person.full:c}} at {{company}}. [[You're both working on|You both care about]] {{product}} adoption in {{place}}.

    {{@sig}}"""),
    "Write a polite email to {{person.title:a}} declining [[the job offer from|the invitation to speak at]] {{org}}. Mention I've accepted a role [[at {{employer}}|in {{city}}]].",
    T("""
    {{@hi}}

    Please update our records: {{company}} has moved to
    {{address_ml}}
    Effective {{date}}.

    {{@sig}}"""),
    T("""
    On {{date}}, {{person.full:a}} <{{email:a}}> wrote:
    > Can {{company}} deliver to the {{city}} warehouse by {{weekday}}?
    > Thanks, {{person.first:a}}

    Draft my reply: yes, but only if {{org}} confirms the slot."""),
    T("""
    {{@hi}}

    Attached are the signed documents for {{person.poss:b}} transfer from our {{city}} office to {{city}}.

    {{@sig}}"""),
    "Turn these bullet points into an email to {{person.first:a}}: - thanks for hosting us at {{org}} - {{person.first:b}} loved the {{city}} tour - send the deck by {{weekday}}",
    T("""
    {{@hi}}

    I regret to inform you that {{person.full:b}} will no longer be representing {{company}}. Going forward, please contact {{person.full:c}} at {{email:c}}.

    {{@sig}}"""),
    T("""
    {{@hi}}

    {{person.first:b}} mentioned you're based in {{city}} too! Would you like to grab coffee near {{street}} [[next week|on {{weekday}}]]?

    {{@sig}}"""),
    "Email subject ideas? Context: inviting {{person.full:a}}, {{person.full:b}} and {{person.full:c}} from {{org}} to our {{city}} launch.",
    T("""
    {{@hi}}

    Your application for the {{jobtitle}} position at {{employer}} has been received. [[Our recruiter|The hiring manager]] {{person.full:b}} will be in touch.

    {{@sig}}"""),
    T("""
    Subject: Change of bank details
    {{@hi}}
    Please note that {{company}} now banks with {{bank}}. Payments should reference {{order}}.
    {{@sig}}
    Is this email a scam?"""),
    T("""
    {{@hi}}

    Congratulations on the move to {{org}}! [[{{city}} is lucky to have you.|We'll miss you here in {{city}}.]]

    {{@sig}}"""),
    T("""
    Dear {{person.title:a}} and {{person.title:b}},

    Thank you for choosing {{hotel}} for your stay in {{city}}. Your reservation {{order}} is confirmed.

    {{@sig}}"""),
    T("""
    {{@hi}}

    Per {{person.poss:b}} request, I've shared the {{product}} folder with everyone at {{company}}. [[Shout if you can't open it.|Let me know if anything is missing.]]

    {{@sig}}"""),
    T("""
    {{@hi}}

    The {{org}} audit is scheduled for {{weekday}}. {{person.full:b}} (audit lead) and {{person.full:c}} will be on site at {{address}}.

    {{@sig}}"""),
    "Make this email warmer: '{{person.first:a}}, the {{company}} contract is attached. Sign by {{date}}. {{person.first:b}}'",
    T("""
    {{@hi}}

    Just a heads-up: I'll be in {{city}} from {{date}} and in {{city}} after that. [[{{person.first:b}} can cover|Reach {{person.full:b}} for]] anything urgent.

    {{@sig}}"""),
    T("""
    {{@hi}}

    We're pleased to confirm your admission to {{school}}. Orientation takes place in {{city}} on {{date}}.

    {{@sig}}"""),
    T("""
    {{@hi}}

    Could you share the invoice for the {{city}} event? Please make it out to:
    {{company}}
    Attn: {{person.full:b}}
    {{address_ml}}

    {{@sig}}"""),
    "Summarize this email chain: {{person.full:a}} asked {{company}} for a discount, {{person.full:b}} refused, {{person.first:a}} escalated to {{person.title:c}}.",
    T("""
    {{@hi}}

    Thanks for the referral to {{person.full:b}} at {{org}}! We spoke on {{weekday}} and [[it went really well|they're keen to work together]].

    {{@sig}}"""),
    T("""
    {{@hi}}

    Please find my resignation attached. My last day at {{employer}} will be {{date}}. It has been a privilege working with {{person.first:b}} and the {{dept}} team.

    {{@sig}}"""),
    T("""
    {{@hi}}

    Reminder: the {{org}} dinner is on {{weekday}} at {{time}}, {{address}}. Dress code is smart casual.

    {{@sig}}"""),
    "Improve the subject line 'meeting w/ {{person.first:a}} re {{company}} in {{city}}' and write a two-line body.",
    T("""
    {{@hi}}

    I'm writing to complain about the service I received at your {{city}} branch on {{date}}. The staff member, {{person.first:b}}, [[was rude|ignored my request]].

    {{@sig}}"""),
    T("""
    {{@hi}}

    {{person.full:b}} from {{company}} will [[present|demo {{product}}]] at our [[all-hands|offsite]] in {{city}}. Please send questions in advance.

    {{@sig}}"""),
    T("""
    {{@hi}}

    Your parcel from {{company}} is ready for collection at {{address}}. Bring photo ID matching the name {{person.upper:b}}.

    {{@sig}}"""),
    T("""
    {{@hi}}

    As discussed with {{person.title:b}}, {{org}} will cover travel from {{city}} for all speakers. [[Receipts go to finance.|Please book through the portal.]]

    {{@sig}}"""),
    "Is this email too long? 'Dear {{person.title:a}}, I met your colleague {{person.full:b}} at the {{org}} summit in {{city}} and would love to discuss...'",
    T("""
    {{@hi}}

    Here's the list of [[guests|attendees|speakers]] we confirmed:
    {{@plist}}

    {{@sig}}"""),
    T("""
    {{@hi}}

    The lease for our {{city}} premises at {{address}} ends on {{date}}. {{person.full:b}} from {{company}} (the landlord's agent) will call you.

    {{@sig}}"""),
    T("""
    {{@hi}}

    {{person.first:b}} and I [[really enjoyed|appreciated]] meeting the {{org}} team last week. [[Slides attached.|Next steps below.]]
    - [[Pricing|Scope]] review by {{weekday}}
    - Site visit to {{city}}

    {{@sig}}"""),
    "[[Shorten|Formalize]] this: 'hey {{person.first:a}}! {{person.first:b}} at {{company}} says the {{city}} thing is a go for {{month}}'",
    T("""
    {{@hi}}

    {{@who:b}} asked me to pass this on: {{@orgref}} [[wants to reschedule|has signed|has questions]]. [[Can you reply by {{weekday}}?|No action needed yet.]]

    {{@sig}}"""),
    T("""
    {{@hi}}

    {{@story}}

    {{@sig}}"""),
    T("""
    {{@hi}}

    Below are the details you asked for:
    {{@table}}

    {{@sig}}"""),
    T("""
    Subject: Fwd: {{company}} quote
    {{@hi}}
    FYI, see below. {{person.first:b}}, can you check the prices?

    -----Original Message-----
    From: {{person.formal:c}}
    Company: {{company}}
    We can ship to {{city}} within 10 days."""),
]

TEMPLATES["clinical"] = [
    T("""
    Patient: {{person.formal:a}}
    DOB: {{dob}}
    [[GP|Referring clinician]]: {{person.dr:b}}, {{hospital}}
    Allergies: {{drug}}
    Reason: [[chest pain|shortness of breath|follow-up after discharge]]
    Summarize for the on-call team."""),
    "{{person.dr:a}} prescribed {{drug}} {{dose}} for my [[husband|wife|partner]] {{person.first:b}} at the {{city}} [[walk-in clinic|urgent care]]. [[Can they drive?|Is alcohol okay?|What if a dose is missed?]]",
    "Write a sick note for {{person.full:a}}, seen at {{hospital}} on {{date}}, unfit for work until {{weekday}}.",
    T("""
    SOAP note
    S: {{person.first:a}} reports headaches for 2 weeks.
    O: BP 150/95.
    A: hypertension.
    P: start {{drug}} {{dose}}, review with {{person.dr:b}} in {{month}}."""),
    "My [[grandfather|grandmother]], {{person.full:a}}, is moving to a care home in {{city}}. How do I transfer the records from {{hospital}}?",
    "Explain this in simple Spanish for my mother: '{{person.dr:a}} at {{hospital}} says the {{test}} result is normal.'",
    "Clinic list for {{weekday}}:\n{{@plist}}\nWho needs a {{test}} before the appointment?",
    "{{person.full:a}}, 54, presented to {{hospital}} with [[fever|abdominal pain|dizziness]]. Transferred from {{city}} by ambulance. Current meds: {{drug}}, {{drug}}.",
    "Is it normal that {{hospital}} wants my {{test}} repeated? {{person.dr:a}} mentioned {{drug}} could affect it.",
    "Draft a letter from {{person.dr:a}}, consultant at {{hospital}}, to {{insurer}} appealing the denial for {{person.poss:b}} {{drug}}.",
    "Handover (night shift): {{person.title:a}}, bay 3, [[stable|NBM from midnight|awaiting {{test}}]]; daughter {{person.full:b}} is the contact ({{phone}}).",
    "Referral accepted by {{hospital}} ({{city}}). Consultant: {{person.dr:a}}. Patient {{person.full:b}} to attend on {{date}}.",
    "Explain this discharge note in simple words: 'Pt {{person.initial:a}} d/c home to {{address}} on {{drug}}; f/u {{person.dr:b}} 2/52.'",
    "What questions should I ask {{person.dr:a}} tomorrow at {{hospital}} about {{person.poss:b}} asthma?",
    T("""
    Medication list for {{person.full:a}}:
    - {{drug}} {{dose}} [[once daily|twice daily|at night]]
    - {{drug}} {{dose}}
    Prescriber: {{person.dr:b}} ({{hospital}})
    Any interactions?"""),
    "Our practice, {{hospital}}, is moving to {{address}}. Write a notice for patients and mention that {{person.dr:a}} keeps the Tuesday clinic.",
    "Vaccination record: {{person.full:a}}, vaccinated at the {{org}} pharmacy in {{city}} on {{date}}. Is a booster needed before travel to {{country}}?",
    "The physio at {{hospital}}, {{person.full:a}}, gave me exercises for my knee. Can you explain them? Also is {{drug}} fine for the pain?",
    "Write an email to {{person.dr:a}} asking to move my appointment from {{weekday}} to next week. My name is {{person.full:b}}, patient number {{num}}.",
    "Pharmacy query: prescription for {{person.upper:a}} from {{person.dr:b}} lists {{drug}} and {{drug}}. Dose check?",
    "Compare the maternity wards at {{hospital}} and {{hospital}}. We live in {{city}}, near {{street}}.",
    "Research question: how does {{drug}} compare to {{drug}}? {{person.dr_full:a}} from {{school}} published something on this.",
    "Case presentation draft: {{person.first:a}}, a [[34|61|47]]-year-old [[teacher|farmer|engineer]] from {{place}}, with a history of [[asthma|T2DM|AF]] on {{drug}}...",
    "MDT attendees: {{@plist}}. Outcome: refer {{person.full:x}} to {{hospital}} for [[surgery|imaging|biopsy]].",
    "Can my carer, {{person.full:a}}, collect my {{drug}} from the {{city}} pharmacy?",
    "Who should I contact at {{insurer}} about a claim for {{person.poss:a}} stay at {{hospital}}?",
    "Rewrite for a patient leaflet: '{{hospital}} Diabetes Service, led by {{person.dr:a}}, runs clinics in {{city}} and {{city}}.'",
    T("""
    Triage notes
    Name: {{person.full:a}}
    Arrived: {{time}} from {{city}}
    Complaint: [[fall at home|burn to left hand|allergic reaction to {{drug}}]]
    NOK: {{person.full:b}} ({{phone}})"""),
    "{{person.dr:a}} and {{person.dr:b}} disagree on starting {{drug}} for {{person.title:c}}. Summarize both positions.",
    "Our clinical trial site at {{hospital}} needs a consent form in plain language. PI: {{person.dr_full:a}}. Sponsor: {{company}}.",
    "Is {{hospital}} in-network for {{insurer}}? My [[wife|husband]] {{person.first:a}} needs [[an MRI|physio]] there.",
    "Lab report for {{person.formal:a}}: {{test}} high, {{test}} normal. Ordered by {{person.dr:b}}. What follow-up is typical?",
    "Help me write a thank-you card to the nurses at {{hospital}}, especially {{person.first:a}} and {{person.first:b}}.",
    "Appointment reminder: {{person.title:a}}, {{weekday}} {{date}} at {{time}}, {{hospital}}, {{address}}. Reply YES to confirm.",
    "{{person.full:a}} was discharged from {{hospital}} on {{drug}} but the {{city}} pharmacy has none. Alternatives?",
    "My GP surgery ({{hospital}}) says {{person.dr:a}} retired. How do I register with a new doctor in {{city}}?",
    "Discharge summary to the GP, {{person.dr:a}} at {{org}}: {{person.full:b}} treated for [[pneumonia|cellulitis|UTI]], home on {{drug}} {{dose}}.",
    "A dentist in {{city}}, {{person.dr:a}}, quoted {{amount}} for a crown. Is that normal in {{country}}?",
    "Occupational health: {{person.full:a}} ({{jobtitle}}, {{employer}}) cleared to return on {{date}} with reduced hours.",
    "Write an SMS: 'Hi {{person.first:a}}, {{hospital}} here. Your {{test}} results are ready; {{person.dr:b}} will call you.'",
    "{{person.caps_formal:a}} - bed {{num2}} - {{drug}} {{dose}} held - review by {{person.dr:b}} - family {{@where}}",
    "{{@table}}\nWhich of these patients are due a {{test}}?",
]

TEMPLATES["banking"] = [
    "{{@story}}",
    T("""
    Account holder: {{person.formal:a}}
    Bank: {{bank}}
    IBAN: {{iban}}
    Address: {{address}}
    Why was this payment rejected?"""),
    "I want to send {{amount}} to {{person.full:a}} in {{country}}. Is {{bank}} or {{company}} cheaper?",
    "Can {{person.full:a}} be added as a [[joint holder|power of attorney]] on my {{bank}} account? [[She|He|They]] lives in {{city}}.",
    "Letter to {{bank}}: I, {{person.full:a}}, of {{address}}, authorize {{person.full:b}} to [[collect|discuss]] my account statements.",
    "{{bank}} blocked my card in {{city}} while I was visiting {{person.first:a}}. How do I unblock it from abroad?",
    "Is it safe to give {{company}} my account number? They say {{person.full:a}} from their finance team needs it for payroll.",
    T("""
    Payment instruction
    Beneficiary: {{person.full:a}}
    Beneficiary bank: {{bank}}, {{city}}
    Amount: {{amount}}
    Purpose: [[tuition at {{school}}|rent for {{address}}|invoice {{order}}]]"""),
    "Compare mortgage offers from {{bank}} ({{pct}}) and {{bank}} ({{pct}}). We're buying in {{city}} with {{person.first:a}}.",
    "My late [[mother|father]], {{person.full:a}}, had accounts at {{bank}} and {{bank}}. What does probate in {{country}} require?",
    "Fraud report: someone using the name {{person.full:a}} opened an account at {{bank}}'s {{city}} branch. What do I do?",
    "Summarize: {{bank}} approved a {{amount}} loan for {{company}}; guarantor {{person.full:a}}; relationship manager {{person.full:b}}.",
    "Why does {{bank}} need proof of address? I just moved from {{city}} to {{address}}.",
    "{{person.first:a}} owes me {{amount}} for the {{city}} trip. Write a friendly reminder with my {{bank}} details.",
    "Direct debit from {{company}} failed. My account is with {{bank}}; name on account {{person.upper:a}}.",
    "KYC review: customer {{person.full:a}}, employer {{employer}}, residence {{city}}, {{country}}. Source of funds: salary. Anything missing?",
    "Write a dispute letter to {{bank}} about a charge from {{company}} in {{city}} that I didn't make.",
    "Our company, {{company}}, wants to switch from {{bank}} to {{bank}}. Who signs? CFO {{person.full:a}} and CEO {{person.full:b}}.",
    "The teller at {{bank}} ({{person.first:a}}) said my cheque from {{org}} will clear on {{weekday}}. Is that normal?",
    "Tax question: I received interest from {{bank}} in {{country}} and live in {{place}}. Do I report it to {{agency}}?",
    T("""
    Transfer details:
    From: {{person.full:a}}, {{bank}}
    To: {{company}}, {{bank}}
    Ref: {{order}}
    Is the reference enough for the recipient?"""),
    "Can you explain what {{bank}} means by 'returned item'? The payment to {{person.full:a}} bounced.",
    "I'm {{person.full:a}}, a student from {{country}} at {{school}}. Which bank in {{city}} opens accounts without a credit history?",
    "{{bank}} is asking {{person.full:a}} for a utility bill. Which documents count as proof?",
    "Crypto exchange {{startup}} froze my withdrawal to {{bank}}. Support agent {{person.first:a}} stopped answering.",
    "Budget help: rent to {{person.full:a}} (landlord) {{amount}}, gym at {{company}} {{amount}}, savings at {{bank}}.",
    "Our treasurer {{person.full:a}} left; how do we change signatories at {{bank}} for the {{city}} [[football club|choir|charity]]?",
    "Received a text from '{{bank}}': 'Dear {{person.first:a}}, unusual login from {{city}}'. Real or fake?",
    "{{@table}}\nWhich of these payments look like duplicates?",
    "Overdraft fee from {{bank}} after {{company}} charged me twice. Write a complaint, signed {{person.full:a}}.",
    "Financial advisor {{person.title:a}} ({{company}}) recommended {{bank}} bonds. What questions should I ask?",
    "Cheque payable to {{person.formal:a}} was deposited at {{bank}}, {{city}}. The name is misspelled. Will it clear?",
    "Wire from {{company}} ({{country}}) to our {{bank}} account in {{city}} is delayed. Our contact at the bank is {{person.full:a}}.",
    "Payroll at {{employer}} moved to {{bank}}; HR contact {{person.full:a}} says the first salary comes on {{date}}.",
    "Does {{bank}} charge for transfers to {{country}}? I'm paying {{person.full:a}} for [[a flat|a car|tuition]].",
    "Loan application summary: applicants {{person.full:a}} and {{person.full:b}}, address {{address}}, employers {{employer}} and {{employer}}.",
    "What's the SWIFT code for {{bank}} in {{city}}? Sending money to my [[brother|sister|cousin]] {{person.first:a}}.",
    "Investment club minutes: {{person.first:a}} proposed buying {{company}} shares; {{person.first:b}} prefers {{company}}.",
    "Write a letter of authority so {{person.full:a}} at {{lawfirm}} (our solicitors) can talk to {{bank}} on our behalf.",
    "Card declined at {{hotel}} in {{city}}. {{bank}} app says 'merchant blocked'. Why?",
    "I co-signed for {{person.full:a}} at {{bank}}. [[She|He|They]] moved to {{country}} and stopped paying. What are my options?",
    "{{person.caps_formal:a}} / acct ****{{last4}} / {{bank}} {{city}} / standing order to {{company}} cancelled?",
    "{{@who:a}} wants to open a business account for {{startup}} {{@where}}. Which documents will {{bank}} ask for?",
]

TEMPLATES["json"] = [
    "{{@json}}\n[[Summarize this.|Who is the contact here?|Extract the people and companies.|Convert to a table.|Anything odd?]]",
    "Tool output:\n{{@json}}",
    "```json\n{{@json}}\n```\n[[Is anything missing?|Write a one-line summary.|Which fields are personal data?]]",
    "function {{funcname}} returned: {{@json}}",
    "[[Parse|Validate]] this payload and tell me which fields are personal data:\n{{@json}}",
    "API response ({{http}}):\n{{@json}}",
    "tool_call_id=call_{{hex}} output:\n{{@json}}\nNow answer the user.",
    "<result>\n{{@json}}\n</result>\nReply to the customer using this.",
    "Here's what {{funcname}} gave me - can you turn it into a sentence?\n{{@json}}",
    "{{@json}}\n{{@json}}\nMerge these two records.",
    "Convert this YAML to JSON:\n{{@json}}",
    "Result of search_people(query=\"{{person.first:q}}\"):\n{{@json}}",
    T("""
    {"summary": "Sync with {{person.full:a}}", "location": "{{address}}", "start": "{{ts}}", "organizer": {"name": "{{person.full:b}}", "email": "{{email:b}}"}}
    Add this to my calendar and draft a confirmation."""),
    T("""
    {
      "shipment_id": "{{order}}",
      "recipient": {"name": "{{person.full:a}}", "company": "{{company}}", "city": "{{city}}", "country": "{{country}}"},
      "carrier": "{{company}}",
      "status": "{{status}}"
    }
    Why is this stuck?"""),
    '{"location": "{{city}}, {{country}}", "temp_c": {{num2}}, "conditions": "light rain"} - tell {{person.first:a}} whether to bring an umbrella.',
    '{"passenger": "{{person.formal:a}}", "from": "{{city}}", "to": "{{city}}", "flight": "{{flight}}", "seat": "14C"}\nWrite a reminder message.',
    T("""
    CRM notes (JSON):
    ["Called {{person.first:a}} at {{company}}, wants a quote", "{{person.full:b}} moved to {{org}}", "Follow up {{weekday}}"]
    Summarize the pipeline."""),
    '{"user": "U{{num}}", "real_name": "{{person.full:a}}", "tz": "{{city}}", "text": "who owns the {{org}} renewal?"}',
    '{"login": "{{cident}}", "name": "{{person.full:a}}", "company": "{{company}}", "location": "{{city}}", "public_repos": {{num2}}}',
    '{"formatted_address": "{{address}}", "place_id": "{{hex}}", "types": ["street_address"]}\nIs this the same place as {{person.poss:a}} office?',
    T("""
    {
      "invoice": "{{order}}",
      "bill_to": {"name": "{{person.full:a}}", "org": "{{company}}", "address": "{{address}}"},
      "total": "{{amount}}",
      "due": "{{date}}"
    }
    Write the payment reminder."""),
    '{"from": "{{person.full:a}} <{{email:a}}>", "subject": "{{company}} renewal", "snippet": "Hi, following up on our call in {{city}}..."}',
    '{"employee": {"first_name": "{{person.first:a}}", "last_name": "{{person.last:a}}", "office": "{{city}}", "manager": "{{person.full:b}}"}}',
    '<customer><name>{{person.full:a}}</name><city>{{city}}</city><employer>{{company}}</employer></customer>\nConvert this XML to JSON.',
    "{'name': '{{person.full:a}}', 'org': '{{org}}', 'city': '{{city}}', 'active': True}  # from the Python debugger",
    '{"name": "{{veil_person}}", "company": "{{company}}", "city": "{{veil_loc}}", "note": "masked upstream"}',
    T("""
    {"level": "info", "event": "order_created", "customer": "{{person.full:a}}", "ship_to": "{{address}}", "merchant": "{{company}}"}
    {"level": "warn", "event": "address_unverified", "customer": "{{person.full:a}}"}
    What happened to this order?"""),
    '{"data": {"viewer": {"name": "{{person.full:a}}", "organization": {"name": "{{org}}"}, "location": "{{city}}"}}}',
    T("""
    name: {{person.full:a}}
    employer: {{employer}}
    based_in: {{city}}
    languages: [English, {{lang}}]
    Rewrite as a short bio."""),
    'call send_email(to="{{person.full:a}}", cc="{{person.full:b}}", subject="{{company}} visit to {{city}}")\n-> {"status": "queued"}',
    '{"matches": [{"name": "{{person.formal:a}}", "score": 0.93}, {"name": "{{person.formal:b}}", "score": 0.71}], "source": "{{product2}}"}\nWhich match is more likely?',
    'Response: {"ok": true, "patient": "{{person.full:a}}", "clinic": "{{hospital}}", "slot": "{{date}} {{time}}"}',
    '{"account": {"holder": "{{person.full:a}}", "bank": "{{bank}}", "branch": "{{city}}", "balance": "{{amount}}"}}\nExplain this to the customer.',
    '{"job": {"title": "{{jobtitle}}", "company": "{{company}}", "location": "{{city}}, {{state}}", "recruiter": "{{person.full:a}}"}}',
    '[{"speaker": "{{person.full:a}}", "org": "{{org}}"}, {"speaker": "{{person.full:b}}", "org": "{{org}}"}, {"speaker": "{{veil_person}}", "org": "{{veil_org}}"}]',
    "The agent called get_contact and got:\n{{@json}}\nIs this the right {{person.first:x}}?",
    "Extracted entities:\n{{@json}}\nDo these look right?",
    "{{@json}}\n^ from the {{product2}} export. Draft a follow-up for each person.",
    "log line: {{ts}} INFO crm {{@json}}",
    "Observed tool result: {{@json}}",
]

TEMPLATES["meeting"] = [
    "Notes:\n{{@story}}",
    "{{@hdr}}\n{{@story}}",
    T("""
    {{@hdr}}
    [[Attendees|Present|Participants|In the room]]: {{@plist}}
    {{@hdr}}
    - {{person.first:a}} [[to draft|will own|to review]] the {{product}} [[plan|budget|rollout]]
    - {{org}} [[contract renewal|pilot]] [[due {{date}}|on hold]]"""),
    T("""
    Minutes, {{date}} ({{city}} office)
    Attendance: {{@plist}}
    Decisions:
    1. Move the launch to {{month}}.
    2. {{person.full:a}} signs off on the {{company}} quote."""),
    T("""
    Action items from today's call with {{org}}:
    [ ] {{person.first:a}} - send NDA
    [ ] {{person.first:b}} - book a room in {{city}}
    [x] {{person.first:c}} - share {{product}} access"""),
    T("""
    | Who | Task | Due |
    |---|---|---|
    | {{person.full:a}} | [[Draft the RFP|Vendor shortlist|Budget]] | {{date}} |
    | {{person.first:b}} | Call {{company}} | {{weekday}} |"""),
    T("""
    Transcript excerpt:
    {{person.first:a}}: So {{company}} wants to [[expand|start]] in {{city}}.
    {{person.first:b}}: Do we have anyone there?
    {{person.first:a}}: {{person.full:c}} could relocate.
    Summarize the decision."""),
    "Write up the call: {{person.full:a}}, {{role}} at {{company}}, dialled in from {{city}}; we covered pricing, the {{product}} pilot and next steps with {{org}}.",
    T("""
    Weekly sync notes
    Wins: {{person.first:a}} closed {{company}}.
    Risks: {{org}} may delay the {{city}} launch.
    Next Steps: {{person.first:b}} follows up {{weekday}}."""),
    "Who said what? {{person.first:a}} thinks we should open in {{city}}, {{person.first:b}} prefers {{city}}, and {{person.full:c}} wants to wait for {{org}}.",
    "Interview panel notes on candidate {{person.full:a}} (currently at {{employer}}): {{person.first:b}} - strong hire; {{person.first:c}} - hire.",
    "Notes: call w/ {{person.full:a}} @ {{company}} re: [[renewal|migration|pricing]]. They're opening an office in {{city}} in {{month}}.",
    T("""
    ## {{weekday}} planning
    **Facilitator:** {{person.full:a}}
    **Note taker:** {{person.full:b}}
    **Guests:** {{person.full:c}} ({{org}})

    ### Discussion
    - Expansion to {{place}}
    - Hiring in {{city}}"""),
    "Please clean up these notes: met {{person.first:a}} & {{person.first:b}} frm {{company}} - they want demo in {{city}} nxt wk - {{person.first:c}} to send deck",
    "Board pack summary: Chair {{person.full:a}} opened; CFO {{person.full:b}} presented results; motion to acquire {{company}} carried.",
    "Offsite logistics: venue {{hotel}}, {{city}}; travel from {{city}} for {{person.first:a}}, {{person.first:b}} and {{person.first:c}}.",
    "Translate the notes into German: {{person.full:a}} presented the {{org}} proposal; {{person.full:b}} raised concerns about the {{city}} site.",
    T("""
    Chat from the meeting:
    {{time}} From {{person.full:a}} to Everyone: link to the {{product}} doc
    {{time}} From {{person.full:b}} to Everyone: {{company}} joined late
    Extract action items."""),
    T("""
    Retro notes
    Start: pairing with {{person.first:a}} on releases
    Stop: late pings from {{org}}
    Continue: {{weekday}} demos in the {{city}} office"""),
    "Steering committee: {{company}} (represented by {{person.full:a}}), {{org}} ({{person.full:b}}), and us. Agreed budget: {{amount}}.",
    "Summarize: {{person.full:a}} will lead the {{city}} office; {{person.full:b}} moves to {{company}} as a secondee until {{month}}.",
    "Draft follow-up after meeting {{person.title:a}} and {{person.title:b}} of {{org}} at their {{city}} headquarters.",
    "Meeting request: {{person.full:a}} ({{company}}) wants 30 min on {{weekday}} at {{time}} {{city}} time. Propose two slots.",
    "Parking lot items: {{org}} NDA; office move to {{address}}; {{person.poss:a}} onboarding.",
    T("""
    Stand-up {{date}}
    Y: {{person.first:a}} fixed the {{company}} import
    T: {{person.first:b}} pairs with {{person.first:c}}
    B: waiting on {{org}}"""),
    T("""
    {{@hdr}}
    {{company}} and {{org}} agreed a joint pilot in {{city}}.
    {{@hdr}}
    - {{person.full:a}}: draft the MoU
    - {{person.full:b}}: legal review"""),
    T("""
    Meeting transcript (auto):
    Speaker 1 ({{person.full:a}}): we lost {{company}} to a competitor.
    Speaker 2 ({{person.full:b}}): the {{city}} team is upset.
    Summarize in 3 bullets."""),
    "Calendar: {{weekday}} {{time}} - [[lunch|coffee|breakfast]] with {{person.first:a}} at {{hotel}}; {{time}} call with {{org}}.",
    "Notes from the {{org}} quarterly review in {{city}}: revenue up, churn down; {{person.first:a}} to share the deck.",
    "Who owns what after the reorg? {{person.full:a}} takes {{dept}}, {{person.full:b}} takes the {{city}} office, {{person.full:c}} stays at {{company}}.",
    "Write a calendar invite description: quarterly review with {{company}} at {{address}}, hosted by {{person.full:a}}.",
    "Rapid notes: {{person.upper:a}} - {{company.upper}} - renewal at risk - call before {{weekday}}",
    "Speakers:{{@plist}}\nVenue: {{org}}, {{city}}\nWrite a 2-line intro for each speaker.",
    "Vendor pitch notes: {{company}} ({{city}}) presented by {{person.full:a}}, [[price {{amount}}|needs SSO]], reference customer {{org}}.",
    "The minutes say '{{person.initial:a}} to liaise with {{org}} re: {{city}} permits'. Who might that be?",
    "Send a summary of the session to {{person.first:a}}, {{person.first:b}}, and the {{company}} team in {{city}}.",
    T("""
    Decisions made today:
    * {{company}} is our preferred vendor
    * {{person.full:a}} leads the {{place}} rollout
    * Kickoff on {{date}}"""),
    "Please draft an agenda for the {{org}} visit: welcome by {{person.title:a}}, tour of the {{city}} plant, lunch, Q&A with {{person.full:b}}.",
    "Meeting feedback from {{person.first:a}}: 'too long, and {{person.first:b}} from {{company}} couldn't hear'. Suggestions?",
    "One-line summaries of each update: {{person.full:a}} (sales, {{city}}), {{person.full:b}} (ops), {{person.full:c}} ({{org}}).",
    "Sprint review with {{company}}: demoed {{product}}; {{person.first:a}} asked about {{country}} data residency.",
    "Meeting moved: {{person.full:a}} is stuck in {{city}}, so we meet {{weekday}} with {{person.full:b}} from {{org}} instead.",
    "{{@hdr}}\n{{@who:a}} walked us through the numbers; {{@orgref}} wants a proposal by {{weekday}}.\n{{@hdr}}\n- {{person.first:a}} to circulate the deck",
    "Attendees\n{{@table}}\nTurn this into minutes.",
]

TEMPLATES["hr_travel"] = [
    "{{@story}}",
    T("""
    Employee: {{person.formal:a}}
    Manager: {{person.full:b}}
    Office: {{city}}
    Start date: {{date}}
    Draft a first-week schedule."""),
    "Flight options {{city}} → {{city}} on {{date}} for {{person.formal:a}}; [[economy|premium economy]], [[{{company}} corporate rate|no red-eye]].",
    "Write a job ad for a {{jobtitle}} at {{company}}, based in {{city}}[[ (hybrid)|, remote within {{country}}]]. Hiring manager: {{person.full:a}}.",
    "Visa invitation letter: {{company}} invites {{person.full:a}}, citizen of {{country}}, to visit our {{city}} office from {{date}}.",
    "Expense claim by {{person.full:a}}: taxi from {{city}} airport to {{hotel}}, {{amount}}; client dinner with {{org}}, {{amount}}. Policy OK?",
    "Draft a promotion announcement: {{person.full:a}} becomes {{jobtitle}}, reporting to {{person.full:b}}, and moves to {{city}}.",
    "Relocation package for {{person.first:a}}: moving from {{city}}, {{country}} to {{city}}. Include temporary housing at {{hotel}}.",
    T("""
    Itinerary:
    {{date}} {{time}} depart {{city}} ({{flight}})
    {{date}} meet {{person.full:a}} at {{company}}
    Hotel: {{hotel}}, {{address}}"""),
    "Leaver checklist for {{person.full:a}} at {{employer}}: return laptop to {{person.first:b}}, final pay via {{bank}}.",
    "Interview schedule for {{person.full:a}}: 10:00 {{person.full:b}} (hiring manager), 11:00 {{person.full:c}} ({{dept}}), lunch near {{street}}.",
    "{{person.poss:a}} work permit in {{country}} expires {{date}}. What does {{agency}} need for renewal?",
    "Write a reference for {{person.full:a}}, who worked as {{jobtitle}} at {{employer}} in {{city}}.",
    "Our {{city}} team needs hotel rooms near {{org}} for {{month}}: {{@plist}}",
    "Compare per diem rates for {{city}} and {{city}}; {{person.first:a}} travels for {{company}} next week.",
    "Sick leave question from {{person.full:a}} ({{dept}}, {{city}} office): does {{country}} require a doctor's note after 3 days?",
    "Background check results: {{person.full:a}}, previous employers {{company}} and {{company}}, education {{school}}.",
    "Team offsite: fly everyone from {{@loclist}} to {{place}}. Budget holder: {{person.full:a}}.",
    "Car hire for {{person.title:a}} at {{city}} airport, collected {{weekday}}, dropped at {{address}}.",
    "Salary benchmarking: {{jobtitle}} in {{city}} vs {{city}}. Candidate {{person.full:a}} is asking {{amount}}.",
    T("""
    Org chart update:
    {{person.full:a}} - {{role}}
      {{person.full:b}} - {{jobtitle}}
      {{person.full:c}} - {{jobtitle}}"""),
    "Write a welcome post for {{person.full:a}}, our new {{jobtitle}} joining from {{employer}} in {{city}}.",
    "Training booking: {{person.full:a}} and {{person.full:b}} on the [[leadership|first aid|data protection]] course at {{org}}, {{city}}, {{date}}.",
    "Disciplinary meeting notes: employee {{person.full:a}}, chaired by {{person.full:b}} ({{dept}}), witness {{person.full:c}}.",
    "Secondment agreement: {{person.full:a}} from {{company}} to {{org}} for six months in {{city}}.",
    "Parental leave cover: {{person.first:a}} is out from {{date}}; {{person.first:b}} covers the {{company}} account.",
    "Which documents does {{person.full:a}} need to travel from {{country}} to {{country}} for the {{org}} conference?",
    T("""
    Travel approval request
    Traveller: {{person.full:a}}
    Destination: {{city}}, {{country}}
    Purpose: visit {{company}}
    Approver: {{person.full:b}}"""),
    "Shortlist: {{@plist}}. All applied for {{jobtitle}} in {{city}}. Rank by fit.",
    "Leaving interview summary: {{person.full:a}} is joining {{company}}; cites the commute to {{city}} and workload.",
    "Hotel confirmation: guest {{person.upper:a}}, {{hotel}}, {{address}}, {{date}} to {{date}}. Add to my calendar.",
    "Draft an email to {{agency}} on behalf of {{person.full:a}} about a delayed [[residence permit|passport renewal]].",
    "Payroll query from {{person.full:a}} ({{city}}): tax code changed after moving from {{state}}.",
    "New hire paperwork for {{person.full:a}}: emergency contact {{person.full:b}}, home address {{address}}, bank {{bank}}.",
    "Help me write an internal transfer request: I'm {{person.full:a}} in {{dept}} in {{city}} and want to join the {{city}} team.",
    "Conference travel: {{person.first:a}} speaks at {{org}} in {{city}} on {{weekday}}; book {{hotel}} for two nights.",
    "Offer comparison for {{person.full:a}}: {{company}} ({{city}}, {{amount}}) vs {{company}} (remote, {{amount}}).",
    "Recruiter note: met {{person.full:a}} at the {{school}} career fair; interested in {{company}} roles in {{place}}.",
    "Timesheet dispute between {{person.full:a}} and [[her|his|their]] manager {{person.full:b}} at the {{city}} depot.",
    "Train vs flight from {{city}} to {{city}} for {{person.full:a}}? Must be at {{org}} by {{time}}.",
    T("""
    Mentoring pairs:
    {{person.full:a}} → {{person.full:b}}
    {{person.full:c}} → {{person.full:d}}
    Send intro emails."""),
    "{{@table}}\nBook travel for everyone above and flag visa needs.",
    "{{@who:a}}, currently {{@where}}, is relocating next {{month}}. What relocation support does {{@orgref}} usually offer?",
    "Candidate: {{person.caps_formal:a}}\nCurrent employer: {{employer}}\nLocation: {{city}}, {{country}}\nNotice period: 3 months\nWrite the screening summary.",
]

# Code and logs inside a prompt; the prose around them may carry entities.
TEMPLATES["tech"] = [
    "{{@ask_code}}\n{{@code}}",
    "{{@code}}\n{{@ask_code}}",
    "My [[colleague|teammate|lead]] {{person.first:a}} [[wrote|pushed]] this and it [[breaks on|fails in]] [[prod|CI|staging]]:\n{{@code}}",
    "Here are the logs from {{weekday}}:\n{{@logs}}\n[[What happened?|Find the root cause.]]",
    "{{@stack}}\n[[Any idea?|How do I fix this?]]",
    "Review this diff [[from {{person.full:a}}|before I merge]]:\n{{@diff}}",
    "{{@sql}}\n[[Why is this slow?|Rewrite with a CTE.|Explain this query.]]",
    "Config:\n{{@config}}\n[[Is the timeout too low?|What does this setting do?]]",
    "Our client {{company}} sent this error:\n{{@stack}}",
    "{{@shell}}\nwhat's wrong?",
    "Write unit tests for:\n{{@code}}",
    "Convert this to {{lang}}:\n{{@code}}",
    "Commit message for this change?\n{{@diff}}",
    "{{person.first:a}} from {{company}} asked why this endpoint fails:\n{{@http}}",
    "Explain these headers:\n{{@http}}",
    "I'm getting this when installing {{package}}:\n{{@shell}}",
    "Document this function:\n{{@code}}",
    "PR description needed. Changes:\n{{@diff}}",
    "```\n{{@code}}\n```\n{{@ask_code}}",
    "```\n{{@logs}}\n```\n[[Summarize.|Which service is failing?]]",
    "{{@anytech}}\n\n{{@ask_code}}",
    "{{@anytech}}",
    "Here's my {{@git}}\nWhich commit broke {{classname}}?",
    "Why does {{classname}} throw in {{funcname}}?\n{{@stack}}",
    "{{person.full:a}} at {{org}} is seeing this on their {{city}} servers:\n{{@logs}}",
    "Rename {{classname}} to {{classname}} in this file:\n{{@code}}",
    "Translate the comments to English:\n{{@code}}",
    "Is this {{lang}} idiomatic?\n{{@code}}",
    "The {{product}} integration logs:\n{{@logs}}\nThe customer ({{company}}) says nothing arrived.",
    "{{@curl}}\nreturns {{http}} - why?",
    "Help me write a README for this:\n{{@code}}",
    "Pair-programming with {{person.first:a}}; we're stuck:\n{{@shell}}",
    "What does `{{funcname}}` do here?\n{{@code}}",
    "Env vars for the {{city}} cluster:\n{{@config}}\nWhich ones are secrets?",
    "```diff\n{{@diff}}\n```",
    "{{@readme}}\nImprove the Usage section.",
    "The {{envvar}} variable isn't picked up:\n{{@config}}",
    "Got this on {{person.poss:a}} laptop:\n{{@stack}}",
    "Explain the difference between {{package}} and {{package}} with an example like this:\n{{@code}}",
    "{{@logs}}\n{{@ask_code}}",
    "Job failed on branch {{branch}}:\n{{@shell}}",
]

# Pasted code, logs, configs: no entity unless the snippet's {{author}} is a person.
TEMPLATES["code"] = [
    "{{@code}}", "{{@code}}", "{{@code}}", "{{@logs}}", "{{@logs}}", "{{@stack}}", "{{@diff}}",
    "{{@git}}", "{{@shell}}", "{{@shell}}", "{{@config}}", "{{@config}}", "{{@sql}}", "{{@http}}",
    "{{@curl}}", "{{@readme}}", "{{@anytech}}", "{{@anytech}}",
    "{{@code}}\n\n{{@logs}}", "{{@stack}}\n\n{{@code}}", "{{@config}}\n\n{{@shell}}",
    "{{@ask_code}}\n\n{{@code}}", "{{@code}}\n\n{{@ask_code}}", "{{@logs}}\n{{@ask_code}}",
    "{{@ask_code}}\n```\n{{@anytech}}\n```",
    "Fix the {{classname}} bug in {{path}}:\n{{@code}}",
    "Branch {{branch}} fails:\n{{@shell}}",
    "{{section}}\n{{@code}}",
    "Release notes {{vers}}:\n- Fixed {{classname}} crash\n- Added {{funcname}}\n- Bumped {{package}} to {{vers}}",
    "Why is {{envvar}} empty in {{path}}?",
    "What's the difference between {{classname}} and {{classname}}?",
    "Set {{header}} on every response from {{funcname}}.",
    "Migrate from {{package}} to {{package}}; we use {{classname}} and {{funcname}} heavily.",
    "{{namey}} keeps failing on the {{branch}} branch. Logs:\n{{@logs}}",
    "Which is better for queues, {{package}} or {{package}}?",
    "SELECT, JOIN, WHERE, GROUP BY, HAVING - explain the order SQL evaluates them.",
    "Rename `{{cident}}` to `{{cident}}` across the repo.",
    "PR #{{num}}: {{funcname}} now returns {{classname}} instead of None.",
    "In {{path}}, line {{num2}}: unused import {{package}}.",
    "Does {{package}} {{vers}} work with {{lang}} {{vers}}?",
]

# Prose with no entity at all: headers, products, drugs, months, weekdays, Veil tokens.
TEMPLATES["negprose"] = [
    "{{section}}\n{{product}} usage grew in {{month}}; churn is flat.\n{{section}}\n- Review pricing by {{weekday}}\n- Ship the {{ident}} fix",
    "Background: the {{drug}} shortage continues through {{month}}. Recommendation: switch to {{drug}} {{dose}}.",
    "Rewrite the release notes: Added {{classname}} support. Fixed crash in {{funcname}}. Improved {{product}} export.",
    "Keep {{veil_person}}, {{veil_org}} and {{veil_loc}} unchanged and translate the rest to Italian: {{veil_person}} will visit {{veil_loc}} on {{weekday}}.",
    "What's the difference between {{drug}} and {{drug}}?",
    "Compare {{product}} and {{product2}} for a small team.",
    "Is {{package}} better than {{package}} for data validation?",
    "Headings for my report: Executive Summary, Background, Methodology, Findings, Recommendations. Add one more?",
    "Explain these results: {{test}} 6.8%, {{test}} 2.1, {{test}} normal.",
    "Draft a policy outline:\nRemote Work Policy\nScope\nEligibility\nEquipment\nReview Date: {{month}}",
    "Make a to-do list: Pay Bills, Call Mom, Book Dentist, Renew Passport, Return {{product}} licence.",
    "Grant, Will and Bill are legal terms here: explain a 'grant of probate', a 'will' and a 'bill of sale'.",
    "Convert {{amount}} to euros at today's rate.",
    "Add a Risks section and an Open Questions section to this doc.",
    "Months with 31 days: January, March, May, July, August, October, December. Is that right?",
    "The {{product}} Pro plan costs {{amount}}/month. Worth it?",
    "Status Update\nGreen: {{product}} migration\nAmber: {{cident}} rollout\nRed: nothing",
    "Summarize: Q3 Revenue Up 12%, Costs Flat, Headcount Unchanged.",
    "Title case this: 'next steps for the new onboarding flow'",
    "Can I take {{drug}} with {{drug}} on an empty stomach?",
    "What do the codes {{order}} and {{ticket}} mean in our tracker?",
    "Placeholders {{veil}}, {{veil}} and {{veil}} appear in the text - are these safe to share?",
    "{{weekday}} and {{weekday}} are blocked for the {{product2}} migration; {{month}} is the fallback.",
    "Write a {{section}} section for a design doc about caching.",
    "Key Takeaways\n- {{product}} adoption is up\n- {{product2}} costs are down\nNext Steps\n- Renew in {{month}}",
    "How do I export from {{product2}} to {{product}}?",
    "Is {{drug}} {{dose}} a normal starting dose?",
    "Prices go up on {{date}}; Standard, Plus and Premium tiers all change.",
    "Which is healthier: Greek yogurt, Swiss cheese or French toast?",
    "Our {{dept}} team uses {{product}}, {{product2}} and {{product}}. Suggest a cheaper stack.",
    "The Summary and Next Steps headers are missing from the {{month}} report. Add them.",
    "{{veil_person}} from {{veil_org}} asked about {{veil_loc}}. Rewrite politely, keep the tokens.",
    "April showers bring May flowers - what's the origin of that saying?",
    "Set up {{product2}} alerts for {{weekday}} mornings only.",
    "Reminder: submit timesheets by {{weekday}} {{time}}. Late ones go to next {{month}}'s run.",
    "Best practices for naming classes like {{classname}} vs {{classname}}?",
    "What's the difference between a pension and an ISA?",
    "Translate 'Happy New Year' into Spanish, French and German.",
]
