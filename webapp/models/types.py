"""Column types shared by the models."""
from webapp.extensions import db


def enum_column(enum_cls):
    """Store a str Enum by its value as short text (portable, readable in the database)."""
    return db.Enum(enum_cls, native_enum=False, length=20,
                   values_callable=lambda members: [m.value for m in members])
