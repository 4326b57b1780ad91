from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reports.analysis import UndecodableText, analysis_to_dict, analyze
from reports.analysis.cli import analyze_files, main
from reports.analysis.text import decode_bytes
from tests.fixtures import FIXTURES, fixture_text

REPO = Path(__file__).resolve().parents[2]

KEYS = [
    "path",
    "chars",
    "sections",
    "placeholders",
    "numbers",
    "residue",
    "topic",
    "genre",
    "burden_signals",
    "checklist",
    "summary",
    "headings",
    "gaps",
    "copies",
]
SPAN_LISTS = ("placeholders", "numbers", "residue", "burden_signals")


def _check_spans(d: dict, text: str) -> None:
    assert d["chars"] == len(text)
    for key in SPAN_LISTS:
        for item in d[key]:
            assert text[item["start"] : item["end"]] == item["text"], (key, item)
    for s in d["sections"]:
        assert 0 <= s["start"] < s["end"] <= len(text)
    for c in d["copies"]:
        assert 0 <= c["start"] < c["end"] <= len(text)


def test_analyze_files_contract_and_copies_between_files(tmp_path: Path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a_text = fixture_text("copy_source")
    b_text = fixture_text("copy_with_edits")  # one of a's paragraphs, slightly edited
    a.write_text(a_text, encoding="utf-8")
    b.write_bytes(("\ufeff" + b_text).encode("gb18030"))  # GB18030 with a BOM-like prefix
    out = analyze_files([str(a), str(b)], topic="shuangjian")
    assert [d["path"] for d in out] == [str(a), str(b)]
    for d in out:
        assert list(d) == KEYS
        assert set(d["topic"]) == {
            "code",
            "score",
            "off_topic",
            "paragraphs_on",
            "paragraphs_off",
            "off_paragraphs",
        }
        assert all(set(c) == {"code", "label", "mentioned"} for c in d["checklist"])
    _check_spans(out[0], a_text)
    b_decoded = decode_bytes(b.read_bytes())
    _check_spans(out[1], b_decoded)
    assert {c["source"] for c in out[1]["copies"]} == {str(a)}
    assert len(out[1]["copies"]) == 1
    c = out[1]["copies"][0]
    assert a_text[c["source_start"] : c["source_end"]] == a_text.split("\n")[2]
    assert b_decoded[c["start"] : c["end"]] == b_text.split("\n")[2]
    json.dumps(out, ensure_ascii=False)


def test_analyze_files_uses_references(tmp_path: Path):
    p = tmp_path / "r.txt"
    p.write_text(fixture_text("template_copied"), encoding="utf-8")
    out = analyze_files(
        [str(p)], topic="shuangjian", references=[("reference:7", fixture_text("template"))]
    )
    assert out[0]["copies"]
    assert {c["source"] for c in out[0]["copies"]} == {"reference:7"}


def test_main_prints_one_json_object_per_path_and_line(tmp_path: Path, capsys):
    p = tmp_path / "x.txt"
    p.write_text("一、基本情况\n我校共有学生1200人，参与课后服务*人。\n", encoding="utf-8")
    q = tmp_path / "y.txt"
    q.write_text("二、存在的问题\n作业偏多。", encoding="utf-8")
    assert main([str(p), str(q), "--topic", "shuangjian"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert (first["path"], second["path"]) == (str(p), str(q))
    assert first["numbers"][0]["value"] == 1200.0
    assert first["numbers"][1]["masked"] is True


def test_module_entry_point_runs(tmp_path: Path):
    p = tmp_path / "x.txt"
    p.write_text("二、存在的问题\n作业偏多。", encoding="utf-8")
    # as on a fresh checkout (README): no settings, no SECRET_KEY, no database
    bare = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "reports.analysis", str(p)],
        cwd=REPO,
        env=bare,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["sections"][0]["kind"] == "problems"


def test_analysis_to_dict_has_exact_keys():
    d = analysis_to_dict(analyze("测试"))
    assert list(d) == KEYS[1:-1]


# ---- bad input -------------------------------------------------------------------------


def test_empty_text():
    a = analyze("")
    assert a.sections == [] and a.numbers == [] and a.placeholders == []
    assert a.genre == "other"
    assert a.topic.off_topic is True
    assert a.missing_kinds == ["work_done", "problems", "next_steps"]


def test_decode_rejects_binary_with_bilingual_message():
    data = bytes(range(256)) * 50
    with pytest.raises(ValueError, match="无法识别") as exc:
        decode_bytes(data)
    assert "cannot decode" in str(exc.value)
    assert isinstance(exc.value, UndecodableText)


def test_decode_handles_bom_gb18030_and_mixed_lines():
    assert decode_bytes("\ufeff一、基本情况".encode()) == "一、基本情况"
    assert decode_bytes("减负工作总结".encode("gb18030")) == "减负工作总结"
    mixed = "第一行UTF-8编码内容\n".encode() + "第二行是GBK编码的内容\n".encode("gbk")
    text = decode_bytes(mixed)
    assert text.splitlines() == ["第一行UTF-8编码内容", "第二行是GBK编码的内容"]


def test_cli_reports_undecodable_file(tmp_path: Path, capsys):
    p = tmp_path / "bin.dat"
    p.write_bytes(b"\x00\x01\x02\xff" * 1000)
    assert main([str(p)]) == 2
    assert "cannot decode" in capsys.readouterr().err


def _timed(text: str) -> float:
    t0 = time.perf_counter()
    d = analysis_to_dict(analyze(text))
    dt = time.perf_counter() - t0
    for key in SPAN_LISTS:
        for item in d[key]:
            assert text[item["start"] : item["end"]] == item["text"]
    return dt


def test_two_megabyte_text_finishes():
    base = "\n".join(fixture_text(path.name) for path in sorted(FIXTURES.glob("*.txt")))
    text = (base + "\n") * (2_000_000 // len(base) + 1)
    assert _timed(text[:2_000_000]) < 30


def test_random_garbage_text_does_not_crash():
    rng = random.Random(7)
    alphabet = (
        "一二三四五六七八九十、（）()*xX×%_【】{}:：。，,.0123456789年级分钟人次减少不超过\n "
    )
    text = "".join(rng.choice(alphabet) for _ in range(50_000))
    assert _timed(text) < 10


def test_only_headings_and_only_numbers():
    heads = "\n".join(f"{n}、基本情况" for n in "一二三四五六七八九十" * 100)
    a = analyze(heads)
    assert len(a.sections) == 1000
    assert _timed(heads) < 5
    nums = "，".join(str(i) + "人" for i in range(20_000))
    a = analyze(nums)
    assert len(a.numbers) == 20_000
    assert a.numbers[123].value == 123.0


def test_one_50000_character_paragraph():
    para = fixture_text("one_paragraph_report").replace("\n", "")
    text = (para * (50_000 // len(para) + 1))[:50_000]
    assert "\n" not in text
    assert _timed(text) < 5


@pytest.mark.parametrize(
    "text",
    [
        "*" * 100_000,
        "x" * 100_000,
        "一" * 100_000,
        "1" * 100_000,
        "一、" * 50_000,
        "(" * 100_000,
        "_" * 100_000,
        "%" * 100_000,
        "1-" * 50_000,
        "一、二、" * 25_000 + "年级",
        "组长:" + " " * 100_000,
        " " * 100_000,  # a blank line: once quadratic in the topic's paragraph split
        "\u3000" * 100_000,
        "篇原创内容" + "1" * 100_000,
    ],
)
def test_pathological_strings_do_not_backtrack(text: str):
    assert _timed(text) < 5
