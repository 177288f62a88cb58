#!/usr/bin/env python3
"""Writes a labelled detection set whose values come from Faker (another generator than the
ones Veil's own tests use), in the set format of benches/eval/README.md.

    python benches/eval/faker_set.py OUT_DIR [--seed N]

The output is a function of the seed and the Faker version (pinned in requirements.txt).
Values in the ranges Veil mints its own tokens from are skipped (they are not real values):
IPv4 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; IPv6 2001:db8::/32; NANP 555-0100..0199;
UK 07700 900xxx, 020 7946 0xxx, 0161 496 0xxx.

Spans: the whole value as Faker gives it (phone extensions and prefixes included), except
PERSON, where titles (Mr, Dr., Frau, ...) and degrees (MD, PhD, B.Sc., ...) from the locale's
own lists stay outside the span, as in CoNLL-style NER sets; Jr., II, ... stay inside.
Addresses are one STREET_ADDRESS span, line breaks written as ", ".
"""
import argparse
import ipaddress
import random
import re
import sys
from importlib.metadata import version
from pathlib import Path

from faker import Faker

NAME_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_MX", "en_IN"]
PHONE_LOCALES = ["en_US", "en_US", "en_US", "en_GB", "de_DE", "fr_FR", "es_MX", "pt_BR", "ja_JP", "en_IN"]
IBAN_LOCALES = ["en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT", "pl_PL", "pt_PT", "fi_FI",
                "de_AT", "de_CH", "nl_BE", "no_NO", "en_IE", "da_DK", "cs_CZ"]
ADDRESS_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR"]
CARD_TYPES = ["visa16", "visa13", "visa19", "mastercard", "amex", "discover", "maestro", "jcb", "diners"]
LOCALES = sorted(set(NAME_LOCALES + PHONE_LOCALES + IBAN_LOCALES + ADDRESS_LOCALES))

