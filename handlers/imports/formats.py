"""The CSV layouts `callwatch import strikes --format NAME` understands, one small table entry each.

Adding a source means adding one `StrikeFormat` to `FORMATS`: which column holds the start time, in which
zone, and whether counts come per weapon model (classified by `handlers.imports.weapon_classes`) or as drone and
missile totals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StrikeFormat:
    name: str
    description: str
    zone: str  # zone of times written without an offset
    start: str  # column: when the wave started ("YYYY-MM-DD HH:MM", or a bare date when the hour is unknown)
    end: str | None = None
    time_known: str | None = None  # a True/False column saying whether the start's hour is known
    # Either one weapon model and its count per row …
    model: str | None = None
    count: str | None = None
    # … or drone and missile totals, optionally with a "Model:count,…" column.
    drones: str | None = None
    missiles: str | None = None
    weapons: str | None = None
    region: tuple[str, ...] = ()  # first non-empty of these
    killed: str | None = None
    injured: str | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()  # appended to the notes as "column: value"
    key: str | None = None  # a column that already holds a stable row key, used where it is filled
    # The columns whose text identifies a row (hashed into its source key); empty: every column. A later copy
    # of the data set that corrects a column outside these does not add the row again.
    identity: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        columns = [self.start]
        columns += [self.model, self.count] if self.model else [self.drones or "", self.missiles or ""]
        return tuple(column for column in columns if column)


FORMATS: dict[str, StrikeFormat] = {
    format.name: format
    for format in (
        StrikeFormat(
            name="uaf-daily",
            description="Ukrainian Air Force daily reports, one row per wave and weapon model "
            "(missile_attacks_daily.csv of the data set 'Massive Missile Attacks on Ukraine', Kyiv time)",
            zone="Europe/Kyiv",
            start="time_start",
            end="time_end",
            model="model",
            count="launched",
            region=("target", "affected region"),
            source="source",
            notes=("launch_place", "carrier", "destroyed", "not_reach_goal"),
            identity=("time_start", "time_end", "model", "launch_place", "target", "launched", "source"),
        ),
        StrikeFormat(
            name="callwatch",
            description="callwatch's own columns (as `callwatch export --format csv` writes them; times UTC "
            "unless they carry an offset)",
            zone="UTC",
            start="at",
            end="ended_at",
            time_known="time_known",
            drones="drones",
            missiles="missiles",
            weapons="weapons",
            region=("region",),
            killed="killed",
            injured="injured",
            source="source",
            notes=("notes",),
            key="source_key",
        ),
    )
}
