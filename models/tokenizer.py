"""Hugging Face tokenizer folders (tokenizer.json + tokenizer_config.json) from a `tokenizers` object.

`save_tokenizer` writes what both transformers (for the build checks) and Transformers.js read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

# ChatML, the format of Qwen2.5 and SmolLM2 instruct models (their own templates add a default
# system prompt; real models keep their own template, the tiny ones use this one).
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

XLMR_SPECIALS = {
    "bos_token": "<s>",
    "pad_token": "<pad>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "cls_token": "<s>",
    "sep_token": "</s>",
    "mask_token": "<mask>",
}


def xlmr_pipeline(tokenizer: Tokenizer, normalizer: normalizers.Normalizer | None = None) -> None:
    """Give a Unigram `tokenizer` the XLM-R pipeline: Metaspace, `<s> A </s>` template."""
    if normalizer is not None:
        tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    if bos is None or eos is None:
        raise ValueError("XLM-R tokenizer needs <s> and </s> in its vocabulary")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )


def save_tokenizer(
    tokenizer: Tokenizer,
    out_dir: Path,
    *,
    specials: dict[str, str],
    tokenizer_class: str,
    model_max_length: int,
    chat_template: str | None = None,
    extra: dict[str, Any] | None = None,
) -> PreTrainedTokenizerFast:
    """Save `tokenizer` with its special tokens and chat template as a transformers folder."""
    missing = [t for t in specials.values() if tokenizer.token_to_id(t) is None]
    if missing:
        raise ValueError(f"Special tokens not in vocabulary: {missing}")
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, model_max_length=model_max_length, **specials)
    if chat_template is not None:
        fast.chat_template = chat_template
    # Transformers.js reads the template from tokenizer_config.json, not chat_template.jinja.
    fast.save_pretrained(str(out_dir), save_jinja_files=False)
    # save_pretrained writes its own class name; Transformers.js picks its class from this key.
    config_path = out_dir / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.update(extra or {})
    config["tokenizer_class"] = tokenizer_class
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return fast
