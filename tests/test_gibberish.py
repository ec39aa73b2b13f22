"""Keyboard mashing is told from words, short forms and laughter."""

import pytest

from bot.nlu.gibberish import content_words, is_gibberish, says_something


@pytest.mark.parametrize("text", ["asdfghjkl", "jdjdjdjdjd 😂😂", "brrr kkkk ??? ..", "lkjlkj sdf", "????", "zzzzz"])
def test_mashing_is_gibberish(text):
    assert is_gibberish(text)


@pytest.mark.parametrize("text", ["ok", "si", "👍", "🙏", "dnd?", "tlf?", "jajaja", "hmm", "no", "10", "Lima",
                                  "construcción", "ppt en cucuta", "necesito un psicólogo", "", "kdjfk ok ok bla"])
def test_words_short_forms_and_laughter_are_not(text):
    assert not is_gibberish(text)


@pytest.mark.parametrize("text, count", [("jajaja xd 🙈", 0), ("lkjlkj sdf", 0), ("hahaha lol", 0), ("🙏🙏🙏", 0),
                                         ("🙏🙏🙏 xfa", 1), ("me pegan", 1), ("my cousin's dog is called Max", 4)])
def test_content_words_leave_out_laughter_mashing_and_emoji(text, count):
    assert content_words(text) == count


@pytest.mark.parametrize("text, says", [("ñññ kkkkk qwe", False), ("xxxxx qwe jjjj", False), ("jajaja xd", False),
                                        ("me pegan", True), ("ok", False), ("hola, qwe", True), ("help!!", True)])
def test_a_message_mostly_mashed_says_nothing(text, says):
    assert says_something(text) is says
