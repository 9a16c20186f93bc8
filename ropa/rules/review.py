"""Rules about review dates: a record that nobody looks at goes stale."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from ropa.dates import add_months, parse_date
from ropa.problem import Severity
from ropa.record import Place
from ropa.rules import Context, Finding, rule


@dataclass(frozen=True)
class Review:
    """A review obligation: what, when it was last done, when it is due, and where."""

    what: str
    register: str | None
    last: datetime.date
    due: datetime.date
    months: int


def reviews(context: Context) -> list[Review]:
    """The policy's and every register's review, with due dates."""
    found = []
    for place, _, day, months in _reviews(context):
        register = None
        if place.path[:1] == ("registers",):
            entity = place.doc.data["registers"][place.path[1]]
            register = entity.get("id")
        label = f"register {register}" if register else "privacy policy"
        found.append(Review(label, register, day, add_months(day, months), months))
    return found


def _reviews(context: Context) -> Iterator[tuple[Place, str, datetime.date, int]]:
    """(place, what, date, interval in months) for the policy and each register."""
    controller = context.record.controller
    policy = controller.child("policy") if controller else None
    interval = policy.get("review_interval_months") if policy else None
    if not isinstance(interval, int):
        interval = 12
    if policy is not None and (updated := parse_date(policy.get("last_updated"))) is not None:
        yield (
            policy.place / "last_updated",
            "the privacy policy was last updated",
            updated,
            interval,
        )
    for register in context.record.registers:
        own = register.get("review_interval_months")
        reviewed = parse_date(register.get("last_reviewed"))
        if reviewed is not None:
            yield (
                register.place / "last_reviewed",
                f"register {register.id!r} was last reviewed",
                reviewed,
                own if isinstance(own, int) else interval,
            )


@rule("ROPA601", "review-overdue", Severity.WARNING, article="Art. 5(2), 24(1)")
def review_overdue(context: Context) -> Iterator[Finding]:
    """A register or the policy was last reviewed longer ago than the review interval.

    The interval is the controller's `policy.review_interval_months` (a register may set its
    own `review_interval_months`). A policy that promises a yearly review must get one.

    Failing:

        policy:
          last_updated: 2022-11-02
          review_interval_months: 12     # and today is after 2023-11-02

    Passing:

        policy:
          last_updated: 2026-06-01
          review_interval_months: 12
    """
    for place, what, day, months in _reviews(context):
        due = add_months(day, months)
        if due < context.today:
            yield Finding(
                place,
                f"{what} on {day.isoformat()}; a review was due by {due.isoformat()}"
                f" (every {months} months)",
            )


@rule("ROPA602", "date-in-future", Severity.WARNING, article="Art. 5(2)")
def date_in_future(context: Context) -> Iterator[Finding]:
    """A review, update, signing or verification date lies in the future.

    Usually a typo in the year; a future date would also hide an overdue review, or stand
    in for a check (a DPA signed, a DPF certification verified) that has not happened yet.

    Failing:

        last_reviewed: 2062-11-02

    Passing:

        last_reviewed: 2026-11-02
    """
    for place, what, day, _ in _reviews(context):
        if day > context.today:
            yield Finding(place, f"{what} on {day.isoformat()}, which is after today")
    for processor in context.record.catalogues["processors"]:
        dpa = processor.child("dpa")
        signed = parse_date(dpa.get("date")) if dpa is not None else None
        if dpa is not None and signed is not None and signed > context.today:
            yield Finding(
                dpa.place / "date",
                f"the data processing agreement with {processor.id!r} is dated"
                f" {signed.isoformat()}, which is after today",
            )
    for catalogue in ("processors", "recipients"):
        for holder in context.record.catalogues[catalogue]:
            for transfer in holder.entities("transfers"):
                verified = parse_date(transfer.get("verified"))
                if verified is not None and verified > context.today:
                    yield Finding(
                        transfer.place / "verified",
                        f"the transfer of {holder.id!r} to {transfer.get('country')} is verified"
                        f" on {verified.isoformat()}, which is after today",
                    )
