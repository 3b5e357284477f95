"""Query syntax for `dibao search` (the text below is meant for --help and the README).

查询语法（dibao search）
  张三 审核              两个词都要出现（默认“并且”，也可写 AND）
  张三 OR 李四           任一词出现即可（也可写 |）
  低保 NOT 特困          排除含“特困”的页（也可写 -特困）
  "家庭收入计算评估"     引号内为连续短语（中文引号“”也可以）
  (张三 OR 李四) 审核    括号分组
  014315  或  4315       身份证号后6位或后4位（也可输入完整18位号码）；银行卡号同样可用完整号码或后4位查
  HS-2023-001            对象编号
  张三丰                 姓名、词语按字查找，不在词典里的人名也能找到
筛选条件（可与命令行选项 --village/--town/--type/--category/--year 同用）：
  village:黄沙村  (村:)     town:黄沙街镇  (镇:)     type:特困  (类型:)
  category:审批类 (类别:)   year:2024 或 year:2022-2024  (年:)
  household:HS-2023-001 (编号:)   head:张三 (户主:)   title:申请书 (表名:)
  id:4315  (身份证:，只查身份证号)   source:历史 (来源: 档案 / 历史)
  筛选值可以只写一部分：village:黄沙 也能找到“黄沙村”（有完全相同的值时只取它）；在前面加 - 表示排除，如 -village:黄沙村。
繁体与简体、全角与半角视为相同；OCR 在汉字之间多出的空格、换行处断开的词、短语里的标点和
数字与汉字之间的空格都不影响查找（"应保尽保、应退尽退" 与 "应保尽保应退尽退" 相同）。
一次查询最长 2000 字、最多 300 个词，括号最多嵌套 30 层。
索引里不存完整的身份证号和银行卡号（只存遮蔽后的号码和加密摘要），结果中显示为 4306**********1993。
没有结果时会提示放宽条件（去掉筛选、拆开短语、改用 OR）。
很常见的词句（如表格上印好的套话，出现在大部分页上）不逐页数完：结果显示“至少 N 页（最多 M 页）”，
列出的是核对过、确实含这句话的页；加上村、年度、类别等条件可缩小范围（范围够小时给出准确页数）。
--json 输出中 total 为页数，total_exact 为 false 时 total 是下限、total_max 是上限。
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.errors import InputError
from indexer import analysis as an
from indexer.engine import All, Bool, Phrase, Term, and_, not_, or_

SYNTAX_HELP = __doc__

FIELD_ALIASES = {
    "village": "village", "村": "village",
    "town": "town", "镇": "town", "乡镇": "town",
    "type": "type", "类型": "type", "户类型": "type",
    "category": "category", "类别": "category", "分类": "category",
    "year": "year", "年": "year", "年度": "year", "年份": "year",
    "household": "household", "编号": "household", "对象编号": "household", "户": "household",
    "head": "head", "户主": "head",
    "title": "title", "表名": "title", "标题": "title",
    "id": "id", "身份证": "id", "身份证号": "id",
    "source": "source", "来源": "source",
}
FIELD_LABEL = {"village": "村", "town": "镇", "type": "类型", "category": "类别", "year": "年度",
               "household": "对象编号", "head": "户主", "title": "表名", "id": "身份证号", "source": "来源"}
SOURCE_VALUES = {"archive": "archive", "档案": "archive", "historical": "historical", "历史": "historical",
                 "history": "historical"}
_ID_FULL_RE = re.compile(r"^\d{14,19}[\dX]$")   # ID numbers and other long numbers (see analysis)
_ID_TAIL_RE = re.compile(r"^(\d{4}|\d{3}X|\d{6}|\d{5}X)$")


# ---------------------------------------------------------------- AST

@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class PhraseQ:
    text: str


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class AndQ:
    items: tuple


@dataclass(frozen=True)
class OrQ:
    items: tuple


@dataclass(frozen=True)
class NotQ:
    item: object


_TOKEN_RE = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<neg>-(?=\S))|(?P<ph>"[^"]*"?)|(?P<w>[^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    text = an.normalize(text, join_cjk=False)
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "ph":
            val = val.strip('"')
        elif kind == "w" and '"' not in val and ":" in val[1:]:
            name, _, rest = val.partition(":")
            if name.lower() in FIELD_ALIASES or name in FIELD_ALIASES:
                canon = FIELD_ALIASES.get(name.lower(), FIELD_ALIASES.get(name))
                if not rest and text[pos:pos + 1] == '"':   # field:"quoted value"
                    m2 = re.compile(r'"([^"]*)"?').match(text, pos)
                    rest, pos = m2.group(1), m2.end()
                out.append(("field", f"{canon}\x00{rest}"))
                continue
        out.append((kind, val))
    return out


MAX_QUERY_CHARS = 2000   # longer queries are refused with a message (not a slow or failing search)
MAX_DEPTH = 30           # nested brackets and NOTs
MAX_TERMS = 300          # words, phrases and filters in one query


def _too_complex(what: str) -> InputError:
    return InputError(f"查询{what}，无法处理", field="query",
                      hint="把查询拆成几次较短的查询；括号最多嵌套 30 层，一次最多 300 个词")


class _Parser:
    def __init__(self, toks):
        self.toks = toks
        self.i = 0
        self.depth = 0

    def _enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _too_complex(f"嵌套太深（括号或 NOT 超过 {MAX_DEPTH} 层）")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() in (("w", "OR"), ("w", "|"), ("w", "或")):
            self.take()
            items.append(self.parse_and())
        items = [x for x in items if x is not None]
        return None if not items else items[0] if len(items) == 1 else OrQ(tuple(items))

    def parse_and(self):
        items = []
        while True:
            kind, val = self.peek()
            if kind is None or kind == "rp" or (kind == "w" and val in ("OR", "|", "或")):
                break
            if kind == "w" and val in ("AND", "&", "且"):
                self.take()
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        return None if not items else items[0] if len(items) == 1 else AndQ(tuple(items))

    def parse_unary(self):
        kind, val = self.peek()
        if (kind == "neg") or (kind == "w" and val in ("NOT", "非")):
            self.take()
            self._enter()
            inner = self.parse_unary()
            self.depth -= 1
            return NotQ(inner) if inner is not None else None
        return self.parse_atom()

    def parse_atom(self):
        kind, val = self.take()
        if kind == "lp":
            self._enter()
            node = self.parse_or()
            self.depth -= 1
            if self.peek()[0] == "rp":
                self.take()
            return node
        if kind == "rp":
            return None
        if kind == "ph":
            return PhraseQ(val) if val.strip() else None
        if kind == "field":
            name, value = val.split("\x00", 1)
            return Field(name, value) if value else None
        return Word(val)


def parse(text: str, filters: dict | None = None):
    """Parse a query string (and --village/--year… filters) into an AST, or None if empty.

    Raises InputError (a Chinese message, never a traceback) for a query longer than
    MAX_QUERY_CHARS, nested deeper than MAX_DEPTH or with more than MAX_TERMS terms."""
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise _too_complex(f"太长（{len(text)} 个字符，最多 {MAX_QUERY_CHARS} 个）")
    toks = _lex(text)
    operators = ("OR", "|", "或", "AND", "&", "且", "NOT", "非")
    if sum(1 for kind, val in toks if kind in ("ph", "field") or (kind == "w" and val not in operators)) > MAX_TERMS:
        raise _too_complex(f"的词太多（超过 {MAX_TERMS} 个）")
    node = _Parser(toks).parse_or()
    extra = [Field(FIELD_ALIASES.get(k, k), an.normalize(str(v))) for k, v in (filters or {}).items()
             if v not in (None, "", ())]
    for f in extra:
        if f.name not in FIELD_LABEL:
            raise InputError(f"不认识的筛选条件“{f.name}”", hint="可用：" + "、".join(FIELD_LABEL))
    if extra:
        parts = ([node] if node is not None else []) + extra
        node = parts[0] if len(parts) == 1 else AndQ(tuple(parts))
    return node


def to_text(node) -> str:
    """The query string of an AST (for suggestions)."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, PhraseQ):
        return f'"{node.text}"'
    if isinstance(node, Field):
        v = f'"{node.value}"' if " " in node.value else node.value
        return f"{node.name}:{v}"
    if isinstance(node, NotQ):
        return "-" + to_text(node.item)
    if isinstance(node, AndQ):
        return " ".join(f"({to_text(x)})" if isinstance(x, OrQ) else to_text(x) for x in node.items)
    if isinstance(node, OrQ):
        return " OR ".join(to_text(x) for x in node.items)
    return ""


