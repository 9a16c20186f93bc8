"""The record as one language's readers see it: references resolved, regions expanded,
texts picked for the language, enumerations and retention turned into sentences.

Templates receive this plain structure and only lay it out and escape it.
"""

from __future__ import annotations

import functools
from typing import Any

from ropa.countries import CountryData
from ropa.i18n import Formatter, translations
from ropa.record import Entity, Record

BASES = ("consent", "contract", "legal_obligation", "vital_interests", "public_task",
         "legitimate_interests")  # fmt: skip
STATEMENTS = ("legitimate_interest_balance", "complaint_handling", "processor_safeguards",
              "processor_kinds")  # fmt: skip
RIGHTS = ("access", "rectification", "erasure", "restriction", "objection", "portability",
          "complaint")  # fmt: skip


class View:
    """Builds the view of a record in one language."""

    def __init__(
        self,
        record: Record,
        countries: CountryData,
        lang: str,
        changelog: bool = False,
        last_updated: str | None = None,
    ) -> None:
        self.changelog = changelog
        self.last_updated = last_updated
        self.record = record
        self.countries = countries
        self.lang = lang
        self.fmt = Formatter(lang)
        catalog = translations(lang)
        self._ = catalog.gettext
        self.n_ = catalog.ngettext
        controller = record.controller
        assert controller is not None, "render runs only on a validated record"
        self.controller = controller

    # --- small helpers -------------------------------------------------------------------

    def text(self, value: Any) -> str:
        """A per-language text or a plain name, in this view's language."""
        if isinstance(value, dict):
            return str(value[self.lang])
        return "" if value is None else str(value)

    def opt(self, value: Any) -> str | None:
        return None if value is None else self.text(value)

    def place_name(self, code: str) -> str:
        if code == "EU":
            return self._("EU")
        if code == "EEA":
            return self._("EEA")
        return self.fmt.country(self.countries.canonical(code) or code)

    def basis_label(self, basis: str) -> str:
        return self._basis_labels[basis]

    @functools.cached_property
    def _basis_labels(self) -> dict[str, str]:
        _ = self._
        return {
            "consent": _("Consent"),
            "contract": _("Contract"),
            "legal_obligation": _("Legal obligation"),
            "vital_interests": _("Vital interests"),
            "public_task": _("Public interest or official authority"),
            "legitimate_interests": _("Legitimate interests"),
        }

    def channel(self, channel: dict[str, Any], describe: bool = True) -> str:
        _ = self._
        kind = channel["kind"]
        address = channel.get("address") or self.controller.get("email")
        sentence = {
            "email": _("by e-mail to %(address)s") % {"address": address},
            "unsubscribe_link": _("by following the opt-out instructions in the marketing message"),
            "cookie_banner": _("through the cookie banner on our website"),
            "web_form": _("through the form at %(address)s") % {"address": address},
            "account_settings": _("in your account settings"),
            "postal_mail": _("by post"),
            "other": "",
        }[kind]
        description = self.opt(channel.get("description")) if describe or not sentence else None
        if description:
            return f"{sentence}. {description}" if sentence else description
        return sentence

    # --- retention -----------------------------------------------------------------------

    def retention(self, rule: dict[str, Any]) -> str:
        """A retention rule as a sentence fragment, e.g. 'senast 24 månader efter ...'."""
        _, n_ = self._, self.n_
        parts: list[str] = []
        if "until" in rule:
            parts.append(
                {
                    "contract_obligations_fulfilled": _(
                        "as long as necessary to fulfil our contractual obligations"
                    ),
                    "purpose_fulfilled": _("as long as necessary to achieve the purpose"),
                    "end_of_contract": _("until the contract ends"),
                    "end_of_customer_relationship": _("until the customer relationship ends"),
                    "end_of_recruitment": _("until the recruitment process has ended"),
                    "consent_withdrawn": _("until you withdraw your consent"),
                    "objection": _("until you object to the processing"),
                }[rule["until"]]
            )
        if "period" in rule:
            event = {
                "last_activity": _("the last recorded activity"),
                "application_deadline": _("the deadline for submitting the application"),
                "collection": _("the data was collected"),
                "end_of_contract": _("the contract ended"),
                "end_of_customer_relationship": _("the customer relationship ended"),
                "end_of_recruitment": _("the recruitment process ended"),
                "consent_withdrawn": _("consent was withdrawn"),
                "end_of_financial_year": _("the end of the financial year"),
                "event": _("the event"),
            }[rule["after"]]
            count, unit, limit = rule["period"], rule["unit"], rule.get("limit", "exactly")
            phrases = {
                ("at_latest", "days"): n_(
                    "at the latest %(num)d day after %(event)s",
                    "at the latest %(num)d days after %(event)s",
                    count,
                ),
                ("at_latest", "weeks"): n_(
                    "at the latest %(num)d week after %(event)s",
                    "at the latest %(num)d weeks after %(event)s",
                    count,
                ),
                ("at_latest", "months"): n_(
                    "at the latest %(num)d month after %(event)s",
                    "at the latest %(num)d months after %(event)s",
                    count,
                ),
                ("at_latest", "years"): n_(
                    "at the latest %(num)d year after %(event)s",
                    "at the latest %(num)d years after %(event)s",
                    count,
                ),
                ("up_to", "days"): n_(
                    "up to %(num)d day after %(event)s",
                    "up to %(num)d days after %(event)s",
                    count,
                ),
                ("up_to", "weeks"): n_(
                    "up to %(num)d week after %(event)s",
                    "up to %(num)d weeks after %(event)s",
                    count,
                ),
                ("up_to", "months"): n_(
                    "up to %(num)d month after %(event)s",
                    "up to %(num)d months after %(event)s",
                    count,
                ),
                ("up_to", "years"): n_(
                    "up to %(num)d year after %(event)s",
                    "up to %(num)d years after %(event)s",
                    count,
                ),
                ("exactly", "days"): n_(
                    "%(num)d day after %(event)s", "%(num)d days after %(event)s", count
                ),
                ("exactly", "weeks"): n_(
                    "%(num)d week after %(event)s", "%(num)d weeks after %(event)s", count
                ),
                ("exactly", "months"): n_(
                    "%(num)d month after %(event)s", "%(num)d months after %(event)s", count
                ),
                ("exactly", "years"): n_(
                    "%(num)d year after %(event)s", "%(num)d years after %(event)s", count
                ),
            }
            period = phrases[(limit, unit)] % {"num": count, "event": event}
            if rule.get("typically"):
                period = _("typically %(period)s") % {"period": period}
            parts.append(period)
        sentence = ", ".join(parts)
        note = self.opt(rule.get("note"))
        return f"{sentence}, {note}" if note else sentence

    def retention_items(
        self, rules: list[dict[str, Any]], register: Entity | None = None
    ) -> list[dict[str, Any]]:
        names = {
            item.get("id"): self.text(item.get("name"))
            for item in (register.get("personal_data") or [] if register else [])
        }
        items = []
        for rule in rules:
            applies_to = self.opt(rule.get("applies_to"))
            if applies_to is None and rule.get("data"):
                applies_to = "; ".join(names[d] for d in rule["data"] if d in names) or None
            items.append({"applies_to": applies_to, "period": self.retention(rule)})
        return items

    # --- the whole page ------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        record, c = self.record, self.controller.data
        processors = record.index("processors")
        registers = record.registers
        controller_registers = [r for r in registers if r.get("role") == "controller"]
        transfers = self._transfers()
        # Indexes built once, so the page costs the same per processor at any size.
        safeguards: dict[str, list[dict[str, Any]]] = {}
        for row in transfers:
            safeguards.setdefault(row["system"], []).append(row)
        return {
            "lang": self.lang,
            "languages": [
                {"code": code, "name": self.fmt.language(code)} for code in record.languages
            ],
            "controller": self._controller(c),
            "policy": self._policy(
                {**c["policy"], "last_updated": self.last_updated or c["policy"]["last_updated"]}
            ),
            "changelog": f"changelog.{self.lang}.html" if self.changelog else None,
            "data_categories": [
                self.text(d.get("name")) for d in record.catalogues["data_categories"]
            ],
            "special_categories": self._special_categories(),
            "sources": self._sources(),
            "purpose_groups": self._purpose_groups(controller_registers),
            "processor_registers": [
                {
                    "name": self.text(r.get("name")),
                    "description": self.opt(r.get("description")),
                    "privacy_page": r.get("privacy_page"),
                }
                for r in registers
                if r.get("role") == "processor"
            ],
            "bases": self._bases(controller_registers),
            "statements": {
                key: self.opt((c.get("statements") or {}).get(key)) for key in STATEMENTS
            },
            "recipients": [self._recipient(r) for r in record.catalogues["recipients"]],
            "processors": [self._processor(p, safeguards) for p in record.catalogues["processors"]],
            "all_dpas_signed": all(
                (p.get("dpa") or {}).get("signed") for p in record.catalogues["processors"]
            ),
            "transfers": transfers,
            "retention": {
                "general": self.retention_items(c.get("retention") or []),
                "registers": [
                    {
                        "name": self.text(r.get("name")),
                        "rules": self.retention_items(r.get("retention"), r),
                    }
                    for r in controller_registers
                    if r.get("retention")
                ],
            },
            "rights": self._rights(c["rights"]),
            "marketing": [
                self._marketing(r)
                for r in controller_registers
                if r.get("profiling") or r.get("opt_out")
            ],
            "registers": [self._register(r, processors) for r in registers],
            "cookies": self._cookies(c.get("cookies")),
        }

    def _controller(self, c: dict[str, Any]) -> dict[str, Any]:
        authority = c["supervisory_authority"]
        address = c.get("address")
        return {
            "name": self.text(c["name"]),
            "short_name": c.get("short_name") or self.text(c["name"]),
            "business_id": c.get("business_id"),
            "address": self._address(address) if address else None,
            "website": c.get("website"),
            "email": c["email"],
            "phone": c.get("phone"),
            "dpo": self._contact(c.get("dpo")),
            "representative": self._contact(c.get("representative")),
            "joint_controllers": [
                {**self._contact(j), "essence": self.opt(j.get("essence"))}  # type: ignore[dict-item]
                for j in c.get("joint_controllers") or []
            ],
            "authority": {
                "name": self.text(authority["name"]),
                "website": authority.get("website"),
                "email": authority.get("email"),
                "country": self.place_name(authority["country"]),
            },
        }

    def _address(self, address: dict[str, Any]) -> list[str]:
        postal = " ".join(p for p in (address.get("postal_code"), address["city"]) if p)
        return [address["street"], postal, self.place_name(address["country"])]

    def _contact(self, contact: dict[str, Any] | None) -> dict[str, Any] | None:
        if not contact:
            return None
        return {
            "name": self.text(contact["name"]),
            "email": contact.get("email"),
            "phone": contact.get("phone"),
            "website": contact.get("website"),
            "address": self._address(contact["address"]) if contact.get("address") else None,
        }

    def _policy(self, policy: dict[str, Any]) -> dict[str, Any]:
        _ = self._
        months = policy["review_interval_months"]
        if months == 12:
            review = _("at least once a year")
        else:
            review = self.n_(
                "at least every %(num)d month", "at least every %(num)d months", months
            ) % {"num": months}
        channels = {
            "email": _("by sending an e-mail"),
            "website": _("by publishing a notice on our company website"),
            "social_media": _("on our social media pages"),
        }
        return {
            "last_updated": self.fmt.date(policy["last_updated"]),
            "last_updated_iso": policy["last_updated"],
            "review": review,
            "change_notice": self.fmt.join([channels[c] for c in policy.get("change_notice", [])]),
        }

    def _special_categories(self) -> bool:
        categories = self.record.index("data_categories")
        for register in self.record.registers:
            for item in register.get("personal_data") or []:
                if item.get("special_category"):
                    return True
                general = categories.get(item.get("category") or "")
                if general is not None and general.get("special_category"):
                    return True
        return False

    def _sources(self) -> dict[str, Any]:
        sources = self.record.catalogues["sources"]
        return {
            "regular": [self.text(s.get("name")) for s in sources if not s.get("occasional")],
            "occasional": [self.text(s.get("name")) for s in sources if s.get("occasional")],
            "tracking": any(s.get("kind") == "tracking" for s in sources),
        }

    def _purpose(self, register: Entity, purpose: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": self.text(purpose["name"]),
            "register": self.text(register.get("name")),
            "description": self.opt(purpose.get("description")),
            "bases": [self.basis_label(b["basis"]) for b in purpose["legal_bases"]],
        }

    def _purpose_groups(self, registers: list[Entity]) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = [
            {"id": g.id, "name": self.text(g.get("name")), "purposes": []}
            for g in self.record.catalogues["purpose_groups"]
        ]
        by_id = {g["id"]: g for g in groups}
        other: list[dict[str, Any]] = []
        for register in registers:
            for purpose in register.get("purposes") or []:
                target = by_id.get(purpose.get("group"))
                (target["purposes"] if target else other).append(self._purpose(register, purpose))
        if other:
            groups.append({"id": "", "name": self._("Other purposes"), "purposes": other})
        return [g for g in groups if g["purposes"]]

    def _bases(self, registers: list[Entity]) -> list[dict[str, Any]]:
        found: dict[str, list[dict[str, Any]]] = {b: [] for b in BASES}
        for register in registers:
            for purpose in register.get("purposes") or []:
                for basis in purpose["legal_bases"]:
                    found[basis["basis"]].append(
                        {
                            "purpose": self.text(purpose["name"]),
                            "register": self.text(register.get("name")),
                            "interest": self.opt(basis.get("interest")),
                            "when": self.opt(basis.get("when")),
                            "law": self.opt(basis.get("law")),
                            "withdrawal_text": self.fmt.join(
                                [self.channel(ch) for ch in basis.get("withdrawal") or []], "or"
                            ),
                        }
                    )
        return [
            {"id": b, "label": self.basis_label(b), "uses": uses}
            for b, uses in found.items()
            if uses
        ]

    def _recipient(self, recipient: Entity) -> dict[str, Any]:
        return {
            "id": recipient.id,
            "kind": recipient.get("kind"),
            "name": self.text(recipient.get("name")),
            "description": self.opt(recipient.get("description")),
            "condition": self.opt(recipient.get("condition")),
        }

    def locations(self, codes: list[str]) -> str:
        return ", ".join(self.place_name(code) for code in codes)

    def _processor(
        self, processor: Entity, safeguards: dict[str, list[dict[str, Any]]]
    ) -> dict[str, Any]:
        system = self.text(processor.get("system"))
        return {
            "id": processor.id,
            "system": system,
            # The transfer-table rows of this system (matched by name, like the tables).
            "safeguards": safeguards.get(system, []),
            "legal_entity": processor.get("legal_entity"),
            "countries": list(processor.get("countries")),
            "location": self.locations(processor.get("countries")),
            "uses": [
                {
                    "register": self.text(r.get("name")),
                    "register_id": r.id,
                    "purpose": self.text(u["purpose"]),
                }
                for r, u in self.record.processor_uses.get(processor.id, [])
            ],
            "outside_eea": any(not self.countries.in_eea(c) for c in processor.get("countries")),
            "dpa": processor.get("dpa"),
            "transfers": [t["country"] for t in processor.get("transfers") or []],
        }

    def mechanism(self, mechanism: str) -> str:
        return self._mechanism_names[mechanism]

    @functools.cached_property
    def _mechanism_names(self) -> dict[str, str]:
        _ = self._
        return {
            "adequacy": _("Adequacy decision of the European Commission"),
            "dpf": _("EU-US Data Privacy Framework (adequacy decision for certified organisations)"),
            "public_authority_instrument": _("Legally binding instrument between public authorities"),
            "bcr": _("Binding corporate rules"),
            "scc_m1": _("Standard contractual clauses of the European Commission, module 1 (controller to controller)"),
            "scc_m2": _("Standard contractual clauses of the European Commission, module 2 (controller to processor)"),
            "scc_m3": _("Standard contractual clauses of the European Commission, module 3 (processor to processor)"),
            "scc_m4": _("Standard contractual clauses of the European Commission, module 4 (processor to controller)"),
            "sa_scc": _("Standard data protection clauses adopted by a supervisory authority"),
            "code_of_conduct": _("Approved code of conduct"),
            "certification": _("Approved certification mechanism"),
            "ad_hoc_clauses": _("Contractual clauses authorised by the supervisory authority"),
            "admin_arrangement": _("Administrative arrangement between public authorities"),
            "art49_explicit_consent": _("Your explicit consent (Art. 49(1)(a))"),
            "art49_contract_with_subject": _("Necessary for a contract with you (Art. 49(1)(b))"),
            "art49_contract_in_subject_interest": _("Necessary for a contract in your interest (Art. 49(1)(c))"),
            "art49_public_interest": _("Important reasons of public interest (Art. 49(1)(d))"),
            "art49_legal_claims": _("Legal claims (Art. 49(1)(e))"),
            "art49_vital_interests": _("Vital interests (Art. 49(1)(f))"),
            "art49_public_register": _("Transfer from a public register (Art. 49(1)(g))"),
            "art49_compelling_legitimate_interests": _("Compelling legitimate interests (Art. 49(1), second subparagraph)"),
        }  # fmt: skip

    def _transfers(self) -> list[dict[str, Any]]:
        rows = []
        for holder in (
            *self.record.catalogues["processors"],
            *self.record.catalogues["recipients"],
        ):
            for transfer in holder.get("transfers") or []:
                code = self.countries.canonical(transfer["country"]) or transfer["country"]
                mechanism = transfer["mechanism"]
                decision = self.countries.adequacy.get(code)
                # The US decision covers only DPF-certified organisations (Art. 13(1)(f)).
                adequate = decision is not None and (code != "US" or mechanism == "dpf")
                if mechanism in ("adequacy", "dpf") and decision is not None:
                    ground = decision.decision
                elif mechanism.startswith("scc_"):
                    ground = self._("Commission Implementing Decision (EU) 2021/914")
                else:
                    ground = self.countries.mechanisms[mechanism].article
                    ground = self._("GDPR Article %(article)s") % {"article": ground}
                rows.append(
                    {
                        "system": self.text(holder.get("system") or holder.get("name")),
                        "legal_entity": holder.get("legal_entity") or "",
                        "country_code": code,
                        "country": self.place_name(code),
                        "mechanism_id": mechanism,
                        "mechanism": self.mechanism(mechanism),
                        "adequacy": adequate,
                        "ground": ground,
                        "note": self.opt(transfer.get("note")),
                        "tia": transfer.get("tia"),
                    }
                )
        return rows

    def _rights(self, rights: dict[str, Any]) -> dict[str, Any]:
        _ = self._
        texts = {
            "access": _("Right of access: you may ask for an overview of the personal data we process about you and a copy of it."),
            "rectification": _("Right to rectification: you may ask us to correct inaccurate personal data."),
            "erasure": _("Right to erasure: you may ask us to erase your personal data."),
            "restriction": _("Right to restriction: you may ask us to restrict the processing of your personal data."),
            "objection": _("Right to object: you may object to processing based on our legitimate interests, and at any time to direct marketing."),
            "portability": _("Right to data portability: you may receive the data you have given us in a machine-readable form and have it transmitted to another controller."),
            "complaint": _("Right to lodge a complaint with a supervisory authority."),
        }  # fmt: skip
        available = [r for r in RIGHTS if r in rights["available"] and r != "complaint"]
        conditional = [r for r in RIGHTS if r in rights.get("where_applicable", [])]
        return {
            "available": [texts[r] for r in available],
            "where_applicable": [texts[r] for r in conditional],
            "complaint": "complaint" in rights["available"],
            "contact": rights.get("contact") or self.controller.get("email"),
            "request_handling": self.opt(rights.get("request_handling")),
            "scope": self.opt(rights.get("scope")),
        }

    def _marketing(self, register: Entity) -> dict[str, Any]:
        profiling = register.get("profiling")
        opt_out = register.get("opt_out")
        return {
            "register": self.text(register.get("name")),
            "profiling": {
                k: self.text(v) if not isinstance(v, bool) else v for k, v in profiling.items()
            }
            if profiling
            else None,
            "opt_out": {
                "channels": [self.channel(ch) for ch in opt_out["channels"]],
                "note": self.opt(opt_out.get("note")),
            }
            if opt_out
            else None,
        }

    def _register(self, register: Entity, processors: dict[str, Entity]) -> dict[str, Any]:
        systems = []
        for use in register.get("processors") or []:
            processor = processors[use["processor"]]
            systems.append(
                {
                    "system": self.text(processor.get("system")),
                    "legal_entity": processor.get("legal_entity"),
                    "location": self.locations(processor.get("countries")),
                    "purpose": self.text(use["purpose"]),
                }
            )
        return {
            "id": register.id,
            "name": self.text(register.get("name")),
            "role": register.get("role"),
            "description": self.opt(register.get("description")),
            "personal_data": [self.text(d["name"]) for d in register.get("personal_data") or []],
            "special_categories": any(
                d.get("special_category") for d in register.get("personal_data") or []
            ),
            "data_subjects": [self.text(d["name"]) for d in register.get("data_subjects") or []],
            "processing": [self.text(d["name"]) for d in register.get("processing") or []],
            "controllers": [self.text(d["name"]) for d in register.get("controllers") or []],
            "privacy_page": register.get("privacy_page"),
            "systems": systems,
            "last_reviewed": self.fmt.date(register.get("last_reviewed")),
        }

    def _cookies(self, cookies: dict[str, Any] | None) -> dict[str, Any] | None:
        if not cookies:
            return None
        recipients = self.record.index("recipients")
        return {
            "domains": cookies["domains"],
            "purposes": [self.text(p) for p in cookies["purposes"]],
            "recipients": [
                self._recipient(recipients[r])
                for r in cookies.get("recipients", [])
                if r in recipients
            ],
            "third_party": cookies.get("third_party", False),
            "consent_text": self.fmt.join(
                [self.channel(ch, describe=False) for ch in cookies["consent"]], "or"
            ),
            "consent_notes": [
                self.text(ch["description"])
                for ch in cookies["consent"]
                if ch.get("description") and ch["kind"] != "other"
            ],
            "notice_updated": self.fmt.date(cookies["notice_updated"])
            if cookies.get("notice_updated")
            else None,
            "notes": [self.text(n) for n in cookies.get("notes", [])],
        }
