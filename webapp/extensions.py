"""Flask extensions, created unbound here and bound in create_app()."""
from datetime import datetime

from flask_compress import Compress
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from webapp.dbtypes import UTCDateTime

# Named constraints so Alembic can alter them on SQLite (batch mode).
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
# Every `Mapped[datetime]` column stores naive UTC, the same on SQLite and PostgreSQL.
db.Model.registry.update_type_annotation_map({datetime: UTCDateTime})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
compress = Compress()
