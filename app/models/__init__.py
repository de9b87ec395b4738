"""The core model shared by all plugins (names as in SPEC.md's glossary)."""
from .audit import AuditEntry
from .consent import Consent
from .base import Model, OrgScoped, Versioned
from .journal import (
    ATTENDANCE_CATEGORIES, Assignment, AssignmentType, Attendance, AttendanceCode, FinalMark, Lesson, Mark,
)
from .organisation import Authority, Organisation
from .people import Guardian, GuardianLink, Learner, Person, Staff
from .security import Account, OrgRolePermission
from .homework import Homework, HomeworkAttachment
from .unlock import UNLOCK_STATUSES, EditUnlock, Substitution
from .study import AcademicYear, LearnerGroup, Period, Subgroup, SubgroupMember, Subject, TeachingAssignment

__all__ = [
    "ATTENDANCE_CATEGORIES", "UNLOCK_STATUSES", "EditUnlock", "Substitution", "Homework", "HomeworkAttachment", "AcademicYear", "Assignment", "AssignmentType", "Attendance",
    "AttendanceCode", "AuditEntry", "Authority", "FinalMark", "Guardian", "GuardianLink",
    "Learner", "LearnerGroup", "Lesson", "Mark", "Model", "OrgRolePermission", "OrgScoped",
    "Organisation", "Period", "Person", "Staff", "Subgroup", "SubgroupMember", "Subject",
    "TeachingAssignment", "Account", "Versioned",
    "Consent",
]
from .announcement import AUDIENCES, Announcement, AnnouncementGroup  # noqa: E402
from .message import MailMessage, MailRecipient, MailThread  # noqa: E402
from .activity import ACTIVITY_KINDS, ActivityDay  # noqa: E402

__all__ += ["AUDIENCES", "Announcement", "AnnouncementGroup", "MailMessage", "MailRecipient", "MailThread",
            "ACTIVITY_KINDS", "ActivityDay"]
from .job import JOB_KINDS, JOB_STATUSES, Job  # noqa: E402

__all__ += ["JOB_KINDS", "JOB_STATUSES", "Job"]
from .archive import ARCHIVE_KINDS, ArchiveBatch, ArchiveFile  # noqa: E402

__all__ += ["ARCHIVE_KINDS", "ArchiveBatch", "ArchiveFile"]
from .epoch import ScopeEpoch  # noqa: E402

__all__ += ["ScopeEpoch"]
