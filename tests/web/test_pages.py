"""The pages without a browser: sessions, CSRF, scope, validation beside the field, language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import directory, person
from tests.web.conftest import (
    OTHER_VILLAGE,
    VILLAGE,
    County,
    csrf_of,
    log_in,
    post_log_in,
    submit,
)

from yigai.auth import Role
from yigai.auth.sessions import principal_of
from yigai.community import contracts
from yigai.store import User, session_scope

#: one county (ten demo passwords hashed once) for the module, on one xdist worker
pytestmark = pytest.mark.xdist_group("web_pages")


def test_a_page_without_a_session_redirects_to_log_in(client: TestClient) -> None:
    r = client.get("/worklist")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fworklist"


def test_log_in_sets_an_httponly_lax_cookie_and_opens_the_worklist(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = client.get("/worklist")
    assert r.status_code == 200
    assert "到期与逾期的慢病随访（1）" in r.text
    assert "已逾期" in r.text


def test_session_cookie_is_httponly_and_samesite_lax(county: County) -> None:
    with TestClient(county.app(), base_url="https://testserver", follow_redirects=False) as c:
        r = post_log_in(c, "village_doctor", "demo-village-doctor")
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("yigai_web="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_wrong_password_shows_the_reason_on_the_log_in_page(client: TestClient) -> None:
    r = post_log_in(client, "village_doctor", "nope")
    assert r.status_code == 401
    assert "用户名或口令错误" in r.text
    assert "yigai_web" not in client.cookies


def test_log_in_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    r = client.post(
        "/login", data={"username": "village_doctor", "password": "demo-village-doctor"}
    )
    assert r.status_code == 403
    assert "yigai_web" not in client.cookies


def test_a_post_without_the_csrf_token_changes_nothing(client: TestClient, county: County) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = client.post(
        f"/cases/{county.case_id}/followup",
        data={"followup_date": "2026-03-02", "sbp": "185", "dbp": "95", "csrf": "forged"},
    )
    assert r.status_code == 403
    assert "表单已失效" in r.text
    assert "到期与逾期的慢病随访（1）" in client.get("/worklist").text  # still due


def test_another_villages_resident_is_a_404_page(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert client.get(f"/residents/{person(VILLAGE)}").status_code == 200
    r = client.get(f"/residents/{person(OTHER_VILLAGE)}")
    assert r.status_code == 404
    assert "页面不存在或不在您的管辖范围内" in r.text
    assert "身份证号" not in r.text  # nothing of the resident is shown


def test_resident_page_shows_the_masked_identity_number_only(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = client.get(f"/residents/{person(VILLAGE)}")
    assert "130***********1234" in r.text


#: the three forms ({case}: the county's hypertension case, {who}: its village resident)
FOLLOWUP = "/cases/{case}/followup"
REFERRAL = "/residents/{who}/referral"
CONTRACT = "/residents/{who}/contract"
#: a referral up from the village clinic, every field filled in
UP = {
    "direction": "up",
    "from_institution_id": VILLAGE,
    "reason": "血压控制不佳",
    "diagnosis_code": "I10",
    "summary": "连续两次随访血压控制不满意",
}


#: test id → a form, what is posted, the field refused and the start of the reason beside it
REFUSALS = {
    "a_bad_reading_is_explained_beside_its_field": (
        FOLLOWUP,
        {"followup_date": "2026-03-02", "sbp": "abc", "dbp": "95"},
        "sbp",
        "请输入整数</span>",
    ),
    "a_library_refusal_shows_beside_the_field_it_is_about": (
        FOLLOWUP,
        {"followup_date": "2026-03-02", "sbp": "150"},
        "dbp",
        "高血压随访须录入收缩压和舒张压</span>",
    ),
    "a_referral_without_a_reason_is_explained_beside_the_reason": (
        REFERRAL,
        UP | {"reason": "  "},
        "reason",
        "转诊原因不能为空</span>",
    ),
    "a_bad_diagnosis_code_is_explained_beside_its_field": (
        REFERRAL,
        UP | {"diagnosis_code": "高血压"},
        "diagnosis_code",
        "诊断编码",
    ),
    "signing_without_a_team_is_explained_beside_the_team": (
        CONTRACT,
        {"team_id": "", "package": "basic"},
        "team_id",
        "必填</span>",
    ),
}


@pytest.mark.parametrize(("url", "fields", "field", "reason"), REFUSALS.values(), ids=REFUSALS)
def test_a_refused_form_is_shown_again_with_the_reason_beside_its_field(
    client: TestClient, county: County, url: str, fields: dict[str, str], field: str, reason: str
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(client, url.format(case=county.case_id, who=person(VILLAGE)), fields)
    assert r.status_code == 422
    assert f'<span class="field-error" id="{field}-error" role="alert">{reason}' in r.text


def test_a_refused_follow_up_mode_marks_its_field(client: TestClient, county: County) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    fields = {"followup_date": "2026-03-02", "mode": "telepathy", "sbp": "150", "dbp": "90"}
    r = submit(client, FOLLOWUP.format(case=county.case_id), fields)
    assert r.status_code == 422
    assert re.search(r'<div class="field invalid">\s*<label for="mode">', r.text)
    assert '<span class="field-error" id="mode-error" role="alert">请从列表中选择</span>' in r.text


def _propose(client: TestClient, county: County) -> str:
    """Record a reading of SBP 185: where it sends the doctor (the referral it proposes)."""
    r = submit(
        client,
        FOLLOWUP.format(case=county.case_id),
        {"followup_date": "2026-03-02", "sbp": "185", "dbp": "95"},
    )
    assert r.status_code == 303
    return r.headers["location"]


def _referral_of(where: str) -> str:
    """The referral id in a page address ``/referrals/{id}?...``."""
    return where.split("/")[2].split("?")[0]


def test_an_urgent_reading_proposes_a_referral_the_specialist_accepts(
    county: County, client: TestClient
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    where = _propose(client, county)
    assert where.startswith("/referrals/") and where.endswith("?proposed=1")
    proposal = client.get(where).text
    assert "已生成转诊申请" in proposal
    assert "2026-03-02 17:00" in proposal  # requested at 09:00 UTC, shown in China's time
    referral = _referral_of(where)
    with TestClient(county.app(), follow_redirects=False) as specialist:
        log_in(specialist, Role.COUNTY_SPECIALIST)
        assert f'href="/referrals/{referral}"' in specialist.get("/worklist").text
        page = specialist.get(f"/referrals/{referral}")
        done = specialist.post(f"/referrals/{referral}/accept", data={"csrf": csrf_of(page.text)})
        assert done.status_code == 303
        assert '<dd id="state">已接收</dd>' in specialist.get(f"/referrals/{referral}").text


def test_english_is_one_switch_away_and_kept(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert "Chronic follow-ups due and overdue" in client.get("/worklist?lang=en").text
    assert "Chronic follow-ups due and overdue" in client.get("/worklist").text
    assert "到期与逾期的慢病随访" in client.get("/worklist?lang=zh").text


def test_log_out_ends_the_session(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    page = client.get("/worklist")
    r = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303
    assert client.get("/worklist").status_code == 303


def test_officials_see_the_signing_rate_chart(client: TestClient) -> None:
    log_in(client, Role.HEALTH_BUREAU)
    assert client.get("/").headers["location"] == "/overview"
    r = client.get("/overview")
    assert r.status_code == 200
    assert "/static/vendor/echarts/echarts.min.js" in r.text
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200


def test_the_font_is_served_with_a_year_of_cache(client: TestClient) -> None:
    r = client.get("/static/fonts/NotoSansCJKsc-Regular.otf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "font/otf"
    assert "max-age=31536000" in r.headers["cache-control"]


def test_static_files_cannot_escape_their_folder(client: TestClient) -> None:
    assert client.get("/static/..%2f__init__.py").status_code == 404


def test_rejecting_without_a_reason_is_explained_and_changes_nothing(
    county: County, client: TestClient
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    referral = _referral_of(_propose(client, county))
    with TestClient(county.app(), follow_redirects=False) as specialist:
        log_in(specialist, Role.COUNTY_SPECIALIST)
        page = specialist.get(f"/referrals/{referral}")
        r = specialist.post(f"/referrals/{referral}/reject", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 422
        assert "原因不能为空" in r.text
        assert '<dd id="state">已申请</dd>' in r.text


def test_the_village_doctor_cannot_accept_their_own_referral(
    county: County, client: TestClient
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    referral = _referral_of(_propose(client, county))
    page = client.get(f"/referrals/{referral}")
    assert 'id="act-accept"' not in page.text  # no button, and the post is refused
    r = client.post(f"/referrals/{referral}/accept", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403
    assert '<dd id="state">已申请</dd>' in client.get(f"/referrals/{referral}").text


def test_log_in_never_redirects_off_the_site(client: TestClient) -> None:
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        r = post_log_in(client, "village_doctor", "demo-village-doctor", next=target)
        assert r.headers["location"] == "/"


def test_a_village_doctor_requests_an_up_referral_to_the_lead_hospital(
    client: TestClient,
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(client, REFERRAL.format(who=person(VILLAGE)), UP)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert '<dd id="state">已申请</dd>' in page
    assert "机构440101G001" in page  # the lead hospital of the village's community


def test_no_referral_form_for_another_villages_resident(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert client.get(f"/residents/{person(OTHER_VILLAGE)}/referral").status_code == 404


def test_a_village_doctor_signs_a_resident_to_the_clinics_team(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    form = client.get(f"/residents/{person(VILLAGE)}/contract")
    assert "一村家庭医生团队" in form.text
    data = {"team_id": "1", "package": "basic", "csrf": csrf_of(form.text)}
    r = client.post(f"/residents/{person(VILLAGE)}/contract", data=data)
    assert r.status_code == 303
    assert 'id="contracts"' in client.get(r.headers["location"]).text  # shown on the resident
    again = client.post(f"/residents/{person(VILLAGE)}/contract", data=data)
    assert again.status_code == 409
    assert 'id="team_id-error" role="alert">该居民在 2026-03-02 已有有效签约' in again.text


def test_a_contract_due_for_renewal_is_renewed_from_the_worklist(
    client: TestClient, county: County
) -> None:
    with session_scope(county.url) as db:
        doctor = principal_of(
            db.query(User).filter(User.username == Role.VILLAGE_DOCTOR.value).one(), county.orgs
        )
        old = contracts.sign_contract(
            db,
            doctor,
            directory(),
            person_id=person(VILLAGE),
            team_id=1,
            today=dt.date(2025, 3, 10),
        )
        old_id = old.id
    log_in(client, Role.VILLAGE_DOCTOR)
    worklist = client.get("/worklist").text
    assert "即将到期的签约（1）" in worklist
    r = client.post(f"/contracts/{old_id}/renew", data={"csrf": csrf_of(worklist)})
    assert r.status_code == 303
    assert "即将到期的签约（0）" in client.get("/worklist").text