def walk(node):
    yield node
    for child in getattr(node, "items", ()) or ((node.item,) if isinstance(node, NotQ) else ()):
        yield from walk(child)


# ---------------------------------------------------------------- compiling

class Compiler:
    """Turns the AST into engine nodes.  values(field) lists a keyword field's values;
    exists(field, value), if given, tells whether a value is indexed (a fast path that
    spares listing every value, e.g. thousands of household numbers, for an exact filter)."""

    def __init__(self, key: bytes, values, exists=None):
        self.key = key
        self.values = values
        self.exists = exists
        self.notes: list[str] = []
        self.highlights: list[str] = []   # regex sources for snippets
        self._values_cache: dict[str, list[str]] = {}

    def compile(self, node):
        """Engine node for the AST; terms of punctuation only are ignored."""
        out = self._compile(node)
        return out if out is not None else Term("words", "\x00nothing")

    def _compile(self, node):
        if isinstance(node, Word):
            return self.text_match(node.text, phrase=False)
        if isinstance(node, PhraseQ):
            return self.text_match(node.text, phrase=True)
        if isinstance(node, Field):
            return self.field_match(node.name, node.value)
        if isinstance(node, NotQ):
            inner = self._negative(node.item)
            return not_(inner) if inner is not None else None
        if isinstance(node, AndQ):
            pos = [self._compile(i) for i in node.items if not isinstance(i, NotQ)]
            neg = [self._negative(i.item) for i in node.items if isinstance(i, NotQ)]
            pos, neg = [x for x in pos if x is not None], [x for x in neg if x is not None]
            if not pos and not neg:
                return None
            return Bool(must=tuple(pos) or (All(),), must_not=tuple(neg))
        if isinstance(node, OrQ):
            items = [x for x in (self._compile(i) for i in node.items) if x is not None]
            return or_(*items) if items else None
        return None

    def _negative(self, node):
        saved = list(self.highlights)   # excluded words are not highlighted
        out = self._compile(node)
        self.highlights = saved
        return out

    def text_match(self, text: str, phrase: bool):
        text = an.normalize(text).strip()
        upper = text.upper()
        if _ID_FULL_RE.match(upper):
            self.highlights.append(re.escape(upper[:4]) + r"\*+" + re.escape(upper[-4:]))
            return Term("ids", an.id_hash_token(upper, self.key))
        seq = an.seq_tokens(text)
        while seq and seq[0] == an.BREAK:
            seq.pop(0)
        while seq and seq[-1] == an.BREAK:
            seq.pop()
        if not seq:
            return None
        self._highlight(text)
        if _ID_TAIL_RE.match(upper):
            self.highlights.append(r"\d{4}\*+" + re.escape(upper[-4:]))
            prefix = an.ID_TAIL4_PREFIX if len(upper) == 4 else an.ID_TAIL6_PREFIX
            return or_(Phrase("seq", tuple(seq)), Term("ids", prefix + upper))
        match = self._seq_match(text, seq)
        norm = text.lower().replace(" ", "")
        if an.is_cjk(norm) and len(norm) >= 2 and not phrase:
            return Bool(must=(match,), should=(Term("words", norm),))
        return match

    def _seq_match(self, text, seq):
        singles = [t for t in seq if len(t) == 1 and an.is_cjk(t)]
        if len(seq) == 1:
            return Term("words", seq[0]) if singles else Term("seq", seq[0])
        if not singles:
            return Phrase("seq", tuple(seq))
        # A lone CJK character next to letters/digits has no bigram of its own in the
        # documents: match each run separately.
        parts = []
        for run in an.seq_segments(text):
            toks = an.seq_tokens(run)
            parts.append(Term("words", run) if len(run) == 1 and an.is_cjk(run)
                         else Phrase("seq", tuple(toks)) if len(toks) > 1 else Term("seq", toks[0]))
        return and_(*parts)

    def _highlight(self, text):
        # The page may have punctuation or spaces where the query has none, or the other way round.
        chars = [re.escape(c) for c in text if c.isalnum()][:200]
        if chars:
            self.highlights.append(r"[\W_]*".join(chars))

    def _field_values(self, name):
        if name not in self._values_cache:
            self._values_cache[name] = list(self.values(name))
        return self._values_cache[name]

    def field_match(self, name: str, value: str):
        value = an.normalize(value).strip()
        label = FIELD_LABEL.get(name, name)
        if name == "year":
            m = re.fullmatch(r"(\d{4})(?:\s*(?:-|\.\.|~|至|到)\s*(\d{4}))?", value)
            if not m:
                raise InputError(f"年度筛选“{value}”看不懂", field="year",
                                 hint="写四位年份，如 year:2024，或一个范围，如 year:2022-2024")
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            if hi < lo or hi - lo > 100:
                raise InputError(f"年度范围“{value}”不对", field="year", hint="起始年份写在前面，如 2022-2024")
            return or_(*(Term("year", str(y)) for y in range(lo, hi + 1)))
        if name == "id":
            upper = value.upper()
            if _ID_FULL_RE.match(upper):
                return Term("ids", an.id_hash_token(upper, self.key))
            if _ID_TAIL_RE.match(upper):
                self.highlights.append(r"\d{4}\*+" + re.escape(upper[-4:]))
                prefix = an.ID_TAIL4_PREFIX if len(upper) == 4 else an.ID_TAIL6_PREFIX
                return Term("ids", prefix + upper)
            raise InputError("身份证号筛选只接受完整号码，或最后4位、最后6位", field="id",
                             hint="例如 id:4315 或 id:014315")
        if name == "source":
            src = SOURCE_VALUES.get(value.lower())
            if src is None:
                raise InputError(f"来源“{value}”看不懂", field="source", hint="写 source:档案 或 source:历史")
            return Term("source", src)
        typed = value
        if name == "household":
            value = value.upper()
        if self.exists is not None:
            for v in dict.fromkeys((value, typed)):
                if self.exists(name, v):
                    return Term(name, v)
        known = self._field_values(name)
        normed = [(v, v if v.isascii() else an.normalize(v)) for v in known]   # ASCII is already normal
        exact = [v for v, n in normed if n == value or (name == "household" and v.upper() == value)]
        chosen = exact or [v for v, n in normed if value.lower() in n.lower()]
        if not chosen:
            shown = "、".join(known[:12]) + ("等" if len(known) > 12 else "")
            self.notes.append(f"索引里没有{label}为“{value}”的记录" + (f"；已有的{label}：{shown}" if shown else ""))
            return Term(name, value)
        return or_(*(Term(name, v) for v in chosen))
