"""Precision and recall of the analysis engine on a hand-labelled evaluation set.

Run: ``.venv/bin/python benchmarks/eval_analysis.py [-v] [--only t05,t21]``

``benchmarks/eval/`` holds one ``<id>.json`` of labels per text; the text is ``<id>.txt``
beside it, or a line range of a file in ``../shared/corpus`` (``"corpus": "000",
"lines": [first, last]``, 1-based inclusive) — those entries are skipped when the corpus
is absent.  Label keys (each optional; a check only counts the texts that carry its key,
so an empty list means "there is none here" and every finding is then false):

* ``headings``: ``{"at", "kind", "title"?}`` — found when the engine reports a heading
  starting within 3 characters of where ``at`` stands; ``kind`` is one of
  overview / work_done / problems / next_steps / other; ``title``, when given, must be
  the reported title exactly.
* ``figures``: ``{"at", "value", "unit", "value_max"?}`` — found when an unmasked
  quantity overlapping ``at`` has that value (and upper end) and unit (or the same amount
  in a scaled unit: 1268.5 万元 = 12685000 元); an unmasked
  quantity overlapping no labelled figure is a false figure.
* ``masks`` / ``gaps``: the blank as written — found when a placeholder (or masked
  quantity) / a gap overlaps it; any other finding is false.
* ``residue``: template-site chrome — the share of its characters that residue covers,
  and per text whether the reviewer's flag is right (some residue found on a text with
  chrome, none on a text without).
* ``topic`` + ``on_topic``: the preset the text is scored under and the expected verdict.
* ``campaign`` (+ ``school``, ``county``, ``source``): texts written as one campaign's
  uploads (several schools pasting from the same template sites); with ``--campaign`` each
  is analysed with the site-frame lines its campaign's texts show together (the rule of
  ``reports.chrome``), without it alone, as a single text.
* ``blind``: true for texts written and labelled by someone who never read the engine's
  code (``b01``–``b12`` 2026-11-30, then sets of twelve up to ``b168``, each set measured
  once before the engine was tuned on it; RESULTS.md); their table is printed
  on its own too.
* ``holdout``: true for texts written after the engine was tuned (``h*``); their table is
  also printed on its own.

Every label is a string or ``{"at": ..., "text"?: ...}``; labels of one kind are looked
for in order, each after the previous one, so repeated strings are told apart by their
order; ``text`` narrows the span to a part of ``at``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reports.analysis import analyze  # noqa: E402
from reports.analysis.residue import campaign_site_lines  # noqa: E402

EVAL = REPO / "benchmarks" / "eval"
CORPUS = REPO.parent / "shared" / "corpus"
HEAD_TOLERANCE = 3


@dataclass
class Tally:
    labels: int = 0
    found: int = 0
    false: int = 0
    extra: int = 0  # headings: found with the right kind
    extra_total: int = 0  # headings: labels with a title
    titles_ok: int = 0
    notes: list[str] = field(default_factory=list)


#: written units that are another unit times a factor (the engine keeps 万元 as written)
SCALED_UNITS = {"万元": (10_000.0, "元"), "亿元": (100_000_000.0, "元")}


def same_amount(value: float, unit: str, want: float, want_unit: str) -> bool:
    """Whether ``value unit`` is the labelled amount: 1268.5 万元 is 12,685,000 元."""
    if unit != want_unit:
        factor, base = SCALED_UNITS.get(unit, (1.0, unit))
        want_factor, want_base = SCALED_UNITS.get(want_unit, (1.0, want_unit))
        if base != want_base:
            return False
        value, want = value * factor, want * want_factor
    return abs(value - want) < 1e-6 * max(1.0, abs(want))


def load_text(meta: dict[str, Any], path: Path) -> str | None:
    if "corpus" in meta:
        files = sorted(CORPUS.glob(f"{meta['corpus']}*.txt"))
        if not files:
            return None
        lines = files[0].read_text(encoding="utf-8").split("\n")
        first, last = meta["lines"]
        return "\n".join(lines[first - 1 : last])
    return path.with_suffix(".txt").read_text(encoding="utf-8")


def locate(text: str, items: list[Any], what: str, ident: str) -> list[tuple[int, int, Any]]:
    """Spans of the labels, each searched after the previous one."""
    out = []
    cursor = 0
    for item in items:
        at = item if isinstance(item, str) else item["at"]
        pos = text.find(at, cursor)
        if pos < 0:
            raise SystemExit(f"{ident}: {what} label {at!r} not found after offset {cursor}")
        start, end = pos, pos + len(at)
        if isinstance(item, dict) and item.get("text"):
            start = text.find(item["text"], pos)
            end = start + len(item["text"])
        out.append((start, end, item))
        cursor = pos + len(at)
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def campaign_lines(only: set[str] | None) -> dict[str, set[int]]:
    """Per ``campaign`` label, the site-frame line keys its texts show together — what the
    pipeline's count (``reports.chrome``) learns once every school of it has submitted."""
    shapes: dict[str, list] = {}
    for path in sorted(EVAL.glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if "campaign" not in meta or (only and meta.get("id", path.stem) not in only):
            continue
        text = load_text(meta, path)
        if text is not None:
            a = analyze(text, topic=meta.get("topic", "shuangjian"))
            school = meta.get("school") or meta.get("id", path.stem)
            shapes.setdefault(meta["campaign"], []).append((school, a.shape_lines))
    return {name: campaign_site_lines(texts) for name, texts in shapes.items()}


def evaluate(only: set[str] | None, verbose: bool, campaign: bool = False) -> dict[str, Tally]:
    t = {k: Tally() for k in ("headings", "figures", "masks", "gaps", "residue", "topic")}
    texts = skipped = 0
    site = campaign_lines(only) if campaign else {}
    for path in sorted(EVAL.glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        ident = meta.get("id", path.stem)
        if only and ident not in only:
            continue
        text = load_text(meta, path)
        if text is None:
            skipped += 1
            continue
        texts += 1
        a = analyze(
            text,
            topic=meta.get("topic", "shuangjian"),
            site_lines=site.get(meta.get("campaign", ""), frozenset()),
        )
        heads = list(getattr(a, "headings", None) or a.sections)

        if "headings" in meta:
            h = t["headings"]
            used: set[int] = set()
            for start, _end, lab in locate(text, meta["headings"], "heading", ident):
                h.labels += 1
                best = None
                for i, s in enumerate(heads):
                    if i not in used and abs(s.start - start) <= HEAD_TOLERANCE:
                        best = i
                        break
                if best is None:
                    h.notes.append(f"{ident} MISS heading {lab['at']!r} ({lab['kind']})")
                    continue
                used.add(best)
                h.found += 1
                got = heads[best]
                if got.kind == lab["kind"]:
                    h.extra += 1
                else:
                    h.notes.append(f"{ident} KIND {got.title!r}: {got.kind} != {lab['kind']}")
                if "title" in lab:
                    h.extra_total += 1
                    if got.title == lab["title"]:
                        h.titles_ok += 1
                    else:
                        h.notes.append(f"{ident} TITLE {got.title!r} != {lab['title']!r}")
            for i, s in enumerate(heads):
                if i not in used:
                    h.false += 1
                    h.notes.append(f"{ident} FALSE heading {s.title!r} ({s.kind}) at {s.start}")

        if "figures" in meta:
            f = t["figures"]
            labs = locate(text, meta["figures"], "figure", ident)
            f.labels += len(labs)
            real = [q for q in a.numbers if not q.masked]
            for start, end, lab in labs:
                ok = any(
                    overlaps((q.start, q.end), (start, end))
                    and q.value is not None
                    and same_amount(q.value, q.unit, lab["value"], lab["unit"])
                    and (
                        lab.get("value_max") is None
                        or (
                            q.value_max is not None
                            and same_amount(q.value_max, q.unit, lab["value_max"], lab["unit"])
                        )
                    )
                    for q in real
                )
                if ok:
                    f.found += 1
                else:
                    near = [
                        (q.text, q.value, q.value_max, q.unit)
                        for q in real
                        if overlaps((q.start, q.end), (start, end))
                    ]
                    f.notes.append(f"{ident} MISS figure {lab['at']!r} got {near}")
            for q in real:
                if not any(overlaps((q.start, q.end), (s, e)) for s, e, _ in labs):
                    f.false += 1
                    f.notes.append(f"{ident} FALSE figure {q.text!r} = {q.value} {q.unit}")

        for key, found_spans in (
            (
                "masks",
                [(p.start, p.end, p.text) for p in a.placeholders]
                + [(q.start, q.end, q.text) for q in a.numbers if q.masked],
            ),
            ("gaps", [(g.start, g.end, g.text) for g in getattr(a, "gaps", [])]),
        ):
            if key not in meta:
                continue
            m = t[key]
            labs = locate(text, meta[key], key, ident)
            m.labels += len(labs)
            for start, end, lab in labs:
                if any(overlaps((s, e), (start, end)) for s, e, _ in found_spans):
                    m.found += 1
                else:
                    m.notes.append(f"{ident} MISS {key} {lab!r}")
            seen: list[tuple[int, int]] = []
            for s, e, txt in found_spans:
                if any(overlaps((s, e), sp) for sp in seen):
                    continue  # a placeholder and a masked quantity on the same blank
                seen.append((s, e))
                if not any(overlaps((s, e), (ls, le)) for ls, le, _ in labs):
                    m.false += 1
                    m.notes.append(f"{ident} FALSE {key} {txt!r} at {s}")

        if "residue" in meta:
            r = t["residue"]
            labs = locate(text, meta["residue"], "residue", ident)
            covered = [False] * len(text)
            for res in a.residue:
                for i in range(res.start, res.end):
                    covered[i] = True
            labelled = [False] * len(text)
            for s, e, _lab in labs:
                r.labels += e - s
                got = sum(covered[s:e])
                r.found += got
                for i in range(s, e):
                    labelled[i] = True
                if got < e - s:
                    r.notes.append(f"{ident} MISS residue {text[s:e]!r} ({got}/{e - s})")
            false_chars = sum(
                1 for i in range(len(text)) if covered[i] and not labelled[i] and text[i].strip()
            )
            r.false += false_chars
            if false_chars:
                r.notes.append(f"{ident} FALSE residue chars {false_chars}")
            # the reviewer's flag: 网页残留 on a pasted page, nothing on a typed report
            r.extra_total += 1
            if bool(labs) == bool(a.residue):
                r.extra += 1
            else:
                r.notes.append(f"{ident} FLAG residue {bool(a.residue)}, expected {bool(labs)}")

        if "on_topic" in meta:
            tp = t["topic"]
            tp.labels += 1
            if (not a.topic.off_topic) == meta["on_topic"]:
                tp.found += 1
            else:
                tp.notes.append(
                    f"{ident} TOPIC {a.topic.code} score {a.topic.score} "
                    f"off_topic={a.topic.off_topic}, expected on_topic={meta['on_topic']}"
                )
    t["_meta"] = Tally(labels=texts, false=skipped)  # type: ignore[assignment]
    if verbose:
        for v in t.values():
            for n in v.notes:
                if n:
                    print(n)
    return t


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def per20(false: int, true: int) -> str:
    return f"{20 * false / true:.2f}" if true else "–"


def table(t: dict[str, Tally]) -> str:
    h, f, m, g, r, tp = (t[k] for k in ("headings", "figures", "masks", "gaps", "residue", "topic"))

    def frac(a: int, b: int) -> str:
        return f"{a}/{b}"

    rows = [
        ("headings: recall, all levels", frac(h.found, h.labels), pct(h.found, h.labels), "≥ 90 %"),
        (
            "headings: right kind (of labelled)",
            frac(h.extra, h.labels),
            pct(h.extra, h.labels),
            "≥ 85 %",
        ),
        (
            "headings: title exact (of labelled titles)",
            frac(h.titles_ok, h.extra_total),
            pct(h.titles_ok, h.extra_total),
            "",
        ),
        ("headings: false headings", str(h.false), per20(h.false, h.labels) + " per 20", ""),
        ("figures: recall", frac(f.found, f.labels), pct(f.found, f.labels), "≥ 95 %"),
        ("figures: false per 20 true", str(f.false), per20(f.false, f.labels), "≤ 1"),
        ("masks: recall", frac(m.found, m.labels), pct(m.found, m.labels), "≥ 95 %"),
        ("masks: false per 20 true", str(m.false), per20(m.false, m.labels), "≤ 1"),
        ("gaps (缺数字): recall", frac(g.found, g.labels), pct(g.found, g.labels), "≥ 60 %"),
        ("gaps: false per 20 true", str(g.false), per20(g.false, g.labels), "≤ 1"),
        (
            "residue: chrome characters covered",
            frac(r.found, r.labels),
            pct(r.found, r.labels),
            "≥ 85 %",
        ),
        ("residue: characters flagged outside chrome", str(r.false), "", ""),
        (
            "residue: 网页残留 flag right (texts)",
            frac(r.extra, r.extra_total),
            pct(r.extra, r.extra_total),
            "",
        ),
        (
            "topic: on/off-topic verdict right",
            frac(tp.found, tp.labels),
            pct(tp.found, tp.labels),
            "",
        ),
    ]
    meta = t["_meta"]
    out = [
        f"texts evaluated: {meta.labels} (corpus slices skipped: {meta.false})",
        "",
        "| check | count | measured | target |",
        "|---|---:|---:|---|",
    ]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and false find")
    ap.add_argument("--only", default="", help="comma-separated ids")
    ap.add_argument(
        "--campaign",
        action="store_true",
        help="texts labelled with a campaign are analysed with its counted site lines",
    )
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s} or None
    print(table(evaluate(only, args.verbose, args.campaign)))
    if only is None:
        labels = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in EVAL.glob("*.json")}
        held = {name for name, label in labels.items() if label.get("holdout")}
        if held:
            print("\nHeld-out texts only (written after tuning):\n")
            print(table(evaluate(held, False)))
        blind = {name for name, label in labels.items() if label.get("blind")}
        if blind:
            print("\nBlind texts only (written and labelled without reading the engine):\n")
            print(table(evaluate(blind, False)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
