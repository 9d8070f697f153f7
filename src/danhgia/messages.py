"""Every message a user sees, in Vietnamese (default) and English.

Finding codes are stable kebab-case identifiers: programs rely on them, so a code is never
renamed. Each code has a default severity and a message template per language; templates use
``str.format`` fields (``{value}``, ``{expected}``, ``{criterion}``, ``{field}`` ...). Missing
fields render empty rather than failing.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any, Mapping

LANGS = ("vi", "en")


class Say(str):
    """A library message in both languages: the string itself is Vietnamese, ``.en`` English.

    Errors raised by the library (roster, events, unit file, framework files) carry ``Say``
    values so the command line prints one language at a time; code that treats them as plain
    text gets the Vietnamese, the default.
    """

    en: str

    def __new__(cls, vi: str, en: str) -> "Say":
        obj = super().__new__(cls, vi)
        obj.en = en
        return obj

    def __reduce__(self):   # findings cross process boundaries (--jobs)
        return (Say, (str(self), self.en))

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else str(self)


def say(text: Any, lang: str = "vi") -> str:
    """``text`` in ``lang``: a ``Say`` picks its language, anything else is ``str(text)``."""
    if isinstance(text, Say):
        return text.in_(lang)
    return "" if text is None else str(text)


@dataclass(frozen=True)
class Code:
    severity: str
    vi: str
    en: str


CODES: dict[str, Code] = {
    # --- files ---------------------------------------------------------------------------
    "file-unreadable": Code("error",
        "Không đọc được tệp: {reason}",
        "The file cannot be read: {reason}"),
    "file-encrypted": Code("error",
        "Tệp được đặt mật khẩu, không đọc được; hãy gửi lại bản không mật khẩu",
        "The file is password-protected and cannot be read; ask for a copy without a password"),
    "archive-duplicate-name": Code("error",
        "Tệp nén có {count} mục cùng tên «{name}»; đây là mục thứ {nth}, đã kiểm tra riêng. Hãy đặt tên khác nhau "
        "(khi giải nén, mục sau ghi đè mục trước)",
        "The archive holds {count} entries named «{name}»; this is entry {nth}, checked on its own. Give them "
        "different names (unzipping keeps only the last)"),
    "file-too-large": Code("error",
        "Tệp vượt giới hạn cho phép ({reason}; giới hạn {limit})",
        "The file is over the allowed limit ({reason}; limit {limit})"),
    # info on a skipped tab of a workbook that has scoresheets; error (sheet empty) when the
    # whole file holds no scoresheet
    "not-a-scoresheet": Code("info",
        "Không phải bảng điểm (không thấy bảng tiêu chí với cột điểm tối đa, tự chấm, lãnh đạo chấm); đã bỏ qua{detail}",
        "Not a scoresheet (no criteria table with max, self and leader score columns); skipped{detail}"),
    "unknown-variant": Code("error",
        "Không xác định được loại bảng điểm (Lãnh đạo quản lý / Chuyên viên / LĐHĐ)",
        "The scoresheet variant cannot be determined (leader / specialist / contract worker)"),
    "variant-mismatch": Code("error",
        "Dùng mẫu bảng điểm {value} nhưng danh sách ghi {expected}",
        "The scoresheet is the {value} form but the roster says {expected}"),
    # --- header --------------------------------------------------------------------------
    "missing-field": Code("error",
        "Thiếu thông tin: {field}",
        "Missing field: {field}"),
    "field-conflict": Code("error",
        "{field} ghi ở hai nơi khác nhau: «{value}» ở ô này, «{other_value}» ở ô {other}",
        "{field} is written twice with different values: «{value}» here, «{other_value}» in {other}"),
    # {of} / {asked}: the periods in words (PARAM_DEFAULTS: "tháng {value}" / "tháng {expected}");
    # a quarter run or a quarterly form passes them (danhgia.checks.header)
    "month-mismatch": Code("error",
        "Bảng điểm của {of}, không phải {asked}",
        "The scoresheet is for {of}, not for {asked}"),
    "invalid-date": Code("error",
        "{field}: không đọc được ngày «{value}» (dạng đúng: ngày/tháng/năm)",
        "{field}: «{value}» is not a date (expected day/month/year)"),
    "invalid-period": Code("error",
        "{field} «{value}» không hợp lệ ({rule})",
        "{field} «{value}» is not valid ({rule})"),
    "invalid-grade": Code("error",
        "{field}: «{value}» không phải mức xếp loại A, B, C hoặc D",
        "{field}: «{value}» is not a grade A, B, C or D"),
    # --- scores --------------------------------------------------------------------------
    "missing-score": Code("error",
        "Thiếu điểm {column} của tiêu chí {criterion}",
        "Missing {column} score for criterion {criterion}"),
    "score-not-number": Code("error",
        "Điểm {column} «{value}» của tiêu chí {criterion} không phải là số",
        "The {column} score «{value}» for criterion {criterion} is not a number"),
    "text-as-number": Code("warning",
        "Điểm {column} «{raw}» của tiêu chí {criterion} được nhập dạng chữ; đã đọc là {value}",
        "The {column} score «{raw}» for criterion {criterion} is typed as text; read as {value}"),
    "score-above-max": Code("error",
        "Điểm {column} {value} vượt điểm tối đa {max} của tiêu chí {criterion}",
        "The {column} score {value} is above the maximum {max} of criterion {criterion}"),
    "score-below-min": Code("error",
        "Điểm {column} {value} thấp hơn mức tối thiểu {min} của tiêu chí {criterion}",
        "The {column} score {value} is below the minimum {min} of criterion {criterion}"),
    "score-not-on-step": Code("error",
        "Điểm {column} {value} của tiêu chí {criterion} phải chia hết cho {step}",
        "The {column} score {value} for criterion {criterion} must be a multiple of {step}"),
    "block-over-max": Code("error",
        "Tổng điểm {column} của mục {criterion} là {value}, vượt tối đa {max}",
        "The {column} total of block {criterion} is {value}, above its maximum {max}"),
    "total-mismatch": Code("error",
        "Tổng {column} ghi trên bảng là {value} nhưng cộng lại là {expected} ({criterion})",
        "The stored {column} total is {value} but the items add up to {expected} ({criterion})"),
    "max-mismatch": Code("warning",
        "Điểm tối đa ghi trên bảng của tiêu chí {criterion} là {value}, khung quy định {expected}",
        "The maximum written on the form for {criterion} is {value}; the framework says {expected}"),
    "bonus-without-note": Code("error",
        "Có điểm thưởng {value} ({criterion}) nhưng không ghi nội dung đề nghị cộng điểm",
        "Bonus points {value} ({criterion}) without the written statement of the work that earns them"),
    "completion-mismatch": Code("error",
        "Điểm {column} {value} của tiêu chí {criterion} không khớp tỷ lệ hoàn thành {share}% (khung: {expected})",
        "The {column} score {value} for {criterion} does not match the completion share {share}% (allowed: {expected})"),
    # NĐ 335 task-result ratios (part II of Mẫu 01)
    "ratio-missing": Code("error",
        "Thiếu tỷ lệ ({letter}) {column} của tiêu chí {criterion}",
        "Missing {column} ratio ({letter}) for criterion {criterion}"),
    "ratio-out-of-range": Code("error",
        "Tỷ lệ ({letter}) {column} là {value}%, ngoài khoảng 0–100% (đơn vị giới hạn tỷ lệ ở 100%); đã tính là {counted}%",
        "The {column} ratio ({letter}) is {value}%, outside 0–100% (the unit caps ratios at 100%); counted as {counted}%"),
    "ratio-as-fraction": Code("warning",
        "Tỷ lệ ({letter}) {column} ghi «{raw}» (ô định dạng phần trăm); đã đọc là {value}%",
        "The {column} ratio ({letter}) holds «{raw}» (a percent-formatted cell); read as {value}%"),
    "ratio-product-mismatch": Code("error",
        "Tỷ lệ ({letter}) {column} ghi {value}% nhưng bảng kê sản phẩm (trang «{sheet_name}») cho {expected}%",
        "The {column} ratio ({letter}) is {value}% but the product list (sheet «{sheet_name}») gives {expected}%"),
    "product-list-unreadable": Code("error",
        "Bảng kê sản phẩm (trang «{sheet_name}»): ô {cell} «{value}» không phải là số; chưa đối chiếu tỷ lệ",
        "Product list (sheet «{sheet_name}»): cell {cell} «{value}» is not a number; ratios not compared"),
    "leader-d-mismatch": Code("warning",
        "Tỷ lệ (d) là {value}% nhưng kết quả của {people} người thuộc quyền ở {unit} cho {expected}% ({khtnv} người KHTNV)",
        "Ratio (d) is {value}% but the results of the {people} people led in {unit} give {expected}% ({khtnv} rated KHTNV)"),
    # quarters (NĐ 335: monitoring by month or quarter)
    "quarter-and-months": Code("warning",
        "Có cả phiếu {quarter} và phiếu tháng {months} của cùng người: dùng phiếu quý",
        "Both a quarterly form ({quarter}) and monthly forms (months {months}) for the same person: the quarterly form is used"),
    "period-overlap": Code("info",
        "Tháng {value} có cả kết quả tháng ({other}) và kết quả {quarter}: điểm năm dùng {used}",
        "Months {value} have both monthly results ({other}) and the {quarter} result: the year uses {used}"),
    "grade-mismatch": Code("warning",
        "Tự xếp loại {value} nhưng tổng điểm tự chấm {total} thuộc loại {expected}",
        "Self grade {value} but the self total {total} falls in grade {expected}"),
    "grade-above-band": Code("error",
        "Thủ trưởng xếp loại {value} cao hơn mức điểm cho phép: tổng điểm {total} chỉ đạt loại {expected}",
        "The decided grade {value} is above what the score allows: total {total} gives grade {expected}"),
    "missing-leader-score": Code("warning",
        "Chưa có điểm lãnh đạo chấm",
        "The leader has not scored this sheet yet"),
    "missing-decision": Code("warning",
        "Chưa có xếp loại của thủ trưởng",
        "The head has not decided the grade yet"),
    # --- dates ---------------------------------------------------------------------------
    "self-assessment-early": Code("warning",
        "Tự đánh giá ngày {value}, trước thời gian quy định (từ {expected})",
        "Self-assessed on {value}, before the window opens ({expected})"),
    "self-assessment-late": Code("warning",
        "Tự đánh giá ngày {value}, sau hạn ({expected})",
        "Self-assessed on {value}, after the deadline ({expected})"),
    "decision-late": Code("warning",
        "{field}: {value}, sau hạn ({expected})",
        "{field}: {value}, after the deadline ({expected})"),
    "missing-date": Code("warning",
        "Thiếu {field}",
        "Missing {field}"),
    # --- roster --------------------------------------------------------------------------
    "not-in-roster": Code("error",
        "{person} (mã {value}) không có trong danh sách",
        "{person} (id {value}) is not in the roster"),
    "duplicate-person": Code("error",
        "{person} có nhiều hơn một bảng điểm (cũng ở {other})",
        "{person} has more than one scoresheet (also in {other})"),
    "missing-submission": Code("error",
        "{person} (mã {value}) chưa nộp bảng điểm",
        "{person} (id {value}) has not submitted a scoresheet"),
    "exempt-month": Code("warning",
        "{person} không đánh giá {when} ({reason}); bảng điểm được bỏ qua",
        "{person} is not evaluated {when} ({reason}); the scoresheet is ignored"),
    # a quarter run (--quarter): people whose framework is kept by month only have no quarter
    "not-quarterly": Code("info",
        "{count} người trong danh sách theo khung {framework}, khung này chỉ theo dõi theo tháng: không "
        "cần bảng điểm {period} (kiểm tra họ bằng --month)",
        "{count} people of the roster are under the framework {framework}, which is kept by month only: "
        "no scoresheet of {period} is expected from them (check them with --month)"),
    # --- text ----------------------------------------------------------------------------
    "leader-column": Code("info",
        "Điểm lãnh đạo lấy ở cột «{column}»; các cột chấm khác cũng được đọc: {others}",
        "The leader's score is taken from the column «{column}»; the other reviewers' columns are read too: {others}"),
    "legacy-encoding": Code("warning",
        "Chữ «{value}» có vẻ gõ bằng bảng mã cũ ({encoding}); hãy chuyển sang Unicode",
        "The text «{value}» looks typed in a legacy encoding ({encoding}); convert it to Unicode"),
    "cell-too-long": Code("error",
        "Ô chứa {length} ký tự, quá giới hạn {limit} ký tự; chỉ đọc phần đầu «{value}…»",
        "The cell holds {length} characters, over the limit of {limit}; only its start «{value}…» is read"),
    "unsafe-text": Code("warning",
        "Ô chứa chữ bắt đầu bằng «{prefix}», có thể bị hiểu là công thức; đã giữ dạng chữ",
        "The cell text begins with «{prefix}» and could be taken as a formula; kept as text"),
    # --- tally / roll-up -----------------------------------------------------------------
    "quota-exceeded": Code("error",
        "{unit}: {count} người loại {grade}, vượt mức tối đa {cap} ({rate} của {base})",
        "{unit}: {count} people rated {grade}, above the cap of {cap} ({rate} of {base})"),
    "quota-tie": Code("warning",
        "{unit}: nhiều người bằng điểm {value} tại ngưỡng cắt; thủ trưởng quyết định",
        "{unit}: several people tie at {value} at the cut; the head decides"),
    "quota-demoted": Code("info",
        "{person}: hạ từ loại {value} xuống {expected} để đúng tỷ lệ ({unit})",
        "{person}: lowered from {value} to {expected} to meet the cap ({unit})"),
    "person-in-two-units": Code("error",
        "{person} (mã {value}) có mặt ở hai đơn vị: {units}",
        "{person} (id {value}) appears in two units: {units}"),
    "monthly-workbook": Code("info",
        "Tệp là bảng tổng hợp tháng do danhgia lập, không phải bảng điểm; «danhgia tally» gộp nó như một đơn vị trực thuộc",
        "The file is a consolidated monthly workbook made by danhgia, not a scoresheet; «danhgia tally» rolls it up as a sub-unit"),
    # --- what a run lacks (design.md §2: said as a warning, never silent) ------------------
    "roster-not-covered": Code("info",
        "{count} người trong danh sách không có trong các tệp đã kiểm tra ({period}); việc nộp bảng "
        "điểm chưa được kiểm tra — đưa thư mục của cả đơn vị, hoặc thêm --expect-all",
        "{count} people of the roster are not among the files checked ({period}); submissions were not "
        "checked — give the whole unit's folder, or add --expect-all"),
    "no-roster": Code("warning",
        "Không có danh sách nhân sự: không biết ai chưa nộp bảng điểm, số chưa nộp chưa được tính",
        "No roster: nobody can be known to be missing, missing submissions are not counted"),
    "no-events": Code("warning",
        "Không có sự kiện năm (danh sách không có trang «Sự kiện năm», không có --events): chưa áp dụng được "
        "kỷ luật, suy thoái, nghỉ từ 3 đến dưới 6 tháng, nghỉ thai sản, chuyển công tác, số tháng công tác "
        "thực tế và kết quả đơn vị của lãnh đạo; mọi kết quả là tạm tính",
        "No annual events (no «Sự kiện năm» sheet in the roster, no --events): discipline, degradation, "
        "absence of 3 to under 6 months, maternity leave, transfers, actual months worked and leaders' unit "
        "results could not be applied; every result is provisional"),
    # the tool's own earlier output among the inputs (danhgia.mark): never read again
    "own-output": Code("info",
        "Tệp do danhgia tạo ({what_vi}{detail}); không đọc lại, đã bỏ qua",
        "Written by danhgia ({what_en}{detail}); not read again, skipped"),
    "not-a-tally": Code("error",
        "Tệp không phải bảng tổng hợp tháng do danhgia tạo (thiếu trang «{field}»)",
        "The file is not a monthly workbook made by danhgia (no sheet «{field}»)"),
    # --- annual --------------------------------------------------------------------------
    "month-missing": Code("warning",
        "Thiếu bảng tổng hợp tháng {value}",
        "No monthly workbook for {value}"),
    "hand-grade-above-band": Code("error",
        "{person}: tháng {month} sửa tay thành loại {value}, cao hơn mức điểm {total} cho phép ({expected})",
        "{person}: month {month} changed by hand to {value}, above what the score {total} allows ({expected})"),
    "leader-results-missing": Code("warning",
        "{person} là lãnh đạo nhưng thiếu kết quả của đơn vị phụ trách; chưa áp dụng giới hạn",
        "{person} is a leader but the results of the unit they lead are missing; no cap applied"),
    "invalid-event": Code("error",
        "Sự kiện năm của {person}: {field} «{value}» không hợp lệ",
        "Annual events of {person}: {field} «{value}» is not valid"),
    # annual: reading monthly workbooks, missing months, strategies (added by the annual issue)
    "monthly-header-missing": Code("error",
        "Trang «{sheet}» không có dòng tiêu đề của bảng tổng hợp tháng (cần các cột {expected})",
        "Sheet «{sheet}» has no header row of a monthly workbook (columns {expected} are needed)"),
    "monthly-month-unknown": Code("error",
        "Không xác định được tháng của bảng tổng hợp (dòng «Tháng» ở trang «Nguồn»)",
        "The month of the monthly workbook is unknown (row «Tháng» of sheet «Nguồn»)"),
    "monthly-bad-value": Code("error",
        "{person}: {field} «{value}» không đọc được; coi như để trống",
        "{person}: {field} «{value}» cannot be read; treated as blank"),
    "month-outside-year": Code("warning",
        "Bảng tổng hợp tháng {value} không thuộc năm {expected}; đã bỏ qua",
        "The monthly workbook for {value} is not in the year {expected}; skipped"),
    "month-duplicate": Code("error",
        "{person} có hai kết quả tháng {value} (cũng ở {other}); dùng kết quả đọc trước",
        "{person} has two results for {value} (also in {other}); the first one read is used"),
    "person-month-missing": Code("warning",
        "{person} không có kết quả tháng {value} ({reason})",
        "{person} has no result for {value} ({reason})"),
    "level-missing": Code("warning",
        "{person}: chưa có mức xếp loại đề xuất (cột «Mức đề xuất» của sự kiện năm); chưa xếp loại",
        "{person}: no proposed level (column «Mức đề xuất» of the annual events); not rated"),
    "level-lowered": Code("warning",
        "{person}: mức đề xuất {value} bị hạ xuống {expected} ({rule})",
        "{person}: the proposed level {value} is lowered to {expected} ({rule})"),
    "group-unknown": Code("warning",
        "{person}: không rõ nhóm (Cán bộ / Công chức / Viên chức / LĐHĐ); áp dụng quy định {rules}",
        "{person}: staff group unknown (Cán bộ / Công chức / Viên chức / LĐHĐ); rules {rules} applied"),
}

# Short names people see instead of codes (tables, workbook cells, summaries); codes stay in
# JSON and CSV for programs. Vietnamese first, English with --lang en.
NAMES: dict[str, tuple[str, str]] = {
    "field-conflict": ("Thông tin ghi hai nơi khác nhau", "Field written twice, differently"),
    "leader-column": ("Cột điểm lãnh đạo", "Leader's score column"),
    "own-output": ("Tệp kết quả của danhgia", "danhgia's own output"),
    "no-roster": ("Không có danh sách", "No roster"),
    "no-events": ("Không có sự kiện năm", "No annual events"),
    "roster-not-covered": ("Danh sách chưa đủ tệp", "Roster not covered"),
    "file-unreadable": ("Tệp không đọc được", "File unreadable"),
    "file-encrypted": ("Tệp có mật khẩu", "File password-protected"),
    "file-too-large": ("Tệp quá lớn", "File too large"),
    "not-a-scoresheet": ("Không phải bảng điểm", "Not a scoresheet"),
    "unknown-variant": ("Không rõ loại bảng điểm", "Unknown form variant"),
    "variant-mismatch": ("Sai loại bảng điểm", "Wrong form variant"),
    "missing-field": ("Thiếu thông tin", "Missing field"),
    "month-mismatch": ("Sai tháng", "Wrong month"),
    "invalid-date": ("Ngày không hợp lệ", "Invalid date"),
    "invalid-grade": ("Xếp loại không hợp lệ", "Invalid grade"),
    "missing-score": ("Thiếu điểm", "Missing score"),
    "score-not-number": ("Điểm không phải số", "Score not a number"),
    "text-as-number": ("Điểm nhập dạng chữ", "Score typed as text"),
    "score-above-max": ("Điểm vượt tối đa", "Score above maximum"),
    "score-below-min": ("Điểm dưới tối thiểu", "Score below minimum"),
    "score-not-on-step": ("Điểm lẻ sai bước", "Score off the step"),
    "block-over-max": ("Tổng mục vượt tối đa", "Block above maximum"),
    "total-mismatch": ("Tổng điểm sai", "Total mismatch"),
    "max-mismatch": ("Điểm tối đa khác khung", "Maximum differs from framework"),
    "bonus-without-note": ("Điểm thưởng thiếu nội dung", "Bonus without statement"),
    "completion-mismatch": ("Điểm không khớp tỷ lệ hoàn thành", "Completion share mismatch"),
    "ratio-missing": ("Thiếu tỷ lệ", "Ratio missing"),
    "ratio-out-of-range": ("Tỷ lệ ngoài 0–100%", "Ratio out of range"),
    "ratio-as-fraction": ("Tỷ lệ ghi dạng phần trăm", "Ratio as a fraction"),
    "ratio-product-mismatch": ("Tỷ lệ khác bảng kê", "Ratio differs from the product list"),
    "product-list-unreadable": ("Bảng kê không đọc được", "Product list unreadable"),
    "leader-d-mismatch": ("Tỷ lệ (d) không khớp", "Ratio (d) mismatch"),
    "quarter-and-months": ("Trùng phiếu quý và phiếu tháng", "Quarterly and monthly forms"),
    "period-overlap": ("Trùng kỳ tháng và quý", "Month and quarter overlap"),
    "cell-too-long": ("Ô quá dài", "Cell too long"),
    "archive-duplicate-name": ("Trùng tên trong tệp nén", "Duplicate name in archive"),
    "invalid-period": ("Kỳ đánh giá không hợp lệ", "Invalid period"),
    "grade-mismatch": ("Tự xếp loại không khớp điểm", "Self grade mismatch"),
    "grade-above-band": ("Xếp loại cao hơn mức điểm", "Grade above score band"),
    "missing-leader-score": ("Chưa có điểm lãnh đạo", "Leader score missing"),
    "missing-decision": ("Chưa có quyết định xếp loại", "Head decision missing"),
    "self-assessment-early": ("Tự đánh giá sớm", "Self-assessment early"),
    "self-assessment-late": ("Tự đánh giá muộn", "Self-assessment late"),
    "decision-late": ("Đánh giá muộn", "Review late"),
    "missing-date": ("Thiếu ngày", "Missing date"),
    "not-in-roster": ("Không có trong danh sách", "Not in roster"),
    "duplicate-person": ("Trùng bảng điểm", "Duplicate scoresheet"),
    "missing-submission": ("Chưa nộp", "Not submitted"),
    "exempt-month": ("Tháng không đánh giá", "Month not evaluated"),
    "not-quarterly": ("Khung không theo quý", "Framework not by quarter"),
    "legacy-encoding": ("Bảng mã cũ", "Legacy encoding"),
    "unsafe-text": ("Chữ giống công thức", "Formula-like text"),
    "quota-exceeded": ("Vượt tỷ lệ", "Quota exceeded"),
    "quota-tie": ("Bằng điểm tại ngưỡng", "Tie at the cut"),
    "quota-demoted": ("Hạ loại theo tỷ lệ", "Lowered for quota"),
    "person-in-two-units": ("Có mặt ở hai đơn vị", "In two units"),
    "monthly-workbook": ("Bảng tổng hợp tháng", "Monthly workbook"),
    "not-a-tally": ("Không phải bảng tổng hợp", "Not a monthly workbook"),
    "month-missing": ("Thiếu tháng", "Month missing"),
    "hand-grade-above-band": ("Sửa tay cao hơn mức điểm", "Hand grade above band"),
    "leader-results-missing": ("Thiếu kết quả đơn vị phụ trách", "Led unit results missing"),
    "invalid-event": ("Sự kiện năm không hợp lệ", "Invalid annual event"),
    "monthly-header-missing": ("Thiếu dòng tiêu đề", "Header row missing"),
    "monthly-month-unknown": ("Không rõ tháng", "Month unknown"),
    "monthly-bad-value": ("Giá trị không đọc được", "Unreadable value"),
    "month-outside-year": ("Tháng ngoài năm", "Month outside the year"),
    "month-duplicate": ("Trùng kết quả tháng", "Duplicate month result"),
    "person-month-missing": ("Thiếu kết quả tháng", "Month result missing"),
    "level-missing": ("Chưa có mức đề xuất", "Proposed level missing"),
    "level-lowered": ("Hạ mức xếp loại", "Level lowered"),
    "group-unknown": ("Không rõ nhóm", "Staff group unknown"),
}

SEVERITY_NAMES: dict[str, tuple[str, str]] = {
    "error": ("Lỗi", "Error"),
    "warning": ("Cảnh báo", "Warning"),
    "info": ("Thông tin", "Info"),
}


def code_name(code: str, lang: str = "vi") -> str:
    """The short name of a finding code in ``lang`` (the code itself when it has none)."""
    pair = NAMES.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def severity_name(severity: str, lang: str = "vi") -> str:
    pair = SEVERITY_NAMES.get(severity, (severity, severity))
    return pair[1] if lang == "en" else pair[0]


# Words used inside messages and reports.
WORDS: dict[str, tuple[str, str]] = {
    "self": ("tự chấm", "self"),
    "leader": ("lãnh đạo chấm", "leader"),
    "name": ("Họ và tên", "Full name"),
    "id": ("Mã số", "Staff id"),
    "position": ("Chức vụ", "Position"),
    "unit": ("Đơn vị", "Unit"),
    "month": ("Tháng", "Month"),
    "quarter": ("Quý", "Quarter"),
    "year": ("Năm", "Year"),
    "self_date": ("Ngày tự đánh giá", "Self-assessment date"),
    "leader_date": ("Ngày lãnh đạo đánh giá", "Leader review date"),
    "head_date": ("Ngày thủ trưởng quyết định", "Date of the head's decision"),
    "self_grade": ("Tự xếp loại", "Self grade"),
    "decided_grade": ("Thủ trưởng quyết định xếp loại", "Grade decided by the head"),
    "bonus_note": ("Nội dung đề nghị cộng điểm thưởng", "Statement for bonus points"),
    "total": ("Tổng điểm", "Total"),
}


# Defaults of message fields a finding may leave out, in each language; ``{…}`` inside them are
# filled from the finding's own fields (a month finding says «tháng 10/2026», a quarter run
# passes «Quý III/2026 (tháng 7, 8, 9)» itself).
PARAM_DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    "month-mismatch": {"of": ("tháng {value}", "{value}"), "asked": ("tháng {expected}", "{expected}")},
    "invalid-period": {"rule": ("tháng từ 1 đến 12, năm có bốn chữ số", "a month from 1 to 12, a four-digit year")},
    "roster-not-covered": {"period": ("tháng {month}", "{month}")},
    "exempt-month": {"when": ("tháng này", "this month")},          # a quarterly form: «Quý III/2026»
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def word(key: str, lang: str = "vi") -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def render(code: str, lang: str, params: Mapping[str, Any]) -> str:
    entry = CODES[code]
    template = entry.en if lang == "en" else entry.vi
    ctx = _Blank()
    for key, val in params.items():
        # Known word keys (column, field) are translated here so checks can pass keys.
        if key in ("column", "field") and isinstance(val, str) and val in WORDS:
            val = word(val, lang)
        elif isinstance(val, Say):
            val = val.in_(lang)
        ctx[key] = val
    for key, pair in PARAM_DEFAULTS.get(code, {}).items():
        if key not in ctx:
            ctx[key] = string.Formatter().vformat(pair[1] if lang == "en" else pair[0], (), ctx)
    return string.Formatter().vformat(template, (), ctx)
