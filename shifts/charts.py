"""The fairness chart as plain geometry for a server-rendered SVG (no JavaScript, no CDN)."""

from dataclasses import dataclass

from shifts.selectors.fairness import FairnessRow

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 140
PLOT_WIDTH = 520


@dataclass(frozen=True)
class Bar:
    label: str
    shifts: int
    y: int
    weekday: float
    weekend: float
    holiday: float
    weekday_width: float
    weekend_width: float
    holiday_width: float

    @property
    def weekend_x(self) -> float:
        return LABEL_WIDTH + self.weekday_width

    @property
    def holiday_x(self) -> float:
        return self.weekend_x + self.weekend_width

    @property
    def end_x(self) -> float:
        return self.holiday_x + self.holiday_width + 6

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    max_hours: float


def fairness_chart(report: list[FairnessRow]) -> Chart:
    """One stacked bar per person: weekday, weekend and public-holiday hours of the year."""
    largest = max((row.year.total for row in report), default=0.0) or 1.0
    scale = PLOT_WIDTH / largest
    bars = [
        Bar(
            label=row.person.get_full_name() or row.person.get_username(),
            shifts=row.year.shifts,
            y=GAP + n * (BAR_HEIGHT + GAP),
            weekday=row.year.weekday,
            weekend=row.year.weekend,
            holiday=row.year.holiday,
            weekday_width=row.year.weekday * scale,
            weekend_width=row.year.weekend * scale,
            holiday_width=row.year.holiday * scale,
        )
        for n, row in enumerate(report)
    ]
    return Chart(
        bars=bars,
        width=LABEL_WIDTH + PLOT_WIDTH + 130,
        height=GAP + len(bars) * (BAR_HEIGHT + GAP),
        label_width=LABEL_WIDTH,
        max_hours=largest,
    )


QUARTER_COLUMN = 130
QUARTER_BAR = 90


@dataclass(frozen=True)
class QuarterCell:
    x: int
    width: float
    shifts: int
    hours: float

    @property
    def text_x(self) -> float:
        return self.x + self.width + 4


@dataclass(frozen=True)
class QuarterRow:
    label: str
    y: int
    cells: list[QuarterCell]

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 6


@dataclass(frozen=True)
class QuarterChart:
    rows: list[QuarterRow]
    headers: list[tuple[int, str]]
    width: int
    height: int
    label_width: int


def quarter_chart(report: list[FairnessRow]) -> QuarterChart:
    """Shifts per person and quarter: one small bar per quarter, side by side."""
    largest = max((q.shifts for row in report for q in row.quarters), default=0) or 1
    top = 22
    rows = [
        QuarterRow(
            label=row.person.get_full_name() or row.person.get_username(),
            y=top + n * (BAR_HEIGHT + GAP),
            cells=[
                QuarterCell(
                    x=LABEL_WIDTH + q * QUARTER_COLUMN,
                    width=quarter.shifts * QUARTER_BAR / largest,
                    shifts=quarter.shifts,
                    hours=quarter.total,
                )
                for q, quarter in enumerate(row.quarters)
            ],
        )
        for n, row in enumerate(report)
    ]
    return QuarterChart(
        rows=rows,
        headers=[(LABEL_WIDTH + q * QUARTER_COLUMN, f"Q{q + 1}") for q in range(4)],
        width=LABEL_WIDTH + 4 * QUARTER_COLUMN + 10,
        height=top + len(rows) * (BAR_HEIGHT + GAP),
        label_width=LABEL_WIDTH,
    )
