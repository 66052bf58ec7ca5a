#!/usr/bin/env python3
"""Writes hostile scenario files that are within the 4 MiB size limit but
are large in other ways (very many keys, entries, errors or characters),
for measuring time, memory and output size (issue 26, docs/limits.md).

    python3 tools/hostile_sizes.py DIR
    for f in DIR/*.toml; do
        /usr/bin/time -f "%U+%S s %M KB" target/release/pool-model check "$f" \
            >/dev/null 2>"$f.err"; ls -l "$f.err"
    done

Each file is described by its name. None of them is kept in the repository:
tests/size.rs builds smaller versions of the same shapes in the test.
"""

import os
import re
import sys

LIMIT = 4 * 1024 * 1024
# MAX_TOML_TOKENS is 1,000,000: the `_under` files stay below it, so they
# are parsed and read, not rejected when counted.
TOKENS_UNDER = 950_000
TOKEN = re.compile(r'"[^"\n]*"|[A-Za-z0-9_+\-.:]+|[ \t]+|\r?\n|.')


def tokens(text):
    """Roughly the TOML tokens of a text, as toml_parser counts them."""
    return len(TOKEN.findall(text))

VALID = '''[scenario]
name = "Base"
start = "2009/10"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£80m" }
'''

HEADER = '''[scenario]
name = "Base"
start = "2009/10"
horizon = 3
'''


def fill(prefix, item, suffix="", budget=LIMIT - 1024, token_budget=None):
    """prefix, then item(i) for i = 0, 1, ... while it fits, then suffix."""
    parts = [prefix]
    size = len(prefix.encode()) + len(suffix.encode())
    count = tokens(prefix) + tokens(suffix)
    i = 0
    while True:
        piece = item(i)
        n = len(piece.encode())
        t = tokens(piece) if token_budget else 0
        if size + n > budget or (token_budget and count + t > token_budget):
            break
        parts.append(piece)
        size += n
        count += t
        i += 1
    parts.append(suffix)
    return "".join(parts), i


def cases(token_budget=None):
    """(name, (text, repeats)) for each hostile file; with a token budget,
    the repeated parts stop below it."""

    def grow(*args):
        return fill(*args, token_budget=token_budget)

    # One inline table with hundreds of thousands of unknown keys, one line.
    yield "inline_unknown_keys", grow(
        'scenario = { name = "x", start = "2009/10", horizon = 3, ',
        lambda i: f"k{i:x}=1,",
        "z=1 }\n",
    )
    # The same key again and again: TOML syntax errors.
    yield "inline_duplicate_keys", grow("scenario = { ", lambda i: "a=1,", "a=1 }\n")
    # Hundreds of thousands of bad values on one line.
    yield "bad_values_one_line", grow(
        VALID + "[[cost]]\nname = \"c\"\namounts = [", lambda i: '"x",', '"x"]\n'
    )
    yield "bad_percentiles", grow(
        HEADER + "percentiles = [", lambda i: "0,", "0]\n"
    )
    yield "contributions_unknown_partners", grow(
        VALID.replace('contributions = { council = "£80m" }', "")
        + "contributions = { ",
        lambda i: f"p{i:x}=1,",
        "z=1 }\n",
    )
    yield "saving_unknown_services", grow(
        VALID + '[[saving]]\nname = "s"\nrate = "1%"\nservices = [',
        lambda i: '"x",',
        '"x"]\n',
    )
    # Very many entries of every array of tables, unique and duplicate.
    yield "partners_unique", grow(
        HEADER, lambda i: f'[[partner]]\nid="p{i}"\nname="P"\nkind="nhs"\n'
    )
    yield "partners_duplicate", grow(HEADER, lambda i: '[[partner]]\nid="p"\n')
    yield "services_unique", grow(HEADER, lambda i: f'[[service]]\nid="s{i}"\n')
    yield "services_duplicate", grow(HEADER, lambda i: '[[service]]\nid="s"\n')
    yield "services_bare", grow(HEADER, lambda i: "[[service]]\n")
    yield "settings", grow(VALID, lambda i: f'[[service.setting]]\nid="k{i}"\n')
    for section in ["shift", "saving", "cost", "variance", "workforce", "expect"]:
        yield f"{section}_entries", grow(VALID, lambda i, s=section: f"[[{s}]]\n")
    yield "expect_valid", grow(
        VALID, lambda i: '[[expect]]\nyear="2010/11"\nmetric="costs"\nmax=1\n'
    )
    yield "phase_in", grow(
        VALID + '[[saving]]\nname = "s"\nrate = "1%"\nphase_in = [',
        lambda i: '"1%",',
        '"100%"]\n',
    )
    # Long strings.
    big = "N" * 1_500_000
    yield "long_name", (
        VALID.replace('name = "Learning disability"', f'name = "{big}"'),
        1,
    )
    yield "long_names_everywhere", (
        VALID.replace('name = "Base"', f'name = "{"A" * 1_000_000}"')
        .replace('name = "Council"', f'name = "{"B" * 1_000_000}"')
        .replace('name = "Learning disability"', f'name = "{"C" * 1_000_000}"'),
        3,
    )
    yield "long_description", (
        VALID.replace('name = "Base"', f'name = "Base"\ndescription = "{big}"'),
        1,
    )
    yield "long_id", (VALID.replace('id = "ld"', f'id = "{"l" * 1_500_000}"'), 1)
    yield "long_unknown_key", (VALID + f'[assumptions]\n{"k" * 1_500_000} = 1\n', 1)
    yield "long_bad_id", (VALID.replace('id = "ld"', f'id = "{"L" * 1_500_000}"'), 1)
    yield "long_metric", (
        VALID + f'[[expect]]\nyear = "2010/11"\nmetric = "{"m" * 1_500_000}"\n',
        1,
    )
    yield "long_money", (VALID + f'[[cost]]\nname = "c"\namounts = ["{"9" * 1_500_000}"]\n', 1)
    # Many copies of one long bad value: each error quotes it.
    yield "long_bad_values", grow(
        VALID + "[[cost]]\nname = \"c\"\namounts = [",
        lambda i: '"' + "x" * 40_000 + '",',
        '"x"]\n',
    )
    # Very many settings of the scenario table, unknown.
    yield "many_lines_unknown_keys", grow(
        VALID + "[assumptions]\n", lambda i: f"k{i} = 1\n"
    )


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "hostile"
    os.makedirs(out, exist_ok=True)
    for suffix, budget in [("", None), ("_under", TOKENS_UNDER)]:
        for name, (text, count) in cases(budget):
            if budget and count == 1:
                continue
            data = text.encode()
            assert len(data) <= LIMIT, name
            with open(os.path.join(out, name + suffix + ".toml"), "wb") as f:
                f.write(data)
            print(f"{name}{suffix}: {len(data)} bytes, {count} repeats, ~{tokens(text)} tokens")


if __name__ == "__main__":
    main()
