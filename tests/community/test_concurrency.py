"""Two specialists accept the same referral at the same moment, each on their own connection:
exactly one wins every round, the other gets Conflict (SQLite, which make_engine puts in WAL mode
with a busy timeout, and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from yigai.community import referrals as rf
from yigai.community.directory import ResidentDirectory
from yigai.errors import Conflict
from yigai.store import make_engine

from .conftest import NOW, up_referral

ROUNDS = 25


def test_two_concurrent_accepts_exactly_one_wins(
    db_url: str, village, specialist, principal, directory: ResidentDirectory
) -> None:
    other = principal("zhuanke2", "county_specialist", "M1", "H1", "T1", "V1")
    engines = [make_engine(db_url) for _ in range(3)]
    try:
        for _ in range(ROUNDS):
            with Session(engines[0]) as setup:
                rid = up_referral(setup, village, directory).id
                setup.commit()
            barrier = threading.Barrier(2)
            outcome: list[str] = []

            def accept(engine, actor, rid=rid, barrier=barrier, outcome=outcome) -> None:  # type: ignore[no-untyped-def]
                with Session(engine) as s:
                    barrier.wait()
                    try:
                        rf.transition(s, actor, rid, "accept", now=NOW)
                        s.commit()
                        outcome.append("won")
                    except Conflict as exc:
                        s.rollback()
                        outcome.append("conflict" if "已" in exc.zh else repr(exc))
                    except (
                        Exception
                    ) as exc:  # any other error (e.g. database locked) fails the round
                        outcome.append(repr(exc))

            threads = [
                threading.Thread(target=accept, args=(engines[1], specialist)),
                threading.Thread(target=accept, args=(engines[2], other)),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert sorted(outcome) == ["conflict", "won"], outcome
            with Session(engines[0]) as check:
                assert check.get(rf.Referral, rid).state == "accepted"  # type: ignore[union-attr]
    finally:
        for e in engines:
            e.dispose()


def test_two_concurrent_bookings_never_share_the_last_slot(
    db_url: str, village, principal, directory: ResidentDirectory
) -> None:
    from yigai.community import slots

    manager = principal("guanli", "community_manager", "M1", "H1", "T1", "V1")
    engines = [make_engine(db_url) for _ in range(3)]
    day = NOW.date()
    try:
        for n in range(10):
            with Session(engines[0]) as setup:
                slots.open_slots(
                    setup, manager, institution_id="H1", department=f"d{n}", day=day, count=1
                )  # 20% of 1 rounds to 0: one ordinary slot
                ids = [up_referral(setup, village, directory).id for _ in range(2)]
                setup.commit()
            barrier = threading.Barrier(2)
            outcome: list[str] = []

            def book(engine, rid, dept=f"d{n}", barrier=barrier, outcome=outcome) -> None:  # type: ignore[no-untyped-def]
                with Session(engine) as s:
                    barrier.wait()
                    try:
                        slots.book_for_referral(s, village, rid, department=dept, day=day)
                        s.commit()
                        outcome.append("booked")
                    except Conflict:
                        s.rollback()
                        outcome.append("conflict")
                    except Exception as exc:  # any other error fails the round
                        outcome.append(repr(exc))

            threads = [
                threading.Thread(target=book, args=(engines[1], ids[0])),
                threading.Thread(target=book, args=(engines[2], ids[1])),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert sorted(outcome) == ["booked", "conflict"], outcome
    finally:
        for e in engines:
            e.dispose()
