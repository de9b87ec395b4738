"""Every report's PDF holds for any content: every ReportSpec of every plugin is run
on the demo with the longest real names (learners, subjects), 35 learners in every
group and a whole month, and the PDF itself is read back (PDFium's own glyph boxes
and the lines it draws) to prove that no character crosses a cell's border or the
page, and that every page carries the report's title, the header of its table and
«Страница k из N»; the metadata's /Title is the report's title and every font is
embedded.

The reports are rendered once for the module (on a copy of the session's demo)."""
from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from app.extensions import db
from tests.conftest import base_config, dispose, drop_database, make_database

pytestmark = pytest.mark.dates  # the demo is built on TODAY

GROUP_SIZE = 35
# The longest real names: surnames, first names and patronymics as they occur.
LONG_NAME = ("Константинопольская-Преображенская", "Александра-Виктория", "Святославовна")
LAST_NAMES = ["Константинопольская-Преображенская", "Петропавловская-Волконская", "Благовещенский-Остроградский",
              "Воздвиженская-Крестовоздвиженская", "Сольвычегодский-Перемышльский"]
FIRST_NAMES = ["Александра-Виктория", "Анна-Мария", "Владислав-Станислав", "Максимилиан", "Евфросиния"]
MIDDLE_NAMES = ["Святославовна", "Александровна", "Вячеславович", "Всеволодович", "Константиновна"]
# The longest subject names (each organisation's longest subjects are renamed to these).
LONG_SUBJECTS = [
    "ПМ.01 Ведение бухгалтерского учёта источников формирования активов организации",
    "Информационные технологии в профессиональной деятельности",
    "Основы безопасности и защиты Родины",
    "Основы религиозных культур и светской этики",
]
# The rows of a learner that make the journal: copied to the learners added to a group.
LEARNER_ROWS = ("mark", "attendance", "final_mark", "subgroup_member", "college_exam_result",
                "college_exam_retake", "preschool_fee_discount")
# Where the pages are kept for a look (EJOURNAL_PDF_LAYOUT_DIR=/tmp/pdf-layout).
KEEP_DIR = os.environ.get("EJOURNAL_PDF_LAYOUT_DIR")


@dataclass
class Rendered:
    spec_id: str
    title: str
    header: list[tuple[str, str]]
    tables: list
    pdf: bytes


