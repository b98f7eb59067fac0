from lantoa.language.segment import sentences, tokens, words


def test_sentences_keep_abbreviations_and_numbers() -> None:
    text = (
        "Th.S Lê Văn B. đã đến TP. Hồ Chí Minh lúc 8 giờ. Giá 1.000 đồng!\n"
        "Theo Kết luận số 57-KL/TW ngày 15/6/2023. Dòng không có dấu chấm"
    )
    assert sentences(text) == [
        "Th.S Lê Văn B. đã đến TP. Hồ Chí Minh lúc 8 giờ.",
        "Giá 1.000 đồng!",
        "Theo Kết luận số 57-KL/TW ngày 15/6/2023.",
        "Dòng không có dấu chấm",
    ]


def test_sentences_of_empty_and_unpunctuated_text() -> None:
    assert sentences("") == []
    long_line = " ".join(["thông tin đối ngoại"] * 1000)
    assert sentences(long_line) == [long_line]


def test_tokens_keep_document_symbols_and_dates() -> None:
    assert tokens("Kết luận số 57-KL/TW ngày 15/6/2023.") == [
        "Kết", "luận", "số", "57-KL/TW", "ngày", "15/6/2023", ".",
    ]  # fmt: skip


def test_words_join_dictionary_words_and_names() -> None:
    got = words("Đồng chí Nguyễn Trọng Nghĩa phát biểu về công tác thông tin đối ngoại.")
    assert got == [
        "Đồng chí", "Nguyễn Trọng Nghĩa", "phát biểu", "về", "công tác", "thông tin", "đối ngoại", ".",
    ]  # fmt: skip


def test_words_crf_method_is_underthesea() -> None:
    got = words("Công tác thông tin đối ngoại", method="crf")
    assert "thông tin" in got and "đối ngoại" in got
