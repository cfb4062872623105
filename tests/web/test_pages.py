"""The pages without a browser: sessions, CSRF, scope, validation beside the field, language."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import directory, person
from tests.web.conftest import OTHER_VILLAGE, VILLAGE, County, csrf_of, log_in, submit

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
        page = c.get("/login")
        token = page.cookies["yigai_login_csrf"]
        r = c.post(
            "/login",
            data={"username": "village_doctor", "password": "demo-village-doctor", "csrf": token},
        )
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("yigai_web="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_wrong_password_shows_the_reason_on_the_log_in_page(client: TestClient) -> None:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "village_doctor",
            "password": "nope",
            "csrf": page.cookies["yigai_login_csrf"],
        },
    )
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


def test_a_bad_reading_is_explained_beside_its_field(client: TestClient, county: County) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(
        client,
        f"/cases/{county.case_id}/followup",
        {"followup_date": "2026-03-02", "sbp": "abc", "dbp": "95"},
    )
    assert r.status_code == 422
    assert '<span class="field-error" id="sbp-error" role="alert">请输入整数</span>' in r.text


def test_a_library_refusal_shows_beside_the_field_it_is_about(
    client: TestClient, county: County
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(
        client, f"/cases/{county.case_id}/followup", {"followup_date": "2026-03-02", "sbp": "150"}
    )
    assert r.status_code == 422
    assert 'id="dbp-error" role="alert">高血压随访须录入收缩压和舒张压</span>' in r.text


def test_an_urgent_reading_proposes_a_referral_the_specialist_accepts(
    county: County, client: TestClient
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(
        client,
        f"/cases/{county.case_id}/followup",
        {"followup_date": "2026-03-02", "sbp": "185", "dbp": "95"},
    )
    assert r.status_code == 303
    where = r.headers["location"]
    assert where.startswith("/referrals/") and where.endswith("?proposed=1")
    proposal = client.get(where).text
    assert "已生成转诊申请" in proposal
    assert "2026-03-02 17:00" in proposal  # requested at 09:00 UTC, shown in China's time
    referral = where.split("/")[2].split("?")[0]
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


def _propose(client: TestClient, county: County) -> str:
    """The referral a reading of SBP 185 proposes (its id)."""
    r = submit(
        client,
        f"/cases/{county.case_id}/followup",
        {"followup_date": "2026-03-02", "sbp": "185", "dbp": "95"},
    )
    return r.headers["location"].split("/")[2].split("?")[0]


def test_rejecting_without_a_reason_is_explained_and_changes_nothing(
    county: County, client: TestClient
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    referral = _propose(client, county)
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
    referral = _propose(client, county)
    page = client.get(f"/referrals/{referral}")
    assert 'id="act-accept"' not in page.text  # no button, and the post is refused
    r = client.post(f"/referrals/{referral}/accept", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403
    assert '<dd id="state">已申请</dd>' in client.get(f"/referrals/{referral}").text


def test_log_in_never_redirects_off_the_site(client: TestClient) -> None:
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        page = client.get("/login")
        r = client.post(
            "/login",
            data={
                "username": "village_doctor",
                "password": "demo-village-doctor",
                "csrf": page.cookies.get("yigai_login_csrf") or client.cookies["yigai_login_csrf"],
                "next": target,
            },
        )
        assert r.headers["location"] == "/"


def _request_up(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    form = client.get(f"/residents/{person(VILLAGE)}/referral")
    data = {
        "direction": "up",
        "from_institution_id": VILLAGE,
        "reason": "血压控制不佳",
        "diagnosis_code": "I10",
        "summary": "连续两次随访血压控制不满意",
        "csrf": csrf_of(form.text),
    }
    return client.post(f"/residents/{person(VILLAGE)}/referral", data=data | fields)


def test_a_village_doctor_requests_an_up_referral_to_the_lead_hospital(
    client: TestClient,
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = _request_up(client)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert '<dd id="state">已申请</dd>' in page
    assert "机构440101G001" in page  # the lead hospital of the village's community


def test_a_referral_without_a_reason_is_explained_beside_the_reason(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = _request_up(client, reason="  ")
    assert r.status_code == 422
    assert 'id="reason-error" role="alert">转诊原因不能为空</span>' in r.text


def test_a_bad_diagnosis_code_is_explained_beside_its_field(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = _request_up(client, diagnosis_code="高血压")
    assert r.status_code == 422
    assert 'id="diagnosis_code-error" role="alert">诊断编码' in r.text


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


def test_signing_without_a_team_is_explained_beside_the_team(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    r = submit(
        client, f"/residents/{person(VILLAGE)}/contract", {"team_id": "", "package": "basic"}
    )
    assert r.status_code == 422
    assert 'id="team_id-error" role="alert">必填</span>' in r.text


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
