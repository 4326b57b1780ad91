"""Access to the real sample texts in ../shared/corpus (beside the repository)."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_lines(name: str, first: int, last: int) -> list[str]:
    """Lines ``first``..``last`` (1-based, inclusive) of a corpus file, blank ones dropped."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [line for line in lines if line.strip()]
