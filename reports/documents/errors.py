"""The one exception type for refused uploads, and the messages it carries.

Every refusal is a :class:`DocumentError` (a ``ValueError``) whose ``str()`` is a Chinese
sentence that can be shown to the school as it is."""

from __future__ import annotations

from reports.documents.limits import MAX_IMPORT_CHARS


class DocumentError(ValueError):
    """A document was refused; ``str()`` is a Chinese message for the school."""


MSG_CORRUPT = "文件已损坏，无法读取"
MSG_PDF_NO_TEXT = "PDF 中没有可提取的文字，可能是扫描件，请上传 Word 文档或直接粘贴文字"
MSG_BOMB = "文件解压后过大，疑似异常文件，已拒绝"
MSG_ENCODING = "无法识别文本文件的编码"
MSG_EMPTY = "文件是空的"
MSG_OLE = "这是旧版 Word/WPS 文档（.doc），无法直接读取，请在 Word 或 WPS 中“另存为” .docx 后再上传"
MSG_PDF_ENCRYPTED = "PDF 文件已加密，无法读取文字，请上传未加密的文件"
MSG_ATTACHMENT_TYPES = "只能上传 PDF、Word、Excel、PPT 或图片"
MSG_TOO_SLOW = "文档内容过于复杂，读取超时，请删去附表或分成几部分粘贴"
MSG_PDF_TOO_BIG = "PDF 内容过多，无法在线读取，请上传 Word 文档或直接粘贴文字"
MSG_PDF_REPRINT = "请用“打印为 PDF”重新生成文件后再上传"


def msg_too_long(max_chars: int = MAX_IMPORT_CHARS) -> str:
    """The message for a document over the character cap."""
    amount = f"{max_chars // 10000} 万" if max_chars % 10000 == 0 else f"{max_chars} "
    return f"文档文字超过 {amount}字，请删去附表或分成几部分粘贴"
