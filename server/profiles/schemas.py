"""Profile schema family: Base → Create → Update → Public (the table is tables.Profile)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from contracts.languages import Language as Language
from server.validation import check_json, clean_text

DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    AfterValidator(clean_text),
]
MAX_PREFERENCES_BYTES = 8192
Preferences = Annotated[
    dict[str, Any],
    Field(max_length=64),
    AfterValidator(lambda v: check_json(v, MAX_PREFERENCES_BYTES, "preferences")),
]


class ProfileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName
    language: Language = "en"
    preferences: Preferences = Field(default_factory=dict)


class ProfileCreate(ProfileBase):
    pass


class ProfileUpdate(BaseModel):
    """Partial update: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    language: Language | None = None
    preferences: Preferences | None = None


class ProfilePublic(ProfileBase):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    updated_at: datetime
