"""What a certificate says, frozen at issue: plain data for the PDF renderer and the credential.

No database and no Django here: the issuing service copies these values out of the models once,
stores them on the certificate row, and every later rendering or verification reads them back
from there, so edits to a course or a profile never change an issued certificate.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class AccreditationFacts:
    """The approval a CE board gave the course, as printed on the certificate."""

    body_name: str  # e.g. "National Certification Board for Therapeutic Massage & Bodywork"
    body_abbreviation: str  # e.g. "NCBTMB"; may be empty
    provider_name: str
    provider_number: str
    provider_contact: str  # postal address or e-mail
    approved_title: str
    approved_hours: Decimal


@dataclass(frozen=True)
class CertificateSnapshot:
    code: str  # grouped for reading, e.g. "7KQF-3M2X-9TBD-HW4P-2R6C"
    verification_url: str  # the only thing the QR code holds
    platform_name: str
    platform_url: str
    holder_name: str
    course_title: str
    course_url: str
    course_summary: str
    ce_hours: Decimal  # half-hour steps
    delivery_type: str  # readable: "Home study", "Live", "Webinar"
    completed_on: date
    issued_on: date
    instructor_names: tuple[str, ...] = ()
    administrator_name: str = ""
    accreditation: AccreditationFacts | None = None
    # Open Badges identifies the holder without publishing the e-mail: "sha256$<hex>" of
    # e-mail + salt, with the salt stated beside it.
    recipient_hash: str = ""
    recipient_salt: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ce_hours"] = str(self.ce_hours)
        data["completed_on"] = self.completed_on.isoformat()
        data["issued_on"] = self.issued_on.isoformat()
        data["instructor_names"] = list(self.instructor_names)
        if self.accreditation is not None:
            data["accreditation"]["approved_hours"] = str(self.accreditation.approved_hours)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CertificateSnapshot":
        values = dict(data)
        values["ce_hours"] = Decimal(values["ce_hours"])
        values["completed_on"] = date.fromisoformat(values["completed_on"])
        values["issued_on"] = date.fromisoformat(values["issued_on"])
        values["instructor_names"] = tuple(values.get("instructor_names", ()))
        accreditation = values.get("accreditation")
        if accreditation is not None:
            values["accreditation"] = AccreditationFacts(
                **{**accreditation, "approved_hours": Decimal(accreditation["approved_hours"])}
            )
        return cls(**values)


def format_hours(hours: Decimal) -> str:
    """'3 CE hours', '1.5 CE hours', '1 CE hour'."""
    text = f"{hours.normalize():f}"
    unit = "CE hour" if hours == 1 else "CE hours"
    return f"{text} {unit}"