RESERVED_NETWORKS = [ipaddress.ip_network(n) for n in
                     ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
# UK national numbers (without the leading 0) of Ofcom's drama ranges that Veil mints.
RESERVED_UK_PREFIXES = ("7700900", "2079460", "1614960")
GENERATIONAL_SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV", "V"}


# ---- reserved ranges -------------------------------------------------------------------

def is_reserved_ip(value):
    address = ipaddress.ip_address(value)
    return any(address in network for network in RESERVED_NETWORKS)


def phone_digits(value):
    """The digits of a phone number, extension (x123) left out."""
    return re.sub(r"\D", "", value.split("x")[0])


def is_reserved_nanp(digits):
    if len(digits) == 13 and digits.startswith("001"):
        digits = digits[3:]
    elif len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return len(digits) == 10 and digits[3:6] == "555" and 100 <= int(digits[6:]) <= 199


def is_reserved_uk(digits):
    if digits.startswith("44"):
        national = digits[2:]
        national = national[1:] if national.startswith("0") else national  # "+44 (0)20 ..."
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return False
    return national.startswith(RESERVED_UK_PREFIXES)


def is_reserved_phone(value):
    digits = phone_digits(value)
    return is_reserved_nanp(digits) or is_reserved_uk(digits)


# ---- values ----------------------------------------------------------------------------

class Values:
    """Faker values by slot name; each call returns (text before the span, span, text after)."""

    def __init__(self, fake, rng):
        self.fake = fake
        self.rng = rng

    def pick(self, options):
        return self.rng.choice(options)

    def until(self, make, reserved):
        value = make()
        while reserved(value):
            value = make()
        return value

    def person(self):
        locale = self.pick(NAME_LOCALES)
        return split_titles(self.fake[locale], self.fake[locale].name())

    def phone(self):
        locale = self.pick(PHONE_LOCALES)
        return "", self.until(self.fake[locale].phone_number, is_reserved_phone), ""

    def email(self):
        make = self.pick([self.fake["en_US"].email, self.fake["en_US"].free_email,
                          self.fake["en_GB"].email, self.fake["de_DE"].free_email])
        return "", make(), ""

    def ssn(self):
        return "", self.fake["en_US"].ssn(), ""

    def ein(self):
        return "", self.fake["en_US"].ein(), ""

    def card(self):
        return "", self.fake["en_US"].credit_card_number(card_type=self.pick(CARD_TYPES)), ""

    def iban(self):
        return "", self.fake[self.pick(IBAN_LOCALES)].iban(), ""

    def ip(self):
        make = self.fake["en_US"].ipv4_public if self.rng.random() < 0.65 else self.fake["en_US"].ipv6
        return "", self.until(make, is_reserved_ip), ""

    def passport(self):
        return "", self.fake["en_US"].passport_number(), ""

    def aadhaar(self):
        return "", self.fake["en_IN"].aadhaar_id(), ""

    def address(self):
        locale = self.pick(ADDRESS_LOCALES)
        fake = self.fake[locale]
        if self.rng.random() < 0.5:
            text = fake.address()
        elif locale == "en_US":
            text = "%s, %s, %s %s" % (fake.street_address(), fake.city(), fake.state_abbr(), fake.postcode())
        elif locale == "en_GB":
            text = "%s, %s, %s" % (fake.street_address(), fake.city(), fake.postcode())
        else:
            text = "%s, %s %s" % (fake.street_address(), fake.postcode(), fake.city())
        return "", text.replace("\n", ", "), ""


def split_titles(fake, name):
    """(titles, name, degrees): a name() value with the locale's titles and degrees apart."""
    titles, degrees = person_affixes(fake)
    words = name.split(" ")
    before, after = [], []
    while len(words) > 1 and words[0] in titles:
        before.append(words.pop(0))
    while len(words) > 1 and words[-1] in degrees:
        after.insert(0, words.pop())
    return (" ".join(before) + " " if before else "", " ".join(words),
            " " + " ".join(after) if after else "")


def person_affixes(fake):
    titles, suffixes = set(), set()
    for provider in fake.providers:
        if ".person." not in type(provider).__module__:
            continue
        for attribute in ("prefixes_male", "prefixes_female", "prefixes_nonbinary"):
            titles.update(getattr(provider, attribute, ()) or ())
        for attribute in ("suffixes_male", "suffixes_female", "suffixes_nonbinary", "suffixes"):
            suffixes.update(getattr(provider, attribute, ()) or ())
    return titles, suffixes - GENERATIONAL_SUFFIXES


# Slots in templates: {slot} is a labelled value; {:filler} is unlabelled text.
LABELLED = {
    "name": ("PERSON", Values.person),
    "phone": ("PHONE_NUMBER", Values.phone),
    "email": ("EMAIL_ADDRESS", Values.email),
    "ssn": ("US_SSN", Values.ssn),
    "ein": ("US_EIN", Values.ein),
    "card": ("CREDIT_CARD", Values.card),
    "iban": ("IBAN_CODE", Values.iban),
    "ip": ("IP_ADDRESS", Values.ip),
    "passport": ("PASSPORT", Values.passport),
    "aadhaar": ("IN_AADHAAR", Values.aadhaar),
    "address": ("STREET_ADDRESS", Values.address),
}

FILLERS = {
    "date": lambda f: f["en_US"].date(),
    "time": lambda f: f["en_US"].time(pattern="%H:%M"),
    "order": lambda f: f["en_US"].bothify("#######"),
    "ticket": lambda f: f["en_US"].bothify("??-####").upper(),
    "amount": lambda f: f["en_US"].pricetag(),
    "company": lambda f: f["en_US"].company(),
    "word": lambda f: f["en_US"].word(),
}


# ---- templates -------------------------------------------------------------------------

FORMS = [
    "Full name: {name}\nEmail: {email}\nPhone: {phone}",
    "Name: {name}\nSSN: {ssn}\nDate of birth: {:date}",
    "Applicant: {name}\nHome address: {address}\nMobile: {phone}",
    "Payee: {:company}\nEIN: {ein}\nBank account (IBAN): {iban}",
    "Cardholder: {name}\nCard number: {card}\nAmount: {:amount}",
    "Traveller: {name}\nPassport no.: {passport}\nContact: {email}",
    "Employee: {name}\nAadhaar: {aadhaar}\nPhone: {phone}",
    "Contact person | {name}\nTelephone | {phone}\nE-mail | {email}",
    "{name}\n{address}\n{phone}",
    "{name}, {email}, {phone}",
    "Vendor {:company} / tax id {ein} / remit to {iban}",
    "Billing address: {address}\nCard: {card}",
    "Registered IP: {ip}\nAccount holder: {name}\nReference: {:order}",
    "Beneficiary name: {name}\nIBAN: {iban}\nReference: invoice {:order}",
    "Tenant: {name}  Social security number: {ssn}  Move-in: {:date}",
    "Emergency contact: {name} ({phone})",
    "Ship to:\n{name}\n{address}",
    "{ssn} - {name} - {:date}",
    "Passport number {passport}, issued {:date}, holder {name}",
    "Login audit: user {email} from {ip} at {:time}",
]

CHAT = [
    "hey it's {name}, my number changed, new one is {phone}",
    "can you send the refund to {iban}? thanks",
    "my email is {email} if that helps",
    "just call me on {phone} after {:time}",
    "{phone} is my cell, text me",
    "sure, card is {card}, exp next year",
    "my ssn is {ssn} do you need anything else",
    "lol {name} said to cc {email}",
    "ok so the server is at {ip} but it keeps timing out",
    "tried again from {ip}, same error",
    "my aadhaar number is {aadhaar}",
    "passport {passport}, flying out on {:date}",
    "send it to {address} pls",
    "{name} here - reach me at {email} or {phone}",
    "i moved, new address: {address}",
    "can you add {name} to the thread? {email}",
    "the company EIN is {ein} if finance asks",
    "use {card} for the {:amount} charge",
    "whitelist {ip} and {ip} please",
    "number's {phone}, ask for {name}",
]

TICKETS = [
    "Ticket {:ticket}: Customer {name} reports a double charge on card {card}. Callback number {phone}.",
    "Subject: login problem\nUser {email} cannot sign in from {ip} since {:date}.",
    "Support case {:ticket}\nCaller: {name}\nCallback: {phone}\nIssue: wrong shipping address, should be {address}.",
    "Please update payroll for {name}: SSN {ssn}, direct deposit to {iban}.",
    "Escalation: {name} ({email}) disputes order {:order} for {:amount}.",
    "Firewall request: allow inbound 443 from {ip} for vendor {:company}.",
    "Incident {:ticket}: repeated failed logins from {ip} against the account of {name}.",
    "KYC check for {name}: Aadhaar {aadhaar}, mobile {phone}, email {email}.",
    "Visa application of {name}, passport {passport}, pending since {:date}.",
    "Refund {:amount} to IBAN {iban} (account holder {name}).",
    "W-9 received from {:company}, EIN {ein}, contact {name} at {phone}.",
    "Customer called from {phone} asking to change the card on file to {card}.",
    "Return label sent to {name}, {address}.",
    "Note from agent: spoke with {name}, confirmed identity with last SSN {ssn}.",
    "Bounce report: messages to {email} and {email} rejected on {:date}.",
    "Device {:word} last seen at {ip}, owner {email}.",
    "The customer gave {phone} as a second number and {email} for invoices.",
    "Chargeback on {card}, cardholder {name}, merchant {:company}.",
    "Address change requested by {name}: old {address}, new {address}.",
    "Please wire {:amount} to {iban}, reference {:order}.",
]

SHIPPING = [
    "Deliver to {name}, {address}. Phone on arrival: {phone}.",
    "Order {:order} ships to {address}",
    "Recipient: {name}\nAddress: {address}\nTel.: {phone}",
    "Invoice address\n{name}\n{address}",
    "{address} ({name})",
    "Pickup point changed to {address} for order {:order}.",
    "Courier could not reach {name} at {phone}; parcel returned to {address}.",
    "Gift for {name}, {address}, card message: happy birthday!",
    "Sender: {:company}, Receiver: {name}, {address}, {email}",
    "Address on the customs form: {address}",
]

THEMES = [("forms", FORMS, 80), ("chat", CHAT, 80), ("tickets", TICKETS, 80), ("shipping", SHIPPING, 60)]
SLOT = re.compile(r"\{(:?)(\w+)\}")


def fill(template, values, fake):
    """One example in the set format: labelled slots as ⟦LABEL|value⟧, fillers as text."""
    def one(match):
        if match.group(1):
            return FILLERS[match.group(2)](fake)
        label, make = LABELLED[match.group(2)]
        before, value, after = make(values)
        return "%s⟦%s|%s⟧%s" % (before, label, value, after)
    return SLOT.sub(one, template)


def theme_examples(templates, count, values, fake, rng):
    """Every template at least once (as far as count allows), the rest drawn at random."""
    chosen = list(templates)[:count]
    chosen += [rng.choice(templates) for _ in range(count - len(chosen))]
    rng.shuffle(chosen)
    return [fill(template, values, fake) for template in chosen]


def write_set(out_dir, seed):
    Faker.seed(seed)
    rng = random.Random(seed)
    fake = Faker(LOCALES)
    values = Values(fake, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    header = ("# Generated by benches/eval/faker_set.py --seed %d (Faker %s); do not edit.\n"
              % (seed, version("faker")))
    for theme, templates, count in THEMES:
        examples = theme_examples(templates, count, values, fake, rng)
        path = out_dir / (theme + ".txt")
        path.write_text(header + "\n---\n".join(examples) + "\n", encoding="utf-8")
        print("%s: %d examples" % (path, len(examples)), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    write_set(args.out_dir, args.seed)


if __name__ == "__main__":
    main()
