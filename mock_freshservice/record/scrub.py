"""Scrubbing what `mock-freshservice record` saw before any of it is written: people's e-mail
addresses, names and phone numbers, the free text they wrote, the tenant's host and the API keys
used are replaced by stable fakes, so that a cassette can be shared and committed.

Stable: one real value becomes the same fake everywhere (in every request, answer and header of
a cassette), so references still line up: the e-mail a request looked a requester up by is the
one the answer holds. A fake is worked out from the real value and a secret (HMAC-SHA256), not
kept in a table: the same secret gives the same fakes in another recording, or for a tool result
scrubbed afterwards (`Scrubber.scrub`), and without it nobody can tell whether a guessed value is
in the cassette. The secret is MOCK_FRESHSERVICE_SCRUB_SECRET (`secret_from_environment`), or a
new random one for each recording. Ids and numbers are kept.

What each kind does to a string:

- `email`: every address in it becomes a fake one: each word of the local part a fake name
  (`john.carter12@acme.com` -> `brian.nunez12@lorem.example`), the domain a word under the
  reserved `.example` (RFC 2606). Addresses in any other string are replaced the same way.
- `name`: each word a fake first or last name (a real first name gets a fake first name), its
  capitals kept: `John Carter` -> `Brian Nunez`, so a name joined from first and last name is the
  fake first name and the fake last name joined.
- `phone`: every digit replaced (the same number the same way, whatever its punctuation), the
  punctuation kept. Phone-like numbers (`+1-555-431-2098`, `(555) 431-2098`) are replaced in any
  other string too.
- `text`: every word a fake word of the same length (Faker's lorem words), its capitals kept;
  digits, punctuation, spaces and HTML tags and entities kept, and addresses, phone numbers and
  URLs as above. So the text keeps its shape, a text cut at N characters is still cut within the
  same word, and HTML made text is the same text either way.
- `drop`: the field is left out.
- `keep`: the value is kept as it is (API keys are removed even there).

Anywhere, with or without a rule: a host under freshservice.com, and the upstream's own host,
become `recorded.freshservice.com` (the upstream's URL becomes NEUTRAL_BASE), and the API keys
that went through the recorder (`Scrubber.add_key`) become REMOVED_KEY.

The rules say which fields are which kind. A rules file (`--scrub-rules FILE`) is YAML:

    use_built_in: true   # the built-in rules (rules.yaml beside this module) are tried after
                         # these; false: these rules only
    fields:              # tried in order; the first that fits a field decides
      - field: custom_fields.employee_number   # dot-separated names, `*` and `?` as wildcards,
        kind: drop                             # matched against the end of the field's path
      - field: name
        kind: name
        beside: "*email"  # only in a record that also has a field like this one
      - field: "ticket_fields[name=agent].choices.value"   # a condition: see below
        kind: name

A field's path is the names leading to it from the top of a body, list items left out
(`ticket.requester.email`, `agents.email`); a query parameter's path is its name. Names match
case-insensitively. A rule that fits a record or a list of records does not apply to the record
itself (except `drop` and `keep`): the rules go on to its fields. A rule that fits a list of
strings applies to each of them.

A name in `field` may carry conditions, `[other=value]` after it: the record reached at that
name (in a list of records, each item in turn) must have a field `other` whose value fits
`value` (a glob, case-insensitive; a string, a number or true/false; quotes around it optional,
no brackets in it). So `ticket_fields[name=agent].choices.value` is the `value` of each choice of
the form field whose `name` is `agent`, and not the other fields' choices. Several conditions on
one name (`[a=x][b=y]`) must all hold; conditions go with `*`, `?` and `beside`. A condition on
the last name tests the field's own value, so a rule can `drop` or `keep` a record by what it
holds. Brackets in `field` are for conditions only. A query parameter is no record: a rule with
conditions never fits one.

What was replaced is tallied by kind and place (`Tally`): `scrubbed.yaml` beside the cassette
lists how many values of each kind were replaced where, never the values.
"""

from __future__ import annotations

import collections
import dataclasses
import fnmatch
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast, get_args
from urllib.parse import parse_qsl, quote, urlencode

from faker.providers.lorem.en_US import Provider as Lorem
from faker.providers.person.en_US import Provider as People

from mock_freshservice.cassette import RECORDED_HOST
from mock_freshservice.record import SECRET_VARIABLE
from mock_freshservice.safe_yaml import YamlError, load_yaml

