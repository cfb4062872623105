"""家庭医生签约 (family-doctor teams and contracts), and signing rates against the targets.

Seed 002 三（八）: teams led by family doctors with the lead hospital's specialists as members
(GP, nurse, public-health doctor, county specialist); one-year contracts (the dated parameter
``contract_term_months``) with a service package, renewed or ended with a reason.

Signing rates (签约率) by group, as the catalogue defines them (``general_contract_rate``,
``key_contract_rate``): residents holding a contract valid on the day ÷ residents of the group.
Their targets are the indicator targets' own (``indicators/targets/*.yaml``: 35% and 70% for
2020); special groups (特殊人群, working definition: special family-planning families) have no
catalogue indicator, so their 100% target is the community parameter
``special_contract_rate_target``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from yigai.community import params, rate_columns
from yigai.community._common import add_months, in_scope, need_text, write
from yigai.community.referrals import active_contract
from yigai.errors import Conflict, Invalid
from yigai.indicators import targets
from yigai.periods import Period
from yigai.records.labels import PACKAGE
from yigai.store.models_community import Contract, Team, TeamMember

if TYPE_CHECKING:
    from yigai.auth.principal import Principal
    from yigai.community.directory import ResidentDirectory

WRITE, READ, RATES = "contracts.write", "contracts.read", "rates.read"
MEMBER_ROLES = {
    "gp": "全科医生",
    "nurse": "护士",
    "public_health": "公卫医生",
    "specialist": "专科医生",
}
#: 特殊人群 (working definition, seed 002 三（八）“特殊人群签约全覆盖”).
SPECIAL_GROUPS = frozenset({"special_family"})


def create_team(
    db: Session, actor: Principal, *, code: str, name: str, institution_id: str
) -> Team:
    actor.require(WRITE)
    actor.require_unit(institution_id, "机构 / institution")
    code, name = need_text(code, "团队编码", "team code"), need_text(name, "团队名称", "team name")
    if db.scalar(select(Team.id).where(Team.code == code)) is not None:
        raise Conflict(f"团队编码 {code} 已存在", f"team code {code} already exists")
    team = Team(code=code, name=name, institution_id=institution_id)
    db.add(team)
    db.flush()
    write(db, actor.username, f"team:{team.id}", institution_id, f"create team {code}")
    return team


def team_in_scope(db: Session, actor: Principal, team_id: int) -> Team:
    return in_scope(db, actor, Team, team_id, "家庭医生团队 / team")


def add_member(
    db: Session,
    actor: Principal,
    team_id: int,
    *,
    username: str,
    member_role: str,
    institution_id: str,
) -> TeamMember:
    """Add a member; a county specialist's institution is outside the team's, by design."""
    actor.require(WRITE)
    team = team_in_scope(db, actor, team_id)
    if member_role not in MEMBER_ROLES:
        raise Invalid(
            f"团队角色 {member_role!r} 无效（{'、'.join(MEMBER_ROLES)}）",
            f"unknown team role {member_role!r} (one of {', '.join(MEMBER_ROLES)})",
        )
    username = need_text(username, "用户名", "user name")
    if db.scalar(
        select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.username == username)
    ):
        raise Conflict(f"{username} 已是该团队成员", f"{username} is already in the team")
    member = TeamMember(
        team_id=team.id,
        username=username,
        member_role=member_role,
        institution_id=institution_id,
    )
    db.add(member)
    db.flush()
    write(
        db, actor.username, f"team:{team.id}", team.institution_id, f"add {member_role} {username}"
    )
    return member


def sign_contract(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    *,
    person_id: str,
    team_id: int,
    package: str = "basic",
    today: dt.date,
    valid_from: dt.date | None = None,
    renewed_from_id: int | None = None,
) -> Contract:
    """Sign a one-year contract; a resident holds at most one valid contract at a time."""
    actor.require(WRITE)
    resident = directory.resident(actor, person_id)
    team = team_in_scope(db, actor, team_id)
    if package not in PACKAGE:
        raise Invalid(f"服务包 {package!r} 无效", f"unknown service package {package!r}")
    start = valid_from or today
    end = add_months(start, params.whole("contract_term_months", start)) - dt.timedelta(days=1)
    for day in (start, end):
        held = active_contract(db, person_id, day)
        if held is not None:
            raise Conflict(
                f"该居民在 {day} 已有有效签约（协议 {held.id}）",
                f"the resident already holds a valid contract on {day} (contract {held.id})",
            )
    contract = Contract(
        person_id=person_id,
        home_unit_id=resident.home_unit_id,
        team_id=team.id,
        institution_id=team.institution_id,
        package=package,
        signed_on=today,
        valid_from=start,
        valid_to=end,
        renewed_from_id=renewed_from_id,
        signed_by=actor.username,
        rev=1,
        exported_rev=0,
    )
    db.add(contract)
    db.flush()
    write(
        db,
        actor.username,
        f"contract:{contract.id}",
        team.institution_id,
        f"person_id={person_id} sign {package} {start}..{end}",
    )
    return contract


def _contract(db: Session, actor: Principal, contract_id: int) -> Contract:
    return in_scope(db, actor, Contract, contract_id, "签约协议 / contract")


def renew_contract(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    contract_id: int,
    *,
    today: dt.date,
    package: str | None = None,
) -> Contract:
    """续约: a new contract from the day after the old one ends (or today, if it lapsed)."""
    old = _contract(db, actor, contract_id)
    if old.ended_on is not None:
        raise Conflict(f"签约协议 {old.id} 已解约，不能续约", f"contract {old.id} was ended")
    if db.scalar(select(Contract.id).where(Contract.renewed_from_id == old.id)) is not None:
        raise Conflict(f"签约协议 {old.id} 已续约", f"contract {old.id} is already renewed")
    start = max(old.valid_to + dt.timedelta(days=1), today)
    return sign_contract(
        db,
        actor,
        directory,
        person_id=old.person_id,
        team_id=old.team_id,
        package=package or old.package,
        today=today,
        valid_from=start,
        renewed_from_id=old.id,
    )


def end_contract(
    db: Session, actor: Principal, contract_id: int, *, last_day: dt.date, reason: str
) -> Contract:
    """解约: the contract is valid up to and including ``last_day``."""
    actor.require(WRITE)
    row = _contract(db, actor, contract_id)
    reason = need_text(reason, "解约原因", "reason")
    if row.ended_on is not None:
        raise Conflict(
            f"签约协议 {row.id} 已于 {row.ended_on} 解约", f"contract {row.id} already ended"
        )
    if not row.valid_from <= last_day <= row.valid_to:
        raise Invalid(
            f"解约日期应在 {row.valid_from} 至 {row.valid_to} 之间",
            f"the last day must be between {row.valid_from} and {row.valid_to}",
        )
    row.ended_on, row.end_reason, row.rev = last_day, reason, row.rev + 1
    db.flush()
    write(
        db,
        actor.username,
        f"contract:{row.id}",
        row.institution_id,
        f"person_id={row.person_id} end on {last_day}: {reason}",
    )
    return row


@dataclass(frozen=True)
class GroupRate:
    group: str  # general / key / special
    population: int
    contracted: int
    rate: Decimal | None  # percent, 2 places; None when the group is empty
    target: Decimal | None
    met: bool | None


def _target(group: str, day: dt.date) -> Decimal | None:
    if group == "special":
        return params.value("special_contract_rate_target", day)
    indicator = {"general": "general_contract_rate", "key": "key_contract_rate"}[group]
    found = targets.in_force(indicator, "*", Period.year(day.year))
    return None if found is None else found.value


def signing_rates(
    db: Session, actor: Principal, directory: ResidentDirectory, *, day: dt.date
) -> list[GroupRate]:
    """Signing rates of the residents in ``actor``'s scope on ``day``, against the targets.
    Aggregates only: no resident is named, so nothing personal is read out.

    Counted over arrays (:mod:`yigai.community.rate_columns`): the directory's residents as
    columns, built once per directory, and the contracts valid on the day read afresh from
    the store on every call, so a contract signed a moment ago is counted at once."""
    actor.require(RATES)
    cols = rate_columns.of(directory)
    scope = cols.in_units(None if actor.everything else actor.units)
    signed = cols.rows_of(_contracted(db, day))
    groups = {
        "general": scope,
        "key": scope & cols.key_population(day),
        "special": scope & cols.in_groups(SPECIAL_GROUPS),
    }
    out = []
    for group, members in groups.items():
        n, k = int(members.sum()), int((members & signed).sum())
        rate = (Decimal(100 * k) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None
        target = _target(group, day)
        met = None if rate is None or target is None else rate >= target
        out.append(GroupRate(group, n, k, rate, target, met))
    return out


def _contracted(db: Session, day: dt.date) -> list[str]:
    """The residents holding a contract valid on ``day`` (not ended before it), a resident
    with two such contracts twice (no DISTINCT: the count does not need it, and it doubled
    the query's time)."""
    valid = select(Contract.person_id).where(
        Contract.valid_from <= day,
        Contract.valid_to >= day,
        or_(Contract.ended_on.is_(None), Contract.ended_on >= day),
    )
    return list(db.scalars(valid))
