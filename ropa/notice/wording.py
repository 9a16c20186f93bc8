"""The record's values in one language's words: texts picked for the language, places named,
enumerations (legal bases, transfer mechanisms, channels) and retention rules turned into
phrases. Shared by the pages, the export and the change log."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ropa.countries import Adequacy, CountryData
from ropa.i18n import Formatter, translations
from ropa.record import Entity, Record

BASES = ("consent", "contract", "legal_obligation", "vital_interests", "public_task",
         "legitimate_interests")  # fmt: skip
RIGHTS = ("access", "rectification", "erasure", "restriction", "objection", "portability",
          "complaint")  # fmt: skip


class Wording:
    """Words for the values of one record in one language."""

    def __init__(
        self,
        record: Record,
        countries: CountryData,
        lang: str,
        catalogs: Path | None = None,
    ) -> None:
        self.record = record
        self.countries = countries
        self.lang = lang
        self.fmt = Formatter(lang)
        catalog = translations(lang, catalogs=catalogs)
        self._ = catalog.gettext
        self.n_ = catalog.ngettext

    # --- texts and names -----------------------------------------------------------------

    def text(self, value: Any) -> str:
        """A per-language text or a plain name, in this language ("" when absent)."""
        if isinstance(value, dict):
            return str(value.get(self.lang, ""))
        return "" if value is None else str(value)

    def opt(self, value: Any) -> str | None:
        return self.text(value) or None

    def place_name(self, code: str) -> str:
        if code == "EU":
            return self._("EU")
        if code == "EEA":
            return self._("EEA")
        return self.fmt.country(self.countries.canonical(code) or code)

    def locations(self, codes: list[str]) -> str:
        return self.fmt.join([self.place_name(code) for code in codes])

    def basis_label(self, basis: str) -> str:
        return self._basis_labels[basis]

    @functools.cached_property
    def _basis_labels(self) -> dict[str, str]:
        _ = self._
        return {
            "consent": _("consent"),
            "contract": _("contract"),
            "legal_obligation": _("legal obligation"),
            "vital_interests": _("vital interests"),
            "public_task": _("public interest or official authority"),
            "legitimate_interests": _("legitimate interests"),
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
            "scc": _("Standard contractual clauses of the European Commission"),
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

    def ground(self, mechanism: str, country: str) -> str:
        """The legal ground of a transfer mechanism: the GDPR article and, for an adequacy
        decision or the SCCs, the Commission's decision."""
        _ = self._
        decision = self.countries.adequacy.get(country)
        if mechanism in ("adequacy", "dpf") and decision is not None:
            return _("GDPR Article 45; %(decision)s") % {"decision": self.citation(decision)}
        if mechanism.startswith("scc"):
            return _("GDPR Article 46(2)(c); Commission Implementing Decision (EU) 2021/914")
        article = self.countries.mechanisms[mechanism].article
        return _("GDPR Article %(article)s") % {"article": article}

    def citation(self, decision: Adequacy) -> str:
        """A short citation of an adequacy decision in this language: its number, or its date
        where the number is not known. The research notes stay in the country data."""
        _ = self._
        if decision.number:
            # The Community's acts are /EC in English, /EG in Swedish, /EY in Finnish.
            number = decision.number.replace("/EC", "/" + _("EC"))
            if decision.instrument == "decision":
                return _("Commission Decision %(number)s") % {"number": number}
            if decision.amended_by:
                return _(
                    "Commission Implementing Decision %(number)s, as amended by Implementing"
                    " Decision %(amendment)s"
                ) % {"number": number, "amendment": decision.amended_by}
            return _("Commission Implementing Decision %(number)s") % {"number": number}
        return _("Commission Implementing Decision of %(date)s") % {
            "date": self.fmt.date(decision.date)
        }

    def special_category(self, category: str) -> str:
        _ = self._
        return {
            "racial_ethnic_origin": _("racial or ethnic origin"),
            "political_opinions": _("political opinions"),
            "religious_philosophical_beliefs": _("religious or philosophical beliefs"),
            "trade_union_membership": _("trade union membership"),
            "genetic": _("genetic data"),
            "biometric_for_identification": _("biometric data for identification"),
            "health": _("health data"),
            "sex_life_sexual_orientation": _("data concerning sex life or sexual orientation"),
            "criminal_convictions": _("data on criminal convictions and offences"),
        }[category]

    def condition(self, condition: str) -> str:
        """An Art. 9(2) condition (or Art. 10 basis) in words, with its article."""
        _ = self._
        return {
            "explicit_consent": _("your explicit consent (Art. 9(2)(a))"),
            "employment_social_security": _("obligations in employment and social security law (Art. 9(2)(b))"),
            "vital_interests_incapable": _("vital interests where you cannot give consent (Art. 9(2)(c))"),
            "not_for_profit_body": _("the activities of a not-for-profit body (Art. 9(2)(d))"),
            "made_public_by_subject": _("data you have made public (Art. 9(2)(e))"),
            "legal_claims": _("legal claims (Art. 9(2)(f))"),
            "substantial_public_interest": _("substantial public interest (Art. 9(2)(g))"),
            "health_social_care": _("health or social care (Art. 9(2)(h))"),
            "public_health": _("public health (Art. 9(2)(i))"),
            "archiving_research_statistics": _("archiving, research or statistics (Art. 9(2)(j))"),
            "national_law_art10": _("national law on criminal offence data (Art. 10)"),
            "official_authority_art10": _("under the control of official authority (Art. 10)"),
        }[condition]  # fmt: skip

    # --- channels ------------------------------------------------------------------------

    def channel(self, channel: dict[str, Any], default_address: str | None = None) -> str:
        """How to reach us through a channel, as a phrase ('by e-mail to x@y')."""
        message, address = self.channel_message(channel, default_address)
        return message % {"address": address} if address else message

    def channel_message(
        self, channel: dict[str, Any], default_address: str | None = None
    ) -> tuple[str, str]:
        """The phrase of a channel with an `%(address)s` placeholder where it has one, and
        the address (e-mail, web or postal); ("", "") for a channel with no phrase."""
        _ = self._
        kind = channel["kind"]
        address = channel.get("address") or default_address or ""
        if kind == "email":
            return (_("by e-mail to %(address)s"), address) if address else ("", "")
        if kind == "web_form":
            return (_("through the form at %(address)s"), address) if address else ("", "")
        if kind == "postal_mail" and channel.get("address"):
            return _("by post to %(address)s"), channel["address"]
        return self._plain_channel(kind), ""

    def _plain_channel(self, kind: str) -> str:
        _ = self._
        return {
            "unsubscribe_link": _("by following the opt-out instructions in the marketing message"),
            "cookie_banner": _("through the cookie banner on our website"),
            "account_settings": _("in your account settings"),
            "postal_mail": _("by post"),
            "other": "",
        }[kind]

    # --- retention -----------------------------------------------------------------------

    def retention(self, rule: dict[str, Any]) -> str:
        """A retention rule as a phrase, e.g. 'at the latest 24 months after ...'."""
        _ = self._
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
                    "end_of_employment": _("until the employment ends"),
                    "end_of_recruitment": _("until the recruitment process has ended"),
                    "consent_withdrawn": _("until you withdraw your consent"),
                    "objection": _("until you object to the processing"),
                }[rule["until"]]
            )
        if "period" in rule:
            after = rule["after"]
            if after == "event":
                event = self.text(rule.get("event"))
            else:
                event = {
                    "last_activity": _("the last recorded activity"),
                    "application_deadline": _("the deadline for submitting the application"),
                    "collection": _("the data was collected"),
                    "end_of_contract": _("the contract ended"),
                    "end_of_customer_relationship": _("the customer relationship ended"),
                    "end_of_employment": _("the employment ended"),
                    "end_of_recruitment": _("the recruitment process ended"),
                    "consent_withdrawn": _("consent was withdrawn"),
                    "end_of_calendar_year": _("the end of the calendar year"),
                    "end_of_financial_year": _("the end of the financial year"),
                }[after]
            count, unit, limit = rule["period"], rule["unit"], rule.get("limit", "exactly")
            period = self._period(limit, unit, count) % {"num": count, "event": event}
            if rule.get("typically"):
                period = _("typically %(period)s") % {"period": period}
            parts.append(period)
        phrase = ", ".join(parts)
        law = self.text(rule.get("law"))
        if law:
            phrase = _("%(period)s, as required by %(law)s") % {"period": phrase, "law": law}
        return phrase

    def _period(self, limit: str, unit: str, count: int) -> str:
        n_ = self.n_
        table = {
            ("at_latest", "days"): n_("at the latest %(num)d day after %(event)s", "at the latest %(num)d days after %(event)s", count),
            ("at_latest", "weeks"): n_("at the latest %(num)d week after %(event)s", "at the latest %(num)d weeks after %(event)s", count),
            ("at_latest", "months"): n_("at the latest %(num)d month after %(event)s", "at the latest %(num)d months after %(event)s", count),
            ("at_latest", "years"): n_("at the latest %(num)d year after %(event)s", "at the latest %(num)d years after %(event)s", count),
            ("up_to", "days"): n_("up to %(num)d day after %(event)s", "up to %(num)d days after %(event)s", count),
            ("up_to", "weeks"): n_("up to %(num)d week after %(event)s", "up to %(num)d weeks after %(event)s", count),
            ("up_to", "months"): n_("up to %(num)d month after %(event)s", "up to %(num)d months after %(event)s", count),
            ("up_to", "years"): n_("up to %(num)d year after %(event)s", "up to %(num)d years after %(event)s", count),
            ("at_least", "days"): n_("at least %(num)d day after %(event)s", "at least %(num)d days after %(event)s", count),
            ("at_least", "weeks"): n_("at least %(num)d week after %(event)s", "at least %(num)d weeks after %(event)s", count),
            ("at_least", "months"): n_("at least %(num)d month after %(event)s", "at least %(num)d months after %(event)s", count),
            ("at_least", "years"): n_("at least %(num)d year after %(event)s", "at least %(num)d years after %(event)s", count),
            ("exactly", "days"): n_("%(num)d day after %(event)s", "%(num)d days after %(event)s", count),
            ("exactly", "weeks"): n_("%(num)d week after %(event)s", "%(num)d weeks after %(event)s", count),
            ("exactly", "months"): n_("%(num)d month after %(event)s", "%(num)d months after %(event)s", count),
            ("exactly", "years"): n_("%(num)d year after %(event)s", "%(num)d years after %(event)s", count),
        }  # fmt: skip
        return str(table[(limit, unit)])

    def retention_subject(self, rule: dict[str, Any], register: Entity | None) -> str:
        """What a retention rule applies to: its own words, or the names of its data."""
        applies_to = self.text(rule.get("applies_to"))
        if applies_to or not rule.get("data") or register is None:
            return applies_to
        names = {
            item.get("id"): self.text(item.get("name"))
            for item in register.get("personal_data") or []
        }
        # Names of data often contain "and" themselves: a semicolon keeps them apart.
        return "; ".join(names[d] for d in rule["data"] if names.get(d))

    def retention_items(
        self, rules: list[dict[str, Any]], register: Entity | None = None
    ) -> list[dict[str, Any]]:
        """Retention rules as {applies_to, period} pairs (the export's cells)."""
        items = []
        for rule in rules:
            period = self.retention(rule)
            note = self.text(rule.get("note"))
            items.append(
                {
                    "applies_to": self.retention_subject(rule, register) or None,
                    # The note is a sentence of its own (docs/fields.md).
                    "period": f"{period}. {note}" if note else period,
                }
            )
        return items