Kind = Literal["email", "name", "phone", "text", "drop", "keep"]
KINDS: tuple[str, ...] = get_args(Kind)
# Kinds tallied besides the rules' own: what any string is searched for.
FOUND_KINDS = ("domain", "key")
BUILT_IN_RULES = Path(__file__).with_name("rules.yaml")
NEUTRAL_HOST = RECORDED_HOST  # the replaying fake points links there back at itself
NEUTRAL_BASE = f"https://{NEUTRAL_HOST}"
REMOVED_KEY = "[api key removed]"
MAX_URL_NESTING = 4  # a URL in a URL's query, and so on: deeper ones are only searched
SHORTEST_KEY = 6  # shorter "keys" (the X of `key:X`) are not searched for: they would hit words

_FIRST_NAMES: tuple[str, ...] = tuple(People.first_names)
_LAST_NAMES: tuple[str, ...] = tuple(People.last_names)
_KNOWN_FIRST = frozenset(name.lower() for name in _FIRST_NAMES)
# Lorem words by length; lengths with too few of them get made-up words instead.
_BY_LENGTH: dict[int, list[str]] = collections.defaultdict(list)
for _word in sorted({w.lower() for w in Lorem.word_list if w.isascii() and w.isalpha()}):
    _BY_LENGTH[len(_word)].append(_word)
_WORDS = {length: tuple(words) for length, words in _BY_LENGTH.items() if len(words) >= 8}
_DOMAIN_WORDS = tuple(sorted({w for words in _WORDS.values() for w in words if len(w) >= 4}))
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# Each starts only where the run of its characters starts: tried at every position of a long
# run (a base64 blob), a search would read the rest of the run each time.
EMAIL = rf"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@{_LABEL}(?:\.{_LABEL})+"
PHONE = (
    r"(?<![\w.+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3}[ .-]?\d{3,4}"
    r"(?![\w.-]*\d)"
)
HOST = r"(?<![\w.-])(?:[A-Za-z0-9-]+\.)+freshservice\.com(?![\w-])"
URL = r"https?://[^\s<>\"'`]+"
# Inside a tag: an attribute with its value, or an address written there some other way.
_TAG_PART = re.compile(
    rf"""(?P<name>\s[\w:.-]+\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s"'>]+)|{EMAIL}"""
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "cite", "background", "poster"})
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "value", "content", "label"})
_ORIGIN = re.compile(r"^(https?://)([^/?#]*)(.*)$", re.S)


class RulesError(ValueError):
    """A rules file that cannot be used; the message says where and why."""


_MISSING = object()


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    """`[name=value]` on a name of a rule's field: the record reached there has a field `name`
    whose value fits `value`."""

    at: int  # which name of the rule's field (0: the first) it is on
    name: str  # lower-cased
    value: str  # a glob, lower-cased

    def holds(self, record: Any) -> bool:
        if not isinstance(record, dict):
            return False
        value = record.get(self.name, _MISSING)
        if value is _MISSING:  # the name written in other capitals
            value = next((v for k, v in record.items() if str(k).lower() == self.name), None)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str | int | float):
            text = str(value)
        else:
            return False  # missing, null, a record or a list
        return fnmatch.fnmatchcase(text.lower(), self.value)


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    field: tuple[str, ...]  # globs, lower-cased, matched against the end of a field's path
    kind: Kind
    beside: str | None = None  # a glob one of the record's other fields must fit
    conditions: tuple[Condition, ...] = ()  # on the records along the path; all must hold
    # Each glob of `field` made a matcher once: `==` for a plain name, else its regex's match.
    _matchers: tuple[Callable[[str], object], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matchers", tuple(_matcher(glob) for glob in self.field))

    def fits(
        self, path: Sequence[str], siblings: Collection[str], records: Sequence[Any] = ()
    ) -> bool:
        """Whether the rule fits the field at `path` in a record with the fields `siblings`;
        `records` are the values reached at each name of `path` (a list's item for a list),
        which conditions are tested on (none given: a rule with conditions does not fit)."""
        matchers = self._matchers
        depth = len(matchers)
        offset = len(path) - depth
        if offset < 0:
            return False
        # The last name first: most rules fail there.
        for index in range(depth - 1, -1, -1):
            if not matchers[index](path[offset + index].lower()):
                return False
        if self.conditions:
            if len(records) != len(path):
                return False
            for condition in self.conditions:
                if not condition.holds(records[offset + condition.at]):
                    return False
        beside = self.beside
        return beside is None or any(
            fnmatch.fnmatchcase(name.lower(), beside) for name in siblings if name != path[-1]
        )


def _matcher(glob: str) -> Callable[[str], object]:
    if any(ch in glob for ch in "*?["):
        return re.compile(fnmatch.translate(glob)).match
    return glob.__eq__


@dataclasses.dataclass(frozen=True, slots=True)
class Rules:
    rules: tuple[Rule, ...]
    source: str  # "built-in", or the file's path and "+ built-in"

    def kind_of(
        self, path: Sequence[str], siblings: Collection[str] = (), records: Sequence[Any] = ()
    ) -> Kind | None:
        for rule in self.rules:
            if rule.fits(path, siblings, records):
                return rule.kind
        return None


def load_rules(path: Path | None = None) -> Rules:
    """The rules of the file at `path` (with the built-in ones after them unless it says
    `use_built_in: false`), or the built-in rules; RulesError if the file is not usable."""
    built_in = _parse_rules(BUILT_IN_RULES.read_text(encoding="utf-8"), "built-in rules")
    if path is None:
        return Rules(built_in[0], "built-in")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"cannot read the rules file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text") from None
    own, use_built_in = _parse_rules(text, str(path))
    if not use_built_in:
        return Rules(own, str(path))
    return Rules(own + built_in[0], f"{path} + built-in")