def _lengthen(session) -> None:
    """Every group of 35 learners with the longest names, and the longest subject names."""
    from app.models import Learner, LearnerGroup, Subject

    for group in session.scalars(select(LearnerGroup).order_by(LearnerGroup.id)).all():
        learners = session.scalars(select(Learner).where(Learner.group_id == group.id, Learner.left_on.is_(None))
                                   .order_by(Learner.id)).all()
        if not learners:
            continue
        for k in range(GROUP_SIZE - len(learners)):
            model = learners[k % len(learners)]
            twin = Learner(org_id=model.org_id, group_id=group.id, last_name=model.last_name,
                           first_name=model.first_name, middle_name=model.middle_name, birth_date=model.birth_date,
                           gender=model.gender, enrolled_on=model.enrolled_on)
            session.add(twin)
            session.flush()
            for table in LEARNER_ROWS:
                columns = [c for c in _columns(session, table) if c not in ("id", "learner_id")]
                names = ", ".join(columns)
                session.execute(text(f"INSERT INTO {table} ({names}, learner_id) SELECT {names}, :twin "
                                     f"FROM {table} WHERE learner_id = :model"), {"twin": twin.id, "model": model.id})
        learners = session.scalars(select(Learner).where(Learner.group_id == group.id).order_by(Learner.id)).all()
        for k, learner in enumerate(learners):
            learner.last_name, learner.first_name, learner.middle_name = (LONG_NAME if k == 0 else (
                LAST_NAMES[k % len(LAST_NAMES)], FIRST_NAMES[k // 5 % len(FIRST_NAMES)],
                MIDDLE_NAMES[k // 25 % len(MIDDLE_NAMES)]))
    for org_id in session.scalars(select(Subject.org_id).distinct()).all():
        subjects = session.scalars(select(Subject).where(Subject.org_id == org_id)).all()
        taken = {s.name for s in subjects}
        for subject in sorted(subjects, key=lambda s: len(s.name), reverse=True):
            names = [n for n in LONG_SUBJECTS if n not in taken]
            if not names:
                break
            if subject.name not in LONG_SUBJECTS:
                taken.add(names[0])
                subject.name = names[0]
    session.commit()


_COLUMNS: dict[str, list[str]] = {}


def _columns(session, table: str) -> list[str]:
    if table not in _COLUMNS:
        from sqlalchemy import inspect

        _COLUMNS[table] = [c["name"] for c in inspect(session.connection()).get_columns(table)]
    return _COLUMNS[table]


def _size(tables) -> int:
    return sum(len(t.columns) * max(len(t.rows), 1) for t in tables)


def _runs(session, host, spec):
    """The report run for every organisation and group it may be run for, the other
    parameters at their defaults, a month at the last whole one: (values, header, tables)."""
    from app import clock
    from app.exceptions import ReportError
    from app.reports.engine import choices, default_value, form_params, run_report
    from app.scoping.resolution import SYSTEM

    params = form_params(spec)
    out = []

    def walk(i, values, header) -> bool:
        """Run the report for the parameters from the ``i``-th on; whether any run did."""
        if i == len(params):
            try:
                out.append((dict(values), list(header), run_report(session, spec, values)))
            except ReportError:  # no exam sheet of that subject, say
                return False
            return True
        param = params[i]
        offered = choices(session, param, values)
        if param.kind == "date_range":
            start, end = (dt.date.fromisoformat(d) for d in default_value(session, param, SYSTEM, offered, values))
            values[f"{param.name}_from"], values[f"{param.name}_to"] = start, end
            return walk(i + 1, values, [*header, (param.label, f"{start:%d.%m.%Y} — {end:%d.%m.%Y}")])
        if param.kind == "date":
            values[param.name] = clock.today()
            return walk(i + 1, values, [*header, (param.label, f"{clock.today():%d.%m.%Y}")])
        if offered is None:
            values[param.name] = ""
            return walk(i + 1, values, [*header, (param.label, "")])
        if param.kind == "month":
            offered = offered[1:2] or offered[:1]  # the last whole month
        ran = False
        for choice in offered:
            values[param.name] = dt.date.fromisoformat(choice.value + "-01") if param.kind == "month" \
                else int(choice.value)
            ran = walk(i + 1, values, [*header, (param.label, choice.label)]) or ran
            # Every organisation and group; of the rest (a period, a subject) the first that runs.
            if ran and param.kind not in ("organisation", "group"):
                break
        return ran

    walk(0, {}, [])
    return out


@pytest.fixture(scope="module")
def rendered(demo_app):
    """Every report of the host, run where its tables are largest, as a PDF."""
    from app import create_app
    from app.reports.formats import render
    from app.scoping import acting_as

    dispose(demo_app)
    url = make_database(f"pdf_layout_{uuid.uuid4().hex[:6]}", template=demo_app.config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(base_config(url))
    out = {}
    try:
        with app.test_request_context(), acting_as(None):
            _lengthen(db.session)
            host = app.extensions["ejournal"]
            for spec in sorted(host.reports.values(), key=lambda s: s.id):
                values, header, tables = max(_runs(db.session, host, spec), key=lambda run: _size(run[2]))
                data, _mime, _ext = render(spec, values, header, tables, "pdf", session=db.session)
                out[spec.id] = Rendered(spec.id, spec.title, header, tables, data)
                if KEEP_DIR:
                    os.makedirs(KEEP_DIR, exist_ok=True)
                    with open(os.path.join(KEEP_DIR, f"{spec.id}.pdf"), "wb") as f:
                        f.write(data)
            font_dir = app.config["PDF_FONT_DIR"]
        yield out, font_dir, app
    finally:
        dispose(app)
        drop_database(url)



# How far (pt) a glyph may reach over a line before it counts as crossing it: the
# glyph boxes are PDFium's own, the lines are 0.5pt wide.
TOLERANCE = 0.3


@dataclass
class Page:
    width: float
    height: float
    text: str
    chars: list[tuple[str, float, float, float, float]]  # char, left, bottom, right, top
    lines: list[tuple[float, float, float, float]]  # text objects (a line of a cell, one Tj): left, bottom, right, top
    verticals: list[tuple[float, float, float]]  # x, bottom, top
    horizontals: list[tuple[float, float, float]]  # y, left, right


def pages(pdf: bytes) -> list[Page]:
    """The pages as PDFium reads them: the text, every glyph's box and the lines drawn
    (a path object thinner than 1.5pt: a cell's border)."""
    import pypdfium2 as pdfium

    out = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            width, height = page.get_size()
            verticals, horizontals, lines = [], [], []
            for obj in page.get_objects():
                if obj.type == pdfium.raw.FPDF_PAGEOBJ_TEXT:
                    lines.append(obj.get_bounds())
                if obj.type != pdfium.raw.FPDF_PAGEOBJ_PATH:
                    continue
                left, bottom, right, top = obj.get_bounds()
                if right - left < 1.5 and top - bottom > 1.5:
                    verticals.append(((left + right) / 2, bottom, top))
                elif top - bottom < 1.5 and right - left > 1.5:
                    horizontals.append(((bottom + top) / 2, left, right))
            textpage = page.get_textpage()
            count = textpage.count_chars()
            chars = []
            for i in range(count):
                char = textpage.get_text_range(i, 1)
                if char.strip() and char not in "\ufffe\u200b":
                    chars.append((char, *textpage.get_charbox(i)))
            out.append(Page(width, height, textpage.get_text_range(0, count), chars, lines, verticals, horizontals))
    finally:
        document.close()
    return out


def crossings(page: Page) -> list[str]:
    """The characters that reach over a cell's border or off the page, with their neighbours."""
    bad = []
    for i, (char, left, bottom, right, top) in enumerate(page.chars):
        middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
        over = left < 0 or bottom < 0 or right > page.width or top > page.height or any(
            left + TOLERANCE < x < right - TOLERANCE and low <= middle_y <= high for x, low, high in page.verticals
        ) or any(bottom + TOLERANCE < y < top - TOLERANCE and low <= middle_x <= high
                 for y, low, high in page.horizontals)
        if over:
            bad.append(f"{char!r} in «{''.join(c[0] for c in page.chars[max(i - 15, 0):i + 15])}»")
    # A line of text is one text object: one that reaches over a border has run out of its cell.
    for left, bottom, right, top in page.lines:
        middle_y = (bottom + top) / 2
        for x, low, high in page.verticals:
            if left + TOLERANCE < x < right - TOLERANCE and low <= middle_y <= high:
                inside = "".join(c[0] for c in page.chars if left <= (c[1] + c[3]) / 2 <= right
                                 and bottom <= (c[2] + c[4]) / 2 <= top)
                bad.append(f"a line over x={x:.1f}: «{inside[:60]}»")
    return bad


def compact(text: str) -> str:
    """Text without what laying it out adds or takes: spaces, line breaks, hyphens."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-\u00ad\ufffe\u200b")


@pytest.fixture(scope="module")
def read(rendered):
    out, _font_dir, _app = rendered
    return {spec_id: pages(r.pdf) for spec_id, r in out.items()}


def test_every_report_of_every_plugin_is_rendered(rendered):
    out, _font_dir, app = rendered
    assert sorted(out) == sorted(app.extensions["ejournal"].reports)


def test_the_longest_names_and_35_learners_are_printed(rendered, read):
    """The world is what the test says it is: the long names reach the PDFs, in a table of 35."""
    out, _font_dir, _app = rendered
    name = compact(" ".join(LONG_NAME))
    printed = [spec_id for spec_id, pages_ in read.items() if any(name in compact(p.text) for p in pages_)]
    full = [spec_id for spec_id, r in out.items() if any(len(t.rows) >= GROUP_SIZE for t in r.tables)]
    subjects = [spec_id for spec_id, pages_ in read.items()
                if any(compact(LONG_SUBJECTS[0]) in compact(p.text) for p in pages_)]
    assert (len(printed) >= 10, len(full) >= 10, len(subjects) >= 2) == (True, True, True), (printed, full, subjects)


def test_no_text_crosses_its_cell_or_the_page(read):
    over = {spec_id: bad[:5] for spec_id, pages_ in read.items()
            for bad in [[f"p. {k}: {c}" for k, page in enumerate(pages_, 1) for c in crossings(page)]] if bad}
    assert over == {}


def test_every_page_says_its_number_of_the_count_and_the_reports_title(rendered, read):
    out, _font_dir, _app = rendered
    wrong = {}
    for spec_id, pages_ in read.items():
        title = compact(out[spec_id].title)
        for k, page in enumerate(pages_, 1):
            if f"Страница {k} из {len(pages_)}" not in " ".join(page.text.split()) or title not in compact(page.text):
                wrong.setdefault(spec_id, []).append(k)
    assert wrong == {}


def test_every_row_is_printed_whole_under_its_tables_header(rendered, read):
    """Each row of each table is printed on a page that also carries the header of its table."""
    out, _font_dir, _app = rendered
    from app.reports.formats import cell_text

    missing = {}
    for spec_id, r in out.items():
        texts = [compact(p.text) for p in read[spec_id]]
        for table in r.tables:
            head = "".join(compact(str(c)) for c in table.columns)
            for row in table.rows:
                line = "".join(compact(cell_text(v)) for v in row)
                if not any(line in text and head in text for text in texts):
                    missing.setdefault(spec_id, []).append(line[:60])
    assert {k: v[:3] for k, v in missing.items()} == {}


def test_the_metadata_title_is_the_reports_title(rendered):
    from pypdf import PdfReader

    out, _font_dir, _app = rendered
    titles = {spec_id: PdfReader(io.BytesIO(r.pdf)).metadata.title for spec_id, r in out.items()}
    assert titles == {spec_id: r.title for spec_id, r in out.items()}


def _fonts(resources, seen):
    """The font dictionaries of a resource dictionary and of the forms it holds."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def test_every_font_is_embedded(rendered):
    from pypdf import PdfReader

    out, _font_dir, _app = rendered
    loose = {}
    for spec_id, r in out.items():
        for page in PdfReader(io.BytesIO(r.pdf)).pages:
            for font in _fonts(page.get("/Resources"), set()):
                described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = described.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    loose.setdefault(spec_id, set()).add(str(font.get("/BaseFont")))
    assert loose == {}


def test_the_check_sees_a_word_printed_over_the_next_cell(rendered):
    """The check is not blind: a word wider than its column and not allowed to break
    is printed over the next cell, and found."""
    from xhtml2pdf import pisa

    _out, font_dir, _app = rendered
    html = ('<html><head><meta charset="utf-8"><style>@font-face { font-family: "DejaVu"; src: url("DejaVuSans.ttf"); }'
            'body { font-family: "DejaVu"; font-size: 9pt; } td { border: 0.5pt solid #555; padding: 2pt; }</style>'
            f'</head><body><table><tr><td width="10%">{"-".join(LONG_NAME)}</td><td width="90%">1</td></tr>'
            '</table></body></html>')
    out = io.BytesIO()
    pisa.CreatePDF(html, dest=out, encoding="utf-8", path=os.path.join(font_dir, "check.html"))
    (page,) = pages(out.getvalue())
    assert [c for c in crossings(page) if c.startswith("a line over")] != []


def test_numbers_are_right_aligned(rendered, read):
    """In the табель, the days present and the days to pay (numbers) end at their cell's
    right border, less its padding, on every page."""
    out, _font_dir, _app = rendered
    table = out["preschool.attendance_sheet"].tables[0]
    assert all(isinstance(row[-1], int) for row in table.rows)
    gaps = []
    for page in (p for p in read["preschool.attendance_sheet"] if p.verticals):  # not the signatures' page
        right_border = max(x for x, _low, _high in page.verticals)
        left_border = max(x for x, _low, _high in page.verticals if x < right_border - 1)
        # The last column's body lines (its header is at the top, in its own taller cell).
        numbers = [line for line in page.lines if left_border < line[0] and line[2] < right_border
                   and all(c[0].isdigit() for c in page.chars if line[0] <= (c[1] + c[3]) / 2 <= line[2]
                           and line[1] <= (c[2] + c[4]) / 2 <= line[3])]
        gaps += [(round(right_border - right, 1), round(left - left_border, 1)) for left, _b, right, _t in numbers]
    assert gaps and all(right < 4 < left for right, left in gaps), gaps
