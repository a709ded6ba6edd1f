"""Tiny random-weight models (BERT, Qwen2, Llama) built in seconds with no downloads.

They share the real models' architectures, tokenizer kinds and export path; their outputs are
meaningless. Tests of loading, WebGPU and the worker protocol use them.
"""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import (
    BertConfig,
    BertModel,
    GenerationConfig,
    LlamaConfig,
    LlamaForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

from models.tokenizer import CHATML_TEMPLATE, XLMR_SPECIALS, save_tokenizer, xlmr_pipeline

SEED = 0
SENTENCES = [
    "Python lists keep items in order and can change.",
    "A dictionary maps keys to values.",
    "Functions take arguments and return a result.",
    "Loops repeat a block of code for each item.",
    "Tests check that the code does what it should.",
    "Списки в Python хранят элементы по порядку.",
    "Словарь сопоставляет ключам значения.",
    "Функция принимает аргументы и возвращает результат.",
    "Цикл повторяет блок кода для каждого элемента.",
    "def add(a, b):\n    return a + b",
    "for i in range(10):\n    print(i)",
]
CHAT_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def build_tiny(source: str, out_dir: Path) -> None:
    """Write a tiny Hugging Face model folder for `source` (tiny-bert | tiny-qwen2 | tiny-llama)."""
    builders = {"tiny-bert": _tiny_bert, "tiny-qwen2": _tiny_qwen2, "tiny-llama": _tiny_llama}
    if source not in builders:
        raise ValueError(f'Unsupported tiny source "{source}". Should be one of: {", ".join(builders)}.')
    torch.manual_seed(SEED)
    out_dir.mkdir(parents=True, exist_ok=True)
    builders[source](out_dir)


def _unigram_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=400,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        unk_token="<unk>",
        show_progress=False,
    )
    tokenizer.train_from_iterator(SENTENCES, trainer)
    xlmr_pipeline(tokenizer)
    return tokenizer


def _bpe_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=512,
        special_tokens=CHAT_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(SENTENCES, trainer)
    return tokenizer


def _tiny_bert(out_dir: Path) -> None:
    tokenizer = _unigram_tokenizer()
    save_tokenizer(
        tokenizer,
        out_dir,
        specials=XLMR_SPECIALS,
        tokenizer_class="XLMRobertaTokenizer",
        model_max_length=512,
    )
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=512,
        pad_token_id=tokenizer.token_to_id("<pad>"),
        initializer_range=0.2,
    )
    config.architectures = ["BertModel"]
    BertModel(config, add_pooling_layer=False).eval().save_pretrained(out_dir)


def _chat_tokenizer(out_dir: Path) -> Tokenizer:
    tokenizer = _bpe_tokenizer()
    save_tokenizer(
        tokenizer,
        out_dir,
        specials={"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
        tokenizer_class="PreTrainedTokenizer",
        model_max_length=2048,
        chat_template=CHATML_TEMPLATE,
    )
    return tokenizer


def _save_generator(model: torch.nn.Module, tokenizer: Tokenizer, out_dir: Path) -> None:
    model.eval().save_pretrained(out_dir)
    GenerationConfig(
        bos_token_id=tokenizer.token_to_id("<|im_start|>"),
        eos_token_id=tokenizer.token_to_id("<|im_end|>"),
        pad_token_id=tokenizer.token_to_id("<|endoftext|>"),
        do_sample=False,
    ).save_pretrained(out_dir)


def _decoder_sizes(tokenizer: Tokenizer) -> dict[str, int | float | bool]:
    return {
        "vocab_size": tokenizer.get_vocab_size(),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 2048,
        "initializer_range": 0.2,
        "bos_token_id": tokenizer.token_to_id("<|im_start|>"),
        "eos_token_id": tokenizer.token_to_id("<|im_end|>"),
        "pad_token_id": tokenizer.token_to_id("<|endoftext|>"),
    }


def _tiny_qwen2(out_dir: Path) -> None:
    tokenizer = _chat_tokenizer(out_dir)
    config = Qwen2Config(**_decoder_sizes(tokenizer), tie_word_embeddings=True)
    config.architectures = ["Qwen2ForCausalLM"]
    _save_generator(Qwen2ForCausalLM(config), tokenizer, out_dir)


def _tiny_llama(out_dir: Path) -> None:
    tokenizer = _chat_tokenizer(out_dir)
    config = LlamaConfig(**_decoder_sizes(tokenizer), tie_word_embeddings=True)
    config.architectures = ["LlamaForCausalLM"]
    _save_generator(LlamaForCausalLM(config), tokenizer, out_dir)