def _parse_rules(text: str, name: str) -> tuple[tuple[Rule, ...], bool]:
    try:
        data = load_yaml(text).value
    except YamlError as exc:
        where = f"{name}:{exc.line}" if exc.line else name
        raise RulesError(f"{where}: {exc.message}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{name}: a mapping with `fields:` (a list of rules) is wanted")
    unknown = set(data) - {"fields", "use_built_in"}
    if unknown:
        raise RulesError(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    use_built_in = data.get("use_built_in", True)
    if not isinstance(use_built_in, bool):
        raise RulesError(f"{name}: use_built_in: true or false")
    fields = data.get("fields", [])
    if not isinstance(fields, list):
        raise RulesError(f"{name}: fields: a list of rules")
    return tuple(_rule(entry, f"{name}: fields[{i}]") for i, entry in enumerate(fields)), (
        use_built_in
    )


def _rule(entry: Any, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: a mapping with field and kind")
    unknown = set(entry) - {"field", "kind", "beside"}
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    field, kind, beside = entry.get("field"), entry.get("kind"), entry.get("beside")
    if not isinstance(field, str):
        raise RulesError(f"{where}: field: dot-separated field names, e.g. requester.email")
    globs, conditions = _field(field, where)
    if kind not in KINDS:
        raise RulesError(f"{where}: kind: one of {', '.join(KINDS)}")
    if beside is not None and not isinstance(beside, str):
        raise RulesError(f"{where}: beside: a field name")
    return Rule(
        field=globs,
        kind=cast(Kind, kind),
        beside=beside.lower() if beside is not None else None,
        conditions=conditions,
    )


# A dot between names: one not inside a condition's brackets.
_DOT = re.compile(r"\.(?![^\[\]]*\])")
_NAME_AND_CONDITIONS = re.compile(r"(?P<name>[^\[\]]+)(?P<conditions>(?:\[[^\[\]]*\])*)")
_CONDITION = re.compile(r"\[(?P<inner>[^\[\]]*)\]")
_CONDITION_INNER = re.compile(
    r"\s*(?P<name>[^\s=*?\[\]]+)\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\"']*?)\s*"
)
_CONDITION_EXAMPLE = "[field=value] after a name, e.g. ticket_fields[name=agent].choices.value"


def _field(field: str, where: str) -> tuple[tuple[str, ...], tuple[Condition, ...]]:
    """A rule's `field`: its names' globs and their conditions; RulesError if malformed."""
    parts = _DOT.split(field)
    if not all(part.strip() for part in parts):
        raise RulesError(f"{where}: field: dot-separated field names, e.g. requester.email")
    globs: list[str] = []
    conditions: list[Condition] = []
    for at, part in enumerate(parts):
        match = _NAME_AND_CONDITIONS.fullmatch(part)
        if match is None:
            raise RulesError(
                f"{where}: field: {part!r} is not a name with conditions; a condition is "
                f"{_CONDITION_EXAMPLE}"
            )
        globs.append(match["name"].lower())
        for written in _CONDITION.finditer(match["conditions"]):
            inner = _CONDITION_INNER.fullmatch(written["inner"])
            if inner is None:
                raise RulesError(
                    f"{where}: field: {written[0]!r} is not a condition; a condition is "
                    f"{_CONDITION_EXAMPLE} (a field's name, no wildcards)"
                )
            value = inner["value"]
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            conditions.append(Condition(at, inner["name"].lower(), value.lower()))
    return tuple(globs), tuple(conditions)


def secret_from_environment(environ: Mapping[str, str] | None = None) -> bytes:
    """MOCK_FRESHSERVICE_SCRUB_SECRET's value, or a new random secret."""
    environ = os.environ if environ is None else environ
    given = environ.get(SECRET_VARIABLE, "")
    return given.encode() if given else secrets.token_bytes(32)


class Tally:
    """How many values of each kind were replaced at each place (`GET /api/v2/x response.a.b`):
    counts only, never a value. Safe to share between threads."""

    def __init__(self) -> None:
        self._counts: dict[str, collections.Counter[str]] = {}
        self._lock = threading.Lock()

    def add(self, kind: str, place: str, count: int = 1) -> None:
        with self._lock:
            self._counts.setdefault(kind, collections.Counter())[place] += count

    def merge(self, other: Tally) -> None:
        for kind, places in other.counts().items():
            for place, count in places.items():
                self.add(kind, place, count)

    def counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {kind: dict(places) for kind, places in self._counts.items()}

    def total(self, kind: str) -> int:
        return sum(self.counts().get(kind, {}).values())

    def document(self) -> dict[str, Any]:
        """The tally for scrubbed.yaml: each kind's total and places, in a stable order."""
        order = [*KINDS, *FOUND_KINDS]
        counts = self.counts()
        kinds = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
        return {
            kind: {
                "total": sum(counts[kind].values()),
                "places": dict(sorted(counts[kind].items())),
            }
            for kind in kinds
        }


class Scrubber:
    """Scrubs JSON values, query parameters, headers and paths by `rules`, with fakes worked out
    from `secret`. `upstream` (the recorded API's base URL) becomes NEUTRAL_BASE. Safe to share
    between threads (the caches only ever gain the same entries)."""

    def __init__(self, rules: Rules, secret: bytes, *, upstream: str | None = None) -> None:
        if not secret:
            raise ValueError("the scrubbing secret is empty")
        self.rules = rules
        self._secret = secret
        self._keys: set[str] = set()
        self._key_pattern: re.Pattern[str] | None = None
        self._origin: str | None = None
        self._host: str | None = None
        if upstream is not None:
            match = _ORIGIN.match(upstream.rstrip("/"))
            if match is None:
                raise ValueError(f"not an http(s) URL: {upstream!r}")
            self._origin = (match[1] + match[2]).lower()
            host = match[2].rsplit("@", 1)[-1].lower()
            host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            # A name (acme.freshservice.com, a custom domain), not a loopback address.
            if re.search(r"[a-z]", host) and host != "localhost" and not host.startswith("["):
                self._host = host
        self._cache: dict[tuple[str, str], str] = {}
        self._tokens = self._token_pattern(self._host)
        self._url_tokens = re.compile(rf"(?P<email>{EMAIL})|(?P<host>{self._hosts(self._host)})")
        self._local = threading.local()

    # -- keys ------------------------------------------------------------------------------

    def add_key(self, key: str) -> None:
        """Remove `key` (an API key, token or password that went through) wherever it shows."""
        key = key.strip()
        if len(key) < SHORTEST_KEY or key in self._keys:
            return
        self._keys = {*self._keys, key}
        longest_first = sorted(self._keys, key=len, reverse=True)
        self._key_pattern = re.compile("|".join(re.escape(k) for k in longest_first))

    def _without_keys(self, text: str, found: set[str]) -> str:
        pattern = self._key_pattern
        if pattern is None:
            return text
        replaced, count = pattern.subn(REMOVED_KEY, text)
        if count:
            found.add("key")
        return replaced

    # -- values by the rules -----------------------------------------------------------------

    def scrub(self, value: Any, tally: Tally | None = None, place: str = "") -> Any:
        """A JSON value (a body, a tool's result, its arguments) scrubbed by the rules; what was
        replaced is added to `tally` under `place` and the field's path."""
        return self._walk(value, (), (), place, kind=None, tally=tally)

    def scrub_query(
        self, query: Mapping[str, str], tally: Tally | None = None, place: str = ""
    ) -> dict[str, str]:
        """Query parameters scrubbed: each by the rule its name fits, as a field of a body."""
        names = list(query)
        scrubbed: dict[str, str] = {}
        for name, value in query.items():
            kind = self.rules.kind_of((name,), names)
            if kind == "drop":
                if tally is not None:
                    tally.add("drop", f"{place}.{name}")
                continue
            scrubbed[self._string(name, None, set())] = self._counted(
                value, kind, tally, f"{place}.{name}"
            )
        return scrubbed

    def scrub_header(self, value: str, tally: Tally | None = None, place: str = "") -> str:
        """A header's value (Link, Location): URLs as in any string, their queries by the
        rules."""
        return self._counted(value, None, tally, place)

    def scrub_path(self, path: str, tally: Tally | None = None, place: str = "") -> str:
        return self._counted(path, None, tally, place)

    def _walk(
        self,
        value: Any,
        path: tuple[str, ...],
        records: tuple[Any, ...],
        place: str,
        *,
        kind: Kind | None,
        tally: Tally | None,
    ) -> Any:
        """`value`, reached at `path`; `records` the values reached at each of its names (a
        list's item in place of the list), for the rules' conditions."""
        if isinstance(value, str):
            return self._counted(value, kind, tally, place)
        if isinstance(value, list):
            above = records[:-1]
            return [
                self._walk(
                    item,
                    path,
                    (*above, item) if records else (),
                    f"{place}[]",
                    kind=kind,
                    tally=tally,
                )
                for item in value
            ]
        if not isinstance(value, dict):
            return value
        names = [str(name) for name in value]
        scrubbed: dict[str, Any] = {}
        for name, item in value.items():
            here = (*path, str(name))
            reached = (*records, item)
            where = f"{place}.{name}" if place else str(name)
            field_kind = self.rules.kind_of(here, names, reached)
            if field_kind == "drop":
                if tally is not None:
                    tally.add("drop", where)
                continue
            key = self._string(str(name), None, set())
            if field_kind == "keep":
                scrubbed[key] = self._kept(item, tally, where)
            elif isinstance(item, dict):  # a record: its own fields decide
                scrubbed[key] = self._walk(item, here, reached, where, kind=None, tally=tally)
            else:
                scrubbed[key] = self._walk(item, here, reached, where, kind=field_kind, tally=tally)
        return scrubbed

    def _kept(self, value: Any, tally: Tally | None, place: str) -> Any:
        """A `keep` field: as it is, but for API keys."""
        if isinstance(value, str):
            found: set[str] = set()
            kept = self._without_keys(value, found)
            if found and tally is not None:
                tally.add("key", place)
            return kept
        if isinstance(value, list):
            return [self._kept(item, tally, f"{place}[]") for item in value]
        if isinstance(value, dict):
            return {k: self._kept(v, tally, f"{place}.{k}") for k, v in value.items()}
        return value

    def _counted(self, text: str, kind: Kind | None, tally: Tally | None, place: str) -> str:
        found: set[str] = set()
        scrubbed = self._string(text, kind, found)
        if tally is not None:
            for what in sorted(found):
                tally.add(what, place)
        return scrubbed

    def _string(self, text: str, kind: Kind | None, found: set[str]) -> str:
        text = self._without_keys(text, found)
        if kind in ("keep", "drop") or not text:
            return text
        if kind == "name":
            return self._replaced(text, found, words=self._name_words)
        if kind == "phone":
            return self._replaced(text, found, phone_field=True)
        if kind == "text":
            return self._replaced(text, found, words=self._text_words)
        return self._replaced(text, found)  # `email` and no rule: addresses and the like

    # -- single values ----------------------------------------------------------------------

    def email(self, address: str) -> str:
        """The fake of one e-mail address (any other text in `address` as in any string)."""
        return self._string(address, "email", set())

    def name(self, text: str) -> str:
        return self._string(text, "name", set())

    def phone(self, text: str) -> str:
        return self._string(text, "phone", set())

    def text(self, text: str) -> str:
        return self._string(text, "text", set())

    # -- the search through a string ----------------------------------------------------------

    @staticmethod
    def _hosts(own_host: str | None) -> str:
        """Freshservice hosts, and the upstream's if it has a name of its own."""
        if own_host is None:
            return HOST
        return rf"{HOST}|(?<![\w.-]){re.escape(own_host)}(?![\w-])"

    @classmethod
    def _token_pattern(cls, own_host: str | None) -> re.Pattern[str]:
        hosts = cls._hosts(own_host)
        return re.compile(
            r"(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:[\s/][^<>]*)?>)"
            r"|(?P<entity>&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
            rf"|(?P<url>{URL})"
            rf"|(?P<email>{EMAIL})"
            rf"|(?P<phone>{PHONE})"
            rf"|(?P<host>{hosts})"
            r"|(?P<word>[^\W\d_]+)",
            re.S,
        )

    def _replaced(
        self,
        text: str,
        found: set[str],
        *,
        words: Callable[[str, set[str]], str] | None = None,
        phone_field: bool = False,
    ) -> str:
        """`text` with addresses, phone numbers, Freshservice hosts and URLs replaced, and its
        words by `words` if given; a phone field's digits all replaced."""
        if phone_field:
            if any(ch.isdigit() for ch in text):
                found.add("phone")
                return self._phone_digits(text)
            return text

        def replace(match: re.Match[str]) -> str:
            group, token = match.lastgroup, match[0]
            if group == "word":
                return words(token, found) if words is not None else token
            if group == "email":
                found.add("email")
                return self._email(token)
            if group == "phone":
                found.add("phone")
                return self._phone_digits(token)
            if group == "host":
                if token.lower() == NEUTRAL_HOST:
                    return token
                found.add("domain")
                return NEUTRAL_HOST
            if group == "url":
                return self._url(token, found)
            if group == "tag":
                return self._tag(token, found, words)
            return token  # an entity (a comment is punctuation and words like any text)

        return self._tokens.sub(replace, text)

    def _tag(self, tag: str, found: set[str], words: Callable[[str, set[str]], str] | None) -> str:
        def attribute(match: re.Match[str]) -> str:
            name_part, value = match["name"], match["value"]
            if name_part is None:  # an address in the tag but not in an attribute
                found.add("email")
                return self._email(match[0])
            name = name_part.strip().rstrip("=").strip().lower()
            quote_mark = value[0] if value[:1] in ("'", '"') else ""
            inner = value[1:-1] if quote_mark else value
            if name in _URL_ATTRIBUTES:
                if inner.lower().startswith("mailto:"):
                    new = "mailto:" + self._replaced(inner[7:], found)
                else:
                    new = self._replaced(inner, found)
            elif words is not None and (name in _TEXT_ATTRIBUTES or name.startswith("aria-")):
                new = self._replaced(inner, found, words=words)
            else:
                new = self._replaced(inner, found)
            return f"{name_part}{quote_mark}{new}{quote_mark}"

        return _TAG_PART.sub(attribute, tag)

    def _url(self, url: str, found: set[str]) -> str:
        """A URL: the upstream's origin or a Freshservice host made neutral, addresses in its
        path scrubbed, and the parameters of its query as those of a request (a URL in one is
        a URL again, to MAX_URL_NESTING deep)."""
        match = _ORIGIN.match(url)
        nesting = getattr(self._local, "nesting", 0)
        if match is None or nesting >= MAX_URL_NESTING:
            return self._in_url(url, found)
        self._local.nesting = nesting + 1
        try:
            return self._url_parts(match, found)
        finally:
            self._local.nesting = nesting

    def _url_parts(self, match: re.Match[str], found: set[str]) -> str:
        scheme, authority, rest = match[1], match[2], match[3]
        origin = (scheme + authority).lower()
        host = authority.rsplit("@", 1)[-1].lower()
        host_name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if self._origin is not None and origin == self._origin:
            found.add("domain")
            start = NEUTRAL_BASE
        elif host_name == self._host or (
            host_name.endswith(".freshservice.com") and host_name != NEUTRAL_HOST
        ):
            found.add("domain")
            start = f"{scheme}{NEUTRAL_HOST}"
        else:
            start = scheme + self._in_url(authority, found)
        path, mark, tail = rest.partition("?")
        query, hash_mark, fragment = tail.partition("#")
        path = self._in_url(path, found)
        if mark and query:
            query = self._query_string(query, found)
        if hash_mark:
            fragment = self._in_url(fragment, found)
        return f"{start}{path}{mark}{query}{hash_mark}{fragment}"

    def _in_url(self, text: str, found: set[str]) -> str:
        """A piece of a URL: its addresses and Freshservice hosts replaced."""

        def replace(match: re.Match[str]) -> str:
            if match.lastgroup == "email":
                found.add("email")
                return self._email(match[0])
            if match[0].lower() == NEUTRAL_HOST:
                return match[0]
            found.add("domain")
            return NEUTRAL_HOST

        return self._url_tokens.sub(replace, text)

    def _query_string(self, query: str, found: set[str]) -> str:
        pairs = parse_qsl(query, keep_blank_values=True)
        names = [name for name, _ in pairs]
        scrubbed = []
        for name, value in pairs:
            kind = self.rules.kind_of((name,), names)
            if kind == "drop":
                found.add("drop")
                continue
            scrubbed.append((name, self._string(value, kind, found)))
        if scrubbed == pairs:
            return query  # as it was written, if nothing changed
        return urlencode(scrubbed, quote_via=quote)

    # -- fakes ------------------------------------------------------------------------------

    def _digest(self, kind: str, value: str) -> bytes:
        return hmac.digest(self._secret, f"{kind}\x00{value}".encode(), "sha256")

    def _number(self, kind: str, value: str) -> int:
        return int.from_bytes(self._digest(kind, value)[:8], "big")

    def _stream(self, kind: str, value: str, count: int) -> bytes:
        """`count` bytes that only the secret and the value give."""
        return hashlib.shake_256(self._digest(kind, value)).digest(count)

    def _cached(self, kind: str, value: str, make: Callable[[int], str]) -> str:
        key = (kind, value)
        fake = self._cache.get(key)
        if fake is None:
            fake = make(self._number(kind, value))
            if len(self._cache) < 200_000:
                self._cache[key] = fake
        return fake

    def _email(self, address: str) -> str:
        local, _, domain = address.rpartition("@")
        fake_local = re.sub(r"[^\W\d_]+", lambda m: self._name_word(m[0]).lower(), local)
        fake_domain = self._cached(
            "domain",
            domain.lower(),
            lambda n: f"{_DOMAIN_WORDS[n % len(_DOMAIN_WORDS)]}.example",
        )
        return f"{fake_local}@{fake_domain}"

    def _name_words(self, word: str, found: set[str]) -> str:
        found.add("name")
        return self._name_word(word)

    def _name_word(self, word: str) -> str:
        """A fake first name for a first name, else a fake last name; an initial for an
        initial; written in the word's capitals."""
        lower = word.lower()

        def make(n: int) -> str:
            names = _FIRST_NAMES if lower in _KNOWN_FIRST else _LAST_NAMES
            return names[n % len(names)]

        fake = self._cached("name", lower, make)
        if len(word) == 1:
            fake = fake[0]
        if word.isupper() and len(word) > 1:
            return fake.upper()
        if word[0].isupper():
            return fake[0].upper() + fake[1:].lower()
        return fake.lower()

    def _text_words(self, word: str, found: set[str]) -> str:
        found.add("text")
        lower, length = word.lower(), len(word)

        def make(n: int) -> str:
            words = _WORDS.get(length)
            if words is not None:
                return words[n % len(words)]
            return _made_up(self._stream("made-up", lower, length))

        fake = self._cached(f"word{length}", lower, make)
        return "".join(f.upper() if w.isupper() else f for f, w in zip(fake, word, strict=True))

    def _phone_digits(self, text: str) -> str:
        digits = "".join(ch for ch in text if ch.isdigit())
        fake = self._cached(
            "phone", digits, lambda _: _digits(self._stream("phone", digits, len(digits)))
        )
        replaced = iter(fake)
        return "".join(next(replaced) if ch.isdigit() else ch for ch in text)


def _made_up(stream: bytes) -> str:
    """A pronounceable made-up word, a letter for each byte of `stream`."""
    letters = []
    for index, byte in enumerate(stream):
        alphabet = _CONSONANTS if (index + stream[0]) % 2 == 0 else _VOWELS
        letters.append(alphabet[byte % len(alphabet)])
    return "".join(letters)


def _digits(stream: bytes) -> str:
    return "".join(str(byte % 10) for byte in stream)
