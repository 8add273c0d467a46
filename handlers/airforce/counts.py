"""The counts in one sentence of a report: which number, of which weapons, and what happened to them.

A count is a number (digits or words) followed within a few words by a weapon name or weapon word; a number
followed by anything else (a date, an hour, "у 12 областях", "Х-101") is not a count. What the count means comes
from the nearest verb before it in the sentence ("атакував", "збито/подавлено", "launched", "shot down"), or the
passive right after it ("were shot down"). The report's own shorthand is read too: "53 з 119" and "28 out of 31"
(destroyed of launched), "усі 28 ракет" and "all 14 drones" (every one destroyed), "the missiles, of which it
shot down two", "близько 90 із них – Шахеди" (what the group was made of), "a cruise missile" (one).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Literal

from handlers.airforce import numbers
from handlers.airforce.text import Token, tokens
from handlers.airforce.weapons import Mention, mentions
from handlers.imports.weapon_classes import classify

Action = Literal["launched", "destroyed", "lost", "hit", "other"]

_ACTIONS: tuple[tuple[str, Action], ...] = (
    (r"локаційно|локально|втрачен\w*|disappeared|lost\b|did\s+not\s+reach|не\s+досягл\w*|не\s+долетіл\w*", "lost"),
    (r"влучан\w*|влучань|влучил\w*|\bhits?\b|hitting|struck|досягл\w*\s+ціл\w*|reached\s+(?:their\s+)?targets", "hit"),
    (r"повітряному\s+просторі|airspace|observed|remain\w*|залиш\w*|повернул\w*|returned|flew\s+(?:toward|into|back)|"
     r"in\s+the\s+air\b", "other"),
    (r"збит\w*|збил\w*|збив\w*|збиваю\w*|збиття|збити|подавл\w*|подави\w*|знищ\w*|знешкод\w*|перехопи\w*|"
     r"перехопл\w*|shot\s+down|shoots?\s+down|shooting\s+down|brought\s+down|\bdowns?\b|downed|destroy\w*|"
     r"intercept\w*|neutrali[sz]\w*|suppress\w*", "destroyed"),
    (r"атакува\w*|атакуюч\w*|завда\w*\s+(?:\w+\s+)?удар\w*|запусти\w*|запуск\w*|пуск\w*|випусти\w*|випущен\w*|застосува\w*|застосовува\w*|"
     r"використа\w*|використовува\w*|launch\w*|\bfired\b|\bfire\b|\battacked\b|\bused\b|\busing\b|deployed|"
     r"unleash\w*|included|involving|sending|\bsent\b|attacking|consisted\s+of|comprised|складал\w*|включал\w*",
     "launched"),
)  # fmt: skip
# One pass, anchored where no letter precedes (a verb may be glued to digits: "Х-59збили"); at one position the
# earlier kind wins ("не досягли цілей" is lost, not a hit).
_ACTION_SCAN = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(f"(?P<a{index}>{pattern})" for index, (pattern, _action) in enumerate(_ACTIONS))
    + ")"
)
# "28 drones were shot down", "35 drones and all missiles were shot down", "50 БпЛА були знищені"
_PASSIVE = re.compile(
    r"^\W*(?:(?:and|or|та|і|й)\s+[^,;.:]{0,40}?\s+)?"
    r"(?:were|was|have\s+been|has\s+been|had\s+been|are|is|були|було|був|була|буде)\s+"
)

# Words that end a weapon phrase: a preposition or verb starts what happens to the weapons, not which they are.
_STOP = frozenset(
    [
        "з",
        "із",
        "зі",
        "від",
        "по",
        "у",
        "в",
        "на",
        "над",
        "до",
        "протягом",
        "які",
        "яких",
        "що",
        "котрі",
        "але",
        "проте",
        "однак",
        "через",
        "для",
        "під",
        "при",
        "станом",
        "за",
        "щоб",
        "from",
        "at",
        "in",
        "over",
        "on",
        "toward",
        "towards",
        "targeting",
        "against",
        "during",
        "overnight",
        "was",
        "were",
        "had",
        "have",
        "has",
        "is",
        "are",
        "that",
        "which",
        "who",
        "while",
        "since",
        "after",
        "before",
        "but",
        "by",
        "into",
        "across",
        "to",
        "with",
        "within",
        "said",
        "says",
        "according",
        "as",
    ]
)
_LOCATION_WORDS = re.compile(r"^(?:локаці\w*|locations?|об'єкт\w*|places?|sites?)$")
_DEBRIS = re.compile(r"уламк\w*|падіння\s+збитих|debris|fragments")
_ALL = frozenset({"усі", "всі", "все", "усіх", "всіх", "all"})
_BOTH = frozenset({"both", "обидві", "обидва", "обох"})
_ANAPHORA = frozenset({"них", "цих", "яких", "them", "these", "which"})
_OF = frozenset({"з", "із", "зі", "of", "out"})
_ARTICLES = frozenset({"a", "an", "the", "one"})
_SINGULAR_MISSILE = re.compile(r"^(?:ракета|ракету|ракетою|авіаракету|авіаракетою|missile|rocket)$")
_SINGULAR_DRONE = re.compile(r"^(?:drone|uav|шахед|shahed)$")
_NEW_QUANTITY = frozenset({"a", "an", "one", "several", "some", "декілька", "кілька", "both", "обидві"})
_BULLET = re.compile(r"^\s*(?:[-–•▪*]|\d+[.)]\s)")
_HEADS = frozenset({"model", "drone_noun", "missile_noun", "total_noun"})
_DEFINITE = frozenset({"the", "these", "those", "цих", "ці", "ті"})
MAX_GAP = 4  # words allowed between a number and the first weapon word ("54-ма ударними БпЛА", "two cruise Kh-59")
_MONTHS = re.compile(
    r"^(?:січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|"
    r"nov|dec|року|р|рік|year|years|hours?|годин\w*|хвилин\w*|minutes?|%|відсот\w*|percent|km|км|кілометр\w*|"
    r"miles?|months?|місяц\w*|днів|days?)$"
)


@dataclass(frozen=True)
class Count:
    """One number the report states about a group of weapons."""

    action: Action
    members: frozenset[str]  # model names; empty for a bare "drones" or "ракет"
    kind: Literal["drone", "missile", "total"]
    value: int
    approximate: bool = False
    all_of_them: bool = False  # "усі 28 ракет", "all 14 drones": launched and destroyed alike
    anaphoric: bool = False  # "11 з них", "of which two": of the group named just before
    share: bool = False  # "близько 90 із них – Шахеди": what the group was made of, not a new count
    locations: bool = False  # "на восьми локаціях"
    debris: bool = False


@dataclass(frozen=True)
class _Number:
    value: int
    start: int  # token index
    end: int  # token index after the number
    approximate: bool


_APPROX = frozenset(
    [
        "близько",
        "понад",
        "більше",
        "майже",
        "до",
        "приблизно",
        "орієнтовно",
        "щонайменше",
        "about",
        "around",
        "approximately",
        "over",
        "nearly",
        "almost",
        "roughly",
        "some",
        "up",
        "more",
        "least",
    ]
)


def _numbers(toks: list[Token], masked: set[int]) -> list[_Number]:
    found: list[_Number] = []
    index = 0
    while index < len(toks):
        if index in masked:
            index += 1
            continue
        token = toks[index].text
        value: int | None = None
        used = 1
        if token[0].isdigit():
            value = numbers.digits_value(token)
            nxt = toks[index + 1].text if index + 1 < len(toks) else ""
            after = toks[index + 2].text if index + 2 < len(toks) else ""
            prev = toks[index - 1].text if index else ""
            if (
                value is not None
                and (
                    (nxt in {":", "."} and after[:1].isdigit())
                    or prev in {"/", "№", "#"}
                    or (prev == ":" and index >= 2 and toks[index - 2].text[:1].isdigit())  # the minutes of "18:00"
                    or (prev == "." and index >= 2 and toks[index - 2].text[:1].isdigit())
                    or (1990 <= value <= 2099 and len(token) == 4)
                    or _MONTHS.match(nxt)
                    or (_MONTHS.match(prev) and prev not in {"%"})
                )
            ):
                value = None
        else:
            words = [t.text for t in toks[index : index + 8]]
            read = numbers.words_value(words)
            if read is not None:
                value, used = read
                nxt = toks[index + used].text if index + used < len(toks) else ""
                if _MONTHS.match(nxt):
                    value = None
        if value is None:
            index += 1
            continue
        approximate = False
        back = index - 1
        while back >= 0 and back >= index - 3 and toks[back].text in _APPROX | {"than", "ніж", "як", "не", "менше"}:
            if toks[back].text in _APPROX:
                approximate = True
            back -= 1
        found.append(_Number(value, index, index + used, approximate))
        index += used
    return found


def _action_spans(folded: str) -> list[tuple[int, int, Action]]:
    return [
        (match.start(), match.end(), _ACTIONS[int(match.lastgroup[1:])][1])
        for match in _ACTION_SCAN.finditer(folded)
        if match.lastgroup
    ]


def _kind_of(members: set[str], phrase: list[Mention]) -> Literal["drone", "missile", "total"]:
    roles = {mention.role for mention in phrase}
    if members:
        kinds = {classify(name).kind for name in members}
        return "missile" if "missile" in kinds else "drone"
    if "missile_noun" in roles or roles & {"cruise", "ballistic", "guided", "aeroballistic"}:
        return "missile"
    if "drone_noun" in roles:
        return "drone"
    return "total"


def _mention_kind(mention: Mention) -> str | None:
    if mention.role == "model":
        return "missile" if _is_missile(mention.name) else "drone"
    if mention.role in {"drone_noun", "other_types"}:
        return "drone"
    if mention.role in {"missile_noun", "cruise", "ballistic", "guided", "aeroballistic"}:
        return "missile"
    return None


def _antecedent(parsed: _Sentence, before_char: int) -> tuple[frozenset[str], Literal["drone", "missile", "total"]]:
    """The weapons "of which"/"з них" points back to: the nearest weapon word before it in the sentence."""
    earlier = [m for m in parsed.mentions if m.end <= before_char and m.role in _HEADS]
    if not earlier:
        return frozenset(), "total"
    last = earlier[-1]
    named = [m for m in earlier if m.role == "model" and _mention_kind(m) == _mention_kind(last)]
    kind = _mention_kind(last)
    if last.role == "model" and named:
        return frozenset(m.name for m in named[-1:] if m.name), "missile" if kind == "missile" else "drone"
    return frozenset(), "missile" if kind == "missile" else "drone" if kind == "drone" else "total"


def _members(phrase: list[Mention]) -> set[str]:
    """The model names a phrase lists; unnamed missiles are named by their type word, unnamed drones not at all."""
    members = {mention.name for mention in phrase if mention.role == "model" and mention.name}
    roles = [mention.role for mention in phrase]
    if "Iskander" in members:
        members.discard("Iskander")
        members.add("Iskander-K" if "cruise" in roles else "Iskander-M/KN-23" if "ballistic" in roles else "Iskander")
    if "other_types" in roles:
        # "дрони-імітатори різних типів" qualifies the decoys; "і безпілотниками інших типів" adds unknown types.
        index = roles.index("other_types")
        before = phrase[index - 1] if index else None
        if not (
            before and before.role == "model" and before.name == "Decoy UAV" and phrase[index].start - before.end < 4
        ):
            members.add("Unknown UAV")
    if "missile_noun" in roles and not any(m.role == "model" and _is_missile(m.name) for m in phrase):
        if "aeroballistic" in roles:
            members.add("X-47 Kinzhal")
        elif "cruise" in roles:
            members.add("Cruise Missile")
        elif "ballistic" in roles:
            members.add("Ballistic Missile")
        elif "guided" in roles:
            members.add("Guided Air Missile")
    return members


def _is_missile(name: str | None) -> bool:
    return bool(name) and classify(name or "").kind == "missile"


class _Sentence:
    """One sentence, read once: its tokens, weapon words, verbs and numbers, with positions to relate them."""

    def __init__(self, sentence: str, default_action: Action | None = None) -> None:
        self.default_action = default_action  # a bullet line of a list takes the verb that opened the list
        self.folded = sentence.casefold()
        self.toks = tokens(sentence)
        self.mentions = mentions(self.folded)
        self.actions = _action_spans(self.folded)
        token_starts = [token.start for token in self.toks]
        self.masked: set[int] = set()  # tokens inside a model name: the digits of "Х-101" are no count
        for mention in self.mentions:
            if mention.role == "model":
                first = bisect_left(token_starts, mention.start)
                self.masked.update(range(first, bisect_left(token_starts, mention.end)))
        self.numbers = _numbers(self.toks, self.masked)
        self.mention_starts = [mention.start for mention in self.mentions]

    def phrase(self, start_tok: int, stop_tok: int) -> list[Mention]:
        """Weapon words from token `start_tok` up to a stop word, the next number, or `stop_tok`."""
        if start_tok >= len(self.toks):
            return []
        end_char = self.toks[stop_tok - 1].end if stop_tok > start_tok else self.toks[start_tok].start
        for index in range(start_tok, min(stop_tok, len(self.toks))):
            token = self.toks[index].text
            if (
                (token in _STOP and not (token == "of" or (token == "з" and index == start_tok)))
                or token in {".", ";", ":"}
                or (token in _NEW_QUANTITY and index > start_tok and self.toks[index - 1].text != "of")
            ):
                end_char = self.toks[index].start
                break
            end_char = self.toks[index].end
        begin = self.toks[start_tok].start
        first = bisect_left(self.mention_starts, begin)
        last = bisect_left(self.mention_starts, end_char)
        found = self.mentions[first:last]
        heads = [mention for mention in found if mention.role in _HEADS]
        if not heads:
            return []  # "одну аеробалістичну ціль": a type word with no weapon noun is no count
        # The first weapon word must come within a few words of the number.
        gap = 0
        for token in self.toks[start_tok:]:
            if token.start >= found[0].start:
                break
            gap += token.text.isalnum()
        if gap > MAX_GAP:
            return []
        # "128 дронів та балістичну ракету": the phrase ends where weapons of the other kind begin.
        first_kind = _mention_kind(heads[0])
        kept: list[Mention] = []
        for mention in found:
            kind = _mention_kind(mention)
            if mention.role == "total_noun" and kept:
                break
            if kind and first_kind and kind != first_kind and mention.start > heads[0].start:
                break
            kept.append(mention)
        return kept

    def action_after(self, from_char: int) -> Action | None:
        """The first verb after a point, within the clause (up to a comma or the sentence's end)."""
        end = len(self.folded)
        for stop in (",", ";"):
            found = self.folded.find(stop, from_char)
            if found != -1:
                end = min(end, found)
        after = [action for start, _end, action in self.actions if from_char <= start < end]
        return after[0] if after else None

    def action_near(self, number_char: int, phrase_end_char: int) -> Action | None:
        """The verb that says what happened: the passive right after the phrase, else the nearest one before."""
        for start, _end, action in self.actions:
            if (
                start >= phrase_end_char
                and _PASSIVE.match(self.folded[phrase_end_char:start])
                and start - phrase_end_char < 30
            ):
                return action
        before = [action for start, end, action in self.actions if end <= number_char]
        if before:
            return before[-1]
        after = [action for start, _end, action in self.actions if start >= phrase_end_char]
        return after[0] if after else self.default_action


def read_sentence(sentence: str, list_action: Action | None = None) -> tuple[list[Count], set[str], Action | None]:
    """The sentence's counts; which kinds of weapon it speaks of beside a launch or shoot-down verb; and, when it
    opens a list ("противник атакував 550 засобами повітряного нападу:"), the verb its bullet lines inherit."""
    bullet = bool(_BULLET.match(sentence))
    parsed = _Sentence(sentence, list_action if bullet else None)
    opens = None
    if sentence.rstrip().endswith(":"):
        verbs = [action for _start, _end, action in parsed.actions if action in {"launched", "destroyed", "lost"}]
        opens = verbs[-1] if verbs else None
    elif bullet:
        opens = list_action
    return _counts(parsed), _kinds(parsed), opens


def _counts(parsed: _Sentence) -> list[Count]:
    toks = parsed.toks
    out: list[Count] = []
    numbers_ = parsed.numbers
    consumed: set[int] = set()
    for position, number in enumerate(numbers_):
        if position in consumed:
            continue
        next_start = numbers_[position + 1].start if position + 1 < len(numbers_) else len(toks)
        following = numbers_[position + 1] if position + 1 < len(numbers_) else None
        after_word = toks[number.end].text if number.end < len(toks) else ""
        after_two = toks[number.end + 1].text if number.end + 1 < len(toks) else ""
        before_word = toks[number.start - 1].text if number.start else ""
        number_char = toks[number.start].start

        # "53 з 119 безпілотників", "28 out of 31", "one of four missiles", "7 out of the 8 drones"
        if following and after_word in _OF and following.start - number.end <= 3:
            phrase = parsed.phrase(
                following.end, numbers_[position + 2].start if position + 2 < len(numbers_) else len(toks)
            )
            if phrase:
                members, kind = _members(phrase), _kind_of(_members(phrase), phrase)
                end_char = phrase[-1].end
                action = parsed.action_near(number_char, end_char) or "destroyed"
                out.append(Count("launched", frozenset(members), kind, following.value, following.approximate))
                out.append(Count(action, frozenset(members), kind, number.value, number.approximate))
                consumed.add(position + 1)
                continue
        # "З 17 дронів 14 знищено": of N drones, M destroyed.
        if before_word in {"з", "із", "of"} and following and number.start >= 1:
            phrase = parsed.phrase(number.end, following.start)
            if phrase and parsed.toks[following.start - 1].end <= phrase[-1].end + 3:
                members, kind = _members(phrase), _kind_of(_members(phrase), phrase)
                follow_action = parsed.action_near(toks[following.start].start, toks[following.end - 1].end)
                if follow_action == "destroyed":
                    out.append(Count("launched", frozenset(members), kind, number.value, number.approximate))
                    out.append(Count("destroyed", frozenset(members), kind, following.value, following.approximate))
                    consumed.add(position + 1)
                    continue
        # "11 з них", "90 із цих дронів", "about 90 of them", "of which it shot down two"
        anaphoric = (
            (after_word in _OF and after_two in _ANAPHORA)
            or (
                "which" in {t.text for t in toks[max(0, number.start - 5) : number.start]}
                and "of" in {t.text for t in toks[max(0, number.start - 5) : number.start]}
            )
            or before_word in {"яких"}
        )
        if anaphoric:
            phrase = parsed.phrase(number.end + 2 if after_word in _OF else number.end, next_start)
            # "58 of which it was able to shoot down": the verb after "of which" says what became of them.
            action = parsed.action_after(toks[number.end - 1].end) or parsed.action_near(
                number_char, toks[number.end - 1].end
            )
            members = _members(phrase) if phrase else set()
            if action == "destroyed" and not members:
                antecedent, kind = _antecedent(parsed, number_char)
                out.append(Count("destroyed", antecedent, kind, number.value, number.approximate, anaphoric=True))
            elif members and action not in {"destroyed", "lost", "hit"}:
                out.append(Count("launched", frozenset(members), _kind_of(members, phrase), number.value,
                                 number.approximate, share=True))  # fmt: skip
            continue
        if before_word in _DEFINITE:
            continue  # "the two missiles that were not destroyed" points back; it is not a new count
        phrase = parsed.phrase(number.end, next_start)
        if not phrase:
            if _LOCATION_WORDS.match(after_word) or (_LOCATION_WORDS.match(after_two) and after_word.isalpha()):
                debris = bool(_DEBRIS.search(parsed.folded[max(0, number_char - 60) : number_char]))
                out.append(Count("hit", frozenset(), "total", number.value, locations=True, debris=debris))
            continue
        members = _members(phrase)
        kind = _kind_of(members, phrase)
        end_char = phrase[-1].end
        action = parsed.action_near(number_char, end_char)
        if action is None:
            continue
        all_of_them = before_word in _ALL
        out.append(Count(action, frozenset(members), kind, number.value, number.approximate, all_of_them=all_of_them))
        # "28 Russian drones out of 31 launched"
        rest = parsed.folded[end_char : end_char + 12]
        if following and re.match(r"^\s*(?:out\s+of|з|із)\s+\d", rest) and action == "destroyed":
            out.append(Count("launched", frozenset(members), kind, following.value, following.approximate))
            consumed.add(position + 1)
    out.extend(_counts_without_numbers(parsed))
    return out


def _counts_without_numbers(parsed: _Sentence) -> list[Count]:
    """ "both missiles", "a cruise missile", "ракетою «Іскандер»", "all the weapons were destroyed"."""
    out: list[Count] = []
    toks = parsed.toks
    numbered = {index for number in parsed.numbers for index in range(number.start, number.end)}
    for index, token in enumerate(toks):
        if index in numbered:
            continue
        text = token.text
        if text in _BOTH and "and" not in {t.text for t in toks[index + 1 : index + 4]}:
            phrase = parsed.phrase(index + 1, len(toks))
            if phrase:
                members = _members(phrase)
                action = parsed.action_near(token.start, phrase[-1].end)
                if action:
                    out.append(Count(action, frozenset(members), _kind_of(members, phrase), 2, all_of_them=True))
        elif text in _ARTICLES and text != "one":
            phrase = parsed.phrase(index + 1, len(toks))
            if not phrase:
                continue
            head = next((m for m in phrase if m.role in {"missile_noun", "drone_noun", "model"}), None)
            if head is None:
                continue
            head_word = parsed.folded[head.start : head.end]
            singular = _SINGULAR_MISSILE.match(head_word) or _SINGULAR_DRONE.match(head_word) or head.role == "model"
            if head.role == "model" and not any(m.role in {"missile_noun", "drone_noun"} for m in phrase):
                singular = False  # "the Shahed drones" has a noun; a bare name after "the" is no count
            if not singular or (head_word.endswith("s") and head.role != "model"):
                continue
            if phrase[0].role == "model" and any(
                m.role in {"missile_noun", "drone_noun"} and parsed.folded[m.start : m.end].endswith("s")
                for m in phrase
            ):
                continue
            action = parsed.action_near(token.start, phrase[-1].end)
            if action in {"launched", "destroyed"} and (text != "the" or action == "destroyed"):
                members = _members(phrase)
                out.append(Count(action, frozenset(members), _kind_of(members, phrase), 1))
        elif text in _ALL:
            nxt = [t.text for t in toks[index + 1 : index + 4]]
            direct = parsed.phrase(index + 1, len(toks)) if nxt and not nxt[0][:1].isdigit() else []
            if direct and nxt[0] not in {"of", "the"}:  # "all missiles were shot down", "усі ракети збито"
                action = parsed.action_near(token.start, direct[-1].end)
                members = _members(direct)
                if action == "destroyed":
                    kind = _kind_of(members, direct)
                    out.append(Count("destroyed", frozenset(members), kind, 0, all_of_them=True, anaphoric=True))
            elif nxt and nxt[0] in {"вони", "of", "them", "the", "were", "були", "було", "enemy", "ворожі"} | _ANAPHORA:
                phrase = parsed.phrase(index + 1, len(toks))
                action = parsed.action_near(token.start, toks[min(index + 3, len(toks) - 1)].end)
                if action == "destroyed":
                    members = _members(phrase) if phrase else set()
                    kind = _kind_of(members, phrase) if phrase else "total"
                    if "weapons" in nxt or "targets" in nxt or "цілі" in nxt:
                        kind = "total"
                    out.append(Count("destroyed", frozenset(members), kind, 0, all_of_them=True, anaphoric=True))
        elif _SINGULAR_MISSILE.match(text) and index and toks[index - 1].text not in _OF | numbers.NUMBER_WORDS:
            phrase = parsed.phrase(index, len(toks))
            named = [m for m in phrase if m.role == "model" and _is_missile(m.name)]
            if named and text.startswith(("ракет", "авіаракет")):
                action = parsed.action_near(token.start, phrase[-1].end)
                if action in {"launched", "destroyed"}:
                    members = _members(phrase)
                    out.append(Count(action, frozenset(members), "missile", 1))
    return out


def _kinds(parsed: _Sentence) -> set[str]:
    """Which kinds ("drone", "missile") the sentence names beside a launch or shoot-down verb, counted or not."""
    if not any(action in {"launched", "destroyed"} for _s, _e, action in parsed.actions):
        return set()
    kinds: set[str] = set()
    for mention in parsed.mentions:
        if mention.role == "drone_noun" or (mention.role == "model" and not _is_missile(mention.name)):
            kinds.add("drone")
        if mention.role == "missile_noun" or (mention.role == "model" and _is_missile(mention.name)):
            kinds.add("missile")
    return kinds
