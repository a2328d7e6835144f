#!/usr/bin/env python3
"""Write a deterministic help-center corpus of N pages for the benchmark (scripts/bench).

    bench/gen_corpus.py --pages 1000 --out bench/work/1000

writes two trees holding byte-identical Markdown:

    OUT/site/   a helpcenter site: site.toml, content/ (pages, _index.md per section,
                data/contacts/*.yaml, synonyms.yaml); it uses the built-in theme
    OUT/hugo/   a Hugo site: hugo.toml and layouts/ (copied from bench/hugo) and content/
    OUT/zola/   a Zola site: config.toml and templates/ (copied from bench/zola) and content/,
                the same Markdown but for two lines Zola would refuse: sections' `tags:`
                (Zola's section front matter has no such field) and the contacts shortcode
                line (Zola would look for a `contacts` shortcode), written as plain text

Pages are ~1.2 KB of Markdown: front matter (title, description, weight, tags), headings, a
list, a three-row table of phone numbers, ordered steps, a code block on some pages, and links
to other pages (absolute pretty URLs that exist). 100 sections (10 top-level sections with 9
subsections each), an _index.md in each. One page in 50 places a YAML contact table with a
`{{ contacts(table="...") }}` shortcode alone on its line; Hugo reads that line as plain text
(Hugo's shortcodes are `{{< >}}` and `{{% %}}`).

Python 3 standard library only; the same --pages and --seed always give the same bytes.
"""

import argparse
import hashlib
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TOP_SECTIONS = [
    ("getting-started", "Getting started", ["welcome", "onboarding"]),
    ("billing", "Billing", ["billing", "invoices"]),
    ("technical-support", "Technical support", ["support", "TSC"]),
    ("customer-portal", "Customer portal", ["portal", "self-service"]),
    ("network-services", "Network services", ["network", "MPLS"]),
    ("voice-services", "Voice services", ["voice", "SIP"]),
    ("cloud-and-cdn", "Cloud and CDN", ["CDN", "cloud"]),
    ("security", "Security", ["security", "DDoS"]),
    ("account-management", "Account management", ["account", "team"]),
    ("contact-us", "Contact us", ["contacts", "phone numbers"]),
]

SUBSECTIONS = [
    ("orders", "Orders and delivery"),
    ("changes", "Changes and upgrades"),
    ("incidents", "Incidents and outages"),
    ("maintenance", "Programmed maintenance"),
    ("reports", "Reports and SLAs"),
    ("access", "Access and permissions"),
    ("invoices", "Invoices and payments"),
    ("faq", "Frequently asked questions"),
    ("policies", "Policies and procedures"),
]

VERBS = ["Requesting", "Changing", "Cancelling", "Checking", "Reporting", "Updating", "Tracking",
         "Configuring", "Renewing", "Escalating", "Reviewing", "Activating", "Moving",
         "Troubleshooting", "Scheduling", "Downloading"]
OBJECTS = ["a bandwidth upgrade", "your billing contact", "a trouble ticket", "an SLA report",
           "a SIP trunk", "the portal password", "a purchase order number", "a CDN property",
           "a firewall rule", "an IP address block", "a circuit move", "a maintenance window",
           "your invoice address", "a DDoS mitigation policy", "a new site", "a voice number port",
           "portal users", "a service credit", "a payment", "the escalation matrix",
           "a router configuration", "a cloud connection", "a DNS zone", "an MPLS VPN"]
AUDIENCE = ["administrators", "billing contacts", "network engineers", "all customers",
            "portal users", "account owners"]
ADJ = ["quickly", "without a ticket", "from the portal", "by phone", "in a few steps",
       "before the change window"]
NOUNS = ["ticket", "order", "invoice", "circuit", "request", "change", "service", "contract"]

