from sqlalchemy import func, select

from webapp.extensions import db
from webapp.identifiers import is_valid_npi
from webapp.models import AccessStatus, Provider, ProviderAccess, Queue, User


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, Provider, ProviderAccess, Queue))


def test_seed_demo_creates_the_demo_world(runner, app_ctx):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "staff@sunrise.example" in result.output and "Demo!Pass2026" in result.output

    sunrise = db.session.scalar(select(Provider).where(Provider.name == "Sunrise Family Medical Group"))
    assert (sunrise.tax_id, sunrise.npi) == ("000123456", "1234567893")
    maria = db.session.scalar(select(Provider).where(Provider.npi == "1987654328"))
    assert maria.name == "Maria Lopez, MD" and maria.group == sunrise
    harbor = db.session.scalar(select(Provider).where(Provider.npi == "1555555550"))
    assert harbor.tax_id == "000987654"
    assert all(is_valid_npi(p.npi) for p in (sunrise, maria, harbor))

    staff = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
    access = db.session.scalar(select(ProviderAccess).where(ProviderAccess.user_id == staff.id))
    assert access.provider == sunrise and access.status == AccessStatus.ACTIVE and access.is_default
    assert sunrise.administrator.email == "loa@sunrise.example"
    assert harbor.administrator.email == "loa@harbor.example"

    agent = db.session.scalar(select(User).where(User.email == "agent@plan.example"))
    assert sorted(q.name for q in agent.queues) == ["Claims Inquiry", "Provider Customer Service", "Provider Services"]
    appeals = db.session.scalar(select(User).where(User.email == "appeals@plan.example"))
    assert [q.name for q in appeals.queues] == ["Grievance and Appeals"]
    assert staff.user_code.startswith("ZCS") and len(staff.user_code) == 8


def test_seed_demo_is_idempotent(runner, app_ctx):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = _counts()
    codes = set(db.session.scalars(select(User.user_code)))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert _counts() == first
    assert set(db.session.scalars(select(User.user_code))) == codes


def test_seed_demo_refuses_production(runner, app_ctx):
    app_ctx.config["IS_PRODUCTION"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
