"""`parse_report(text, posted_at=None)`: an Air Force overnight report in, a `ParsedReport` or a `Refusal` out.

Pure and deterministic: no I/O, no network, no model. The sentences that speak for the report give counts
(`counts.read_sentence`); counts of the same weapons are merged (an exact number beats "about N", the first
statement beats a later repeat), a destroyed count is attached to the launched group it describes, and the drone
and missile totals are summed by the import's own classes. What the text does not state stays `None`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from handlers.airforce.counts import Count, read_sentence
from handlers.airforce.night import night_of
from handlers.airforce.report import Hits, ParsedReport, Refusal, WeaponCount
from handlers.airforce.screening import issuer_of, refusal_reason, speaks_for_report
from handlers.airforce.text import normalize, sentences
from handlers.airforce.weapons import group_name
from handlers.i18n import _, ngettext
from handlers.i18n.numbers import format_number

MAX_TEXT = 20_000  # a report is a few paragraphs; anything longer is not one pasted post


@dataclass
class _Value:
    value: int | None = None
    approximate: bool = False

    def offer(self, value: int, approximate: bool) -> None:
        """The first exact statement wins; "about N" only fills a gap or yields to an exact number."""
        if self.value is None or (self.approximate and not approximate):
            self.value, self.approximate = value, approximate


@dataclass
class _Group:
    members: set[str]
    kind: str
    launched: _Value = field(default_factory=_Value)
    destroyed: _Value = field(default_factory=_Value)
    lost: _Value = field(default_factory=_Value)
    all_destroyed: bool = False

    @property
    def generic(self) -> bool:
        return not self.members


def parse_report(text: str, posted_at: dt.datetime | dt.date | None = None) -> ParsedReport | Refusal:
    """Read one report. Never raises on any text: what is not a report comes back as a `Refusal`."""
    if not isinstance(text, str) or not text.strip():
        return Refusal(_("the text is empty"))
    if len(text) > MAX_TEXT:
        return Refusal(
            ngettext(
                "the text is {n} character long; paste one report (under {limit})",
                "the text is {n} characters long; paste one report (under {limit})",
                len(text),
            ).format(n=format_number(len(text)), limit=format_number(MAX_TEXT))
        )
    normal = normalize(text)
    issuer, region = issuer_of(normal)
    reason = refusal_reason(normal, issuer)
    if reason:
        return Refusal(reason)
    counted: list[Count] = []
    mentioned: set[str] = set()
    list_action = None
    for sentence in sentences(normal):
        if not speaks_for_report(sentence):
            list_action = None
            continue
        counts, kinds, list_action = read_sentence(sentence, list_action)
        counted.extend(counts)
        mentioned |= kinds
    if not any(count.action in {"launched", "destroyed", "lost"} and not count.share for count in counted):
        return Refusal(
            _(
                "it mentions an attack but states no count of launched or destroyed drones or missiles "
                "(an air-raid alert or a news story?)"
            )
        )
    return _assemble(counted, mentioned, night_of(normal, posted_at), issuer, region)


def _assemble(
    counted: list[Count], mentioned: set[str], night: dt.date | None, issuer: str | None, region: str | None
) -> ParsedReport:
    groups: list[_Group] = []
    totals: dict[tuple[str, str], _Value] = {}  # (kind, action) stated for the kind as a whole
    composition: dict[str, int] = {}
    hits = {"weapons": _Value(), "locations": _Value(), "debris_locations": _Value()}
    last_group: _Group | None = None
    all_destroyed: set[str] = set()
    overall: dict[str, _Value] = {}  # counts of "air attack means" / "air targets" of every kind together

    def group_for(count: Count) -> _Group:
        for group in groups:
            if group.members == set(count.members) and group.kind == count.kind:
                return group
        group = _Group(set(count.members), count.kind)
        groups.append(group)
        return group

    for count in counted:
        if count.share:
            for name in count.members:
                composition.setdefault(name, count.value)
            continue
        if count.locations:
            hits["debris_locations" if count.debris else "locations"].offer(count.value, count.approximate)
            continue
        if count.action == "hit":
            if count.kind != "total":
                hits["weapons"].offer(count.value, count.approximate)
            continue
        if count.action == "other":
            continue
        if count.all_of_them and count.anaphoric:
            all_destroyed.add(count.kind)  # applied once every group is known
            continue
        if count.anaphoric:
            target = _target(groups, count) or last_group
            if target is not None and count.action == "destroyed":
                target.destroyed.offer(count.value, count.approximate)
            continue
        if count.kind == "total":  # "550 засобами повітряного нападу", "знешкоджено 270 повітряних цілей"
            if count.action in {"launched", "destroyed"} and not count.anaphoric:
                overall.setdefault(count.action, _Value()).offer(count.value, count.approximate)
            continue
        group = group_for(count)
        slot = {"launched": group.launched, "destroyed": group.destroyed, "lost": group.lost}[count.action]
        slot.offer(count.value, count.approximate)
        if count.all_of_them and count.action == "destroyed":
            group.launched.offer(count.value, count.approximate)
            group.all_destroyed = True
        if count.action == "launched":
            last_group = group

    for group in groups:
        if "total" in all_destroyed or group.kind in all_destroyed:
            group.all_destroyed = True
    groups = _reconcile(groups, totals)
    weapons: list[WeaponCount] = []
    approximate_of: dict[str, dict[str, bool]] = {}
    for group in groups:
        if group.all_destroyed and group.launched.value is not None:
            group.destroyed.offer(group.launched.value, group.launched.approximate)
        name = (
            group_name(group.members)
            if group.members
            else ("Unknown UAV" if group.kind == "drone" else "Unknown Missile")
        )
        approximate_counts = any(value.approximate for value in (group.launched, group.destroyed, group.lost))
        approximate_of[name] = {"launched": group.launched.approximate, "destroyed": group.destroyed.approximate}
        weapons.append(
            WeaponCount(name, group.launched.value, group.destroyed.value, group.lost.value, approximate_counts)
        )

    weapons = _unlisted_were_not_destroyed(weapons, overall.get("destroyed"))
    approximate: set[str] = set()
    result: dict[str, int | None] = {}
    for kind in ("drone", "missile"):
        kind_weapons = [weapon for weapon in weapons if weapon.kind == kind]
        for action in ("launched", "destroyed"):
            field_name = f"{kind}s_{action}"
            stated = totals.get((kind, action))
            values = [_Value(getattr(weapon, action), approximate_of[weapon.name][action]) for weapon in kind_weapons]
            if stated is not None and stated.value is not None:
                result[field_name] = stated.value
                if stated.approximate:
                    approximate.add(field_name)
            elif values and all(value.value is not None for value in values):
                result[field_name] = sum(value.value or 0 for value in values)
                if any(value.approximate for value in values):
                    approximate.add(field_name)
            elif not values and kind not in mentioned:
                result[field_name] = 0  # the report speaks of no weapon of this kind
            elif not values and action == "destroyed" and result.get(f"{kind}s_launched") == 0:
                result[field_name] = 0
            else:
                result[field_name] = None
    lost_values = [group.lost.value for group in groups if group.kind == "drone" and group.lost.value is not None]
    return ParsedReport(
        night=night,
        drones_launched=result["drones_launched"],
        missiles_launched=result["missiles_launched"],
        drones_destroyed=result["drones_destroyed"],
        missiles_destroyed=result["missiles_destroyed"],
        weapons=tuple(weapons),
        issuer=issuer,
        region=region,
        hits=Hits(hits["weapons"].value, hits["locations"].value, hits["debris_locations"].value),
        drones_lost=sum(lost_values) if lost_values else None,
        approximate=frozenset(approximate),
        composition=tuple(composition.items()),
    )


def _reconcile(groups: list[_Group], totals: dict[tuple[str, str], _Value]) -> list[_Group]:
    """Join the groups that describe the same weapons differently, and turn bare "drones"/"ракет" into totals.

    A report often names its launched group fully ("Shahed, Гербера та інші") and its destroyed group briefly
    ("150 ворожих БпЛА"), or the other way round. When a kind has one launched group, every other group of that
    kind with no launched count of its own is the same weapons: it is merged in, under the fuller name. A bare
    "28 ракет" beside named missiles that each have their own launch count is their total, not one more weapon.
    """
    _merge_plain_iskander(groups)
    for kind in ("drone", "missile"):
        kind_groups = [group for group in groups if group.kind == kind]
        generic = [group for group in kind_groups if group.generic]
        named_launched = [group for group in kind_groups if not group.generic and group.launched.value is not None]
        for bare in generic if named_launched else ():
            if len(named_launched) == 1:  # "131 drones" and "131 Shahed, Gerbera and others": the same weapons
                _merge_into(named_launched[0], bare)
            else:  # "all five drones" beside "three Shahed and two unidentified": the total of them
                for action in ("launched", "destroyed"):
                    value = getattr(bare, action)
                    if value.value is not None:
                        totals.setdefault((kind, action), _Value()).offer(value.value, value.approximate)
                for group in named_launched:
                    group.all_destroyed |= bare.all_destroyed
            groups.remove(bare)
        kind_groups = [group for group in groups if group.kind == kind]
        launched = [group for group in kind_groups if group.launched.value is not None]
        if kind == "missile" and len(launched) == 1 and launched[0].generic:
            # "22 ракети" beside "три балістичні ракети збито": a total of several types, not one of them.
            others = [group for group in kind_groups if group is not launched[0]]
            if others and all(not group.generic for group in others):
                totals.setdefault((kind, "launched"), _Value()).offer(
                    launched[0].launched.value or 0, launched[0].launched.approximate
                )
                continue
        if len(launched) == 1 or (not launched and kind == "drone" and kind_groups):
            keeper = launched[0] if launched else kind_groups[0]
            for other in [group for group in kind_groups if group is not keeper and group.launched.value is None]:
                if kind == "missile" and keeper.members and other.members and not keeper.members & other.members:
                    continue  # a Kh-59 shot down is not the Iskander that was launched
                if other.destroyed.value is not None or other.launched.value is not None:
                    keeper.members |= other.members
                _merge_into(keeper, other)
                groups.remove(other)
            continue
        generic = [group for group in kind_groups if group.generic]
        named = [group for group in kind_groups if not group.generic]
        if named and generic:
            for bare in generic:
                for action in ("launched", "destroyed"):
                    value = getattr(bare, action)
                    if value.value is not None:
                        totals.setdefault((kind, action), _Value()).offer(value.value, value.approximate)
                if bare.all_destroyed:
                    for group in named:
                        group.all_destroyed = True
                groups.remove(bare)
        # A total the named groups already add up to is no news; one they cannot reach stands as stated.
        for action in ("launched", "destroyed"):
            stated = totals.get((kind, action))
            values = [getattr(group, action).value for group in groups if group.kind == kind]
            known = stated and values and all(value is not None for value in values)
            if known and (sum(value or 0 for value in values) >= (stated.value or 0) or stated.approximate):
                del totals[(kind, action)]
    return groups


def _merge_plain_iskander(groups: list[_Group]) -> None:
    """ "ракетою «Іскандер»" in a headline is the "Іскандер-М" the body names: one missile, not two."""
    plain = [group for group in groups if group.members == {"Iskander"}]
    specific = [group for group in groups if group.members & {"Iskander-M/KN-23", "Iskander-K"}]
    if len(plain) == 1 and len(specific) == 1:
        _merge_into(specific[0], plain[0])
        groups.remove(plain[0])


def _target(groups: list[_Group], count: Count) -> _Group | None:
    """The group "з них"/"of which" points back to: the same weapons if named, else the last of that kind."""
    for group in groups:
        if count.members and group.members == set(count.members):
            return group
    of_kind = [group for group in groups if group.kind == count.kind]
    return of_kind[-1] if of_kind else None


def _merge_into(keeper: _Group, other: _Group) -> None:
    for action in ("launched", "destroyed", "lost"):
        value = getattr(other, action)
        if value.value is not None:
            getattr(keeper, action).offer(value.value, value.approximate)
    keeper.all_destroyed |= other.all_destroyed


def _unlisted_were_not_destroyed(weapons: list[WeaponCount], stated: _Value | None) -> list[WeaponCount]:
    """ "знешкоджено 270 повітряних цілей: 268 БпЛА; 2 ракети Іскандер-К" lists every weapon destroyed: when the
    listed counts add up to the stated total exactly, the weapons the list leaves out were destroyed 0 times."""
    if stated is None or stated.value is None or stated.approximate:
        return weapons
    known = [weapon.destroyed for weapon in weapons if weapon.destroyed is not None]
    if not known or sum(known) != stated.value:
        return weapons
    return [
        replace(weapon, destroyed=0) if weapon.destroyed is None and weapon.launched is not None else weapon
        for weapon in weapons
    ]