SENTENCES = [
    "This page explains how to handle {obj} {adj} and what to expect afterwards.",
    "It is written for {aud} who manage services in more than one country.",
    "Keep your {noun} number at hand: the Technical Service Center asks for it first.",
    "Most {noun}s are confirmed within one business day, and you receive an e-mail at each step.",
    "If the {noun} affects several sites, list every site ID so that nothing is missed.",
    "Your account manager can help when the {noun} involves a contract change.",
    "Changes requested after 16:00 local time are processed on the next business day.",
    "The portal keeps the full history of each {noun}, including notes from our engineers.",
]
ITEMS = [
    "the {noun} number shown in the portal",
    "the site ID and the service ID of each circuit",
    "a contact who can give remote access on site",
    "the time window in which we may work, in local time",
    "the purchase order number, when your company requires one",
    "a short description of the symptom and when it started",
    "the e-mail addresses that must receive updates",
    "screenshots or logs that show the problem",
]
STEPS = [
    "Sign in to the customer portal with your corporate account.",
    "Open **Tickets** and choose **New request**.",
    "Select the service and the site the {noun} is about.",
    "Describe what you need and attach any documents.",
    "Review the summary and submit the {noun}.",
    "Note the reference number shown on the confirmation page.",
    "Answer the engineer's questions in the {noun} thread to keep it moving.",
    "Close the {noun} once you have checked that everything works.",
]
HOURS = ["24/7", "Mon-Fri 8:00-18:00", "Mon-Sat 7:00-22:00", "Business days 9:00-17:00"]

# Realistic, valid numbers per country: (country, ISO code, local format, toll-free format).
# "#" is replaced by a random digit; every pattern is a valid number of its country.
COUNTRIES = [
    ("Argentina", "AR", "+54-11-5170-####", "0800-800-####"),
    ("Brazil", "BR", "+55-11-3957-####", "0800-887-####"),
    ("Chile", "CL", "+56-2-2422-####", "800-360-###"),
    ("Colombia", "CO", "+57-601-611-####", "01-8000-11####"),
    ("Ecuador", "EC", "+593-2-400-####", "1800-400-###"),
    ("Mexico", "MX", "+52-55-2581-####", "800-999-####"),
    ("Peru", "PE", "+51-1-705-####", "0800-7-0###"),
    ("Costa Rica", "CR", "+506-2205-####", "800-011-####"),
    ("Panama", "PA", "+507-340-####", "800-####"),
    ("Uruguay", "UY", "+598-2-902-####", "0800-8###"),
    ("Venezuela", "VE", "+58-212-204-####", "0800-285-####"),
    ("United States", "US", "+1-305-808-####", "+1-800-467-####"),
    ("Guatemala", "GT", "+502-2386-####", "1-801-81-#####"),
    ("Spain", "ES", "+34-91-123-####", "900-800-###"),
]

CODE_BLOCKS = [
    ("sh", "curl -s https://api.example.com/v1/tickets \\\n  -H \"Authorization: Bearer $TOKEN\" \\\n  -d '{\"service\": \"SVC-10422\", \"priority\": 2}'"),
    ("json", "{\n  \"ticket\": \"TT-{n}\",\n  \"status\": \"open\",\n  \"site\": \"BR-SAO-01\"\n}"),
    ("text", "interface GigabitEthernet0/1\n description WAN to provider\n ip address 203.0.113.{d} 255.255.255.252"),
]


def slugify(text):
    out, dash = [], False
    for ch in text.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def fill(rng, pattern):
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def yaml_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(title, description, weight, tags):
    tag_list = ", ".join(tags)
    return (f"---\ntitle: {yaml_str(title)}\ndescription: {yaml_str(description)}\n"
            f"weight: {weight}\ntags: [{tag_list}]\n---\n\n")


class Corpus:
    def __init__(self, pages, seed):
        self.rng = random.Random(seed)
        self.pages = pages
        # Sections: 10 top-level, each with 9 subsections = 100 sections.
        self.sections = []  # (path, title, tags)
        for slug, title, tags in TOP_SECTIONS:
            self.sections.append((slug, title, tags))
            for sub, sub_title in SUBSECTIONS:
                self.sections.append((f"{slug}/{sub}", f"{title}: {sub_title.lower()}", tags + [sub]))
        # Pages, spread round-robin over the sections; titles unique within a section.
        self.page_list = []  # (section index, slug, title, object)
        used = set()
        for i in range(pages):
            s = i % len(self.sections)
            obj = self.rng.choice(OBJECTS)
            title = f"{self.rng.choice(VERBS)} {obj}"
            slug = slugify(title)
            n = 2
            base = slug
            while (s, slug) in used:
                slug = f"{base}-{n}"
                n += 1
            used.add((s, slug))
            self.page_list.append((s, slug, title, obj))
        # Contact tables: one per 50 pages (at least 4), each placed on one page.
        self.tables = {}  # page index -> table id
        count = max(4, pages // 50)
        for t in range(count):
            self.tables[(t * 50 + 7) % pages] = f"support-{t + 1:03d}"

    def url(self, page_index):
        s, slug, _, _ = self.page_list[page_index]
        return f"/{self.sections[s][0]}/{slug}/"

    def page(self, i):
        rng = self.rng
        s, _slug, title, obj = self.page_list[i]
        section_path, section_title, section_tags = self.sections[s]
        noun = rng.choice(NOUNS)
        ctx = dict(obj=obj, adj=rng.choice(ADJ), aud=rng.choice(AUDIENCE), noun=noun)
        description = f"How to handle {obj} {ctx['adj']} and who to call."
        tags = section_tags[:2] + [slugify(noun)]
        out = [front_matter(title, description, (i // len(self.sections) + 1) * 10, tags)]
        intro = [t.format(**ctx) for t in rng.sample(SENTENCES, 2)]
        other = rng.randrange(self.pages)
        _, _, other_title, _ = self.page_list[other]
        out.append(" ".join(intro) + f" See also [{other_title.lower()}]({self.url(other)}).\n\n")
        out.append("## Before you start\n\nHave the following ready:\n\n")
        for item in rng.sample(ITEMS, 3):
            out.append(f"- {item.format(**ctx)}\n")
        out.append("\n## Who to call\n\n| Country | Phone | Hours |\n|---|---|---|\n")
        for name, _iso, local, _tf in rng.sample(COUNTRIES, 3):
            out.append(f"| {name} | {fill(rng, local)} | {rng.choice(HOURS)} |\n")
        table = self.tables.get(i)
        if table:
            out.append(f"\n## Support numbers by country\n\n{{{{ contacts(table=\"{table}\") }}}}\n")
        out.append("\n## Steps\n\n")
        first = rng.randrange(len(STEPS) - 3)
        for n, step in enumerate(STEPS[first:first + 4], 1):
            out.append(f"{n}. {step.format(**ctx)}\n")
        if i % 3 == 0:
            lang, code = rng.choice(CODE_BLOCKS)
            code = code.replace("{n}", str(100000 + i)).replace("{d}", str(1 + i % 250))
            out.append(f"\n```{lang}\n{code}\n```\n")
        related = rng.randrange(self.pages)
        out.append(f"\nNext, read [{self.page_list[related][2].lower()}]"
                   f"({self.url(related)}) or go back to [{section_title}](/{section_path}/).\n")
        return "".join(out)

    def section_index(self, s):
        path, title, tags = self.sections[s]
        body = (f"Everything about {title.lower()}: requests, contacts and procedures for your "
                f"services in Latin America.\n\n## In this section\n\n")
        members = [i for i in range(s, self.pages, len(self.sections))][:5]
        for i in members:
            body += f"- [{self.page_list[i][2]}]({self.url(i)})\n"
        if not members:
            body += "- No pages yet.\n"
        return front_matter(title, f"Help with {title.lower()}.", (s + 1) * 10, tags[:2]) + body

    def home(self):
        body = "Welcome to the Example Help Center.\n\n## Find what you need\n\n"
        for slug, title, _ in TOP_SECTIONS:
            body += f"- [{title}](/{slug}/)\n"
        return front_matter("Example Help Center", "Support, billing and services help.", 0,
                            ["welcome"]) + body

    def contact_table(self, table):
        rng = self.rng
        n = int(table.split("-")[1])
        lines = [f"title: Support phone numbers, group {n}",
                 "description: Call the Technical Service Center 24/7/365 in your country.",
                 "rows:"]
        for name, iso, local, tollfree in rng.sample(COUNTRIES, rng.randrange(4, 9)):
            lines.append(f"  - location: {name}")
            lines.append(f"    countries: [{iso}]")
            lines.append(f"    toll_free: [{yaml_str(fill(rng, tollfree))}]")
            lines.append(f"    local: [{yaml_str(fill(rng, local))}, {yaml_str(fill(rng, local))}]")
            lines.append(f"    emails: [support-{iso.lower()}@example.com]")
            lines.append(f"    services: {rng.choice(['Data, Voice, CDN', 'Managed Voice', 'Security', 'Cloud Connect'])}")
        lines.append("notes:\n  - You can also open a ticket yourself in the customer portal.")
        return "\n".join(lines) + "\n"


SITE_TOML = """title = "Example Help Center"
description = "Generated benchmark corpus ({pages} pages)."
base_url = "https://help.example.com"
language = "en"
theme = "default"
"""

SYNONYMS = """- [TT, trouble ticket, ticket]
- [SLA, service level agreement]
- [CDN, content delivery network]
- [PO, purchase order]
"""


class Tree:
    """Writes files only when their bytes change and deletes what a run did not write.

    Rewriting an unchanged corpus would delete and create 20,000 files, and on ext4 without
    a journal freshly freed inodes slow every file created in the next minutes (see
    scripts/bench): the timed builds would pay for it.
    """

    def __init__(self, roots):
        self.roots = roots
        self.kept = set()

    def write(self, path, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.kept.add(path)
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def copy_tree(self, src, dst):
        for root, _dirs, names in os.walk(src):
            for name in names:
                source = Path(root) / name
                self.write(dst / source.relative_to(src), source.read_bytes())

    def remove_the_rest(self):
        for top in self.roots:
            for root, _dirs, names in os.walk(top, topdown=False):
                for name in names:
                    if Path(root) / name not in self.kept:
                        (Path(root) / name).unlink()
                if not os.listdir(root):
                    os.rmdir(root)


def for_zola(rel, text):
    """TEXT as Zola accepts it (see the docstring)."""
    lines = text.split("\n")
    if rel.endswith("_index.md"):
        lines = [l for l in lines if not l.startswith("tags: ")]
    return "\n".join(f"Contacts: {l[3:-3].strip()}" if l.startswith("{{ contacts(") else l
                     for l in lines)


def generate(pages, out, seed):
    corpus = Corpus(pages, seed)
    site, hugo, zola = out / "site", out / "hugo", out / "zola"
    tree = Tree([site / "content", hugo / "content", zola / "content", site / "themes",
                 hugo / "layouts", zola / "templates"])
    write = tree.write
    write(site / "site.toml", SITE_TOML.format(pages=pages))
    tree.copy_tree(REPO / "bench" / "hugo" / "layouts", hugo / "layouts")
    write(hugo / "hugo.toml", (REPO / "bench" / "hugo" / "hugo.toml").read_bytes())
    tree.copy_tree(REPO / "bench" / "zola" / "templates", zola / "templates")
    write(zola / "config.toml", (REPO / "bench" / "zola" / "config.toml").read_bytes())

    digest = hashlib.sha256()

    def both(rel, text):
        digest.update(f"{rel}\0{text}\0".encode())
        write(site / "content" / rel, text)
        write(hugo / "content" / rel, text)
        write(zola / "content" / rel, for_zola(rel, text))

    total = 0
    both("_index.md", corpus.home())
    for s in range(len(corpus.sections)):
        both(f"{corpus.sections[s][0]}/_index.md", corpus.section_index(s))
    for i in range(pages):
        text = corpus.page(i)
        total += len(text.encode())
        s, slug, _, _ = corpus.page_list[i]
        both(f"{corpus.sections[s][0]}/{slug}.md", text)
    for i in sorted(corpus.tables):
        table = corpus.tables[i]
        text = corpus.contact_table(table)
        digest.update(f"{table}\0{text}\0".encode())
        write(site / "content" / "data" / "contacts" / f"{table}.yaml", text)
    write(site / "content" / "synonyms.yaml", SYNONYMS)
    tree.remove_the_rest()
    return corpus, total, digest.hexdigest()[:12]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    if args.pages < 1:
        sys.exit("--pages must be at least 1")
    corpus, total, digest = generate(args.pages, args.out, args.seed)
    print(f"Generated {args.pages} pages in {len(corpus.sections)} sections "
          f"({total / args.pages:.0f} bytes per page on average), {len(corpus.tables)} contact "
          f"tables, corpus sha256 {digest} → {args.out}/site, {args.out}/hugo and {args.out}/zola")


if __name__ == "__main__":
    main()
